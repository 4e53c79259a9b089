"""Rules for `scipy.special`: logistic and softmax functions, gamma and beta functions,
error functions and the normal distribution, Bessel functions.

Imported by the rule table once `scipy.special` is in sys.modules (rules/__init__.py),
never by `import srcdiff`.  Most of these functions are ufuncs, declared by their
partial derivatives like NumPy's; each partial is written with functions that have
rules themselves (digamma' = polygamma(1, x), polygamma(n, x)' = polygamma(n + 1, x),
i0' = i1, i1' = (i0 + iv(2, x)) / 2, iv(v, x)' = (iv(v - 1, x) + iv(v + 1, x)) / 2, ...),
so Hessians and higher derivatives work.  Templates say `special.xxx`, which generated
code binds to the module `scipy.special`.

Arguments that are orders or counts (polygamma's n, the order v of iv / jv / yv, the
shape a of gammainc, multigammaln's d, the parameters of hyp2f1 / hyp1f1, expn's n)
have no derivative: a
differentiated value there is refused, naming the argument.  logsumexp's
`return_sign=` (a tuple result) is not a parameter of its rule, so a call passing it is
refused.
"""

import math

import numpy as np
import scipy.special as special

from ..runtime import arrays as runtime_arrays
from ..runtime import core as runtime
from ..runtime import special as runtime_special
from .core import RULES, Rule, make_rule, nondiff_rule

NS = {
    "np": np,
    "math": math,
    "special": special,
    "unbroadcast": runtime.unbroadcast,
    "expand_reduced": runtime_arrays.expand_reduced,
    "broadcast_of": runtime_special.broadcast_of,
    "in_dtype_of": runtime_special.in_dtype_of,
}

#: Every rule this module registers, in order (tests walk it).
REGISTERED: list[Rule] = []


def _add(rule):
    REGISTERED.append(rule)
    RULES.add(rule)


def partials(func, params, name, result="same", **parts):
    _add(
        make_rule(
            func, params, partials=parts, namespace=NS, result=result, label=f"scipy.special.{name}"
        )
    )


def linear(func, params, name, jvp, vjp, result="array"):
    _add(
        make_rule(
            func,
            params,
            jvp=jvp,
            vjp=vjp,
            namespace=NS,
            result=result,
            label=f"scipy.special.{name}",
        )
    )


# --- logistic, log-sum-exp, softmax -------------------------------------------------------
partials(special.expit, "x", "expit", x="out * (1 - out)")
partials(special.logit, "x", "logit", x="1 / (x * (1 - x))")
# out = log(sum(b * exp(a))): d/da = b exp(a - out), d/db = exp(a - out), over the reduced
# axes.  Without b the templates fold to the first branch (`None is None`); with b, `a` is
# broadcast against it first (broadcast_of), as logsumexp does.
_A = "broadcast_of(a, b)"
_W = f"np.exp({_A} - expand_reduced(out, {_A}, axis, keepdims))"
_SOFT = "np.exp(a - expand_reduced(out, a, axis, keepdims))"
linear(
    special.logsumexp,
    "a, axis=None, b=None, keepdims=False",
    "logsumexp",
    jvp={
        "a": f"np.sum(t * {_SOFT}, axis=axis, keepdims=keepdims) if b is None "
        f"else np.sum(t * b * {_W}, axis=axis, keepdims=keepdims)",
        "b": f"np.sum(t * {_W}, axis=axis, keepdims=keepdims)",
    },
    vjp={
        "a": f"expand_reduced(g, a, axis, keepdims) * {_SOFT} if b is None "
        f"else unbroadcast(expand_reduced(g, {_A}, axis, keepdims) * b * {_W}, a)",
        "b": f"unbroadcast(expand_reduced(g, {_A}, axis, keepdims) * {_W}, b)",
    },
    result="reduce",
)
# softmax: d out = out * (t - sum(out * t)); log_softmax: d out = t - sum(exp(out) * t),
# the sums over `axis` (all axes for None).  Both are symmetric in the sense that the
# vjp is the same formula with g for t.
linear(
    special.softmax,
    "x, axis=None",
    "softmax",
    jvp={"x": "out * (t - np.sum(out * t, axis=axis, keepdims=True))"},
    vjp={"x": "out * (g - np.sum(out * g, axis=axis, keepdims=True))"},
)
linear(
    special.log_softmax,
    "x, axis=None",
    "log_softmax",
    jvp={"x": "t - np.sum(np.exp(out) * t, axis=axis, keepdims=True)"},
    vjp={"x": "g - np.exp(out) * np.sum(g, axis=axis, keepdims=True)"},
)

# --- gamma and beta functions ------------------------------------------------------------
partials(special.gammaln, "x", "gammaln", x="special.digamma(x)")
# digamma' = polygamma(1, x) = zeta(2, x), the Hurwitz zeta function: zeta keeps float32
# (polygamma computes in float64)
partials(special.digamma, "x", "digamma", x="special.zeta(2, x)")  # special.psi too
partials(special.polygamma, "n, x", "polygamma", x="special.polygamma(n + 1, x)")
partials(special.zeta, "x, q", "zeta", q="-x * special.zeta(x + 1, q)")  # Hurwitz, in q
partials(special.gamma, "x", "gamma", x="out * special.digamma(x)")
partials(special.rgamma, "x", "rgamma", x="-out * special.digamma(x)")
_add(nondiff_rule(special.gammasgn, "same", "scipy.special.gammasgn"))  # piecewise constant
partials(special.loggamma, "x", "loggamma", x="special.digamma(x)")  # real x > 0
# poch(z, m) = gamma(z + m) / gamma(z)
partials(
    special.poch,
    "z, m",
    "poch",
    z="out * (special.digamma(z + m) - special.digamma(z))",
    m="out * special.digamma(z + m)",
)


# Box-Cox: (x^l - 1) / l, log(x) at l = 0 (boxcox1p of 1 + x).  In l: (x^l log x - out) / l,
# by its series log(x)^2 / 2 + l log(x)^3 / 3 + l^2 log(x)^4 / 8 where |l| < 1e-4 (the
# quotient cancels there; the series' next term is below rounding); log(x) in out's dtype
def _boxcox_lmbda(base):
    log = f"in_dtype_of(np.log({base}), out)"  # (a float x: a float64 NumPy scalar)
    series = f"{log} ** 2 / 2 + lmbda * {log} ** 3 / 3 + lmbda ** 2 * {log} ** 4 / 8"
    exact = f"({base} ** lmbda * {log} - out) / np.where(lmbda == 0, 1.0, lmbda)"
    return f"np.where(np.abs(lmbda) < 1e-4, {series}, {exact})"


partials(special.boxcox, "x, lmbda", "boxcox", x="x ** (lmbda - 1)", lmbda=_boxcox_lmbda("x"))
partials(
    special.boxcox1p,
    "x, lmbda",
    "boxcox1p",
    x="(1 + x) ** (lmbda - 1)",
    lmbda=_boxcox_lmbda("(1 + x)"),
)
_DAB = "special.digamma(a) - special.digamma(a + b)"
_DBA = "special.digamma(b) - special.digamma(a + b)"
partials(special.beta, "a, b", "beta", a=f"out * ({_DAB})", b=f"out * ({_DBA})")
partials(special.betaln, "a, b", "betaln", a=_DAB, b=_DBA)
# log Gamma_d(a) = const + sum_j gammaln(a - j / 2), j < d
partials(
    special.multigammaln,
    "a, d",
    "multigammaln",
    a="np.sum(special.digamma(np.expand_dims(a, -1) - 0.5 * np.arange(d)), axis=-1)",
)
# regularised incomplete gamma and beta functions, in x only (not in a or b)
# (in the result's dtype: whether gammainc of a float32 x is float32 depends on SciPy's
# version, and SciPy's float64 scalar gammaln(2.5) would make the partial float64)
_GAMMA_X = "np.asarray(np.exp((a - 1) * np.log(x) - x - special.gammaln(a)), dtype=out.dtype)"
partials(special.gammainc, "a, x", "gammainc", x=_GAMMA_X)
partials(special.gammaincc, "a, x", "gammaincc", x=f"-{_GAMMA_X}")
partials(
    special.betainc,
    "a, b, x",
    "betainc",
    x="np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - in_dtype_of(special.betaln(a, b), x))",
)

# hypergeometric functions, in z only (their parameters have no closed-form derivative):
# d/dz 2F1(a, b; c; z) = ab/c 2F1(a+1, b+1; c+1; z), d/dz 1F1(a; b; z) = a/b 1F1(a+1; b+1; z)
partials(
    special.hyp2f1, "a, b, c, z", "hyp2f1", z="a * b / c * special.hyp2f1(a + 1, b + 1, c + 1, z)"
)
partials(special.hyp1f1, "a, b, x", "hyp1f1", x="a / b * special.hyp1f1(a + 1, b + 1, x)")
# the generalised exponential integral E_n(x), in x: -E_{n-1}(x), with E_0(x) = exp(-x) / x
# (whose derivative is -E_0(x) (1 + 1 / x))
partials(
    special.expn,
    "n, x",
    "expn",
    x="np.where(n == 0, -out * (1 + 1 / x), -special.expn(np.maximum(n - 1, 0), x))",
)

# --- error functions and the normal distribution -------------------------------------------
# Constants are Python floats (math), so float32 stays float32.
partials(special.erf, "x", "erf", x="2 / math.sqrt(math.pi) * np.exp(-x * x)")
partials(special.erfc, "x", "erfc", x="-2 / math.sqrt(math.pi) * np.exp(-x * x)")
partials(special.erfinv, "x", "erfinv", x="math.sqrt(math.pi) / 2 * np.exp(out * out)")
partials(special.erfcinv, "x", "erfcinv", x="-math.sqrt(math.pi) / 2 * np.exp(out * out)")
partials(special.ndtr, "x", "ndtr", x="np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)")
partials(special.ndtri, "x", "ndtri", x="math.sqrt(2 * math.pi) * np.exp(0.5 * out * out)")
# pdf / cdf as exp(log pdf - log cdf): finite far into the left tail, where both underflow
partials(special.log_ndtr, "x", "log_ndtr", x="np.exp(-0.5 * x * x - out) / math.sqrt(2 * math.pi)")
# x log y is 0 where x == 0, whatever y: there its derivative in y is 0 too (not 0 / 0)
partials(special.xlogy, "x, y", "xlogy", x="np.log(y)", y="x / np.where(x == 0, 1.0, y)")
partials(special.xlog1py, "x, y", "xlog1py", x="np.log1p(y)", y="x / np.where(x == 0, 1.0, 1 + y)")
partials(special.entr, "x", "entr", x="-np.log(x) - 1")
# x log(x / y) - x + y and x log(x / y), for x, y > 0
partials(special.kl_div, "x, y", "kl_div", x="np.log(x / y)", y="1 - x / y")
partials(special.rel_entr, "x, y", "rel_entr", x="np.log(x / y) + 1", y="-x / y")
# erfcx = exp(x^2) erfc(x); Dawson's integral F' = 1 - 2 x F
partials(special.erfcx, "x", "erfcx", x="2 * x * out - 2 / math.sqrt(math.pi)")
partials(special.dawsn, "x", "dawsn", x="1 - 2 * x * out")
# the exponential integrals E1 (x > 0) and Ei (x != 0)
partials(special.exp1, "x", "exp1", x="-np.exp(-x) / x")
partials(special.expi, "x", "expi", x="np.exp(x) / x")

# --- Bessel functions --------------------------------------------------------------------
# Recurrences: C_v' = (C_{v-1} - C_{v+1}) / 2 for J and Y, (I_{v-1} + I_{v+1}) / 2 for I;
# the exponentially scaled ive(v, x) = iv(v, x) exp(-|x|) adds -sign(x) ive(v, x).
# special.jn is special.jv.
partials(special.j0, "x", "j0", x="-special.j1(x)")
partials(special.j1, "x", "j1", x="(special.j0(x) - special.jv(2, x)) / 2")
partials(special.jv, "v, x", "jv", x="(special.jv(v - 1, x) - special.jv(v + 1, x)) / 2")
partials(special.y0, "x", "y0", x="-special.y1(x)")
partials(special.y1, "x", "y1", x="special.y0(x) - out / x")  # yn(2, x) is float64
partials(special.yn, "n, x", "yn", x="(special.yn(n - 1, x) - special.yn(n + 1, x)) / 2")
partials(special.yv, "v, x", "yv", x="(special.yv(v - 1, x) - special.yv(v + 1, x)) / 2")


def several(func, params, name, jvp, vjp):
    """A function returning a tuple of results: each jvp gives one tangent per result,
    each vjp reads one cotangent per result (g[0], g[1]; 0.0 for a result not used)."""
    rule = make_rule(
        func, params, jvp=jvp, vjp=vjp, namespace=NS, result="array", label=f"scipy.special.{name}"
    )
    rule.several = True
    _add(rule)


# (Si, Ci) = sici(x): Si' = sin(x) / x (1 at 0), Ci' = cos(x) / x (SciPy's Ci(x) is Ci(|x|)
# for x < 0).  Ci' is infinite at 0: the cotangent of Ci divides there only where it is
# not zero, so the derivative of Si alone is finite at 0.
several(
    special.sici,
    "x",
    "sici",
    jvp={"x": "(t * np.sinc(x / math.pi), t * np.cos(x) / x)"},
    vjp={"x": "g[0] * np.sinc(x / math.pi) + g[1] * np.cos(x) / np.where(g[1] == 0, 1.0, x)"},
)
# (S, C) = fresnel(x): S' = sin(pi x^2 / 2), C' = cos(pi x^2 / 2)
several(
    special.fresnel,
    "x",
    "fresnel",
    jvp={"x": "(t * np.sin(math.pi / 2 * x * x), t * np.cos(math.pi / 2 * x * x))"},
    vjp={"x": "g[0] * np.sin(math.pi / 2 * x * x) + g[1] * np.cos(math.pi / 2 * x * x)"},
)
# Owen's T(h, a) = 1/(2 pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx
partials(
    special.owens_t,
    "h, a",
    "owens_t",
    h="-np.exp(-h * h / 2) * special.erf(a * h / math.sqrt(2)) / (2 * math.sqrt(2 * math.pi))",
    a="np.exp(-h * h * (1 + a * a) / 2) / (2 * math.pi * (1 + a * a))",
)
# factorial(n) = gamma(n + 1) (exact=False); 0 for n < 0 unless extend="complex", which
# keeps gamma(n + 1) there.  (exact=True takes integers only: no derivative.)
partials(
    special.factorial,
    "n, exact=False, extend='zero'",
    "factorial",
    n="np.where((n >= 0) | (extend != 'zero'), out * special.digamma(n + 1), 0.0)",
)
partials(special.i0, "x", "i0", x="special.i1(x)")
partials(special.i1, "x", "i1", x="(special.i0(x) + special.iv(2, x)) / 2")
partials(special.iv, "v, x", "iv", x="(special.iv(v - 1, x) + special.iv(v + 1, x)) / 2")
partials(special.i0e, "x", "i0e", x="special.i1e(x) - np.sign(x) * out")
partials(special.i1e, "x", "i1e", x="(special.i0e(x) + special.ive(2, x)) / 2 - np.sign(x) * out")
partials(
    special.ive,
    "v, x",
    "ive",
    x="(special.ive(v - 1, x) + special.ive(v + 1, x)) / 2 - np.sign(x) * out",
)

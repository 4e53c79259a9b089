"""Rules for `scipy.stats` distributions: norm, t, gamma, chi2, beta (pdf, logpdf, cdf,
logcdf, sf, logsf), poisson (pmf, logpmf, cdf), dirichlet (pdf, logpdf) and
multivariate_normal (pdf, logpdf, entropy).

Imported by the rule table once `scipy.stats` is in sys.modules (rules/__init__.py).
`stats.norm` is an object (an instance of a distribution class), and `stats.norm.pdf`
a bound method: a call resolves to it (compiler/source.py resolves a method of an
object a module holds when the table has a rule for it), and the table is keyed by
it (bound methods compare equal when they bind the same function to the same
object).  Frozen distributions (`stats.norm(0, 1).pdf`) have no rule.

A continuous distribution is given by the log density of its standard form,
log f0(z; shapes), its z-derivative and its derivatives in the shape parameters; with
z = (x - loc) / scale, pdf(x) = f0(z) / scale, and for every function
d/dloc = -d/dx and d/dscale = -(z d/dx + [1 / scale for the densities]):

* logpdf: d/dx = log f0'(z) / scale, d/dshape = d log f0 / d shape; pdf: out times these;
* cdf: d/dx = f0(z) / scale; sf: its negative; logcdf / logsf: f0(z) / (scale cdf), as
  exp(log f0(z) - out), finite in the far tail where f0 and cdf both underflow.

The cumulative functions have no derivative in the shape parameters (that of an
incomplete gamma or beta function in its parameter): a differentiated shape there is
refused, naming it.  For poisson, `k` and `loc` (counts) have none either.
"""

import math

import numpy as np
import scipy.special as special
from scipy import stats

from ..runtime import core as runtime
from ..runtime import special as rs
from .core import RULES, Rule, make_rule

NS = {
    "np": np,
    "math": math,
    "special": special,
    "along_components": rs.along_components,
    "sum_samples": rs.sum_samples,
    "unbroadcast": runtime.unbroadcast,
    "zeros_like": runtime.zeros_like,
    **{n: getattr(rs, n) for n in ("mvn_solve", "mvn_cov_vjp", "mvn_cov_jvp")},
}

#: Every rule this module registers, in order (tests walk it).
REGISTERED: list[Rule] = []

Z = "((x - loc) / scale)"


def _add(func, params, label, **parts):
    rule = make_rule(func, params, partials=parts, namespace=NS, label=label)
    REGISTERED.append(rule)
    RULES.add(rule)


def continuous(name, shapes, log_f0, dlog_f0, **dshape):
    """Rules for the six functions of distribution `name`; the templates are in z."""
    dist = getattr(stats, name)
    params = ", ".join(["x", *shapes, "loc=0", "scale=1"])
    log_f0, dlog_f0 = log_f0.format(z=Z), dlog_f0.format(z=Z)
    dshape = {p: d.format(z=Z) for p, d in dshape.items()}
    density_dx = f"({dlog_f0}) / scale"
    for fn, factor in (("logpdf", ""), ("pdf", "out * ")):
        _add(
            getattr(dist, fn),
            params,
            f"scipy.stats.{name}.{fn}",
            x=f"{factor}{density_dx}",
            loc=f"-{factor}{density_dx}",
            scale=f"-{factor}({Z} * {density_dx} + 1 / scale)",
            **{p: f"{factor}({d})" for p, d in dshape.items()},
        )
    for fn, dx in (
        ("cdf", f"np.exp({log_f0}) / scale"),
        ("sf", f"-np.exp({log_f0}) / scale"),
        ("logcdf", f"np.exp({log_f0} - out) / scale"),
        ("logsf", f"-np.exp({log_f0} - out) / scale"),
    ):
        _add(
            getattr(dist, fn),
            params,
            f"scipy.stats.{name}.{fn}",
            x=dx,
            loc=f"-({dx})",
            scale=f"-{Z} * ({dx})",
        )


continuous("norm", [], "-0.5 * {z} ** 2 - 0.5 * math.log(2 * math.pi)", "-{z}")
continuous(
    "t",
    ["df"],
    "special.gammaln((df + 1) / 2) - special.gammaln(df / 2) - 0.5 * np.log(df * math.pi)"
    " - (df + 1) / 2 * np.log1p({z} ** 2 / df)",
    "-(df + 1) * {z} / (df + {z} ** 2)",
    df="0.5 * special.digamma((df + 1) / 2) - 0.5 * special.digamma(df / 2) - 0.5 / df"
    " - 0.5 * np.log1p({z} ** 2 / df) + (df + 1) * {z} ** 2 / (2 * df * (df + {z} ** 2))",
)
continuous(
    "gamma",
    ["a"],
    "(a - 1) * np.log({z}) - {z} - special.gammaln(a)",
    "(a - 1) / {z} - 1",
    a="np.log({z}) - special.digamma(a)",
)
continuous(
    "chi2",
    ["df"],
    "(df / 2 - 1) * np.log({z}) - {z} / 2 - df / 2 * math.log(2) - special.gammaln(df / 2)",
    "(df / 2 - 1) / {z} - 0.5",
    df="0.5 * np.log({z}) - 0.5 * math.log(2) - 0.5 * special.digamma(df / 2)",
)
continuous(
    "beta",
    ["a", "b"],
    "(a - 1) * np.log({z}) + (b - 1) * np.log1p(-{z}) - special.betaln(a, b)",
    "(a - 1) / {z} - (b - 1) / (1 - {z})",
    a="np.log({z}) - special.digamma(a) + special.digamma(a + b)",
    b="np.log1p(-{z}) - special.digamma(b) + special.digamma(a + b)",
)

# poisson: pmf = mu^k exp(-mu) / k!, cdf = sum_{j <= floor(k)} pmf(j): d/dmu = -pmf(floor k)
_K = "(k - loc)"
_DLOG = f"{_K} / mu - 1"
_POISSON = "scipy.stats.poisson."
_add(stats.poisson.logpmf, "k, mu, loc=0", _POISSON + "logpmf", mu=_DLOG)
_add(stats.poisson.pmf, "k, mu, loc=0", _POISSON + "pmf", mu=f"out * ({_DLOG})")
_add(
    stats.poisson.cdf,
    "k, mu, loc=0",
    _POISSON + "cdf",
    mu=f"-np.exp(np.floor({_K}) * np.log(mu) - mu - special.gammaln(np.floor({_K}) + 1))",
)

# dirichlet(x, alpha), x (K,) or (K, samples): log pdf = sum((alpha - 1) log x) - log B(alpha),
# log B(alpha) = sum(gammaln(alpha)) - gammaln(sum(alpha)); a number per sample
_ALPHA = "along_components(alpha, x)"
_DLOGB = "(special.digamma(alpha) - special.digamma(np.sum(alpha)))"
for _fn, _g, _t in (("logpdf", "g", ""), ("pdf", "(g * out)", "out * ")):
    _rule = make_rule(
        getattr(stats.dirichlet, _fn),
        "x, alpha",
        jvp={
            "x": f"{_t}np.sum(t * ({_ALPHA} - 1) / x, axis=0)",
            "alpha": f"{_t}(np.sum(along_components(t, x) * np.log(x), axis=0) "
            f"- np.sum(t * {_DLOGB}))",
        },
        vjp={
            "x": f"{_g} * ({_ALPHA} - 1) / x",
            "alpha": f"sum_samples({_g} * np.log(x)) - np.sum({_g}) * {_DLOGB}",
        },
        namespace=NS,
        result="array",
        label=f"scipy.stats.dirichlet.{_fn}",
    )
    REGISTERED.append(_rule)
    RULES.add(_rule)

# multivariate_normal(x, mean, cov): x (k,) or (samples, k), a number per sample;
# d/dx = -P (x - mean), P the (pseudo-)inverse of cov; in cov (read through its lower
# triangle) 0.5 (P d d^T P - P), refused at run time where cov is singular
_DEV = "(x if mean is None else x - mean)"
_PDEV = f"mvn_solve({_DEV}, cov)"
_MVN = "x, mean=None, cov=1, allow_singular=False"
for _fn, _g, _t in (("logpdf", "g", ""), ("pdf", "(g * out)", "out * ")):
    _rule = make_rule(
        getattr(stats.multivariate_normal, _fn),
        _MVN,
        jvp={
            "x": f"-{_t}np.sum({_PDEV} * t, axis=-1)",
            "mean": f"{_t}np.sum({_PDEV} * t, axis=-1)",
            "cov": f"{_t}mvn_cov_jvp(t, {_DEV}, cov)",
        },
        vjp={
            "x": f"-np.expand_dims({_g}, -1) * {_PDEV}",
            "mean": f"unbroadcast(np.expand_dims({_g}, -1) * {_PDEV}, mean)",
            "cov": f"mvn_cov_vjp({_g}, {_DEV}, cov)",
        },
        namespace=NS,
        result="array",
        label=f"scipy.stats.multivariate_normal.{_fn}",
    )
    REGISTERED.append(_rule)
    RULES.add(_rule)
# entropy = 0.5 log det(2 pi e cov): 0.5 P in cov; the mean plays no part
_rule = make_rule(
    stats.multivariate_normal.entropy,
    "mean=None, cov=1",
    jvp={"mean": "0.0", "cov": "-mvn_cov_jvp(t, np.zeros(np.shape(cov)[-1]), cov)"},
    vjp={"mean": "zeros_like(mean)", "cov": "mvn_cov_vjp(-g, np.zeros(np.shape(cov)[-1]), cov)"},
    namespace=NS,
    result="scalar",
    label="scipy.stats.multivariate_normal.entropy",
)
REGISTERED.append(_rule)
RULES.add(_rule)

"""Every scalar derivative rule, checked against finite differences and SymPy.

For each rule registered in ``srcdiff.rules.RULES`` there is an entry in
``CASES`` (differentiable rules) or ``NONDIFF`` (rules with no derivative).
A test fails if a rule is registered without an entry here, so new rules
cannot slip in untested.

Each differentiable rule is exercised through a one-line wrapper in
``tests/scalar_wrappers.py`` (srcdiff needs real source) and compared with

(a) a fourth-order central finite difference, whose step is scaled to the
    point's distance from the nearest singularity / kink (``scale``), so
    points close to a domain edge (asin near 0.99, log near 1e-3, ...) are
    measured accurately; and
(b) the exact derivative from ``sympy.diff`` of the matching SymPy
    expression, evaluated at the exact binary value of the point with
    50 significant digits.
"""

from __future__ import annotations

import ast
import builtins
import math
import sys
from dataclasses import dataclass

import pytest
import scalar_wrappers as W
import sympy as sp

import srcdiff
from srcdiff.rules import RULES
from srcdiff.runtime import core as runtime

PY311 = sys.version_info >= (3, 11)

FD_RTOL, FD_ATOL = 1e-6, 1e-8
SYM_RTOL, SYM_ATOL = 1e-9, 1e-12


@dataclass
class P:
    """A test point: arguments, the distance scale for finite differences,
    and which argument indices to differentiate (None: all of them)."""

    args: tuple
    scale: float = 1.0
    wrt: tuple | None = None
    sympy: bool = True


def _pts(*items):
    return [it if isinstance(it, P) else P(it if isinstance(it, tuple) else (it,)) for it in items]


@dataclass
class Case:
    wrapper: object
    sym: object  # (symbols tuple, numeric point) -> SymPy expression
    points: list


def _sym_mod(s, p):
    # Python's x % y == x - y * floor(x / y); floor is locally constant at p.
    k = math.floor(p[0] / p[1])
    return s[0] - s[1] * k


def _sym_divmod(s, p):
    # divmod(x, y) = (q, x - y * q) with q = floor(x / y), locally constant at p
    k = math.floor(p[0] / p[1])
    return s[0] - s[1] * k + 3 * k * s[0]


def _sym_cbrt(s, p):
    return sp.sign(s[0]) * sp.Abs(s[0]) ** sp.Rational(1, 3)


POW_POINTS = _pts(
    (1.7, 1.2),
    P((1e-3, 2.5), scale=1e-3),
    P((2e-4, 1.5), scale=2e-4),
    (0.5, -1.5),
    (3.0, 2.0),
    (2.0, 0.0),
    P((-2.0, 3.0), wrt=(0,)),
    P((-1.5, 2.0), wrt=(0,)),
    (10.0, 0.5),
)
LOG_POINTS = _pts(0.3, 5.0, 1e3, P((1e-3,), scale=1e-3), P((1e-6,), scale=1e-6))
ABS_POINTS = _pts(1.3, -0.7, P((1e-3,), scale=1e-3), P((-1e-3,), scale=1e-3))
ASIN_POINTS = _pts(
    0.3,
    -0.5,
    P((0.99,), scale=0.01),
    P((-0.99,), scale=0.01),
    P((0.999,), scale=1e-3),
    P((-0.999,), scale=1e-3),
)

#: key: (rule label, number of parameters)
CASES = {
    # operators
    ("+", 2): Case(W.op_add, lambda s, p: s[0] + s[1], _pts((1.3, -0.4), (-2.5, 3.7), (1e-3, 1e3))),
    ("-", 2): Case(W.op_sub, lambda s, p: s[0] - s[1], _pts((1.3, -0.4), (-2.5, 3.7), (1e-3, 1e3))),
    ("*", 2): Case(
        W.op_mult, lambda s, p: s[0] * s[1], _pts((1.3, -0.4), (-2.5, 3.7), (1e-3, 1e3))
    ),
    ("/", 2): Case(
        W.op_div,
        lambda s, p: s[0] / s[1],
        _pts((1.3, -0.4), (-5.0, 3.0), P((2.0, 1e-3), scale=1e-3), P((1.0, -1e-3), scale=1e-3)),
    ),
    ("**", 2): Case(W.op_pow, lambda s, p: s[0] ** s[1], POW_POINTS),
    ("%", 2): Case(
        W.op_mod, _sym_mod, _pts((5.3, 1.5), (-5.3, 1.5), (5.3, -1.5), (0.7, 2.0), (-0.7, -2.0))
    ),
    ("unary -", 1): Case(W.op_usub, lambda s, p: -s[0], _pts(1.3, -0.2)),
    ("unary +", 1): Case(W.op_uadd, lambda s, p: s[0], _pts(1.3, -0.2)),
    # math
    ("math.sin", 1): Case(W.math_sin, lambda s, p: sp.sin(s[0]), _pts(0.3, -1.7, 4.0, 100.0)),
    ("math.cos", 1): Case(W.math_cos, lambda s, p: sp.cos(s[0]), _pts(0.3, -1.7, 4.0, 100.0)),
    ("math.tan", 1): Case(
        W.math_tan,
        lambda s, p: sp.tan(s[0]),
        _pts(0.3, -1.0, P((1.5,), scale=0.07), P((-1.56,), scale=0.01)),
    ),
    ("math.asin", 1): Case(W.math_asin, lambda s, p: sp.asin(s[0]), ASIN_POINTS),
    ("math.acos", 1): Case(W.math_acos, lambda s, p: sp.acos(s[0]), ASIN_POINTS),
    ("math.atan", 1): Case(
        W.math_atan, lambda s, p: sp.atan(s[0]), _pts(0.3, -4.0, P((100.0,), scale=10.0))
    ),
    ("math.atan2", 2): Case(
        W.math_atan2,
        lambda s, p: sp.atan2(s[0], s[1]),
        _pts(
            (0.5, 1.2),
            (0.5, -1.2),
            (-0.5, -1.2),
            (-2.0, 0.3),
            P((1e-3, 1.0), scale=1e-3),
            P((1.0, 1e-3), scale=1e-3),
        ),
    ),
    ("math.sinh", 1): Case(W.math_sinh, lambda s, p: sp.sinh(s[0]), _pts(0.3, -2.0, 5.0)),
    ("math.cosh", 1): Case(W.math_cosh, lambda s, p: sp.cosh(s[0]), _pts(0.3, -2.0, 5.0)),
    ("math.tanh", 1): Case(W.math_tanh, lambda s, p: sp.tanh(s[0]), _pts(0.3, -2.0, 5.0)),
    ("math.asinh", 1): Case(
        W.math_asinh, lambda s, p: sp.asinh(s[0]), _pts(0.3, -3.0, P((1e3,), scale=100.0))
    ),
    ("math.acosh", 1): Case(
        W.math_acosh,
        lambda s, p: sp.acosh(s[0]),
        _pts(1.5, 3.0, P((1.001,), scale=1e-3), P((1.0001,), scale=1e-4)),
    ),
    ("math.atanh", 1): Case(
        W.math_atanh,
        lambda s, p: sp.atanh(s[0]),
        _pts(0.3, -0.5, P((0.99,), scale=0.01), P((-0.99,), scale=0.01), P((0.999,), scale=1e-3)),
    ),
    ("math.exp", 1): Case(W.math_exp, lambda s, p: sp.exp(s[0]), _pts(0.3, -3.0, 10.0)),
    ("math.expm1", 1): Case(
        W.math_expm1, lambda s, p: sp.exp(s[0]) - 1, _pts(0.3, -0.5, 2.0, 1e-8)
    ),
    ("math.log", 1): Case(W.math_log, lambda s, p: sp.log(s[0]), LOG_POINTS),
    ("math.log", 2): Case(
        W.math_log_base,
        lambda s, p: sp.log(s[0]) / sp.log(s[1]),
        _pts(
            (2.5, 10.0),
            (0.3, 2.0),
            (5.0, 1.5),
            (5.0, 0.5),
            P((1e-3, 3.0), scale=1e-3),
            P((2.0, 1.01), scale=0.01),
        ),
    ),
    ("math.log2", 1): Case(W.math_log2, lambda s, p: sp.log(s[0], 2), LOG_POINTS),
    ("math.log10", 1): Case(W.math_log10, lambda s, p: sp.log(s[0], 10), LOG_POINTS),
    ("math.log1p", 1): Case(
        W.math_log1p,
        lambda s, p: sp.log(1 + s[0]),
        _pts(0.3, 1e-8, -0.5, P((-0.999,), scale=1e-3), P((100.0,), scale=10.0)),
    ),
    ("math.sqrt", 1): Case(
        W.math_sqrt,
        lambda s, p: sp.sqrt(s[0]),
        _pts(0.3, 4.0, 1e4, P((1e-4,), scale=1e-4), P((1e-8,), scale=1e-8)),
    ),
    ("math.pow", 2): Case(W.math_pow, lambda s, p: s[0] ** s[1], POW_POINTS),
    ("math.fsum", 1): Case(
        W.math_fsum,
        lambda s, p: s[0] + s[1] * s[2] + s[0] ** 2 + sp.Rational(1, 2),
        _pts((1.3, -0.4, 2.0), (-2.5, 3.7, 0.1), (1e-3, 1e3, -1e-3)),
    ),
    ("math.hypot", 2): Case(
        W.math_hypot,
        lambda s, p: sp.sqrt(s[0] ** 2 + s[1] ** 2),
        _pts((3.0, 4.0), (-1.2, 0.5), (0.5, -7.0), P((1e-3, -2e-3), scale=1e-3)),
    ),
    ("math.erf", 1): Case(W.math_erf, lambda s, p: sp.erf(s[0]), _pts(0.3, -2.0, 3.0)),
    ("math.erfc", 1): Case(W.math_erfc, lambda s, p: sp.erfc(s[0]), _pts(0.3, -2.0, 3.0)),
    ("math.fabs", 1): Case(W.math_fabs, lambda s, p: sp.Abs(s[0]), ABS_POINTS),
    ("math.copysign", 2): Case(
        W.math_copysign,
        lambda s, p: sp.Abs(s[0]) * sp.sign(s[1]),
        _pts(
            (1.3, -2.0),
            (-1.3, 2.0),
            (-0.7, -1.0),
            (0.7, 1.0),
            P((0.5, 1e-3), scale=1e-3),
            P((-1e-3, -0.5), scale=1e-3),
        ),
    ),
    ("math.degrees", 1): Case(W.math_degrees, lambda s, p: s[0] * 180 / sp.pi, _pts(0.3, -100.0)),
    ("math.radians", 1): Case(W.math_radians, lambda s, p: s[0] * sp.pi / 180, _pts(0.3, -100.0)),
    ("math.gamma", 1): Case(W.math_gamma, lambda s, p: sp.gamma(s[0]), _pts(0.3, 2.5, 7.1, -1.5)),
    ("math.lgamma", 1): Case(
        W.math_lgamma,
        lambda s, p: sp.log(sp.gamma(s[0]) * math.copysign(1, math.gamma(p[0]))),
        _pts(0.3, 2.5, 40.0, -2.5, -1.5),
    ),
    ("math.fmod", 2): Case(
        W.math_fmod,
        lambda s, p: s[0] - s[1] * math.trunc(p[0] / p[1]),
        _pts((5.3, 1.7), (-5.3, 1.7), (5.3, -1.2), (0.4, 3.0)),
    ),
    ("math.remainder", 2): Case(
        W.math_remainder,
        lambda s, p: s[0] - s[1] * round(p[0] / p[1]),
        _pts((5.3, 1.7), (-5.3, 1.7), (5.3, -1.2), (0.4, 3.0)),
    ),
    ("math.ldexp", 2): Case(
        W.math_ldexp,
        lambda s, p: s[0] * 2 ** p[1],
        _pts(P((1.3, 3), wrt=(0,)), P((-0.7, -2), wrt=(0,))),
    ),
    # builtins
    ("abs", 1): Case(W.bi_abs, lambda s, p: sp.Abs(s[0]), ABS_POINTS),
    ("float", 1): Case(W.bi_float, lambda s, p: s[0], _pts(1.3, -0.2)),
    ("pow", 2): Case(W.bi_pow, lambda s, p: s[0] ** s[1], POW_POINTS),
    ("max", 2): Case(
        W.bi_max,
        lambda s, p: sp.Max(s[0], s[1]),
        _pts((1.3, 0.7), (0.7, 1.3), (-2.0, 5.0), P((-1.0, -1.001), scale=1e-4)),
    ),
    ("min", 2): Case(
        W.bi_min,
        lambda s, p: sp.Min(s[0], s[1]),
        _pts((1.3, 0.7), (0.7, 1.3), (-2.0, 5.0), P((-1.0, -1.001), scale=1e-4)),
    ),
    ("divmod", 2): Case(
        W.bi_divmod, _sym_divmod, _pts((5.3, 1.5), (-5.3, 1.5), (5.3, -1.5), (0.7, 2.0))
    ),
}
# d/dy x**y = pow_dexp(x**y, x) = x**y log x; the rule makes it differentiable again
CASES[("srcdiff.runtime.core.pow_dexp", 2)] = Case(
    W.rt_pow_dexp,
    lambda s, p: s[0] * sp.log(s[1]),
    _pts((2.0, 1.5), (-0.7, 3.0), (1.3, 0.2), P((0.5, 1e-3), scale=1e-3)),
)
# psi(n, x), srcdiff's polygamma (math.gamma's and lgamma's derivatives): d/dx is psi(n + 1, x)
CASES[("srcdiff.runtime.core.psi", 2)] = Case(
    W.rt_psi,
    lambda s, p: sp.polygamma(int(p[0]), s[1]),
    _pts(*(P((n, x), wrt=(1,)) for n in (0, 1, 2) for x in (0.3, 4.5, 25.0, -1.5))),
)
if PY311:
    CASES[("math.exp2", 1)] = Case(W.math_exp2, lambda s, p: 2 ** s[0], _pts(0.3, -3.0, 10.0))
    CASES[("math.cbrt", 1)] = Case(
        W.math_cbrt,
        _sym_cbrt,
        _pts(0.3, -8.0, 27.0, P((1e-4,), scale=1e-4), P((-1e-4,), scale=1e-4)),
    )

#: Operator spellings and multi-argument forms that map onto the rules above.
EXTRA = {
    "x ** 3": Case(W.op_pow_int3, lambda s, p: s[0] ** 3, _pts(1.7, -2.0, P((1e-3,), scale=1e-3))),
    "x ** 0.5": Case(W.op_pow_half, lambda s, p: sp.sqrt(s[0]), _pts(1.7, P((1e-4,), scale=1e-4))),
    "x ** -2": Case(W.op_pow_neg2, lambda s, p: s[0] ** -2, _pts(1.7, -0.3)),
    "2 ** x": Case(W.op_rpow_2, lambda s, p: 2 ** s[0], _pts(1.7, -0.3, 10.0)),
    "3.0 / x": Case(W.op_rdiv_3, lambda s, p: 3 / s[0], _pts(1.7, -0.3, P((1e-3,), scale=1e-3))),
    "x / 3": Case(W.op_div_3, lambda s, p: s[0] / 3, _pts(1.7, -0.3)),
    "1 - x": Case(W.op_rsub_1, lambda s, p: 1 - s[0], _pts(1.7, -0.3)),
    "x % 1.5": Case(
        W.op_mod_const,
        lambda s, p: s[0] - sp.Float(1.5) * math.floor(p[0] / 1.5),
        _pts(1.7, -0.3, 5.0),
    ),
    "7.0 % x": Case(
        W.op_rmod_const, lambda s, p: 7 - s[0] * math.floor(7.0 / p[0]), _pts(1.7, -3.0, 2.5)
    ),
    "-(-x * x)": Case(W.op_usub_nested, lambda s, p: s[0] * s[0], _pts(1.7, -0.3)),
    "max(x, y, z)": Case(
        W.bi_max3,
        lambda s, p: sp.Max(*s),
        _pts((1.0, 2.0, 3.0), (3.0, 2.0, 1.0), (2.0, 3.0, 1.0), (-1.0, -3.0, -2.0)),
    ),
    "min(x, y, z)": Case(
        W.bi_min3,
        lambda s, p: sp.Min(*s),
        _pts((1.0, 2.0, 3.0), (3.0, 2.0, 1.0), (2.0, 1.0, 3.0), (-1.0, -3.0, -2.0)),
    ),
    "max(x, y, z, w)": Case(
        W.bi_max4,
        lambda s, p: sp.Max(*s),
        _pts(
            (1.0, 2.0, 3.0, 4.0), (4.0, 3.0, 2.0, 1.0), (1.0, 4.0, 2.0, 3.0), (1.0, 2.0, 4.0, 3.0)
        ),
    ),
    "min(x, y, z, w)": Case(
        W.bi_min4,
        lambda s, p: sp.Min(*s),
        _pts(
            (1.0, 2.0, 3.0, 4.0), (4.0, 3.0, 2.0, 1.0), (3.0, 1.0, 2.0, 4.0), (4.0, 2.0, 1.0, 3.0)
        ),
    ),
}

# --- reference derivatives ------------------------------------------------------------


def _param_names(func):
    return func.__code__.co_varnames[: func.__code__.co_argcount]


def fd_derivative(func, args, index, scale):
    """Fourth-order central difference of func with respect to args[index]."""
    h = 1e-3 * scale

    def f(v):
        a = list(args)
        a[index] = args[index] + v
        return float(func(*a))

    return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)


def sympy_derivative(case, args, index):
    names = _param_names(case.wrapper)
    syms = tuple(sp.Symbol(n, real=True) for n in names)
    expr = sp.sympify(case.sym(syms, args))
    d = sp.diff(expr, syms[index])
    value = d.subs({s: sp.Float(v, 50) for s, v in zip(syms, args)}).evalf(50)
    re, im = value.as_real_imag()
    assert abs(float(im)) <= 1e-30 * max(1.0, abs(float(re))), f"complex reference {value}"
    return float(re)


def _close(a, b, rtol, atol):
    return abs(a - b) <= atol + rtol * abs(b)


def _cases_params():
    out = []
    for table, prefix in ((CASES, "rule"), (EXTRA, "extra")):
        for key, case in table.items():
            label = key if isinstance(key, str) else f"{key[0]}/{key[1]}"
            for k, pt in enumerate(case.points):
                idxs = pt.wrt if pt.wrt is not None else tuple(range(len(pt.args)))
                for i in idxs:
                    out.append(pytest.param(case, pt, i, id=f"{prefix}:{label}:{pt.args}:wrt{i}"))
    return out


@pytest.mark.parametrize("case, point, index", _cases_params())
def test_rule_gradient(case, point, index):
    f = case.wrapper
    args = point.args
    g = srcdiff.grad(f, wrt=index)(*args)
    assert isinstance(g, float), f"expected a float gradient, got {g!r}"
    fd = fd_derivative(f, args, index, point.scale)
    assert _close(g, fd, FD_RTOL, FD_ATOL), (
        f"{f.__name__}{args} d/d{_param_names(f)[index]}: srcdiff {g!r}, finite differences {fd!r}"
    )
    if point.sympy:
        ref = sympy_derivative(case, args, index)
        assert _close(g, ref, SYM_RTOL, SYM_ATOL), (
            f"{f.__name__}{args} d/d{_param_names(f)[index]}: srcdiff {g!r}, sympy {ref!r}"
        )


def sympy_second_derivative(case, args, index):
    names = _param_names(case.wrapper)
    syms = tuple(sp.Symbol(n, real=True) for n in names)
    d2 = sp.diff(sp.sympify(case.sym(syms, args)), syms[index], 2)
    value = d2.subs({s: sp.Float(v, 50) for s, v in zip(syms, args)}).evalf(50)
    return float(value.as_real_imag()[0])


@pytest.mark.parametrize("case, point, index", _cases_params())
def test_rule_gradient_forward_mode(case, point, index):
    """The rule's jvp: forward mode against finite differences and reverse mode."""
    f = case.wrapper
    g = srcdiff.grad(f, wrt=index, mode="forward")(*point.args)
    assert isinstance(g, float), f"expected a float gradient, got {g!r}"
    fd = fd_derivative(f, point.args, index, point.scale)
    assert _close(g, fd, FD_RTOL, FD_ATOL), (f.__name__, point.args, index, g, fd)
    rev = srcdiff.grad(f, wrt=index)(*point.args)
    assert _close(g, rev, 1e-12, 1e-300), (f.__name__, point.args, index, g, rev)


@pytest.mark.parametrize("case, point, index", _cases_params())
def test_rule_second_derivative(case, point, index):
    """Hessians differentiate the derivative templates again (forward over reverse):
    against sympy's second derivative and finite differences of the gradient."""
    f = case.wrapper
    h = srcdiff.hessian(f, wrt=index)(*point.args)
    grad = srcdiff.grad(f, wrt=index)
    fd = fd_derivative(grad, point.args, index, point.scale)
    assert _close(float(h), fd, 1e-5, 1e-6), (f.__name__, point.args, index, h, fd)
    if point.sympy:
        ref = sympy_second_derivative(case, point.args, index)
        assert _close(float(h), ref, 1e-8, 1e-10), (f.__name__, point.args, index, h, ref)


@pytest.mark.parametrize(
    "case, point",
    [
        pytest.param(case, pt, id=f"{key[0]}/{key[1]}:{pt.args}")
        for key, case in CASES.items()
        if len(case.points[0].args) > 1
        for pt in case.points
        if pt.wrt is None
    ],
)
def test_rule_gradient_all_args_at_once(case, point):
    """A tuple `wrt` gives the same partials as one-at-a-time `wrt`."""
    f = case.wrapper
    names = _param_names(f)
    together = srcdiff.grad(f, wrt=names)(*point.args)
    assert isinstance(together, tuple) and len(together) == len(names)
    for i, name in enumerate(names):
        alone = srcdiff.grad(f, wrt=name)(*point.args)
        assert together[i] == pytest.approx(alone, rel=1e-14, abs=1e-300)


@pytest.mark.parametrize(
    "case, point",
    [pytest.param(case, case.points[0], id=f"{key[0]}/{key[1]}") for key, case in CASES.items()],
)
def test_value_and_grad_value(case, point):
    f = case.wrapper
    value, g = srcdiff.value_and_grad(f, wrt=0)(*point.args)
    assert value == f(*point.args)
    assert g == srcdiff.grad(f, wrt=0)(*point.args)


def test_pow_at_zero_base():
    # d/dx x**2 = 2x = 0 and d/dy x**y = x**y log x -> 0 at x = 0 (y > 0).
    for f in (W.op_pow, W.math_pow, W.bi_pow):
        gx, gy = srcdiff.grad(f, wrt=("x", "y"))(0.0, 2.0)
        assert gx == 0.0 and gy == 0.0, f.__name__
        gx, gy = srcdiff.grad(f, wrt=("x", "y"))(0.0, 3.5)
        assert gx == 0.0 and gy == 0.0, f.__name__


def test_max_min_ties_follow_returned_value():
    # Python returns the first of equal arguments; the derivative follows it.
    assert srcdiff.grad(W.bi_max, wrt=("x", "y"))(1.5, 1.5) == (1.0, 0.0)
    assert srcdiff.grad(W.bi_min, wrt=("x", "y"))(1.5, 1.5) == (1.0, 0.0)


# --- nondifferentiable rules -------------------------------------------------------------

#: label -> (wrapper whose result is the primitive alone, args,
#:           wrapper k * x (or similar), expected derivative of it from the inputs)
NONDIFF = {
    "//": [
        (W.nd_floordiv, (2.3,), W.nd_floordiv_times, lambda x: x // 1.5),
        (W.nd_floordiv, (-4.0,), W.nd_floordiv_times, lambda x: x // 1.5),
    ],
    "math.floor": [
        (W.nd_floor, (2.3,), W.nd_floor_times, lambda x: math.floor(x)),
        (W.nd_floor, (-2.3,), W.nd_floor_times, lambda x: math.floor(x)),
    ],
    "math.ceil": [
        (W.nd_ceil, (2.3,), W.nd_ceil_times, lambda x: math.ceil(x)),
        (W.nd_ceil, (-2.3,), W.nd_ceil_times, lambda x: math.ceil(x)),
    ],
    "math.trunc": [
        (W.nd_trunc, (2.3,), W.nd_trunc_times, lambda x: math.trunc(x)),
        (W.nd_trunc, (-2.3,), W.nd_trunc_times, lambda x: math.trunc(x)),
    ],
    "math.isnan": [(W.nd_isnan, (2.3,), W.nd_isnan_times, lambda x: 1.0 + math.isnan(x))],
    "math.isinf": [(W.nd_isinf, (2.3,), W.nd_isinf_times, lambda x: 1.0 + math.isinf(x))],
    "math.isfinite": [
        (W.nd_isfinite, (2.3,), W.nd_isfinite_times, lambda x: float(math.isfinite(x)))
    ],
    "int": [
        (W.nd_int, (2.7,), W.nd_int_times, lambda x: int(x)),
        (W.nd_int, (-2.7,), W.nd_int_times, lambda x: int(x)),
    ],
    "round": [
        (W.nd_round, (2.7,), W.nd_round_times, lambda x: round(x)),
        (W.nd_round, (-2.3,), W.nd_round_times, lambda x: round(x)),
    ],
    "bool": [(W.nd_bool, (2.7,), W.nd_bool_times, lambda x: float(bool(x)))],
    "range": [(W.nd_range, (4.5,), W.nd_range_times, lambda x: float(sum(range(int(x)))))],
    "any": [
        (W.nd_any, (2.3,), W.nd_any_times, lambda x: 1.0),
        (W.nd_any, (0.5,), W.nd_any_times, lambda x: 0.0),
    ],
    "all": [
        (W.nd_all, (2.3,), W.nd_all_times, lambda x: 1.0),
        (W.nd_all, (0.5,), W.nd_all_times, lambda x: 0.0),
    ],
    "isinstance": [(W.nd_isinstance, (2.3,), W.nd_isinstance_times, lambda x: 1.0)],
    "callable": [(W.nd_callable, (2.3,), W.nd_callable_times, lambda x: 1.0)],
}


def _nondiff_params():
    out = []
    for label, rows in NONDIFF.items():
        for pure, args, times, expected in rows:
            out.append(pytest.param(pure, args, times, expected, id=f"{label}:{args}"))
    return out


@pytest.mark.parametrize("pure, args, times, expected", _nondiff_params())
def test_nondiff_rule(pure, args, times, expected):
    g = srcdiff.grad(pure, wrt=0)(*args)
    assert g == 0.0
    assert isinstance(g, float), f"expected a float gradient, got {g!r}"
    assert fd_derivative(pure, args, 0, 0.1) == 0.0
    g2 = srcdiff.grad(times, wrt=0)(*args)
    assert isinstance(g2, float), f"expected a float gradient, got {g2!r}"
    assert g2 == pytest.approx(expected(*args), rel=1e-12)
    assert g2 == pytest.approx(fd_derivative(times, args, 0, 0.1), rel=1e-8)


def test_nondiff_len():
    xs = [1.0, 2.0, 3.0]
    assert srcdiff.grad(W.nd_len, wrt="x")(0.5, xs) == 0.0
    assert list(srcdiff.grad(W.nd_len, wrt="xs")(0.5, xs)) == [0.0, 0.0, 0.0]
    g = srcdiff.grad(W.nd_len_times, wrt="x")(0.5, xs)
    assert g == float(len(xs))
    assert isinstance(g, float), f"expected a float gradient, got {g!r}"
    assert list(srcdiff.grad(W.nd_len_times, wrt="xs")(0.5, xs)) == [0.0, 0.0, 0.0]


def test_nondiff_floordiv_both_operands():
    assert srcdiff.grad(W.op_floordiv, wrt=("x", "y"))(7.3, 2.1) == (0.0, 0.0)
    assert srcdiff.grad(W.op_floordiv, wrt=("x", "y"))(-7.3, 2.1) == (0.0, 0.0)


# --- coverage of the rule table -------------------------------------------------------------


def _rule_key(rule):
    return (rule.label, len(rule.params))


def is_scalar_rule(rule):
    """Rules for Python operators on numbers, `math`, numeric builtins, and the scalar
    runtime helper pow_dexp (NumPy and array helpers are tested elsewhere)."""
    func = rule.func
    if isinstance(func, type) and issubclass(func, ast.AST):
        return rule.result != "array"  # `@` is an array operator
    if func in (runtime.pow_dexp, runtime.psi):
        return True
    return getattr(func, "__module__", None) in ("math", "builtins")


SCALAR_RULES = [r for r in RULES.all() if is_scalar_rule(r)]


def test_every_registered_rule_is_tested():
    missing = []
    for rule in SCALAR_RULES:
        if rule.differentiable:
            if _rule_key(rule) not in CASES:
                missing.append(f"{rule.label}{rule.params}")
        elif rule.label not in NONDIFF and rule.label != "len":
            missing.append(f"{rule.label} (nondifferentiable)")
    assert not missing, f"rules without tests: {missing}"


def test_math_hypot_at_zero_is_zero_as_norm_is():
    # the minimum-norm subgradient of the 2-norm, not 0 / 0 (a ZeroDivisionError)
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(W.math_hypot, wrt=(0, 1), mode=mode)(0.0, 0.0) == (0.0, 0.0)
        assert srcdiff.grad(W.math_hypot, wrt=(0, 1), mode=mode)(3.0, 4.0) == pytest.approx(
            (0.6, 0.8)
        )


def test_every_case_matches_a_registered_rule():
    keys = {_rule_key(r) for r in SCALAR_RULES if r.differentiable}
    assert set(CASES) <= keys, sorted(set(CASES) - keys)
    nd = {r.label for r in SCALAR_RULES if not r.differentiable}
    assert set(NONDIFF) <= nd, sorted(set(NONDIFF) - nd)


@pytest.mark.parametrize(
    "rule", [pytest.param(r, id=f"{r.label}/{len(r.params)}") for r in RULES.all()]
)
def test_rule_has_jvp_and_vjp_for_same_params(rule):
    """Every registered rule (scalar or not) serves both modes for the same parameters."""
    assert set(rule.jvp) == set(rule.vjp), (rule.label, sorted(rule.jvp), sorted(rule.vjp))
    if not rule.differentiable:
        assert rule.jvp == {} and rule.vjp == {}
        return
    assert rule.jvp, rule
    assert set(rule.vjp) <= set(rule.params)
    for mode in ("jvp", "vjp"):
        for p in rule.vjp:
            assert isinstance(rule.template(mode, p), ast.AST)


@pytest.mark.parametrize(
    "rule",
    [pytest.param(r, id=f"{r.label}/{len(r.params)}") for r in SCALAR_RULES if r.differentiable],
)
def test_scalar_rule_differentiates_every_parameter(rule):
    assert set(rule.vjp) == set(rule.params), (rule.label, rule.params, sorted(rule.vjp))


@pytest.mark.parametrize(
    "rule",
    [pytest.param(r, id=f"{r.label}/{len(r.params)}") for r in SCALAR_RULES if r.differentiable],
)
def test_rule_jvp_and_vjp_agree(rule):
    """For a scalar primitive, the jvp with t=1 equals the vjp with g=1 (both are the partial)."""
    case = CASES[_rule_key(rule)]
    if rule.func is math.fsum:  # a list parameter: <jvp(t), g> == <t, vjp(g)> instead
        seq, t = [0.3, -1.2, 4.0], [0.7, 0.2, -1.5]
        ns = dict(rule.namespace)
        j = eval(compile(rule.jvp["seq"], "<jvp>", "eval"), ns, {"seq": seq, "t": t})
        v = eval(compile(rule.vjp["seq"], "<vjp>", "eval"), ns, {"seq": seq, "g": 2.5})
        assert j * 2.5 == pytest.approx(sum(a * b for a, b in zip(t, v)), rel=1e-15)
        return
    for pt in case.points:
        if pt.wrt is not None:
            continue
        env = dict(zip(rule.params, pt.args))
        if rule.several:  # (divmod: one partial per result, the vjp's g one per result)
            _agree_per_result(rule, env, pt.args)
            continue
        env["out"] = case.wrapper(*pt.args)
        for p in rule.params:
            j = eval(compile(rule.jvp[p], "<jvp>", "eval"), dict(rule.namespace), {**env, "t": 1.0})
            v = eval(compile(rule.vjp[p], "<vjp>", "eval"), dict(rule.namespace), {**env, "g": 1.0})
            assert j == pytest.approx(v, rel=1e-15, abs=0.0), (rule.label, p, pt.args)


def _agree_per_result(rule, env, args):
    """A rule with several results: the jvp's k-th tangent at t=1 is the vjp at g = e_k."""
    env["out"] = rule.func(*args)
    for p in rule.params:
        j = eval(compile(rule.jvp[p], "<jvp>", "eval"), dict(rule.namespace), {**env, "t": 1.0})
        for k in range(len(env["out"])):
            g = [float(i == k) for i in range(len(env["out"]))]
            v = eval(compile(rule.vjp[p], "<vjp>", "eval"), dict(rule.namespace), {**env, "g": g})
            assert j[k] == pytest.approx(v, rel=1e-15, abs=0.0), (rule.label, p, k, args)


SPEC_MATH = [
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "exp",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "pow",
    "hypot",
    "erf",
    "erfc",
    "fabs",
    "copysign",
]
if PY311:
    SPEC_MATH += ["exp2", "cbrt"]
TWO_ARG = {"atan2", "pow", "hypot", "copysign"}


@pytest.mark.parametrize("name", SPEC_MATH)
def test_spec_math_function_has_rule(name):
    rules = RULES.lookup(getattr(math, name))
    assert rules, f"math.{name} has no rule"
    arities = {len(r.params) for r in rules}
    if name == "log":
        assert arities == {1, 2}
    elif name in TWO_ARG:
        assert arities == {2}
    else:
        assert arities == {1}
    assert all(r.differentiable for r in rules)


@pytest.mark.parametrize(
    "func, arities",
    [
        (builtins.abs, {1}),
        (builtins.min, {2}),
        (builtins.max, {2}),
        (builtins.pow, {2}),
        (builtins.float, {1}),
    ],
    ids=["abs", "min", "max", "pow", "float"],
)
def test_spec_builtin_has_rule(func, arities):
    rules = RULES.lookup(func)
    assert rules and {len(r.params) for r in rules} == arities
    assert all(r.differentiable for r in rules)


@pytest.mark.parametrize(
    "op, differentiable",
    [
        (ast.Add, True),
        (ast.Sub, True),
        (ast.Mult, True),
        (ast.Div, True),
        (ast.Pow, True),
        (ast.USub, True),
        (ast.UAdd, True),
        (ast.Mod, True),
        (ast.FloorDiv, False),
    ],
)
def test_spec_operator_has_rule(op, differentiable):
    rules = RULES.lookup(op)
    assert rules, op
    assert all(r.differentiable == differentiable for r in rules)

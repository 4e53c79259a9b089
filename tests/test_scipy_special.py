"""scipy.special rules (srcdiff/rules/scipy_special.py) against SymPy and finite differences.

For every elementwise function: the first derivative in both modes at scalar points
against ``sympy.diff`` of the matching SymPy expression (and central differences),
the second derivative (srcdiff.hessian: forward over reverse, through the rule's own
derivative) against SymPy's, the Jacobian of array inputs in both modes against
central differences, and float32 kept where SciPy keeps it.  logsumexp, softmax and
log_softmax are checked over shapes, axes, keepdims and weights `b=`.  A test fails
if the module registers a rule without a case here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.special as special
import scipy_wrappers as W
import sympy as sp
from fdiff import fd_jacobian

import srcdiff
from srcdiff.rules import scipy_special

SYM_RTOL = 1e-8
FD_RTOL, FD_ATOL = 1e-5, 1e-7
RNG = np.random.default_rng(20261203)


@dataclass
class Case:
    """A function, the arguments it differentiates in (`wrt`), scalar points, the
    interval array inputs are drawn from, and its SymPy expression."""

    func: object
    wrt: tuple
    points: list
    lims: tuple
    sym: object  # (*sympy symbols) -> expression
    fixed: tuple = ()  # values of the non-differentiated arguments, for array inputs


def _gauss_cdf(x):
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


def _owens_t(h, a):
    x = sp.Symbol("x", real=True)
    integrand = sp.exp(-(h**2) * (1 + x**2) / 2) / (1 + x**2)
    return sp.Integral(integrand, (x, 0, a)) / (2 * sp.pi)


def _beta(a, b):
    return sp.gamma(a) * sp.gamma(b) / sp.gamma(a + b)


U1 = (0,)
CASES = {
    "expit": Case(W.expit, U1, [-3.0, 0.25, 2.5], (-4, 4), lambda x: 1 / (1 + sp.exp(-x))),
    "logit": Case(W.logit, U1, [0.1, 0.5, 0.85], (0.1, 0.9), lambda x: sp.log(x / (1 - x))),
    "gammaln": Case(W.gammaln, U1, [0.3, 1.7, 6.0], (0.3, 4), sp.loggamma),
    "digamma": Case(W.digamma, U1, [0.3, 1.7, 6.0], (0.3, 4), lambda x: sp.polygamma(0, x)),
    "psi": Case(W.psi, U1, [0.4, 2.5], (0.3, 4), lambda x: sp.polygamma(0, x)),
    "gamma": Case(W.gamma, U1, [0.3, 1.7, 4.5], (0.3, 4), sp.gamma),
    "rgamma": Case(W.rgamma, U1, [0.3, 1.7, 4.5], (0.3, 4), lambda x: 1 / sp.gamma(x)),
    "erf": Case(W.erf, U1, [-1.5, 0.2, 2.0], (-2, 2), sp.erf),
    "erfc": Case(W.erfc, U1, [-1.5, 0.2, 2.0], (-2, 2), sp.erfc),
    "erfinv": Case(W.erfinv, U1, [-0.9, 0.1, 0.7], (-0.9, 0.9), sp.erfinv),
    "erfcinv": Case(W.erfcinv, U1, [0.1, 0.9, 1.7], (0.1, 1.9), lambda x: sp.erfinv(1 - x)),
    "ndtr": Case(W.ndtr, U1, [-2.5, 0.3, 1.8], (-3, 3), _gauss_cdf),
    "ndtri": Case(
        W.ndtri, U1, [0.05, 0.4, 0.9], (0.05, 0.95), lambda x: sp.sqrt(2) * sp.erfinv(2 * x - 1)
    ),
    "log_ndtr": Case(W.log_ndtr, U1, [-6.0, -1.0, 2.0], (-5, 3), lambda x: sp.log(_gauss_cdf(x))),
    "entr": Case(W.entr, U1, [0.1, 1.0, 2.5], (0.1, 3), lambda x: -x * sp.log(x)),
    "i0": Case(W.i0, U1, [-1.5, 0.3, 4.0], (-5, 5), lambda x: sp.besseli(0, x)),
    "i1": Case(W.i1, U1, [-1.5, 0.3, 4.0], (-5, 5), lambda x: sp.besseli(1, x)),
    "i0e": Case(
        W.i0e, U1, [-1.5, 0.3, 4.0], (0.2, 5), lambda x: sp.exp(-sp.Abs(x)) * sp.besseli(0, x)
    ),
    "i1e": Case(
        W.i1e, U1, [-1.5, 0.3, 4.0], (0.2, 5), lambda x: sp.exp(-sp.Abs(x)) * sp.besseli(1, x)
    ),
    "j0": Case(W.j0, U1, [0.2, 3.0, 11.0], (0.2, 12), lambda x: sp.besselj(0, x)),
    "j1": Case(W.j1, U1, [0.2, 3.0, 11.0], (0.2, 12), lambda x: sp.besselj(1, x)),
    "y0": Case(W.y0, U1, [0.2, 3.0, 11.0], (0.2, 12), lambda x: sp.bessely(0, x)),
    "y1": Case(W.y1, U1, [0.3, 3.0, 11.0], (0.3, 12), lambda x: sp.bessely(1, x)),
    # two or three arguments; a point is a tuple of all of them
    "beta": Case(W.beta, (0, 1), [(0.7, 1.9), (2.5, 0.4)], (0.4, 3), _beta),
    "betaln": Case(
        W.betaln, (0, 1), [(0.7, 1.9), (2.5, 0.4)], (0.4, 3), lambda a, b: sp.log(_beta(a, b))
    ),
    "xlogy": Case(W.xlogy, (0, 1), [(0.7, 1.9), (-2.5, 0.4)], (0.2, 3), lambda x, y: x * sp.log(y)),
    "xlog1py": Case(
        W.xlog1py, (0, 1), [(0.7, 1.9), (-2.5, -0.4)], (0.2, 3), lambda x, y: x * sp.log(1 + y)
    ),
    "polygamma": Case(
        W.polygamma, (1,), [(0, 0.6), (1, 2.5), (3, 1.2)], (0.3, 4), sp.polygamma, fixed=(1,)
    ),
    "jv": Case(W.jv, (1,), [(0.5, 2.0), (2.0, 7.5)], (0.3, 9), sp.besselj, fixed=(1.5,)),
    "jn": Case(W.jn, (1,), [(0, 2.0), (3, 7.5)], (0.3, 9), sp.besselj, fixed=(2,)),
    "yv": Case(W.yv, (1,), [(0.5, 2.0), (2.0, 7.5)], (0.5, 9), sp.bessely, fixed=(1.5,)),
    "yn": Case(W.yn, (1,), [(0, 2.0), (2, 7.5)], (0.5, 9), sp.bessely, fixed=(2,)),
    "iv": Case(W.iv, (1,), [(0.5, 2.0), (2.0, 4.5)], (0.3, 5), sp.besseli, fixed=(1.5,)),
    "ive": Case(
        W.ive,
        (1,),
        [(0.5, 2.0), (2.0, 4.5)],
        (0.3, 5),
        lambda v, x: sp.exp(-sp.Abs(x)) * sp.besseli(v, x),
        fixed=(1.5,),
    ),
    "gammainc": Case(
        W.gammainc,
        (1,),
        [(2.5, 0.7), (0.8, 3.0)],
        (0.2, 4),
        lambda a, x: sp.lowergamma(a, x) / sp.gamma(a),
        fixed=(2.5,),
    ),
    "gammaincc": Case(
        W.gammaincc,
        (1,),
        [(2.5, 0.7), (0.8, 3.0)],
        (0.2, 4),
        lambda a, x: sp.uppergamma(a, x) / sp.gamma(a),
        fixed=(2.5,),
    ),
    "betainc": Case(
        W.betainc,
        (2,),
        [(2.5, 1.5, 0.3), (0.8, 3.0, 0.6)],
        (0.1, 0.9),
        lambda a, b, x: sp.betainc_regularized(a, b, 0, x),
        fixed=(2.5, 1.5),
    ),
    "zeta": Case(W.zeta, (1,), [(2, 0.6), (3.5, 2.5)], (0.3, 4), sp.zeta, fixed=(2,)),
    "hyp2f1": Case(
        W.hyp2f1,
        (3,),
        [(0.5, 1.5, 2.5, 0.3), (1.2, -0.7, 0.8, -0.6)],
        (-0.8, 0.8),
        lambda a, b, c, z: sp.hyper([a, b], [c], z),
        fixed=(0.5, 1.5, 2.5),
    ),
    "hyp1f1": Case(
        W.hyp1f1,
        (2,),
        [(0.5, 1.5, 0.3), (1.2, 2.7, -1.6)],
        (-2, 2),
        lambda a, b, x: sp.hyper([a], [b], x),
        fixed=(0.5, 1.5),
    ),
    "expn": Case(W.expn, (1,), [(0, 0.7), (1, 1.5), (3, 0.4)], (0.2, 3), sp.expint, fixed=(2,)),
    "loggamma": Case(W.loggamma, U1, [0.3, 1.7, 6.0], (0.3, 4), sp.loggamma),
    "poch": Case(
        W.poch,
        (0, 1),
        [(0.7, 1.9), (2.5, 0.4), (1.5, -0.3)],
        (0.4, 3),
        lambda z, m: sp.gamma(z + m) / sp.gamma(z),
    ),
    "boxcox": Case(
        W.boxcox,
        (0,),
        [(0.7, 0.7), (2.5, 0.0), (1.5, -1.3)],
        (0.2, 3),
        lambda x, lm: sp.log(x) if float(lm) == 0 else (x**lm - 1) / lm,
        fixed=(0.7,),
    ),
    "boxcox1p": Case(
        W.boxcox1p,
        (0,),
        [(0.7, -0.4), (2.5, 0.0), (-0.5, 1.6)],
        (-0.5, 3),
        lambda x, lm: sp.log(1 + x) if float(lm) == 0 else ((1 + x) ** lm - 1) / lm,
        fixed=(-0.4,),
    ),
    "boxcox_lmbda": Case(
        W.boxcox,
        (1,),
        [(0.7, 0.7), (2.5, 3e-5), (1.5, -1.3)],  # 3e-5: the series near 0
        (0.2, 2),
        lambda x, lm: (x**lm - 1) / lm,
        fixed=(1.7,),
    ),
    "boxcox1p_lmbda": Case(
        W.boxcox1p,
        (1,),
        [(0.7, -0.4), (2.5, -2e-5), (-0.5, 1.6)],
        (0.2, 2),
        lambda x, lm: ((1 + x) ** lm - 1) / lm,
        fixed=(0.7,),
    ),
    "kl_div": Case(
        W.kl_div, (0, 1), [(0.7, 1.9), (2.5, 0.4)], (0.2, 3), lambda x, y: x * sp.log(x / y) - x + y
    ),
    "rel_entr": Case(
        W.rel_entr, (0, 1), [(0.7, 1.9), (2.5, 0.4)], (0.2, 3), lambda x, y: x * sp.log(x / y)
    ),
    "erfcx": Case(W.erfcx, U1, [-1.5, 0.2, 3.0], (-2, 3), lambda x: sp.exp(x**2) * sp.erfc(x)),
    "dawsn": Case(
        W.dawsn,
        U1,
        [-1.5, 0.2, 3.0],
        (-3, 3),
        lambda x: sp.sqrt(sp.pi) / 2 * sp.exp(-(x**2)) * sp.erfi(x),
    ),
    "exp1": Case(W.exp1, U1, [0.2, 1.5, 4.0], (0.2, 4), lambda x: sp.expint(1, x)),
    "expi": Case(W.expi, U1, [-2.0, 0.3, 2.5], (0.2, 3), sp.Ei),
    "owens_t": Case(W.owens_t, (0, 1), [(0.5, 1.2), (-1.3, 0.4)], (0.2, 2), _owens_t),
    "factorial": Case(W.factorial, U1, [0.5, 2.3, 4.0], (0.2, 4), lambda n: sp.gamma(n + 1)),
    "multigammaln": Case(
        W.multigammaln,
        (0,),
        [(2.5, 2), (4.25, 3)],
        (2.0, 4),
        lambda a, d: sum(sp.loggamma(a - sp.Rational(j, 2)) for j in range(int(d))),
        fixed=(2,),
    ),
}


def _args(point):
    return point if isinstance(point, tuple) else (point,)


def _sympy_derivative(case, args, i, order=1):
    """d^order f / d args[i]^order, exactly at the binary value of the point."""
    symbols = sp.symbols(f"s0:{len(args)}", real=True)
    exact = [sp.Float(float(a), 50) if isinstance(a, float) else a for a in args]
    expr = case.sym(*[s if k == i else exact[k] for k, s in enumerate(symbols)])
    value = sp.diff(expr, symbols[i], order).subs(symbols[i], exact[i]).evalf(40)
    return float(value)


def _scalar_params():
    for name, case in CASES.items():
        for point in case.points:
            for i in case.wrt:
                yield pytest.param(case, _args(point), i, id=f"{name}{_args(point)}/{i}")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("case, args, i", list(_scalar_params()))
def test_first_derivative_matches_sympy_and_finite_differences(case, args, i, mode):
    got = srcdiff.grad(case.func, wrt=i, mode=mode)(*args)
    want = _sympy_derivative(case, args, i)
    assert got == pytest.approx(want, rel=SYM_RTOL, abs=1e-12), (args, i, mode)
    fd = float(fd_jacobian(case.func, args, i))
    assert got == pytest.approx(fd, rel=FD_RTOL, abs=FD_ATOL)


@pytest.mark.parametrize("case, args, i", list(_scalar_params()))
def test_second_derivative_matches_sympy(case, args, i):
    """The Hessian differentiates the generated gradient, so the rule's own derivative
    (digamma for gammaln, polygamma(n + 1) for polygamma(n), ...) needs its rule too."""
    got = srcdiff.hessian(case.func, wrt=i)(*args)
    want = _sympy_derivative(case, args, i, order=2)
    assert float(got) == pytest.approx(want, rel=1e-7, abs=1e-10), args


def _draw(lims, shape, dtype=np.float64):
    return RNG.uniform(*lims, size=shape).astype(dtype)


def _array_args(case, shape, dtype=np.float64):
    """Arrays of `shape` in the differentiated slots (the second one of shape[-1:], to
    broadcast), the case's fixed values elsewhere."""
    fixed = iter(case.fixed)
    args, first = [], True
    n = len(_args(case.points[0]))
    for k in range(n):
        if k in case.wrt:
            args.append(_draw(case.lims, shape if first else shape[-1:], dtype))
            first = False
        else:
            args.append(next(fixed))
    return tuple(args)


@pytest.mark.parametrize("shape", [(3,), (2, 3)], ids=str)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_array_jacobian_matches_finite_differences(name, mode, shape):
    case = CASES[name]
    args = _array_args(case, shape)
    for i in case.wrt:
        got = srcdiff.jacobian(case.func, wrt=i, mode=mode)(*args)
        want = fd_jacobian(case.func, args, i)
        np.testing.assert_allclose(got, want, rtol=FD_RTOL, atol=FD_ATOL, err_msg=f"{name}/{i}")


#: the functions of several arguments with their fixed ones (Case.fixed) filled in
IN_ONE = {
    "polygamma": W.polygamma_in_x,
    "jv": W.jv_in_x,
    "jn": W.jn_in_x,
    "yv": W.yv_in_x,
    "yn": W.yn_in_x,
    "iv": W.iv_in_x,
    "ive": W.ive_in_x,
    "gammainc": W.gammainc_in_x,
    "gammaincc": W.gammaincc_in_x,
    "betainc": W.betainc_in_x,
    "multigammaln": W.multigammaln_in_a,
    "zeta": W.zeta_in_q,
    "hyp2f1": W.hyp2f1_in_z,
    "hyp1f1": W.hyp1f1_in_x,
    "expn": W.expn_in_x,
    "boxcox": W.boxcox_in_x,
    "boxcox1p": W.boxcox1p_in_x,
    "boxcox_lmbda": W.boxcox_in_lmbda,
    "boxcox1p_lmbda": W.boxcox1p_in_lmbda,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_stays_float32_where_scipy_keeps_it(name):
    case = CASES[name]
    func = IN_ONE.get(name, case.func)
    n = 1 if name in IN_ONE else len(case.wrt)
    args = tuple(_draw(case.lims, (4,), np.float32) for _ in range(n))
    out, pullback = srcdiff.vjp(func, *args)
    cotangents = pullback(np.ones_like(out))
    _, tangent_out = srcdiff.jvp(func, args, tuple(np.ones_like(a) for a in args))
    tangent_want = 0.0
    for i in range(n):  # a cotangent has its input's dtype, a tangent its output's
        assert cotangents[i].dtype == np.float32, (name, i, cotangents[i].dtype, out.dtype)
        ref = np.diagonal(fd_jacobian(func, tuple(a.astype(float) for a in args), i))
        np.testing.assert_allclose(cotangents[i], ref, rtol=2e-3, atol=1e-4)
        tangent_want = tangent_want + ref
    assert np.asarray(tangent_out).dtype == out.dtype, (name, tangent_out.dtype, out.dtype)
    np.testing.assert_allclose(tangent_out, tangent_want, rtol=2e-3, atol=1e-4)


def test_gammasgn_has_no_derivative():
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(W.gammasgn, mode=mode)(-0.5) == 0.0


def lambda_sum_gammasgn(x):
    return np.sum(special.gammasgn(x) * x)  # d/dx = gammasgn(x): the sign, no delta


def test_gammasgn_times_x_gives_the_sign():
    x = np.array([0.5, -1.5, -2.5])
    np.testing.assert_array_equal(srcdiff.grad(lambda_sum_gammasgn)(x), special.gammasgn(x))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_boxcox_in_lmbda_at_zero_is_the_limit(mode):
    # d/dl (x^l - 1) / l at l = 0: log(x)^2 / 2 (the quotient is 0 / 0 there)
    for func, x, base in ((W.boxcox, 1.7, 1.7), (W.boxcox1p, 0.7, 1.7)):
        got = srcdiff.grad(func, wrt=1, mode=mode)(x, 0.0)
        assert got == pytest.approx(np.log(base) ** 2 / 2, rel=1e-12)


def test_order_arguments_are_refused_when_differentiated():
    with pytest.raises(
        srcdiff.SrcDiffError, match="no derivative with respect to its argument 'n'"
    ):
        srcdiff.grad(W.polygamma, wrt=0)(1.0, 2.0)
    with pytest.raises(srcdiff.SrcDiffError, match="argument 'a'"):
        srcdiff.grad(W.gammainc, wrt=0)(1.5, 2.0)


def test_xlogy_at_x_zero_has_zero_derivative_in_y():
    for mode in ("reverse", "forward"):
        dy = srcdiff.grad(W.xlogy, wrt=1, mode=mode)(0.0, 0.0)
        assert dy == 0.0


# --- logsumexp, softmax, log_softmax -----------------------------------------------------------
ARRAY_CASES = [
    (W.logsumexp, [(4,), (3, 4), (2, 3, 4)]),
    (W.logsumexp_axis0, [(4,), (3, 4), (2, 3, 4)]),
    (W.logsumexp_axis1_keepdims, [(3, 4), (2, 3, 4)]),
    (W.logsumexp_axis_tuple, [(2, 3, 4)]),
    (W.softmax, [(4,), (3, 4)]),
    (W.softmax_axis1, [(3, 4), (2, 3, 4)]),
    (W.log_softmax, [(4,), (3, 4)]),
    (W.log_softmax_axis0, [(4,), (3, 4)]),
]


def _array_params():
    for func, shapes in ARRAY_CASES:
        for shape in shapes:
            yield pytest.param(func, shape, id=f"{func.__name__}{shape}")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, shape", list(_array_params()))
def test_reductions_jacobian(func, shape, mode):
    a = RNG.standard_normal(shape)
    got = srcdiff.jacobian(func, mode=mode)(a)
    np.testing.assert_allclose(got, fd_jacobian(func, (a,), 0), rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.parametrize("func, shape", list(_array_params()))
def test_reductions_float32(func, shape):
    a = RNG.standard_normal(shape).astype(np.float32)
    out, pullback = srcdiff.vjp(func, a)
    (ga,) = pullback(np.ones_like(out))
    _, ta = srcdiff.jvp(func, (a,), (np.ones_like(a),))
    assert out.dtype == ga.dtype == np.asarray(ta).dtype == np.float32
    ref = np.tensordot(
        np.ones(np.shape(out)), fd_jacobian(func, (a.astype(float),), 0), np.ndim(out)
    )
    np.testing.assert_allclose(ga, ref, rtol=2e-3, atol=1e-4)


@pytest.mark.parametrize("func, shape", list(_array_params()))
def test_reductions_hessian(func, shape):
    """Forward over reverse, through expand_reduced and the rules' `out`."""
    a = RNG.standard_normal(shape)
    w = np.cos(np.arange(np.size(func(a)))).reshape(np.shape(func(a)))

    def grad_fd(x):
        # d/dx sum(w * f(x)) = J^T w, by finite differences
        jac = fd_jacobian(func, (x,), 0)
        return np.tensordot(w, jac, np.ndim(w))

    def weighted(x):
        return np.sum(func(x) * w)

    hess = srcdiff.hessian(_weighted_by(func, w))(a)
    g = srcdiff.grad(_weighted_by(func, w))
    ref = fd_jacobian(g, (a,), 0)
    np.testing.assert_allclose(hess, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g(a), grad_fd(a), rtol=FD_RTOL, atol=FD_ATOL)
    assert weighted(a) == pytest.approx(srcdiff.value_and_grad(_weighted_by(func, w))(a)[0])


_WEIGHTED = {}


def _weighted_by(func, w):
    """sum(w * func(a)) as a function with source (w a closure cell)."""
    key = (func, w.tobytes(), w.shape)
    if key not in _WEIGHTED:

        def weighted(a):
            return np.sum(func(a) * w)

        _WEIGHTED[key] = weighted
    return _WEIGHTED[key]


B_CASES = [
    (W.logsumexp_b, (3, 4), (3, 4)),
    (W.logsumexp_b, (3, 4), (4,)),
    (W.logsumexp_b, (4,), (3, 4)),  # b broadcasts `a` to more elements
    (W.logsumexp_b_axis1, (3, 4), (3, 4)),
    (W.logsumexp_b_axis1, (3, 4), (1, 4)),
    (W.logsumexp_b_broadcast, (4,), (3, 4)),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, sa, sb", [pytest.param(*c, id=f"{c[0].__name__}{c[1]}{c[2]}") for c in B_CASES]
)
def test_logsumexp_weights(func, sa, sb, mode):
    a, b = RNG.standard_normal(sa), RNG.uniform(0.5, 2.0, sb)
    for i in (0, 1):
        got = srcdiff.jacobian(func, wrt=i, mode=mode)(a, b)
        want = fd_jacobian(func, (a, b), i)
        np.testing.assert_allclose(got, want, rtol=FD_RTOL, atol=FD_ATOL, err_msg=str(i))


def test_logsumexp_weights_hessian():
    a, b = RNG.standard_normal((3, 4)), RNG.uniform(0.5, 2.0, (4,))
    for i in (0, 1):
        hess = srcdiff.hessian(W.logsumexp_b, wrt=i)(a, b)
        ref = fd_jacobian(srcdiff.grad(W.logsumexp_b, wrt=i), (a, b), i)
        np.testing.assert_allclose(hess, ref, rtol=1e-5, atol=1e-6)


def test_logsumexp_return_sign_is_refused_naming_it():
    with pytest.raises(srcdiff.SrcDiffError, match="return_sign") as info:
        srcdiff.grad(W.logsumexp_return_sign)(np.ones(3))
    assert "scipy_wrappers.py" in str(info.value)


def test_cross_entropy_gradient():
    x = RNG.standard_normal((5, 3))
    w = RNG.standard_normal((3, 4))
    labels = np.eye(4)[[0, 2, 1, 3, 2]]
    for mode in ("reverse", "forward"):
        got = srcdiff.grad(W.cross_entropy, mode=mode)(w, x, labels)
        np.testing.assert_allclose(got, fd_jacobian(W.cross_entropy, (w, x, labels), 0), rtol=1e-6)


def test_generated_code_imports_what_it_uses():
    text = srcdiff.source(W.logsumexp, at=(np.ones(3),))
    assert "import scipy.special as special" not in text  # the rule uses np only here
    assert "broadcast_of" not in text  # the b= branch folded away
    text = srcdiff.source(W.gammaln, at=(1.5,))
    assert "special.digamma(x)" in text and "import scipy.special as special" in text


# --- the table --------------------------------------------------------------------------------
COVERED = {
    special.sici,
    special.fresnel,
    special.logsumexp,
    special.softmax,
    special.log_softmax,
    special.gammasgn,
    special.zeta,
    *(getattr(special, name.removesuffix("_lmbda")) for name in CASES),
}


def test_every_registered_rule_has_a_case():
    missing = [r.label for r in scipy_special.REGISTERED if r.func not in COVERED]
    assert not missing, missing


def test_every_registered_rule_serves_both_modes():
    for rule in scipy_special.REGISTERED:
        assert set(rule.jvp) == set(rule.vjp), rule.label
        assert rule.label.startswith("scipy.special."), rule.label


def test_no_warnings_at_ordinary_points():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        srcdiff.grad(W.xlogy, wrt=(0, 1))(0.5, 2.0)
        srcdiff.grad(W.log_ndtr)(-30.0)


# --- functions of several results: (Si, Ci) = sici(x), (S, C) = fresnel(x) ----------------
SEVERAL = {  # wrapper -> (its SymPy expression, scalar points, the interval of array inputs)
    W.sici_both: (lambda x: sp.Si(x) * 1.5 + sp.Ci(x) ** 2, [0.4, 2.5, 7.0], (0.3, 6)),
    W.sici_si: (sp.Si, [0.4, -2.5, 7.0], (-6, 6)),
    W.fresnel_both: (
        lambda x: sp.fresnels(x) * sp.fresnelc(x) + sp.fresnels(x),
        [0.3, -1.7],
        (-3, 3),
    ),
    W.fresnel_c: (sp.fresnelc, [0.3, 1.7, -4.2], (-3, 3)),
}


def _several_case(func):
    sym, points, lims = SEVERAL[func]
    return Case(func, U1, points, lims, sym)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", list(SEVERAL), ids=lambda f: f.__name__)
def test_several_results_match_sympy_in_both_modes_and_second_order(func, mode):
    case = _several_case(func)
    for x in case.points:
        got = srcdiff.grad(func, mode=mode)(x)
        assert got == pytest.approx(_sympy_derivative(case, (x,), 0), rel=SYM_RTOL), x
        second = srcdiff.hessian(func)(x)
        assert float(second) == pytest.approx(_sympy_derivative(case, (x,), 0, 2), rel=1e-7), x


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", list(SEVERAL), ids=lambda f: f.__name__)
def test_several_results_array_jacobian_matches_finite_differences(func, mode):
    x = _draw(SEVERAL[func][2], (2, 3))
    got = srcdiff.jacobian(func, mode=mode)(x)
    np.testing.assert_allclose(got, fd_jacobian(func, (x,), 0), rtol=FD_RTOL, atol=FD_ATOL)


def test_sine_integral_alone_is_differentiated_at_zero_where_ci_has_no_derivative():
    """(Ci' = cos(x) / x is infinite at 0; a zero cotangent of Ci must not make it nan)"""
    assert srcdiff.grad(W.sici_si)(0.0) == pytest.approx(1.0)
    x = np.array([0.0, 1.0])
    np.testing.assert_allclose(srcdiff.jacobian(W.sici_si)(x), np.diag([1.0, np.sin(1.0)]))


def test_factorial_of_a_negative_number_is_zero_and_so_is_its_derivative():
    n = np.array([-1.5, -0.5, 2.5])
    got = srcdiff.jacobian(W.factorial)(n)
    np.testing.assert_allclose(got, fd_jacobian(W.factorial, (n,), 0), rtol=FD_RTOL, atol=FD_ATOL)
    assert got[0, 0] == 0.0 and got[1, 1] == 0.0


def test_factorial_extended_to_negative_numbers_keeps_the_gamma_derivative():
    n = np.array([-1.5, -0.5, 2.5])
    got = srcdiff.jacobian(W.factorial_complex)(n)
    want = np.diag(special.gamma(n + 1) * special.digamma(n + 1))
    np.testing.assert_allclose(got, want, rtol=1e-10)

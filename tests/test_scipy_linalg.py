"""scipy.linalg rules (srcdiff/rules/scipy_linalg.py) against finite differences.

Each function's Jacobian in both modes (reverse, forward) against central
differences, over its options (trans, lower, unit_diagonal; vector and matrix
right-hand sides); second derivatives (srcdiff.hessian, forward over reverse,
through the helpers in runtime/special.py) against differences of the gradient;
float32 kept; arguments that would destroy an input refused.
"""

import numpy as np
import pytest
import scipy.linalg as sla
from fdiff import fd_jacobian

import srcdiff
from srcdiff.rules import scipy_linalg

RNG = np.random.default_rng(1203)
TOL = dict(rtol=1e-5, atol=1e-7)


def well_conditioned(n):
    return RNG.uniform(-1, 1, (n, n)) + 3.0 * np.eye(n)


def spd(n):
    m = RNG.uniform(-1, 1, (n, n))
    return m @ m.T + n * np.eye(n)


def tri(a, b, trans, lower, unit):
    return sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit)


def tri_default(a, b):
    return sla.solve_triangular(a, b)


def tri_positional(a, b):
    return sla.solve_triangular(a, b, 1, True)


def chol(a, lower):
    return sla.cholesky(a, lower=lower)


def chol_default(a):
    return sla.cholesky(a)


def solve(a, b):
    return sla.solve(a, b)


def cho(c, b, lower):
    return sla.cho_solve((c, lower), b)


def cho_of_cholesky(a, b):
    factor = sla.cholesky(a, lower=True)
    return sla.cho_solve((factor, True), b)


def cho_of_upper(a, b):
    return sla.cho_solve((sla.cholesky(a), False), b)


def inv(a):
    return sla.inv(a)


def det(a):
    return sla.det(a)


def expm(a):
    return sla.expm(a)


def banded(ab, b, lower, upper):
    return sla.solve_banded((lower, upper), ab, b)


def banded_11(ab, b):
    return sla.solve_banded((1, 1), ab, b)


def sylvester(a, b, q):
    return sla.solve_sylvester(a, b, q)


def sqrtm(a):
    return sla.sqrtm(a)


def expm_of_product(a, b):
    return sla.expm(a @ b) @ a


def _jacobians(func, args, wrt, mode):
    for i in wrt:
        got = srcdiff.jacobian(func, wrt=i, mode=mode)(*args)
        np.testing.assert_allclose(got, fd_jacobian(func, args, i), err_msg=str(i), **TOL)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("rhs", [(4,), (4, 2)], ids=str)
@pytest.mark.parametrize("unit", [False, True])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
def test_solve_triangular(trans, lower, unit, rhs, mode):
    a, b = well_conditioned(4), RNG.standard_normal(rhs)
    _jacobians(tri, (a, b, trans, lower, unit), (0, 1), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_solve_triangular_spellings(mode):
    a, b = well_conditioned(3), RNG.standard_normal((3, 2))
    _jacobians(tri_default, (a, b), (0, 1), mode)
    _jacobians(tri_positional, (a, b), (0, 1), mode)


def test_solve_triangular_reads_one_triangle_only():
    a, b = well_conditioned(3), RNG.standard_normal(3)
    da = srcdiff.grad(_weighted(tri_default), wrt=0)(a, b)
    assert np.all(np.tril(da, -1) == 0.0) and np.any(np.triu(da) != 0.0)
    da = srcdiff.grad(_weighted(tri), wrt=0)(a, b, 0, True, True)
    assert np.all(np.triu(da) == 0.0) and np.any(da != 0.0)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("lower", [False, True])
def test_cholesky(lower, mode):
    _jacobians(chol, (spd(4), lower), (0,), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_cholesky_default_is_the_upper_factor(mode):
    a = spd(3)
    _jacobians(chol_default, (a,), (0,), mode)
    assert np.allclose(chol_default(a).T @ chol_default(a), a)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("rhs", [(3,), (3, 2)], ids=str)
def test_solve(rhs, mode):
    _jacobians(solve, (well_conditioned(3), RNG.standard_normal(rhs)), (0, 1), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("rhs", [(3,), (3, 2)], ids=str)
@pytest.mark.parametrize("lower", [False, True])
def test_cho_solve(lower, rhs, mode):
    """c holds the factor in one triangle and anything in the other (as cho_factor leaves
    it): only that triangle is read, so only it gets a derivative."""
    factor = sla.cholesky(spd(3), lower=lower)
    junk = RNG.standard_normal((3, 3))
    c = factor + (np.triu(junk, 1) if lower else np.tril(junk, -1))
    _jacobians(cho, (c, RNG.standard_normal(rhs), lower), (0, 1), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", [cho_of_cholesky, cho_of_upper], ids=lambda f: f.__name__)
def test_cho_solve_of_cholesky_is_solve(func, mode):
    a, b = spd(3), RNG.standard_normal(3)
    # the derivative of the composition, not just of each part: a's triangle read twice
    _jacobians(func, (a, b), (0, 1), mode)
    sym = 0.5 * (a + a.T)
    assert np.allclose(func(sym, b), np.linalg.solve(sym, b))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", [inv, det, expm], ids=lambda f: f.__name__)
def test_square_matrix_functions(func, mode):
    _jacobians(func, (well_conditioned(3),), (0,), mode)


def _band(lower, upper, n=5):
    """A diagonally dominant band in solve_banded's layout (the diagonal is row `upper`)."""
    ab = RNG.uniform(-1, 1, (lower + upper + 1, n))
    ab[upper] += 4.0
    return ab


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("rhs", [(5,), (5, 2)], ids=str)
@pytest.mark.parametrize("lower, upper", [(1, 1), (0, 2), (2, 0)])
def test_solve_banded(lower, upper, rhs, mode):
    """Entries of ab outside the band (its corners) are never read: their derivative is 0."""
    args = (_band(lower, upper), RNG.standard_normal(rhs), lower, upper)
    _jacobians(banded, args, (0, 1), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_solve_sylvester(mode):
    args = (well_conditioned(3), well_conditioned(3), RNG.standard_normal((3, 3)))
    _jacobians(sylvester, args, (0, 1, 2), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_sqrtm(mode):
    _jacobians(sqrtm, (spd(3),), (0,), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("n", [1, 2, 4])
def test_expm_sizes_and_scales(n, mode):
    for scale in (0.1, 2.0):
        _jacobians(expm, (scale * RNG.standard_normal((n, n)),), (0,), mode)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_expm_in_a_product(mode):
    a, b = 0.5 * RNG.standard_normal((3, 3)), 0.5 * RNG.standard_normal((3, 3))
    _jacobians(expm_of_product, (a, b), (0, 1), mode)


def _w(out):
    return np.cos(np.arange(np.size(out)) + 0.5).reshape(np.shape(out))


def weighted_tri(a, b, trans, lower, unit):
    out = sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit)
    return np.sum(out * _w(out))


def weighted_tri_default(a, b):
    out = sla.solve_triangular(a, b)
    return np.sum(out * _w(out))


def weighted_solve(a, b):
    out = sla.solve(a, b)
    return np.sum(out * _w(out))


def weighted_inv(a):
    out = sla.inv(a)
    return np.sum(out * _w(out))


def weighted_det(a):
    return sla.det(a) * 1.5


def weighted_expm(a):
    out = sla.expm(a)
    return np.sum(out * _w(out))


def weighted_banded(ab, b):
    out = sla.solve_banded((1, 1), ab, b)
    return np.sum(out * _w(out))


def weighted_sylvester(a, b, q):
    out = sla.solve_sylvester(a, b, q)
    return np.sum(out * _w(out))


def weighted_sqrtm(a):
    out = sla.sqrtm(a)
    return np.sum(out * _w(out))


def weighted_overwrite(a, b):
    out = sla.solve(a, b, overwrite_a=True)
    return np.sum(out)


WEIGHTED = {
    tri: weighted_tri,
    tri_default: weighted_tri_default,
    solve: weighted_solve,
    inv: weighted_inv,
    det: weighted_det,
    expm: weighted_expm,
    sylvester: weighted_sylvester,
    banded_11: weighted_banded,
    sqrtm: weighted_sqrtm,
}


def _weighted(func):
    """sum(w * func(...)) with fixed weights w: a scalar of `func`'s result."""
    return WEIGHTED[func]


HESSIAN_CASES = [
    (tri, lambda: (well_conditioned(3), RNG.standard_normal(3), 0, False, False), (0, 1)),
    (tri, lambda: (well_conditioned(3), RNG.standard_normal((3, 2)), "T", True, True), (0, 1)),
    (solve, lambda: (well_conditioned(3), RNG.standard_normal(3)), (0, 1)),
    (inv, lambda: (well_conditioned(3),), (0,)),
    (det, lambda: (well_conditioned(3),), (0,)),
    (expm, lambda: (0.7 * RNG.standard_normal((3, 3)),), (0,)),
    (
        sylvester,
        lambda: (well_conditioned(3), well_conditioned(3), RNG.standard_normal((3, 3))),
        (0, 1, 2),
    ),
    (sqrtm, lambda: (spd(3),), (0,)),
    (banded_11, lambda: (_band(1, 1), RNG.standard_normal(5)), (0, 1)),
]


@pytest.mark.parametrize(
    "func, make, wrt",
    [pytest.param(*c, id=f"{c[0].__name__}{i}") for i, c in enumerate(HESSIAN_CASES)],
)
def test_hessian(func, make, wrt):
    args = make()
    f = _weighted(func)
    for i in wrt:
        hess = srcdiff.hessian(f, wrt=i)(*args)
        ref = fd_jacobian(srcdiff.grad(f, wrt=i), args, i)
        np.testing.assert_allclose(hess, ref, rtol=1e-5, atol=1e-6, err_msg=str(i))


@pytest.mark.parametrize(
    "func, args",
    [
        (expm, lambda: (0.5 * RNG.standard_normal((3, 3)),)),
        (inv, lambda: (well_conditioned(3),)),
        (det, lambda: (well_conditioned(3),)),
        (tri_default, lambda: (well_conditioned(3), RNG.standard_normal(3))),
        (solve, lambda: (well_conditioned(3), RNG.standard_normal(3))),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_float32_stays_float32(func, args):
    args64 = args()
    args32 = tuple(a.astype(np.float32) for a in args64)
    out, pullback = srcdiff.vjp(func, *args32)
    # a tangent has the result's dtype (float32, but float64 for sla.det), a cotangent
    # its input's (float32)
    assert np.asarray(out).dtype == (np.float64 if func is det else np.float32)
    cotangents = pullback(np.ones_like(out))
    _, tangent = srcdiff.jvp(func, args32, tuple(np.ones_like(a) for a in args32))
    assert np.asarray(tangent).dtype == np.asarray(out).dtype
    for i, c in enumerate(cotangents):
        assert c.dtype == np.float32
        ref = np.tensordot(np.ones(np.shape(out)), fd_jacobian(func, args64, i), np.ndim(out))
        np.testing.assert_allclose(c, ref, rtol=2e-3, atol=2e-3)


def test_overwriting_an_argument_is_refused():
    with pytest.raises(srcdiff.SrcDiffError, match="overwrite_a"):
        srcdiff.grad(weighted_overwrite)(well_conditioned(3), np.ones(3))


def test_every_registered_rule_serves_both_modes():
    labels = {r.label for r in scipy_linalg.REGISTERED}
    names = ("solve_triangular", "solve", "inv", "det", "cholesky", "cho_solve", "expm")
    for name in names + ("solve_sylvester", "sqrtm", "solve_banded"):
        assert f"scipy.linalg.{name}" in labels
    for rule in scipy_linalg.REGISTERED:
        assert set(rule.jvp) == set(rule.vjp), rule.label

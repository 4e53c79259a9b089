"""The rules of the jvp helpers of numpy.linalg's decompositions (srcdiff/rules/
linalg_rules.py, helpers in srcdiff/runtime/linalg.py), which forward-over-forward
Hessians through eigh, eig, svd, qr and lstsq differentiate (and matrix_power_jvp's
in the matrix, which every Hessian mode through matrix_power needs): each second derivative
against central differences of the jvp helper at the decomposition of the moved matrix,
symmetric in its two directions, and the vjp templates the transposes of the jvp ones.
(The Hessians themselves, every mode against finite differences of the gradient, are in
tests/test_linalg_rules.py.)
"""

from __future__ import annotations

import numpy as np
import pytest
from fdiff import fd_jacobian
from test_linalg_rules import SECOND_ORDER, _aligned, near_eye, symmetric

import srcdiff
from srcdiff.runtime import arrays as ra
from srcdiff.runtime import linalg as rl

R = np.random.default_rng(20261207)
H = 1e-6


def flat(x):
    """A tangent (an array, or a tuple of them; lstsq's rank is the number 0) as one vector."""
    if isinstance(x, (tuple, list)):
        return np.concatenate([np.ravel(np.asarray(p, dtype=float)) for p in x])
    return np.ravel(np.asarray(x, dtype=float))


def like(x):
    """A random cotangent shaped like the tangent x."""
    if isinstance(x, (tuple, list)):
        return [R.standard_normal(np.shape(p)) for p in x]
    return R.standard_normal(np.shape(x))


def dot(a, b):
    return float(np.dot(flat(a), flat(b)))


def assert_second_derivative(jvp_at, jvp_da, shape):
    """jvp_da(s, u) against the central difference of jvp_at(moved, u) along s, and
    symmetric in s and u."""
    s, u = R.standard_normal(shape), R.standard_normal(shape)
    got = jvp_da(s, u)
    want = (flat(jvp_at(H, s, u)) - flat(jvp_at(-H, s, u))) / (2 * H)
    np.testing.assert_allclose(flat(got), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(flat(got), flat(jvp_da(u, s)), rtol=1e-8, atol=1e-9)
    return s, u, got


DECOMPOSITIONS = [
    *SECOND_ORDER,  # eig and svd: test_linalg_rules's second-order table
    ("qr", near_eye(4), {}),
    ("qr", R.standard_normal((5, 3)) + np.eye(5, 3), {}),
    ("qr", R.standard_normal((2, 4, 3)) + np.eye(4, 3), {}),
    ("qr", near_eye(3), {"mode": "complete"}),
    ("qr", R.standard_normal((5, 3)) + np.eye(5, 3), {"mode": "r"}),
]


@pytest.mark.parametrize(
    ("name", "a", "kw"),
    DECOMPOSITIONS,
    ids=[f"{n}-{'x'.join(map(str, a.shape))}-{sorted(kw.items())}" for n, a, kw in DECOMPOSITIONS],
)
def test_decomposition_jvp_rules_are_second_derivatives(name, a, kw):
    """eig_jvp's, svd_jvp's and qr_jvp's rule in a (o is a zero parameter: always the
    decomposition of the same a): X_jvp_da; its transpose X_vjp_da (the vjp template for
    a); in u, the vjp helper the transpose of the jvp helper."""
    decompose = getattr(np.linalg, name)
    jvp, jvp_da, vjp, vjp_da = (
        getattr(rl, f"{name}_{s}") for s in ("jvp", "jvp_da", "vjp", "vjp_da")
    )
    extra = (kw["mode"],) if "mode" in kw else tuple(kw.values())
    o = decompose(a, **kw)
    vectors = name != "qr" and not isinstance(o, np.ndarray)

    def jvp_at(step, s, u):
        moved = a + step * s
        o_moved = _aligned(decompose(moved, **kw), o) if vectors else decompose(moved, **kw)
        return jvp(u, moved, o_moved, *extra)

    s, u, got = assert_second_derivative(jvp_at, lambda s, u: jvp_da(s, u, a, o, *extra), a.shape)
    g = like(got)
    assert np.isclose(dot(g, got), dot(vjp_da(u, g, a, o, *extra), s))
    assert np.isclose(dot(g, jvp(u, a, o, *extra)), dot(vjp(g, a, o, *extra), u))


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_jvp_rule_in_the_decomposition(uplo):
    """eigh_jvp's rule in its results o = (w, V) (it reads no a): eigh_jvp_do against
    central differences along a tangent of o, eigh_jvp_do_t its transpose; in u,
    eigh_vjp the transpose of eigh_jvp."""
    a = symmetric(4, 4)
    o = np.linalg.eigh(a)
    u = R.standard_normal((4, 4))
    s = (R.standard_normal(4), R.standard_normal((4, 4)))

    def at(step):
        return rl.eigh_jvp(u, a, (o[0] + step * s[0], o[1] + step * s[1]), uplo)

    got = rl.eigh_jvp_do(s, u, o, uplo)
    want = (flat(at(H)) - flat(at(-H))) / (2 * H)
    np.testing.assert_allclose(flat(got), want, rtol=1e-6, atol=1e-7)
    g = like(got)
    assert np.isclose(dot(g, got), dot(rl.eigh_jvp_do_t(g, u, o, uplo), s))
    assert np.isclose(dot(g, rl.eigh_jvp(u, a, o, uplo)), dot(rl.eigh_vjp(g, a, o, uplo), u))


def test_eigh_jvp_rule_of_a_diagonal_tangent_at_coinciding_eigenvalues():
    """eigh_jvp of a tangent leaving V alone is defined at coinciding eigenvalues: so is
    its derivative along a tangent of o that leaves P diagonal too (no gap divided by)."""
    a = np.diag([1.0, 2.0, 2.0])
    o = np.linalg.eigh(a)
    got = rl.eigh_jvp_do((np.ones(3), np.zeros((3, 3))), np.eye(3), o)
    np.testing.assert_array_equal(got[0], np.zeros(3))
    np.testing.assert_array_equal(got[1], np.zeros((3, 3)))


LSTSQ = [
    (R.standard_normal((6, 3)), R.standard_normal(6)),  # residuals returned
    (R.standard_normal((5, 2)), R.standard_normal((5, 3))),
    (R.standard_normal((3, 4)), R.standard_normal(3)),  # wide: no residuals
]


@pytest.mark.parametrize(("a", "b"), LSTSQ, ids=lambda x: "x".join(map(str, np.shape(x))))
@pytest.mark.parametrize("along", ["a", "b", "ab"])
def test_lstsq_jvp_rule_is_the_second_derivative(a, b, along):
    """lstsq_jvp's rule in (a, b): lstsq_jvp_da against central differences of lstsq_jvp
    (directions of a, b or both, None where one is not moved), symmetric; its transposes
    lstsq_hvp's blocks, and lstsq_vjp_a / lstsq_vjp_b those of lstsq_jvp."""

    def direction():
        return (
            R.standard_normal(a.shape) if "a" in along else None,
            R.standard_normal(b.shape) if "b" in along else None,
        )

    (sa, sb), (ua, ub) = direction(), direction()

    def jvp_at(step):
        ma = a + step * (0 if sa is None else sa)
        mb = b + step * (0 if sb is None else sb)
        return rl.lstsq_jvp(ua, ub, ma, mb, np.linalg.lstsq(ma, mb, rcond=None))

    o = np.linalg.lstsq(a, b, rcond=None)
    got = rl.lstsq_jvp_da(sa, sb, ua, ub, a, b, o)
    want = (flat(jvp_at(H)) - flat(jvp_at(-H))) / (2 * H)
    np.testing.assert_allclose(flat(got), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(flat(got), flat(rl.lstsq_jvp_da(ua, ub, sa, sb, a, b, o)))
    g = like(got)
    g[2] = 0.0  # (the rank's)
    ca, cb = rl.lstsq_hvp(ua, ub, g, a, b, o)
    moved = (0.0 if sa is None else dot(ca, sa)) + (0.0 if sb is None else dot(cb, sb))
    assert np.isclose(dot(g, got), moved)
    tangent = rl.lstsq_jvp(ua, ub, a, b, o)
    pulled = (0.0 if ua is None else dot(rl.lstsq_vjp_a(g, a, b, o), ua)) + (
        0.0 if ub is None else dot(rl.lstsq_vjp_b(g, a, b, o), ub)
    )
    assert np.isclose(dot(g, tangent), pulled)


def matrix_power_weighted(a, n):
    return np.sum(np.linalg.matrix_power(a, n) * np.cos(np.arange(a.size)).reshape(a.shape))


@pytest.mark.parametrize("n", [3, 2, 1, 0, -1, -2])
def test_hessians_through_matrix_power(n):
    """matrix_power_jvp's rule in the matrix (Hessians through np.linalg.matrix_power were
    refused): every mode against finite differences of the gradient."""
    a = near_eye(3, scale=2.0)
    want = fd_jacobian(srcdiff.grad(matrix_power_weighted), (a, n), 0)
    for mode in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward"):
        got = srcdiff.hessian(matrix_power_weighted, mode=mode)(a, n)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n", [4, -3])
def test_matrix_power_jvp_da_is_the_second_derivative(n):
    a = near_eye(2, 3, 3, scale=2.0)

    def jvp_at(step, s, u):
        return ra.matrix_power_jvp(u, a + step * s, n)

    s, u, got = assert_second_derivative(
        jvp_at, lambda s, u: ra.matrix_power_jvp_da(s, u, a, n), a.shape
    )
    g = like(got)
    aT = np.swapaxes(a, -1, -2)
    uT = np.swapaxes(u, -1, -2)
    assert np.isclose(dot(g, got), dot(ra.matrix_power_jvp_da(uT, g, aT, n), s))

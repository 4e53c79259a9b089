"""Rules for NumPy functions returning several arrays (srcdiff/rules/linalg_rules.py,
helpers in srcdiff/runtime/linalg.py): numpy.linalg's slogdet, eigh, eig, svd, qr and lstsq,
np.frexp and the splits -- unpacked and indexed, in reverse and forward mode against central
differences at several shapes (stacks of matrices too), float32 kept, Hessians where
the helpers have rules, and a DomainError (never a NaN) where the derivative does not
exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import linalg_cases as L
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian, scale_of

import srcdiff
from srcdiff.rules import RULES, linalg_rules
from srcdiff.runtime import linalg as rl

R = np.random.default_rng(20261203)


def near_eye(*shape, scale=4.0):
    return R.standard_normal(shape) + scale * np.eye(shape[-1])


def symmetric(*shape):
    m = R.standard_normal(shape)
    return m + np.swapaxes(m, -1, -2) + np.diag(np.arange(shape[-1]) * 1.5)


def real_eig(n):
    p = R.standard_normal((n, n)) + 3 * np.eye(n)
    return p @ np.diag(np.arange(1.0, n + 1) * 0.7) @ np.linalg.inv(p)


@dataclass
class C:
    func: object
    args: tuple
    wrt: int = 0
    hessian: bool = False  # the helpers have rules: second order checked too
    forward: bool = True  # (svd(a) of a non-square a: forward mode refuses, tested below)
    covers: tuple = ()

    @property
    def id(self):
        shapes = "-".join("x".join(map(str, np.shape(a))) for a in self.args)
        return f"{self.func.__name__}-{shapes}-{self.wrt}"


la = np.linalg
CASES = [
    C(L.slogdet_unpacked, (near_eye(4),), hessian=True, covers=(la.slogdet,)),
    C(L.slogdet_unpacked, (-near_eye(3),), hessian=True),
    C(L.slogdet_unpacked, (near_eye(2, 3, 3),), hessian=True),
    C(L.slogdet_indexed, (near_eye(4),), hessian=True),
    C(L.slogdet_indexed, (near_eye(3, 2, 2),)),
    C(L.slogdet_times_sign, (-near_eye(3),), hessian=True),
    C(L.eigh_both, (symmetric(4, 4),), hessian=True, covers=(la.eigh,)),
    C(L.eigh_both, (R.standard_normal((5, 5)),), hessian=True),  # reads the lower triangle
    C(L.eigh_both, (symmetric(2, 3, 3),), hessian=True),
    C(L.eigh_upper, (R.standard_normal((4, 4)),), hessian=True),
    C(L.eigh_values, (symmetric(4, 4),), hessian=True),
    C(L.eig_both, (real_eig(4),), hessian=True, covers=(la.eig,)),
    C(L.eig_both, (real_eig(6),), hessian=True),
    C(L.svd_thin, (R.standard_normal((5, 3)),), hessian=True, covers=(la.svd,)),
    C(L.svd_thin, (R.standard_normal((3, 5)),), hessian=True),
    C(L.svd_thin, (R.standard_normal((4, 4)),), hessian=True),
    C(L.svd_thin, (R.standard_normal((2, 4, 3)),), hessian=True),
    C(L.svd_thin, (R.standard_normal((2, 3, 4)),), hessian=True),
    C(L.svd_full, (R.standard_normal((4, 4)),), hessian=True),
    C(L.svd_full_values, (R.standard_normal((5, 3)),), forward=False),
    C(L.svd_values, (R.standard_normal((5, 3)),), hessian=True),
    C(L.svd_values, (R.standard_normal((2, 3, 4)),), hessian=True),
    C(L.qr_both, (near_eye(4),), hessian=True, covers=(la.qr,)),
    C(L.qr_both, (R.standard_normal((5, 3)),), hessian=True),
    C(L.qr_both, (R.standard_normal((2, 4, 3)),), hessian=True),
    C(L.qr_complete, (near_eye(3),), hessian=True),
    C(L.qr_r_only, (R.standard_normal((5, 3)),), hessian=True),
    C(
        L.lstsq_all,
        (R.standard_normal((6, 3)), R.standard_normal(6)),
        0,
        hessian=True,
        covers=(la.lstsq,),
    ),
    C(L.lstsq_all, (R.standard_normal((6, 3)), R.standard_normal(6)), 1, hessian=True),
    C(L.lstsq_all, (R.standard_normal((5, 2)), R.standard_normal((5, 3))), 0, hessian=True),
    C(L.lstsq_all, (R.standard_normal((5, 2)), R.standard_normal((5, 3))), 1, hessian=True),
    C(L.lstsq_solution, (R.standard_normal((3, 4)), R.standard_normal(3)), 0, hessian=True),
    C(L.lstsq_solution, (R.standard_normal((3, 4)), R.standard_normal(3)), 1, hessian=True),
    C(
        L.multi_dot_matrices,
        (near_eye(3), R.standard_normal((3, 3))),
        0,
        hessian=True,
        covers=(la.multi_dot,),
    ),
    C(L.multi_dot_matrices, (near_eye(3), R.standard_normal((3, 3))), 1, hessian=True),
    C(L.multi_dot_vectors, (R.standard_normal((3, 3)), R.standard_normal((2, 3))), 0, hessian=True),
    C(L.multi_dot_vectors, (R.standard_normal((3, 3)), R.standard_normal((2, 3))), 1, hessian=True),
    C(L.multi_dot_chain, (R.standard_normal(3), near_eye(3), R.standard_normal((3, 2))), 0, True),
    C(L.multi_dot_chain, (R.standard_normal(3), near_eye(3), R.standard_normal((3, 2))), 1, True),
    C(L.split_unpacked, (R.standard_normal((6, 2)),), hessian=True, covers=(np.split,)),
    C(L.split_unpacked, (R.standard_normal(9),), hessian=True),
    C(L.split_indices_axis, (R.standard_normal((3, 4)),), hessian=True),
    C(L.array_split_indexed, (R.standard_normal((2, 5)),), hessian=True, covers=(np.array_split,)),
    C(L.array_split_one_used, (R.standard_normal(7),), hessian=True),
    C(
        L.hsplit_vsplit_dsplit,
        (R.standard_normal((4, 4, 4)),),
        hessian=True,
        covers=(np.hsplit, np.vsplit, np.dsplit),
    ),
    C(L.hsplit_vector, (R.standard_normal(6),), hessian=True),
    # mantissas away from the jumps at powers of two and at zero
    C(L.frexp_unpacked, (np.array([0.7, -3.1, 11.0, 0.2]),), hessian=True, covers=(np.frexp,)),
    C(L.frexp_indexed, (np.array([[1.5, -0.3], [6.1, 40.0]]),), hessian=True),
    C(L.modf_unpacked, (np.array([0.7, -3.1, 11.05, 0.2]),), hessian=True, covers=(np.modf,)),
    C(L.modf_indexed, (np.array([[1.5, -0.3], [6.1, 40.2]]),), hessian=True),
]


# (svd(a) of a non-square a is refused in forward mode: test_svd_full_matrices_...)
MODES = [(c, m) for m in ("reverse", "forward") for c in CASES if m == "reverse" or c.forward]
MODE_IDS = [f"{m}-{c.id}" for c, m in MODES]


def _tol(c):
    return 1e-5, 1e-7 * scale_of(*c.args)


@pytest.mark.parametrize(("c", "mode"), MODES, ids=MODE_IDS)
def test_gradient_matches_finite_differences(c, mode):
    got = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*c.args)
    want = fd_grad(c.func, c.args, c.wrt)
    assert np.shape(got) == np.shape(c.args[c.wrt])
    rtol, atol = _tol(c)
    assert_close(got, want, rtol, atol, f"{mode} gradient")


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
def test_the_caller_s_arrays_are_not_changed(c):
    copies = [np.copy(a) for a in c.args]
    srcdiff.value_and_grad(c.func, wrt=c.wrt)(*c.args)
    for a, before in zip(c.args, copies):
        np.testing.assert_array_equal(a, before)


@pytest.mark.parametrize(("c", "mode"), MODES, ids=MODE_IDS)
def test_float32_stays_float32(c, mode):
    args = tuple(np.asarray(a, dtype=np.float32) for a in c.args)
    got = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*args)
    assert got.dtype == np.float32
    want = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*c.args)
    np.testing.assert_allclose(got, want, rtol=2e-2, atol=2e-2 * scale_of(want))


# every Hessian mode (forward over forward differentiates the jvp helpers)
HESSIANS = [
    (c, m)
    for m in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward")
    for c in CASES
    if c.hessian
]


@pytest.mark.parametrize(("c", "mode"), HESSIANS, ids=[f"{m}-{c.id}" for c, m in HESSIANS])
def test_hessian_matches_finite_differences_of_the_gradient(c, mode):
    # (eig forward over forward on NumPy 2.5, whose eig gives complex arrays for real
    # eigenvalues, was refused as complex: generated code calls runtime.eig_real)
    h = srcdiff.hessian(c.func, wrt=c.wrt, mode=mode)(*c.args)
    g = srcdiff.grad(c.func, wrt=c.wrt)
    want = fd_jacobian(lambda *a: np.asarray(g(*a), dtype=float), c.args, c.wrt)
    assert_close(h, want, 1e-5, 1e-6 * scale_of(want), "hessian")


def test_every_rule_of_the_module_is_exercised():
    covered = {f for c in CASES for f in c.covers}
    functions = {r.func for r in linalg_rules.REGISTERED if r.func.__module__ != rl.__name__}
    assert functions and functions == covered
    for f in functions:
        assert RULES.lookup(f), f


# --- where the derivative does not exist: a DomainError, not a NaN ---------------------------


def test_eigh_of_coinciding_eigenvalues_refuses_the_eigenvectors():
    a = np.diag([1.0, 2.0, 2.0])
    with pytest.raises(srcdiff.DomainError, match="two eigenvalues coincide"):
        srcdiff.grad(L.eigh_both)(a)
    with pytest.raises(srcdiff.DomainError, match="two eigenvalues coincide"):
        srcdiff.grad(L.eigh_both, mode="forward")(a)


def test_eigenvalues_alone_of_coinciding_eigenvalues_are_differentiated():
    a = np.diag([1.0, 2.0, 2.0])
    got = srcdiff.grad(L.eigh_values)(a)
    w = L._w(np.zeros(3))
    np.testing.assert_allclose(got, np.diag(w), atol=1e-12)  # d w_k / d a = v_k v_k^T


def test_svd_of_coinciding_singular_values_refuses_the_vectors():
    with pytest.raises(srcdiff.DomainError, match="two singular values coincide"):
        srcdiff.grad(L.svd_thin)(np.eye(3))
    # the singular values alone have a derivative there
    np.testing.assert_allclose(srcdiff.grad(L.svd_values)(np.eye(3)), np.diag(L._w(np.ones(3))))


def test_svd_full_matrices_of_a_non_square_matrix_refuses_the_extra_columns():
    a = R.standard_normal((5, 3))
    with pytest.raises(srcdiff.DomainError, match="full_matrices=False"):
        srcdiff.grad(L.svd_full)(a)
    with pytest.raises(srcdiff.DomainError, match="full_matrices=False"):
        srcdiff.grad(L.svd_full, mode="forward")(a)
    # s alone (u and vh unused): fine in reverse mode; forward mode makes every tangent
    np.testing.assert_allclose(
        srcdiff.grad(L.svd_full_values)(a), fd_grad(L.svd_full_values, (a,), 0), atol=1e-7
    )
    with pytest.raises(srcdiff.DomainError, match="full_matrices=False"):
        srcdiff.grad(L.svd_full_values, mode="forward")(a)
    # and so does a Hessian (the gradient code's own svd call gets a tangent)
    with pytest.raises(srcdiff.DomainError, match="full_matrices=False"):
        srcdiff.hessian(L.svd_full_values)(a)


def test_eig_with_complex_eigenvalues_is_refused():
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]]) + 0.1 * np.eye(2)
    with pytest.raises(srcdiff.DomainError, match="complex eigenvalues"):
        srcdiff.grad(L.eig_both)(rotation)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_eig_of_real_eigenvalues_is_differentiated_in_real_arrays(mode):
    # NumPy 2.5's eig gives complex arrays for real eigenvalues: the tangent came out
    # complex (cast to float with a ComplexWarning) and forward over forward refused it
    a = real_eig(4)
    value, tangent = srcdiff.jvp(L.eig_both, (a,), (np.eye(4),))
    assert not np.iscomplexobj(tangent) and not np.iscomplexobj(value)
    assert value == pytest.approx(np.real(L.eig_both(a)), rel=1e-12)
    w, V = rl.eig_real(a)
    assert w.dtype == V.dtype == np.float64
    np.testing.assert_allclose(V @ np.diag(w) @ np.linalg.inv(V), a, atol=1e-12)
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    assert np.iscomplexobj(rl.eig_real(rotation)[0])  # complex eigenvalues: NumPy's arrays
    g = srcdiff.grad(L.eig_both, mode=mode)(a)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, fd_grad(lambda m: np.real(L.eig_both(m)), (a,), 0), rtol=1e-5)


def _aligned(decomposition, like):
    """decomposition's (w, V) or (u, s, vh) matched to `like`'s order and signs, so that a
    central difference follows one branch of the eigen- / singular vectors."""
    if len(like) == 2:
        w, V = decomposition
        order = [int(np.argmin(np.abs(w - wi))) for wi in like[0]]
        w, V = w[order], V[:, order]
        return w, V * np.sign(np.sum(V * like[1], axis=0))
    u, s, vh = decomposition
    k = s.shape[-1]
    sign = np.sign(np.sum(u[..., :, :k] * like[0][..., :, :k], axis=-2))
    u, vh = u.copy(), vh.copy()
    u[..., :, :k] *= sign[..., None, :]
    vh[..., :k, :] *= sign[..., :, None]
    return u, s, vh


SECOND_ORDER = [
    ("eig", real_eig(4), {}),
    ("svd", R.standard_normal((4, 3)), {"full_matrices": False}),
    ("svd", R.standard_normal((3, 5)), {"full_matrices": False}),
    ("svd", R.standard_normal((2, 4, 4)), {"full_matrices": True}),
    ("svd", R.standard_normal((4, 3)), {"full_matrices": False, "compute_uv": False}),
    ("svd", R.standard_normal((2, 3, 4)), {"full_matrices": True, "compute_uv": False}),
]


@pytest.mark.parametrize(
    ("name", "a", "kw"),
    SECOND_ORDER,
    ids=[f"{n}-{'x'.join(map(str, a.shape))}-{len(kw)}" for n, a, kw in SECOND_ORDER],
)
def test_eig_and_svd_vjp_rules_are_their_own_derivative(name, a, kw):
    """eig_vjp's and svd_vjp's rules (Hessians through eig and svd): in a, eig_vjp_da
    (svd_vjp_da) against central differences of the helper at the decomposition of the
    moved matrix, and symmetric (the Hessian of <v, eig(a)> times a direction); in v,
    eig_jvp (svd_jvp) the transpose of eig_vjp (svd_vjp)."""
    decompose = getattr(np.linalg, name)
    vjp, vjp_da, jvp = (getattr(rl, f"{name}_{s}") for s in ("vjp", "vjp_da", "jvp"))
    extra = tuple(kw.get(k, True) for k in ("full_matrices", "compute_uv")) if kw else ()
    o = decompose(a, **kw)
    vectors = not isinstance(o, np.ndarray)
    v = [R.standard_normal(np.shape(r)) for r in o] if vectors else R.standard_normal(o.shape)
    t, t2 = R.standard_normal(a.shape), R.standard_normal(a.shape)
    h = 1e-6

    def at(step):
        moved = a + step * t
        o_moved = _aligned(decompose(moved, **kw), o) if vectors else decompose(moved, **kw)
        return vjp(v, moved, o_moved, *extra)

    got = vjp_da(t, v, a, o, *extra)
    np.testing.assert_allclose(got, (at(h) - at(-h)) / (2 * h), rtol=1e-6, atol=1e-7)
    assert np.isclose(np.sum(t2 * got), np.sum(t * vjp_da(t2, v, a, o, *extra)))
    tangents = jvp(t, a, o, *extra)
    lhs = np.sum(t * vjp(v, a, o, *extra))
    rhs = sum(np.sum(d * w) for d, w in zip(tangents, v)) if vectors else np.sum(tangents * v)
    assert np.isclose(lhs, rhs)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 4, 3)])
def test_qr_vjp_rule_is_its_own_derivative(shape):
    """qr_vjp's rule (Hessians through qr): in a, qr_vjp_da against central differences
    of qr_vjp at the QR of the moved matrix, and symmetric; in v, qr_jvp the transpose
    of qr_vjp."""
    a = R.standard_normal(shape) + 2 * np.eye(*shape[-2:])
    o = np.linalg.qr(a)
    v = [R.standard_normal(o[0].shape), R.standard_normal(o[1].shape)]
    t, t2 = R.standard_normal(shape), R.standard_normal(shape)
    h = 1e-6

    def at(step):
        moved = a + step * t
        return rl.qr_vjp(v, moved, np.linalg.qr(moved))

    got = rl.qr_vjp_da(t, v, a, o)
    np.testing.assert_allclose(got, (at(h) - at(-h)) / (2 * h), rtol=1e-6, atol=1e-7)
    assert np.isclose(np.sum(t2 * got), np.sum(t * rl.qr_vjp_da(t2, v, a, o)))
    dq, dr = rl.qr_jvp(t, a, o)
    assert np.isclose(np.sum(t * rl.qr_vjp(v, a, o)), np.sum(dq * v[0]) + np.sum(dr * v[1]))


@pytest.mark.parametrize(
    ("func", "a"),
    [
        (L.qr_both, R.standard_normal((3, 5))),  # wide: R is not square
        (L.qr_complete, R.standard_normal((5, 3))),  # complete Q of a tall matrix
    ],
)
def test_qr_without_a_square_r_is_refused_with_the_transpose_as_hint(func, a):
    for mode in ("reverse", "forward"):
        with pytest.raises(srcdiff.DomainError, match="np.linalg.qr") as err:
            srcdiff.grad(func, mode=mode)(a)
        assert "transpose" in err.value.hint


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_vjp_rule_is_its_own_derivative(uplo):
    """eigh_vjp's rule (Hessians through eigh): in its results o = (w, V), eigh_vjp_do
    against central differences and eigh_vjp_do_t its transpose; in v, eigh_jvp is the
    transpose of eigh_vjp."""
    a = symmetric(4, 4)
    o = np.linalg.eigh(a)
    v = [R.standard_normal(4), R.standard_normal((4, 4))]
    s = (R.standard_normal(4), R.standard_normal((4, 4)))
    h = 1e-6

    def at(step):
        return rl.eigh_vjp(v, a, (o[0] + step * s[0], o[1] + step * s[1]), uplo)

    tangent = rl.eigh_vjp_do(s, v, o, uplo)
    np.testing.assert_allclose(tangent, (at(h) - at(-h)) / (2 * h), atol=1e-7)
    H = R.standard_normal((4, 4))
    cw, cV = rl.eigh_vjp_do_t(H, v, o, uplo)
    assert np.isclose(np.sum(H * tangent), np.sum(cw * s[0]) + np.sum(cV * s[1]))
    dw, dV = rl.eigh_jvp(H, a, o, uplo)
    lhs = np.sum(H * rl.eigh_vjp(v, a, o, uplo))
    assert np.isclose(lhs, np.sum(dw * v[0]) + np.sum(dV * v[1]))


def test_the_helpers_raise_value_error_without_srcdiff_errors(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_srcdiff(name, *args, **kwargs):
        if name == "srcdiff.errors":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_srcdiff)
    w, v = np.linalg.eigh(np.eye(2))
    with pytest.raises(ValueError, match="coincide"):
        rl.eigh_vjp([np.zeros(2), np.ones((2, 2))], np.eye(2), (w, v))


def test_srcdiff_build_can_copy_every_helper():
    """A built module carries copies of the helpers it calls (srcdiff/build/module.py):
    each of these copies, with what it reads, runs without srcdiff."""
    from srcdiff.build.module import runtime_copies

    helpers = [getattr(rl, n) for n in rl.__all__]
    imports, names, text = runtime_copies(helpers)
    assert set(imports) <= {"np", "math"}
    namespace = {"np": np, "math": __import__("math")}
    exec(compile(text, "<copies>", "exec"), namespace)
    assert {h.__name__ for h in helpers} <= set(namespace)


def test_multi_dot_helper_rules_are_their_own_derivative():
    """multi_dot_vjp's and multi_dot_jvp's rules in the arrays (Hessians through
    multi_dot): against central differences, multi_dot_vjp_da symmetric, and
    multi_dot_jvp_da_t the transpose of multi_dot_jvp_da; a constant's tangent is 0.0."""
    arrays = [R.standard_normal(3), near_eye(3), R.standard_normal((3, 2))]
    s = [R.standard_normal(3), 0.0, R.standard_normal((3, 2))]
    s2 = [R.standard_normal(np.shape(a)) for a in arrays]
    u = [R.standard_normal(np.shape(a)) for a in arrays]
    v = R.standard_normal(2)
    h = 1e-6

    def moved(step):
        return [a + step * np.asarray(d) for a, d in zip(arrays, s)]

    def inner(x, y):
        return sum(np.sum(np.asarray(p) * np.asarray(q)) for p, q in zip(x, y))

    got = rl.multi_dot_vjp_da(s, v, arrays)
    plus, minus = rl.multi_dot_vjp(v, moved(h)), rl.multi_dot_vjp(v, moved(-h))
    for g, p, m in zip(got, plus, minus):
        np.testing.assert_allclose(g, (p - m) / (2 * h), atol=1e-7)
    assert np.isclose(inner(s2, got), inner(s, rl.multi_dot_vjp_da(s2, v, arrays)))
    tangent = rl.multi_dot_jvp_da(s, u, arrays)
    numeric = (rl.multi_dot_jvp(u, moved(h)) - rl.multi_dot_jvp(u, moved(-h))) / (2 * h)
    np.testing.assert_allclose(tangent, numeric, atol=1e-7)
    H = R.standard_normal(np.shape(tangent))
    assert np.isclose(np.sum(H * tangent), inner(rl.multi_dot_jvp_da_t(H, u, arrays), s))


@pytest.mark.parametrize(("a_shape", "b_shape"), [((6, 3), (6,)), ((5, 2), (5, 3)), ((3, 4), (3,))])
def test_lstsq_hvp_is_the_derivative_of_the_lstsq_vjps(a_shape, b_shape):
    """lstsq_hvp (the rules of lstsq_vjp_a and lstsq_vjp_b): against central differences
    of the two helpers at lstsq of the moved a and b, additive in the two directions,
    and symmetric (a Hessian times a direction)."""
    a, b = R.standard_normal(a_shape), R.standard_normal(b_shape)
    o = np.linalg.lstsq(a, b, rcond=None)
    v = [R.standard_normal(np.shape(o[0])), R.standard_normal(np.shape(o[1])), 0.0]
    v.append(R.standard_normal(np.shape(o[3])))
    ta, tb = R.standard_normal(a_shape), R.standard_normal(b_shape)
    h = 1e-6

    def vjps(step):
        x, y = a + step * ta, b + step * tb
        oo = np.linalg.lstsq(x, y, rcond=None)
        return rl.lstsq_vjp_a(v, x, y, oo), rl.lstsq_vjp_b(v, x, y, oo)

    (pa, pb), (ma, mb) = vjps(h), vjps(-h)
    da, db = rl.lstsq_hvp(ta, tb, v, a, b, o)
    np.testing.assert_allclose(da, (pa - ma) / (2 * h), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(db, (pb - mb) / (2 * h), rtol=1e-6, atol=1e-7)
    da1, db1 = rl.lstsq_hvp(ta, None, v, a, b, o)
    da2, db2 = rl.lstsq_hvp(None, tb, v, a, b, o)
    np.testing.assert_allclose(da1 + da2, da, atol=1e-12)
    np.testing.assert_allclose(db1 + db2, db, atol=1e-12)
    sa, sb = R.standard_normal(a_shape), R.standard_normal(b_shape)
    ea, eb = rl.lstsq_hvp(sa, sb, v, a, b, o)
    assert np.isclose(np.sum(sa * da) + np.sum(sb * db), np.sum(ta * ea) + np.sum(tb * eb))


def _lstsq_indexed(a, b):
    return np.sum(np.sin(np.linalg.lstsq(a, b, rcond=None)[0]))


def _lstsq_unpacked(a, b):
    x, res, rank, s = np.linalg.lstsq(a, b, rcond=None)
    return np.sum(np.sin(x)) + np.sum(s)


@pytest.mark.parametrize("func", [_lstsq_indexed, _lstsq_unpacked], ids=["indexed", "unpacked"])
def test_jvp_along_both_arguments_of_a_rule_with_several_results(func):
    # the two parameters' tangents, each a tuple of one tangent per result, were joined
    # with `+` when the call was indexed: the jvp read the first parameter's term alone
    a, b = R.standard_normal((4, 3)), R.standard_normal(4)
    da, db = R.standard_normal((4, 3)), R.standard_normal(4)
    _, tangent = srcdiff.jvp(func, (a, b), (da, db))
    h = 1e-6
    want = (func(a + h * da, b + h * db) - func(a - h * da, b - h * db)) / (2 * h)
    assert_close(tangent, want, 1e-6, 1e-8)
    assert RULES.lookup(np.linalg.lstsq)[0].several
    assert not RULES.lookup(np.linalg.multi_dot)[0].several

"""The Numba forms of the runtime helpers (runtime/numba_forms.py) and the Numba backend's
array tape (compiler/njit.py): each function's value and gradient under
``backend="numba"`` agree with the Python backend's to rounding, and both with finite
differences; float32 arguments are refused."""

from __future__ import annotations

import sys

import numba_samples as ns
import numpy as np
import pytest
from fdiff import assert_close, fd_directional, fd_grad

import srcdiff

numba = pytest.importorskip(
    "numba", reason="the Numba backend needs numba (pip install srcdiff[numba])"
)

from srcdiff.runtime import arrays, numba_array_forms, spellings  # noqa: E402, F401 - the forms

X = np.array([0.3, -0.7, 1.1, 0.4])
W = np.array([1.2, 0.8, -0.5, 1.5])
M = np.array([[0.3, -0.2, 0.5, 0.1], [0.2, 0.4, -0.6, 0.7], [-0.1, 0.9, 0.3, -0.4]])

CASES = [
    (ns.looped, (X, W)),  # arrays saved on the tape in a loop (a list per rank)
    (ns.bias, (M, W)),  # unbroadcast of a (4,) bias against a (3, 4) batch
    (ns.bias, (M, np.array([[0.5], [0.2], [-0.3]]))),  # a length-1 axis: unbroadcast sums it
    (ns.masked, (X,)),  # add_at with a mask
    (ns.calls, (X, W)),  # arrays saved by helpers
    (ns.whole_reductions, (X,)),  # prod_partials, std_partials, norm_partials
    (ns.clipped, (X, -0.5, np.full(4, 0.45))),  # clip_partials: number, array, None bounds
    (ns.vector_products, (W, X, M.T)),  # vector @ vector, vector @ matrix, matrix @ vector
    (ns.mlp, (M, X[:3], M[:2, :3], W)),
    (ns.logistic, (X, M, np.array([1.0, 0.0, 1.0]))),
    (ns.rosenbrock, (X,)),
    (ns.prod_over_axis, (M,)),  # prod_partials over one axis
    (ns.prod_over_axis, (np.array([[0.5, 0.0], [2.0, 0.0], [1.5, -1.0]]),)),  # zeros
]

JVP_CASES = [
    (ns.whole_reductions, (X,)),
    (ns.clipped, (X, -0.5, np.full(4, 0.45))),
    (ns.vector_products, (W, X, M.T)),
    (ns.mlp, (M, X[:3], M[:2, :3], W)),
]


@pytest.mark.parametrize(("func", "args"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_numba_agrees_with_python(func, args):
    wrt = tuple(range(len(args)))
    value, grads = srcdiff.value_and_grad(func, wrt=wrt, backend="numba")(*args)
    pvalue, pgrads = srcdiff.value_and_grad(func, wrt=wrt)(*args)
    assert value == pytest.approx(pvalue, rel=1e-12)
    for i, (g, p) in enumerate(zip(grads, pgrads)):
        assert np.shape(g) == np.shape(args[i])
        np.testing.assert_allclose(g, p, rtol=1e-12, atol=1e-14)
        assert_close(g, fd_grad(func, args, i), 1e-6)


@pytest.mark.parametrize(("func", "args"), JVP_CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_numba_jvp_agrees_with_python(func, args):
    rng = np.random.default_rng(7)
    tangents = tuple(rng.normal(size=np.shape(a)) if np.ndim(a) else 0.7 for a in args)
    value, tangent = srcdiff.jvp(func, args, tangents, backend="numba")
    pvalue, ptangent = srcdiff.jvp(func, args, tangents)
    assert value == pytest.approx(pvalue, rel=1e-12)
    assert tangent == pytest.approx(ptangent, rel=1e-12, abs=1e-14)
    assert_close(tangent, fd_directional(func, args, tangents), 1e-6)


def test_clip_ties_shared_as_the_python_backend_shares_them():
    args = (np.array([0.3, -0.5, 0.4, 1.1]), -0.5, np.full(4, 0.4))  # (at both bounds)
    got = srcdiff.grad(ns.clipped, wrt=(0, 1, 2), backend="numba")(*args)
    want = srcdiff.grad(ns.clipped, wrt=(0, 1, 2))(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-14)


# -- the forms called directly, where generated code with known ranks specialises them away


@numba.njit
def _matmul_cotangents(g, a, b):
    return arrays.matmul_da(g, a, b), arrays.matmul_db(g, a, b)


@numba.njit
def _reductions(a, axis):
    return (
        spellings.reduce_axis(np.mean, a, axis),
        spellings.reduce_axis(np.max, a, axis),
        spellings.reduce_axis(np.min, a, axis),
        spellings.reduce_axis(np.prod, a, axis),
    )


@pytest.mark.parametrize(
    ("a", "b"), [(M, M.T), (M, W), (X[:3], M), (X, W)], ids=["2x2", "2x1", "1x2", "1x1"]
)
def test_matmul_forms_agree_with_the_python_helpers(a, b):
    g = np.asarray(np.random.default_rng(3).normal(size=np.shape(a @ b)))
    g = float(g) if g.ndim == 0 else g
    da, db = _matmul_cotangents(g, a, b)
    np.testing.assert_allclose(da, arrays.matmul_da(g, a, b), rtol=1e-13)
    np.testing.assert_allclose(db, arrays.matmul_db(g, a, b), rtol=1e-13)
    assert np.shape(da) == a.shape and np.shape(db) == b.shape


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_reduce_axis_form_agrees_with_numpy(axis):
    a = np.random.default_rng(4).normal(size=(3, 4, 2))
    a[1, 2, 0] = a[1, 1, 0]  # (a tie)
    for got, fn in zip(_reductions(a, axis), (np.mean, np.max, np.min, np.prod)):
        np.testing.assert_allclose(got, fn(a, axis=axis), rtol=1e-14)
    means, maxima, _, _ = _reductions(M, 0)
    np.testing.assert_allclose(means, M.mean(axis=0), rtol=1e-14)
    assert _reductions(X, 0)[1] == X.max()


@numba.njit
def _float64s(a, b, c):
    return spellings.is_float64(a), spellings.is_float64(b), spellings.is_float64(c)


def test_is_float64_form_agrees_with_the_python_helper():
    """compiler/fuse.py's run-time dtype check, compiled and not."""
    args = (X, np.arange(4), X.astype(np.float32))
    assert _float64s(*args) == (True, False, False)
    assert tuple(map(spellings.is_float64, args)) == (True, False, False)
    assert not spellings.is_float64(1.5)


def test_forms_refuse_what_they_do_not_reproduce():
    """A matrix norm (a form without that case), cumsum (a helper without a form): Numba's
    typing error, which the backend reports as a BackendError naming the helper."""
    with pytest.raises(srcdiff.BackendError, match="norm_partials"):
        srcdiff.grad(ns.matrix_norm, backend="numba")(M)
    with pytest.raises(srcdiff.BackendError, match="cumsum_vjp"):
        srcdiff.grad(ns.cumulative, backend="numba")(X)
    assert srcdiff.grad(ns.matrix_norm, backend="auto")(M) == pytest.approx(
        fd_grad(ns.matrix_norm, (M,), 0), rel=1e-6
    )


def test_list_argument_and_math_calls():
    args = (0.7, [0.5, -1.5, 2.0])
    value, (dx, dxs) = srcdiff.value_and_grad(ns.listed, wrt=(0, 1), backend="numba")(*args)
    pvalue, (px, pxs) = srcdiff.value_and_grad(ns.listed, wrt=(0, 1))(*args)
    assert value == pytest.approx(pvalue, rel=1e-12)
    assert dx == pytest.approx(px, rel=1e-12)
    assert isinstance(dxs, list) and dxs == pytest.approx(pxs, rel=1e-12)


# math.cbrt is new in Python 3.11; on 3.10 every call was once taken for it (the lookup of
# a missing math.cbrt is None, as is that of any call without a spelling), so np.cbrt runs
# on every Python and math.cbrt where it exists
CUBE_ROOTS = [ns.cube_root_np] + ([ns.cube_root] if sys.version_info >= (3, 11) else [])


@pytest.mark.parametrize("func", CUBE_ROOTS, ids=lambda f: f.__name__)
def test_cube_roots_are_spelled_for_numba(func):
    g = srcdiff.grad(func, backend="numba")(0.7)
    assert g == pytest.approx(srcdiff.grad(func)(0.7), rel=1e-12)
    assert g == pytest.approx(fd_grad(func, (0.7,), 0), rel=1e-6)


def test_arrays_on_the_tape_in_generated_code():
    text = srcdiff.source(ns.looped, wrt=(0, 1), at=(X, W), backend="numba")
    assert "_stack_arr1 = [np.empty((0,))][:0]" in text
    assert "_stack_arr1.pop()" in text
    assert "dw = np.zeros(w.shape)" in text


def test_float32_refused():
    x = X.astype(np.float32)
    with pytest.raises(srcdiff.BackendError, match="float32"):
        srcdiff.grad(ns.masked, backend="numba")(x)
    g = srcdiff.grad(ns.masked, backend="auto")(x)  # (the Python backend, for this call)
    assert g.dtype == np.float32

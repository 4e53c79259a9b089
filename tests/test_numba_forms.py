"""The Numba forms of the runtime helpers (runtime/numba_forms.py) and the Numba backend's
array tape (compiler/njit.py): each function's value and gradient under
``backend="numba"`` agree with the Python backend's to rounding, and both with finite
differences; float32 arguments are refused."""

from __future__ import annotations

import sys

import numba_samples as ns
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")

X = np.array([0.3, -0.7, 1.1, 0.4])
W = np.array([1.2, 0.8, -0.5, 1.5])
M = np.array([[0.3, -0.2, 0.5, 0.1], [0.2, 0.4, -0.6, 0.7], [-0.1, 0.9, 0.3, -0.4]])

CASES = [
    (ns.looped, (X, W)),  # arrays saved on the tape in a loop (a list per rank)
    (ns.bias, (M, W)),  # unbroadcast of a (4,) bias against a (3, 4) batch
    (ns.bias, (M, np.array([[0.5], [0.2], [-0.3]]))),  # a length-1 axis: unbroadcast sums it
    (ns.masked, (X,)),  # add_at with a mask
    (ns.calls, (X, W)),  # arrays saved by helpers
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


def test_list_argument_and_math_calls():
    args = (0.7, [0.5, -1.5, 2.0])
    value, (dx, dxs) = srcdiff.value_and_grad(ns.listed, wrt=(0, 1), backend="numba")(*args)
    pvalue, (px, pxs) = srcdiff.value_and_grad(ns.listed, wrt=(0, 1))(*args)
    assert value == pytest.approx(pvalue, rel=1e-12)
    assert dx == pytest.approx(px, rel=1e-12)
    assert isinstance(dxs, list) and dxs == pytest.approx(pxs, rel=1e-12)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="math.cbrt is new in Python 3.11")
def test_math_cbrt_is_spelled_for_numba():
    g = srcdiff.grad(ns.cube_root, backend="numba")(0.7)
    assert g == pytest.approx(srcdiff.grad(ns.cube_root)(0.7), rel=1e-12)
    assert g == pytest.approx(fd_grad(ns.cube_root, (0.7,), 0), rel=1e-6)


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

"""api/backends.py: what the Numba backend can't compile is a BackendError naming it,
or with backend="auto" one warning and the Python backend; Numba absent; arithmetic
errors and infinite derivatives reported as by the Python backend."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import test_control_flow as tcf
from test_njit import loop_with_many_steps, rk4

import srcdiff
from srcdiff.api import backends

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")


class Box:
    def __init__(self, v):
        self.v = v


def uses_an_object(x):
    b = Box(2.0)
    return math.sin(x) * 2.0 + 0.0 * b.v


def test_uncompilable_code_is_a_backend_error_naming_it():
    g = srcdiff.grad(uses_an_object, backend="numba")
    with pytest.raises(srcdiff.BackendError) as info:
        g(0.5)
    text = str(info.value)
    assert "Box" in text and "uses_an_object" in text
    assert "b = Box(2.0)" in text  # the user's line
    assert 'backend="python"' in text  # the hint


def test_auto_falls_back_to_python_with_one_warning():
    g = srcdiff.grad(uses_an_object, backend="auto")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = g(0.5)
        second = g(0.7)
    assert first == pytest.approx(2 * math.cos(0.5), rel=1e-14)
    assert second == pytest.approx(2 * math.cos(0.7), rel=1e-14)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "Python backend" in messages[0], messages


def test_auto_uses_numba_where_it_compiles():
    g = srcdiff.grad(rk4, wrt=(0, 1), backend="auto")
    args = (9.81, 0.3, 1.2, 0.0, 0.01, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = g(*args)
    tcf._assert_close(got, srcdiff.grad(rk4, wrt=(0, 1))(*args), 1e-12)
    fn = g.specialize(*args)
    assert hasattr(fn, "srcdiff_numba")  # (the numba.njit dispatcher it calls)


def saves_a_list(xs):
    s = 0.0
    for v in xs:
        s = s + v * v
    return s


def test_a_list_of_numbers_is_an_argument():
    """A list of floats is passed to compiled code; its gradient is a list of floats, as
    under the Python backend (the list's helpers have Numba forms: runtime/numba_forms)."""
    assert srcdiff.grad(saves_a_list, backend="numba")([1.0, 2.0]) == [2.0, 4.0]


def uses_no_list(x, xs):
    return x * 2.0


def test_a_list_argument_nothing_reads_gets_zeros():
    dx, dxs = srcdiff.grad(uses_no_list, wrt=("x", "xs"), backend="numba")(0.5, [1.0, 2.0])
    assert dx == 2.0 and dxs == [0.0, 0.0]
    dx, dxs = srcdiff.grad(uses_no_list, wrt=("x", "xs"), backend="numba")(
        0.5, np.asarray([1.0, 2.0])
    )
    assert dx == 2.0 and dxs.tolist() == [0.0, 0.0]


def test_options_numba_does_not_take():
    with pytest.raises(srcdiff.BackendError, match="checkpoint"):
        srcdiff.grad(loop_with_many_steps, checkpoint=4, backend="numba")(0.9, 10)
    with pytest.raises(srcdiff.SrcDiffError, match="backend must be"):
        srcdiff.grad(loop_with_many_steps, backend="cuda")


def test_derivatives_that_are_not_finite_are_refused():
    """Numba's math.sqrt(-0.0) derivative is an infinity, as NumPy's: refused, as with
    the Python backend."""

    def f(x):
        return math.sqrt(x * x)

    with pytest.raises(srcdiff.DomainError):
        srcdiff.grad(f, backend="numba")(0.0)


def test_vjp_auto_falls_back():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, pullback = srcdiff.vjp(uses_an_object, 0.5, backend="auto")
    assert len(caught) == 1
    assert pullback(1.0)[0] == pytest.approx(2 * math.cos(0.5), rel=1e-14)
    with pytest.raises(srcdiff.BackendError, match="Box"):
        srcdiff.vjp(uses_an_object, 0.5, backend="numba")


def test_numba_absent(monkeypatch):
    """Without Numba: "numba" says how to install it; "auto" warns once, runs Python."""
    monkeypatch.setattr(backends, "numba_available", lambda: False)

    def f(x):
        return x * x * 3.0

    with pytest.raises(srcdiff.BackendError, match=r"srcdiff\[numba\]"):
        srcdiff.grad(f, backend="numba")(2.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert srcdiff.grad(f, backend="auto")(2.0) == 12.0
    assert len(caught) == 1 and "not installed" in str(caught[0].message)

"""A float32 primal's tangent is float32 (as JAX gives it): jvp and grad(mode="forward")
at float32 arrays and NumPy float32 scalars, also where the tangent code computes the
tangent from Python floats (`x * 2.0` at np.float32 gave a Python float tangent, and
grad(mode="forward") at a float32 scalar gave a float where reverse mode gave float32).
Values against finite differences of the same functions in float64; float64 and integer
arguments keep float64 derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

RTOL = 2e-5  # float32's resolution


def scaled(x):
    return x * 2.0 - 0.5


def curved(x):
    return np.sin(x) * x + 3.0


X32 = np.float32(0.3)


@pytest.mark.parametrize("func", [scaled, curved])
def test_jvp_at_a_float32_scalar_gives_a_float32_tangent(func):
    for tangent in (1.0, np.float32(1.0), np.float64(1.0)):
        value, t = srcdiff.jvp(func, (X32,), (tangent,))
        assert type(value) is np.float32 and type(t) is np.float32
        assert_close(t, fd_grad(func, (0.3,), 0), RTOL, RTOL, func.__name__)


@pytest.mark.parametrize("func", [scaled, curved])
def test_forward_grad_at_a_float32_scalar_is_float32(func):
    for output in (srcdiff.grad, srcdiff.value_and_grad):
        got = output(func, mode="forward")(X32)
        g = got[1] if isinstance(got, tuple) else got
        assert type(g) is np.float32
        assert_close(g, fd_grad(func, (0.3,), 0), RTOL, RTOL, func.__name__)


def two(x, y):
    return np.sin(x) * y + x * 2.0


def test_forward_grad_casts_only_the_float32_argument():
    gx, gy = srcdiff.grad(two, wrt=(0, 1), mode="forward")(X32, 1.5)
    assert type(gx) is np.float32 and type(gy) is float
    assert_close(gx, fd_grad(two, (0.3, 1.5), 0), RTOL, RTOL, "d/dx")
    assert_close(gy, fd_grad(two, (0.3, 1.5), 1), RTOL, RTOL, "d/dy")


def test_float64_and_int_arguments_keep_float64_derivatives():
    value, t = srcdiff.jvp(scaled, (0.3,), (1.0,))
    assert type(t) is float and t == pytest.approx(2.0)
    for x in (0.3, np.float64(0.3), 3):
        g = srcdiff.grad(scaled, mode="forward")(x)
        assert type(g) is float and g == pytest.approx(2.0)


def test_jvp_at_a_float32_array_gives_a_float32_tangent():
    x = np.array([0.3, -0.7], np.float32)
    for tangent in (np.ones(2), np.ones(2, np.float32), 1.0):
        value, t = srcdiff.jvp(scaled, (x,), (tangent,))
        assert value.dtype == np.float32 and t.dtype == np.float32
        assert_close(t, np.full(2, 2.0), RTOL, RTOL, "tangent")
    g = srcdiff.grad(lambda v: np.sum(curved(v)), mode="forward")(x)
    assert g.dtype == np.float32
    assert_close(g, fd_grad(lambda v: np.sum(curved(v)), (x.astype(float),), 0), RTOL, RTOL, "")

"""np.float32(x): a cast, differentiated as identity (as x.astype(np.float32) is, and
as JAX and autograd do), in both modes and for Hessians.

The rounding to float32 has no derivative, and finite differences of the float32
computation itself are noise at any step small enough to be accurate, so the oracle is
finite differences of the same function computed in float64 (`np.float64` for
`np.float32`), at float32's precision.  Dtypes are checked too: the tangent is cast as
the value is, the cotangent goes back to the input's dtype.
"""

from __future__ import annotations

import numpy as np
import pytest
from fdiff import assert_close, fd_directional, fd_grad, fd_jacobian

import srcdiff

RTOL = 2e-5  # float32's resolution, carried through a few operations


def f32(x, s):
    y = np.float32(x) * s
    return np.sum(np.sin(y) * np.float32(x)) + np.float32(s) ** 2


def f64(x, s):
    y = np.float64(x) * s
    return np.sum(np.sin(y) * np.float64(x)) + np.float64(s) ** 2


X = np.array([0.3, -0.7, 1.1])
S = 0.4


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_is_the_float64_functions(mode):
    dx, ds = srcdiff.grad(f32, wrt=("x", "s"), mode=mode)(X, S)
    assert dx.dtype == np.float64 and isinstance(ds, float)
    assert_close(dx, fd_grad(f64, (X, S), 0), RTOL, RTOL, f"{mode} d/dx")
    assert_close(ds, fd_grad(f64, (X, S), 1), RTOL, RTOL, f"{mode} d/ds")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_float32_input_gets_a_float32_gradient(mode):
    x32 = X.astype(np.float32)
    g = srcdiff.grad(lambda x: np.sum(np.float32(x) ** 3), mode=mode)(x32)
    assert g.dtype == np.float32
    assert_close(g, 3.0 * X**2, RTOL, RTOL, mode)


def test_jvp_tangent_is_cast_as_the_value_is():
    dx, ds = np.array([1.0, -0.5, 0.25]), 0.5
    value, tangent = srcdiff.jvp(f32, (X, S), (dx, ds))
    assert np.asarray(value).dtype == np.float32
    assert np.asarray(tangent).dtype == np.float32
    want = fd_directional(f64, (X, S), (dx, ds))
    assert_close(tangent, want, RTOL, RTOL, "jvp")


def test_hessian_is_the_float64_functions():
    h = srcdiff.hessian(f32, wrt="x")(X, S)
    want = fd_jacobian(srcdiff.grad(f64, wrt="x"), (X, S), 0)
    assert_close(h, want, 1e-4, 1e-4, "hessian")


def test_scalar_cast_in_a_loop_both_modes():
    def f(s):
        acc = 0.0
        for i in range(3):
            acc = acc + np.float32(s * i) ** 2
        return acc

    for mode in ("reverse", "forward"):
        assert_close(srcdiff.grad(f, mode=mode)(0.7), 2 * 0.7 * (1 + 4), RTOL, RTOL, mode)

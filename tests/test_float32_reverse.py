"""Reverse mode at an np.float32 scalar gives float32 derivatives, as forward mode does
(test_float32_tangents.py) and as float32 arrays get: where the backward sweep is float
arithmetic only (`dx = dx + 1.0 * i`, a derivative that does not read x), grad, vjp and
value_and_grad returned a Python float.  A Python float beside a float32 scalar gets a
float (as forward mode gives it; reverse mode gave float32), integers floats, float64
stays float64.  Values against finite differences of the same functions in float64."""

from __future__ import annotations

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

RTOL = 2e-5  # float32's resolution
X32 = np.float32(0.3)


def counted(x):
    """Its derivative, 0 + 1 + 2, is computed from Python floats only."""
    s = 0.0
    for i in range(3):
        s = s + x * i
    return s


def curved(x):
    return np.sin(x) * x + 3.0


def two(x, y):
    return x * x * y + 2.0 * y


@pytest.mark.parametrize("func", [counted, curved])
def test_grad_value_and_grad_and_vjp_at_a_float32_scalar(func):
    want = fd_grad(func, (0.3,), 0)
    g = srcdiff.grad(func)(X32)
    value, g2 = srcdiff.value_and_grad(func)(X32)
    (g3,) = srcdiff.vjp(func, X32)[1](1.0)
    for got in (g, g2, g3):
        assert type(got) is np.float32
        assert_close(got, want, RTOL, RTOL, func.__name__)
    assert value == func(X32)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("func", [counted, curved])
def test_jacobian_and_hessian_at_a_float32_scalar(func, mode):
    jac = srcdiff.jacobian(func, mode=mode)(X32)
    assert jac.dtype == np.float32
    assert_close(jac, fd_grad(func, (0.3,), 0), RTOL, RTOL, "jacobian")
    hess = srcdiff.hessian(func)(X32)
    assert np.asarray(hess).dtype == np.float32
    want = fd_grad(lambda x: srcdiff.grad(func)(x), (0.3,), 0)
    assert_close(np.asarray(hess, dtype=float), want, 1e-4, 1e-4, "hessian")


def test_each_derivative_follows_its_own_argument():
    """The float32 argument's in float32, the Python float's a float, in both modes."""
    for mode in ("reverse", "forward"):
        gx, gy = srcdiff.grad(two, wrt=(0, 1), mode=mode)(X32, 1.5)
        assert (type(gx), type(gy)) == (np.float32, float), mode
        assert_close(gx, fd_grad(two, (0.3, 1.5), 0), RTOL, RTOL, "d/dx")
        assert_close(gy, fd_grad(two, (0.3, 1.5), 1), RTOL, RTOL, "d/dy")
    gx, gy = srcdiff.vjp(two, X32, 1.5)[1](1.0)
    assert (type(gx), type(gy)) == (np.float32, float)
    gx, gy = srcdiff.grad(two, wrt=(0, 1))(X32, np.float32(1.5))
    assert (type(gx), type(gy)) == (np.float32, np.float32)


def test_float64_and_int_arguments_keep_float64_derivatives():
    for x in (0.3, 3):
        g = srcdiff.grad(counted)(x)
        assert type(g) is float and g == pytest.approx(3.0)
    assert type(srcdiff.grad(curved)(np.float64(0.3))) is np.float64
    assert type(srcdiff.vjp(counted, 0.3)[1](1.0)[0]) is float


def test_a_complex_derivative_is_still_refused():
    """The cast to float32 does not drop an imaginary part: (-x) ** 0.5 at x > 0."""

    with pytest.raises(srcdiff.DomainError, match="complex"):
        srcdiff.grad(_root_of_negative)(X32)


def _root_of_negative(x):
    return (-1.0 * float(x)) ** 0.5 + x

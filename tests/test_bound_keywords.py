"""Partials that bind keywords and bound methods in jvp, vjp, jacobian and hessian (as
JAX takes `functools.partial(f, s=2.0)`), and the tests any/all/isinstance/callable as
piecewise constants: a condition stored in a variable, and the gradient code that keeps
one, differentiated again for a Hessian."""

import functools

import numpy as np
import pytest

import srcdiff
from tests import bound_keyword_cases as C
from tests.fdiff import fd_jacobian as jacobian_fd

X = np.array([0.3, -0.7, 1.1])
Y = np.array([0.5, 1.5, -0.25])


def _fd_grad(f, x):
    return jacobian_fd(f, (x,), 0)


@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
def test_hessian_of_a_keyword_partial(mode):
    p = functools.partial(C.scaled_cos, s=2.0)
    h = srcdiff.hessian(p, mode=mode)(X)
    assert np.allclose(h, np.diag(-2.0 * np.cos(X)))
    assert np.allclose(srcdiff.hessian(p, mode=mode)(X, s=3.0), np.diag(-3.0 * np.cos(X)))


def test_jacobian_of_a_keyword_partial_in_both_modes():
    p = functools.partial(C.weighted, w=1.5, shift=0.25)
    for mode in ("forward", "reverse"):
        got = srcdiff.jacobian(p, wrt=(0, 1), mode=mode)(X, Y)
        assert np.allclose(got[0], jacobian_fd(p, (X, Y), 0), atol=1e-6)
        assert np.allclose(got[1], jacobian_fd(p, (X, Y), 1), atol=1e-6)


def test_jvp_and_vjp_of_a_keyword_partial():
    p = functools.partial(C.weighted, w=1.5, shift=0.25)
    value, tangent = srcdiff.jvp(p, (X, Y), (np.ones(3), np.zeros(3)))
    assert np.isclose(value, p(X, Y))
    assert np.isclose(tangent, np.sum(jacobian_fd(p, (X, Y), 0)), atol=1e-6)
    out, pullback = srcdiff.vjp(p, X, Y)
    gx, gy = pullback(1.0)
    assert np.isclose(out, p(X, Y))
    assert np.allclose(gx, jacobian_fd(p, (X, Y), 0), atol=1e-6)
    assert np.allclose(gy, jacobian_fd(p, (X, Y), 1), atol=1e-6)


def test_jvp_and_vjp_of_a_partial_binding_the_first_argument_and_a_keyword():
    p = functools.partial(C.weighted, X, shift=0.5)
    value, tangent = srcdiff.jvp(p, (Y,), (np.ones(3),))
    assert np.isclose(tangent, np.sum(jacobian_fd(p, (Y,), 0)), atol=1e-6)
    _, pullback = srcdiff.vjp(p, Y)
    (gy,) = pullback(1.0)
    assert np.allclose(gy, jacobian_fd(p, (Y,), 0), atol=1e-6)


def test_jvp_and_vjp_of_a_bound_method_leave_self_out():
    spring = C.Spring(2.0)
    value, tangent = srcdiff.jvp(spring.energy, (X, 1.5), (np.ones(3), 0.0))
    assert np.isclose(value, spring.energy(X, 1.5))
    assert np.isclose(tangent, np.sum(2 * 2.0 * X * 1.5))
    _, pullback = srcdiff.vjp(spring.energy, X, 1.5)
    gx, gc = pullback(1.0)
    assert np.allclose(gx, 2 * 2.0 * X * 1.5)
    assert np.isclose(gc, np.sum(2.0 * X**2))


@pytest.mark.parametrize("func", [C.flag_stored, C.branch_on_type])
@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
def test_hessian_through_kept_tests(func, mode):
    for m in ("reverse", "forward"):
        assert np.allclose(srcdiff.grad(func, mode=m)(X), _fd_grad(func, X), atol=1e-6)
    # the Hessian's oracle: differences of the gradient, itself checked against f's above
    want = jacobian_fd(srcdiff.grad(func), (X,), 0)
    assert np.allclose(srcdiff.hessian(func, mode=mode)(X), want, atol=1e-5)

"""Derivatives of derivatives (api/nested.py): `grad(grad(f))`, a mixed partial, third
order, `jacobian(grad(f))`, `jvp`/`vjp`/`check_grad` of a gradient -- each the code the
inner derivative runs, differentiated again -- against sympy and finite differences."""

import math

import numpy as np
import pytest
import sympy as sp
from fdiff import assert_close, fd_grad

import srcdiff


def f(x, y):
    return math.sin(x) * x**3 * y + math.exp(0.5 * y) * x


def looped(x, n=4):
    t = x
    for _ in range(n):
        t = t - 0.3 * math.sin(t) * x
    return t


def h(x):
    return np.sum(np.sin(x) * x**2 + np.cos(x[::-1]) * x)


def loss(params, x):
    return np.sum(np.tanh(params["w"] * x) ** 2)


DF = srcdiff.grad(f)
DFY = srcdiff.grad(f, wrt="y")
FORCE = srcdiff.grad(h)
CHECKPOINTED = srcdiff.grad(looped, checkpoint=2)


def calls_gradients(
    x,
):  # a gradient inside a differentiated function (compiler/derivative_calls.py)
    return DF(x, 0.9) ** 2 + x * DFY(x, 0.5)


def force_loss(q, target):
    return np.sum((-FORCE(q) - target) ** 2)


def calls_a_checkpointed_gradient(x):
    return CHECKPOINTED(x) * x


PLAIN = srcdiff.grad(looped)


def calls_a_plain_gradient(x):  # the hint followed
    return PLAIN(x) * x


X, Y = sp.symbols("x y")
EXPR = sp.sin(X) * X**3 * Y + sp.exp(Y / 2) * X
AT = (0.7, 2.0)


def _sympy(*order):
    return float(sp.diff(EXPR, *order).subs({X: AT[0], Y: AT[1]}))


@pytest.mark.parametrize("inner", ["reverse", "forward"])
@pytest.mark.parametrize("outer", ["reverse", "forward"])
def test_second_derivative_and_mixed_partial(inner, outer):
    g = srcdiff.grad(f, mode=inner)
    assert srcdiff.grad(g, mode=outer)(*AT) == pytest.approx(_sympy(X, X), rel=1e-12)
    assert srcdiff.grad(g, wrt=1, mode=outer)(*AT) == pytest.approx(_sympy(X, Y), rel=1e-12)
    gy = srcdiff.grad(f, wrt="y", mode=inner)
    assert srcdiff.grad(gy, wrt="x", mode=outer)(*AT) == pytest.approx(_sympy(X, Y), rel=1e-12)


def test_third_derivative():
    third = srcdiff.grad(srcdiff.grad(srcdiff.grad(f)))
    assert third(*AT) == pytest.approx(_sympy(X, X, X), rel=1e-12)


def test_through_a_loop_against_finite_differences():
    second = srcdiff.grad(srcdiff.grad(looped))
    want = fd_grad(srcdiff.grad(looped), (0.6,), 0)
    assert_close(second(0.6), want, 1e-7, 1e-9, "second derivative")


def test_value_and_grad_jvp_vjp_and_check_of_a_gradient():
    g = srcdiff.grad(f)
    value, second = srcdiff.value_and_grad(g)(*AT)
    assert value == g(*AT)
    assert second == pytest.approx(_sympy(X, X), rel=1e-12)
    out, tangent = srcdiff.jvp(g, AT, (0.0, 1.0))
    assert tangent == pytest.approx(_sympy(X, Y), rel=1e-12)
    _, pullback = srcdiff.vjp(g, *AT)
    dx, dy = pullback(1.0)
    assert (dx, dy) == pytest.approx((_sympy(X, X), _sympy(X, Y)), rel=1e-12)
    report = srcdiff.check_grad(g, *AT, wrt=(0, 1))  # (raises GradientCheckError if not)
    assert len(report.rows) == 2


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_gradient_is_the_hessian(mode):
    x = np.array([0.3, -0.5, 1.1])
    got = srcdiff.jacobian(srcdiff.grad(h), mode=mode)(x)
    assert_close(got, srcdiff.hessian(h)(x), 1e-12, 1e-14, "jacobian of grad")


def test_a_gradient_of_an_array_is_no_scalar_to_differentiate():
    with pytest.raises(srcdiff.NonScalarOutputError, match="h_grad to return a scalar"):
        srcdiff.grad(srcdiff.grad(h))(np.array([0.3, -0.5]))


def test_a_gradient_of_containers_is_refused_naming_hessian():
    params = {"w": np.array([0.3, -0.5])}
    with pytest.raises(srcdiff.SourceUnavailableError, match="srcdiff.hessian"):
        srcdiff.grad(srcdiff.grad(loss))(params, np.array([1.0, 2.0]))


def test_a_checkpointed_gradient_is_refused_naming_hessian():
    # its code drives the checkpointing runtime: it crashed inside it before
    with pytest.raises(srcdiff.SourceUnavailableError, match="srcdiff.hessian"):
        srcdiff.grad(srcdiff.grad(looped, checkpoint=2))(0.6)
    assert srcdiff.hessian(looped)(0.6) == pytest.approx(srcdiff.grad(srcdiff.grad(looped))(0.6))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_gradient_called_inside_a_differentiated_function(mode):
    got = srcdiff.grad(calls_gradients, mode=mode)(0.4)
    assert_close(got, fd_grad(calls_gradients, (0.4,), 0), 1e-7, 1e-9, "scalar")
    args = (np.array([0.3, -0.5, 0.8]), np.array([0.1, 0.2, 0.3]))
    got = srcdiff.grad(force_loss, mode=mode)(*args)
    assert_close(got, fd_grad(force_loss, args, 0), 1e-7, 1e-9, "array")


def test_hessian_of_a_function_calling_a_gradient():
    want = fd_grad(srcdiff.grad(calls_gradients), (0.4,), 0)
    assert_close(srcdiff.hessian(calls_gradients)(0.4), want, 1e-6, 1e-8, "hessian")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_checkpointed_gradient_called_inside_is_refused_and_the_hint_works(mode):
    with pytest.raises(srcdiff.NoRuleError, match="call a plain gradient bound by name"):
        srcdiff.grad(calls_a_checkpointed_gradient, mode=mode)(0.6)
    got = srcdiff.grad(calls_a_plain_gradient, mode=mode)(0.6)
    assert_close(got, fd_grad(calls_a_checkpointed_gradient, (0.6,), 0), 1e-7, 1e-9, "advice")

"""Composition: generated code differentiated again, in every order.

Hessians by forward over reverse, reverse over reverse and forward over forward
must agree with each other and with central differences of the gradient, for
scalar code with loops, branches, helpers and recursion, and for NumPy code.
"""

import math

import cf_cases as cf
import numpy as np
import pytest

import srcdiff
from srcdiff.api.check import numeric_grad
from srcdiff.api.requests import Specializer
from srcdiff.api.transforms import HESSIAN_MODES


def quartic_loop(x):
    s = 0.0
    for i in range(4):
        s = s + math.sin(x * (i + 1)) * x
    return s


def branchy(x):
    if x > 0.5:
        y = math.exp(x) * x
    else:
        y = x**4
    return y * math.cos(y)


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def quadratic_tanh(x, A):
    y = np.tanh(A @ x)
    return np.sum(y * y) + x @ (A @ x)


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def prefix_sums(x):
    y = x.copy()
    for i in range(1, x.shape[0]):
        y[i] += y[i - 1] * 0.5
    return np.sum(y * y * y)


def filled(x):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = x[i] * x[i] * (i + 1.0)
    return np.sum(np.sin(y))


SCALAR_CASES = [
    (quartic_loop, (0.7,)),
    (branchy, (0.8,)),
    (branchy, (0.3,)),
    (cf.helper_chain, (1.3,)),
    (cf.loop_helper_self_assign, (1.1, 0.8)),
    (cf.loop_helper_two_targets, (0.3, 0.2, 0.1)),
]
RNG = np.random.default_rng(3)
A = RNG.normal(size=(3, 3))
ARRAY_CASES = [
    (rosen, (np.array([1.2, 0.7, -0.3, 0.5]),)),
    (quadratic_tanh, (RNG.normal(size=3), A)),
    (logsumexp, (RNG.normal(size=4),)),
    (filled, (RNG.normal(size=3),)),
    (prefix_sums, (RNG.normal(size=4),)),
]


def _fd_hessian(func, args):
    grad = srcdiff.grad(func)
    x = args[0]
    if np.ndim(x) == 0:
        return numeric_grad(lambda v, *rest: grad(v, *rest), args, 0)
    rows = [
        numeric_grad(lambda v, *rest, j=j: grad(v, *rest)[j], args, 0) for j in range(np.size(x))
    ]
    return np.array(rows).reshape(np.shape(x) * 2)


@pytest.mark.parametrize("mode", HESSIAN_MODES)
@pytest.mark.parametrize(
    "func,args",
    SCALAR_CASES + ARRAY_CASES,
    ids=[f"{c[0].__name__}{i}" for i, c in enumerate(SCALAR_CASES + ARRAY_CASES)],
)
def test_hessian_modes_match_finite_differences(func, args, mode):
    H = np.asarray(srcdiff.hessian(func, mode=mode)(*args), dtype=float)
    expected = _fd_hessian(func, args)
    assert H.shape == np.shape(expected)
    np.testing.assert_allclose(H, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "func,args",
    SCALAR_CASES + ARRAY_CASES,
    ids=[f"{c[0].__name__}{i}" for i, c in enumerate(SCALAR_CASES + ARRAY_CASES)],
)
def test_hessian_modes_agree_to_rounding(func, args):
    results = [np.asarray(srcdiff.hessian(func, mode=m)(*args), dtype=float) for m in HESSIAN_MODES]
    for H in results[1:]:
        np.testing.assert_allclose(H, results[0], rtol=1e-10, atol=1e-10)


def test_reverse_over_reverse_source_pushes_adjoints_of_the_inner_stack():
    """The gradient code's own stack (its float tape, `_floats`, read as a list) gets an
    adjoint stack in its adjoint."""
    inner = srcdiff.grad(quartic_loop).specialize(0.7)
    text = srcdiff.source(inner)
    assert "dfloats = zeros_each(_floats)" in text
    assert "dfloats.pop()" in text and "dfloats.append(" in text
    assert srcdiff.grad(inner)(0.7) == pytest.approx(
        numeric_grad(srcdiff.grad(quartic_loop), (0.7,), 0), rel=1e-7
    )


def test_third_derivative_by_forward_over_forward_over_reverse():
    """d3/dx3 sin(x) = -cos(x): forward mode over the Hessian's tangent code."""

    def third(x):
        return srcdiff.hessian(math_sin)(x)

    grad_code = srcdiff.grad(math_sin).specialize(0.4)
    jvp_of_grad = Specializer(grad_code, ("x",), "jvp").compiled((0.4,))
    _, (_, third_val) = srcdiff.jvp(jvp_of_grad, (0.4, 1.0), (1.0, None))
    assert third_val == pytest.approx(-math.cos(0.4), rel=1e-12)
    assert third(0.4) == pytest.approx(-math.sin(0.4), rel=1e-12)


def math_sin(x):
    return math.sin(x)


def test_hessian_rejects_unknown_mode():
    with pytest.raises(srcdiff.SrcDiffError, match="mode"):
        srcdiff.hessian(math_sin, mode="sideways")


@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
def test_a_one_element_unpacking_in_gradient_code_is_differentiated_again(mode):
    from higher_unpack_case import shifted_mean

    x = np.array([1.172, 0.261, 0.378, 0.145])
    grad = srcdiff.grad(shifted_mean)
    assert ", = asarray_vjp(" in srcdiff.source(shifted_mean, at=(x,))
    eps, numeric = 1e-6, np.zeros((4, 4))
    for k in range(4):
        step = np.zeros(4)
        step[k] = eps
        numeric[:, k] = (grad(x + step) - grad(x - step)) / (2 * eps)
    np.testing.assert_allclose(srcdiff.hessian(shifted_mean, mode=mode)(x), numeric, atol=1e-6)

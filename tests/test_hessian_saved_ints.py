"""Hessians of helpers whose integer argument (or another value it does not
differentiate: a float exponent, np.arange, a list of them) the gradient saves, at a
negative base.

The forward pass over gradient code took a popped integer (a helper's exponent, saved
by its forward sweep, popped by its backward sweep) for a differentiated number: the
exponent's partial of `x ** (k - 1)`, log(x), made nan at x < 0 and forward over
reverse refused ("not finite") where the other modes answered. Now the gradient code
declares such pops `k: int = _stack.pop()` (reverse/int_pops.py), and a parameter left
at its number default is passed to the backward sweep rather than saved.
"""

import math

import numpy as np
import pytest

import srcdiff
from tests.fdiff import fd_jacobian

MODES = ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward")


def power(x, k):
    return x**k


def loop_counter(x):
    s = 0.0
    for i in range(1, 4):
        s = s + power(x, i)
    return s


def squared(x, p=2):
    return x**p


def int_default(x):
    return squared(x) + squared(x, 3)


def float_squared(x, p=2.0):
    return x**p


def float_default(x):
    return float_squared(x) * 3.0 + x


def packed(x, k):
    t = math.sin(x)
    return t**k * math.cos(x) + x**k


def packed_counter(x):
    s = 0.0
    for i in range(1, 4):
        s = s + packed(x, i)
    return s


def counted(x, n):
    s = 0.0
    j = 0
    while j < n:
        m = j + 1
        s = s + x**m
        j = j + 1
    return s


def in_loop_int(x):
    return counted(x, 3) * 2.0


CASES = (loop_counter, int_default, float_default, packed_counter, in_loop_int)


@pytest.mark.parametrize("func", CASES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", (-1.5, 0.7))
def test_hessian_matches_gradient_differences(func, mode, x):
    want = fd_jacobian(srcdiff.grad(func), (x,), 0)
    got = srcdiff.hessian(func, mode=mode)(x)
    assert np.isfinite(got)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_array_argument_with_saved_int():
    def f(v):
        s = 0.0
        for i in range(1, 4):
            s = s + np.sum(power(v, i))
        return s

    v = np.array([-1.5, 0.5, -2.0])
    want = fd_jacobian(srcdiff.grad(f), (v,), 0)
    for mode in MODES:
        np.testing.assert_allclose(srcdiff.hessian(f, mode=mode)(v), want, rtol=1e-6, atol=1e-7)


def test_hvp_with_saved_int():
    v = np.array([-1.5, 0.5])

    def f(v):
        return np.sum(power(v, 3)) + np.sum(squared(v))

    h = srcdiff.hessian(f)(v)
    np.testing.assert_allclose(h, fd_jacobian(srcdiff.grad(f), (v,), 0), rtol=1e-6, atol=1e-7)
    u = np.array([0.3, -0.7])
    np.testing.assert_allclose(srcdiff.hvp(f, (v,), u), h @ u, rtol=1e-12)


def test_saved_ints_are_declared_and_defaults_passed():
    text = srcdiff.source(loop_counter, at=(-1.5,))
    assert "k: int = _stack.pop()" in text
    text = srcdiff.source(int_default, at=(-1.5,))
    assert "_stack.append(p)" not in text  # the default 2 is passed, not saved


def by_order(x, order=2):
    return x**order


def float_exponents(x):
    s = 0.0
    for i in range(3):
        c = i + 1.0  # a float by_order saves: `order: float = _stack.pop()`, no tangent
        s = s + by_order(x, c)
    return s


def arange_exponents(v):
    s = 0.0
    for n in range(2, 4):
        s = s + powers_sum(v[0], np.arange(n)) * v[1]  # an integer array powers_sum saves
    return s


def helper_of_a_list(x, ks):
    s = 0.0
    for j in range(len(ks)):  # the saved range: `iters1: range`, so ks[j] has no tangent
        s = s + x ** ks[j]
    return s


def list_exponents(x):
    return helper_of_a_list(x, [1.0, 2.0, 3.0]) * x


def array_list_exponents(v):
    return powers_sum(v, [np.array([1.0, 2.0]), np.array([2.0, 3.0])][0]) + np.sum(
        helper_of_a_list(v, [np.array([2.0, 1.0]), np.array([3.0, 3.0])])
    )


@pytest.mark.parametrize(
    ("func", "x"),
    [
        (float_exponents, -1.1),
        (arange_exponents, np.array([-1.3, 0.7])),
        (list_exponents, -1.3),
        (array_list_exponents, np.array([-1.3, 0.5])),
    ],
    ids=lambda a: getattr(a, "__name__", ""),
)
def test_values_saved_without_a_derivative_at_a_negative_base(func, x):
    """Forward over reverse refused these (nan: the exponent's zero tangent times log of a
    negative base; an index taken for a differentiated value): the saved values the first
    pass did not differentiate are declared and have no tangent in the second pass."""
    want = fd_jacobian(srcdiff.grad(func), (x,), 0)
    for mode in MODES:
        got = srcdiff.hessian(func, mode=mode)(x)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    u = np.ones_like(x)
    np.testing.assert_allclose(srcdiff.hvp(func, (x,), u), np.dot(want, u), rtol=1e-6, atol=1e-7)


def test_values_without_a_derivative_are_declared_where_popped():
    assert "order: float = _stack.pop()" in srcdiff.source(float_exponents, at=(-1.1,))
    text = srcdiff.source(list_exponents, at=(-1.3,))
    assert "iters1: range" in text and "ks: tuple | list" in text
    text = srcdiff.source(arange_exponents, at=(np.array([-1.3, 0.7]),))
    assert "e: np.ndarray" in text


def powers_sum(v, e):
    return np.sum(v**e)


def argmax_exponent(v):
    k = np.argmax(v)  # a NumPy integer the helper saves
    return powers_sum(v, k + 1) + v[k] ** 2


def test_numpy_integer_saved_by_a_helper():
    v = np.array([-0.7, -1.3, 2.1])
    want = fd_jacobian(srcdiff.grad(argmax_exponent), (v,), 0)
    for mode in MODES:
        got = srcdiff.hessian(argmax_exponent, mode=mode)(v)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)

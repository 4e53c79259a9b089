"""Forward-mode folds: tangents of broadcasting products need no broadcast_like (the
other operand is a factor of the tangent, so it has the result's shape), sums still
do; single-use results of pure runtime helpers fold into their reader, never across
an assignment into an array.  Values against central differences and reverse mode."""

from __future__ import annotations

import numpy as np
import pytest
from fdiff import assert_close, fd_directional

import srcdiff


def mul_wide(x, Y):
    return np.sum(x * Y)


def div_wide(x, Y):
    return np.sum(Y / x + x / Y)


def scale_wide(s, Y):
    return np.sum(np.sin(s * Y) / (s + 2.0))


def add_wide(x, Y):
    return np.sum((x + Y) ** 2)


def mixed(x, Y):
    z = np.exp(x) * Y - x
    return np.sum(z * z)


def stored(x, Y):
    y = np.zeros_like(x)
    v = x[:2] * Y[0, :2]
    y[:2] = v
    w = y[:2]
    u = np.sum(w * x[1:])
    y[1:] = 3.0 * v
    return np.sum(y * x) + u


RNG = np.random.default_rng(3)
Y = RNG.normal(size=(2, 3)) + 3.0
X = np.array([0.4, -0.7, 1.3])
CASES = [
    (mul_wide, X),
    (div_wide, X + 3.0),
    (scale_wide, 0.6),
    (add_wide, X),
    (mixed, X),
    (stored, X),
]


@pytest.mark.parametrize(("func", "x"), CASES, ids=[c[0].__name__ for c in CASES])
def test_jvp_against_differences_and_reverse(func, x):
    v = np.ones_like(x) * 0.7 if isinstance(x, np.ndarray) else 0.7
    value, tangent = srcdiff.jvp(func, (x, Y), (v, None))
    assert_close(value, func(x, Y), rtol=1e-12)
    want = fd_directional(func, (x, Y), (v, np.zeros_like(Y)))
    assert_close(tangent, want, rtol=1e-6, atol=1e-8)
    forward = srcdiff.grad(func, mode="forward")(x, Y)
    reverse = srcdiff.grad(func)(x, Y)
    assert_close(forward, reverse, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("func", "x"), CASES[:3], ids=[c[0].__name__ for c in CASES[:3]])
def test_products_need_no_broadcast(func, x):
    code = srcdiff.source(func, mode="forward", at=(x, Y))
    assert "broadcast_like" not in code


def test_sums_still_broadcast():
    code = srcdiff.source(add_wide, mode="forward", at=(X, Y))
    assert "broadcast_like" in code
    tangent = srcdiff.jvp(add_wide, (X, Y), (np.ones(3), None))[1]
    assert_close(tangent, fd_directional(add_wide, (X, Y), (np.ones(3), np.zeros_like(Y))), 1e-6)


@pytest.mark.parametrize(("func", "x"), CASES, ids=[c[0].__name__ for c in CASES])
def test_hessian_against_differences(func, x):
    h = srcdiff.hessian(func)(x, Y)
    x = np.asarray(x, dtype=float)
    eps = 1e-5
    rows = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        g = srcdiff.grad(func)
        rows.append((np.asarray(g(x + e, Y)) - np.asarray(g(x - e, Y))) / (2 * eps))
    want = np.array(rows).reshape(h.shape)
    assert_close(h, want, rtol=1e-5, atol=1e-6)

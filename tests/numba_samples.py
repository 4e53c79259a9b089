"""Functions for tests/test_numba_forms.py (in a file: srcdiff reads their source)."""

import math

import numpy as np


def looped(x, w):
    for _ in range(3):
        x = np.sin(x) * w
    return np.sum(x)


def bias(x, b):
    return np.sum(np.tanh(x + b) * x)


def masked(x):
    return np.sum(x[x > 0.0]) * np.sum(x)


def helper(a, b):
    a = np.tanh(a) * b
    return np.sum(a * a)


def calls(x, w):
    return helper(x, w) + helper(w, x)


def listed(x, xs):
    s = x
    for v in xs:
        s = s * v + math.log(x * x + 2.0, 2.0)
    return s + math.sqrt(x * x + 1.0)


def cube_root(x):
    return math.cbrt(x * x + 1.0) * x  # math.cbrt: Python 3.11 on


def cube_root_np(x):
    return np.cbrt(x * x + 1.0) * x


# -- array functions whose generic code calls runtime helpers with Numba forms ----------------
# (tests/test_numba_build.py builds them with --backend numba; test_numba_forms.py runs them)


def mlp(W1, b1, W2, x):
    h = np.tanh(W1 @ x + b1)
    return np.sum((W2 @ h) ** 2)


def logistic(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def vector_products(v, w, A):
    return np.sin(v @ w) + np.sum(np.cos(v @ A)) + np.sum((A @ w[:3]) ** 2)


def whole_reductions(x):
    return np.prod(x) + np.std(x) * x[0] + np.linalg.norm(x) * x[1]


def clipped(x, lo, hi):
    return np.sum(np.clip(x, lo, hi) * x) + np.sum(np.clip(x, -0.5, None) ** 2)


def axis_reductions(M):
    return (
        np.sum(np.mean(M, axis=0) ** 2)
        + np.sum(np.max(M, axis=1) * 2.0)
        - np.sum(np.min(M, axis=-1) ** 2)
    )


def matrix_norm(M):
    return np.linalg.norm(M, ord=1) * 2.0


def prod_over_axis(M):
    return np.sum(np.prod(M, axis=0))


def cumulative(x):
    return np.sum(np.cumsum(x) ** 2)

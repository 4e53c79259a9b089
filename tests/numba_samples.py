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

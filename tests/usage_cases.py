"""Functions whose parameters are used in telling ways, for tests/test_usage.py."""

import math

import numpy as np


def len_is_not_a_count(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i]
    return s


def through_a_local(x, n):
    m = n - 1
    h = x + 1.0
    s = 0.0
    for i in range(m):
        s = s + np.sum(h[1:]) * i
    return s


def math_wins(x, y):
    return math.sin(x) + np.exp(x) * y


def methods_and_attributes(a, b, c, k):
    return a.sum(axis=k) + b.T[0, 0] + np.float64(c)


def zeros_shape(x, n):
    return np.sum(np.zeros(n) + x)


def plain(x, y):
    return x * y + 1.0


def condition(x, w):
    if x > 0:
        return np.sum(w) * x
    return 0.0


def annotated(x: float, v: np.ndarray, n: int, items: list):
    return x


def _first_two(v):
    return v[0] * v[1]


def display_to_an_indexing_helper(x, y):
    # (x and y were assumed arrays, "indexed in _first_two()": the list is indexed, not them)
    return _first_two([x, y]) + _first_two((y, x * y))

"""Functions of integers and counts, for tests/test_integers.py."""

import numpy as np


def seed(x, y):
    return x**2 * y + y + 2


def power_loop(x, n):
    s = x
    for _ in range(n):
        s = s * x
    return s


def exponent(x, n):
    return x**n


def repeat_via_helper(x, n):
    return power_loop(x, n) + 1.0


def hidden_count(x, n):
    s = 0.0
    for i in range(min(n, 5)):
        s = s + x * i
    return s


def annotated(x, n: int):
    return x * 2.0 + n


def int_default(x, k=2):
    return x * k


def index_and_shape(w, i, n):
    return np.sum(w[i] * np.ones(n))


def weighted(w, idx):
    return np.sum(w[idx] ** 2)

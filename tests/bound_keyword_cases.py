"""Functions for tests/test_bound_keywords.py: partials binding keywords, a method, and
tests (any/all/isinstance) that generated code keeps for a Hessian's second pass."""

import numpy as np


def scaled_cos(x, s):
    return np.sum(np.cos(x) * s)


def weighted(x, y, w=1.0, shift=0.0):
    return np.sum(w * x * x * y) + shift * np.sum(y)


class Spring:
    def __init__(self, k):
        self.k = k

    def energy(self, x, c):
        return np.sum(self.k * x**2 * c)


def flag_stored(x):
    big = any(v > 2.0 for v in x) or all(v > -5.0 for v in x)
    if big:
        return np.sum(x**3)
    return np.sum(x)


def branch_on_type(x):
    if isinstance(x, np.ndarray):
        return np.sum(np.sin(x) * x)
    return x * 2.0

"""Functions for tests/test_runtime_checks.py: an index assignment whose index may repeat
(only the values can tell), and the rewrite its hint asks for."""

import numpy as np


def scatter(x, idx):
    y = np.zeros(3)
    y[idx] = x * 2.0
    return np.sum(y * y)


def scatter_accumulated(x, idx):
    y = np.zeros(3)
    for k in range(len(idx)):
        y[idx[k]] += x[k] * 2.0
    return np.sum(y * y)

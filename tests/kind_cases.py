import numpy as np


def total(x):
    return np.sum(x * x)


def per_column(x, w):
    return np.sum(np.sum(x * x, axis=0) * w)


def same_shapes(x):
    z = np.sin(x) * x + 2.0 * x
    return np.sum(z * z)


def may_broadcast(x, y):
    return np.sum(np.sin(x) * y)


def column_sums(x):
    return np.sum(x * x, axis=0)


def broadcast_row(x, b):
    return np.sum((x + b) ** 2)


def shifted(x):
    return np.sum(x[1:] * x[:-1])


def gather_twice(x, idx):
    return np.sum(x[idx] ** 2)

"""A function whose gradient code unpacks a one-element sequence (`g2, = asarray_vjp(...)`),
so differentiating that code again must keep the unpacking (tests/test_higher_order.py)."""

import numpy as np


def shifted_mean(x):
    v = x[3]
    x = x + np.concatenate([np.array([v * v]), np.arange(3.0)])
    return np.mean(x * x)

"""Functions for test_zip_spread.py: `for a, b in zip(*seq)`, as autograd's gmm example
walks `zip(*unpack_params(params))`."""

import numpy as np


def unpack_params(w):
    return w[:3], 2.0 * w[3:6], np.exp(w[6:9])


def gmm_like(w):
    t = 0.0
    for lp, mean, sd in zip(*unpack_params(w)):
        t = t + lp * np.tanh(mean) / sd
    return t


def named_rows(w):
    t = 0.0
    rows = [w[:3], w[3:6]]
    for a, b in zip(*rows):
        t = t + a * b
    return t


def displayed(w):
    t = 0.0
    for a, b in zip(*[w[:2], w[2:4] ** 2]):
        t = t + a * b
    return t


def enumerated(w):
    t = 0.0
    for i, (a, b) in enumerate(zip(*unpack_params(w)[:2])):
        t = t + a * b * i
    return t


def generator(w):
    return sum(a * np.sin(b) for a, b in zip(*[w[:4], w[4:8]]))


def too_many_rows(w):
    t = 0.0
    rows = [w[:3], w[3:6], w[6:9]]
    for a, b in zip(*rows):  # each item has 3 values: Python raises
        t = t + a * b
    return t

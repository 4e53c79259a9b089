"""Helpers in a module of their own, called from tests/cf_cases.py."""

import math


def smooth(x):
    return math.tanh(x) * x


def inner(x, k=3.0):
    return x**2 * k


def nested(x):
    return smooth(x) * 2.0 + inner(x)


def weighted_sum(xs, w):
    s = 0.0
    for v in xs:
        s += v * w
    return s


def clamp_sq(x, lo, hi):
    if x < lo:
        return lo * lo
    if x > hi:
        return hi * hi
    return x * x

"""Functions outside symbolic mode's subset, for tests/test_symbolic_code.py: each
refused with a NotSymbolicError naming the construct (its line is marked `# here`)."""

import math

import numpy as np


def while_loop(x):
    while x < 10.0:  # here
        x = x * 2
    return x


def counted_by_argument(x, n):
    s = 0.0
    for _ in range(n):  # here
        s = s + x
    return s


def numpy_call(x):
    return np.sin(x) + x  # here


def too_long(x):
    s = 0.0
    for i in range(100):  # here
        s = s + x * i
    return s


def no_symbolic_form(x):
    return math.copysign(x, 1.0)  # here


def remainder(x):
    return x % 2.0  # here


def truth_of_a_number(x):
    if x:  # here
        return x
    return -x


def leaves_early(x):
    s = x
    for _ in range(5):  # here
        if s > 3.0:
            break
        s = s * 2
    return s


def endless(x):
    return x if x < 0.0 else endless(x - 1.0)  # here


def returns_pair(x):  # here
    return x, x * 2

"""Functions for tests/test_shared_arguments.py: a helper that changes one argument in
place, given the same value twice, and the rewrite the refusal's hint asks for."""

import math

import numpy as np


def scale_into(a, b):
    a *= 2.0
    return np.sum(a * b)


def same_array_twice(w):
    return scale_into(w, w)


def same_array_twice_followed(w):  # "pass a copy to one of them, e.g. a=np.copy(w)"
    return scale_into(a=np.copy(w), b=w)


def bump(a0, a1):
    a1 -= 1.5 ** math.tanh(-a1)
    return a0 * a1


def same_number_twice(x0, x1):
    """x0 an element of an array of unknown rank, which srcdiff takes may be an array."""
    x0 = np.array([x0, x1])[0]
    return bump(x0, x0) * x1


def same_number_twice_followed(x0, x1):
    x0 = np.array([x0, x1])[0]
    return bump(x0, a1=np.copy(x0)) * x1


def number_from_a_list_twice(x0, x1):
    """x0 read back from a list built by append, of numbers only: a number (fuzz seed
    9450030), so `bump(x0, x0)` changes nothing the caller sees and is not refused."""
    i1 = [0.5]
    i1.extend([bump(x0, x0), x1 - 1.0])
    v3 = i1[-1] * i1[0]
    x0 = (abs(v3) + 0.5) ** 1.5
    return bump(x0, x0) * x1

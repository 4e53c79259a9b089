"""Functions for test_unpack_lengths.py: every form of unpacking srcdiff reads by index
(a name of a list, tuple or array; a helper's list result; nested; loop targets), each
once with the right number of names and once with the wrong one (Python raises)."""

import numpy as np


def listed(x):
    xs = [x, 2 * x, 3 * x]
    a, b, c = xs
    return a * b * c


def listed_short(x):
    xs = [x, 2 * x, 3 * x]
    a, b = xs
    return a * b


def tupled_short(x):
    xs = (x, 2 * x, 3 * x)
    a, b = xs
    return a * b


def array_rows(v):
    a, b, c = v
    return a * b * c


def array_rows_short(v):
    a, b = v
    return a * b


def made_array_short(x):
    arr = np.array([x, 2 * x, 3 * x])
    a, b = arr
    return a * b


def three_as_list(x):
    return [x, 2 * x, 3 * x]


def helper_list(x):
    a, b, c = three_as_list(x)
    return a * b * c


def helper_list_short(x):
    a, b = three_as_list(x)
    return a * b


def three_as_tuple(x):
    return x, 2 * x, 3 * x


def helper_tuple_short(x):
    a, b = three_as_tuple(x)
    return a * b


def nested(x):
    ys = [x, 2 * x]
    (a, b), c = ys, x
    return a * b * c


def nested_short(x):
    ys = [x, 2 * x, 3 * x]
    (a, b), c = ys, x
    return a * b * c


def rows_loop(m):
    t = 0.0
    for a, b in m:
        t = t + a * b
    return t


def rows_loop_short(m):
    t = 0.0
    for a, b in m:  # m has three columns: Python raises
        t = t + a * b
    return t


def pair_list(v):
    return [v[0] * v[1], v[2]]


def helper_list_rebinds(v):
    # a and b hold values the backward sweep of `s = a * b` reads when `a, b = h(v)` of a
    # helper's list rebinds them: only b was restored (a was taken for a temporary)
    a, b = v[0], v[1] * 0.5
    s = a * b
    a, b = pair_list(v)
    return s + a * b

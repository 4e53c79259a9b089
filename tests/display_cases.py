"""Functions for tests/test_list_displays.py: displays joined with `+` and list displays
with starred items (compiler/displays.py), each of which was refused before."""

import numpy as np


def joined_tuple_displays(a, b):
    t = (a, b) + (a * b,)
    return t[0] * t[2] + t[1]


def joined_list_displays(a, b):
    ys = [a, 2 * b] + [a * a] + [np.sin(b)]
    return ys[0] * ys[2] + ys[1] * ys[3]


def joined_displays_in_an_expression(a, b):
    return np.sum(np.array([a, b] + [a * b]) ** 2)


def starred_in_a_display(a, b):
    xs = [a, b]
    ys = [*xs[:1], a * b, *xs[1:]]
    return ys[0] * ys[1] + ys[2] * 2.0


def extended_by_a_starred_display(a, b):
    ys = [a * b, b]
    s = [a]
    s.extend([b, *ys])
    return s[0] * s[1] + s[2] * s[3]


def extended_by_itself_starred(a, b):
    """`s.extend([*s, c])` builds the display first: s doubles once, then gains c."""
    s = [a, 2 * b]
    s.extend([*s, a * b])
    return s[0] * s[2] + s[3] * s[4] + len(s) * s[1]


def starred_array_rows(a, b):
    zs = np.array([a, 2 * b])
    s = [a * a]
    s.extend([*zs, 3.0])
    return s[0] * s[2] + s[1] * s[3]


def starred_list_of_arrays(a, b):
    ws = [np.array([a, 2.0]), np.array([a * b, b])]
    s = [*ws, np.ones(2) * b]
    return np.sum(s[0] * s[2]) + np.sum(s[1] ** 2)


def starred_in_a_loop(a, b):
    out = [a]
    for k in range(3):
        out.extend([*out[-1:], out[-1] * b + k])
    return out[-1] + out[2] * a

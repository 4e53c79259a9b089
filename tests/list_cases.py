"""Lists as values (tests/test_list_values.py): built with append and extend, read by
index, slice, len and loops, popped, made by list comprehensions, lists of arrays."""

from __future__ import annotations

import numpy as np


def read_between_appends(x):
    acc = []
    acc.append(x)
    y = acc[-1] * 2  # read while acc has one item: acc[-1] is x
    acc.append(x**2)
    return y + acc[1] * 3


def recurrence(x):
    xs = [x]
    for _ in range(4):
        xs.append(xs[-1] * x + 0.5)
    return xs[-1] + sum(xs[1:])


def appended_then_sliced(x):
    acc = []
    for i in range(3):
        acc.append(x * i)
    return sum(acc[1:]) + len(acc) * acc[-1]


def extend_pop_index(x):
    acc = []
    for i in range(3):
        acc.append(x * i)
    acc.extend([x**2, x**3])
    last = acc.pop()
    return sum(acc[1:]) + last * len(acc) + acc[-1]


def list_comp_powers(x):
    ps = [x**k for k in range(4)]
    return ps[1] * ps[3] + ps[-1] + len(ps)


def list_of_arrays(w):
    out = []
    for k in range(3):
        out.append(np.sin(w * k))
    out.extend([w**2])
    last = out.pop()
    return np.sum(out[-1] * last) + np.sum(np.array([np.sum(v) for v in out]))


def comp_of_arrays(w):
    rows = [np.sin(w * k) for k in range(3) if k != 1]
    return np.sum(np.array([np.sum(r) for r in rows]) ** 2) + np.sum(rows[0] * rows[-1])


def array_of_scalars(x, y):
    v = np.array([x, y, x * y])
    return np.sum(v**2)


def stack_only(x):
    s = []
    for i in range(3):
        s.append(x * (i + 1))
    total = 0.0
    for _ in range(3):
        v = s.pop()
        total = total * x + v
    return total


def _first_sq(xs):
    return xs[0] * xs[0] + xs[1]


def helper_reads_appended(w):
    # the list built by append is passed to a helper that reads it by index
    items = []
    items.append(w * 2.0)
    items.append(np.sin(w))
    return np.sum(_first_sq(items))


def helper_reads_a_copy(w):
    # the rewrite the refusal of helper_reads_appended suggests
    items = []
    items.append(w * 2.0)
    items.append(np.sin(w))
    return np.sum(_first_sq(items[:]))

"""Functions for tests/test_list_edits.py: lists the function builds, changed in place
(compiler/list_edits.py), and np.add.at / np.subtract.at."""

import numpy as np


def set_item(x, y):
    xs = [x, y, x * y]
    xs[1] = xs[0] * 3.0
    return xs[0] * xs[1] + xs[2]


def add_to_item(x, y):
    xs = [x, y]
    xs[0] += y * 2.0
    xs[-1] *= xs[0]
    return xs[0] * xs[1]


def set_items_in_a_loop(x, y):
    xs = [x, y, x * y]
    for k in range(3):
        xs[k] = xs[k - 1] * 3.0 + xs[k]
    xs.append(x * 2.0)
    return xs[0] * xs[1] + xs[2] * xs[3]


def insert_items(x, y):
    xs = [x, y]
    xs.insert(1, x * y)
    xs.insert(-1, y * y)
    xs.insert(10, x)  # past the end: appended
    return xs[0] * xs[1] + xs[2] * xs[3] + xs[4] ** 3


def sort_numbers(x, y):
    xs = [x, y, 0.5, x * y]
    xs.sort()
    ys = [x * 2.0, y]
    ys.sort(reverse=True)
    return xs[0] * 3.0 + xs[1] * 2.0 + xs[2] + xs[3] ** 2 + ys[0] * ys[1] ** 2


def reverse_and_clear(x, y):
    xs = [x, y * 2.0]
    for k in range(3):
        xs.reverse()
        xs[0] = xs[0] * 1.5
    total = xs[0] * 3.0 + xs[1]
    xs.clear()
    xs.append(x * y)
    return total + xs[0]


def delete_items(x, y):
    xs = [x, y, x * y, y * 3.0]
    del xs[1]
    del xs[-1]
    return xs[0] * xs[1]


def _scaled_copy(x, w):
    ws = [w, w * 2.0, x]
    ws[2] = ws[0] * x
    ws.sort()
    return ws[0] + ws[1] * ws[2]


def in_a_helper(x, y):
    return _scaled_copy(x, y) * _scaled_copy(y, x)


def array_items(a, s):
    rows = [a, a * s]
    rows[0] = np.sin(rows[1])
    rows.insert(0, a * a)
    return np.sum(rows[0] * rows[1] + rows[2])


def add_at(a, s):
    out = np.zeros(3)
    np.add.at(out, [0, 1, 0], a * s)
    return np.sum(out * out) * s


def subtract_at(a, s):
    b = a * 1.0
    np.subtract.at(b, [2, 2, 0], s)
    return np.sum(b * b)


def add_at_in_a_loop(a, s):
    out = a * 0.5
    for k in range(2):
        np.add.at(out, np.array([k, 0]), out[1:] * s)
    return np.sum(out**2)


def insert_in_a_loop_over_a_copy(x, y):
    """Inserts in a loop whose backward sweep holds the list's adjoint as a list
    (`runtime.like`): rows_without takes either (indexing a list by an array crashed)."""
    xs = [x, y]
    total = 0.0
    for v in list(xs):
        xs.insert(0, v * 2.0)
        total = total + v
    return total * xs[0] + xs[1]


def copy_before_the_change(x, y):
    """The refusal's hint for `ys = xs` followed: ys = list(xs)."""
    xs = [x, y]
    ys = list(xs)
    xs[0] = y * 3.0
    return ys[0] * x + xs[0]


def array_parameter_copy(xs, y):
    """The refusal's hint for a list parameter changed in place followed."""
    xs = np.array(xs, float)
    xs[0] = y * 2.0
    return xs[0] * xs[1]


def filled_in_a_loop(x, y):
    """`[0.0] * n` then filled by index: built by appends (a comprehension)."""
    xs = [0.0] * 3
    for i in range(3):
        xs[i] = x * (i + 1.0) + y * xs[i - 1]
    return xs[0] * xs[1] + xs[2]


def sorted_copy(x, y):
    xs = [x, y, 0.5, x * y]
    ys = sorted(xs)
    zs = sorted([y, x * 2.0], reverse=True)
    return ys[0] * 3.0 + ys[1] + ys[-1] ** 2 + zs[0] * zs[1] ** 2 + xs[0]


def copies_changed(x, y):
    """A slice and a `.copy()` of a list built here are new lists: changed, the original
    keeps its items (`.copy()` of a list had no rule)."""
    xs = [x, y, x * y]
    ys = xs[:]
    ys[0] = y * 3.0
    zs = xs.copy()
    zs.sort()
    ws = xs[1:]
    ws.insert(0, x)
    return ys[0] * xs[0] + zs[0] + ys[2] + ws[0] * ws[1]


def read_by_a_closure(x, y):
    """A local function reads the list when called (inlined there): it sees the change."""
    xs = [x, y]

    def first():
        return xs[0]

    a = first()
    xs[0] = y * 3.0
    return first() * a


# -- left refused: the list may be held elsewhere when it changes ------------------------


def aliased(x, y):
    xs = [x, y]
    ys = xs
    xs[0] = y * 3.0
    return ys[0] * x


def parameter(xs, y):
    xs[0] = y * 2.0
    return xs[0] * xs[1]


def walked_while_changed(x, y):
    xs = [x, y]
    total = 0.0
    for v in xs:
        xs.insert(0, v * 2.0)
        total = total + v
        if len(xs) > 4:
            break
    return total * xs[0]


def held_in_a_container(x, y):
    xs = [x, y]
    zs = [xs]
    xs[0] = y * 3.0
    return zs[0][0] * x


def _same(a):
    return a


def held_by_a_helper(x, y):
    xs = [x, y]
    zs = _same(xs)
    xs[0] = y * 3.0
    return zs[0] * x


def added_to_an_array_item(a, y):
    """Python's `+=` changes the array item itself, which `a` is too."""
    rows = [a, a * y]
    rows[0] += y
    return np.sum(a * rows[0])


def returned_by_a_closure(x, y):
    xs = [x, y]
    get = lambda: xs  # noqa: E731
    ys = get()
    xs[0] = y * 3.0
    return ys[0] * x


def held_through_or(x, k):
    """`jdx = idx or [2]` is idx itself: the change shows through jdx (an inactive list
    of indices, whose `or` nothing else refuses)."""
    idx = [0, 1]
    jdx = idx or [2]
    idx[0] = 1
    return x[jdx[0]] * x[idx[1]] * k


def fill_diagonal_of_a_product(a, s):
    m = np.outer(a, a) + s
    np.fill_diagonal(m, s * a)
    return np.sum(np.sin(m) * m)


def fill_diagonal_wrapped(a, s):
    m = np.tanh(np.outer(np.concatenate([a, a, a]), a))
    np.fill_diagonal(m, s, wrap=True)
    return np.sum(m * m * np.arange(m.size).reshape(m.shape))


def fill_diagonal_of_a_parameter(m, s):
    np.fill_diagonal(m, s)
    return np.sum(m**3)


def fill_diagonal_of_a_copy(m, s):  # fill_diagonal_of_a_parameter's hint followed
    m = m.copy()
    np.fill_diagonal(m, s)
    return np.sum(m**3)

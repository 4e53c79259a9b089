"""Functions for tests/test_list_items.py: what is read back out of a list built by
append is what was put in (numbers stay numbers, arrays stay arrays), and `pop(i)`."""

import numpy as np


def numbers_appended(x, y):
    xs = []
    xs.append(x * 2.0)
    xs.append(y)
    v = xs[0] * xs[-1]
    return v * x + xs.pop() * y


def numbers_appended_in_a_loop(x):
    xs = [x]
    for i in range(3):
        xs.append(xs[-1] * 0.5 + i)
    total = 0.0
    while xs:
        total = total + xs.pop() ** 2
    return total


def arrays_sliced_then_indexed(x):
    """`ys = xs[1:]` of a list of arrays: ys[0] is an array (it was taken for a number:
    np.full_like(x, ys[0]), a silent wrong gradient)."""
    xs = []
    xs.append(np.sin(x))
    xs.append(x * 2.0)
    ys = xs[1:]
    return np.sum(ys[0] * x)


def _first_times(xs, w):
    return np.sum(xs[0] * w)


def arrays_copied_to_a_helper(x):
    """`h(xs[:], x)` of a list of arrays: the helper's xs[0] is an array (it was taken
    for a number: a silent wrong gradient in reverse mode)."""
    xs = []
    xs.append(np.sin(x))
    xs.append(x * 2.0)
    return _first_times(xs[:], x)


def numbers_and_arrays(x, s):
    xs = []
    xs.append(s * 3.0)
    xs.append(np.cos(x))
    return np.sum(xs[0] * xs[1] * x) + xs[0] * s


def two_pops_in_one_expression(x, y):
    """Lifted out in the order Python runs them: the last item first."""
    xs = []
    xs.append(x * 3.0)
    xs.append(y * y)
    return (xs.pop() - 2.0 * xs.pop()) * x


def queue(x):
    """A queue: `pop(0)` takes the oldest item, appends refill it."""
    xs = [x, 2.0 * x, 3.0 * x]
    total = 0.0
    k = 0
    while len(xs) > 0 and k < 8:
        v = xs.pop(0)
        total = total + v * v
        k = k + 1
        if k < 4:
            xs.append(v * 0.5)
    return total


def pops_at_indices(x):
    """pop at a computed index (which reads the list it changes), a dropped pop(0), a
    negative index."""
    xs = []
    for i in range(4):
        xs.append(x * (i + 1.0))
    a = xs.pop(len(xs) - 3)
    xs.pop(0)
    b = xs.pop(-1)
    return a * b + xs[0] * x


def pop_at_a_variable(x, y):
    xs = [x, y]
    xs.append(x * y)
    i = 1
    a = xs.pop(i)
    i = 0
    b = xs.pop(i)
    return a * b * xs[0]


def arrays_popped_at_indices(x):
    xs = []
    for i in range(5):
        xs.append(np.sin(x * i))
    total = 0.0
    for j in range(3):
        v = xs.pop(j)
        total = total + np.sum(v * x)
    return total + np.sum(xs[-1])

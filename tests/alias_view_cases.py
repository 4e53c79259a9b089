"""A view changed in place while its base is read (tests/test_aliasing_hints.py): refused,
and the refusals' advice, followed."""

import numpy as np


def view_scaled(x):
    y = x.copy()
    v = y[1:3]
    v *= 3.0
    return np.sum(y**2)


def view_scaled_advice(x):  # "change y itself"
    y = x.copy()
    y[1:3] *= 3.0
    return np.sum(y**2)


def view_scaled_copied(x):  # "or copy the view"
    y = x.copy()
    v = y[1:3].copy()
    v *= 3.0
    return np.sum(y**2) + np.sum(v)


def view_filled(x):
    y = np.zeros(4)
    v = y[::2]
    v[:] = x[:2]
    return np.sum(y * x)


def view_filled_advice(x):  # "assign into y itself"
    y = np.zeros(4)
    y[::2] = x[:2]
    return np.sum(y * x)


def _scale_tail(a, k):
    a[1:] *= k


def helper_scales_in_place(x):
    """The helper changes its argument for the caller to see."""
    y = x * 1.0
    _scale_tail(y, 2.0)
    return np.sum(y**2)


def _scale_tail_returned(a, k):
    a = a.copy()
    a[1:] *= k
    return a


def helper_scales_in_place_advice(x):
    y = x * 1.0
    y = _scale_tail_returned(y, 2.0)
    return np.sum(y**2)


def reshaped_filled(x):
    """A view by a method (not an index) of an array the function made: making y a copy
    again was the advice (`y = x.copy().copy()`), and following it changed nothing."""
    y = x.copy()
    z = y.reshape(2, 2)
    z[0] = 5.0
    return np.sum(y * x)


def reshaped_filled_advice(x):  # "change y itself, at the positions z views"
    y = x.copy()
    y[:2] = 5.0
    return np.sum(y * x)


def reshaped_filled_copied(x):  # "or copy the view"
    y = x.copy()
    z = y.reshape(2, 2).copy()
    z[0] = 5.0
    return np.sum(y * x) + np.sum(z * z)


def transposed_scaled(x):
    y = np.outer(x, x)
    t = y.T
    t *= 2.0
    return np.sum(y)


def list_argument_assigned(xs):
    """Index assignment into a list argument: the advice was `xs = xs.copy()`, which is
    refused in turn (no rule for a list's .copy(), and srcdiff assigns into arrays only)."""
    xs[0] = xs[0] * 2.0
    return xs[0] * xs[1]


def list_argument_assigned_advice(xs):  # "work on a copy: xs = np.array(xs, float)"
    xs = np.array(xs, float)
    xs[0] = xs[0] * 2.0
    return xs[0] * xs[1]


def list_argument_assigned_through_a_copy(xs):
    ys = list(xs)
    ys[1] = ys[0] - ys[1]
    return ys[0] * ys[1]


def list_argument_assigned_through_a_copy_advice(xs):  # "ys = np.array(xs, float)"
    ys = np.array(xs, float)
    ys[1] = ys[0] - ys[1]
    return ys[0] * ys[1]


# -- a `for` loop walking the array its body changes in place (fuzz seed 9760046) ----------
# Python's loop sees each change; the old hint, `x = x * ...`, walked the old array.


def walked_scaled(x):
    y = x * 1.0
    for v in y:
        y *= np.tanh(y - v) + 1.5
    return np.sum(y)


def walked_scaled_by_index(x):  # "walk y as it changes"
    y = x * 1.0
    for k in range(len(y)):
        v = y[k]
        y *= np.tanh(y - v) + 1.5
    return np.sum(y)


def walked_scaled_copy(x):  # "the values y had before the loop"
    y = x * 1.0
    for v in y.copy():
        y *= np.tanh(y - v) + 1.5
    return np.sum(y)


def walked_enumerated(x):
    y = x * 1.0
    for i, v in enumerate(y):
        y += v * x[i]
    return np.sum(y * y)


def walked_enumerated_by_index(x):
    y = x * 1.0
    for i in range(len(y)):
        v = y[i]
        y += v * x[i]
    return np.sum(y * y)


# -- an alias read after the change, meant to see it (fuzz seed 9770472) -------------------
# The hint offered only other functions (a new array, a copy): now also the one name.


def alias_of_argument_scaled(x, s):
    v = x
    for _ in range(3):
        v *= np.tanh(s / (s * s + 0.5))
    return np.mean(np.sin(x))


def alias_of_argument_scaled_advice(x, s):  # "change x itself and read x"
    for _ in range(3):
        x *= np.tanh(s / (s * s + 0.5))
    return np.mean(np.sin(x))


def row_view_then_scaled(x, s):
    y = np.ones((3, 2)) * x[0]
    z = y[0]
    y *= s
    return np.sum(z * x[1]) + np.sum(y)


def row_view_then_scaled_advice(x, s):  # "read y[0] where you read z"
    y = np.ones((3, 2)) * x[0]
    y *= s
    return np.sum(y[0] * x[1]) + np.sum(y)


def list_argument_assigned_through_a_copy_made_an_array(xs):  # "ys_array = np.array(ys...)"
    ys = list(xs)
    ys_array = np.array(ys, float)
    ys_array[1] = ys_array[0] - ys_array[1]
    return ys_array[0] * ys_array[1]

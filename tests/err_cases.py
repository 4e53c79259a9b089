"""Functions srcdiff must refuse, for tests/test_errors.py.

Each offending construct is on a line of its own; the tests find that line
by its text, so this file can be edited freely.
"""

import contextlib
import math
import time

import numpy as np

import srcdiff

G = 1.0


def uses_yield(x):
    y = x * 2.0
    yield y


def uses_yield_from(x):
    y = x * 2.0
    yield from [y]


def uses_try(x):
    y = x * 2.0
    try:
        y = y * x
    except ValueError:
        y = 0.0
    return y


def uses_with(x):
    y = x * 2.0
    with contextlib.nullcontext():
        y = y * x
    return y


def uses_class(x):
    class Box:
        pass

    return x * 2.0


def uses_global(x):
    global G
    G = x * 2.0
    return G * x


def uses_nonlocal_like_nested_def(x):  # (defined in a block: not inlined)
    if x > 0:

        def inner(t):
            return t * x

    return inner(x)


def uses_lambda(x):  # (a default is evaluated at definition: not inlined)
    f = lambda t, c=2.0: t * c * x  # noqa: E731
    return f(x)


def uses_lambda_argument(x):
    return max(x, 1.0, key=lambda v: -v)


def uses_ulp(x):
    y = x * 2.0
    return math.ulp(y) + x


def uses_nextafter(x):
    return x * math.nextafter(x, 0.0)


def uses_ulp_inactive(x):
    return x * math.ulp(3.5)


def uses_time_inactive(x):
    t = time.time()
    return x * t


def uses_time_active(x):
    t = time.time()
    return x * time.localtime(x).tm_year + t * 0.0


def uses_del(x):  # (`del y` of a name is dropped: it only frees memory)
    ys = [x * 2.0, x]
    del ys[:1]  # (`del ys[0]` is differentiated: compiler/list_edits.py; a slice is not)
    return ys[0]


def uses_del_hint_followed(x):
    ys = [x * 2.0, x]
    ys.pop(0)
    return ys[0]


def uses_del_of_names(x):
    y = x * 2.0
    z = y * y
    del y
    return z


def uses_import(x):
    import os

    return x * len(os.sep)


def uses_walrus(x):  # (in a `while` test: it runs again each time round)
    while (x := x * 2.0) < 10.0:
        pass
    return x


def uses_varargs(x, *rest):
    return x * 2.0


def uses_loop_else(x):
    for i in range(3):
        x = x * 2.0
    else:
        x = x + 1.0
    return x


def uses_append(x):
    ys = [1.0]
    ys.append(x)
    return ys[0] * ys[1]


def uses_match(x):
    match x:
        case 1.0:
            return x
    return x * 2.0


def two_params(x, y):
    return x * y


def one_string(s, x):
    return x * 2.0


def h_ulp(a):
    b = a + 1.0
    return math.ulp(b) * a


def uses_helper_ulp(x):
    return h_ulp(x * 2.0) + x


def h_try(a):
    try:
        a = a * 2.0
    except ValueError:
        pass
    return a


def uses_helper_try(x):
    return h_try(x) * x


def returns_a_list(x):
    return [x * 2.0]


def returns_a_string(x):
    y = x * 2.0
    return "done" if y > 0 else "no"


def plots_while_computing(x, ax):
    y = x * x
    ax.plot(y)
    return y


def calls_back_while_computing(x, callback):
    y = x * x
    callback(y)
    return y


def plots_a_stopped_value(x, ax):
    y = x * x
    ax.plot(srcdiff.stop_gradient(y))
    return y


def calls_back_with_a_stopped_value(x, callback):
    y = x * x
    callback(srcdiff.stop_gradient(y))
    return y


class Recorder:
    """An `ax` whose plot() keeps what it was given."""

    def __init__(self):
        self.seen = []

    def plot(self, value):
        self.seen.append(value)


def copies_into_an_array(x):
    y = x * 0.0
    np.copyto(y, x * 2.0)
    return np.sum(y * y)


def copies_by_assignment(x):  # copies_into_an_array's hint followed
    y = x * 0.0
    y[...] = x * 2.0
    return np.sum(y * y)


def walks_indices(x, ks):
    s = 0.0
    for k in ks:
        s = s + x[k] ** 2
    return s


def tests_membership(x, ks):
    s = 0.0
    for i in range(3):
        if i in ks:
            s = s + x[i] ** 2
    return s

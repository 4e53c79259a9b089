"""Functions for tests/test_list_hints.py: lists changed or joined in ways srcdiff
refuses, and the rewrites their hints ask for."""

import numpy as np


def inserted(x):
    ys = [x, 2 * x]
    ys.insert(0, x * x)
    return ys[0] * ys[1] + ys[2]


def inserted_followed(x):  # "build the list in order with ys.append(y)"
    ys = [x * x]
    for v in [x, 2 * x]:
        ys.append(v)
    return ys[0] * ys[1] + ys[2]


def joined(x):
    ys = [x]
    for i in range(3):
        ys = ys + [x * i]
    return ys[0] * ys[3] + ys[2]


def joined_followed(x):  # "build it in order with ys.append(y)"
    ys = [x]
    for i in range(3):
        ys.append(x * i)
    return ys[0] * ys[3] + ys[2]


def joined_displays(x):
    ys = [x, 2 * x] + [x * x]
    return ys[0] * ys[2] + ys[1]


def joined_displays_followed(x):  # "write the list out ([a, b, c])"
    ys = [x, 2 * x, x * x]
    return ys[0] * ys[2] + ys[1]


def joined_tuples(x):
    t = (x, x * x)
    u = t + (3.0 * x,)
    return u[0] * u[2] + u[1]


def joined_tuples_followed(x):  # "write the result out ((t[0], t[1], c) for a tuple t)"
    t = (x, x * x)
    u = (t[0], t[1], 3.0 * x)
    return u[0] * u[2] + u[1]


def rebound_as_an_array(x):
    """A list, then an array under the same name: reverse mode crashed ("'numpy.ndarray'
    object has no attribute 'pop'": one adjoint, a list and an array), or `ys.append`
    was refused with the hint to build the list with append."""
    zs = []
    zs.append(x)
    zs.append(x * x)
    ys = zs
    ys = np.array(ys, float)
    return ys[0] * ys[1]


def rebound_as_an_array_followed(x):  # "give it a name of its own"
    zs = []
    zs.append(x)
    zs.append(x * x)
    ys = zs
    ys_array = np.array(ys, float)
    return ys_array[0] * ys_array[1]


def comprehension_rebound_as_an_array(x):
    ys = [x * k for k in range(3)]
    ys = np.array(ys)
    return ys[1] * ys[2]


def comprehension_rebound_as_an_array_followed(x):
    ys = [x * k for k in range(3)]
    ys_array = np.array(ys)
    return ys_array[1] * ys_array[2]


def rebound_to_a_list_built_from_it(x):
    """A list written out, then a new list built from it under the same name: reverse
    mode crashed ("'numpy.ndarray' object has no attribute 'pop'", on main)."""
    xs = [x, x * 2.0]
    xs = [v * x for v in xs]
    return sum(xs)


def rebound_to_a_list_built_from_it_followed(x):  # "give the new list a name of its own"
    xs = [x, x * 2.0]
    xs_new = [v * x for v in xs]
    return sum(xs_new)

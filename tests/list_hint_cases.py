"""Functions for tests/test_list_hints.py: lists changed or joined in ways srcdiff
refuses, and the rewrites their hints ask for."""

import numpy as np


def inserted(x):
    ys = [x, 2 * x]
    ys.insert(0, x * x)
    return ys[0] * ys[1] + ys[2]


def inserted_followed(x):  # "ys_new = [*ys[:0], x * x, *ys[0:]]"
    ys = [x, 2 * x]
    ys_new = [*ys[:0], x * x, *ys[0:]]
    return ys_new[0] * ys_new[1] + ys_new[2]


def joined(x):
    ys = [x]
    for i in range(3):
        ys = ys + [x * i]
    return ys[0] * ys[3] + ys[2]


def joined_followed(x):  # "in a loop, ys.append(y)"
    ys = [x]
    for i in range(3):
        ys.append(x * i)
    return ys[0] * ys[3] + ys[2]


def joined_lists(x):
    xs = [x, x * x]
    ys = xs + [3.0 * x]
    return ys[0] * ys[2] + ys[1]


def joined_lists_followed(x):  # "[*xs, *ys, c] for lists"
    xs = [x, x * x]
    ys = [*xs, 3.0 * x]
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


def reversed_in_place(x):
    xs = [x, x * x, 3.0]
    xs.reverse()
    xs.append(x)
    return xs[0] * xs[1] + xs[2] * xs[3]


def reversed_in_place_followed(x):  # "xs_new = list(xs[::-1])"
    xs = [x, x * x, 3.0]
    xs_new = list(xs[::-1])
    xs_new.append(x)
    return xs_new[0] * xs_new[1] + xs_new[2] * xs_new[3]


def cleared(x):
    xs = [x, x * x]
    xs.clear()
    xs.append(np.sin(x))
    return xs[0] * x


def cleared_followed(x):  # "xs = []"
    xs = [x, x * x]
    xs = []
    xs.append(np.sin(x))
    return xs[0] * x


def stored_at_a_constant(x):
    xs = [x, x * x, 2.0]
    xs[1] = np.sin(x)
    return xs[0] * xs[1] + xs[2]


def stored_at_a_constant_followed(x):  # "xs_new = [*xs[:1], value, *xs[2:]]"
    xs = [x, x * x, 2.0]
    xs_new = [*xs[:1], np.sin(x), *xs[2:]]
    return xs_new[0] * xs_new[1] + xs_new[2]


def stored_at_a_variable(x):
    xs = [x, x * x, 2.0]
    i = 2
    xs[i] = xs[i] * x
    return xs[0] * xs[1] + xs[2]


def stored_at_a_variable_followed(x):  # "xs_new = [*xs[:i], value, *xs[i + 1:]]"
    xs = [x, x * x, 2.0]
    i = 2
    xs_new = [*xs[:i], xs[i] * x, *xs[i + 1 :]]
    return xs_new[0] * xs_new[1] + xs_new[2]


def stored_in_a_loop(x):
    xs = [x, x * x, 2.0]
    for i in range(3):
        xs[i] = xs[i] * x + xs[i - 1]
    return xs[0] * xs[1] + xs[2]


def stored_in_a_loop_followed(x):  # "xs_array = np.array(xs, float), then xs_array[i] = ..."
    xs = [x, x * x, 2.0]
    xs_array = np.array(xs, float)
    for i in range(3):
        xs_array[i] = xs_array[i] * x + xs_array[i - 1]
    return xs_array[0] * xs_array[1] + xs_array[2]

"""Functions exercising srcdiff's rules for np.pad modes, np.gradient, np.r_ / np.c_ and
np.einsum's sublist form (srcdiff/rules/gather_rules.py, compiler/split.py), for
tests/test_gather_rules.py.  Each reduces its result to a number with fixed,
non-uniform weights (`_w`)."""

import numpy as np


def _w(x):
    n = np.size(x)
    return (0.6 + np.cos(1.7 * np.arange(n) + 0.3)).reshape(np.shape(x))


def pad_edge(x):
    y = np.pad(x, ((1, 2), (0, 3)), mode="edge")
    return np.sum(y**2 * _w(y))


def pad_reflect(x):
    y = np.pad(x, 2, "reflect")
    return np.sum(y**2 * _w(y))


def pad_const(x):
    y = np.pad(x, (1, 2), "constant", constant_values=3.0)
    return np.sum(y**2 * _w(y))


def pad_wrap(x):
    y = np.pad(x, (3, 5), mode="wrap")
    return np.sum(y**2 * _w(y))


def pad_sym(x):
    y = np.pad(x, 1, mode="symmetric")
    return np.sum(y**3 * _w(y))


def grad_none(x):
    out = np.gradient(x)
    return np.sum(out[0] ** 2 * _w(out[0])) + np.sum(out[1] * _w(out[1]))


def grad_ax(x):
    return np.sum(np.gradient(x, axis=-1) ** 2 * _w(x))


def grad_tuple(x):
    a, b = np.gradient(x, axis=(0, 2))
    return np.sum(a * b * _w(a))


def grad_1d(x):
    return np.sum(np.gradient(x) ** 2 * _w(x))


def grad_sp(x):
    return np.sum(np.gradient(x, 0.5) ** 2 * _w(x))


def grad_coords(x):
    return np.sum(
        np.gradient(x, np.array([0.0, 0.5, 1.5, 2.0, 3.0, 4.5]), edge_order=2) ** 2 * _w(x)
    )


def grad_e2(x):
    out = np.gradient(x, 2.0, edge_order=2)
    return np.sum(out[0] ** 2 * _w(out[0])) + np.sum(out[1] * _w(out[1]))


C32 = np.arange(6.0).reshape(3, 2)


def r_basic(x):
    return np.sum(np.r_[x] ** 2 * _w(x))


def r_mixed(x):
    y = np.r_[x, C32, x * 2]
    return np.sum(y**2 * _w(y))


def r_slice(x):
    y = np.r_[x, np.cos(x), 1:10]
    return np.sum(y**2 * _w(y))


def r_scalars(x):
    y = np.r_[x[0], 2.0, x, x[1] * x[2]]
    return np.sum(y**2 * _w(y))


def c_mixed(x):
    y = np.c_[x, C32, x]
    return np.sum(y**2 * _w(y))


def c_1d(x):
    y = np.c_[x, np.sin(x)]
    return np.sum(y**2 * _w(y))


def ein_sub(a, b):
    y = np.einsum(a, [0, 1], b, [1, 2], [0, 2])
    return np.sum(y**2 * _w(y))


B443 = np.cos(np.arange(48.0)).reshape(4, 4, 3)


def ein_three(a, b):
    y = np.einsum(a, (0, 1, 2), b, (3, 1, 0), B443, (3, 3, 0), (3, 2, 0))
    return np.sum(y**2 * _w(y))


def ein_ell(a, b):
    y = np.einsum(a, [Ellipsis, 0, 1], b, [Ellipsis, 1, 2], [Ellipsis, 0, 2])
    return np.sum(y**2 * _w(y))


def ein_noout(a):
    y = np.einsum(a, [0, 1])
    return np.sum(y**2 * _w(y))


def pad_mean(x):
    return np.sum(np.pad(x, 1, mode="mean"))


def pad_odd(x):
    return np.sum(np.pad(x, 1, mode="reflect", reflect_type="odd") ** 2)


def pad_active_constant(x):
    return np.sum(np.pad(x, 1, "constant", constant_values=x[0]))


def gradient_two_spacings(x):
    out = np.gradient(x, 1, 2)
    return np.sum(out[0]) + np.sum(out[1] ** 2)


def r_directive(x):
    return np.sum(np.r_["0,2", x, x])


def einsum_computed_sublist(a, b, sub):
    return np.sum(np.einsum(a, sub, b, [1, 2]))


def dstack_mixed(x):
    y = np.dstack((x, np.ones_like(x), x**2))
    return np.sum(y**2 * _w(y))


def dstack_vectors(x):
    y = np.dstack([x, x * 3.0])
    return np.sum(np.sin(y) * _w(y))


def take_flat(x):
    t = np.take(x, [3, 0, 3, -1])  # repeated and negative indices of the flattened x
    return np.sum(t * _w(t)) + np.sum(np.take(x, np.array([[1, 2], [2, 0]])) ** 2)


def take_axis(x):
    t = np.take(x, [2, 0, 2], axis=1)
    return np.sum(t**2 * _w(t))


def take_wrap_clip(x):
    t = np.take(x, [5, -7, 1], axis=0, mode="wrap") * np.take(x, [9, -3], axis=-1, mode="clip")[:1]
    return np.sum(t * _w(t))


def take_method(x):
    t = x.take([2, 0, 2], axis=0)  # the array method, as np.take
    return np.sum(np.sin(t) * _w(t))

"""Functions for tests/test_pytree_adversary.py: containers used the way people coming
from JAX or autograd write them (nested mixed containers, non-float leaves, structural
branches, slices, range loops indexing a container, partials of partials, methods calling
methods), and the uses srcdiff refuses.  Kept free of srcdiff: plain Python and NumPy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class P(NamedTuple):
    w: np.ndarray
    b: float


@dataclass
class D:
    a: float
    arr: np.ndarray
    n: int = 2
    tag: str = "x"


class Inner(NamedTuple):
    s: float
    t: np.ndarray


def nested_mix(p, x):
    return np.sum(p["a"]["b"][0] * x) + p["a"]["b"][1].s * np.sum(p["c"].t) + p["d"][0] ** 2


def int_leaves(p, x):
    return p["w"] * x ** p["k"] + (1.0 if p["flag"] else 0.0) + np.sum(p["idx"] * x)


def int_array_leaf(p, x):
    return np.sum(p["w"][p["idx"]] * x)


def none_leaf(p, x):
    return p["w"] * x if p["none"] is None else 0.0


def empty_cont(p, x):
    return np.sum(p["w"] * x) + len(p["e"]) + len(p["l"])


def helper_rec(p, x, n):
    if n == 0:
        return np.sum(p["w"] * x)
    return helper_rec(p, x * 0.5, n - 1) + p["b"]


def recursive(p, x):
    return helper_rec(p, x, 3)


def _inner(q, x):
    return q["w"] * x


def _outer(q, x):
    return _inner(q, x) ** 2 + q["b"]


def helper_chain(p, x):
    return np.sum(_outer(p, x))


def helper_sub(p, x):
    return np.sum(_outer(p["l1"], x)) + np.sum(_outer(p["l2"], x))


def items_nested(p, x):
    total = 0.0
    for k, sub in p.items():
        for k2, v in sub.items():
            total = total + np.sum(v * x)
    return total


def loop_branch_read(p, x):
    total = 0.0
    for i in range(3):
        if i % 2 == 0:
            total = total + p["a"] * x**i
        else:
            total = total - p["b"][i - 1] * x
    return total


def comp_dict_values(p, x):
    return sum([np.sum(v * x) for k, v in p.items() if k != "skip"])


def comp_nested(p, x):
    return sum(sum(np.sum(w * x) for w in layer) for layer in p)


class Model:
    def __init__(self, w, b):
        self.w = w
        self.b = b
        self.n = 3
        self.name = "m"

    def lin(self, x):
        return self.w * x + self.b

    def act(self, x):
        return np.tanh(self.lin(x))

    def loss(self, x):
        return np.sum(self.act(x) ** 2) + self.n * self.b

    def loss_p(self, p, x):
        return np.sum(self.act(x) * p["s"]) + p["t"]


def _base(a, b, c, x):
    return a * np.sum(b["w"] * x) + c


part1 = functools.partial(_base, 2.0)
part2 = functools.partial(part1, x=np.array([0.3, -0.2, 0.5]))


def varargs_helper(*args, **kwargs):
    return args[0] * kwargs["s"] + np.sum(args[1])


def uses_varargs(p, x):
    return varargs_helper(p["a"], p["w"] * x, s=p["b"])


def aux_cont(p, x):
    v = np.sum(p["w"] * x) + p["b"]
    return v**2, {"v": v, "p": [p["b"], "s"], "n": 3}


def vec_out(p, x):
    return np.sin(p["w"] * x) * p["b"]


def f32_leaf(p, x):
    return np.sum(p["w"] * x) + p["b"]


def tuple_of_lists(p, x):
    return np.sum(p[0][0] * x) + p[1][1] * p[0][1]


def list_floats_in_dict(p, x):
    return p["c"][0] * x + p["c"][1] * x**2


def dataclass_nested(d, x):
    return d.a * np.sum(d.arr * x) ** d.n


def nt_nested(p, x):
    return p.b * np.sum(p.w.t * x) + p.w.s


def modify_local(p, x):
    w = p["w"]
    w = w * 2
    return np.sum(w * x)


def rebind_arg(p, x):
    q = p
    return np.sum(q["w"] * x)


def scalar_keys(p, x):
    return p[0] * x + p[1] ** 2


def bool_keyed(p, x):
    return np.sum(p[True] * x) + p[False]


def tuple_keyed(p, x):
    return p[("a", 1)] * x


def while_loop(p, x):
    i = 0
    t = 0.0
    while i < 3:
        t = t + p["w"][i] * x
        i += 1
    return t


def zip_items(p, q, x):
    t = 0.0
    for (k1, v1), (k2, v2) in zip(p.items(), q.items()):
        t = t + np.sum(v1 * v2 * x)
    return t


def enumerate_dict(p, x):
    t = 0.0
    for i, k in enumerate(p):
        t = t + (i + 1) * p[k] * x
    return t


def reversed_list(p, x):
    t = x
    for w in reversed(p):
        t = np.sin(w * t)
    return np.sum(t)


def slice_list(p, x):
    return sum(np.sum(w * x) for w in p[1:]) + np.sum(p[0])


def unpack_star(p, x):
    a, *rest = p
    return np.sum(a * x) + sum(np.sum(r) ** 2 for r in rest)


def max_of_tree(p, x):
    return max(np.sum(v * x) for v in p.values())


def np_array_of_leaves(p, x):  # x of shape (2,)
    return np.sum(np.array([p["a"], p["b"]]) * x)


def np_stack_values(p, x):
    return np.sum(np.stack(list(p.values())) * x)


def sum_start(p, x):
    return sum((np.sum(v) for v in p), 1.0) * x


def key_int_dict(p, x):
    t = 0.0
    for k in range(3):
        t = t + p[k] * x**k
    return t


def deep_nest(p, x):
    return p["a"]["b"]["c"]["d"]["e"] * x


def list_append_from_params(p, x):
    acc = []
    for v in p.values():
        acc.append(np.sum(v * x))
    last = acc.pop()
    return acc[0] * acc[-1] + last


def dict_get(p, x):  # (a method that changes the container)
    return p.pop("w") * x


def var_key(p, x, k):
    return p[k] * x


def returns_dict(p, x):
    return {"a": p["w"] * x}


def store_into(p, x):
    p["w"] = p["w"] * 2
    return p["w"] * x


def closure_reads(p, x):
    def g(y):
        return p["w"] * y

    return g(x)


def lambda_reads(p, x):
    g = lambda y: p["w"] * y  # noqa: E731
    return g(x)


def closure_loops_over_values(p, x):
    def layer(h):
        for w in p.values():
            h = np.tanh(w * h)
        return h

    return np.sum(layer(layer(x)))


def closure_rebinds_name(p, x):
    def g(p):
        return p["w"] * x

    return g(p)


def lambda_rebinds_name(p, x):
    g = lambda p: p["w"] * x  # noqa: E731
    return g(p)


def reads_its_own_name(p, x):
    """(its flat view was compiled as a def of that name inside a factory function, so the
    name was a free variable of the factory with no cell: KeyError from inside srcdiff)"""
    again = reads_its_own_name  # noqa: F841
    a, b = p
    return np.sum(a * b) * x


def helper_of_module(p, x):
    return p["w"] * x


def helper_of_module_called(p, x):
    return helper_of_module(p, x)


def attr_of_dict(p, x):
    return p.w * x


def isinst_list(p, x):
    if isinstance(p, list):
        return np.sum(p[0] * x)
    return np.sum(p["w"] * x)


def sum_len_cmp(p, x):
    return len(p["l"]) * np.sum(p["l"][0] * x) if len(p["l"]) > 1 else 0.0


def leaf_is_scalar_array(p, x):
    return p["a"] * x + np.sum(p["z"])


def in_check(p, x):
    if "b" in p:
        return p["a"] * x + p["b"]
    return p["a"] * x


def np_float_leaf(p, x):
    return p["a"] * x + p["b"] * x**2


def range_index(ws, x):
    h = x
    for i in range(len(ws)):
        h = np.tanh(ws[i] * h)
    return np.sum(h)


def range_index_comp(ws, x):
    return sum(np.sum(ws[i] * x) * (i + 1) for i in range(len(ws)))


def range_index_prev(ws, x):
    t = 0.0
    for i in range(1, len(ws)):
        t = t + np.sum(ws[i] * ws[i - 1] * x)
    return t


def slice_unpack(p, x):
    a, rest = p[0], p[1:]
    return np.sum(a * x) + sum(np.sum(r) ** 2 for r in rest)


def list_values_stack(p, x):
    return np.sum(np.stack(list(p.values())) * x)


def tuple_items(p, x):
    t = 0.0
    for k, v in list(p.items()):
        t = t + np.sum(v * x)
    return t


def isinst_nested(p, x):
    if isinstance(p["a"], dict):
        return p["a"]["w"] * x
    elif isinstance(p["a"], tuple):
        return p["a"][0] * x**2
    return p["a"] * x


def len_branch(ws, x):
    if len(ws) > 2:
        return np.sum(ws[2] * x)
    return np.sum(ws[0] * x)


def ifexp_struct(p, x):
    return (p["b"] if "b" in p else 1.0) * x


def comp_if_key(p, x):
    return sum(np.sum(v * x) for k, v in p.items() if k != "skip")


def comp_if_value(p, x):
    return sum(np.sum(v * x) for v in p.values() if np.sum(v) > 0)


def slice_var(p, x, n):
    return sum(np.sum(w * x) for w in p[:n])


def reversed_slice(p, x):
    t = x
    for w in p[::-1]:
        t = np.sin(w * t)
    return np.sum(t)


def loop_if_value(p, x):
    total = 0.0
    for v in p.values():
        if np.sum(v) > 0:
            total = total + np.sum(v * x)
    return total


def two_results(x, y):
    return np.sin(x) * y, np.sum(x**2) * y


def two_results_tree(p, x):
    return p["w"] * np.cos(x), p["b"] * np.sum(p["w"] * x)


def result_and_label(x):
    return np.sin(x), "label"


def pop_in_expression(p, x):
    acc = []
    for v in p.values():
        acc.append(np.sum(v * x))
    return acc[0] * acc[-1] + acc.pop()


def same_shape_results(x):
    return x * 2.0, np.sin(x)

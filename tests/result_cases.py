"""Functions returning containers -- dicts, lists, tuples, NamedTuples, dataclasses, nested
-- for tests/test_container_results.py, with container arguments, loops, branches,
helpers, comprehensions and constant leaves mixed in.  Plain Python and NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import srcdiff


class Point(NamedTuple):
    x: float
    y: float


class Stats(NamedTuple):
    mean: np.ndarray
    spread: float = 0.0


@dataclass
class Out:
    pred: np.ndarray
    loss: float


@dataclass
class Deep:
    inner: dict
    pair: tuple


def dict_of_two(x):
    return {"a": x**2, "b": np.sin(x)}


def dict_scalar_and_array(x, y):
    return {"s": np.sum(x * y), "v": x * y}


def list_of_dicts(x):
    return [{"u": x * 2.0}, {"u": np.exp(x), "w": np.sum(x)}]


def point(x):
    return Point(x=np.sum(x**2), y=np.prod(x))


def point_positional(a, b):
    return Point(a * b, a - b)


def point_keywords_swapped(a, b):
    return Point(y=a * b, x=np.sin(a))


def stats_default(x):
    return Stats(mean=np.mean(x))


def dataclass_out(w, x):
    pred = np.tanh(w @ x)
    return Out(pred=pred, loss=np.sum(pred**2))


def nested_deep(x, y):
    return Deep(inner={"p": Point(x=y * x[0], y=y), "q": [x, y * x]}, pair=(np.sum(x), y**2))


def with_constants(x):
    return {"value": x**3, "name": "cubic", "missing": None, "flag": True}


def branches_same_keys(x, t):
    if t > 0:
        return {"a": x * t, "b": np.sum(x)}
    return {"a": -x, "b": t * np.sum(x)}


def loop_then_dict(x, n):
    acc = x
    for _ in range(n):
        acc = np.sin(acc) + x
    return {"last": acc, "norm": np.sum(acc**2)}


def helper_inside(params, x):
    h = layer(params["w"], params["b"], x)
    return {"hidden": h, "out": np.sum(h)}


def layer(w, b, x):
    return np.tanh(w @ x + b)


def params_to_dict(params, x):
    return {"w": params["w"] * x, "b": params["b"] + 1.0}


def comprehension_leaf(x):
    return {"powers": sum([x**k for k in range(1, 4)]), "first": x[0]}


def dict_call(x):
    return dict(a=x * 3.0, b=np.cos(x))


def tuple_holding_dict(x):
    return x**2, {"m": np.mean(x)}


def scalar_only(a, b):
    return {"sum": a + b, "prod": a * b, "quot": a / b}


def namedtuple_arg(p, x):
    return Point(x=p.x * x, y=p.y + x)


def one_leaf(x):
    return {"only": np.sum(x**2)}


def dataclass_of_dataclass_arg(o, x):
    return {"grad_like": o.pred * x, "l": o.loss * np.sum(x)}


def int_leaf_result(x):
    return {"y": x * 2.0, "n": len(x)}


def list_of_arrays_arg(ws, x):
    return {"outs": [w * x for w in ws], "total": sum(np.sum(w) for w in ws)}


def while_loop_result(x):
    y = x
    k = 0
    while k < 3:
        y = y * 0.5 + np.cos(y)
        k += 1
    return Point(x=np.sum(y), y=np.max(y))


# -- refused ----------------------------------------------------------------------------
def different_keys(x, t):
    if t > 0:
        return {"a": x}
    return {"b": x}


def variable_key(x, k):
    return {k: x}


def named_dict(x):
    out = {"a": x}
    return out


def mixed_return(x, t):
    if t > 0:
        return {"a": x}
    return x


def aux_pair(x):
    return np.sum(x**2), {"m": np.mean(x), "label": "sq"}


def dict_straight_away(x):
    return {"a": x}


def list_of_shapes(x, y):
    return [x**2 * y, np.sum(x) * y]


# -- a container result held in a variable (compiler/held.py) ---------------------------------
def held_built_up(x, y):
    out = {}
    out["a"] = x**2
    out["b"] = np.sin(x) * y
    return out


def held_display_then_update(x, y):
    out = {"loss": np.sum(x**2), "pred": x * y}
    out["loss"] = out["loss"] + y * out["pred"][0]
    out["extra"] = [x, y * y]
    return out


def held_in_loop(x, n):
    out = {"acc": np.zeros(3), "last": 0.0}
    for i in range(n):
        out["acc"] = out["acc"] + x ** (i + 1)
        out["last"] += np.sum(out["acc"])
    return out


def held_branch(x, t):
    out = {"a": x * x}
    if t > 0:
        out["a"] = out["a"] * t
    else:
        out["a"] += t
    return out


def held_namedtuple(x):
    r = Point(np.sum(x), np.prod(x))
    return r


def held_dataclass(x, y):
    o = Out(pred=x * 2.0, loss=np.sum(x) * y)
    o.loss = o.loss * o.pred[1]
    return o


def held_nested(x, y):
    out = {"layer": {"w": x * y, "b": y}, "tag": "v1"}
    out["layer"]["b"] = out["layer"]["b"] ** 2 + np.sum(out["layer"]["w"])
    return out


def held_with_params(params, x):
    out = {}
    out["h"] = np.tanh(params["w"] @ x + params["b"])
    out["n"] = np.sum(out["h"] ** 2)
    return out


def held_early_return(x, t):
    out = {"a": x, "s": np.sum(x)}
    if t > 0:
        return out
    out["a"] = x * 2.0
    return out


def held_dynamic_key(x):  # (refused: a key known only when the code runs)
    out = {}
    for k in ("a", "bb"):
        out[k] = x * len(k)
    return out


def held_keys_written_out(x):  # (what the hint for held_dynamic_key says to write)
    out = {}
    out["a"] = x * 1
    out["bb"] = x * 2
    return out


def dict_passed_on(x):  # (refused: the dict is passed to a call)
    out = {"a": x}
    report(out)
    return out


def report(d):
    return None


def dataclass_attribute_in_loop(x):  # (a field assigned in a loop: a variable per field)
    o = Out(pred=x, loss=1.0)
    for _ in range(2):
        o.loss = 2.0
    return x * o.loss


def record_rebuilt_in_loop(x):  # (rebuilt with the same fields: the fields' variables)
    o = Out(pred=x * 2.0, loss=np.sum(x))
    for _ in range(2):
        o = Out(pred=o.pred, loss=o.loss * 2)
    return o


def record_built_in_loop(x):  # (refused: first built inside a loop)
    for _ in range(2):
        o = Out(pred=x * 2.0, loss=np.sum(x))
    return x * o.loss


def record_built_first(x):  # (the form the hint names)
    o = Out(pred=x * 2.0, loss=np.sum(x))
    for _ in range(2):
        o = Out(pred=x * 2.0, loss=np.sum(x))
    return x * o.loss


def index_and_return(x):  # (a tuple result; pred[0] read: `dpred[0] += dloss` backward)
    pred = x * 2.0
    loss = pred[0]
    return loss, pred


# -- registered container types as results (runtime.trees.register_pytree_node) ----------------
class Pair:
    def __init__(self, first, second):
        self.first = first
        self.second = second


class Rev:  # (flatten gives the children in the other order)
    def __init__(self, first, second):
        self.first = first
        self.second = second


class Tagged:  # (a constant argument kept as aux data)
    def __init__(self, value, tag):
        self.value = value
        self.tag = tag


class Computing:  # (its constructor computes with the argument: not readable)
    def __init__(self, v):
        self.v = np.asarray(v, dtype=float) * 1.0


srcdiff.register_pytree_node(
    Pair,
    lambda p: ((p.first, p.second), None),
    lambda aux, c: Pair(*c),
    lambda aux: ("first", "second"),
)
srcdiff.register_pytree_node(
    Rev,
    lambda r: ((r.second, r.first), None),
    lambda aux, c: Rev(c[1], c[0]),
    lambda aux: ("second", "first"),
)
srcdiff.register_pytree_node(
    Tagged, lambda t: ((t.value,), t.tag), lambda aux, c: Tagged(c[0], aux), lambda aux: ("value",)
)
srcdiff.register_pytree_node(
    Computing, lambda c: ((c.v,), None), lambda aux, c: Computing(c[0]), lambda aux: ("v",)
)


def reg_pair(x, y):
    return Pair(x * y, np.sin(x))


def reg_nested(x):
    return {"p": Pair(x**2, [x, 2.0 * x]), "t": Tagged(np.sum(x), "tag")}


def reg_reversed(x, y):
    return Rev(second=y * x, first=x * 2.0)


def reg_held(x, y):
    out = {}
    out["pair"] = Pair(x * y, y)
    return out


def reg_computing(x):
    return Computing(x * 2.0)

"""Functions for tests/test_pytrees.py (kept in a file: srcdiff reads their source)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


def loss(params, x):
    h = np.tanh(params["w"] * x + params["b"])
    return np.sum(h**2)


def two_layer(params, x):
    h = np.tanh(params["layer1"]["w"] @ x + params["layer1"]["b"])
    return np.sum(params["layer2"]["w"] * h)


def outputs(params, x):
    return np.sin(params["w"] * x) + params["b"]


class Point(NamedTuple):
    x: float
    y: float


@dataclass
class Config:
    scale: float
    steps: int
    name: str


def uses_config(cfg, p):
    total = 0.0
    for _ in range(cfg.steps):
        total = total + cfg.scale * (p.x**2 + p.y)
    return total


class Pair:
    """A user container made a pytree with srcdiff.register_pytree_node."""

    def __init__(self, first, second):
        self.first = first
        self.second = second


def uses_pair(pair, x):
    return np.sum(pair.first * x) * pair.second


class Duo:
    """A registered container without attribute names: read by position."""

    def __init__(self, *items):
        self.items = items

    def __getitem__(self, i):
        return self.items[i]


def uses_duo(duo, x):
    return np.sum(duo[0] * x) * duo[1]


# refused, each with its position and a hint
def dynamic_key(params, keys):
    total = 0.0
    for i in range(len(keys)):
        total = total + params[keys[i]]
    return total


def stores_into(params, x):
    params["w"] = x
    return x * 2.0


def returns_container(params):
    return params


def missing_key(params):
    return params["nope"] * 2.0


def method_on_container(params):
    return params.setdefault("w", 1.0) * 2.0


def nested_def_reads(params, x):
    def inner(v):
        return params["w"] * v

    return inner(x)


def nested_def_rebinds(params, x):
    def inner(params):
        return params["w"] * x

    return inner(params)


def local_function_given_container(params, x):
    def lin(q, v):
        return q["w"] * v + q["b"]

    return lin(params, lin(params, x))


def lin(q, v):
    return q["w"] * v + q["b"]


def module_function_given_container(params, x):
    """local_function_given_container as its refusal's hint says: lin at module level."""
    return lin(params, lin(params, x))


def recursive(params, x, depth):
    if depth == 0:
        return x
    return recursive(params, np.tanh(params["w"] * x + params["b"]), depth - 1)


def one_leaf(p, x):
    """(a container with one float leaf: its shown gradient code gets one gradient back)"""
    return p["w"] * x**2


def with_get(params, x):
    # .get with a constant key: the leaf; a key the structure lacks: the default
    scale = params.get("scale", 2.0)
    bias = params.get("bias")
    return np.sum(params.get("w") * x) * scale + (0.0 if bias is None else bias)


def scaled_by_comprehension(params, x):
    # a dict comprehension over .items(): unrolled into a display, a variable per key
    scaled = {k: v * 2.0 for k, v in params.items() if k != "skip"}
    return np.sum(scaled["w"] * x) + scaled["b"] ** 2


def squares_by_comprehension(params):
    return {k: v**2 for k, v in params.items()}


class State(NamedTuple):
    pos: np.ndarray
    vel: float


def step(s, k):
    return State(s.pos + 0.1 * s.vel, s.vel - 0.1 * k * np.sum(s.pos))


def step_dict(s, k):
    return {"pos": s["pos"] + 0.1 * s["vel"], "vel": s["vel"] - 0.1 * k * np.sum(s["pos"])}


def state_from_argument(s0, k):
    """`s = s0`, then `s = step(s, k)`: the argument's container named again."""
    s = s0
    for _ in range(4):
        s = step(s, k)
    return np.sum(s.pos**2) + s.vel**2


def dict_state_from_argument(s0, k):
    s = s0
    for _ in range(4):
        s = step_dict(s, k)
    return np.sum(s["pos"] ** 2) + s["vel"] ** 2


def state_rebuilt_in_a_branch(s0, k):
    s = s0
    for i in range(4):
        if i % 2:
            s = step(s, k)
        else:
            s = State(s.pos * 0.9, s.vel)
    return np.sum(s.pos**2) + s.vel**2


def pair_from_argument(pair, k):
    acc = pair
    for _ in range(3):
        acc = (acc[0] * k + acc[1], np.sin(acc[1]))
    return np.sum(acc[0] * acc[1])


def config_named_again(cfg, p):
    c = cfg
    if p.x > 0:
        c = Config(cfg.scale * 2.0, cfg.steps, cfg.name)
    return c.scale * p.x

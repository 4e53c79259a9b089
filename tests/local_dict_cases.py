"""Dicts built inside the function and read with constant keys (tests/test_local_dicts.py)."""

import math

import numpy as np


def read_back(a, b, c):
    d = {"a": a, "b": b, "c": c}
    return d["a"] * d["b"] + d["c"]


def dict_call(a, b):
    d = dict(a=a, b=math.sin(b))
    return d["a"] ** 2 * d["b"]


def updated_in_a_loop(x, w):
    acc = {"total": 0.0, "steps": 3, "name": "run"}
    for _ in range(acc["steps"]):
        acc["total"] += np.sum(w * x) ** 2
        acc["total"] = acc["total"] * 0.5
    return acc["total"]


def nested(x, y):
    p = {"i": {"j": x, "k": y}, "scale": 2.0}
    return p["i"]["j"] * p["i"]["k"] * p["scale"]


def key_added_later(x):
    d = {}
    d["sq"] = x * x
    d["cube"] = d["sq"] * x
    return d["cube"] + d["sq"]


def helper(val):
    return val["a"] * val["b"]


def passed_whole(a, b):
    d = {"a": a, "b": b}
    return helper(d)


def passed_to_a_library_function(a, b):
    d = {"a": a, "b": b}
    return np.sum(np.fromiter(d.values(), dtype=float))

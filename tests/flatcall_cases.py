"""Containers built inside the function and passed whole to helpers
(tests/test_flatcalls.py; srcdiff/compiler/flatcalls.py)."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

ONES = np.ones(1)


class P(NamedTuple):
    w: np.ndarray
    b: float


@dataclass
class Layer:
    w: np.ndarray
    b: np.ndarray


def predict(p, x, scale=2.0):
    return np.tanh(x @ p.w + p.b) * scale


def f_rec(w, b, x):
    return np.sum(predict(P(w=w, b=b), x))


def f_rec_pos(w, b, x):
    return np.sum(predict(P(w, b), x, scale=3.0))


def net(layers, x):
    for layer in layers:
        x = np.tanh(x @ layer["w"] + layer["b"])
    return x


def f_nested(w1, b1, w2, b2, x):
    layers = [{"w": w1, "b": b1}, {"w": w2, "b": b2}]
    return np.sum(net(layers, x) ** 2)


def f_nested_display(w1, b1, w2, b2, x):
    return np.sum(net([{"w": w1, "b": b1}, {"w": w2, "b": b2}], x) ** 2)


def saxpy(d):
    return d["a"] * d["x"] + d["y"]


def dict_saxpy(a, x, y):
    return saxpy({"a": a, "x": x, "y": y})


def mutating(d):
    d["a"] = d["a"] * 2
    return d["a"]


def f_mut(x):
    return mutating({"a": x})


def f_loop(x, y):
    d = {"a": x, "b": y}
    s = 0.0
    for i in range(3):
        d["a"] = d["a"] * 1.5
        s = s + saxpy2(d)
    return s


def saxpy2(d):
    return d["a"] * d["b"]


def f_dc(w, b, x):
    return np.sum(predict2(Layer(w=w, b=b), x))


def predict2(layer, x):
    return np.tanh(x @ layer.w + layer.b)


def hess_saxpy(v):
    return dict_saxpy(v[0] * v[1], v[1], v[2] * v[0])


def picked(d):
    return d["a"] ** 2


def rebound(x):
    return picked({"a": x})


def cubed(d):
    return d["a"] ** 3


def opts(d, scale=ONES):
    return d["a"] * scale[0]


def f_opts(x):
    return opts({"a": x})


def f_library(x):
    return np.sum(np.asarray(list({"a": x, "b": x}.values())))


def keyword_first(d, x):
    return d["k"] * x


def f_keywords(x, y):
    return keyword_first(x=y, d={"k": np.sin(x)})


def f_inactive(x, c):
    # the helper's value only: generated code calls saxpy with the dict again
    return x * saxpy({"a": c, "x": c, "y": 1.0})


# -- helpers returning containers (flatten_container_results) ---------------------------


class State(NamedTuple):
    x: float
    v: float


def step(s, k, dt):
    a = -k * s["x"]
    return {"x": s["x"] + dt * s["v"], "v": s["v"] + dt * a}


def simulate(x0, v0, k):
    state = {"x": x0, "v": v0}
    for i in range(20):
        state = step(state, k, 0.1)
    return state["x"] ** 2 + state["v"]


def step_nt(s, k, dt):
    return State(x=s.x + dt * s.v, v=s.v - dt * k * np.sin(s.x))


def simulate_nt(x0, v0, k):
    s = State(x=x0, v=v0)
    for i in range(10):
        s = step_nt(s, k, 0.1)
    return s.x * s.v


def pair(x):
    return State(x=x * x, v=3.0 * x)


def unpacked(x):
    a, b = pair(x)
    return a * b


def forward_pass(w, x):
    h = np.tanh(x @ w)
    return {"h": h, "out": np.sum(h**2), "tag": "layer"}


def uses_forward(w, x):
    res = forward_pass(w, x)
    return res["out"] + np.sum(res["h"]) * (res["tag"] == "layer")


def counted(x0, k):
    st = {"x": x0, "n": 0}
    while st["n"] < 5:
        st = {"x": st["x"] * k + 0.1, "n": st["n"] + 1}
    return st["x"]


def result_for_its_value(x, w, data):
    res = forward_pass(w, data)
    return x * res["out"] + np.sum(forward_pass(w, data)["h"]) * x


def simulate_vec(v):
    return simulate(v[0], v[1], v[2])


# -- combinations (a hand-written adversarial batch) -------------------------------------


def inner(p):
    return {"s": np.sin(p["a"]), "c": np.cos(p["b"])}


def outer(p):
    q = inner(p)
    return {"a": q["s"] * q["c"], "b": q["s"] + 1.0}


def chain(a, b):
    st = {"a": a, "b": b}
    for _ in range(3):
        st = outer(st)
    return np.sum(st["a"] * st["b"])


def branchy(x):
    r = {"v": x, "w": 2.0 * x}
    for i in range(4):
        if i % 2 == 0:
            r = {"v": r["w"] * 0.5, "w": r["v"] + r["w"]}
        else:
            r["v"] = r["v"] * 1.1
    return np.sum(r["v"] * r["w"])


def swap(p):
    return {"a": p["b"], "b": p["a"]}


def swapping(a, b):
    st = {"a": a, "b": b}
    for _ in range(3):
        st = swap(st)
        st["a"] = st["a"] * 2.0
    return st["a"] - 3.0 * st["b"]


def rebind_self(a, b):
    st = {"a": a, "b": b}
    st = {"a": st["b"], "b": st["a"] * st["b"]}
    return st["a"] + st["b"]


def while_helper(x):
    st = {"x": x, "n": 0}
    while st["n"] < 3:
        st = bump(st)
    return st["x"]


def bump(s):
    return {"x": s["x"] * s["x"] * 0.5, "n": s["n"] + 1}


# -- a list of dicts: iterated in the function (refused) or passed to a helper ------------


def summed(ds):
    return sum([d["a"] * d["b"] for d in ds])


def dicts_iterated_here(x, s):
    ds = [{"a": x, "b": s}, {"a": s, "b": x}]
    return np.sum(sum([d["a"] * d["b"] for d in ds]))


def dicts_passed_to_a_helper(x, s):
    return np.sum(summed([{"a": x, "b": s}, {"a": s, "b": x}]))

"""Functions in the style people write them, with containers of parameters: dicts of layer
parameters, dataclass-configured physics models, NamedTuple parameters, lists of weight
matrices, comprehension-heavy losses, model-class methods, has_aux training steps.
tests/test_pylang_table.py differentiates each in both modes (and a subset twice) and
compares with central finite differences.  Kept free of srcdiff: plain Python and NumPy.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

# --- dicts of parameters ---------------------------------------------------------------


def affine(params, x):
    return np.sum(params["w"] * x + params["b"])


def affine_sq(params, x):
    return np.sum((params["w"] * x + params["b"]) ** 2)


def mlp(params, x, y):
    h = np.tanh(x @ params["w1"] + params["b1"])
    pred = h @ params["w2"] + params["b2"]
    return np.mean((pred - y) ** 2)


def mlp_l2(params, x, y):
    h = np.tanh(x @ params["w1"] + params["b1"])
    pred = h @ params["w2"] + params["b2"]
    reg = sum(np.sum(w**2) for w in params.values())
    return np.mean((pred - y) ** 2) + 1e-2 * reg


def _layer(p, x):
    return np.tanh(x @ p["w"] + p["b"])


def mlp_nested(params, x, y):
    h = _layer(params["layer1"], x)
    out = h @ params["layer2"]["w"] + params["layer2"]["b"]
    return np.sum((out - y) ** 2)


def mlp_alias(params, x):
    first = params["layer1"]
    second = params["layer2"]
    h = np.sin(x @ first["w"] + first["b"])
    return np.sum(h @ second["w"] + second["b"])


def dict_items_loop(params, x):
    total = 0.0
    for name, value in params.items():
        total = total + np.sum(np.cos(value * x))
    return total


def dict_keys_loop(params, x):
    total = 0.0
    for k in params:
        total = total + np.sum(params[k] * x) ** 2
    return total


def dict_values_sum(params):
    return sum(np.sum(v**2) for v in params.values())


def dict_values_list(params):
    vs = [np.sum(np.exp(v)) for v in params.values()]
    return vs[0] * vs[1]


def dict_len(params, x):
    return np.sum(params["a"] * x) / len(params)


def dict_int_leaf(params, x):
    total = 0.0
    for i in range(params["n"]):
        total = total + params["scale"] * x**i
    return total


def dict_str_leaf(params, x):
    if params["kind"] == "square":
        return params["a"] * x**2
    return params["a"] * x


def dict_none_leaf(params, x):
    if params["bias"] is None:
        return np.sum(params["w"] * x)
    return np.sum(params["w"] * x + params["bias"])


def dict_of_floats(p, x):
    return p["k"] * math.sin(p["omega"] * x + p["phase"])


def dict_two_args(params, state):
    return np.sum(params["w"] * state["h"] + params["b"] * state["c"] ** 2)


def dict_enumerate(params, x):
    total = 0.0
    for i, v in enumerate(params.values()):
        total = total + (i + 1) * np.sum(v * x)
    return total


def dict_zip(ws, bs, x):
    total = 0.0
    for w, b in zip(ws.values(), bs.values()):
        total = total + np.sum(np.tanh(w * x + b))
    return total


def dict_isinstance(params, x):
    if isinstance(params, dict):
        return np.sum(params["w"] ** 2 * x)
    return 0.0


def dict_walrus(params, x):
    return np.sum((z := params["w"] * x) * z) + params["b"]


def dict_branch(params, x):
    s = np.sum(params["w"] * x)
    if s > 0:
        return s**2 + params["b"]
    return -s + params["b"] ** 2


def dict_loop_inside(params, x):
    y = x
    for _ in range(3):
        y = np.tanh(params["w"] * y + params["b"])
    return np.sum(y)


# --- lists and tuples of arrays -------------------------------------------------------


def layers_list(ws, x):
    h = x
    for w in ws:
        h = np.tanh(w @ h)
    return np.sum(h**2)


def layers_index(ws, x):
    return np.sum(np.sin(ws[0] @ x) + ws[1] @ x) + np.sum(ws[-1])


def layers_pairs(layers, x):
    h = x
    for w, b in layers:
        h = np.tanh(w @ h + b)
    return np.sum(h)


def layers_dicts(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(layer["w"] @ h + layer["b"])
    return np.sum(h**2)


def layers_enumerate(ws, x):
    total = 0.0
    for i, w in enumerate(ws):
        total = total + (i + 1.0) * np.sum(w * x)
    return total


def layers_stack(ws):
    return np.sum(np.stack(ws) ** 2)


def tuple_params(p, x):
    a, b = p
    return np.sum(a * x**2 + b)


def tuple_index(p, x):
    return p[0] * np.sum(x) + np.sum(p[1] * x)


def list_of_dicts_comp(layers, x):
    return sum(np.sum(layer["w"] * x) ** 2 for layer in layers)


def nested_lists(blocks, x):
    return np.sum(blocks[0][0] * x) + np.sum(blocks[1][1] ** 2) * np.sum(blocks[0][1])


# --- NamedTuples ---------------------------------------------------------------------


class Linear(NamedTuple):
    w: np.ndarray
    b: float


class Oscillator(NamedTuple):
    k: float
    m: float
    c: float


def nt_linear(p, x):
    return np.sum((p.w * x + p.b) ** 2)


def nt_index(p, x):
    return np.sum(p[0] * x) + p[1] ** 3


def nt_energy(osc, x, v):
    return 0.5 * osc.k * x**2 + 0.5 * osc.m * v**2 + osc.c * x * v


def nt_unpack(p, x):
    w, b = p
    return np.sum(np.tanh(w * x + b))


def nt_in_dict(params, x):
    return nt_linear(params["lin"], x) + params["scale"] * np.sum(x)


def nt_isinstance(p, x):
    if isinstance(p, Linear):
        return np.sum(p.w * x) * p.b
    return np.sum(x)


def nt_damped(osc, x0, v0):
    x, v = x0, v0
    for _ in range(20):
        a = -(osc.k * x + osc.c * v) / osc.m
        v = v + 0.05 * a
        x = x + 0.05 * v
    return x**2 + v**2


# --- dataclasses ----------------------------------------------------------------------


@dataclass
class Spring:
    k: float
    rest: float
    mass: float
    steps: int


@dataclass(frozen=True)
class Pendulum:
    length: float
    g: float
    damping: float


@dataclass
class Gas:
    n: float
    r: float
    label: str


def spring_energy(s, x):
    return 0.5 * s.k * (x - s.rest) ** 2


def spring_sim(s, x0):
    x, v = x0, 0.0
    for _ in range(s.steps):
        v = v - 0.01 * s.k / s.mass * (x - s.rest)
        x = x + 0.01 * v
    return x


def pendulum_period(p, theta):
    return 2 * math.pi * math.sqrt(p.length / p.g) * (1 + theta**2 / 16)


def pendulum_sim(p, theta0):
    theta, omega = theta0, 0.0
    for _ in range(25):
        omega = omega - 0.02 * (p.g / p.length * math.sin(theta) + p.damping * omega)
        theta = theta + 0.02 * omega
    return theta


def gas_pressure(gas, v, t):
    return gas.n * gas.r * t / v


def gas_work(gas, v1, v2):
    return gas.n * gas.r * 300.0 * math.log(v2 / v1)


def dataclass_in_list(springs, x):
    return sum(s.k * (x - s.rest) ** 2 for s in springs)


def dataclass_nested(model, x):
    return spring_energy(model["spring"], x) + model["offset"] * x


# --- comprehension-heavy losses --------------------------------------------------------


def comp_weighted(params, xs):
    return sum(params["w"][i] * xs[i] ** 2 for i in range(len(xs)))


def comp_nested_for(params, xs):
    return sum(params["a"] * xs[i] * xs[j] for i in range(len(xs)) for j in range(i))


def comp_if(params, xs):
    return sum(params["a"] * v**2 for v in xs if v > 0) + params["b"]


def comp_max(params, xs):
    return max(params["a"] * v for v in xs) + min(params["b"] * v for v in xs)


def comp_list_value(params, x):
    ps = [params["c"] * x**k for k in range(4)]
    return ps[1] * ps[3] + ps[-1]


def comp_enumerate_zip(params, xs, ys):
    total = 0.0
    for i, (a, b) in enumerate(zip(xs, ys), start=1):
        total = total + i * params["w"] * a * b
    return total


def comp_lambda(params, x):
    sq = lambda v: v * v  # noqa: E731
    return sq(params["a"] * x) + sq(params["b"])


def comp_local_def(params, x):
    def poly(v):
        return v**3 - 2 * v

    return poly(params["a"] * x) + poly(params["b"])


def comp_poly(coeffs, x):
    return sum(c * x**k for k, c in enumerate(coeffs))


def comp_append(params, x):
    acc = []
    for k in range(4):
        acc.append(params["a"] * x**k)
    return acc[-1] * acc[1] + sum(acc)


def comp_append_arrays(params, x):
    rows = []
    for k in range(3):
        rows.append(np.sin(params["w"] * (k + 1) * x))
    return np.sum(np.array([np.sum(r) for r in rows]) ** 2) + np.sum(rows[0] * rows[-1])


def comp_starred(params, x):
    first, *rest = [params["a"], params["b"], params["c"]]
    return first * x + sum(rest) * x**2


def comp_np_array(params, x):
    v = np.array([params["a"], params["b"] * x, params["a"] * params["b"]])
    return np.sum(v**2)


def comp_any(params, xs):
    if any(v > 10.0 for v in xs):
        return 0.0
    return sum(params["a"] * v for v in xs)


# --- methods of model classes -------------------------------------------------------------


class Regressor:
    def __init__(self, w, b):
        self.w = w
        self.b = b
        self.name = "linear"

    def predict(self, x):
        return np.tanh(self.w * x + self.b)

    def loss(self, x, y):
        return np.sum((self.predict(x) - y) ** 2) + 0.1 * np.sum(self.w**2)


class Quadratic:
    def __init__(self, a, c):
        self.a = a
        self.c = c

    def value(self, x):
        return self.a * x**2 + self.c * x

    def energy(self, x):
        return self.value(x) + self.value(2 * x)


class Net:
    def __init__(self, params):
        self.params = params

    def loss(self, x):
        h = np.tanh(x @ self.params["w"] + self.params["b"])
        return np.sum(h**2)


def _scaled_loss(scale, params, x):
    return scale * np.sum((params["w"] * x) ** 2)


scaled_loss = functools.partial(_scaled_loss, 3.0)


# --- has_aux training steps ------------------------------------------------------------


def step_aux(params, x, y):
    pred = x @ params["w"] + params["b"]
    loss = np.mean((pred - y) ** 2)
    return loss, pred


def step_aux_tuple(params, x, y):
    pred = np.tanh(x @ params["w"])
    err = pred - y
    loss = np.sum(err**2)
    return loss, (np.max(np.abs(err)), loss)


def step_aux_nt(p, x):
    out = np.sum(np.sin(p.w * x)) + p.b
    return out**2, out


def step_aux_metrics(params, x, y):
    pred = x @ params["w"] + params["b"]
    err = pred - y
    loss = np.mean(err**2)
    metrics = {"loss": loss, "max_err": np.max(np.abs(err)), "kind": "mse"}
    return loss, metrics


# --- the rest of issue 12's constructs, each also under `hessian` ------------------------
def make_scaled_loss(scale):  # a closure from a factory: `scale` read from its cell
    def loss(params, x):
        return scale * np.sum((params["w"] * x) ** 2) + params["b"] ** 2

    return loss


factory_loss = make_scaled_loss(1.5)


def _weighted(*terms, **scales):
    return sum(terms) * scales["k"]


def varargs_pass(params, x):  # *args / **kwargs passed through to a helper
    return _weighted(np.sum(params["w"] * x) ** 2, params["b"] ** 2, k=1.5)


def walrus_loop(params, xs):
    total = 0.0
    for v in xs:
        if (t := params["a"] * v) > -10.0:
            total = total + t * t * params["b"]
    return total


def star_layers(ws, x):  # starred unpacking of a list of parameters
    first, *rest = ws
    h = np.tanh(first @ x)
    for w in rest:
        h = np.tanh(w @ h)
    return np.sum(h**2)


def star_tail(ws, x):
    *init, last = ws
    return np.sum(last * x) ** 2 + sum(np.sum(w * x) for w in init) * len(init)


def nested_unpack(params, x):
    (a, b), c = params["pair"], params["c"]
    return np.sum(a * x) * b + c**2 * np.sum(a)


def enumerate_start(params, xs):
    return sum(k * params["a"] * v**2 for k, v in enumerate(xs, start=1)) * params["b"]


def zip_three(params, xs, ys):
    total = 0.0
    for a, b, w in zip(xs, ys, params["ws"]):
        total = total + w * a * b
    return total**2 * params["s"]


def sum_start(params, xs):
    return sum((params["a"] * v * v for v in xs), params["b"] ** 2)


def max_min_lists(params, xs):
    top = max([params["a"] * v * v for v in xs])
    low = min(params["b"] * v for v in xs)
    return top * params["b"] + low * params["a"]


def list_methods(params, x):
    ys = [params["a"] * x]
    ys.extend([params["b"] * x, x * x])
    ys.append(params["a"] * params["b"])
    last = ys.pop()
    mid = ys[1:]
    return last * len(ys) + sum(mid) * ys[0] + ys[-1] ** 2


def fsum_params(params, xs):
    return math.fsum(params["a"] * v**2 for v in xs) * params["b"]


def comp_all(params, xs):
    if all(v > -5.0 for v in xs):
        return sum(params["a"] * v * params["b"] for v in xs) ** 2
    return 0.0


def arrays_in_list(params, x):
    hs = [np.sin(params["w"] * x), np.cos(params["w"]) * x]
    hs.append(hs[0] * hs[1])
    return np.sum(np.array(hs) ** 2) + np.sum(hs[-1])


@dataclass
class CallableLinear:
    """Parameters that are called: `model(x)` is `model.__call__(x)`, as in a PyTorch or
    Flax module."""

    w: np.ndarray
    b: float

    def __call__(self, x):
        return np.tanh(x @ self.w + self.b)


def called_model_loss(model, X, y):
    return np.mean((model(X) - y) ** 2)

"""Containers built inside the differentiated function and walked, changed or rebuilt
there (tests/test_local_dict_iter.py): loops over a local dict's keys, values and items,
loops over written-out (name, value) pairs, `update` with constant keys, dicts first
built in a loop's body.  Each is checked against finite differences in both modes and
its Hessian; CASES lists (function, arguments, parameters differentiated)."""

import math

import numpy as np

W = np.array([0.4, -0.3, 0.8])
B = np.array([0.1, 0.2, -0.5])


# -- a. loops over a dict built in the function --------------------------------------
def weighted_penalties(x, y):
    terms = {"fit": (x - 1.0) ** 2, "reg": 0.1 * y**2, "coupling": x * y}
    weights = {"fit": 1.0, "reg": 2.0, "coupling": 0.5}
    loss = 0.0
    for name, value in terms.items():
        loss = loss + weights[name] * value
    return loss


def product_of_values(x, y):
    factors = {"a": x, "b": math.sin(y), "c": x + y}
    out = 1.0
    for f in factors.values():
        out = out * f
    return out


def norm_by_keys(x, y):
    comps = {"u": x * y, "v": x - y}
    total = 0.0
    for k in comps:
        total = total + comps[k] ** 2
    return math.sqrt(total)


def scale_in_place(x, y):
    state = {"p": x, "q": y}
    for k in state.keys():
        state[k] = state[k] * x  # existing keys only: no size change
    return state["p"] + state["q"] ** 2


def value_seen_when_reached(x, y):
    # .values() is a live view: "b" is read after the first pass changed it
    d = {"a": x, "b": y}
    s = 0.0
    for v in d.values():
        d["b"] = d["b"] * v
        s = s + v
    return s + d["b"]


def nested_layers(x, y):
    net = {"l1": {"w": x, "b": 0.5}, "l2": {"w": y, "b": -0.25}}
    h = 1.0
    for name, layer in net.items():
        h = math.tanh(layer["w"] * h + layer["b"])
    return h


def enumerated_items(x, y):
    coeffs = {"c0": x, "c1": y, "c2": x * y}
    p = 0.0
    for i, (name, c) in enumerate(coeffs.items()):
        p = p + c * 0.5**i
    return p


def pairwise_products(x, y):
    d = {"a": x, "b": y, "c": 2.0}
    s = 0.0
    for i in d:
        for j in d:
            s = s + d[i] * d[j]
    return s


def integer_keys(x, y):
    poly = {0: 1.0, 1: x, 2: y}
    s = 0.0
    for power, c in poly.items():
        s = s + c * x**power
    return s


def arrays_in_a_dict(w, b):
    params = {"w": w * 2.0, "b": b + 1.0}
    reg = 0.0
    for name, p in params.items():
        reg = reg + np.sum(p**2)
    return reg + np.sum(params["w"] * params["b"])


def values_summed(x, y):
    parts = {"kin": 0.5 * y**2, "pot": 1.0 - math.cos(x)}
    return sum(parts.values()) + max(parts.values())


def list_of_values(x, y):
    d = {"a": x, "b": y, "c": x * y}
    v = np.array(list(d.values()))
    return np.sum(v**2) + len(d)


def structure_tests(x, y):
    cfg = {"scale": x, "shift": y}
    out = cfg.get("scale") * x + cfg.get("offset", 0.5)
    if "shift" in cfg:
        out = out + cfg["shift"] ** 2
    return out * len(cfg)


def for_else(x, y):
    d = {"a": x, "b": y}
    s = 0.0
    for v in d.values():
        s = s + v**3
    else:
        s = s * 2.0
    return s


def early_return_from_the_loop(x, y):
    d = {"a": x, "b": y, "c": x * y}
    for k, v in d.items():
        if v > 1.0:
            return v * 2.0
    return x + y


def sub_dict_items(x, y):
    net = {"enc": {"w": x, "b": y}, "dec": {"w": y}}
    s = 0.0
    for name, p in net["enc"].items():
        s = s + p**2
    for layer in net.values():
        s = s + layer["w"]
    return s


def list_of_layer_dicts(x, y):
    layers = [{"w": x, "b": 0.1}, {"w": y, "b": -0.2}]
    h = 1.0
    for layer in layers:
        h = np.tanh(layer["w"] * h + layer["b"])
    return h


# -- b. loops over written-out pairs -----------------------------------------------------
def named_pairs(x, y):
    s = 0.0
    for name, w in (("a", x), ("b", y), ("c", x * y)):
        s = s + w**2
    return s


def bound_pairs(x, y):
    terms = [("data", (x - y) ** 2), ("prior", x**2 + y**2)]
    x = 0.0  # the pairs keep the values they were built from
    total = 0.0
    for label, term in terms:
        total = total + term
    return total + x


def pairs_computed_before_the_loop(x, y):
    # Python builds the pairs before the first pass: the second `w` is the first x * y
    s = 0.0
    for name, w in (("a", x), ("b", x * y)):
        x = x * 2.0
        s = s + w * x
    return s


def enumerated_pairs(x, y):
    s = 0.0
    for i, (name, w) in enumerate((("a", x), ("b", y))):
        s = s + (i + 1) * w**2
    return s


def zipped_names(x, y):
    d = {"a": x, "b": y}
    s = 0.0
    for name, w in zip(("a", "b"), (2.0, 3.0)):
        s = s + w * d[name] ** 2
    return s


def pairs_filling_a_dict(x, y):
    out = {}
    for name, value in (("sq", x * x), ("cube", x**3), ("mix", x * y)):
        out[name] = value * 2.0
    return out["sq"] + out["cube"] * out["mix"]


def keys_written_out(x, y):
    d = {"alpha": x, "beta": y}
    s = 0.0
    for k in ("alpha", "beta"):
        s = s + math.exp(d[k])
    return s


# -- c. a local dict changed with constant keys --------------------------------------
def keyword_update(x, y):
    state = {"pos": x}
    state.update(vel=x * y, acc=-y)
    state["pos"] = state["pos"] + state["vel"]
    return state["pos"] * state["acc"]


def display_update_swap(x, y):
    d = {"a": x, "b": y}
    d.update({"a": d["b"], "b": d["a"] * 3.0})  # both read before either is stored
    return d["a"] ** 2 + d["b"]


def update_in_a_loop(x, y):
    acc = {"m": x, "n": y}
    for _ in range(3):
        acc.update(m=acc["m"] * 0.5 + acc["n"], n=acc["n"] * x)
    return acc["m"]


def union_update(x, y):
    d = {"a": x}
    d |= {"b": y * y}
    d["c"] = d["a"] * d["b"]
    return d["c"] + d["a"]


# -- d. containers first built inside a loop's body ------------------------------------------
def rebuilt_each_pass(x, y):
    s = 0.0
    for i in range(3):
        d = {"a": x * i, "b": y}
        s = s + d["a"] * d["b"]
    return s


def step_state(x, y):
    pos, vel = x, y
    for _ in range(4):
        st = {"pos": pos, "vel": vel}
        st["vel"] = st["vel"] - 0.1 * st["pos"]
        st["pos"] = st["pos"] + 0.1 * st["vel"]
        pos, vel = st["pos"], st["vel"]
    return pos * vel


def built_and_walked_in_loop(x, y):
    s = 0.0
    for i in range(2):
        terms = {"a": x + i, "b": y * i}
        for k, v in terms.items():
            s = s + v * v
    return s


def built_in_a_while(x, y):
    s, n = 0.0, 0
    while n < 3:
        d = {"u": x * n}
        d["v"] = d["u"] * y
        s = s + d["v"]
        n = n + 1
    return s


def rebuilt_in_a_while_true(x, y):
    s = 0.0
    n = 0
    while True:
        d = {"a": x * n, "b": y}
        for v in d.values():
            s = s + v
        n = n + 1
        if n >= 3:
            break
    return s


def built_in_a_branch(x, y):
    if x > 0:
        d = {"a": x, "b": y}
        out = d["a"] * d["b"]
    else:
        out = y
    return out


def list_built_in_loop(x, y):
    s = 0.0
    for i in range(3):
        row = [x * i, y, x * y]
        s = s + row[0] * row[2] + row[1]
    return s


def inner_terms(v):
    e = {"sq": v * v, "lin": v}
    t = 0.0
    for k in e:
        t = t + e[k]
    return t


def walked_in_a_helper_too(x, y):
    d = {"a": x, "b": y}
    s = 0.0
    for k, v in d.items():
        s = s + inner_terms(v)
    return s


def helper_energy(st):
    return 0.5 * st["v"] ** 2 + st["k"] * st["q"] ** 2


def dict_built_in_loop_to_helper(x, y):
    e = 0.0
    for i in range(3):
        st = {"q": x * i, "v": y, "k": 0.5}
        e = e + helper_energy(st)
    return e


def copied_then_changed(x, y):
    base = {"a": x, "b": y}
    trial = dict(base)
    trial["b"] = trial["b"] + 0.1 * x
    other = base.copy()
    other["a"] = 2.0 * y
    return base["a"] * trial["b"] + other["a"] * base["b"]


def regularised(params, x):
    # keys written out index a dict *parameter* (compiler/trees.py unrolls them first)
    s = 0.0
    for name, lam in (("w", 0.1), ("b", 0.01)):
        s = s + lam * np.sum(params[name] ** 2)
    return s * x


P = (1.3, 0.7)
CASES = [
    (weighted_penalties, P, (0, 1)),
    (product_of_values, P, (0, 1)),
    (norm_by_keys, P, (0, 1)),
    (scale_in_place, P, (0, 1)),
    (value_seen_when_reached, P, (0, 1)),
    (nested_layers, P, (0, 1)),
    (enumerated_items, P, (0, 1)),
    (pairwise_products, P, (0, 1)),
    (integer_keys, P, (0, 1)),
    (arrays_in_a_dict, (W, B), (0, 1)),
    (values_summed, P, (0, 1)),
    (list_of_values, P, (0, 1)),
    (structure_tests, P, (0, 1)),
    (for_else, P, (0, 1)),
    (early_return_from_the_loop, P, (0, 1)),
    (early_return_from_the_loop, (0.5, 0.7), (0, 1)),
    (sub_dict_items, P, (0, 1)),
    (list_of_layer_dicts, P, (0, 1)),
    (named_pairs, P, (0, 1)),
    (bound_pairs, P, (0, 1)),
    (pairs_computed_before_the_loop, P, (0, 1)),
    (enumerated_pairs, P, (0, 1)),
    (zipped_names, P, (0, 1)),
    (pairs_filling_a_dict, P, (0, 1)),
    (keys_written_out, P, (0, 1)),
    (keyword_update, P, (0, 1)),
    (display_update_swap, P, (0, 1)),
    (update_in_a_loop, P, (0, 1)),
    (union_update, P, (0, 1)),
    (rebuilt_each_pass, P, (0, 1)),
    (step_state, P, (0, 1)),
    (built_and_walked_in_loop, P, (0, 1)),
    (built_in_a_while, P, (0, 1)),
    (rebuilt_in_a_while_true, P, (0, 1)),
    (built_in_a_branch, P, (0, 1)),
    (built_in_a_branch, (-1.3, 0.7), (0, 1)),
    (list_built_in_loop, P, (0, 1)),
    (dict_built_in_loop_to_helper, P, (0, 1)),
    (walked_in_a_helper_too, P, (0, 1)),
    (copied_then_changed, P, (0, 1)),
]


# -- refused, each beside the rewrite its hint asks for ---------------------------------------
# (REFUSALS: refused function, its rewrite, a phrase of the hint; the refused line is
# marked `# refused`)
def dynamic_key(x, y):
    d = {"a": x, "b": y}
    names = ["a", "b"]
    s = 0.0
    for i in range(2):
        s = s + d[names[i]] ** 2  # refused
    return s


def dynamic_key_fixed(x, y):
    d = {"a": x, "b": y}
    s = 0.0
    for k in ("a", "b"):
        s = s + d[k] ** 2
    return s


def popped(x, y):
    d = {"a": x, "b": y}
    a = d.pop("a")  # refused
    return a * d["b"]


def popped_fixed(x, y):
    d = {"a": x, "b": y}
    a = d["a"]
    return a * d["b"]


def set_default(x, y):
    d = {"a": x}
    d.setdefault("b", y)  # refused
    return d["a"] * d["b"]


def set_default_fixed(x, y):
    d = {"a": x, "b": y}
    return d["a"] * d["b"]


def given_to_fsum(x, y):
    d = {"a": x, "b": y * y}
    return math.fsum(d.values())  # refused


def given_to_fsum_fixed(x, y):
    d = {"a": x, "b": y * y}
    return math.fsum([d["a"], d["b"]])


def left_early(x, y):
    d = {"a": x, "b": y, "c": x * y}
    s = 0.0
    for v in d.values():
        if s > 1.5:
            break  # (each unrolled copy a loop of one pass: it was refused)
        s = s + v * v
    return s


def left_early_fixed(x, y):
    d = {"a": x, "b": y, "c": x * y}
    s = 0.0
    done = False
    for v in d.values():
        if not done:
            if s > 1.5:
                done = True
            else:
                s = s + v * v
    return s


def key_added_in_a_loop(x, y):
    d = {"a": x}
    for i in range(2):
        d["b"] = y * i  # refused
    return d["a"] * d["b"]


def key_added_in_a_loop_fixed(x, y):
    d = {"a": x, "b": 0.0}
    for i in range(2):
        d["b"] = y * i
    return d["a"] * d["b"]


def used_after_its_loop(x, y):
    s = 0.0
    for i in range(3):
        d = {"a": x * i, "b": y}  # refused
        s = s + d["a"] * d["b"]
    return s + d["a"]


def used_after_its_loop_fixed(x, y):
    s = 0.0
    d = {"a": 0.0, "b": 0.0}
    for i in range(3):
        d = {"a": x * i, "b": y}
        s = s + d["a"] * d["b"]
    return s + d["a"]


def changed_while_walking_a_copy(x, y):
    d = {"a": x, "b": y}
    for k, v in list(d.items()):  # refused
        d[k] = v * v
    return d["a"] + d["b"]


def changed_while_walking_a_copy_fixed(x, y):
    d = {"a": x, "b": y}
    e = {}
    for k, v in d.items():
        e[k] = v * v
    return e["a"] + e["b"]


def pairs_left_early(x, y):
    s = 0.0
    for name, w in (("a", x), ("b", y)):
        if w > 1.0:
            continue  # (each unrolled copy a loop of one pass: it was refused)
        s = s + w * w
    return s


def pairs_left_early_fixed(x, y):
    s = 0.0
    for name, w in (("a", x), ("b", y)):
        if not w > 1.0:
            s = s + w * w
    return s


def read_in_a_closure(x, y):
    d = {"a": x, "b": y}

    def scaled(t):  # refused
        return t * d["a"]

    return scaled(y) + d["b"]


def read_in_a_closure_fixed(x, y):
    d = {"a": x, "b": y}

    def scaled(t, a):
        return t * a

    return scaled(y, d["a"]) + d["b"]


# loops left early, unrolled (with the rewrites their refusals used to ask for)
LEFT_EARLY = [(left_early, left_early_fixed), (pairs_left_early, pairs_left_early_fixed)]

REFUSALS = [
    (dynamic_key, dynamic_key_fixed, 'for k in ("a", "b")'),
    (popped, popped_fixed, 'read the value with d["k"]'),
    (set_default, set_default_fixed, "give the key its value where d is built"),
    (given_to_fsum, given_to_fsum_fixed, '[d["a"], d["b"]]'),
    (key_added_in_a_loop, key_added_in_a_loop_fixed, "give d that key where it is built"),
    (used_after_its_loop, used_after_its_loop_fixed, "bind d once before the loop"),
    (changed_while_walking_a_copy, changed_while_walking_a_copy_fixed, "into another dict"),
    (read_in_a_closure, read_in_a_closure_fixed, "pass the values it needs as arguments"),
]

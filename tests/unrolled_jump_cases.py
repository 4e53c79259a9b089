"""Functions for tests/test_unrolled_jumps.py: loops that srcdiff unrolls (over the keys
written out, over a container of parameters) left early with break / continue."""

import numpy as np


def keys_skipped(p, x):
    s = 0.0
    for key in ("a", "b", "c"):
        if key == "b":
            continue
        s = s + p[key] * x
    return s * s


def keys_left(p, x):
    s = 0.0
    for key in ("a", "b", "c"):
        s = s + p[key] * x
        if s > 1.0:
            break
    else:
        s = s * 10.0
    return s * s


def keys_bound_first(p, x):
    s = 0.0
    keys = ("a", "c")
    for key in keys:
        s = s + p[key] ** 2 * x
    return s


def layers_left(ws, x):
    out = x
    for w in ws:
        out = np.tanh(out * w)
        if np.sum(out) > 0.5:
            break
    return np.sum(out**2)


def layers_skipped(ws, x):
    out = x
    for i, w in enumerate(ws):
        if i == 1:
            continue
        out = np.tanh(out * w)
    return np.sum(out)

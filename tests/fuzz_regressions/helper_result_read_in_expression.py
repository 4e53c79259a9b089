# Found by the container families (helper_returns, seeds 0, 5, 9): refused with a hint
# that did not work ("return Pair(...) directly", which the helper did). Was: a helper's
# container result read where it is made, `split(hi, w, 0.5).lo`, kept the container.
# Now the flat view's call is bound first and the read is its leaf
# (compiler/result_reads.py), in Python's order of evaluation.
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Pair(NamedTuple):
    lo: object
    hi: object


@dataclass
class Box:
    lo: object
    hi: object


def sd(x, w):
    return {"lo": np.sin(x) * w, "hi": w * w, "tag": 3}


def sp(x, w):
    return Pair(np.sin(x) * w, w * w)


def sb(x, w):
    return Box(lo=np.cos(x) * w, hi=w * x)


def f(x, w):
    lo = x + sd(x, w)["lo"] * sd(w, x)["tag"]
    a = np.tanh(sp(lo, w).hi) + sp(w, x)[0]
    a = a + sb(a, w).hi * 0.5
    return np.sum(a * a) + np.sum(lo * sd(x, w)["hi"])


ARGS = {"x": np.array([0.3, -0.5, 0.9]), "w": np.array([0.7, 1.1, -0.4])}
WRT = ("x", "w")
HESSIAN = True
EXPECT = "ok"

# Found by hand (lead, 2026-12-04): silent wrong gradient.  Was: a comparison is of the
# int kind, and int joined with a float gave the float (scalar) kind -- but `x > 0` is a
# mask array, so `np.sum(x) * (x > 0)` is an array and the sum's cotangent was not summed
# back from it (reverse mode gave [0, 0, 1, 0] for the ones vector).
import numpy as np


def f(x):
    return (np.sum(x) * (x > 0))[2] + np.sum(x[0] - (x > 0.2))


ARGS = {"x": np.array([0.3, -0.2, 0.6, 0.1])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

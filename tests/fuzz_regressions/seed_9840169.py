# Found by the random-program tester (seed 9840169, family helper_returns): wrong in
# reverse mode. Was: d/dx six times too large: `r = split(...)` keeps a helper's tuple
# result (number-or-array elements) whole, and `r[1]` of it was taken for a number, so
# the adjoint of `hi - w` was summed to one number and broadcast back. Now the analysis
# knows such a tuple may hold arrays.
import numpy as np


def split(x, w, s):
    return np.sin(x), (-0.7 + x)


def f(x, w, s):
    r = split(x, w, s)
    lo, hi = r[0], r[1]
    return np.sum(((hi - w) - (lo * lo)))


ARGS = {
    "x": np.array([[-0.899, -0.813, 0.822], [0.269, -0.32, -1.195]]),
    "w": np.array([[0.687, 0.472, 0.813], [-0.133, -0.693, -0.05]]),
    "s": -0.767,
}
WRT = ("x", "w", "s")
HESSIAN = True
EXPECT = "ok"

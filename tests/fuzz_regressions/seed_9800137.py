# Found by the random-program tester (seed 9800137, family helper_returns): a crash
# (TypeError in scalar_like). Was: `r = split(w, s)` of a helper returning (number,
# array), `lo, hi = r[0], r[1]`: hi taken for a number, so the adjoint of lo (a number
# broadcast against hi) was not summed back. Now the analysis knows the tuple holds arrays.
import numpy as np


def split(w, s):
    return s * 1.5, w * w


def f(w, s):
    r = split(w, s)
    lo, hi = r[0], r[1]
    return np.sum(hi + np.tanh(lo))


ARGS = {"w": np.array([0.745, 0.687]), "s": -0.148}
WRT = ("w", "s")
HESSIAN = True
EXPECT = "ok"

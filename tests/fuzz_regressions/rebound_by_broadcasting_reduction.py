# Found while minimising seed 9810341 (family dict_helper): wrong in reverse mode. Was:
# `r = r + x` where x broadcasts r (3,) to (2, 3): shapes.py gave the old r and the new
# one the same token (the name's), so the old r's adjoint was not summed back and
# np.sum's derivative spread a (2, 3) adjoint over w. Now an operand that is the
# operation's own target never has its shape (the old value restored, unbroadcast).
import numpy as np


def f(x, w):
    r = np.sum(w * w, axis=0)
    r = r + x
    return np.sum(r * r)


ARGS = {
    "x": np.array([[0.0, 0.2, 0.4], [0.6, 0.8, 1.0]]),
    "w": np.array([[1.0, 0.5, -0.3], [0.2, 0.9, 1.1]]),
}
WRT = ("x", "w")
HESSIAN = True
EXPECT = "ok"

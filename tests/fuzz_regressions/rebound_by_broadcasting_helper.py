# Found while minimising seed 9810341 (family dict_helper): wrong in reverse mode (the
# gradient of w of shape (2, 3) for w of shape (3,)). Was: `r = h0(w)` then `r = r + x`
# broadcasting r: the (2, 3) adjoint went to h0's backward sweep whole. Now the old r's
# adjoint is summed back to its shape (shapes.py: one name is never "the same shape").
import numpy as np


def h0(a):
    return np.tanh(a) * 2.0


def f(x, w):
    r = h0(w)
    r = r + x
    return np.sum(r * r)


ARGS = {"x": np.array([[0.0, 0.2, 0.4], [0.6, 0.8, 1.0]]), "w": np.array([1.0, -0.5, 0.3])}
WRT = ("x", "w")
HESSIAN = True
EXPECT = "ok"

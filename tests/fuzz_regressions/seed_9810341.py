# Found by the random-program tester (seed 9810341, family dict_helper): a crash
# (TypeError: only 0-dimensional arrays can be converted to Python scalars). Was: h1
# called with a dict of numbers, its result rebound to an array by `r = r + ... * x`:
# the array adjoint of the old r went into h1's backward sweep made for a number. Now
# the old r's adjoint is summed back to its shape (shapes.py).
import numpy as np


def h1(d):
    return h2(d) + (1.5 + d["c"])


def h2(d, c=0.25):
    return (d["a"] * np.sqrt(d["a"] * d["a"] + 0.25)) * c


def f(x, w, s):
    r = h1({"a": np.log(s * s + 0.5), "b": np.cos(x), "c": np.sin(s)})
    r = r + h1({"a": w, "b": w * s, "c": w + w}) * x
    return np.sum(np.sin(x - r))


ARGS = {"x": np.array([0.852, 0.102, -0.321]), "w": np.array([1.076, -1.137, -0.426]), "s": 1.074}
WRT = ("x", "w", "s")
HESSIAN = True
EXPECT = "ok"

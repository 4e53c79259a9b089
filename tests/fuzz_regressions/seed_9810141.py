# Found by the random-program tester (seed 9810141, family dict_helper): a crash
# (h2_fwd() missing 1 required positional argument: 'c'). Was: a dict display passed to
# h1, which passes it on whole to h2 leaving h2's `c` to its default: a flat view has no
# defaults, and the call from inside h1's flat view did not pass it. Now every call of a
# flat view passes the defaults it leaves out (trees.unbound_defaults).
import numpy as np


def h1(d):
    return h2(d) + d["a"]


def h2(d, c=1.5):
    return (d["a"] + d["b"] * 1.5) * c


def f(x, w, s):
    r = h1({"a": np.exp(np.sin(w)), "b": s, "c": x})
    r = r + h1({"a": 0.5 + s, "b": np.exp(np.sin(s)), "c": s + w}) * x
    return np.sum(r * r * x)


ARGS = {"x": np.array([0.435, 0.006, -0.197]), "w": np.array([0.421, -0.244, -0.895]), "s": -0.883}
WRT = ("x", "w", "s")
HESSIAN = True
EXPECT = "ok"

# Found by the random tester, seed 9995066 (`--families-every 2`): a crash.
# Was: a helper that changes its argument in place (`a0 += ...`) gets a copy of it, and
# srcdiff wrote np.copy(h2()) -- a 0-d int64 array for the Python int h2 returns -- so
# the helper's `a0 += 0.25` failed NumPy's casting rule.  A helper run as it is now gets
# copy.copy of a value that may be a number (the same type in new memory).
import numpy as np


def h1(a0, a1):
    a0 += np.sum(a1) * 0.25
    return a0 * 0.5


def h2(a0=1):
    return a0 + a0


def f(x):
    k = 2
    v = h1(h2(a0=-k), np.array([0.25, -1.2]) * k)
    return h1(h2(), x) + v * np.sum(x) + h1(np.sum(x) * 2.0, x)


ARGS = {"x": np.array([0.017, -0.723, -0.008, 0.704])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

# Found by hand (lead, 2026-12-04): crash / silent wrong gradient.  Was: a name assigned
# more than once had one shape token, so `acc = acc * x` with a scalar `acc` before and
# an array after counted as shape-preserving and the old scalar's cotangent was left an
# array (Horner's rule starting from a coefficient: "setting an array element with a
# sequence"; `s = np.sum(x); s = s + x` gave a wrong gradient).
import numpy as np


def f(x):
    acc = x[0]
    for i in range(3):
        acc = acc * x + x[i]
    s = np.sum(x)
    s = s + x
    return np.sum(acc * x) + np.sum(s * x)


ARGS = {"x": np.array([0.3, -0.2, 0.6, 0.1])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

# Found by hand (code written as users write it, 2026-12-07): a silent wrong Hessian,
# forward over forward.  Was: slogdet's tangent helper returns a tuple (sign, logdet),
# and where both its arguments had tangents (the second pass over `slogdet_jvp(da @ a.T
# + a @ da.T, a @ a.T)`), their terms were added with `+`, which joined the two tuples:
# `(...)[1]` then read the first term alone (0.85 off).  Its rule now says it returns
# several values, so they add item by item (add_each).
import numpy as np


def f(a):
    return np.linalg.slogdet(a @ a.T)[1]


ARGS = {"a": np.array([[3.2, -0.4, 0.7], [0.1, 2.6, -0.5], [0.6, 0.3, 3.9]])}
WRT = ("a",)
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

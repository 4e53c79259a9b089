# Found while minimising seed 9810341 (family dict_helper): wrong in forward mode (d/ds
# 2.0, not 4.0). Was: `r = s * 2.0; r = r + x` with x an array: the tangent of the new
# r is the old r's, a number, and was not broadcast to r's shape (forward.py's
# _may_widen took the old r for one of the new r's shape), so np.sum counted it once.
import numpy as np


def f(x, s):
    r = s * 2.0
    r = r + x
    return 1.5 * np.sum(r) + np.sum(np.sin(r))


ARGS = {"x": np.array([1.0, 2.0]), "s": 0.3}
WRT = ("s", "x")
HESSIAN = True
EXPECT = "ok"

# Found by the Hessian campaign (hess4): forward over reverse was not finite (nan) at a
# negative base where the other modes agree: the helper saves its float exponent, and its
# popped value got a zero tangent, times log(negative base). Now the gradient declares it
# `order: float = _stack.pop()` (np.arange's `np.ndarray`) and the second pass gives it no tangent.
import numpy as np


def by_order(x, order=2):
    return x**order


def f(v):
    s = 0.0
    for i in range(3):
        s = s + by_order(v[0], i + 1.0) + np.sum(by_order(v, np.arange(3) + i))
    return s


ARGS = {"v": np.array([-1.3, 0.4, -0.2])}
WRT = ("v",)
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

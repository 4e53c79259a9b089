# Found by hand (lead, 2026-12-04): crash.  Was: an elementwise rule given a float and a
# mask (`np.maximum(x[0], x > 0)`, `x[0] ** (x > 0)`) took the result for a float: the
# scalar partial of ** (`y * x ** (y - 1) if y else 0.0`) was applied to an array
# exponent, and np.maximum's cotangent of the float was not summed back.
import numpy as np


def f(x):
    return (
        np.sum(np.maximum(x[0], x > 0.2)) + np.sum(x[1] ** (x > 0)) + np.sum(np.sin(x > 0) * x[2])
    )


ARGS = {"x": np.array([0.3, 1.2, 0.6, 0.1])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

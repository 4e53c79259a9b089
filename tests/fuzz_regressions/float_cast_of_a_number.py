# Found by hand while widening the masks family to float32 (2026-12-04): refused.
# Was: np.float64(s) had no rule ("srcdiff has no derivative rule for
# numpy.float64"); it is a cast, identity on the value, as np.asarray(x, dtype).
import numpy as np


def f(x, s, z):
    m = x.astype(np.float32) > 0.2
    a = np.float64(s) * np.float64(np.sum(x))
    return np.sum(np.where(m, a * x, np.float64(z) ** 2)) + np.float64(x)[1] ** 3


ARGS = {"x": np.array([1.01, 0.167, 1.067]), "s": 0.38, "z": np.array(-0.999)}
WRT = ("x", "s", "z")
HESSIAN = True
EXPECT = "ok"

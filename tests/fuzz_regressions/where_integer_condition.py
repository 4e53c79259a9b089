# Found by the masks family (tools/fuzz/rebind_families.py, seed 9950046): silent wrong
# gradient.  Was: np.where's partial with respect to x was the condition itself, so an
# integer condition (np.arange: 0, 1, 2) scaled the cotangent by 2 where it should select.
import numpy as np


def f(x, s, z):
    m0 = np.arange(x.size).reshape(x.shape)
    t0 = np.where(m0, z, 0.5 * z)
    return np.sum(t0**2) + np.sum(np.where(m0 - 1, x * s, x))


ARGS = {"x": np.array([1.01, 0.367, 1.067]), "s": -0.342, "z": np.array(-0.999)}
WRT = ("x", "s", "z")
HESSIAN = False
EXPECT = "ok"

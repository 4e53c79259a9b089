# Found by the masks family (tools/fuzz/rebind_families.py, seed 9970000): refused.
# Was: np.isclose had no rule ("srcdiff has no derivative rule for numpy.isclose"); it
# is a comparison, a mask that carries no derivative, as np.equal.
import numpy as np


def f(x, s, z):
    m0 = np.isclose(x, np.max(x))
    t0 = np.where(m0, np.array(s), 0.5 * np.array(s))
    t1 = np.where(np.isclose(x, s, atol=0.1), 1.5, x[::-1]) * np.allclose(x, x)
    return np.sum(t0**2 * x) + np.sum(t1 * x) + np.mean(np.sin(z - np.isnan(x)))


ARGS = {"x": np.array([1.01, 0.367, 1.067]), "s": 0.38, "z": np.array(-0.999)}
WRT = ("x", "s", "z")
HESSIAN = True
EXPECT = "ok"

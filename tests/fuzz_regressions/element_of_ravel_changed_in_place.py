# Found by the rebinding family (tools/fuzz/rebind_families.py, seed 9970052): refused.
# Was: `acc = np.ravel(x)[0]; acc -= ...` was refused as a change in place to x, though
# an array indexed down to one element is a NumPy scalar, a copy (np.ravel's rank was
# unknown, and an element of an array was taken to share the array's memory).
import numpy as np


def f(x, s, z):
    acc = np.ravel(x)[0]
    b = s
    acc -= acc * (~(x > 0.3))
    acc += z * x.ravel()[1]
    return np.sum(np.cos(acc)) + np.sum(acc * x) + np.sum(b)


ARGS = {"x": np.array([0.21, 0.55, 0.93]), "s": 0.688, "z": np.array(0.404)}
WRT = ("x", "s", "z")
HESSIAN = True
EXPECT = "ok"

# Found by hand (code written as users write it, 2026-12-04): a crash in reverse mode.
# Was: M = np.vstack([M, row]) in a loop: the cotangent of the new M got the old M's
# shape (like(dM, M) after the restore), and NumPy failed to broadcast (3, 4) with (4, 4).
import numpy as np


def f(x):
    M = x[None, :]
    for i in range(3):
        M = np.vstack([M, np.tanh(M[-1] * x)])
    return np.sum(M @ x)


ARGS = {"x": np.array([0.45, 0.9, 0.6, 1.05])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

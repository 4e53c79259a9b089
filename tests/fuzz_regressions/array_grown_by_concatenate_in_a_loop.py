# Found by hand (code written as users write it, 2026-12-04): a crash in reverse mode.
# Was: `out = np.concatenate([out, t])` in a loop gave the cotangent of the new, longer
# out the shape of the old one -- like(dout, out) read out after its old value was
# restored -- and NumPy failed to broadcast (7,) against (9,).  The shapeless zero now
# takes its shape before the restore.  np.append and np.vstack failed the same way.
import numpy as np


def f(x):
    out = np.array([])
    for i in range(3):
        out = np.concatenate([out, x[i:] * (i + 1)])
    grown = np.zeros(1)
    for i in range(3):
        grown = np.append(grown, x[i] * grown[-1] + x[i])
    return np.sum(np.sin(out)) + np.sum(grown**2)


ARGS = {"x": np.array([0.3, -0.5, 0.8, 1.1])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

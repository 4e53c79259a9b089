# Known bug (i) of round three, 2026-12-04: the Hessian refused with the hint "index with
# integers" (which can't be followed: the index is two integers); the gradient was right.
# Was: the reverse code saves the loop's index `index1 = [0, 2]` on its tape and pops it
# back; the popped value took the tape's activity, so forward mode over that code took
# the index to be differentiated.  A restore `v = _stack.pop()` of a name the tape saved
# by name now keeps v's own kind and activity (analysis._restores).
import numpy as np


def f(x, s):
    y = x * 1.0
    for i in range(2):
        y[[0, 2]] = y[[1, 1]] * s
        y[[i, 2]] = y[[2, i]] * y[[1, 0]]
    return np.sum(np.sin(y)) + s * y[0]


ARGS = {"x": np.array([0.2, -0.5, 0.9]), "s": 0.3}
WRT = ("x", "s")
HESSIAN = True
EXPECT = "ok"

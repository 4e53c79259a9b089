# Found by hand (adversarial campaign adv4, 2026-12-07): silently wrong.
# Was: `for k in D` of a module-level dict was walked by position, `k = D[i]`, so k
# took the dict's values (1, 2, 0) instead of its keys (0, 1, 2): a wrong derivative
# of a loop whose order matters, with no error; `sorted(D)` sorted the positions by
# the values.  Now a dict, set or iterator is walked as `tuple(it)` (compiler/unindexed.py).
import numpy as np

D = {0: 1, 1: 2, 2: 0}
WEIGHTS = {0: 2, 1: 2, 2: 1}


def f(x):
    s = 0.0
    for k in D:
        s = s * x[k] + 1.0
    for k in sorted(WEIGHTS):
        s = s * x[k] + WEIGHTS[k]
    return s


ARGS = {"x": np.array([0.3, 0.5, -0.2])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

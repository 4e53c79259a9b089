# Found by hand (adversarial campaign adv4, 2026-12-07): crashed.
# Was: a loop over map(...), itertools.product(...) or itertools.combinations(...)
# was walked by position: "TypeError: object of type 'map' has no len()".  Now it is
# walked as `tuple(it)`, the iterator made once before the loop, as Python does.
import itertools

import numpy as np


def f(x):
    s = 0.0
    for k in map(int, [0.0, 2.0]):
        s = s + x[k] ** 2
    for i, j in itertools.product(range(2), range(2)):
        s = s * x[i] + x[j]
    for i, j in itertools.combinations(range(3), 2):
        s = s + x[i] * x[j]
    return s


ARGS = {"x": np.array([0.3, 0.5, -0.2])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

# Found by hand (adversarial campaign adv4, 2026-12-07): crashed.
# Was: a loop over a set (a display, a comprehension, set(...), frozenset(...)),
# also inside a generator or `list(...)`, was walked by position, and the generated
# code raised "TypeError: 'set' object is not subscriptable"; unpacking one too.
# Now it is walked as `tuple(it)`, in the order Python's `for` gives.
import numpy as np


def f(x):
    ks = {i % 2 for i in range(4)}
    s = sum(x[k] for k in ks)
    for k in {0, 2}:
        s = s * x[k] + 1.0
    for k in list(set([2, 1, 2])):
        s = s * x[k] + 2.0
    for k in frozenset((0, 1)):
        s = s + x[k] ** 2
    a, b = {1, 2}
    return s + x[a] * x[b]


ARGS = {"x": np.array([0.3, 0.5, -0.2])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"

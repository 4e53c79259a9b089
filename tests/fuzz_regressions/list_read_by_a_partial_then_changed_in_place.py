# Found by hand (the random tester now appends to a list after reading it).  Was: reverse
# mode kept inactive sub-expressions inline in the partials the backward sweep computes
# (`len(l1)` in `x * len(l1)`, `l2[-1]`, `y[0]`), and the save analysis saved only names
# that are assigned again -- not a list changed by a method or an array assigned into by
# an inactive loop -- so the backward sweep read them as the function left them:
# x * len(l1) then l1.append(3.0) gave 3.0 where the derivative is 2.0 (silently).  Now
# split hoists such a sub-expression into a temporary (saved as any value is), and
# reverse/saves.py restores a name changed in place, from a copy, where the sweep reads it.
import numpy as np


def f(x, w):
    l1 = [1.0, 2.0]
    t = 0.0
    for k in range(2):
        t = t + x * len(l1)
        l1.append(3.0)
    l2 = [w, w * 2.0]
    v = np.sum(x * l2[-1])
    l2.append(w * 3.0)
    y = np.array([1.0, 2.0])
    u = x * y[0] + np.sum(w * y)
    for i in range(2):
        y[i] = 5.0
    l3 = [w * (i + 1) for i in range(3)]
    p = l3.pop(0)
    q = np.sum(p * p) * len(l3)
    l3.append(w)
    return t + v + u + q + np.sum(l2[0]) + len(l3) * x


ARGS = {"x": 0.7, "w": np.array([0.3, -0.5])}
WRT = ("x", "w")
HESSIAN = True
EXPECT = "ok"

# Found by hand (lead, 2026-12-04) beside the rebinding family: silent zero gradient.
# Was: a name that holds an object (a string) before it is given a differentiated number
# never became active -- its kind, the join of both, carries no derivative -- so
# reverse and forward mode returned 0.0.  Now refused at the differentiated assignment,
# with the hint to keep differentiated values in variables of their own.
import numpy as np


def f(x, s):
    y = "start"
    for i in range(2):
        y = x * s + i
    return np.sum(y * 1.5)


ARGS = {"x": np.array([0.3, 0.7]), "s": 1.2}
WRT = ("x", "s")
HESSIAN = False
EXPECT = "refused"

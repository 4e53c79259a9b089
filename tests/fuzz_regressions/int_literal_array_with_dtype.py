# Found reviewing the change (lead, 2026-12-04): a wrong refusal.  Was: np.array of a
# display of ints counted as an integer index even with dtype=float, so storing a
# differentiated value into it was refused ("it is not a NumPy array").
import numpy as np


def f(x):
    y = np.array([0, 2], dtype=float)
    y[0] = x
    z = np.asarray([1, 2], float) * x
    return np.sum(y * y) + np.sum(z * z)


ARGS = {'x': 1.5}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

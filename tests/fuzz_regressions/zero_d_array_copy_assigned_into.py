# Found by JAX's IndexedUpdateTest (tools/suites): `z = x.copy()` of a 0-d array, then
# `z[None] = y`, was refused ("index assignment into NumPy arrays; 'z' is not one") once
# analysis ranked `.copy()` and `np.zeros(shape)`: a rank of 0 read as a number. A 0-d
# array's copy, and `np.zeros(())`, are 0-d arrays: their rank is left unknown (an array).
import numpy as np


def f(x, y):
    z = x.copy()
    z[None] = y * 2.0
    z[()] += np.sin(x)
    u = np.zeros(())
    u[()] = x * y[0]
    return np.sum(z * 1.25) + np.sum(u * z)


ARGS = {'x': np.array(0.7), 'y': np.array([0.4])}
WRT = ('x', 'y')
HESSIAN = True
EXPECT = 'ok'

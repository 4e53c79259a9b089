# Found by the random-program tester (seed 590): crash in forward.
# Was: AxisError: axis 1 is out of bounds for array of dimension 0
import numpy as np

def h0(a0, a1=3.0):
    return (a0, a1)

def f(x, w, s):
    v3, v4 = (s ** 3, s * (0.25 / (1.0 * 1.0 + 0.5)))
    if v3 > np.mean(w):
        v6, s = h0(v4 * 2.0 * (v4 * s), a1=v3 * 1.5 / (np.mean(np.array([0.3, 3.0, 1.5])) * np.mean(np.array([0.3, 3.0, 1.5])) + 0.5))
        v4 = np.sum((np.array([3.0, 0.3, 0.25, 0.5, 2.0, -1.2, -0.7, 1.0, 1.5]).reshape((3, 3)) - v3).sum(axis=1))
    else:
        pass
    return np.mean(np.sin(x))


ARGS = {'x': np.array([0.487, -0.572, 0.576, 1.147]), 'w': np.array([-0.25, 0.727, -0.677, 0.567]), 's': 0.713}
WRT = ('x', 'w', 's')
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 102609): wrong in reverse (and forward).
# Was: d/dx[0]: srcdiff 1.0, differences 0.0 -- y holds integers (np.full of an int), so
# y[0] = v truncates v, and keeps none of its derivative; both modes passed it on.
import numpy as np

def f(x, n):
    y2 = np.full(4, n)
    v4 = x.sum()
    y2[0] = v4.sum()
    return np.sum(y2)


ARGS = {'x': np.array([0.807, 0.317, 0.55, 0.314]), 'n': 2}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

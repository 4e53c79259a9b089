# Found by the random-program tester (seed 106245): wrong in reverse.
# Was: d/dx[0]: srcdiff 5.96, differences 5.191999999996237 -- `x += t` handed the array
# of dx to dt as well and kept it as x's own adjoint; add_at then changed dx (x is
# indexed, so its adjoint is updated in place) and with it dt.  (`x[1.0 > 0.0]` is
# the minimiser's `x[True]`; the seed had `x[x > 0.0]`.)
import numpy as np

def f(x):
    x += x ** 2 + np.sum(x[1.0 > 0.0])
    return np.sum(x)


ARGS = {'x': np.array([0.096, 0.013, 1.101, -1.179])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

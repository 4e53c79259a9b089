# Found by the random-program tester (seed 802844): wrong in reverse.
# Was: d/dx[0]: srcdiff 0.0, differences -2.1239999999977486
# (x = x[::1]: the old x's adjoint was started over the new one's before reading it)
import numpy as np

def f(x):
    x = x[::1]
    v3 = np.dot(x, x)
    return v3


ARGS = {'x': np.array([-1.062, 0.975, -0.326, 1.141])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

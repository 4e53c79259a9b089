# Found by the random-program tester (seed 1): crash in forward.
# Was: ValueError: cannot broadcast a non-scalar to a scalar array
import numpy as np

def h0(a0, a1, a2):
    a0 /= np.dot(a2, a2)
    return a0

def f(x):
    x = np.array([1.0, 1.0, 1.0])
    return h0(1.0, a1=1.0, a2=1.0 * x)


ARGS = {'x': np.array([0.028, 1.081, -0.854, 1.077])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

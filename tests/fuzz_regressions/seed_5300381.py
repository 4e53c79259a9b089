# Found by the random-program tester (seed 5300381): crash in hessian.
# Was: ValueError: setting an array element with a sequence (generated `g2, = asarray_vjp(...)`
# was differentiated again as `g2 = asarray_vjp(...)`: a one-element unpacking lost its comma).
import numpy as np

def f(x):
    v7 = x[3]
    x += np.concatenate([np.array([v7]), np.arange(3.0).reshape(3)])
    return np.mean(x)


ARGS = {'x': np.array([1.172, 0.261, 0.378, 0.145])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

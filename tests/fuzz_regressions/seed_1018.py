# Found by the random-program tester (seed 1018): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import numpy as np

def h0(a0, a1):
    return 1.0

def f(x):
    x = np.sum(x) - np.arange(4.0).reshape(4)
    v3 = h0(1.0, a1=x[1])
    return 1.0


ARGS = {'x': np.array([0.226, -0.108, 0.892, 0.755])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

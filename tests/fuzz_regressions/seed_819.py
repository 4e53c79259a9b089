# Found by the random-program tester (seed 819): crash in forward.
# Was: ValueError: all input arrays must have the same shape
import numpy as np

def h0(a0, a1):
    v2 = np.stack([np.array([1.0, 1.0, 1.0]) + a0, np.ones((3, 3))[0], [1.0, 1.0, 1.0]])
    return 1.0

def f(s):
    return h0(s, a1=1.0)


ARGS = {'s': 0.751}
WRT = ('s',)
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 76): crash in forward.
# Was: ValueError: cannot reshape array of size 1 into shape (3,1)
import numpy as np

def f(s):
    v2, v3 = (1.0, s)
    return np.mean((np.linspace(1.0, 1.0, 3).reshape(3) - v3).reshape(3, 1))


ARGS = {'s': -0.746}
WRT = ('s',)
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 8): wrong in forward.
# Was: d/ds: reverse -5, forward -1, differences -5
import numpy as np

def f(s):
    return np.sum(np.arange(5.0).reshape(5) - s)


ARGS = {'s': -0.621}
WRT = ('s',)
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 267): crash in forward.
# Was: IndexError: too many indices for array: array is 0-dimensional, but 1 were indexed
import numpy as np

def f(s):
    y4 = np.array(np.arange(4.0).reshape((2, 2)) - s)
    return np.sum(y4[1])


ARGS = {'s': 0.085}
WRT = ('s',)
HESSIAN = True
EXPECT = 'ok'

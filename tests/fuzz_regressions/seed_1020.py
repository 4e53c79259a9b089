# Found by the random-program tester (seed 1020): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import numpy as np

def f(s):
    s *= np.sum(1.0)
    return (np.arange(5.0).reshape(5) + s)[1]


ARGS = {'s': 0.899}
WRT = ('s',)
HESSIAN = True
EXPECT = 'ok'

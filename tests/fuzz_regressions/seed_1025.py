# Found by the random-program tester (seed 1025): crash in forward.
# Was: IndexError: tuple index out of range
import numpy as np

def f(x):
    return np.tensordot(x[2] + (4, 2), np.sum(np.ones((3, 2)), axis=0), axes=1)


ARGS = {'x': np.array([0.771, 0.31, -0.811, -0.581])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

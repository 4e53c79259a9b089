# Found by the random-program tester (seed 354): crash in forward.
# Was: ValueError: einstein sum subscripts string contains too many subscripts for operand 1
import numpy as np

def f(s):
    x = np.einsum('ij,j->i', np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).reshape((4, 3)), np.array([1.0, 1.0, 1.0]) - s)
    return 1.0


ARGS = {'s': 0.964}
WRT = ('s',)
HESSIAN = False
EXPECT = 'ok'

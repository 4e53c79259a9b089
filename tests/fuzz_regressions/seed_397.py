# Found by the random-program tester (seed 397): crash in forward.
# Was: ValueError: einstein sum subscripts string contains too many subscripts for operand 0
import numpy as np

def f(x, w):
    v1 = np.einsum('ik,kj->ij', w - x[x > 0.0], np.array([1.0, 1.0, 1.0, 1.0]).reshape((2, 2)))
    return 1.0


ARGS = {'x': np.array([-0.171, 0.704, 0.079, -0.473]), 'w': np.array([[0.634, -0.642], [-0.497, 1.005], [0.061, -1.083]])}
WRT = ('x', 'w')
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 1009): crash in forward.
# Was: ValueError: einstein sum subscripts string contains too many subscripts for operand 0
import numpy as np

def f(x, w):
    return np.mean(np.einsum('ij,j->i', np.sum(w) - np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).reshape((4, 4)), x))


ARGS = {'x': np.array([-1.064, -0.415, -1.08, -0.525]), 'w': np.array([[0.782, 0.262], [0.15, -0.005], [-1.132, -0.835]])}
WRT = ('x', 'w')
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 634): crash in forward.
# Was: ValueError: matmul: Input operand 1 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)
import numpy as np

def f(x, s):
    v1 = x
    v2 = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).reshape((4, 4)) @ (v1 - s)
    return 1.0


ARGS = {'x': np.array([1.03, 0.175, -0.747, 0.611]), 's': 0.925}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'ok'

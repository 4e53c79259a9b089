# Found by the random-program tester (seed 41): crash in forward.
# Was: ValueError: matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)
import numpy as np

def f(x, w):
    v4 = max(np.sum(x * w), min(np.mean(w), np.sum(w)))
    if v4 > 0.0 and v4 < 1.0:
        v5 = ((v4 + np.full((4, 3), np.sum(x))) @ -np.array([2.0, 1.5, 1.5, 0.5, 1.0, -0.7]).reshape((3, 2))).sum(axis=1)
    else:
        pass
    return np.sum(x)


ARGS = {'x': np.array([1.09, 0.643, -0.898, 0.785]), 'w': np.array([0.838, -0.361, 0.027, 0.246])}
WRT = ('x', 'w')
HESSIAN = False
EXPECT = 'ok'

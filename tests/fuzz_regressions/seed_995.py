# Found by the random-program tester (seed 995): crash in forward.
# Was: ValueError: matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)
import numpy as np

def f(s):
    v1 = s
    if not s > 0.5:
        pass
    else:
        v7 = ((v1 + np.ones((2, 2))) @ (np.arange(4.0).reshape((2, 2)) * 0.25 - np.min(np.array([-0.7, 0.25, -1.2, 0.25]).reshape((2, 2)), axis=1, keepdims=True))).T
        if 0.3 <= 2.0:
            return np.sum(v7.T)
    return np.sum((-np.linspace(-1.0, 1.0, 5).reshape((5,)))[1:]) + v1 * 1.0


ARGS = {'s': 0.825}
WRT = ('s',)
HESSIAN = False
EXPECT = 'ok'

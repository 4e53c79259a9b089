# Found by the random-program tester (seed 299): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import numpy as np

def f(x, w):
    v6 = w + np.sum(x)
    v7 = v6[v6.sum() - v6 > 0.0]
    return 1.0


ARGS = {'x': np.array([0.509, -0.282, -1.133, 0.527]), 'w': np.array([[0.322, 0.014], [-1.057, -0.776]])}
WRT = ('x', 'w')
HESSIAN = False
EXPECT = 'ok'

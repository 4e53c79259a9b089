# Found by the random-program tester (seed 1308): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import numpy as np

def f(w):
    w = (np.arange(5.0).reshape(5) - np.dot(w, w))[1]
    return 1.0


ARGS = {'w': np.array([-0.377, -1.039, -0.957, 1.085])}
WRT = ('w',)
HESSIAN = True
EXPECT = 'ok'

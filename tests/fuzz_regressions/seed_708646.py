# Found by the random-program tester (seed 708646): crash in reverse.
# Was: AttributeError: 'float' object has no attribute 'pop'
# (a saved copy of the user's `_stack` took the name the unit had chosen for its stack)
import numpy as np
def h1(a0, a1, a2):
    return 1.0

def f(w):
    v7, _stack = (1.0, 1.0)
    _stack *= h1(1.0, w, 1.0)
    return _stack


ARGS = {'w': np.array([[-0.446, -0.575], [0.695, 0.775], [-0.826, -0.497]])}
WRT = ('w',)
HESSIAN = False
EXPECT = 'ok'

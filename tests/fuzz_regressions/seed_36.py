# Found by the random-program tester (seed 36): crash in reverse.
# Was: ValueError: cannot reshape array of size 1 into shape (4,)
import numpy as np
def f(x, w):
    for i2 in range(len(w)):
        v4 = x + -1
    return 1.0


ARGS = {'x': np.array([-0.766, -0.244, 0.945, -0.232]), 'w': np.array([0.439, 0.027, 0.085, 0.901])}
WRT = ('x', 'w')
HESSIAN = True
EXPECT = 'ok'

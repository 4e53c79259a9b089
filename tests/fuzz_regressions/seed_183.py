# Found by the random-program tester (seed 183): crash in reverse.
# Was: ValueError: cannot reshape array of size 1 into shape (4,)
import numpy as np

def f(x, s):
    if not s > 0.5:
        y1 = (x + x).copy()
        for i2 in range(2):
            y3 = np.cumsum(y1).copy()
    else:
        pass
    return 1.0


ARGS = {'x': np.array([1.083, 0.966, 0.453, -1.009]), 's': -0.357}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'ok'

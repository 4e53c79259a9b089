# Found by the random-program tester (seed 298): crash in forward.
# Was: TypeError: 'float' object is not subscriptable
import numpy as np
def f(x, s):
    s = (x + s)[1.0 > 0.0]
    return 1.0


ARGS = {'x': np.array([0.042, 0.298, -0.106, 1.035]), 's': 0.3}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'ok'

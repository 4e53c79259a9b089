# Found by the random-program tester (seed 4002162): crash in forward.
# Was: ValueError: all input arrays must have the same shape (forward mode: np.stack got
# the explicit shapeless 0.0 tangent of w, set where the branches join)
import math
import numpy as np

def h2(a0, a1):
    return math.cos(-a1[0])

def f(x, w, s):
    if s <= 1.5:
        pass
    elif s > 0.3:
        w += x - w + np.cumsum(x)
    else:
        v6 = math.fabs(s)
    return np.sum(np.min(np.stack([np.array([-0.7, -1.2, -0.7, -0.7]), x, w]), axis=0)) + h2(s, a1=np.array([s, s, s]))


ARGS = {'x': np.array([0.183, 0.139, 0.817, -0.899]), 'w': np.array([-0.086, 0.742, 0.65, 1.091]), 's': 1.118}
WRT = ('x', 'w', 's')
HESSIAN = False
EXPECT = 'ok'

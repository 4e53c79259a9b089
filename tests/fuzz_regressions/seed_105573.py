# Found by the random-program tester (seed 105573): wrong in reverse.
# Was: d/dx: reverse [nan nan nan nan], forward [-1 -1 -1 -1], differences -1 -- the
# reversed loop made a zero adjoint explicit for its loop variable, which nothing reads,
# and the zero met math.hypot's partial at (0, 0), x / out = 0 / 0: 0 * nan.  Now the
# loop zeroes only adjoints that may reach the output (analysis.useful_names), and
# hypot's derivative at (0, 0) is 0, as np.linalg.norm's.
import math
import numpy as np

def h2(a0):
    if a0 <= 3.0:
        return a0 - a0
    return max(1.5, a0)

def f(x):
    k5 = 0
    while k5 < 2:
        k5 += 1
        v6 = x.sum() / (np.max(x) * np.max(x) + 0.5) * h2(h2(k5))
        for i7 in reversed([v6, math.hypot(v6, v6), x[2]]):
            pass
    return np.sum(-x)


ARGS = {'x': np.array([0.579, 1.177, -1.061, -0.485])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

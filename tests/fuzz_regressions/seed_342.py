# Found by the random-program tester (seed 342): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import math
import numpy as np

def f(x, s):
    v7 = -np.mean(x) - -np.ones((3, 2)) * np.abs(np.array([3.0, -1.2, 0.5, 3.0, -1.2, 1.5]).reshape((3, 2)))
    if float(np.sum(v7 * v7)) < 1.5:
        pass
    else:
        v9 = 1.5 ** math.tanh(np.sum(v7[v7 > 0.0])) - math.hypot(np.linalg.norm(np.full((3, 2), 3.0)), 0.25 / (s * s + 0.5))
    return np.mean(np.sin(np.cbrt(x * x + 0.5) * (x * x)))


ARGS = {'x': np.array([0.23800000548362732, -0.06700000166893005, -0.8700000047683716, -0.9200000166893005], dtype=np.float32), 's': -0.038}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'ok'

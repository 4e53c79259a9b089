# Found by the random-program tester (seed 868): crash in forward.
# Was: TypeError: 'float' object is not subscriptable
import math
import numpy as np
from numpy import sum as total

def f(x, s):
    v1, v2 = (math.asinh(s + s), math.exp(math.tanh(float(total(np.array([0.25, 0.25, 0.3, -0.7]) * np.array([0.25, 0.25, 0.3, -0.7]))))) + np.dot(np.full((4,), s), x))
    if s <= 0.25:
        y3 = (v1 - x).copy()
        y3 = np.dot(np.minimum(np.linspace(-1.0, 1.0, 8).reshape((4, 2)), np.arange(8.0).reshape((4, 2)) * 0.25) - (x + x)[:, None], s * np.array([1.0, -1.2]) + math.log(y3[0] * y3[0] + 1.5, 2.0))
    else:
        pass
    return math.copysign(np.linalg.norm(x * x), math.pow(v1 / (v2 * v2 + 0.5) * (v1 / (v2 * v2 + 0.5)) + 0.5, math.tanh(s * 0.5)))


ARGS = {'x': np.array([-0.156, -0.092, 0.86, 0.388]), 's': 0.176}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'ok'

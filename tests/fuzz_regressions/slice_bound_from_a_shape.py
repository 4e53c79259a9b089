# Found by the random-program tester (tools/fuzz/families.py, inplace family, seed 4):
# refused: "srcdiff cannot differentiate an index that depends on a differentiated value".
# Was: a slice's bounds had no rule in the activity analysis, which then took any
# differentiated name inside (`y` of `y[::2].shape[0]`) for a differentiated bound;
# a shape is an integer.
import numpy as np


def f(x, s):
    y = x.copy()
    y[::2] *= np.tanh(y[1::2][: y[::2].shape[0]])
    z = y[: x.shape[0] - 1 : max(1, x.ndim)]
    return np.sum(y * y) + s * np.sum(z[: len(x) // 2])


ARGS = {'x': np.array([0.5, -0.3, 0.8, 0.1, -0.6, 0.2]), 's': 0.3}
WRT = ('x', 's')
HESSIAN = True
EXPECT = 'ok'

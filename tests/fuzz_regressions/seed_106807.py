# Found by the random-program tester (seed 106807): crash in reverse.
# Was: AttributeError building the refusal for an alias of an argument changed in place
import numpy as np


def f(x, s):
    v1 = x
    v1 += s
    return np.mean(np.sin(x + v1))


ARGS = {'x': np.array([0.313, 1.181, -0.357, -1.126]), 's': 0.34}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'refused'

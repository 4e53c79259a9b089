# Found by the random-program tester (tools/fuzz/families.py, inplace family, seed 58):
# forward mode changed the caller's argument.
# Was: "argument 'x' was modified": the optimiser's arithmetic folding turned the
# primal statement `y = x * 1.0` (a copy) into `y = x` (an alias), so `y[-1] = ...`
# wrote into x.  Folding now keeps an operation that a user variable's value needs to
# be a new array.
import numpy as np


def f(x, s):
    y = x * 1.0
    z = 1.0 * x
    w = x ** 1
    for i in range(2):
        y[-1] = y[0] * 0.5 + y[-1]
        z[0] = s * z[1]
        w[1] = np.sin(w[0])
        y += np.cos(y) * 0.1
    return np.sum(np.exp(np.cos(y))) + s * np.sum(y) + np.sum(z * w)


ARGS = {'x': np.array([0.83, -0.863, -0.467, -0.868]), 's': 0.064}
WRT = ('x', 's')
HESSIAN = True
EXPECT = 'ok'

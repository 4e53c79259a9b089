# Found by the random-program tester (tools/fuzz/families.py, inplace family): a crash.
# Was: SyntaxError in generated code: normalize hoisted the index of `y[: len(x) // 2] = v`
# (a slice with a computed bound) into `index1 = : len(x) // 2`, which is no expression;
# now it hoists the bounds (`index1 = len(x) // 2; y[:index1] = v`).  The gradient of
# `dt[: y.shape[0]] += g` hit it in Hessians too.
import numpy as np


def f(x):
    y = x.copy()
    y[: len(x) // 2] = np.sin(y[1 : x.shape[0] // 2 + 1])
    y[1 : x.shape[0] - 1] *= 2.0
    y[:: max(1, x.ndim)] += y[0]
    return np.sum(y * y)


ARGS = {'x': np.array([0.5, -0.3, 0.8, 0.1])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

# Found by autograd's suite (test_non_numpy_sum, tools/suites): wrong in reverse mode.
# Was: an element of a list of arrays ([x, y][i], as sum([x, y]) walks it) was taken for a
# number, so s = 0; s = s + seq[i] summed the cotangent to one number for every element.
import numpy as np

W = np.linspace(0.5, 2.0, 12).reshape((3, 4))


def f(x, y):
    seq = [x, y]
    s = 0
    for i in range(2):
        s = s + seq[i]
    return np.sum(W * s) + np.sum(W * sum([x * y, y]))


ARGS = {'x': np.linspace(-1.0, 1.0, 12).reshape((3, 4)), 'y': np.linspace(0.3, 2.0, 12).reshape((3, 4))}
WRT = ('x', 'y')
HESSIAN = True
EXPECT = 'ok'

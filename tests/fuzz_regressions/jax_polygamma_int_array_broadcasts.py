# Found by JAX's suite (lax_scipy_special_functions_test.py polygamma, tools/suites): wrong
# shape.  Was: an integer array argument (polygamma's order n, shape (3, 1)) was taken for
# a number by the shape analysis, so the cotangent of x (shape (1, 4)) was not summed back
# from the broadcast result's (3, 4).
import numpy as np
from scipy import special

W = np.linspace(0.5, 2.0, 12).reshape((3, 4))


def f(n, x):
    return np.sum(special.polygamma(n, x) * W)


ARGS = {'n': np.array([[1], [2], [1]]), 'x': np.array([[1.5, 2.0, 2.5, 1.2]])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

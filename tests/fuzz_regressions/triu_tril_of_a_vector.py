# Found by the random-program tester (tools/fuzz/families.py, pipeline family, seed 162):
# wrong in reverse mode, the gradient of a (4,) argument had shape (4, 4).
# Was: np.triu / np.tril of a 1-D array make a square matrix (the row repeated, then
# masked); the rule's vjp gave that matrix back instead of summing it to the row.
import numpy as np


def f(x):
    return np.sum(np.sin(np.triu(x, 1))) + np.sum(np.tril(x) ** 2)


ARGS = {'x': np.array([0.5, -0.3, 0.8])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

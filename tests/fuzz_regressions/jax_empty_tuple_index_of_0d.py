# Found by JAX's suite (lax_numpy_indexing_test.py testStaticIndexingGrads, EmptyIndex):
# a crash.  Was: the rank of `x[()]` for a 0-d array x took max() of no index arrays
# (ValueError inside srcdiff's shape analysis).
import numpy as np


def f(x):
    return x[()] ** 2 * 1.25


ARGS = {'x': np.array(0.7)}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

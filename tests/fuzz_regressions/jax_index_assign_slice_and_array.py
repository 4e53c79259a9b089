# Found by JAX's suite (lax_numpy_indexing_test.py IndexedUpdateTest, tools/suites): a crash.
# Was: an index assignment whose tuple index mixes slices and an integer array
# (`z[0, :, np.array([0, 1, 2])] = y`) was hoisted whole into `index = (0, :, ...)`, a
# SyntaxError in the generated code; now only the array part is hoisted.
import numpy as np

W = np.linspace(0.5, 2.0, 18).reshape((3, 2, 3))


def f(x, y):
    z = x.copy()
    z[0, :, np.array([0, 1, 2])] = y
    z[1:, ::-1, np.array([2, 0])] *= 2.0
    return np.sum(z * W)


ARGS = {'x': np.linspace(-1.0, 1.0, 18).reshape((3, 2, 3)), 'y': np.linspace(0.3, 2.0, 6).reshape((3, 2))}
WRT = ('x', 'y')
HESSIAN = True
EXPECT = 'ok'

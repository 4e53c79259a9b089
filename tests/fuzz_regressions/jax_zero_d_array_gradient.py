# Found by JAX's suite (lax_autodiff_test.py testOpGrad at shape (), tools/suites): wrong.
# Was: the reverse-mode gradient of a 0-d array argument came back as a NumPy scalar
# (np.float64: arithmetic on 0-d arrays returns scalars), unlike forward mode and unlike
# the argument; now it is a 0-d array of the argument's dtype.
import numpy as np

W = np.linspace(0.5, 2.0, 12).reshape((3, 4))


def f(x, y):
    return np.sum(np.sin(x) * y * W) + np.cos(x) * 1.25


ARGS = {'x': np.array(0.3), 'y': np.linspace(-1.0, 1.0, 12).reshape((3, 4))}
WRT = ('x', 'y')
HESSIAN = True
EXPECT = 'ok'

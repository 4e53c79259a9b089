# Found by the random-program tester (seed 104278): crash in reverse.
# Was: UFuncTypeError: Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'
# -- s becomes the int i2, so (s + np.full((3, 2), s)) is an int64 array; the adjoint
# of its slice was np.zeros_like of it (int64) and `dt[1:, :] += g` could not add
# floats to it.  NumPy runs the function itself fine.
import math as m
import numpy as np

def h1(a0, a1, a2):
    return (a1, m.atan(a1 * a1))

def f(x, s):
    for i2 in range(3):
        if s < 1.0:
            s, v3 = h1(np.reciprocal(np.arange(6.0).reshape((3, 2)) * 0.25 * (np.arange(6.0).reshape((3, 2)) * 0.25) + 1.0) ** 2, i2, (s + np.full((3, 2), s))[1:, :])
        else:
            pass
    return np.sum(x * x) + (s - s)


ARGS = {'x': np.array([-1.08, -0.523, -0.774, -0.77]), 's': 0.788}
WRT = ('x', 's')
HESSIAN = False
EXPECT = 'ok'

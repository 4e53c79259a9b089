# Found by the random-program tester (family np_extras, seed 9902027, minimised by hand,
# 2026-12-07): a crash of the Hessian, forward over reverse.  Was: the pieces of
# np.array_split of 3 items into 2 differ in length, so the gradient code holds their
# adjoints in an array of objects, and zeros_like of it (the tangent of that adjoint)
# gave np.zeros_like's object zeros, the int 0, which split_vjp could not join to an
# array.  It now gives a zero array per piece.
import numpy as np


def f(x):
    a = np.array_split(x * 2.0, 2)[0]
    return np.sum(np.sin(a))


ARGS = {"x": np.array([0.773, -0.052, -0.362])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

# Found by the random-program tester (seed 9730207, state_loop family, the transforms
# check): a crash of the reverse-over-reverse Hessian, "ValueError: setting an array
# element with a sequence ... inhomogeneous shape".  Was: the adjoint of a tuple holding
# an array and a float is a ragged pair, and runtime.owned asked np.ndim of it to decide
# whether it held one adjoint per item.  A list or tuple adjoint is one per item.
import numpy as np


def step(st, k):
    lo, hi = st
    return (lo * k, 1.0)


def f(x):
    st = (x, 2.0 * x)
    for i in range(1, 4):
        st = step(st, 0.5 * i)
    return np.sum(st[0] ** 2)


ARGS = {'x': np.array([[-0.418, -0.636, -0.092], [0.141, 0.343, 1.169]])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')

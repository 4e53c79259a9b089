# Found by the random-program tester (seeds 9740000-9740031, zero_d family): crashes,
# "TypeError: 'numpy.float64' object does not support item assignment" in reverse mode,
# and "'float' object is not subscriptable" in the forward-over-forward Hessian.  Was:
# the adjoint of a 0-d array read whole twice is accumulated as `dx = dx + 1.0`, a NumPy
# scalar, which the read `x[()]` then updated in place (`dx[()] += 1.0`); an adjoint
# updated in place is owned again after each sum where its rank may be 0.  And
# forward over forward gave a 0-d array parameter float directions, which its tangent
# code indexes (`dx[()]`).
import numpy as np


def f(x, w):
    t0 = x[()]
    t1 = x * w
    t2 = x
    return t0 * t0 + np.sum(t1) + t2 ** 3 + x[...] * 2.0


ARGS = {'x': np.array(0.544), 'w': np.array([0.3, -0.2, 0.9])}
WRT = ('x', 'w')
HESSIAN = True
EXPECT = 'ok'
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')

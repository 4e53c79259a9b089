# Found by the random-program tester (seed 9640326, minimised by hand): a wrong VALUE and
# gradient, silently.  A helper that changes its array argument in place, called in the
# value of an index assignment into that array: `y6[:2] = h1(y6, x)`.  The in-place
# check looked at calls in plain assignments only, so srcdiff passed h1 a copy and the
# caller's y6 kept its old element 2 (value 6.125 where f gives 7.125).  Now refused.
import numpy as np


def h1(a0, a1):
    a0 -= 1.0
    return np.sum(a1)


def f(x):
    y6 = np.zeros(3)
    y6[:2] = h1(y6, x)
    return np.sum(y6 * y6)


ARGS = {'x': np.array([0.5, 0.25, 1.0])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'refused'

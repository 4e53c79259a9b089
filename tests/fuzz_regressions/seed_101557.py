# Found by the random-program tester (seed 101557): wrong in reverse.
# Was: d/dx[0]: srcdiff 0.0084, differences 3.4e-05 (the seed's program); minimised, the
# caller's x was changed -- a helper called in a `while` test changed its argument in
# place, and the aliasing stage looked at assignments only, not at if / while tests.
# x is read again (by the next test), so srcdiff now refuses, as for an assignment.
import numpy as np
def h0(a0, a1):
    a0 += 1.0
    return 1.0

def f(x):
    k4 = 0
    while k4 < 2 and h0(x, 1.0):
        k4 += 1
    return 1.0


ARGS = {'x': np.array([-1.152, 1.001, 0.057, 0.849])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'refused'

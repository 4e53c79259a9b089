# Found by the random-program tester (seed 104892): wrong in forward.
# Was: d/dx0: reverse 0, forward 1, differences 0 -- the explicit zero tangent of a
# variable set to a constant in a loop body came after the body's final
# `if _break: break`, so leaving the loop skipped it and the stale tangent leaked out.
import numpy as np
def f(x0, n):
    for i4 in range(n):
        x0 = 1.0
        break
    return x0


ARGS = {'x0': 0.674, 'n': 1}
WRT = ('x0',)
HESSIAN = False
EXPECT = 'ok'

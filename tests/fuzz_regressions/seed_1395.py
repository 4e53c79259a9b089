# Found by the random-program tester (seed 1395): crash in reverse.
# Was: TypeError: must be real number, not tuple
import numpy as np
import math as m

def h1(a0, a1):
    return 1.0 / a1

def f(x1):
    for i5, v6 in zip([1.0, 1.0], [1.0, x1]):
        x0 = m.cos(v6)
    v10, v11 = (1.0, h1(1.0, a1=x0))
    return 1.0


ARGS = {'x1': 0.472}
WRT = ('x1',)
HESSIAN = False
EXPECT = 'ok'

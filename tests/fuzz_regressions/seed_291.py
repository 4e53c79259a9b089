# Found by the random-program tester (seed 291): crash in reverse.
# Was: TypeError: 'float' object is not reversible
import numpy as np
def h0(a0, a1, a2=1.0):
    v2 = a2 * a2
    return v2

def h1(a0=1.0):
    return 1.0

def h2(a0, a1):
    for i3 in range(3):
        v4 = h1(a0=a1)
    a0 *= h0(1.0, 1.0, a2=a0)
    return 1.0

def f(x1, x2):
    dx = h2(x2, x1)
    return h1(a0=dx)


ARGS = {'x1': -0.049, 'x2': 0.684}
WRT = ('x1', 'x2')
HESSIAN = False
EXPECT = 'ok'

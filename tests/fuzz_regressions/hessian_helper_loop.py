# Found by the random-program tester (seed 165 on Python 3.10, CI): crash in hessian.
# Was: TypeError: 'float' object is not subscriptable -- the forward pass over the
# gradient code pushed a zero float as the tangent of the helper's loop range, and the
# backward sweep's loop indexed it.  Minimised by hand.
import numpy as np

def h(a, b):
    s = 0.0
    for k in range(3):
        s = s + a * a * k * b
    return s

def f(x):
    return h(x[0], x[1]) + h(x[1], x[0])


ARGS = {'x': np.array([0.4, 1.1])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

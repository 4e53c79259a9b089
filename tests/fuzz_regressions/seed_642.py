# Found by the random-program tester (seed 642): crash in reverse.
# Was: TypeError: cannot unpack non-iterable bool object
import numpy as np
def rec(a0, k):
    if k <= 0:
        return a0
    return rec(a0 * 0.8 + 0.1 * a0 * a0, k - 1)

def f(x0, x1):
    for i2 in reversed([x0 * x1, x0 * 0.3, x0 + -0.7]):
        if i2 < 2.0:
            x1 = (x1 * i2 if x0 < 0.0 or -0.7 > 1.0 else rec(x1, 1)) + -x0 * rec(i2, 3)
        else:
            pass
    v4 = rec(x1, k=3) - (x1 if x0 <= 1.5 else x0 * x1)
    return -1.2


ARGS = {'x0': 0.153, 'x1': 0.093}
WRT = ('x0', 'x1')
HESSIAN = False
EXPECT = 'ok'

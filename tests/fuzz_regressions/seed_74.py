# Found by the random-program tester (seed 74): crash in reverse.
# Was: ValueError: not enough values to unpack (expected 6, got 2)
# (math.cbrt, 3.11+, spelled np.cbrt so that the file runs on 3.10; it fails the same way on the old code.)
import numpy as np
import math as m

def h0(a0, a1):
    return max(min(a1, a0), a0 ** 2)

def f(x0, x1, x2):
    for dv0 in (x2 / (-1.2 * -1.2 + 0.5), x1 if 1.5 <= 0.3 else x1, abs(0.25)):
        x0 = h0((m.sqrt(x0 * x0 + 0.25) * m.sqrt(x0 * x0 + 0.25) + 1.0) ** 0.5, np.cbrt((dv0 - 2.0) * (dv0 - 2.0) + 0.5))
    if x1 <= 1.5:
        x2 -= np.cbrt(h0(x0, x2) * h0(x0, x2) + 0.5)
    else:
        pass
    return m.cos((x0 * x0 + 1.0) ** 0.5 + h0(x0, x1))


ARGS = {'x0': 1.104, 'x1': 0.058, 'x2': 0.494}
WRT = ('x0', 'x1', 'x2')
HESSIAN = False
EXPECT = 'ok'

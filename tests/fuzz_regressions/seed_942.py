# Found by the random-program tester (seed 942): crash in reverse.
# Was: ValueError: math domain error
import numpy as np
import math

def h0(a0, a1):
    v1 = 1.5 ** math.sin(a0 + a0)
    if not v1 > 0.5:
        a1, v1 = (math.expm1(math.cos(a0 * a1)), (v1 - a0) * 1.0)
    else:
        pass
    return v1

def h1(a0, a1, a2=1.0):
    a0 /= (2.0 / (a0 * a0 + 0.5) + h0(a2, a1)) * (2.0 / (a0 * a0 + 0.5) + h0(a2, a1)) + 1.0
    return (0.5, math.expm1(math.tanh(a2 / (a1 * a1 + 0.5))))

def f(x0, x1):
    v2 = x1
    k3 = 0
    while k3 < 1:
        k3 += 1
        for i4, index1 in zip([math.pow(x0 * x0 + 0.5, math.cos(1.5))], (math.erfc(x1),)):
            v6 = -v2
            x1, v7 = h1(i4, h0(x0, a1=index1) - h0(x1, v2), a2=index1)
    return math.log2((x0 if -0.7 < 0.25 else 0.3) * (x0 if -0.7 < 0.25 else 0.3) + 0.5) + -x0 * 2 // 1


ARGS = {'x0': -0.423, 'x1': 0.109}
WRT = ('x0', 'x1')
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 6000070): wrong in forward.
# Was: d/dw: reverse [15.438249 ...], forward [6.406873 ...], differences [15.438249 ...]:
# folding the tangent `dt3 = dt1 * t2 + dsum * t1` into `dy1[1:3] = ...` moved it past
# `y1[1:3] = t3`, which changes t1 (a view of y1)
import numpy as np

def f(w):
    y1 = np.arange(6.0).reshape((3, 2))
    k2 = 0
    while k2 < 2:
        k2 += 1
        y1[1:3] *= np.sum(w)
    return np.sum(y1 ** 2)


ARGS = {'w': np.array([0.802, 0.766, -0.065, -1.088])}
WRT = ('w',)
HESSIAN = False
EXPECT = 'ok'

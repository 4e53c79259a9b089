# Found by the random-program tester (tools/fuzz/adv5_families.py, foreign_idioms family,
# seed 10000002): forward mode's d/dx[0] 10.18 where reverse mode and finite
# differences give 7.38.
# Was: the tangent of `v = w * 1` folded to `dv = dw`, the same array, so `dw[0] = ...`
# (the tangent of w[0] = ...) changed dv too; forward.py now copies a tangent that may
# be the memory of one changed in place later.
import numpy as np


def f(x, e):
    fa, fb = np.arctan, np.exp
    w = x * e
    v = w * 1
    w[-1] += 2.0
    w[0] = w[0] * 2.0
    a, b = v[0], v[1:]
    return np.sum(v.T * w.T) + np.sum(a * b) + np.sum(w) * e


ARGS = {'x': np.array([0.871, -0.601, 1.142]), 'e': -1.107}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

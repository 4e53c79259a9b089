# Found by the random-program tester (tools/fuzz/adv5_families.py, foreign_idioms family,
# seed 10000058): value_and_grad's value 2.757 where f gives 1.913.
# Was: folding `v = (w * 1.0).T` gave `v = w.T`, a view of w, so `w[0] = ...` changed v
# too (the fold check looked at the root of the value only, an attribute before and
# after). simplify_value now compares the names the value may view before and after.
import numpy as np


def f(x, e):
    fa, fb = np.arctan, np.exp
    w = x.copy()
    v = (w * 1.0).T
    w[0] = w[0] * 1.5
    w[-1] += 1.5
    a, b = v[0], v[1:]
    return np.sum(v.T * w.T) + np.sum(a) * np.sum(b * b) + np.sum(w) * e


ARGS = {'x': np.array([0.412, -1.108, -1.01]), 'e': -0.214}
WRT = ('x', 'e')
HESSIAN = True
EXPECT = 'ok'

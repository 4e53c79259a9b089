# Found by the random-program tester (tools/fuzz/adv5_families.py, foreign_idioms family,
# seed 10000007): reverse mode crashed with "TypeError: can't multiply sequence by
# non-int of type 'tuple'".
# Was: `a, b = np.tanh(v * e)` gave the rule's template `out` as the tuple (a, b) and
# `g` as the list [da, db], so `g * (1 - out * out)` failed; both are one array now
# (transform._as_one_array).
import numpy as np


def f(x, e):
    fa, fb = np.sin, np.cosh
    w = x * e
    v = (w * 1.0).T
    w[-1] += 0.3
    a, b = np.tanh(v * e)
    return np.sum(v.T * w.T) + np.sum(a) * np.sum(b * b) + np.sum(w) * e


ARGS = {'x': np.array([-0.207, 1.071]), 'e': -1.043}
WRT = ('x', 'e')
HESSIAN = True
EXPECT = 'ok'

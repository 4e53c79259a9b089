# Found trying srcdiff as a user (an adversarial batch of hand-written programs): crash in
# hessian.  Was: SyntaxError in generated code, `check_distinct(i:)` -- the gradient's
# `dx[i:] += ...` sits in a `for i in reversed(iters1)` loop, whose counter is not a
# `range` counter, so the forward pass over it guarded the index, spelling the bare
# slice as an argument.  A slice never selects an element twice: no guard now.
import numpy as np

def f(x):
    out = np.empty(3)
    for i in range(3):
        out[i] = np.sum(x[i:] ** 2)
    return out @ out


ARGS = {'x': np.array([0.3, -1.2, 0.8, 2.1])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

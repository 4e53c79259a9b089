# Found trying srcdiff as a user: crash in reverse mode (SyntaxError in generated code,
# `check_distinct(i:)`).  `i` counts a `for i in reversed(range(3))` loop, not a plain
# `range` one, so `y[i:] = ...` was guarded against repeated elements, spelling the bare
# slice as an argument.  A slice never selects an element twice: no guard now.
import numpy as np

def f(x):
    y = np.zeros(4)
    for i in reversed(range(3)):
        y[i:] = y[i:] * 0.5 + x[i]
    return np.sum(y * y)


ARGS = {'x': np.array([0.3, -1.2, 0.8, 2.1])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

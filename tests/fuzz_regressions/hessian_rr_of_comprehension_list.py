# Found by the random-program tester (seed 9710018, the transforms check): the
# reverse-over-reverse Hessian refused "the list items1 used under a second name l5
# (`l5 = items1`)", a hint about generated code the user can't follow.  Was: a list
# comprehension assigned to a name was built in a list of its own and then bound to the
# name; generated code read both names later.  `xs = [...]` now appends to xs itself
# where the comprehension doesn't read xs (as `s = sum(...)` accumulates in s).
import numpy as np


def f(x):
    acc = 0.0
    for k in range(2):
        l5 = [np.sin(x * (i + 1)) for i in range(3)]
        v7 = l5.pop()
        l5.append(v7 * 2.0)
        acc = acc + np.sum(np.array(l5) ** 2) * (k + 1) + np.sum(v7)
    return acc


ARGS = {'x': np.array([0.3, -0.5])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')

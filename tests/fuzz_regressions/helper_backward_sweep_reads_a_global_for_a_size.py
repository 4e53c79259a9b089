# Found by the random-program tester (seed 9770128, the transforms check): a crash of
# vjp, "NameError: name 'w' is not defined" in f_bwd.  Was: fills.py spells `t1.size` of
# a temporary shaped like a parameter as that parameter's size (`w.size`), also in a
# helper's (or a split vjp's) backward sweep, which has only the parameters its caller
# passes: `w` there was undefined -- or, as here, the user's module global of that
# name, of another size: a silent wrong gradient (1/4 for 1/9 per element).  The size
# is spelled with a parameter only where the code being written can read it.
import numpy as np

w = np.ones(4)  # a global that happens to share the helper's parameter name


def h(w, s):
    return np.mean(-w) * s


def f(x, s):
    a = h(x, s)
    x = x * 2.0
    return a + h(x, s)


ARGS = {'x': np.array([[0.256, 0.647, 0.59], [-0.635, -0.972, 0.981], [-1.056, 0.461, -0.823]]), 's': 0.411}
WRT = ('x', 's')
HESSIAN = True
EXPECT = 'ok'
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')

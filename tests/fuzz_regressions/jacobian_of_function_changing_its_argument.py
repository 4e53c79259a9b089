# Found by the random-program tester (seed 9710240, the transforms check): wrong in
# jacobian forward d/dx -- [0.0967 0.1195 0.0809 0.1212] for the gradient
# [0.1465 0.1917 0.1154 0.1947].  Was: jacobian called f itself for its value's shape
# with the caller's arrays, and f changes x in place (`x -= 1.0`): the caller's array
# was changed, and every pass after differentiated at the moved point (the same in
# reverse mode; value_and_grad(mode="forward") and jvp with no direction changed the
# caller's array too).  The API now calls the function on copies (requests.unshared).
import numpy as np

def f(x):
    x -= 1.0
    return np.mean(np.arcsinh(x))


ARGS = {'x': np.array([-0.383, 0.163, -0.922, 0.195])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')

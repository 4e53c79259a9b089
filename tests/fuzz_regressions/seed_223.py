# Found by the random-program tester (seed 223): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import numpy as np

def f(x, w):
    v1 = (w + np.max(x))[np.prod(np.linspace(1.0, 1.0, 4).reshape(4)) - w > 0.0]
    return 1.0


ARGS = {'x': np.array([0.928, -0.216, 0.421, -0.452]), 'w': np.array([[0.476, -0.711], [-0.248, 0.356], [-0.406, 0.667]])}
WRT = ('x', 'w')
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 709195): wrong in reverse.
# Was: d/dx[0]: srcdiff 0.0, differences 1.5118871916151022
# (y[i] = y: the backward sweep added the slice's adjoint to y's before zeroing it)
import numpy as np

def f(x):
    y1 = np.linspace(1.0, 1.0, 6).reshape((2, 3))
    y1[0] += np.sum(x)
    y1[[0, 1]] = y1
    return np.linalg.norm(y1)


ARGS = {'x': np.array([0.755, -0.035, 0.315, -0.246])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

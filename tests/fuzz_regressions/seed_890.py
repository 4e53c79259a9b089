# Found by the random-program tester (seed 890): crash in forward.
# Was: ValueError: operands could not be broadcast together with shapes (4,) (3,) 
import numpy as np

def f(x):
    return np.mean(np.dot(np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).reshape((3, 4)) - np.linalg.norm(x), x))
    return 1.0


ARGS = {'x': np.array([-0.246, 0.746, -0.431, -0.634])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

# Found by the random-program tester (seed 99): crash in forward.
# Was: ValueError: all the input arrays must have same number of dimensions, but the array at index 0 has 1 dimension(s) and the array at index 1 has 0 dimension(s)
import numpy as np

def f(x):
    if np.sum(x) <= 2.0:
        v1 = np.concatenate([np.array([2.0]), -(np.sum(x) - np.array([-0.7, 0.5, 0.5]))])
    else:
        pass
    return np.sum(x * x)


ARGS = {'x': np.array([0.014, 0.156, 0.029, 1.133])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

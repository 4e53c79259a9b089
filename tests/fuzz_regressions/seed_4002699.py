# Found by the random-program tester (seed 4002699): crash in forward.
# Was: ValueError: input operand has more dimensions than allowed by the axis remapping
# (forward mode: np.stack([x, x, x]) of the shapeless 0.0 tangent x got in the loop made
# np.dot(A, 0.0) a matrix)
import numpy as np

def f(x):
    for i2 in range(len(x)):
        x = [3, 4, 2, 4]
    x = np.dot(np.arange(16.0).reshape((4, 4)), np.stack([x, x, x]).mean(axis=0))
    return np.prod(1.0 * x)


ARGS = {'x': np.array([0.096, 1.148, 0.528, 0.522])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

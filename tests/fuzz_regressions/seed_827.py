# Found by the random-program tester (seed 827): crash in forward.
# Was: IndexError: invalid index to scalar variable.
import math as m
import numpy as np

def f(x):
    v2 = -x
    if -1.2 < 0.25:
        v4 = ((np.arange(6.0).reshape((6,)) * 0.25)[1:] - np.prod(np.tanh(x)) * -1.2)[1:]
        for i5 in [np.sum(v4), m.atan(np.sum(v2))]:
            v6 = np.std(np.full((3, 5), i5).mean(axis=0)[1:])
    else:
        pass
    return np.mean(np.sin(np.max(v2) * np.sum(v2) - (x - v2)))


ARGS = {'x': np.array([0.76, 0.257, 0.489, -0.532])}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 901420): crash in reverse.
# Was: NameError: name 'index1' is not defined
# (a helper's backward sweep restored y[index1] without index1: the index was not saved)
import numpy as np

def h0(a0):
    y1 = np.ones(4)
    y1[[0, 3]] = 1.0
    return np.dot(y1, a0)

def f(x):
    return h0(x)


ARGS = {'x': np.array([0.25200000405311584, -0.052000001072883606, -0.9079999923706055, 1.1069999933242798], dtype=np.float32)}
WRT = ('x',)
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 9003126): wrong in value.
# Was: value_and_grad value 2.120341246120539, f 3.7600328456012186: h0 changes a1 in place and
# a0 is the same array, so NumPy changes both; srcdiff copied a1. Now refused (hint: a copy).
import numpy as np

def h0(a0, a1):
    a1 += 1.0
    return np.linalg.norm(a0)

def f(w):
    return h0(w, a1=w)


ARGS = {'w': np.array([[0.706, -1.187, -0.086], [1.126, 0.01, -0.362], [0.471, 0.491, -0.848]])}
WRT = ('w',)
HESSIAN = False
EXPECT = 'refused'

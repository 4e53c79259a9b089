# Found by the random-program tester (seed 106469): wrong in forward.
# Was: d/dw: reverse [0. 0. 0. 0.], forward [1. 1. 1. 1.], differences [0. 0. 0. 0.] --
# the same mechanism as seed 104892 (an array overwritten by a constant before `break`).
import numpy as np

def f(w):
    for i1 in range(3):
        w = 1.0
        break
    return np.linalg.norm(w)


ARGS = {'w': np.array([0.374, -0.264, -0.272, 0.222])}
WRT = ('w',)
HESSIAN = False
EXPECT = 'ok'

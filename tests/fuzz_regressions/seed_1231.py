# Found by the random-program tester (seed 1231): crash in reverse.
# Was: AttributeError: 'float' object has no attribute 'shape'
import numpy as np

def f(s):
    k1 = 0
    while k1 < 1:
        k1 += 1
        iters1 = np.array([0.25, 0.5, 0.25, 1.5, -0.7, 0.3]).reshape(2, 3) - np.max(np.array([s, s])[:, None], axis=1, keepdims=True)
    return 1.0


ARGS = {'s': 0.237}
WRT = ('s',)
HESSIAN = True
EXPECT = 'ok'

# Found by the random-program tester (seed 6100427): crash in forward.
# Was: ValueError: setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was (2,) + inhomogen
import numpy as np
def f(w):
    for i7, seq1 in enumerate([1.0, 1.0]):
        s = sum([1.0 for v12 in (1.0, w)])
    return float(np.sum(s * w))


ARGS = {'w': np.array([-0.921999990940094, -0.9559999704360962, 0.5609999895095825, 1.1130000352859497], dtype=np.float32)}
WRT = ('w',)
HESSIAN = False
EXPECT = 'ok'

# Found by the random-program tester (seed 9740020, decompositions family, the transforms
# check): wrong in jvp, -15.083354 where the gradient gives -10.313401.  Was: the tangent
# of np.linalg.lstsq(A, b)[0] along A and b together added the two parameters' terms
# with `+`, and each is a tuple of tangents (one per result), so the tuples were joined:
# [0] read A's term alone.  (Unpacked calls used add_each already; grad(mode="forward")
# makes one pass per parameter and was right.)  A rule whose value is a tuple of results
# now says so (Rule.several), and its terms add per result however the call is read.
import numpy as np

def f(A, b):
    r = np.linalg.lstsq(A, b, rcond=None)[0]
    return np.sum(r)


ARGS = {'A': np.array([[-0.507, 1.047], [-0.813, 0.749]]), 'b': np.array([1.071, -0.563])}
WRT = ('A', 'b')
HESSIAN = False
EXPECT = 'ok'
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')

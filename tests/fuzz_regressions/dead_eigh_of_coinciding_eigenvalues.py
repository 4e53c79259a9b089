# Found by the random tester, seed 9440049 (`--families-every 2`): forward mode refused.
# Was: the tangent of an unused np.linalg.eigh(...)[0] stayed in the jvp as a bare call of
# eigh_jvp (not known to change nothing, so dead-code removal kept it), and its check of
# the eigenvectors raised a DomainError: the matrix has two equal eigenvalues.
import numpy as np


def f(x, w):
    v0 = np.linalg.norm(w, axis=0, keepdims=True)
    v1 = np.r_[x.ravel(), 0.5]
    v2 = np.linalg.eigh(v0 + v0.T)[0]
    v3 = np.where(v2 > 0.2, v2, 0.0)
    v4 = np.sort(x, axis=-1)
    return np.sum(np.sqrt(v4 * v4 + 0.25)) + np.sum(v1 * v1)


ARGS = {
    "x": np.array([[0.289, -0.282, 0.66, 0.665], [-0.612, 0.179, 1.185, 0.164]]),
    "w": np.array([[-0.399, 0.167, 0.168, -1.16], [0.638, 0.573, 1.152, -0.206]]),
}
WRT = ("x", "w")
HESSIAN = True
EXPECT = "ok"

# Found by the masks and rebinding families (tools/fuzz/rebind_families.py, seeds 9960077,
# 9960060): a crash and a silent zero gradient.  Was: a method of an int-kind value
# (`(x > 0).astype(int)`) was of unknown kind, so `s ** (mask + 1)` took the scalar rule
# (`if y` of an array), and `acc = acc * mask` made the accumulator an unknown object
# whose later differentiated values were dropped without a word.
import numpy as np


def f(x, s, z):
    m0 = (x > 0.0).astype(int)
    t0 = np.mean(x) * s ** (m0 + 1)
    acc = x[0, 0]
    for i in range(3):
        acc = acc * (x > 0.0).astype(int) + 1.0
        acc = acc + z * x
    return np.sum(t0**2) + np.sum(acc**2)


ARGS = {
    "x": np.array([[0.95, -0.603, -0.743], [0.395, -0.987, -0.632]]),
    "s": 0.811,
    "z": np.array(0.432),
}
WRT = ("x", "s", "z")
HESSIAN = False
EXPECT = "ok"

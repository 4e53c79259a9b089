# Found by the inplace family (mixed run, seed 9992059): refused on the Hessian only.
# Was: the reverse code saves a loop's index `index1 = np.array([0, 2])` on its stack;
# np.array of int literals was of the array kind, so the index popped back was taken
# to be differentiated and forward mode over that code refused it (the hint "index with
# integers" could not be followed). np.array / np.asarray of an int display is an int.
import numpy as np


def f(x, s):
    y = x * 1.0
    for i in range(3):
        y[i % y.shape[0]] += s * y[-1]
        y *= 0.9
        y[np.array([0, 2])] = y[np.array([1, 1])] * s
    return np.sum(np.sin(y)) + s * np.sum(y * np.asarray([1, 2, 3]))


ARGS = {"x": np.array([0.2, -0.5, 0.9]), "s": 0.3}
WRT = ("x", "s")
HESSIAN = True
EXPECT = "ok"

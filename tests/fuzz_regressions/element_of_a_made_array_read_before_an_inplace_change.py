# Found by the random-program tester (fuzz seed 9770506): refused in reverse and forward
# mode, needlessly. `z3 = y1[0]` of a 1-D array is one number (NumPy hands back a copy),
# but y1's rank was unknown -- analysis ranked neither `.copy()`, `.reshape((4, 3))`,
# `np.arange`, `np.zeros(4)` nor `axis=-1` -- so z3 was taken for a view of y1 and
# `y1 *= 3.0` was refused ("make z3 a copy"). Now ranked, the element is a number.
import numpy as np


def f(x, w):
    y1 = np.mean(np.arange(12.0).reshape((4, 3)) * 0.25, axis=-1).copy()
    for i2 in range(y1.shape[0]):
        y1[i2] = x.sum() - np.linalg.norm(x)
        y1[i2] += np.sum(w)
    z3 = y1[0]
    y1 *= 3.0
    y1[3] = max(z3, z3) * (-z3)
    zeros = np.zeros(4)
    zeros[1] = np.sum(w * x)
    z4 = zeros[1]
    zeros += w
    return np.mean(np.sin((w + w) * y1)) + 1.0 / (z3 * z3 + 0.5) + z4 * np.sum(zeros)


ARGS = {'x': np.array([-0.022, -0.905, 1.151, -1.043]), 'w': np.array([0.529, 0.416, 0.953, 1.031])}
WRT = ('x', 'w')
HESSIAN = True
EXPECT = 'ok'

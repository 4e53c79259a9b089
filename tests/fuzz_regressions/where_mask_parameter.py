# Found by autograd's suite (tests/test_numpy.py::test_where, tools/suites), 2026-12-04: a
# crash inside srcdiff ("'NoneType' object is not subscriptable").  Was: the shape token
# of np.where's new partial (`c != 0`) is None, and the check for a name assigned more
# than once indexed it.
import numpy as np

W = np.linspace(0.5, 2.0, 6).reshape((2, 3))


def f(x, y, c):
    return np.sum(np.where(c, x, y) * W)


ARGS = {
    "x": np.array([[0.3, -0.2, 0.5], [1.1, 0.4, -0.7]]),
    "y": np.array([[0.6, 0.1, -0.3], [0.2, -0.5, 0.9]]),
    "c": np.array([[True, False, True], [False, False, True]]),
}
WRT = ("x", "y")
HESSIAN = True
EXPECT = "ok"

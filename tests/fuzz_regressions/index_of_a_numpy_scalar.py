# Found by the random-program tester (tools/fuzz/families.py, pipeline family, seed 115):
# crash in reverse mode, and once the crash was fixed, a wrong gradient.
# Was: TypeError: 'numpy.float64' object is not iterable in add_at, the adjoint of
# `a[..., None]` where `a` (a determinant) is a NumPy scalar; then owned() kept the
# scalar's other adjoint as a number, which add_at took for "no adjoint yet" and dropped.
import numpy as np


def f(x):
    a = np.linalg.det(x)
    b = a * 3.0 - a[..., None] + a[None] ** 2
    return np.sum(np.sin(b))


ARGS = {'x': np.array([[0.5, -0.3], [0.2, 0.9]])}
WRT = ('x',)
HESSIAN = True
EXPECT = 'ok'

# Found by the random-program tester (tools/fuzz/families.py, broadcast family, seed 111):
# refused in reverse and forward mode, a crash dressed as a DomainError.
# Was: "the derivative code raised ZeroDivisionError: integer modulo by zero" in
# chooser_partials / expand_reduced: NumPy's reductions accept axis=0 or axis=-1 on a
# scalar (they reduce nothing), the runtime helpers took `axis % ndim` with ndim 0.
import numpy as np


def f(x, w, v):
    m = np.min(w, axis=-1, keepdims=True) + np.max(v, axis=-1)
    return np.sum(x * m) + np.sum(v, axis=0) * np.sum(w, axis=-1)


ARGS = {'x': np.array([0.5, -0.3, 1.1]), 'w': -1.01, 'v': np.array(0.7)}
WRT = ('x', 'w', 'v')
HESSIAN = True
EXPECT = 'ok'

# Found by the random-program tester (seed 667): crash in forward.
# Was: TypeError: 'float' object is not subscriptable
import numpy as np

def h0(a0, a1, a2):
    v1 = np.logaddexp(np.where(a0 * a0 > 0.0, -a0, np.array([a1, a2[0, 2], a1, a1]) + a0), 1.0 + (a0 - a0))
    return (0.5 if a1 > 0.25 else float(np.sum(v1 * v1)), a1)

def h2(a0, a1):
    v2 = np.arange(6.0).reshape((3, 2)) * 0.25 * np.full((3, 2), a0) * np.abs(a1 - np.full((3, 2), a1))
    return (abs(np.sum(v2)) + 0.5) ** 1.5

def f(x, w, s, n):
    if -0.7 > s:
        pass
    elif np.prod(np.tanh(w)) <= 0.5:
        k5 = 0
        while k5 < 2:
            k5 += 1
            if s < 3.0:
                continue
            v6 = h0(np.ravel(x) ** 2, s, np.array([-0.7, 3.0, -1.2, 0.5, 3.0, -0.7]).reshape((2, 3)))[0]
        s, v7 = h0(x * x * np.maximum(x, x), a1=h2(s, s), a2=s * np.exp(np.tanh(np.arange(6.0).reshape((2, 3)) * 0.25)))
        for i8, _stack in enumerate([v7, n - -0.7, 0.5 * v7]):
            w = (np.outer(np.array([0.3, 0.5, 0.25]), np.array([1.5, 0.5])) - np.reciprocal(w * w + 1.0)) * ((np.arange(3.0).reshape((3,)) * 0.25 * (np.arange(3.0).reshape((3,)) * 0.25))[:, None] + (-np.array([0.3, 2.0]))[None, :])
    else:
        s = n
        v10 = h2(s, s) + (x - x) - x * np.tensordot(np.array([3.0, -0.7, 3.0, 0.3, -0.7, 0.3, 2.0, -0.7, -1.2, 1.0, 2.0, 1.5, 2.0, 1.5, -0.7, -0.7]).reshape((4, 4)), x, axes=1)
    return np.mean(np.sin(np.maximum(np.arange(4.0).reshape((4,)) * 0.25, x) - -x)) + s


ARGS = {'x': np.array([-1.168, 0.858, 0.059, 0.651]), 'w': np.array([[0.815, 0.224], [0.318, 1.073], [1.104, 0.121]]), 's': 0.143, 'n': 2}
WRT = ('x', 'w', 's')
HESSIAN = False
EXPECT = 'ok'

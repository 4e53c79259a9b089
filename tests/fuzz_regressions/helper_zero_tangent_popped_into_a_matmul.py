# Found by hand (code written as users write it, 2026-12-07): a crash of the Hessian,
# forward over reverse.  Was: the tangent pass over the gradient code pushed a helper's
# tangent parameter as it was, the explicit 0.0 it defaults to (y0 has no tangent along
# p), and the helper's backward sweep popped it into matmul_da(g, p, dy), which has no
# axes to swap in 0.0 (AxisError).  A tangent that may be an explicit zero is pushed
# shaped like its value.
import numpy as np


def rk4_step(f_params, y, dt):
    k1 = dyn(f_params, y)
    k2 = dyn(f_params, y + dt / 2 * k1)
    return y + dt / 6 * (k1 + 2 * k2)


def dyn(p, y):
    return np.tanh(p @ y)


def f(p, y0):
    y = y0
    for _ in range(2):
        y = rk4_step(p, y, 0.1)
    return np.sum(y**2)


ARGS = {
    "p": np.array([[0.3, -0.5, 0.2], [0.1, 0.4, -0.3], [-0.2, 0.6, 0.5]]),
    "y0": np.array([0.7, -1.1, 0.4]),
}
WRT = ("p", "y0")
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

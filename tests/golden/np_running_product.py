# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, running_product; reverse mode with respect to x
#   18 | def running_product(x):
#   19 |     """Index assignment into a fresh array: y[i] = y[i - 1] * x[i]."""
#   20 |     y = np.zeros(x.shape[0])
#   21 |     y[0] = x[0]
#   22 |     for i in range(1, x.shape[0]):
#   23 |         y[i] = y[i - 1] * x[i]
#   24 |     return np.sum(y)
# --- check: run at each point, the generated code returns the `->` values
# x = [0.5, -1.0, 2.0, 0.3]
# -> dx = [-2.6, 1.8, -0.65, -1.0]
# --- generated
import numpy as np
from srcdiff.runtime import expand_reduced, like, owned, stored_in, unbroadcast


def running_product_grad(x):
    """Gradient of running_product with respect to x (reverse mode)."""
    # forward sweep
    _stack = []
    y = np.zeros(x.shape[0])
    y_1 = np.copy(y[0])
    y[0] = x[0]
    iters1 = range(1, x.shape[0])
    for i in iters1:
        t2 = y[i - 1]
        t3 = x[i]
        t4 = t2 * t3
        _stack.append(np.copy(y[i]))
        _stack.append(t2)
        _stack.append(t3)
        _stack.append(t4)
        y[i] = t4
    # backward sweep
    # line 24: return np.sum(y)
    dy = owned(expand_reduced(1.0, y, None, False), y)
    # line 22: for i in range(1, x.shape[0]):
    dx = np.zeros_like(x)
    for i in reversed(iters1):
        t4 = _stack.pop()
        t3 = _stack.pop()
        t2 = _stack.pop()
        # line 23: y[i] = y[i - 1] * x[i]
        dt4 = unbroadcast(stored_in(np.copy(dy[i]), y), t4)
        dy[i] = 0.0
        y[i] = _stack.pop()
        dt2 = dt4 * t3
        dt3 = np.sum(dt4 * t2)
        dx[i] += dt3
        dy[i - 1] += dt2
    # line 21: y[0] = x[0]
    dt1 = np.sum(stored_in(dy[0], y))
    dy[0] = 0.0
    del dy
    y[0] = y_1
    del y
    dx[0] += dt1
    return like(dx, x)

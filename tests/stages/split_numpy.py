"""split: NumPy calls with keywords, matmul, an array method and a subscript.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import numpy as np


def f(x: np.ndarray, w: np.ndarray):
    y = np.sum(np.tanh(x @ w) * 2.0, axis=0)
    s = y.mean() + y[0] ** 2
    return s


# --- expected
# def f(x: np.ndarray, w: np.ndarray):
#     y = np.sum(np.tanh(x @ w) * 2.0, axis=0)
#         -> t1 = x @ w              # rule @; active: x, w
#         -> t2 = np.tanh(t1)        # rule np.tanh; active: t1
#         -> t3 = t2 * 2.0           # rule *; active: t2
#         -> y = np.sum(t3, axis=0)  # rule np.sum; active: t3
#     s = y.mean() + y[0] ** 2
#         -> t4 = y.mean()  # rule np.mean; active: y
#         -> t5 = y[0]      # subscript; active: y
#         -> t6 = t5 ** 2   # rule **; active: t5
#         -> s = t4 + t6    # rule +; active: t4, t6
#     return s

"""split: a call to a user helper is one op (a helper op); index assignment into a fresh
array is a setitem op; `c` is not differentiated, so what is computed from it alone is
inactive (the second setitem has no active operand).

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import numpy as np

# wrt: x


def scale(a, b):
    return a * b


def f(x: np.ndarray, c):
    y = np.zeros(3)
    k = c * 2.0
    y[0] = scale(x[0], k) + 1.0
    y[1] = scale(k, c)
    return np.sum(y)


# --- expected
# def f(x: np.ndarray, c):
#     y = np.zeros(3)
#         -> y = np.zeros(3)  # inactive
#     k = c * 2.0
#         -> k = c * 2.0  # inactive
#     y[0] = scale(x[0], k) + 1.0
#         -> t1 = x[0]          # subscript; active: x
#         -> t2 = scale(t1, k)  # helper scale; active: t1
#         -> t3 = t2 + 1.0      # rule +; active: t2
#         -> y[0] = t3          # setitem; active: t3
#     y[1] = scale(k, c)
#         -> y[1] = scale(k, c)  # setitem
#     out = np.sum(y)
#         -> out = np.sum(y)  # rule np.sum; active: y
#     return out

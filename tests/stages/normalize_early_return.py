"""normalize: early returns, each the last statement on its path, become assignments to
`out` in if/else and one `return out` at the end.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import math


def f(x):
    if x > 1.0:
        return x * x
    y = math.sin(x)
    if y < 0.0:
        return -y
    return y


# --- expected
# def f(x):
#     if x > 1.0:
#         out = x * x
#     else:
#         y = math.sin(x)
#         if y < 0.0:
#             out = -y
#         else:
#             out = y
#     return out

"""normalize: a conditional expression becomes an if statement.

Rewrite the expected part with `python tests/regen_stages.py`.
"""


def f(x, y):
    z = x if x > y else y * 2.0
    return z * z + (x if y > 0.0 else -x)


# --- expected
# def f(x, y):
#     if x > y:
#         z = x
#     else:
#         z = y * 2.0
#     if y > 0.0:
#         t1 = x
#     else:
#         t1 = -x
#     out = z * z + t1
#     return out

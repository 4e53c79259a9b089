"""normalize: augmented assignment becomes plain assignment; a tuple swap goes through a
temporary; the return value gets a name.

Rewrite the expected part with `python tests/regen_stages.py`.
"""


def f(x, y):
    s = x
    s += y * 2.0
    s *= x
    x, y = y, x
    return s * x - y


# --- expected
# def f(x, y):
#     s = x
#     s = s + y * 2.0
#     s = s * x
#     t1 = y
#     t2 = x
#     x = t1
#     y = t2
#     out = s * x - y
#     return out

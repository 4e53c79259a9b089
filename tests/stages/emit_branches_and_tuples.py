"""emit: if/else nested in else prints as elif (unless the inner if carries its own line
comment); tuple targets and returns print without parentheses; a one-element tuple keeps
its comma; comments inside branches.

Rewrite the expected part with `python tests/regen_stages.py`.
"""


def h(x):
    return x, x * 2.0


def f(x):
    if x > 1.0:
        y = x
    elif x > 0.0:
        y = 2.0 * x
    else:
        y = 0.0
    return y


def f_bwd(x, dout):
    if x > 1.0:
        dx = dout  # @line 15 @comments
    else:
        if x > 0.0:
            dx = 2.0 * dout  # @line 17
        else:
            dx = 0.0 * dout  # @line 19
    a, b = h(dx)
    c, = (a,)
    if b > 0.0:
        return a,
    else:
        if c > 0.0:  # @line 14
            pass
        return c, b


# --- expected
# def f_bwd(x, dout):
#     if x > 1.0:
#         # line 15: y = x
#         dx = dout
#     elif x > 0.0:
#         # line 17: y = 2.0 * x
#         dx = 2.0 * dout
#     else:
#         # line 19: y = 0.0
#         dx = 0.0 * dout
#     a, b = h(dx)
#     c, = (a,)
#     if b > 0.0:
#         return a,
#     else:
#         # line 14: if x > 1.0:
#         if c > 0.0:
#             pass
#         return c, b

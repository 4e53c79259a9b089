"""optimize: adjoint assignments nothing reads go (to a fixpoint, also in branches and when
overwritten before any read); a call that may have effects is kept as a statement.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import math

# adjoints: dx, dy, dz, dw


def backward(x, y, c, log):
    dz = 2.0 * x
    dw = dz * y  # noqa: F841
    dy = math.sin(x)
    dy = x * c
    if c:
        dx = 3.0 * y
    else:
        dx = y
        dz = log(dx)
    return dx, dy


# --- expected
# after propagate: (unchanged)
# after eliminate_dead:
# def backward(x, y, c, log):
#     dy = x * c
#     if c:
#         dx = 3.0 * y
#     else:
#         dx = y
#         log(dx)
#     return (dx, dy)
# after fold_single_use: (unchanged)

"""optimize: copies and constants of adjoints propagate (and simplify: 1.0 * t becomes t);
dead adjoints then go; single-use ones fold into their reader.

Rewrite the expected part with `python tests/regen_stages.py`.
"""
import math

# adjoints: dout, dt1, dt2, dx, dy


def backward(x, y, t1):
    dout = 1.0
    dt1 = dout
    dt2 = dt1 * math.cos(t1)
    dx = dt2 * y
    dy = dt2 * x
    return dx, dy


# --- expected
# after propagate:
# def backward(x, y, t1):
#     dout = 1.0
#     dt1 = 1.0
#     dt2 = math.cos(t1)
#     dx = dt2 * y
#     dy = dt2 * x
#     return (dx, dy)
# after eliminate_dead:
# def backward(x, y, t1):
#     dt2 = math.cos(t1)
#     dx = dt2 * y
#     dy = dt2 * x
#     return (dx, dy)
# after fold_single_use: (unchanged)

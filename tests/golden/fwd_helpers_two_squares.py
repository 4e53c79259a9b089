# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, two_squares; forward mode with respect to x, y
#   32 | def square(z):
#   33 |     return z * z
#
#   36 | def two_squares(x, y):
#   37 |     """A user helper called twice the same way: its derivative code is generated once."""
#   38 |     return square(x) + square(x * y)
# --- check: run at each point, the generated code returns the `->` values
# x = 0.7
# y = -1.5
# tangent dx = 1.0
# tangent dy = 0.5
# -> value = 1.5925
# -> tangent = 3.815
# --- generated
def two_squares_jvp(x, y, dx, dy):
    """Value and tangent of two_squares along x, y (forward mode)."""
    # line 38: return square(x) + square(x * y)
    t1, dt1 = square_jvp(x, dz=dx)
    t3, dt3 = square_jvp(x * y, dz=dx * y + dy * x)
    out = t1 + t3
    dout = dt1 + dt3
    return out, dout


def square_jvp(z, *, dz=0.0):
    """Value and tangent of square along z (forward mode)."""
    # line 33: return z * z
    out = z * z
    dout = 2 * (dz * z)
    return out, dout

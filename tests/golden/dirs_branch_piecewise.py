# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, piecewise; directions mode with respect to x, y
#   48 | def piecewise(x, y):
#   49 |     """A branch: the backward sweep takes the branch the forward sweep took."""
#   50 |     if x > y:
#   51 |         z = x * y
#   52 |     else:
#   53 |         z = math.exp(x) - y
#   54 |     return z * z
# --- check: run at each point, the generated code returns the `->` values
# x = 1.2
# y = 0.5
# -> dx = 0.6
# -> dy = 1.44
#
# x = 0.3
# y = 0.8
# -> dx = 1.48446
# -> dy = -1.09972
# --- generated
def piecewise_jvps(x, y, dx, dy):
    """Value and tangents of piecewise along each of x, y (forward mode)."""
    if x > y:
        # line 51: z = x * y
        z = x * y
        dz = dx * y
        dz_1 = dy * x
    else:
        # line 53: z = math.exp(x) - y
        t1 = math.exp(x)
        z = t1 - y
        dz = dx * t1
        dz_1 = -dy
    # line 54: return z * z
    out = z * z
    dout = 2 * (dz * z)
    dout_1 = 2 * (dz_1 * z)
    return out, (dout, dout_1)

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, piecewise; reverse mode with respect to x, y
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
def piecewise_grad(x, y):
    """Gradient of piecewise with respect to x, y (reverse mode)."""
    # forward sweep
    cond1 = x > y
    if cond1:
        z = x * y
    else:
        t1 = math.exp(x)
        z = t1 - y
    # backward sweep
    # line 54: return z * z
    dz = 2 * z
    if cond1:
        # line 51: z = x * y
        dx = dz * y
        dy = dz * x
    else:
        # line 53: z = math.exp(x) - y
        dy = -dz
        dx = dz * t1
    return dx, dy

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/seed.py, f; forward mode with respect to x, y
#    7 | def f(x, y):
#    8 |     return x**2 * y + y + 2
# --- check: run at each point, the generated code returns the `->` values
# x = 3.0
# y = 4.0
# tangent dx = 1.0
# tangent dy = 0.5
# -> value = 42.0
# -> tangent = 29.0
# --- generated
def f_jvp(x, y, dx, dy):
    """Value and tangent of f along x, y (forward mode)."""
    # line 8: return x**2 * y + y + 2
    t1 = x ** 2
    out = t1 * y + y + 2
    dout = dx * 2 * x * y + dy * t1 + dy
    return out, dout

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
    dt1 = dx * 2 * x
    t2 = t1 * y
    dt2 = dt1 * y + dy * t1
    t3 = t2 + y
    dt3 = dt2 + dy
    out = t3 + 2
    dout = dt3
    return out, dout

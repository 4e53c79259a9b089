# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/seed.py, f; reverse mode with respect to x, y
#    7 | def f(x, y):
#    8 |     return x**2 * y + y + 2
# --- check: run at each point, the generated code returns the `->` values
# x = 3.0
# y = 4.0
# -> dx = 24.0
# -> dy = 10.0
# --- generated
def f_grad(x, y):
    """Gradient of f with respect to x, y (reverse mode)."""
    # backward sweep
    # line 8: return x**2 * y + y + 2
    dy = 1.0 + x ** 2
    dx = y * 2 * x
    return dx, dy

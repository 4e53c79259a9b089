# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/activations.py, swish; reverse mode with respect to x, beta
#   20 | def swish(x, beta):
#   21 |     """x * sigmoid(beta x)."""
#   22 |     return x / (1.0 + math.exp(-beta * x))
# --- check: run at each point, the generated code returns the `->` values
# x = 1.0
# beta = 1.5
# -> dx = 1.04129
# -> dbeta = 0.149146
# --- generated
def swish_grad(x, beta):
    """Gradient of swish with respect to x, beta (reverse mode)."""
    # forward sweep
    t1 = -beta
    t3 = math.exp(t1 * x)
    t4 = 1.0 + t3
    out = x / t4
    # backward sweep
    # line 22: return x / (1.0 + math.exp(-beta * x))
    dt2 = -out / t4 * t3
    dx = 1.0 / t4 + dt2 * t1
    dbeta = -dt2 * x
    return dx, dbeta

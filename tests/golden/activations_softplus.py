# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/activations.py, softplus; reverse mode with respect to x
#    6 | def softplus(x, beta=1.0):
#    7 |     """log(1 + exp(beta x)) / beta, computed without overflow for large x."""
#    8 |     z = beta * x
#    9 |     if z > 20.0:
#   10 |         return x
#   11 |     return math.log1p(math.exp(z)) / beta
# --- check: run at each point, the generated code returns the `->` values
# x = 0.5
# -> dx = 0.622459
#
# x = 25.0
# -> dx = 1.0
# --- generated
def softplus_grad(x, beta=1.0):
    """Gradient of softplus with respect to x (reverse mode)."""
    # forward sweep
    z = beta * x
    cond1 = z > 20.0
    if not cond1:
        t1 = math.exp(z)
    # backward sweep
    if cond1:
        # line 10: return x
        dx = 1.0
        # line 9: if z > 20.0:
        dz = 0.0
    else:
        # line 11: return math.log1p(math.exp(z)) / beta
        dz = 1.0 / beta / (1 + t1) * t1
        # line 9: if z > 20.0:
        dx = 0.0
    # line 8: z = beta * x
    dx = dx + dz * beta
    return dx

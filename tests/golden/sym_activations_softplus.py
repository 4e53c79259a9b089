# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/activations.py, softplus; symbolic mode with respect to x
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
import math


def softplus_grad(x, beta=1.0):
    """Gradient of softplus with respect to x (symbolic)."""
    t1 = beta * x
    t2 = math.exp(t1)
    dx = 1.0 if t1 > 20 else t2 / (t2 + 1)
    return dx

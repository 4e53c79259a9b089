# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/activations.py, gelu; reverse mode with respect to x
#   14 | def gelu(x):
#   15 |     """GELU, tanh approximation (Hendrycks & Gimpel 2016)."""
#   16 |     inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
#   17 |     return 0.5 * x * (1.0 + math.tanh(inner))
# --- check: run at each point, the generated code returns the `->` values
# x = 0.3
# -> dx = 0.732295
# --- generated
def gelu_grad(x):
    """Gradient of gelu with respect to x (reverse mode)."""
    # forward sweep
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)
    t5 = math.tanh(inner)
    # backward sweep
    # line 16: inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    dt3 = 0.5 * x * (1 - t5 * t5) * math.sqrt(2.0 / math.pi)
    dx = (1.0 + t5) * 0.5 + dt3 + dt3 * 0.134145 * x ** 2
    return dx

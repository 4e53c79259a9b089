# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, logsumexp; reverse mode with respect to x
#   12 | def logsumexp(x):
#   13 |     """log(sum(exp(x))), shifted by the maximum so that exp never overflows."""
#   14 |     m = np.max(x)
#   15 |     return m + np.log(np.sum(np.exp(x - m)))
# --- check: run at each point, the generated code returns the `->` values
# x = [0.5, -1.0, 2.0, 0.3]
# -> dx = [0.153291, 0.0342038, 0.687002, 0.125504]
# --- generated
import numpy as np


def logsumexp_grad(x):
    """Gradient of logsumexp with respect to x (reverse mode)."""
    # forward sweep
    m = np.max(x)
    t2 = np.exp(x - m)
    # backward sweep
    # line 15: return m + np.log(np.sum(np.exp(x - m)))
    dt1 = 1.0 / np.sum(t2) * t2
    del t2
    # line 14: m = np.max(x)
    dx = dt1 + (1.0 - np.sum(dt1)) * (x == m) / np.sum(x == m, dtype=x.dtype)
    return dx

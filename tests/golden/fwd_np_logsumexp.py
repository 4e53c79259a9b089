# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, logsumexp; forward mode with respect to x
#   12 | def logsumexp(x):
#   13 |     """log(sum(exp(x))), shifted by the maximum so that exp never overflows."""
#   14 |     m = np.max(x)
#   15 |     return m + np.log(np.sum(np.exp(x - m)))
# --- check: run at each point, the generated code returns the `->` values
# x = [0.5, -1.0, 2.0, 0.3]
# tangent dx = [1.0, 0.333333, -0.333333, -1.0]
# -> value = 2.37542
# -> tangent = -0.189812
# --- generated
import numpy as np


def logsumexp_jvp(x, dx):
    """Value and tangent of logsumexp along x (forward mode)."""
    # line 14: m = np.max(x)
    m = np.max(x)
    dm = np.sum(dx * (x == m) / np.sum(x == m, dtype=x.dtype))
    # line 15: return m + np.log(np.sum(np.exp(x - m)))
    t2 = np.exp(x - m)
    t3 = np.sum(t2)
    out = m + np.log(t3)
    dout = dm + np.sum((dx - dm) * t2) / t3
    return out, dout

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/rosenbrock.py, rosenbrock; forward mode with respect to x
#    6 | def rosenbrock(x):
#    7 |     return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
# --- check: run at each point, the generated code returns the `->` values
# x = [0.5, -1.0, 2.0, 0.3]
# tangent dx = [1.0, 0.333333, -0.333333, -1.0]
# -> value = 1630.5
# -> tangent = -16.3333
# --- generated
import numpy as np


def rosenbrock_jvp(x, dx):
    """Value and tangent of rosenbrock along x (forward mode)."""
    # line 7: return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    t2 = x[:-1]
    t4 = x[1:] - t2 ** 2
    t8 = 1.0 - x[:-1]
    out = np.sum(100.0 * t4 ** 2 + t8 ** 2)
    dout = np.sum((dx[1:] - dx[:-1] * 2 * t2) * 2 * t4 * 100.0 - dx[:-1] * 2 * t8)
    return out, dout

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/rosenbrock.py, rosenbrock; reverse mode with respect to x
#    6 | def rosenbrock(x):
#    7 |     return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
# --- check: run at each point, the generated code returns the `->` values
# x = [0.5, -1.0, 2.0, 0.3]
# -> dx = [249.0, 146.0, 3162.0, -740.0]
# --- generated
import numpy as np


def rosenbrock_grad(x):
    """Gradient of rosenbrock with respect to x (reverse mode)."""
    # forward sweep
    t4 = x[1:] - x[:-1] ** 2
    # backward sweep
    # line 7: return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    dx = np.zeros_like(x)
    dx[:-1] += -2.0 * (1.0 - x[:-1])
    dt4 = 200.0 * t4
    del t4
    dx[:-1] += dt4 * -2 * x[:-1]
    dx[1:] += dt4
    return dx

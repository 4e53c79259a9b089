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
    t2 = x[:-1]
    t4 = x[1:] - t2 ** 2
    t8 = 1.0 - x[:-1]
    t10 = 100.0 * t4 ** 2 + t8 ** 2
    # backward sweep
    # line 7: return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    dt10 = np.full_like(t10, 1.0)
    del t10
    dt7 = -2.0 * t8
    del t8
    dx = np.zeros_like(x)
    dx[:-1] += dt7
    del dt7
    dt4 = dt10 * 200.0 * t4
    del dt10, t4
    dt2 = dt4 * -2 * t2
    dx[:-1] += dt2
    dx[1:] += dt4
    return dx

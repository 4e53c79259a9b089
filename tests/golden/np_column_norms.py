# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, column_norms; reverse mode with respect to A
#   27 | def column_norms(A):
#   28 |     """Sum of the Euclidean norms of A's columns: a reduction along an axis."""
#   29 |     return np.sum(np.sqrt(np.sum(A * A, axis=0)))
# --- check: run at each point, the generated code returns the `->` values
# A = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
# -> dA = [[0.254, -0.617213], [0.889001, 0.154303], [-0.381, 0.771517]]
# --- generated
import numpy as np


def column_norms_grad(A):
    """Gradient of column_norms with respect to A (reverse mode)."""
    # backward sweep
    # line 29: return np.sum(np.sqrt(np.sum(A * A, axis=0)))
    dt2 = 0.5 / np.sqrt(np.sum(A * A, axis=0))
    dA = np.expand_dims(dt2, 0) * A + np.expand_dims(dt2, 0) * A
    return dA

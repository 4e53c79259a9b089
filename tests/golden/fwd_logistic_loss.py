# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/logistic.py, loss; forward mode with respect to w, b
#    6 | def loss(w, b, X, y, lam):
#    7 |     """Mean cross-entropy of sigmoid(X @ w + b) against labels y, plus lam * |w|^2."""
#    8 |     z = X @ w + b
#    9 |     p = 1.0 / (1.0 + np.exp(-z))
#   10 |     eps = 1e-12
#   11 |     ce = -np.mean(y * np.log(p + eps) + (1.0 - y) * np.log(1.0 - p + eps))
#   12 |     return ce + lam * np.sum(w * w)
# --- check: run at each point, the generated code returns the `->` values
# w = [0.3, -0.2]
# b = 0.1
# X = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
# y = [1.0, 0.0, 1.0]
# lam = 0.01
# tangent dw = [1.0, -1.0]
# tangent db = 0.5
# -> value = 0.724004
# -> tangent = 0.110542
# --- generated
import numpy as np


def loss_jvp(w, b, X, y, lam, dw, db):
    """Value and tangent of loss along w, b (forward mode)."""
    # line 8: z = X @ w + b
    z = X @ w + b
    # line 9: p = 1.0 / (1.0 + np.exp(-z))
    t3 = np.exp(-z)
    t4 = 1.0 + t3
    p = 1.0 / t4
    dp = (np.matmul(X, dw) + db) * t3 * (p / t4)
    # line 10: eps = 1e-12
    eps = 1e-12
    # line 11: ce = -np.mean(y * np.log(p + eps) + (1.0 - y) * np.log(1.0 - p + eps))
    t5 = p + eps
    t9 = 1.0 - p + eps
    ce = -np.mean(y * np.log(t5) + (1.0 - y) * np.log(t9))
    # line 12: return ce + lam * np.sum(w * w)
    out = ce + lam * np.sum(w * w)
    dout = -np.mean(dp / t5 * y - dp / t9 * (1.0 - y)) + np.sum(2 * (dw * w)) * lam
    return out, dout

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/logistic.py, loss; reverse mode with respect to w, b
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
# -> dw = [0.162362, -0.0133094]
# -> db = -0.130258
# --- generated
import numpy as np


def loss_grad(w, b, X, y, lam):
    """Gradient of loss with respect to w, b (reverse mode)."""
    # forward sweep
    z = X @ w + b
    t3 = np.exp(-z)
    del z
    t4 = 1.0 + t3
    p = 1.0 / t4
    eps = 1e-12
    # backward sweep
    # line 9: p = 1.0 / (1.0 + np.exp(-z))
    dz = (1.0 / y.size * (1.0 - y) / (1.0 - p + eps) - 1.0 / y.size * y / (p + eps)) * (p / t4) * t3
    del p, t3, t4
    # line 8: z = X @ w + b
    db = np.sum(dz)
    dw = 2 * (lam * w) + X.T @ dz
    return dw, float(db)

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/mlp.py, mlp_loss; forward mode with respect to W1, b1, W2, b2
#    6 | def mlp_loss(W1, b1, W2, b2, X, labels):
#    7 |     """Mean softmax cross-entropy of a tanh MLP; `labels` holds integer classes."""
#    8 |     h = np.tanh(X @ W1 + b1)
#    9 |     logits = h @ W2 + b2
#   10 |     shifted = logits - np.max(logits, axis=1, keepdims=True)
#   11 |     log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
#   12 |     picked = log_probs[np.arange(X.shape[0]), labels]
#   13 |     return -np.mean(picked)
# --- check: run at each point, the generated code returns the `->` values
# W1 = [[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]
# b1 = [0.1, 0.0, -0.1]
# W2 = [[0.2, -0.5], [0.4, 0.3], [-0.1, 0.6]]
# b2 = [0.05, -0.05]
# X = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
# labels = [0, 1, 1]
# tangent dW1 = [[1.0, 0.6, 0.2], [-0.2, -0.6, -1.0]]
# tangent db1 = [0.5, 0.0, -0.5]
# tangent dW2 = [[0.25, 0.15], [0.05, -0.05], [-0.15, -0.25]]
# tangent db2 = [0.125, -0.125]
# -> value = 0.821138
# -> tangent = 0.273865
# --- generated
import numpy as np


def mlp_loss_jvp(W1, b1, W2, b2, X, labels, dW1, db1, dW2, db2):
    """Value and tangent of mlp_loss along W1, b1, W2, b2 (forward mode)."""
    # line 8: h = np.tanh(X @ W1 + b1)
    h = np.tanh(X @ W1 + b1)
    # line 9: logits = h @ W2 + b2
    logits = h @ W2 + b2
    dlogits = np.matmul((np.matmul(X, dW1) + db1) * (1 - h * h), W2) + np.matmul(h, dW2) + db2
    # line 10: shifted = logits - np.max(logits, axis=1, keepdims=True)
    t4 = np.max(logits, axis=1, keepdims=True)
    shifted = logits - t4
    dshifted = dlogits - np.sum(dlogits * (logits == t4) / np.sum(logits == t4, axis=1, keepdims=True, dtype=logits.dtype), axis=1, keepdims=True)
    # line 11: log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    t5 = np.exp(shifted)
    t6 = np.sum(t5, axis=1, keepdims=True)
    log_probs = shifted - np.log(t6)
    # line 12: picked = log_probs[np.arange(X.shape[0]), labels]
    picked = log_probs[np.arange(X.shape[0]), labels]
    # line 13: return -np.mean(picked)
    out = -np.mean(picked)
    dout = -np.mean((dshifted - np.sum(dshifted * t5, axis=1, keepdims=True) / t6)[np.arange(X.shape[0]), labels])
    return out, dout

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, softmax_xent; forward mode with respect to W
#   57 | def softmax_xent(W, X, Y):
#   58 |     """Mean cross-entropy of softmax(X @ W) against one-hot rows Y."""
#   59 |     logits = X @ W
#   60 |     shifted = logits - np.max(logits, axis=1, keepdims=True)
#   61 |     log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
#   62 |     return -np.mean(np.sum(Y * log_probs, axis=1))
# --- check: run at each point, the generated code returns the `->` values
# W = [[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]
# X = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
# Y = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
# tangent dW = [[1.0, 0.6, 0.2], [-0.2, -0.6, -1.0]]
# -> value = 1.30634
# -> tangent = -0.0766243
# --- generated
import numpy as np


def softmax_xent_jvp(W, X, Y, dW):
    """Value and tangent of softmax_xent along W (forward mode)."""
    # line 59: logits = X @ W
    logits = X @ W
    dlogits = np.matmul(X, dW)
    # line 60: shifted = logits - np.max(logits, axis=1, keepdims=True)
    t1 = np.max(logits, axis=1, keepdims=True)
    shifted = logits - t1
    dshifted = dlogits - np.sum(dlogits * (logits == t1) / np.sum(logits == t1, axis=1, keepdims=True, dtype=logits.dtype), axis=1, keepdims=True)
    # line 61: log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    t2 = np.exp(shifted)
    t3 = np.sum(t2, axis=1, keepdims=True)
    log_probs = shifted - np.log(t3)
    # line 62: return -np.mean(np.sum(Y * log_probs, axis=1))
    out = -np.mean(np.sum(Y * log_probs, axis=1))
    dout = -np.mean(np.sum((dshifted - np.sum(dshifted * t2, axis=1, keepdims=True) / t3) * Y, axis=1))
    return out, dout

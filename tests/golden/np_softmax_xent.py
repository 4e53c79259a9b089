# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, softmax_xent; reverse mode with respect to W
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
# -> dW = [[-0.162177, -0.0340926, 0.19627], [-0.00804973, 0.182986, -0.174936]]
# --- generated
import numpy as np


def softmax_xent_grad(W, X, Y):
    """Gradient of softmax_xent with respect to W (reverse mode)."""
    # forward sweep
    logits = X @ W
    t1 = np.max(logits, axis=1, keepdims=True)
    shifted = logits - t1
    t2 = np.exp(shifted)
    del shifted
    # backward sweep
    # line 62: return -np.mean(np.sum(Y * log_probs, axis=1))
    dlog_probs = -1.0 / Y.shape[0] * Y
    # line 61: log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    dshifted = dlog_probs - np.sum(dlog_probs, axis=1, keepdims=True) / np.sum(t2, axis=1, keepdims=True) * t2
    del dlog_probs, t2
    # line 59: logits = X @ W
    dW = X.T @ (dshifted - np.sum(dshifted, axis=1, keepdims=True) * (logits == t1) / np.sum(logits == t1, axis=1, keepdims=True, dtype=logits.dtype))
    return dW

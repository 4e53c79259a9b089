# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/mlp.py, mlp_loss; reverse mode with respect to W1, b1, W2, b2
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
# -> dW1 = [[0.0135803, 0.00349437, -0.0307499], [0.130338, 0.0179728, -0.111131]]
# -> db1 = [0.145338, 0.0214548, -0.121724]
# -> dW2 = [[0.0486965, -0.0486965], [0.0679643, -0.0679643], [-0.109788, 0.109788]]
# -> db2 = [0.223359, -0.223359]
# --- generated
import numpy as np


def mlp_loss_grad(W1, b1, W2, b2, X, labels):
    """Gradient of mlp_loss with respect to W1, b1, W2, b2 (reverse mode)."""
    # forward sweep
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    t4 = np.max(logits, axis=1, keepdims=True)
    shifted = logits - t4
    t5 = np.exp(shifted)
    del shifted
    t6 = np.sum(t5, axis=1, keepdims=True)
    # backward sweep
    # line 12: picked = log_probs[np.arange(X.shape[0]), labels]
    dlog_probs = np.zeros_like(logits)
    dlog_probs[np.arange(X.shape[0]), labels] = -1.0 / labels.size
    # line 11: log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    dshifted = dlog_probs - np.sum(dlog_probs, axis=1, keepdims=True) / t6 * t5
    del dlog_probs, t5, t6
    # line 10: shifted = logits - np.max(logits, axis=1, keepdims=True)
    dlogits = dshifted - np.sum(dshifted, axis=1, keepdims=True) * (logits == t4) / np.sum(logits == t4, axis=1, keepdims=True, dtype=logits.dtype)
    del dshifted, logits, t4
    # line 8: h = np.tanh(X @ W1 + b1)
    dt2 = dlogits @ W2.T * (1 - h * h)
    return X.T @ dt2, dt2.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)

"""Input functions of the golden files (tests/golden/) that samples/ doesn't have.

Generated code quotes the lines it differentiates (`# line 12: ...`), so moving a
function here changes its golden files: add new functions at the end.
"""

import math

import numpy as np


def logsumexp(x):
    """log(sum(exp(x))), shifted by the maximum so that exp never overflows."""
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def running_product(x):
    """Index assignment into a fresh array: y[i] = y[i - 1] * x[i]."""
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * x[i]
    return np.sum(y)


def column_norms(A):
    """Sum of the Euclidean norms of A's columns: a reduction along an axis."""
    return np.sum(np.sqrt(np.sum(A * A, axis=0)))


def square(z):
    return z * z


def two_squares(x, y):
    """A user helper called twice the same way: its derivative code is generated once."""
    return square(x) + square(x * y)


def iterate_sin(x, a, n=3):
    """x is overwritten in a loop: each old x goes on the stack for the backward sweep."""
    for _ in range(n):
        x = a * math.sin(x)
    return x


def piecewise(x, y):
    """A branch: the backward sweep takes the branch the forward sweep took."""
    if x > y:
        z = x * y
    else:
        z = math.exp(x) - y
    return z * z


def softmax_xent(W, X, Y):
    """Mean cross-entropy of softmax(X @ W) against one-hot rows Y."""
    logits = X @ W
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))

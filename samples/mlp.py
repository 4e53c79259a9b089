"""A 2-layer MLP with softmax cross-entropy, trained for a few steps of gradient descent."""

import numpy as np


def mlp_loss(W1, b1, W2, b2, X, labels):
    """Mean softmax cross-entropy of a tanh MLP; `labels` holds integer classes."""
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    picked = log_probs[np.arange(X.shape[0]), labels]
    return -np.mean(picked)


def init(sizes=(20, 32, 4), seed=0):
    rng = np.random.default_rng(seed)
    d, hidden, k = sizes
    W1 = rng.normal(scale=1 / np.sqrt(d), size=(d, hidden))
    W2 = rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, k))
    return W1, np.zeros(hidden), W2, np.zeros(k)


def make_data(n=256, d=20, k=4, seed=1):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=2.0, size=(k, d))
    labels = rng.integers(0, k, size=n)
    X = centers[labels] + rng.normal(size=(n, d))
    return X, labels


if __name__ == "__main__":
    import srcdiff

    X, labels = make_data()
    params = list(init())
    step = srcdiff.value_and_grad(mlp_loss, wrt=(0, 1, 2, 3))
    for it in range(31):
        value, grads = step(*params, X, labels)
        params = [p - 0.5 * g for p, g in zip(params, grads)]
        if it % 5 == 0:
            print(f"step {it:2d}  loss {value:.4f}")

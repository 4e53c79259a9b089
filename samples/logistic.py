"""Logistic regression with an L2 penalty, trained by gradient descent."""

import numpy as np


def loss(w, b, X, y, lam):
    """Mean cross-entropy of sigmoid(X @ w + b) against labels y, plus lam * |w|^2."""
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    eps = 1e-12
    ce = -np.mean(y * np.log(p + eps) + (1.0 - y) * np.log(1.0 - p + eps))
    return ce + lam * np.sum(w * w)


def make_data(n=200, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    true_w = rng.normal(size=d)
    y = (X @ true_w + 0.3 * rng.normal(size=n) > 0).astype(float)
    return X, y


if __name__ == "__main__":
    import srcdiff

    X, y = make_data()
    w, b = np.zeros(X.shape[1]), 0.0
    step = srcdiff.value_and_grad(loss, wrt=("w", "b"))
    for it in range(101):
        value, (gw, gb) = step(w, b, X, y, 0.01)
        w, b = w - 0.5 * gw, b - 0.5 * gb
        if it % 20 == 0:
            print(f"step {it:3d}  loss {value:.4f}")

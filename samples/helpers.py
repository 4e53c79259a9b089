"""A model built from helper functions: srcdiff differentiates each helper it calls."""

import math


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def neuron(x1, x2, w1, w2, b):
    return sigmoid(w1 * x1 + w2 * x2 + b)


def log_loss(w1, w2, b):
    """Cross-entropy of a two-input neuron on three fixed points."""
    data = [(0.5, 1.0, 1.0), (-1.0, 0.3, 0.0), (2.0, -0.5, 1.0)]
    loss = 0.0
    for x1, x2, label in data:
        p = neuron(x1, x2, w1, w2, b)
        loss -= label * math.log(p) + (1.0 - label) * math.log(1.0 - p)
    return loss / len(data)


if __name__ == "__main__":
    import srcdiff

    w = [0.1, -0.2, 0.0]
    step = srcdiff.value_and_grad(log_loss, wrt=(0, 1, 2))
    for it in range(5):
        loss, g = step(*w)
        print(f"step {it}: loss {loss:.4f}")
        w = [wi - 0.5 * gi for wi, gi in zip(w, g)]

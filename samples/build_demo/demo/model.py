"""A tiny model: the functions `srcdiff build` differentiates ahead of time."""

import math

DECAY = 0.05            # L2 penalty weight
DATA = ((0.0, 0.1), (0.5, 0.6), (1.0, 0.8), (1.5, 0.95))


def predict(w, b, x):
    """A one-neuron model."""
    return math.tanh(w * x + b)


def loss(w, b, data=DATA):
    """Squared error of `predict` over `data`, plus an L2 penalty on w."""
    n = len(data)
    total = 0.0
    for x, y in data:
        err = predict(w, b, x) - y
        total = total + err * err
    return total / n + DECAY * w * w


def rosenbrock(x, y, a=1.0, b=100.0):
    """The banana function: minimum 0 at (a, a**2)."""
    return (a - x) ** 2 + b * (y - x * x) ** 2


def fit_loss(params, data=DATA):
    """`loss` with its parameters in a dict, {"w": ..., "b": ...}: `srcdiff build` writes
    `fit_loss_grad(params, data=DATA)`, which returns {"w": dw, "b": db}."""
    return loss(params["w"], params["b"], data)

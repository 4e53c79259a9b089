"""Smooth activation functions, written the way the papers define them."""

import math


def softplus(x, beta=1.0):
    """log(1 + exp(beta x)) / beta, computed without overflow for large x."""
    z = beta * x
    if z > 20.0:
        return x
    return math.log1p(math.exp(z)) / beta


def gelu(x):
    """GELU, tanh approximation (Hendrycks & Gimpel 2016)."""
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1.0 + math.tanh(inner))


def swish(x, beta):
    """x * sigmoid(beta x)."""
    return x / (1.0 + math.exp(-beta * x))


if __name__ == "__main__":
    import srcdiff

    for f in (softplus, gelu):
        print(f.__name__, [round(srcdiff.grad(f)(x), 6) for x in (-2.0, 0.0, 2.0)])
    print("swish d/dbeta at x=1:", srcdiff.grad(swish, wrt="beta")(1.0, 1.5))

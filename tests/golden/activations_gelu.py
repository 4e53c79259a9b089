def gelu_grad(x):
    """Gradient of gelu with respect to x (reverse mode)."""
    # forward sweep
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)
    t4 = 0.5 * x
    t5 = math.tanh(inner)
    t6 = 1.0 + t5
    # backward sweep
    # line 17: return 0.5 * x * (1.0 + math.tanh(inner))
    dx = t6 * 0.5
    # line 16: inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    dt3 = t4 * (1 - t5 * t5) * math.sqrt(2.0 / math.pi)
    dx = dx + dt3
    dx = dx + dt3 * 0.134145 * x ** 2
    return dx

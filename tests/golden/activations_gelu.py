def gelu_grad(x):
    """Gradient of gelu with respect to x (reverse mode)."""
    # forward sweep
    t1 = x ** 3
    t2 = 0.044715 * t1
    t3 = x + t2
    inner = math.sqrt(2.0 / math.pi) * t3
    t4 = 0.5 * x
    t5 = math.tanh(inner)
    t6 = 1.0 + t5
    # backward sweep
    # line 17: return 0.5 * x * (1.0 + math.tanh(inner))
    dt4 = t6
    dt6 = t4
    dinner = dt6 * (1 - t5 * t5)
    dx = dt4 * 0.5
    # line 16: inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    dt3 = dinner * math.sqrt(2.0 / math.pi)
    dx = dx + dt3
    dt1 = dt3 * 0.044715
    dx = dx + dt1 * 3 * x ** 2
    return dx

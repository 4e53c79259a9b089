def swish_grad(x, beta):
    """Gradient of swish with respect to x, beta (reverse mode)."""
    # forward sweep
    t1 = -beta
    t3 = math.exp(t1 * x)
    t4 = 1.0 + t3
    out = x / t4
    # backward sweep
    # line 22: return x / (1.0 + math.exp(-beta * x))
    dx = 1.0 / t4
    dt2 = -out / t4 * t3
    dx = dx + dt2 * t1
    dbeta = -(dt2 * x)
    return dx, dbeta

def swish_grad(x, beta):
    """Gradient of swish with respect to x, beta (reverse mode)."""
    # forward sweep
    t1 = -beta
    t2 = t1 * x
    t3 = math.exp(t2)
    t4 = 1.0 + t3
    out = x / t4
    # backward sweep
    # line 22: return x / (1.0 + math.exp(-beta * x))
    dx = 1.0 / t4
    dt4 = -out / t4
    dt2 = dt4 * t3
    dt1 = dt2 * x
    dx = dx + dt2 * t1
    dbeta = -dt1
    return dx, dbeta

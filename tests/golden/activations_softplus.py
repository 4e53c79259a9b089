def softplus_grad(x, beta=1.0):
    """Gradient of softplus with respect to x (reverse mode)."""
    # forward sweep
    _returned1 = False
    z = beta * x
    cond1 = z > 20.0
    if cond1:
        _returned1 = True
    cond2 = not _returned1
    if cond2:
        t1 = math.exp(z)
        _returned1 = True
    # backward sweep
    dout = 1.0
    if cond2:
        # line 11: return math.log1p(math.exp(z)) / beta
        dt2 = dout / beta
        dt1 = dt2 / (1 + t1)
        dz = dt1 * t1
        dout = 0.0
    else:
        # line 11: return math.log1p(math.exp(z)) / beta
        dz = 0.0
    if cond1:
        # line 10: return x
        dx = dout
        # line 9: if z > 20.0:
        dout = 0.0
    else:
        # line 9: if z > 20.0:
        dx = 0.0
    # line 8: z = beta * x
    dx = dx + dz * beta
    return dx

def softplus_grad(x, beta=1.0):
    """Gradient of softplus with respect to x (reverse mode)."""
    # forward sweep
    z = beta * x
    cond1 = z > 20.0
    if not cond1:
        t1 = math.exp(z)
    # backward sweep
    if cond1:
        # line 10: return x
        dx = 1.0
        # line 9: if z > 20.0:
        dz = 0.0
    else:
        # line 11: return math.log1p(math.exp(z)) / beta
        dz = 1.0 / beta / (1 + t1) * t1
        # line 9: if z > 20.0:
        dx = 0.0
    # line 8: z = beta * x
    dx = dx + dz * beta
    return dx

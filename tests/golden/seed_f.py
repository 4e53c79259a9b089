def f_grad(x, y):
    """Gradient of f with respect to x, y (reverse mode)."""
    # forward sweep
    t1 = x ** 2
    # backward sweep
    # line 8: return x**2 * y + y + 2
    dy = 1.0 + t1
    dx = y * 2 * x
    return dx, dy

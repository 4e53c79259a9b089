import math


def pendulum_grad(theta0, damping, steps=1000):
    """Gradient of pendulum with respect to theta0, damping (reverse mode)."""
    # forward sweep
    _stack = []
    dt = 0.001
    theta = theta0
    omega = 0.0
    iters1 = range(steps)
    for _ in iters1:
        _stack.append(omega)
        omega = omega - dt * (G * math.sin(theta) + damping * omega)
        _stack.append(theta)
        theta = theta + dt * omega
    # backward sweep
    dtheta = 1.0
    # line 21: for _ in range(steps):
    ddamping = 0.0
    domega = 0.0
    for _ in reversed(iters1):
        theta = _stack.pop()
        # line 23: theta = theta + dt * omega
        domega = domega + dtheta * dt
        omega = _stack.pop()
        # line 22: omega = omega - dt * (G * math.sin(theta) + damping * omega)
        dt4 = -domega * dt
        ddamping = ddamping + dt4 * omega
        domega = domega + dt4 * damping
        dtheta = dtheta + dt4 * G * math.cos(theta)
    # line 19: theta = theta0
    dtheta0 = dtheta
    return dtheta0, ddamping

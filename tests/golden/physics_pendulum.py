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
        t1 = math.sin(theta)
        t2 = G * t1
        t3 = damping * omega
        t4 = t2 + t3
        t5 = dt * t4
        _stack.append(omega)
        omega = omega - t5
        t6 = dt * omega
        _stack.append(theta)
        theta = theta + t6
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
        dt5 = -domega
        dt4 = dt5 * dt
        ddamping = ddamping + dt4 * omega
        domega = domega + dt4 * damping
        dt1 = dt4 * G
        dtheta = dtheta + dt1 * math.cos(theta)
    # line 19: theta = theta0
    dtheta0 = dtheta
    return dtheta0, ddamping

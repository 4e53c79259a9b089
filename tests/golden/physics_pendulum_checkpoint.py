# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/physics.py, pendulum; reverse mode with respect to theta0, damping, checkpoint=10
#   16 | def pendulum(theta0, damping, steps=1000):
#   17 |     """Angle of a damped pendulum after `steps` explicit Euler steps of 1 ms."""
#   18 |     dt = 0.001
#   19 |     theta = theta0
#   20 |     omega = 0.0
#   21 |     for _ in range(steps):
#   22 |         omega = omega - dt * (G * math.sin(theta) + damping * omega)
#   23 |         theta = theta + dt * omega
#   24 |     return theta
# --- check: run at each point, the generated code returns the `->` values
# theta0 = 0.5
# damping = 0.3
# -> dtheta0 = -0.845066
# -> ddamping = 0.220192
# --- generated
import math
from srcdiff.runtime import binomial_schedule, binomial_segments


def pendulum_grad(theta0, damping, steps=1000):
    """Gradient of pendulum with respect to theta0, damping (reverse mode)."""
    # forward sweep
    _stack = []
    dt = 0.001
    theta = theta0
    omega = 0.0
    iters1 = range(steps)
    snapshots1 = []
    for (start1, stop1) in binomial_segments(len(iters1), 10):
        snapshots1.append((omega, theta))
        for _ in iters1[start1:stop1]:
            omega = omega - dt * (G * math.sin(theta) + damping * omega)
            theta = theta + dt * omega
    # backward sweep
    dtheta = 1.0
    # line 21: for _ in range(steps):
    ddamping = 0.0
    domega = 0.0
    for (action1, start1, stop1) in binomial_schedule(len(iters1), 10):
        if action1 == 'reverse':
            for _ in iters1[start1:stop1]:
                _stack.append(omega)
                # line 22: omega = omega - dt * (G * math.sin(theta) + damping * omega)
                omega = omega - dt * (G * math.sin(theta) + damping * omega)
                _stack.append(theta)
                # line 23: theta = theta + dt * omega
                theta = theta + dt * omega
            for _ in reversed(iters1[start1:stop1]):
                theta = _stack.pop()
                # line 23: theta = theta + dt * omega
                domega = domega + dtheta * dt
                omega = _stack.pop()
                # line 22: omega = omega - dt * (G * math.sin(theta) + damping * omega)
                dt4 = -domega * dt
                ddamping = ddamping + dt4 * omega
                domega = domega + dt4 * damping
                dtheta = dtheta + dt4 * G * math.cos(theta)
        elif action1 == 'advance':
            for _ in iters1[start1:stop1]:
                # line 22: omega = omega - dt * (G * math.sin(theta) + damping * omega)
                omega = omega - dt * (G * math.sin(theta) + damping * omega)
                # line 23: theta = theta + dt * omega
                theta = theta + dt * omega
        elif action1 == 'save':
            snapshots1.append((omega, theta))
        elif action1 == 'restore':
            omega, theta = snapshots1[-1]
        else:
            snapshots1.pop()
    # line 19: theta = theta0
    dtheta0 = dtheta
    return dtheta0, ddamping

# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/physics.py, pendulum; directions mode with respect to theta0, damping
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


def pendulum_jvps(theta0, damping, steps, dtheta0, ddamping):
    """Value and tangents of pendulum along each of theta0, damping (forward mode)."""
    # line 18: dt = 0.001
    dt = 0.001
    # line 19: theta = theta0
    theta = theta0
    dtheta = dtheta0
    # line 20: omega = 0.0
    omega = 0.0
    domega = 0.0
    domega_1 = 0.0
    dtheta_1 = 0.0
    for _ in range(steps):
        # line 22: omega = omega - dt * (G * math.sin(theta) + damping * omega)
        p1 = math.cos(theta)
        domega = domega - (dtheta * p1 * G + domega * damping) * dt
        domega_1 = domega_1 - (dtheta_1 * p1 * G + (ddamping * omega + domega_1 * damping)) * dt
        omega = omega - dt * (G * math.sin(theta) + damping * omega)
        # line 23: theta = theta + dt * omega
        dtheta = dtheta + domega * dt
        dtheta_1 = dtheta_1 + domega_1 * dt
        theta = theta + dt * omega
    return theta, (dtheta, dtheta_1)

"""Physics formulas: projectile range and a damped pendulum integrated in a loop."""

import math

G = 9.81


def projectile_range(speed, angle, height):
    """Horizontal distance travelled by a projectile launched from `height`."""
    vx = speed * math.cos(angle)
    vy = speed * math.sin(angle)
    t_flight = (vy + math.sqrt(vy * vy + 2 * G * height)) / G
    return vx * t_flight


def pendulum(theta0, damping, steps=1000):
    """Angle of a damped pendulum after `steps` explicit Euler steps of 1 ms."""
    dt = 0.001
    theta = theta0
    omega = 0.0
    for _ in range(steps):
        omega = omega - dt * (G * math.sin(theta) + damping * omega)
        theta = theta + dt * omega
    return theta


if __name__ == "__main__":
    import srcdiff

    print("range:", projectile_range(20.0, 0.7, 1.5))
    print("d range / d(speed, angle, height):",
          srcdiff.grad(projectile_range, wrt=(0, 1, 2))(20.0, 0.7, 1.5))
    print("d theta / d(theta0, damping):", srcdiff.grad(pendulum, wrt=(0, 1))(0.5, 0.3))

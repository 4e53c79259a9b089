# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/physics.py, projectile_range; reverse mode with respect to speed, angle, height
#    8 | def projectile_range(speed, angle, height):
#    9 |     """Horizontal distance travelled by a projectile launched from `height`."""
#   10 |     vx = speed * math.cos(angle)
#   11 |     vy = speed * math.sin(angle)
#   12 |     t_flight = (vy + math.sqrt(vy * vy + 2 * G * height)) / G
#   13 |     return vx * t_flight
# --- check: run at each point, the generated code returns the `->` values
# speed = 20.0
# angle = 0.7
# height = 1.5
# -> dspeed = 4.02484
# -> dangle = 10.5527
# -> dheight = 1.09421
# --- generated
import math


def projectile_range_grad(speed, angle, height):
    """Gradient of projectile_range with respect to speed, angle, height (reverse mode)."""
    # forward sweep
    t1 = math.cos(angle)
    vx = speed * t1
    t2 = math.sin(angle)
    vy = speed * t2
    t6 = math.sqrt(vy * vy + 2 * G * height)
    t_flight = (vy + t6) / G
    # backward sweep
    # line 13: return vx * t_flight
    dvx = t_flight
    # line 12: t_flight = (vy + math.sqrt(vy * vy + 2 * G * height)) / G
    dt7 = vx / G
    dt5 = dt7 * (0.5 / t6)
    dheight = dt5 * 2 * G
    dvy = dt7 + 2 * (dt5 * vy)
    # line 10: vx = speed * math.cos(angle)
    dspeed = dvy * t2 + dvx * t1
    dangle = dvy * speed * math.cos(angle) - dvx * speed * math.sin(angle)
    return dspeed, dangle, dheight

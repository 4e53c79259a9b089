# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: samples/physics.py, projectile_range; symbolic mode with respect to speed, angle, height
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
    """Gradient of projectile_range with respect to speed, angle, height (symbolic)."""
    t1 = math.cos(angle)
    t2 = math.sin(angle)
    t3 = 100 / 981 * t2
    t4 = speed ** 2
    t5 = t2 ** 2
    t6 = math.sqrt(19.62 * height + t4 * t5)
    t7 = speed * t3 + 100 / 981 * t6
    t8 = 1 / t6
    t9 = speed * t1
    dspeed = t1 * t7 + t9 * (100 / 981 * speed * t5 * t8 + t3)
    dangle = speed * t1 * (t1 * t3 * t4 * t8 + 100 / 981 * t9) - speed * t2 * t7
    dheight = t8 * t9
    return dspeed, dangle, dheight

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
    dvy = dt7 + (dt5 * vy + dt5 * vy)
    # line 11: vy = speed * math.sin(angle)
    dspeed = dvy * t2
    dangle = dvy * speed * math.cos(angle)
    # line 10: vx = speed * math.cos(angle)
    dspeed = dspeed + dvx * t1
    dangle = dangle - dvx * speed * math.sin(angle)
    return dspeed, dangle, dheight

import math


def projectile_range_grad(speed, angle, height):
    """Gradient of projectile_range with respect to speed, angle, height (reverse mode)."""
    # forward sweep
    t1 = math.cos(angle)
    vx = speed * t1
    t2 = math.sin(angle)
    vy = speed * t2
    t3 = vy * vy
    t4 = 2 * G * height
    t5 = t3 + t4
    t6 = math.sqrt(t5)
    t7 = vy + t6
    t_flight = t7 / G
    # backward sweep
    # line 13: return vx * t_flight
    dvx = t_flight
    dt_flight = vx
    # line 12: t_flight = (vy + math.sqrt(vy * vy + 2 * G * height)) / G
    dt7 = dt_flight / G
    dt5 = dt7 * (0.5 / t6)
    dheight = dt5 * 2 * G
    dvy = dt7 + (dt5 * vy + dt5 * vy)
    # line 11: vy = speed * math.sin(angle)
    dspeed = dvy * t2
    dt2 = dvy * speed
    dangle = dt2 * math.cos(angle)
    # line 10: vx = speed * math.cos(angle)
    dspeed = dspeed + dvx * t1
    dt1 = dvx * speed
    dangle = dangle - dt1 * math.sin(angle)
    return dspeed, dangle, dheight

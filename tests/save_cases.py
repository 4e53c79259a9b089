"""Functions whose reverse mode saves little: values read back only at the end, helpers
whose backward sweeps take the caller's numbers, temporaries recomputed, arrays freed.
(tests/test_saves.py, tests/test_frees.py)"""

import math

import numpy as np


def step(th, om, dt, g):
    acc = -g * math.sin(th)
    return th + dt * om, om + dt * acc


def integrate(g, th0, om0, dt, n):
    """The helper's targets are its arguments (th, om): those it saves itself."""
    th = th0
    om = om0
    for i in range(n):
        th, om = step(th, om, dt, g)
    return th * th + om


def read_at_end(x, n):
    """y is overwritten every pass but read only after the loop: nothing to push for it."""
    y = x
    s = 0.0
    for i in range(n):
        y = y * 1.1 + 0.5
        s = s + x * 2.0
    return s + y * y


def read_in_every_pass(x, n):
    """... and here every pass reads the old y: one push per pass."""
    y = x
    s = 0.0
    for i in range(n):
        s = s + math.sin(y)
        y = y * 1.1
    return s


def scaled(z, c):
    return z * c + math.sin(z)


def two_sites(x, c, n):
    """The same helper with a number the caller never changes (c) and one it does (y)."""
    y = x
    for i in range(n):
        y = scaled(y, c)
    return scaled(x, c) + y


def negated(x, k, n):
    """`-k` (a parameter) is computed again, not pushed."""
    y = x
    s = 0.0
    for i in range(n):
        s = s + (-k) * math.sin(y) + math.log(1.0 - y / 4.0) * y
        y = y * 0.9
    return s


def branch_then_read(x, n):
    """A restore inside a branch, read on one side only."""
    y = x
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            s = s + y * y
        y = y + 0.25 * x
    return s


def while_loop(x):
    y = x
    s = 0.0
    k = 0
    while k < 5:
        s = s + y * math.cos(y)
        y = y * 0.8
        k = k + 1
    return s + y


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def mlp_like(w, x):
    h = np.tanh(x * w)
    z = np.exp(h) * x
    return np.sum(z * z) + np.sum(h)


def first_touch(x, n):
    """Each reversed pass assigns dacc before reading it (zero at every pass's head); the
    statement before the loop reads dacc again (zero, also after no pass at all)."""
    acc = x * 3.0
    y = x
    for i in range(n):
        acc = y * 0.5
        y = y + acc * y
    return y


def inner(z, c):
    return z * c + c


def outer(z, c, k):
    """A helper passing its own (passed) parameters on to another."""
    s = 0.0
    for i in range(k):
        s = s + inner(z, c) * math.sin(s + c)
    return s


def nested_helpers(x, c):
    y = x
    for i in range(3):
        y = outer(y, c, 2) + y
    return y + outer(x, c, 1)


def power_down(z, c, k):
    """Recursion: the recursive call passes c (never assigned) and k - 1 (inline)."""
    if k <= 0:
        return z
    return power_down(z * c + math.sin(z), c, k - 1)


def recursive(x, c):
    return power_down(x, c, 3) * c


def with_keywords(x, c):
    y = x
    for i in range(4):
        y = scaled(c=c, z=y)
    return y


def reassigned_later(x, c):
    """c is passed at the call, then changed: the backward sweep reads the old c."""
    y = scaled(x, c)
    c = c * 2.0
    return y * c


def branch_call(x, c, n):
    y = x
    for i in range(n):
        if y > 0.5:
            y = scaled(y, c)
        else:
            y = y + c
    return y


def rk4_like_step(th, om, dt, g):
    """`th + dt * k2t` and `th + 0.5 * dt * k1t` (k1t a copy of om) are computed again
    in the backward sweep from th, om and k2t, which it pops anyway."""
    k1t = om
    k1o = -g * math.sin(th) * om
    k2t = om + 0.5 * dt * k1o
    k2o = -g * math.sin(th + 0.5 * dt * k1t) - 0.3 * k2t
    k3o = -g * math.sin(th + dt * k2t) * k2t
    return th + dt * (k1t + k2t), om + dt * (k1o + k2o + k3o)


def rk4_like(g, th0, om0, dt, n):
    th = th0
    om = om0
    for i in range(n):
        th, om = rk4_like_step(th, om, dt, g)
    return th * th + om


def divided_again(x, k, n):
    """`y / k` is not computed again (only + - *): it is pushed."""
    y = x
    s = 0.0
    for i in range(n):
        s = s + math.sin(y + y / k) * y
        y = y * 0.9
    return s

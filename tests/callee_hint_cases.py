"""Calls of a function no name denotes when the code is generated -- a parameter, a local
variable, an item of a list -- (tests/test_callee_hints.py): refused, and the advice
followed: call it by its own name, or close over it."""

import numpy as np


def rhs(y):
    return np.array([y[1], -np.sin(y[0]) - 0.1 * y[1]])


def rk4(f, y, dt):
    k1 = f(y)
    k2 = f(y + 0.5 * dt * k1)
    k3 = f(y + 0.5 * dt * k2)
    k4 = f(y + dt * k3)
    return y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def integrated(y0):  # f passed to a helper
    y = y0
    for _ in range(5):
        y = rk4(rhs, y, 0.1)
    return np.sum(y**2)


def make_rk4(f):
    def rk4(y, dt):
        k1 = f(y)
        k2 = f(y + 0.5 * dt * k1)
        k3 = f(y + 0.5 * dt * k2)
        k4 = f(y + dt * k3)
        return y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)

    return rk4


rk4_h = make_rk4(rhs)


def integrated_closure(y0):  # "make rk4 a closure over it"
    y = y0
    for _ in range(5):
        y = rk4_h(y, 0.1)
    return np.sum(y**2)


def rk4_named(y, dt):
    k1 = rhs(y)
    k2 = rhs(y + 0.5 * dt * k1)
    k3 = rhs(y + 0.5 * dt * k2)
    k4 = rhs(y + dt * k3)
    return y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def integrated_named(y0):  # "call the function by its own name"
    y = y0
    for _ in range(5):
        y = rk4_named(y, 0.1)
    return np.sum(y**2)


def local_alias(y0):
    g = rhs
    return np.sum(g(y0) * y0)


def local_alias_in_branch(y0):  # bound in a branch: no call of it is rewritten
    if y0.shape[0] > 1:
        g = rhs
    return np.sum(g(y0) * y0)


def local_alias_advice(y0):  # "call rhs(...) where you call g(...)"
    return np.sum(rhs(y0) * y0)


def list_item(y0):
    fs = [np.sin, rhs]
    return np.sum(fs[1](y0) * y0)

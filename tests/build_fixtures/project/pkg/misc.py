"""Functions whose derivatives call srcdiff.runtime helpers, or share a helper."""


def power(x, y):
    return x ** y


def total(xs: list, c):
    s = 0.0
    for i in range(len(xs)):
        s = s + xs[i] * c
    return s


def mix(x, y):
    return x * y + y


def both(x, y):
    return mix(x, y) * 2.0


def only_x(x, y):
    return mix(x, y) * 3.0

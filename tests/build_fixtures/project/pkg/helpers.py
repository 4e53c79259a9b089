"""Helpers in another project module (resolved statically under --no-import)."""

FACTOR = 3.0


def scale(x):
    return FACTOR * x


def square(y):
    return y * y

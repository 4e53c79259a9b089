import math


def kwonly_params(x, *, scale=2.0, shift):
    return math.sin(x * scale) + shift * x

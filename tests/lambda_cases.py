"""Lambdas given to srcdiff's API or called as helpers (tests/test_lambdas.py).

srcdiff reads source, so they live in a real file; their line numbers matter to the
tests (LINE_* below)."""

import functools
import math

import numpy as np

square = lambda x: x * x  # noqa: E731
LINE_SQUARE = 11
PAIR = {"sin": lambda x: math.sin(x) * x, "cube": lambda x: x**3}  # noqa: E731
SCALED = [lambda x: 2.0 * x * x, lambda x: 3.0 * x * x]  # differ by a constant only
LINE_SCALED = 14
BROKEN = lambda x: x * no_such_function(x)  # noqa: E731, F821
LINE_BROKEN = 16


def uses_square(x):
    return square(x) + math.sin(x)


def make_closure(c):
    return lambda x: c * x**3 + math.exp(x)


def make_array_closure(w):
    return lambda x: np.sum(np.tanh(w * x) ** 2)


SPREAD = lambda x, y: (  # noqa: E731
    x * y + x**2
)
PARTIAL = functools.partial(lambda a, x: a * x * x, 3.0)

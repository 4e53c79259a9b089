"""Callables srcdiff does not read as source when the function calls them -- a
classmethod, a module-level functools.partial, a staticmethod called through `self`,
`%` formatting of a string (tests/test_unread_callable_hints.py): each refused
function beside the one its hint asks for."""

import functools

import numpy as np

import srcdiff


class Layer:
    SCALE = 2.0

    def __init__(self, w):
        self.w = w

    @classmethod
    def squash(cls, z):
        return np.tanh(z) * cls.SCALE

    @staticmethod
    def squash_static(z):
        return np.tanh(z) * Layer.SCALE

    def predict(self, x):
        return self.squash_static(x * self.w)

    def predict_advice(self, x):
        return Layer.squash_static(x * self.w)


LAYER = Layer(np.array([0.5, -1.5]))


def with_classmethod(x):
    return np.sum(Layer.squash(x) ** 2)


def with_classmethod_advice(x):
    return np.sum(Layer.squash_static(x) ** 2)


def with_static_through_self(x):
    return np.sum(LAYER.predict(x) ** 2)


def with_static_through_self_advice(x):
    return np.sum(LAYER.predict_advice(x) ** 2)


def scaled(a, *, b=2.0, c=3.0):
    return np.sum(a * b + c * a**2)


SCALED3 = functools.partial(scaled, b=3.0)


def with_partial(x):
    return SCALED3(x) + SCALED3(x, c=1.0)


def with_partial_advice(x):
    return scaled(x, b=3.0) + scaled(x, b=3.0, c=1.0)


def with_percent_format(x):
    msg = "%s: %.2f" % ("loss", np.sum(x))  # noqa: UP031 (the construct refused)
    return np.sum(x**2) + 0.0 * len(msg)


def with_percent_format_advice(x):
    msg = "%s: %.2f" % ("loss", srcdiff.stop_gradient(np.sum(x)))  # noqa: UP031
    return np.sum(x**2) + 0.0 * len(msg)

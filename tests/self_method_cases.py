"""Classes whose methods call other methods through `self`
(tests/test_self_methods.py)."""

import dataclasses
import typing

import numpy as np


class Regressor:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def features(self, x):
        return np.tanh(x * self.w)

    @staticmethod
    def squash(z):
        return z / (1.0 + z**2)

    def predict(self, x):
        return self.squash(self.features(x)) + self.b

    def loss(self, x):
        return np.sum((self.predict(x) - 0.25) ** 2)


class Base:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return np.sin(self.w * x)

    def loss(self, x):
        return np.sum(self.predict(x) ** 2)


class Overriding(Base):
    def predict(self, x):
        return np.cos(self.w * x)


class Parent:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return np.sin(self.w * x)

    def loss(self, x):
        return np.sum(self.predict(x) ** 2)


class Plain(Parent):  # Parent's only subclass, defining no predict
    pass


class Late:  # define_override() adds a subclass overriding predict
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return np.sin(self.w * x)

    def loss(self, x):
        return np.sum(self.predict(x) ** 2)


REGRESSOR = Regressor(1.3, 0.2)
OVERRIDING = Overriding(0.7)
LATE = Late(0.9)


def regressor_loss(x):
    return REGRESSOR.loss(x)


def overriding_loss(x):
    return OVERRIDING.loss(x)


def overriding_loss_advice(x):  # the hint followed: the subclass's method by its class
    return np.sum(Overriding.predict(OVERRIDING, x) ** 2)


def late_loss(x):
    return LATE.loss(x)


def define_override():
    """A subclass of Late overriding predict, made after late_loss was differentiated."""

    class Later(Late):
        def predict(self, x):
            return np.cos(self.w * x)

    return Later


class Shadowed:
    def __init__(self, w, fast=False):
        self.w = w
        if fast:
            self.predict = np.tanh  # hides the method on this instance

    def predict(self, x):
        return np.sin(self.w * x)

    def loss(self, x):
        return np.sum(self.predict(x) ** 2)


SHADOWED = Shadowed(0.8, fast=True)


def shadowed_loss(x):
    return SHADOWED.loss(x)


@dataclasses.dataclass
class Affine:
    w: np.ndarray
    b: float

    def predict(self, x):
        return self.squash(x @ self.w + self.b)

    @staticmethod
    def squash(z):
        return np.tanh(z)

    def loss(self, x, y):
        return np.mean((self.predict(x) - y) ** 2)


class Pair(typing.NamedTuple):
    a: float
    b: float

    def energy(self, k):
        return k * self.a**2 + self.a * self.b


def built_dataclass_loss(w, x, y):
    model = Affine(w, 0.1)
    return model.loss(x, y) + 0.01 * np.sum(model.w**2)


def built_namedtuple_energy(a, b):
    p = Pair(a * 2.0, np.sin(b))
    return p.energy(3.0) + Pair.energy(p, 0.5)


def overriding_scaled(x, e):
    out = OVERRIDING.loss(x) * e  # what loss returns can't be followed: loss says why
    return out


class PlainAffine:  # Affine without @dataclass
    def __init__(self, w, b):
        self.w, self.b = w, b

    def loss(self, x, y):
        return np.mean((np.tanh(x @ self.w + self.b) - y) ** 2)


def built_plain_object_loss(w, x, y):
    model = PlainAffine(w, 0.1)
    return model.loss(x, y)


class Dense:
    def __init__(self, w):
        self.w = w

    def __call__(self, h):
        return np.tanh(h * self.w)


class Stack:
    def __init__(self):
        self.first, self.second = Dense(0.7), Dense(-1.3)

    def forward(self, x):
        return self.second(self.first(x))

    def forward_advice(self, x):  # the hint followed
        return Dense.__call__(self.second, Dense.__call__(self.first, x))


STACK = Stack()


def stacked_loss(x):
    return np.sum(STACK.forward(x) ** 2)


def stacked_loss_advice(x):
    return np.sum(STACK.forward_advice(x) ** 2)

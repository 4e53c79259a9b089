"""Methods of objects a module or closure holds, called inside the function
(tests/test_held_objects.py)."""

import numpy as np


class Model:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return np.tanh(self.w * x)


class Doubled:
    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return 2.0 * self.w * x * x


class Net:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def layer(self, x):
        return np.tanh(self.w * x + self.b)

    def predict(self, x):
        return self.layer(x) * 2.0

    def predict_through_class(self, x):  # the advice for predict, followed
        return Net.layer(self, x) * 2.0


MODEL = Model(1.7)
NET = Net(1.3, 0.2)
SWAPPED = Model(0.5)  # rebound to a Doubled by a test


def loss(x):
    return np.sum(MODEL.predict(x) ** 2)


def loss_swapped(x):
    return np.sum(SWAPPED.predict(x))


def net_loss(x):
    return np.sum(NET.predict(x) ** 2)


def net_loss_through_class(x):
    return np.sum(NET.predict_through_class(x) ** 2)


def make_loss(model):
    def closure_loss(x):
        return np.sum(model.predict(x) * x)

    return closure_loss


class Branchy:
    def __init__(self, scale):
        self.scale = scale

    def pick(self, a0, a1):
        if a0 > 10.0:
            return a0 * a0
        return a1 * self.scale  # a number: an attribute of the object times a number


BRANCHY = Branchy(3.0)


def branchy_loss(x):
    return BRANCHY.pick(x, 2.0) + x


OTHER_NET = Net(0.6, -0.4)


def net_in_a_local(x):
    """The object in a local rebound in a loop: the helper's backward sweep reads it back
    off the tape."""
    net = NET
    for _ in range(2):
        x = Net.predict_through_class(net, x)
        net = OTHER_NET
    return np.sum(x)


def _second_of(x, nets):
    return Net.predict_through_class(nets[1], x)


def net_in_a_list(x):
    """Saved on the tape by one helper, popped and handed to another's backward sweep."""
    return np.sum(_second_of(x, [NET, OTHER_NET]) ** 2)


def method_of_an_argument(net, x):
    return np.sum(net.predict(x))


def method_of_an_argument_advice(net, x):  # "call it through its class"
    return np.sum(Net.predict_through_class(net, x))


class Activation:
    """A callable object: `act(x)` is `act.__call__(x)`."""

    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return np.tanh(self.k * x)


ACT = Activation(1.7)


def called_object_loss(x):
    return np.sum(ACT(x) ** 2) + np.sum(ACT(x * 0.5))


class TanhLayer:
    def __init__(self, k):
        self.k = k

    def forward(self, x, w):
        return np.tanh(w[: self.k] * x[: self.k])


class SquareLayer:
    def forward(self, x, w):
        return x * x * w[0]


LAYERS = [TanhLayer(2), SquareLayer()]
LAYER1, LAYER2 = LAYERS


def loops_over_a_list_of_layers(w):
    h = w * 0.5
    for layer in LAYERS:
        h = layer.forward(h, w)
    return np.sum(h)


def calls_layers_held_by_name(w):  # the advice followed
    h = w * 0.5
    h = LAYER1.forward(h, w)
    h = LAYER2.forward(h, w)
    return np.sum(h)


def _wobble(z):
    return z * np.sin(z)


class Holder:
    """Holds a function and an object in attributes set in __init__."""

    def __init__(self, act, k):
        self.act = act
        self.inner = Activation(k)

    def predict(self, x):  # refused: self.act is an argument's attribute here
        return self.act(2.0 * x)

    def predict_by_name(self, x):  # the hint, followed
        return np.tanh(2.0 * x)

    def predict_inner(self, x):  # the hint for a callable object, followed
        return Activation.__call__(self.inner, x) * 2.0


HOLDS_TANH = Holder(np.tanh, 0.8)
HOLDS_MINE = Holder(_wobble, 1.3)


def held_ufunc(x):
    return np.sum(HOLDS_TANH.act(x) ** 2)


def held_user_function(x):
    return np.sum(HOLDS_MINE.act(x) * x)


def held_object_s_method(x):
    return np.sum(HOLDS_MINE.inner.__call__(x) * x) + np.sum(HOLDS_TANH.inner(x) ** 2)


def holder_method(x):
    return np.sum(HOLDS_TANH.predict(x))


def holder_by_name(x):
    return np.sum(HOLDS_TANH.predict_by_name(x))


def holder_inner(x):
    return np.sum(HOLDS_TANH.predict_inner(x) ** 2)

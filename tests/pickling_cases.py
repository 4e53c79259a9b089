"""Functions whose derivatives tests/test_pickling*.py send to other processes.

Module-level functions here travel by reference (a worker imports this module);
`make_loss` returns closures, which no worker can import: they travel by value.
"""

import numpy as np

import srcdiff

SCALE = 0.5


def f(x, y):
    return x**2 * y + y + 2


def _bump(z):
    return np.tanh(z) * SCALE


def energy(x, k=3.0):
    """A vector function through a helper and a loop (array code)."""
    total = 0.0
    for i in range(len(x) - 1):
        total = total + (x[i + 1] - x[i]) ** 2 * k
    return total + np.sum(_bump(x))


def field(x):
    return np.sin(x) * x[0]


def count(x, n: int):
    """An integer count alongside a float (vjp gives n no cotangent)."""
    s = 0.0
    for _ in range(n):
        s = s + x * x
    return s


@srcdiff.grad(wrt="x")
def decorated(x, y):
    return np.exp(x) * y


def make_loss(a):
    """A closure: not importable, so its derivative travels by value."""

    def loss(w, b):
        return np.sum((a * w + b - _bump(w)) ** 2)

    return loss


def kinds():
    """(name, derivative, arguments): one of each kind srcdiff returns."""
    x = np.array([0.3, -1.2, 0.7])
    loss = make_loss(np.array([1.0, 2.0, -0.5]))
    return [
        ("grad", srcdiff.grad(f, wrt=(0, 1)), (3.0, 4.0)),
        ("grad, one-name tuple", srcdiff.grad(f, wrt=("y",)), (3.0, 4.0)),
        ("value_and_grad", srcdiff.value_and_grad(f, wrt="x"), (3.0, 4.0)),
        ("grad forward", srcdiff.grad(energy, mode="forward"), (x,)),
        ("value_and_grad forward", srcdiff.value_and_grad(f, wrt=(0, 1), mode="forward"), (3, 4)),
        ("grad of arrays", srcdiff.grad(energy), (x,)),
        ("jacobian", srcdiff.jacobian(field), (x,)),
        ("jacobian forward", srcdiff.jacobian(field, mode="forward"), (x,)),
        ("hessian", srcdiff.hessian(energy), (x,)),
        ("hessian rev-over-rev", srcdiff.hessian(energy, mode="reverse-over-reverse"), (x,)),
        ("hessian fwd-over-fwd", srcdiff.hessian(f, mode="forward-over-forward"), (3.0, 4.0)),
        ("pullback", srcdiff.vjp(field, x)[1], (np.array([1.0, -2.0, 0.5]),)),
        ("pullback with a count", srcdiff.vjp(count, 1.5, 3)[1], (1.0,)),
        ("decorated", decorated, (0.5, 2.0)),
        ("closure", srcdiff.grad(loss, wrt=(0, 1)), (x, 0.25)),
        ("closure hessian", srcdiff.hessian(loss), (x, 0.25)),
    ]


def serial(derivative, args):
    return derivative(*args)


def same(a, b):
    """Results equal entry by entry (tuples of floats and arrays; None where no cotangent)."""
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(map(same, a, b))
    if a is None or b is None:
        return a is b
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-14, atol=0)


def make_sized(items):
    """A closure over a set: a value by_value's digest does not describe."""

    def sized(x):
        return x * len(items)

    return sized

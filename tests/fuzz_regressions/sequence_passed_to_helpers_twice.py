# Found by hand (code written as users write it, 2026-12-07): a silent wrong value and
# two crashes in reverse mode.  Was: a helper gave back the adjoint of a list or tuple
# argument as a list or tuple (runtime.like), and the caller added the adjoints of two
# calls with `+`, which joined them: `poly(c, 0.5) + poly(c, 2.0)` gave a gradient six
# long for three coefficients, a tuple's twice as long with the wrong values (8.8 off
# here), and a loop's `dc = 0.0; dc = dc + g` failed.  A helper now gives it back as
# adjoints are inside generated code, an array indexed like the sequence.
import math


def leaf(q):
    return q[0] * math.sin(q[1]) + q[2]


def poly(c, x):
    acc = 0.0
    for ci in c:
        acc = acc * x + ci
    return acc


def f(a, b, c):
    t = (a, b * 2.0, a * b)
    total = leaf(t) * leaf(t) + poly(c, 0.5) + poly(c, 2.0)
    for k in range(3):
        total = total + leaf(t) * k
    return total


ARGS = {"a": 0.7, "b": 1.1, "c": [0.5, -0.2, 0.1]}
WRT = ("a", "b", "c")
HESSIAN = False
EXPECT = "ok"

# Found by hand (code written as users write it, 2026-12-07): a silent wrong gradient in
# reverse mode.  Was: math.fsum's vjp gave each item's cotangent as a Python list
# ([g] * len(seq)), so where the list was summed twice the backward sweep's `+` joined
# the two lists: the gradient 0.8 off for numbers, twice as long for a list argument.
# It now gives them as a sequence's adjoint is held in generated code (seq_zeros).
import math


def f(a, b, xs):
    vals = [a, b, a * b]
    return math.fsum(vals) * math.fsum(vals) + math.fsum(vals) + math.fsum(xs) ** 2 + math.fsum(xs)


ARGS = {"a": 0.7, "b": 1.3, "xs": [0.7, 1.3, -0.4]}
WRT = ("a", "b", "xs")
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

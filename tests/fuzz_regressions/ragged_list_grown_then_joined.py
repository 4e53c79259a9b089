# Found by hand (code written as users write it, 2026-12-07): a crash of the Hessian,
# reverse over reverse, that this session's first fix of ragged_split_hessian.py made.
# Was: zeros_like of a ragged list's adjoint (an array of objects) stacked the items
# where a slice of it held arrays of one shape, so `ddparts[:-1] += dt12` added a (1, 2)
# float array to a (1,) array of objects.  It now keeps the objects, each a zero of its
# item's shape.
import numpy as np


def f(x):
    parts = [x[:2], x[2:], x * 0.5]
    parts.append(x[1:4])
    return np.sum(np.concatenate(parts) ** 3)


ARGS = {"x": np.array([0.7, -0.3, 1.1, 0.4, -0.9])}
WRT = ("x",)
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

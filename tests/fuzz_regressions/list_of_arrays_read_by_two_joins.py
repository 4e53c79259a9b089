# Found by hand (code written as users write it, 2026-12-07): silent wrong gradients in
# reverse mode, and crashes in forward mode.  Was: np.linalg.multi_dot's and np.select's
# vjps gave a list variable's cotangents as a Python list, so where the list was read
# twice the backward sweep's `+` joined the two lists instead of adding them (the
# gradient of `arrs` 2.1 off, of `ch` 0.6 off); and forward mode gave the tangent of
# `[a, b]` as `[da, 0.0]` in the pass along a, so np.stack of it failed on the 0.0's
# shape.  Those vjps now give them as `runtime.rows_of` does (as the other joins did),
# and a list's item without a tangent gets a zero of its shape.
import numpy as np


def f(a, b):
    arrs = [a, b]
    ch = [a * 2.0, b]
    conds = [a > 0, b > 0]
    items = [a, b]
    out = np.sum(np.linalg.multi_dot(arrs) ** 2) + np.sum(np.linalg.multi_dot(arrs))
    out = out + np.sum(np.select(conds, ch) ** 2) + np.sum(np.select(conds, ch, default=1.0))
    return out + np.sum(np.stack(items) ** 2) + np.sum(np.column_stack(items) ** 3)


ARGS = {
    "a": np.array([[0.3, -1.2, 0.8], [1.1, 0.4, -0.6], [-0.9, 0.7, 0.2]]),
    "b": np.array([[0.5, 0.1, -0.4], [-0.3, 0.9, 0.6], [0.2, -0.8, 1.3]]),
}
WRT = ("a", "b")
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

# Found by hand, then by the random tester's container jvp check (seed 9560036,
# `--containers-every 3 --transforms-every 3`).  Was: jvp and hvp read a container's
# tangent by flattening it in its own order and checked only that it had as many leaves,
# so a tangent dict with the primal's keys in another order ({"s": .., "w": ..} for
# {"w": .., "s": ..}) was read position by position: the tangent along s went to w
# (jvp 2.0 where it is 100.0; hvp {"a": 2.0, "b": 0.0} where H @ v is {"a": 0, "b": 600}),
# and a dict of other keys was accepted.  pytrees.flat_tangents now reads the tangent by
# the primal's structure (runtime.trees.flatten_like, as a vjp's cotangent is read).
import numpy as np


def f(x, params):
    return np.sum(x * params["w"]) + params["s"] ** 3 * 100.0


ARGS = {"x": np.array([0.5, -1.5]), "w": np.array([0.3, 0.8]), "s": 0.7}
WRT = ("x", "w", "s")
CONTAINERS = {"params": ("dict", ("w", "s"))}
MODES = ("reverse", "forward", "fd", "transforms")
EXPECT = "ok"

# Found by hand (the random tester now draws `np.sum(l.pop(0) ** 2) * len(l)`).  Was
# refused: normalize._lift_pops lifted no pop out of an expression that reads its list
# anywhere else, though here the read runs after the pop, as the lifted code runs it.
# Pops are now lifted where every other read of the list runs after them.  The list
# emptied by the pops then crashed reverse mode: the adjoint of an empty list
# (seq_zeros([]), shape (0,)) had no row shape to put a popped array's adjoint in
# (runtime.core._with_row now takes the item's own).
import numpy as np


def f(x, s):
    l1 = [np.full((1, 3), s) * (i + 1) for i in range(2)]
    v = np.sum(l1.pop(0) * l1.pop())
    l2 = [x * (i + 1) for i in range(3)]
    w = np.sum(l2.pop(0) ** 2) * len(l2)
    return v + w + np.sum(np.sin(l2.pop())) * len(l2)


ARGS = {"x": np.array([0.3, -0.5, 0.9]), "s": -0.238}
WRT = ("x", "s")
HESSIAN = True
EXPECT = "ok"

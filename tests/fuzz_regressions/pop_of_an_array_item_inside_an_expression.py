# Found by hand after the random tester's crash at seed 9560354 (`--containers-every 3`).
# Was: a list of arrays popped inside an expression that also reads the list
# (`len(l5) * np.sum(l5.pop() ** 2)`) was not lifted out, and the item's kind is unknown
# until its uses say, so analysis._expr_BinOp left it out of `item ** 2`: the int 2 made
# the power an int, which carries no derivative -- forward mode gave 0.0 (a silent wrong
# derivative) and reverse mode crashed.  An operand of unknown kind that is
# differentiated now counts as an array; the pop is refused where it is split, with the
# hint to give it a statement of its own (the list is read before the pop runs).
import numpy as np


def f(x):
    l5 = [x * (i + 1) for i in range(3)]
    return len(l5) * np.sum(l5.pop() ** 2)


ARGS = {"x": np.array([0.3, -0.5, 0.9])}
WRT = ("x",)
EXPECT = "refused"

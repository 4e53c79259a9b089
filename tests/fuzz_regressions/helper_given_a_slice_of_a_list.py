# Found by the random tester, seed 9430212 (`--families-every 2`): a refusal that should not
# be, and by hand from it a crash.  Was: a slice of a list (xs[1:], l3[:]) was of the kind
# of one item, a number (or of an array, for a list built by append), so h(xs[1:]) crashed
# reverse mode ("only 0-dimensional arrays can be converted to Python scalars") and a
# number bound from h(l3[:]) was taken for an array, `v1 += c` for a change in place.
import math


def h(xs):
    return xs[0] * xs[-1] + 0.5 * xs[1]


def f(x0, xs):
    v1 = x0
    v1 += 1.0
    l3 = []
    for i in range(2):
        l3.append(-x0 * (i + 1))
    st = h(l3[:])
    x0 = math.sqrt(st * st + 0.25)
    return v1 * x0 + h(xs[1:]) + h(xs[::-1])


ARGS = {"x0": 0.7, "xs": [0.5, 1.5, -0.7, 2.0]}
WRT = ("x0", "xs")
HESSIAN = True
EXPECT = "ok"

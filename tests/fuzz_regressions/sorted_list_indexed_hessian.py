# Found by hand (code written as users write it, 2026-12-07): a refusal of the Hessian,
# forward over reverse and reverse over reverse.  Was: the gradient code gives the
# adjoint of a list result read by index (`sorted(vals)[1]`) as `dt3 = zeros_like(t3)`
# then `dt3[1] += ...`; the second pass took zeros_like of a list for a list, and index
# assignment into one is refused.  zeros_like gives a sequence's adjoint, an array.
def f(a, b):
    vals = [a * 2.0, b, a - b]
    return sorted(vals)[1] ** 2 + sorted(vals, reverse=True)[0] * a


ARGS = {"a": 0.7, "b": 1.9}
WRT = ("a", "b")
HESSIAN = True
EXPECT = "ok"
MODES = ("reverse", "forward", "fd", "hessian", "transforms")

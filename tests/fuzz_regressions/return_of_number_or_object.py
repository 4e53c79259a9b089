# Found by the random-program tester (seed 9640255, minimised): a silently wrong gradient,
# 0.0 in reverse mode (forward mode was right).  A helper with a `return` of a number and
# (unreachable) a `return self`: the value it returns was of kind "object" after the join,
# and the analysis dropped its activity without a word.  A variable that holds a
# differentiated value somewhere and an object elsewhere is now refused.
import math as m


class H1Holder:

    def __init__(self, scale):
        self.scale = 1.0

    def h1(self, a0, a1=1.0):
        return a0
        return self


H1 = H1Holder(1.0)


def f(x0):
    return m.erf(H1.h1(x0, a1=1.0))


ARGS = {'x0': -1.243}
WRT = ('x0',)
HESSIAN = False
EXPECT = 'refused'

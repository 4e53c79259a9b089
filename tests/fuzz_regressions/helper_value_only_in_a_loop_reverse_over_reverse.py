# Found by the random-program tester (fuzz seed 9771830): a crash of the
# reverse-over-reverse Hessian, "IndexError: pop from empty list". The gradient calls a
# helper whose value only decides a branch as `v6 = hc_fwd([], 0.5, y)` (its backward
# sweep never runs, so its pushes go on a list of their own). Differentiated again,
# hc_fwd's backward sweep made that list's adjoint `dstack = []` and popped the pushed
# value's cotangent off it. Nothing reads that list: the pushes now contribute nothing.
def hc(a0, a1):
    return a0 / (a1 * a1 + 0.5)


def f(x0, x1):
    y = x0 * x0 * x1
    t = 0.0
    for _ in range(2):
        v6 = hc(0.5, y)
        if v6 > 0.25:
            t = t + x1
    return y + t


ARGS = {'x0': -0.487, 'x1': 0.869}
WRT = ('x0', 'x1')
HESSIAN = True
MODES = ('reverse', 'forward', 'fd', 'hessian', 'transforms')
EXPECT = 'ok'

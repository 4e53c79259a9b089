# Found while minimising a reverse-over-reverse refusal of the random-program tester
# (seed 9710018), 2026-12-04: a crash of first-order reverse mode, "TypeError:
# 'NoneType' object is not iterable".  Was: a list built anew in each pass of a loop
# and popped gets a fresh adjoint stack after its old value is restored; before the
# first pass that value is the placeholder None, and runtime.zeros_each iterated it.
# zeros_each(None) is an empty stack: no list, no items.
import numpy as np


def f(x, w):
    for v in [np.mean(w) * -0.7, np.sum(w)]:
        items = [np.abs(np.full((4,), v)) * x for i in range(3)]
        last = items.pop()
    return np.sum(last) + np.sum(np.array(items) ** 2)


ARGS = {'x': np.array([0.3, -0.5, 0.8, 0.1]), 'w': np.array([0.2, 0.4, -0.1])}
WRT = ('x', 'w')
HESSIAN = True
EXPECT = 'ok'

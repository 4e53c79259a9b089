"""Hessians of functions whose list the gradient saves under a second name and then
rebinds (`xs.clear()`, `xs.reverse()`, `xs.pop(0)`, `del xs[0]`: list_edits.py writes them
as rebindings). Reverse over reverse refused the save `xs_1 = xs; xs = []` once the new
list was appended to ("the list xs used under a second name"): the append changes the new
list, not the saved one (backward_sweep.BackwardSweep._saved_copy)."""

import math

import numpy as np
import pytest

import srcdiff
from tests.fdiff import fd_jacobian

MODES = ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward")


def cleared(x):
    xs = [x, x * 2.0]
    s = xs[0] * xs[1]
    xs.clear()
    xs.append(x**3)
    return s + xs[0] * math.sin(x)


def reversed_popped_deleted(x):
    xs = [x, 2.0 * x, x**3]
    xs.reverse()
    v = xs.pop(0)
    del xs[0]
    return v * xs[0]


def cleared_in_a_loop(x):
    xs = [x]
    s = 0.0
    for i in range(3):
        s = s + xs[0] * x
        xs.clear()
        xs.append(math.cos(x * (i + 1)))
    return s + xs[0]


@pytest.mark.parametrize("func", [cleared, reversed_popped_deleted, cleared_in_a_loop])
@pytest.mark.parametrize("mode", MODES)
def test_hessian_of_a_saved_list_rebound(func, mode):
    want = fd_jacobian(srcdiff.grad(func), (0.7,), 0)
    np.testing.assert_allclose(srcdiff.hessian(func, mode=mode)(0.7), want, rtol=1e-6, atol=1e-8)

"""An item of a module-level dict of numbers, `D[k]`, is a number in every mode: it had
no kind, so forward mode's tangent `ds = ds + dx[k] * D[k]` was "not a number, array or
list of floats" when differentiated again, and the forward-over-forward Hessian refused
it, naming generated code's `ds` (found by the fuzz family `iterables`, seed 9952006).
Checked against finite differences of the gradient, in all three Hessian modes."""

import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian

import srcdiff

INTS = {1: 1, 2: 2, 0: 3}
NUMBERS = {1: 1, 2: 2, 0: 2.5}


def weighted_by_ints(x):
    s = 0.0
    for k in range(3):
        s = s + x[k] * INTS[k]
    return s * np.sum(x)


def weighted_by_numbers(x):
    s = 0.0
    for k in NUMBERS:
        s = s * 0.5 + x[k] ** 2 * NUMBERS[k]
    return s * np.sum(x)


X = np.array([0.3, 0.5, -0.2])


@pytest.mark.parametrize(
    "mode", ["forward-over-forward", "forward-over-reverse", "reverse-over-reverse"]
)
@pytest.mark.parametrize("func", [weighted_by_ints, weighted_by_numbers])
def test_hessian_through_items_of_a_module_dict(func, mode):
    want = fd_jacobian(srcdiff.grad(func), (X,), 0)
    assert_close(srcdiff.hessian(func, mode=mode)(X), want, 1e-6, 1e-8, "Hessian")

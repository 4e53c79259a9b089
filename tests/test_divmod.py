"""divmod(x, y) = (x // y, x % y): the quotient has no derivative (piecewise constant,
as `//`), the remainder is x - q * y (rules/scalar.py).  It was refused ("no derivative
rule for divmod").  Numbers are checked against SymPy in tests/test_rules_scalar.py;
here arrays (np.divmod underneath, broadcasting), both modes and Hessians."""

import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

X = np.array([5.3, -2.2, 0.7])
Y = np.array([1.5, 0.9, -0.4])
MODES = ("reverse", "forward")


def both_results(x, y):
    q, r = divmod(x, y)
    return np.sum(r**2 + q * x)


def remainder_only(x, y):
    return np.sum(divmod(x * x, y)[1] * y)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [both_results, remainder_only])
@pytest.mark.parametrize(
    "args", [(X, Y), (X, 1.5), (2.9, Y)], ids=["arrays", "array_number", "number_array"]
)
def test_divmod_of_arrays_against_finite_differences(func, args, mode):
    got = srcdiff.grad(func, wrt=(0, 1), mode=mode)(*args)
    for i in (0, 1):
        assert np.shape(got[i]) == np.shape(args[i])
        assert_close(got[i], fd_grad(func, args, i), 1e-7, 1e-9, f"d/d{'xy'[i]}")


@pytest.mark.parametrize("func", [both_results, remainder_only])
@pytest.mark.parametrize("wrt", [0, 1])
def test_divmod_hessian(func, wrt):
    h = srcdiff.hessian(func, wrt=wrt)(X, Y)
    want = fd_jacobian(srcdiff.grad(func, wrt=wrt), (X, Y), wrt)
    assert_close(h, want, 1e-6, 1e-8, "hessian")

"""A Hessian mode that meets a runtime helper without a rule names the other modes, and
following the hint works; forward over forward through np.linalg.eigh (once refused so:
eigh_jvp had no rule) agrees with the other modes."""

import math

import numpy as np
import pytest

import srcdiff
from srcdiff.errors import NoRuleError
from srcdiff.runtime import arrays as ra
from tests.fdiff import fd_jacobian

MODES = ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward")


def top_eigenvalue(A):
    w, V = np.linalg.eigh(A + A.T)
    return w[-1] + np.sum(V[:, 0] ** 4)


A0 = np.array([[1.2, 0.3, -0.2], [0.1, 0.9, 0.4], [0.5, -0.3, 1.1]])


def test_every_mode_through_eigh():
    want = fd_jacobian(srcdiff.grad(top_eigenvalue), (A0,), 0)
    for mode in MODES:
        got = srcdiff.hessian(top_eigenvalue, mode=mode)(A0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def sinc_slope(x):
    """np.sinc's derivative, with a rule (below) whose vjp calls sinc_d2, a second-order
    helper without a rule of its own, and whose jvp is written in functions with rules."""
    return (math.cos(math.pi * x) - np.sinc(x)) / x


srcdiff.register_rule(
    sinc_slope,
    "x",
    jvp={"x": "t * (-math.pi**2 * np.sinc(x) - 2 * sinc_d1(x) / x)"},
    vjp={"x": "g * sinc_d2(x)"},
    namespace={"math": math, "np": np, "sinc_d1": ra.sinc_d1, "sinc_d2": ra.sinc_d2},
)


def uses_the_slope(x):
    return sinc_slope(x) * x


def test_refusal_names_the_modes_that_work():
    with pytest.raises(NoRuleError, match="try the other modes") as err:
        srcdiff.hessian(uses_the_slope)(0.7)
    assert "sinc_d2" in str(err.value) and "'forward-over-forward'" in str(err.value)
    want = fd_jacobian(srcdiff.grad(uses_the_slope), (0.7,), 0)
    got = srcdiff.hessian(uses_the_slope, mode="forward-over-forward")(0.7)
    np.testing.assert_allclose(got, want, rtol=1e-6)

"""A Hessian mode that refuses a runtime helper without a rule (forward over forward of
np.linalg.eigh: eigh_jvp) names the other modes, and following the hint works."""

import numpy as np
import pytest

import srcdiff
from srcdiff.errors import NoRuleError
from tests.fdiff import fd_jacobian


def top_eigenvalue(A):
    w, V = np.linalg.eigh(A + A.T)
    return w[-1] + np.sum(V[:, 0] ** 4)


A0 = np.array([[1.2, 0.3, -0.2], [0.1, 0.9, 0.4], [0.5, -0.3, 1.1]])


def test_refusal_names_the_modes_that_work():
    with pytest.raises(NoRuleError, match="try the other modes") as err:
        srcdiff.hessian(top_eigenvalue, mode="forward-over-forward")(A0)
    assert "mode='forward-over-reverse'" in str(err.value)
    want = fd_jacobian(srcdiff.grad(top_eigenvalue), (A0,), 0)
    for mode in ("forward-over-reverse", "reverse-over-reverse"):
        got = srcdiff.hessian(top_eigenvalue, mode=mode)(A0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

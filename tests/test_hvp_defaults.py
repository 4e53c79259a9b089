"""hvp(f, primals, v) with parameters left at their defaults, as hessian(f)(*primals)
takes them: it refused, naming the generated gradient ("jvp needs one primal and one
tangent per parameter of clip_sum_grad (v, lo, hi)")."""

import numpy as np
import pytest

import srcdiff
from srcdiff.errors import ArgumentError
from tests.fdiff import fd_jacobian


def clip_sum(v, lo=-0.5, hi=1.0):
    return np.sum(np.clip(v, lo, hi) ** 2 * v + np.sin(v) * lo)


def test_hvp_takes_defaults():
    v = np.array([-1.0, 0.2, 0.7, 2.0])
    u = np.array([0.3, -1.1, 0.6, 0.9])
    h = srcdiff.hessian(clip_sum)(v)
    np.testing.assert_allclose(h, fd_jacobian(srcdiff.grad(clip_sum), (v,), 0), atol=1e-6)
    np.testing.assert_allclose(srcdiff.hvp(clip_sum, (v,), u), h @ u, rtol=1e-12)
    # a default given explicitly changes the answer as it changes f
    h2 = srcdiff.hessian(clip_sum)(v, -2.0)
    np.testing.assert_allclose(srcdiff.hvp(clip_sum, (v, -2.0), u), h2 @ u, rtol=1e-12)
    assert not np.allclose(h2 @ u, h @ u)


def test_hvp_missing_required_argument_is_an_argument_error():
    def f(v, w):
        return np.sum(v * w)

    with pytest.raises(ArgumentError, match="missing a required argument"):
        srcdiff.hvp(f, (np.ones(2),), np.ones(2))

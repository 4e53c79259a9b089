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


class Model:
    def __init__(self):
        self.w = np.array([0.5, -0.2])

    def loss(self, v):
        return np.sum(np.exp(v * self.w)) + np.sum(v**4)


def weighted(v, w, c=2.0):
    return np.sum(np.sin(v) * w) * c + np.sum(v**3)


def test_hvp_of_bound_methods_and_partials():
    """As hessian takes them: hvp refused both ("write a module-level function")."""
    import functools

    v, u = np.array([0.3, -0.8]), np.array([1.0, 0.5])
    for func in (Model().loss, functools.partial(weighted, w=np.array([1.0, 2.0]))):
        h = fd_jacobian(srcdiff.grad(func), (v,), 0)
        np.testing.assert_allclose(srcdiff.hessian(func)(v), h, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(srcdiff.hvp(func, (v,), u), h @ u, rtol=1e-6, atol=1e-8)

"""A tuple-valued rule indexed at once (`sici(x)[0]`): forward mode computes only the
tangent read.  Its tangent `(e0, e1)` was folded into `(e0, e1)[k]`, so every element
was computed -- sici's `cos(x) / x` divided by zero at 0 (a RuntimeWarning) for a
tangent nobody read.  Now the single-use fold moves just element k (optimize.py)."""

import warnings

import numpy as np
import pytest

import srcdiff
from tests.fdiff import fd_grad

sp = pytest.importorskip("scipy.special")


def si_twice(x):
    return sp.sici(x)[0] * 2.0


def fresnel_c(x):
    a = sp.fresnel(x)[1]
    return a + x


def mantissa(x):
    return np.frexp(x)[0] * x


def si_ci(x, y):
    return sp.sici(x)[0] * y + sp.sici(y)[1] * x


@pytest.mark.parametrize(
    "func, x", [(si_twice, 0.0), (si_twice, 0.5), (fresnel_c, 0.4), (mantissa, 1.3)]
)
def test_forward_values_and_no_warning(func, x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = srcdiff.grad(func, mode="forward")(x)
        assert got == pytest.approx(srcdiff.grad(func)(x), rel=1e-12)
    if x != 0.0:  # (Si's Taylor series at 0: differences of a smooth function)
        assert got == pytest.approx(fd_grad(func, (x,), 0), rel=1e-6)
    else:
        assert got == pytest.approx(2.0, rel=1e-12)  # 2 Si'(0) = 2 sinc(0)


def test_only_the_read_tangent_is_generated():
    text = srcdiff.source(si_twice, mode="forward", at=(0.0,))
    assert "np.cos" not in text and "dx * np.sinc(x / math.pi) * 2.0" in text


def test_arrays_and_several_directions():
    v = np.array([0.0, 0.5, 2.0])

    def f(v):
        return np.sum(sp.sici(v)[0] ** 2)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = srcdiff.grad(f, mode="forward")(v)
        np.testing.assert_allclose(got, srcdiff.grad(f)(v), rtol=1e-12)
        fo, re = (srcdiff.grad(si_ci, (0, 1), mode=m)(0.7, 1.2) for m in ("forward", "reverse"))
    np.testing.assert_allclose(fo, re, rtol=1e-12)
    np.testing.assert_allclose(fo[0], fd_grad(si_ci, (0.7, 1.2), 0), rtol=1e-6)
    np.testing.assert_allclose(fo[1], fd_grad(si_ci, (0.7, 1.2), 1), rtol=1e-6)


def test_hessian_of_indexed_tuple_rule():
    def f(x):
        return sp.sici(x)[0] * x

    want = fd_grad(srcdiff.grad(f), (0.8,), 0)
    for mode in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward"):
        assert srcdiff.hessian(f, mode=mode)(0.8) == pytest.approx(want, rel=1e-6)

"""scipy.signal.convolve's rule (srcdiff/rules/scipy_signal.py) against finite differences:
1-D and 2-D, every mode, either argument the larger, both modes of differentiation;
second derivatives (it is bilinear: the mixed Hessian block is what is not zero); float32.
"""

import numpy as np
import pytest
from fdiff import fd_jacobian
from scipy import signal

import srcdiff
from srcdiff.rules import scipy_signal

RNG = np.random.default_rng(77)


def conv(a, v, mode):
    return signal.convolve(a, v, mode=mode)


def conv_default(a, v):
    return signal.convolve(a, v)


def conv_direct(a, v):
    return signal.convolve(a, v, "same", "direct")


def weighted(a, v):
    out = signal.convolve(a, v, mode="same")
    return np.sum(out * out) + np.sum(out * a)


SHAPES = [((4,), (2,)), ((3,), (5,)), ((4, 3), (2, 2)), ((5, 4), (4, 2)), ((2, 2), (4, 3))]


def _params():
    for sa, sv in SHAPES:
        for mode in ("full", "valid", "same"):
            try:
                conv(np.ones(sa), np.ones(sv), mode)
            except ValueError:  # 'valid' needs one argument at least as large in every axis
                continue
            yield pytest.param(sa, sv, mode, id=f"{sa}{sv}{mode}")


@pytest.mark.parametrize("how", ["reverse", "forward"])
@pytest.mark.parametrize("sa, sv, mode", list(_params()))
def test_convolve(sa, sv, mode, how):
    a, v = RNG.standard_normal(sa), RNG.standard_normal(sv)
    for i in (0, 1):
        got = srcdiff.jacobian(conv, wrt=i, mode=how)(a, v, mode)
        np.testing.assert_allclose(got, fd_jacobian(conv, (a, v, mode), i), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("func", [conv_default, conv_direct], ids=lambda f: f.__name__)
def test_convolve_spellings(func):
    a, v = RNG.standard_normal(5), RNG.standard_normal(3)
    for i in (0, 1):
        for how in ("reverse", "forward"):
            got = srcdiff.jacobian(func, wrt=i, mode=how)(a, v)
            np.testing.assert_allclose(got, fd_jacobian(func, (a, v), i), rtol=1e-6, atol=1e-8)


def test_convolve_hessian():
    a, v = RNG.standard_normal((4, 3)), RNG.standard_normal((2, 2))
    for i in (0, 1):
        hess = srcdiff.hessian(weighted, wrt=i)(a, v)
        ref = fd_jacobian(srcdiff.grad(weighted, wrt=i), (a, v), i)
        np.testing.assert_allclose(hess, ref, rtol=1e-5, atol=1e-6)


def test_convolve_float32():
    a, v = RNG.standard_normal(5).astype(np.float32), RNG.standard_normal(3).astype(np.float32)
    out, pullback = srcdiff.vjp(conv_default, a, v)
    ga, gv = pullback(np.ones_like(out))
    _, tangent = srcdiff.jvp(conv_default, (a, v), (np.ones_like(a), np.ones_like(v)))
    assert out.dtype == ga.dtype == gv.dtype == tangent.dtype == np.float32
    ref = np.ones(out.shape) @ fd_jacobian(conv_default, (a.astype(float), v.astype(float)), 0)
    np.testing.assert_allclose(ga, ref, rtol=1e-3, atol=1e-4)


def test_the_rule_serves_both_modes():
    (rule,) = scipy_signal.REGISTERED
    assert set(rule.jvp) == set(rule.vjp) == {"in1", "in2"}

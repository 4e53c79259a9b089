"""Functions with defaults and keyword-only parameters, through every entry point."""

import math

import pytest
import sig_cases as cf

import srcdiff


def expected(x, scale, shift):
    return scale * math.cos(x * scale) + shift


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_grad_with_keyword_only_parameters(mode):
    g = srcdiff.grad(cf.kwonly_params, mode=mode)
    assert g(0.5, shift=1.5) == pytest.approx(expected(0.5, 2.0, 1.5), rel=1e-14)
    assert g(0.5, shift=1.5) == pytest.approx(expected(0.5, 2.0, 1.5), rel=1e-14)  # cached
    assert g(0.5, scale=3.0, shift=1.5) == pytest.approx(expected(0.5, 3.0, 1.5), rel=1e-14)
    both = srcdiff.grad(cf.kwonly_params, wrt=("x", "shift"), mode=mode)(0.5, shift=1.5)
    assert both == pytest.approx((expected(0.5, 2.0, 1.5), 0.5), rel=1e-14)
    value, g = srcdiff.value_and_grad(cf.kwonly_params, mode=mode)(0.5, shift=1.5)
    assert value == cf.kwonly_params(0.5, shift=1.5)
    assert g == pytest.approx(expected(0.5, 2.0, 1.5), rel=1e-14)


def test_jvp_vjp_hessian_with_keyword_only_parameters():
    out, t = srcdiff.jvp(cf.kwonly_params, (0.5, 2.0, 1.5), (1.0, None, 0.0))
    assert t == pytest.approx(expected(0.5, 2.0, 1.5), rel=1e-14)
    out2, pullback = srcdiff.vjp(cf.kwonly_params, 0.5, 2.0, 1.5)
    gx, gscale, gshift = pullback(1.0)
    assert out2 == out and gx == pytest.approx(t, rel=1e-14) and gshift == pytest.approx(0.5)
    assert gscale == pytest.approx(0.5 * math.cos(1.0), rel=1e-14)
    assert srcdiff.hessian(cf.kwonly_params)(0.5, 2.0, 1.5) == pytest.approx(
        -4.0 * math.sin(1.0), rel=1e-12
    )


class Model:
    def __init__(self, k):
        self.k = k

    def loss(self, x):
        return self.k * x * x


def test_a_bound_method_is_its_function_with_self_bound():
    # (once refused: "srcdiff differentiates plain functions; got the bound method")
    model = Model(3.0)
    assert srcdiff.grad(model.loss)(2.0) == 12.0  # d/dx k x^2, with self.k read per call
    model.k = 5.0
    assert srcdiff.grad(model.loss, mode="forward")(2.0) == 20.0
    dself = srcdiff.grad(model.loss, wrt="self")(2.0)
    assert type(dself) is Model and dself.k == 4.0


def test_example_arguments_that_do_not_fit_are_an_argument_error():
    def f(x, k, n):
        return x * k * n

    with pytest.raises(srcdiff.ArgumentError, match="example arguments"):
        srcdiff.source(f, at=(0.5, 3))
    with pytest.raises(srcdiff.ArgumentError, match="example arguments"):
        srcdiff.source(f, at={"x": 0.5, "z": 1.0})

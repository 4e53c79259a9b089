"""Lambdas as functions to differentiate (compiler/lambdas.py), as `jax.grad(lambda ...)`."""

import math

import lambda_cases as L
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

MODES = ("reverse", "forward")


@pytest.mark.parametrize("mode", MODES)
def test_a_lambda_written_inline_in_the_call(mode):
    assert srcdiff.grad(lambda x: x**3 * 2.0, mode=mode)(1.5) == pytest.approx(13.5, rel=1e-15)
    g = srcdiff.grad(lambda x, y: x**2 * y + y + 2, wrt=(0, 1), mode=mode)(3.0, 4.0)
    assert g == pytest.approx((24.0, 10.0), rel=1e-15)


@pytest.mark.parametrize("mode", MODES)
def test_lambdas_of_a_dict_display_on_one_line_are_told_apart(mode):
    assert srcdiff.grad(L.PAIR["cube"], mode=mode)(2.0) == pytest.approx(12.0, rel=1e-15)
    want = math.cos(2.0) * 2.0 + math.sin(2.0)
    assert srcdiff.grad(L.PAIR["sin"], mode=mode)(2.0) == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize("mode", MODES)
def test_lambdas_that_differ_by_a_constant_only(mode):
    assert srcdiff.grad(L.SCALED[0], mode=mode)(2.0) == pytest.approx(8.0, rel=1e-15)
    assert srcdiff.grad(L.SCALED[1], mode=mode)(2.0) == pytest.approx(12.0, rel=1e-15)


@pytest.mark.parametrize("mode", MODES)
def test_a_module_level_lambda_called_as_a_helper(mode):
    got = srcdiff.grad(L.uses_square, mode=mode)(2.0)
    assert got == pytest.approx(4.0 + math.cos(2.0), rel=1e-15)
    assert srcdiff.hessian(L.uses_square)(2.0) == pytest.approx(2.0 - math.sin(2.0), rel=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_a_lambda_closing_over_a_factory_s_variable(mode):
    f = L.make_closure(2.0)
    want = 6.0 * 1.5**2 + math.exp(1.5)
    assert srcdiff.grad(f, mode=mode)(1.5) == pytest.approx(want, rel=1e-14)
    w = np.array([0.5, -1.0, 2.0])
    g = L.make_array_closure(w)
    x = np.array([0.3, 0.2, -0.1])
    assert_close(srcdiff.grad(g, mode=mode)(x), fd_grad(g, (x,), 0), 1e-7, 1e-9, "closure")


def test_every_transform_takes_a_lambda():
    f = lambda x: np.sum(x**3)  # noqa: E731
    x = np.array([1.0, 2.0])
    assert srcdiff.value_and_grad(f)(x)[0] == pytest.approx(9.0)
    np.testing.assert_allclose(srcdiff.jvp(lambda x: x**3, (2.0,), (1.0,)), (8.0, 12.0))
    assert srcdiff.vjp(lambda x: x**3, 2.0)[1](1.0) == pytest.approx((12.0,))
    np.testing.assert_allclose(srcdiff.jacobian(lambda x: x**2)(x), np.diag([2.0, 4.0]))
    np.testing.assert_allclose(srcdiff.hessian(f)(x), np.diag([6.0, 12.0]))
    np.testing.assert_allclose(srcdiff.hvp(f, (x,), np.array([1.0, 0.0])), [6.0, 0.0])
    assert srcdiff.check_grad(L.SPREAD, 2.0, 3.0, wrt=(0, 1)).passed
    assert srcdiff.grad(L.PARTIAL)(2.0) == pytest.approx(12.0)
    assert srcdiff.grad(lambda x: x**2 * 3, mode="symbolic")(2.0) == pytest.approx(12.0)


def test_shown_code_is_named_after_the_variable_or_lambda_fn():
    text = srcdiff.source(L.square)
    assert "def square_grad(x):" in text and f"# line {L.LINE_SQUARE}:" in text
    assert "def lambda_fn_grad(x):" in srcdiff.source(lambda x: x * math.exp(x))
    assert srcdiff.source(L.SCALED[1]) != srcdiff.source(L.SCALED[0])


def test_an_error_points_at_the_lambda_s_line_and_column():
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(L.BROKEN)(1.0)
    message = str(err.value)
    assert f"lambda_cases.py:{L.LINE_BROKEN}:" in message
    line = [ln for ln in message.splitlines() if "no_such_function(x)" in ln][0]
    caret = message.splitlines()[message.splitlines().index(line) + 1]
    assert line[caret.index("^") :].startswith("no_such_function")


def test_a_lambda_without_source_is_refused_with_advice():
    namespace = {}
    exec("f = lambda x: x * x", namespace)  # noqa: S102
    with pytest.raises(srcdiff.SourceUnavailableError) as err:
        srcdiff.grad(namespace["f"])(1.0)
    assert "def name(args)" in str(err.value)


def test_the_user_s_lambda_is_left_as_it_is():
    f = lambda x: x * x  # noqa: E731
    srcdiff.grad(f)(1.0)
    assert f.__name__ == "<lambda>" and f(3.0) == 9.0

"""api/finite.py: a derivative that is not finite is refused with a DomainError naming
the line of derivative code that made it, never returned (NumPy makes inf and nan
silently, where `math` raises)."""

import math
import re
import warnings

import numpy as np
import pytest

import srcdiff
from srcdiff.api.finite import all_finite


def sqrt_sum(x):
    return np.sum(np.sqrt(x))


def scaled_root(x, y):
    return np.sqrt(x) * y


AT_ZERO = np.array([0.0, 1.0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_numpy_sqrt_at_zero_is_refused_in_both_modes(mode):
    with pytest.raises(srcdiff.DomainError) as info:
        srcdiff.grad(sqrt_sum, mode=mode)(AT_ZERO)
    text = str(info.value)
    assert "with respect to x is not finite" in text and "inf" in text
    assert "0.5 / " in text and "return np.sum(np.sqrt(x))" in text  # generated and user line
    assert "not differentiable at this point" in text  # the hint


def test_a_forward_mode_nan_from_zero_times_inf_is_refused_too():
    # along e1 the true derivative is 0.5, but element 0's tangent is 0 * inf = nan (JAX
    # returns that nan)
    with pytest.raises(srcdiff.DomainError, match=r"not finite here \(nan\)"):
        srcdiff.jvp(sqrt_sum, (AT_ZERO,), (np.array([0.0, 1.0]),))


def test_the_fast_path_checks_too():
    g = srcdiff.grad(scaled_root, wrt=(0, 1))
    assert g(4.0, 1.0) == pytest.approx((0.25, 2.0))
    assert g(9.0, 2.0) == pytest.approx((1 / 3, 3.0))  # cached: the dispatcher's own line
    with pytest.raises(srcdiff.DomainError, match="with respect to x"):
        g(0.0, 1.0)
    with warnings.catch_warnings(record=True) as caught:  # the check itself warns of nothing
        warnings.simplefilter("always")
        with pytest.raises(srcdiff.DomainError):
            g(0.0, 1.0)
    assert not [w for w in caught if "dispatch" in w.filename]
    value_and_grad = srcdiff.value_and_grad(scaled_root)
    assert value_and_grad(4.0, 1.0) == pytest.approx((2.0, 0.25))
    with pytest.raises(srcdiff.DomainError):
        value_and_grad(0.0, 1.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: srcdiff.jvp(sqrt_sum, (AT_ZERO,), (np.ones(2),)),
        lambda: srcdiff.vjp(sqrt_sum, AT_ZERO)[1](1.0),
        lambda: srcdiff.jacobian(sqrt_sum)(AT_ZERO),
        lambda: srcdiff.hessian(sqrt_sum)(AT_ZERO),
        lambda: srcdiff.hessian(sqrt_sum, mode="reverse-over-reverse")(AT_ZERO),
        lambda: srcdiff.hessian(sqrt_sum, mode="forward-over-forward")(AT_ZERO),
        lambda: srcdiff.hvp(sqrt_sum, (AT_ZERO,), np.ones(2)),
    ],
    ids=["jvp", "vjp", "jacobian", "hessian", "hessian-ror", "hessian-fof", "hvp"],
)
def test_every_transform_refuses(call):
    with pytest.raises(srcdiff.DomainError, match="not finite"):
        call()


def test_finite_derivatives_come_back_unchanged_and_guarded_code_passes():
    x = np.array([0.25, 1.0])
    np.testing.assert_allclose(srcdiff.grad(sqrt_sum)(x), 0.5 / np.sqrt(x))

    def guarded(x):  # np.where on the argument as well as on the result: the hint's advice
        safe = np.where(x > 0, x, 1.0)
        return np.sum(np.where(x > 0, np.sqrt(safe), 0.0))

    np.testing.assert_allclose(srcdiff.grad(guarded)(AT_ZERO), [0.0, 0.5])


def test_float32_overflow_is_refused():
    def f(x):
        return float(np.sum(x)) * 1e200  # finite in float64, inf in the float32 gradient

    with pytest.warns(RuntimeWarning), pytest.raises(srcdiff.DomainError):
        srcdiff.grad(f)(np.array([1.0, 2.0], dtype=np.float32))
    np.testing.assert_allclose(srcdiff.grad(f)(np.array([1.0, 2.0])), [1e200, 1e200])


@pytest.mark.parametrize(
    "value, finite",
    [
        (1.0, True),
        (math.inf, False),
        (math.nan, False),
        (np.float64(-np.inf), False),
        (np.array([1.0, 2.0]), True),
        (np.array([1.0, np.nan]), False),
        (np.array([1, 2]), True),
        ((1.0, np.array([0.0, np.inf])), False),
        ([1.0, 2.0], True),
        (np.array([np.zeros(2), np.array([np.inf])], dtype=object), False),
        (None, True),
        # tuples of float arrays (checked as one concatenated array while they are small)
        ((np.ones((2, 3)), np.array(2.0), np.ones(3, dtype=np.float32)), True),
        ((np.ones((2, 3)), np.array([1e308, 1e308])), True),  # (a sum would overflow)
        ((np.ones(2), np.array(-np.inf)), False),
        ((np.ones(2), np.array([np.nan], dtype=np.float32)), False),
        ((np.ones(5000), np.array([np.inf])), False),  # (too big to concatenate)
        ((np.ones(2), np.array([1, 2])), True),
        # real values only: a complex number is made at run time by `**` (refused)
        (1j, False),
        (np.complex128(1.0), False),
        (np.array([1.0 + 0j]), False),
        ((1.0, 2.0 + 1j), False),
    ],
)
def test_all_finite(value, finite):
    assert all_finite(value) is finite


# -- a complex number made at run time from real values --------------------------------
def negative_base_power(x, y):
    return x**y


def shifted_root(x):
    t = x - 2.0
    return t**0.5


def shifted_root_of_abs(x):  # the hint followed: the base kept positive
    t = abs(x - 2.0)
    return t**0.5


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_complex_derivative_made_by_power_is_refused_naming_the_line(mode):
    # (-1.0) ** 0.5 is 6.1e-17+1j in Python: the gradient came back complex (reverse
    # mode), forward mode failed in float(), and the second call failed in math.isfinite
    g = srcdiff.grad(shifted_root, mode=mode)
    assert g(3.0) == pytest.approx(0.5)
    for _ in range(2):  # the first call, then the dispatcher's fast path
        with pytest.raises(srcdiff.DomainError) as info:
            g(1.0)
        text = str(info.value)
        assert "with respect to x is complex here" in text
        assert re.search(r"\(for line \d+: (t = x - 2\.0|return t ?\*\* ?0\.5)\)", text)
        assert "a ** b` with a negative float a" in info.value.hint


@pytest.mark.parametrize(
    "call",
    [
        lambda: srcdiff.grad(negative_base_power, wrt=(0, 1))(-1.0, 0.5),
        lambda: srcdiff.value_and_grad(negative_base_power)(-1.0, 0.5),
        lambda: srcdiff.jvp(negative_base_power, (-1.0, 0.5), (1.0, 0.0)),
        lambda: srcdiff.vjp(negative_base_power, -1.0, 0.5)[1](1.0),
        lambda: srcdiff.hessian(shifted_root)(1.0),
        lambda: srcdiff.grad(negative_base_power, mode="forward", wrt=(0, 1))(-1.0, 0.5),
    ],
    ids=["grad", "value_and_grad", "jvp", "vjp", "hessian", "forward"],
)
def test_every_transform_refuses_a_complex_derivative(call):
    with pytest.raises(srcdiff.DomainError, match="is complex here"):
        call()


def test_the_complex_hint_followed_gives_the_derivative():
    x = 1.0
    g = srcdiff.grad(shifted_root_of_abs)(x)
    h = 1e-6
    fd = (shifted_root_of_abs(x + h) - shifted_root_of_abs(x - h)) / (2 * h)
    assert g == pytest.approx(fd, rel=1e-6) and g == pytest.approx(-0.5)

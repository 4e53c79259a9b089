"""Integers count as floats for differentiation: grad, value_and_grad, vjp, jvp,
jacobian, hessian, hvp and check_grad at integer points give what they give at the
equal float points, as floats; integers that are counts carry no derivative."""

import int_cases as C
import numpy as np
import pytest

import srcdiff
from srcdiff.api.requests import count_parameters, default_wrt


def _floats(values):
    return all(type(v) is float or isinstance(v, np.floating) for v in values)


def test_grad_at_integers_returns_floats():
    g = srcdiff.grad(C.seed, wrt=(0, 1))(3, 4)
    assert g == (24.0, 10.0)
    assert all(type(v) is float for v in g), [type(v) for v in g]
    assert type(srcdiff.grad(C.seed)(3, 4)) is float
    assert srcdiff.grad(C.seed, wrt="y")(3, 4) == 10.0
    assert srcdiff.grad(C.seed, wrt=("y",))(3, 4) == (10.0,)
    assert type(srcdiff.grad(C.seed, wrt=("x",))(3, 4)[0]) is float
    # the float fast path is unchanged
    assert srcdiff.grad(C.seed, wrt=(0, 1))(3.0, 4.0) == (24.0, 10.0)
    g = srcdiff.grad(C.seed, wrt=(0, 1))(np.int64(3), 4)
    assert g == (24.0, 10.0) and _floats(g)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_value_and_grad_at_integers(mode):
    value, g = srcdiff.value_and_grad(C.seed, wrt=(0, 1), mode=mode)(3, 4)
    assert (value, g) == (42.0, (24.0, 10.0))
    assert type(value) is float and _floats(g)
    assert srcdiff.grad(C.seed, wrt=(0, 1), mode=mode)(3, 4) == (24.0, 10.0)


def test_vjp_at_integers_works_like_floats():
    out, pullback = srcdiff.vjp(C.seed, 3, 4)
    assert out == 42.0 and type(out) is float
    cts = pullback(1.0)
    assert cts == (24.0, 10.0) and all(type(c) is float for c in cts)
    assert pullback(-2.0) == (-48.0, -20.0)
    out_f, pullback_f = srcdiff.vjp(C.seed, 3.0, 4.0)
    assert out_f == out and pullback_f(1.0) == cts


def test_vjp_counts_get_none():
    out, pullback = srcdiff.vjp(C.power_loop, 2, 3)  # range(n): a count
    assert out == 16.0 and type(out) is float
    assert pullback(1.0) == (32.0, None)  # d x**4 / dx at 2
    assert srcdiff.vjp(C.power_loop, 2.0, 3)[1](1.0) == (32.0, None)
    assert srcdiff.vjp(C.exponent, 2.0, 3)[1](1.0) == (12.0, None)  # x ** n
    assert srcdiff.vjp(C.repeat_via_helper, 2, 3)[1](1.0) == (32.0, None)  # in a helper
    assert srcdiff.vjp(C.annotated, 2, 5)[1](1.0) == (2.0, None)  # n: int
    assert srcdiff.vjp(C.int_default, 2, 3)[1](1.0) == (3.0, None)  # k=2


def test_vjp_an_unrecognised_count_still_works():
    """`range(min(n, 5))` hides that n is a count: n is differentiated, passed on as the
    integer it is (range still works), and its cotangent is 0.0."""
    out, pullback = srcdiff.vjp(C.hidden_count, 2, 3)
    assert out == 2.0 * (0 + 1 + 2)
    gx, gn = pullback(1.0)
    assert gx == 3.0 and type(gx) is float
    assert gn == 0.0 and type(gn) is float


def test_jvp_jacobian_hessian_hvp_at_integers_equal_floats():
    for ints, floats in [((3, 4), (3.0, 4.0))]:
        assert srcdiff.jvp(C.seed, ints, (1.0, 0.0)) == srcdiff.jvp(C.seed, floats, (1.0, 0.0))
        assert srcdiff.jvp(C.seed, ints, (1.0, 0.0)) == (42.0, 24.0)
        assert srcdiff.jvp(C.seed, ints, (0.0, 1.0)) == (42.0, 10.0)
        for mode in ("forward", "reverse", "auto"):
            jx, jy = srcdiff.jacobian(C.seed, wrt=(0, 1), mode=mode)(*ints)
            assert (float(jx), float(jy)) == (24.0, 10.0)
            assert np.asarray(jx).dtype == np.float64
        for mode in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward"):
            assert float(srcdiff.hessian(C.seed, wrt=0, mode=mode)(*ints)) == 8.0  # 2y
            assert float(srcdiff.hessian(C.seed, wrt=1, mode=mode)(*ints)) == 0.0
        assert srcdiff.hvp(C.seed, ints, 1.0) == 8.0
        assert srcdiff.hvp(C.seed, ints, 1.0, wrt=1) == 0.0


def test_check_grad_at_integers():
    report = srcdiff.check_grad(C.seed, 3, 4, wrt=(0, 1))
    assert [(row.parameter, row.analytic) for row in report.rows] == [("x", 24.0), ("y", 10.0)]
    assert report.max_abs_error < 1e-8


def test_integer_arrays_still_refused_with_a_hint():
    with pytest.raises(srcdiff.ArgumentError) as info:
        srcdiff.grad(C.weighted)(np.array([1, 2, 3]), np.array([0, 2]))
    assert "integer array" in str(info.value) and "astype(float)" in str(info.value)
    # not named in wrt, an integer array (an index here) is fine and gets None from vjp
    w = np.array([1.0, 2.0, 3.0])
    out, pullback = srcdiff.vjp(C.weighted, w, np.array([0, 2]))
    assert out == 10.0
    gw, gidx = pullback(1.0)
    np.testing.assert_array_equal(gw, [2.0, 0.0, 6.0])
    assert gidx is None


def test_an_object_array_is_refused_by_its_dtype():
    with pytest.raises(srcdiff.ArgumentError) as info:
        srcdiff.grad(C.weighted)(np.array([1.0, "a"], dtype=object), np.array([0, 1]))
    assert "an array of dtype object" in str(info.value)
    assert "integer" not in str(info.value).splitlines()[0]


def test_which_integers_are_counts():
    assert count_parameters(C.seed) == set()
    assert count_parameters(C.power_loop) == {"n"}
    assert count_parameters(C.exponent) == {"n"}
    assert count_parameters(C.repeat_via_helper) == {"n"}
    assert count_parameters(C.annotated) == {"n"}
    assert count_parameters(C.int_default) == {"k"}
    assert count_parameters(C.index_and_shape) == {"i", "n"}
    assert default_wrt(C.seed, (3, 4)) == ("x", "y")
    assert default_wrt(C.power_loop, (2, 3)) == ("x",)
    assert default_wrt(C.index_and_shape, (np.ones(3), 1, 2)) == ("w",)
    assert default_wrt(C.seed, (True, "s")) == ()

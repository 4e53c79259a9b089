"""jvp's and hvp's tangents are read by their primals' shapes and structures
(api/transforms._tangent_like, api/pytrees.flat_tangents): one of another shape, type or
structure is an ArgumentError, never read in part or in another order."""

import numpy as np
import pytest
from fdiff import fd_directional

import srcdiff


def two_keys(p):
    return p["a"] ** 2 * 2.0 + p["b"] ** 3 * 100.0


def product(xs):
    return xs[0] * xs[1] ** 2


def doubled(x):
    return x * 2.0


def leaf_doubled(p):
    return p["a"] * 2.0


P = {"a": 1.5, "b": 0.5}


def test_a_tangent_dict_is_read_by_key_not_by_position():
    """(its leaves were read in order: the tangent along b went to a, 6.0 for 75.0)"""
    _, along_b = srcdiff.jvp(two_keys, (P,), ({"b": 1.0, "a": 0.0},))
    want = fd_directional(lambda b: two_keys({"a": 1.5, "b": b}), (0.5,), (1.0,))
    assert along_b == pytest.approx(want, rel=1e-8)
    assert srcdiff.jvp(two_keys, (P,), ({"a": 0.0, "b": 1.0},))[1] == pytest.approx(along_b)


def test_hvp_reads_v_by_key():
    """(H @ v came back {"a": 4.0, "b": 0.0} for v along b: {"a": 0, "b": 300})"""
    got = srcdiff.hvp(two_keys, (P,), {"b": 1.0, "a": 0.0})
    assert got["a"] == pytest.approx(0.0, abs=1e-12)
    assert got["b"] == pytest.approx(600.0 * 0.5, rel=1e-12)


@pytest.mark.parametrize(
    "tangent, match",
    [
        ({"a": 1.0, "c": 0.0}, "expected a dict with keys"),
        ({"a": 1.0}, "expected a dict with keys"),
        ((1.0, 0.0), "expected a dict"),
    ],
)
def test_a_tangent_of_another_structure_is_refused(tangent, match):
    with pytest.raises(srcdiff.ArgumentError, match=match):
        srcdiff.jvp(two_keys, (P,), (tangent,))
    with pytest.raises(srcdiff.ArgumentError, match=match):
        srcdiff.hvp(two_keys, (P,), tangent)


@pytest.mark.parametrize(
    "func, primal, tangent, match",
    [
        # a list primal: one too long was read in part, one too short or a scalar raised an
        # IndexError from the tangent code
        (
            product,
            [1.0, 2.0],
            [1.0, 1.0, 5.0],
            r"shape \(3,\) was given for an argument of shape \(2,\)",
        ),
        (product, [1.0, 2.0], np.ones((2, 2)), r"shape \(2, 2\)"),
        # a number: an array tangent gave an array of directional derivatives
        (doubled, 1.0, np.ones(2), r"shape \(2,\) was given for an argument of shape \(\)"),
        (doubled, 1.0, [1.0, 2.0], r"shape \(2,\)"),
        (doubled, 1.0, "a", "tangent of type str"),
        # complex: came back complex, or lost its imaginary part with a ComplexWarning
        (doubled, 1.0, 1j, "tangent of type complex"),
        (doubled, np.ones(2), np.ones(2) * 1j, "dtype complex128"),
        (
            leaf_doubled,
            {"a": 1.0},
            {"a": np.ones(2)},
            r"shape \(2,\) was given for an argument of shape \(\)",
        ),
    ],
)
def test_a_tangent_of_another_shape_or_type_is_refused(func, primal, tangent, match):
    with pytest.raises(srcdiff.ArgumentError, match=match):
        srcdiff.jvp(func, (primal,), (tangent,))


@pytest.mark.parametrize("tangent", [1.0, [1.0], (0.5, -1.0), np.array([0.5, -1.0])])
def test_a_list_primal_takes_its_shape_or_a_broadcast_one(tangent):
    value, got = srcdiff.jvp(product, ([1.0, 2.0],), (tangent,))
    assert value == 4.0
    t = np.broadcast_to(np.asarray(tangent, float), (2,))
    want = fd_directional(lambda xs: product(list(xs)), (np.array([1.0, 2.0]),), (t,))
    assert got == pytest.approx(want, rel=1e-8)


def damped(x, v, n):
    for _ in range(n):
        v = v - 0.1 * x
        x = x + 0.1 * v
    return x * v


@pytest.mark.parametrize("backend", ["python", "numba"])
@pytest.mark.parametrize("tangent", [np.ones_like(0.3), 1, np.float64(1.0)], ids=repr)
def test_a_number_s_tangent_given_as_a_0d_array_or_an_int_is_a_number(tangent, backend):
    """(np.ones_like(0.3) is a 0-d array: the Numba backend could not compile the tangent
    code for it, 'Cannot unify array(float64, 0d, C) and float64')"""
    value, along = srcdiff.jvp(damped, (0.3, 1.1, 20), (tangent, None, None), backend=backend)
    want = fd_directional(lambda x: damped(x, 1.1, 20), (0.3,), (1.0,))
    assert type(along) is float
    assert along == pytest.approx(want, rel=1e-7)
    assert value == damped(0.3, 1.1, 20)

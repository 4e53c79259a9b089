"""What generated NumPy code leaves out, and that leaving it out is right.

`np.sum(x)` is a scalar (no run-time check); operands that provably have the
result's shape need no `unbroadcast`; basic slices accumulate with `dx[1:] += g`,
while integer-array indices (which may repeat) keep `add_at`.  Each case is also
checked against finite differences.
"""

import kind_cases as K
import numpy as np
import pytest

import srcdiff

RNG = np.random.default_rng(11)


def test_full_reduction_is_a_scalar_partial_one_is_not():
    x, w = RNG.normal(size=(3, 4)), RNG.normal(size=4)
    assert "check_scalar" not in srcdiff.source(K.total, at=(x,))
    assert "check_scalar" not in srcdiff.source(K.per_column, at=(x, w))
    assert "check_scalar" in srcdiff.source(K.column_sums, at=(x,))
    with pytest.raises(srcdiff.NonScalarOutputError, match="jacobian"):
        srcdiff.grad(K.column_sums)(x)
    srcdiff.check_grad(K.total, x)
    srcdiff.check_grad(K.per_column, x, w, wrt=(0, 1))


def test_same_shapes_need_no_unbroadcast():
    x = RNG.normal(size=5)
    assert "unbroadcast" not in srcdiff.source(K.same_shapes, at=(x,))
    srcdiff.check_grad(K.same_shapes, x)


def test_parameters_that_may_broadcast_keep_unbroadcast():
    x, y = RNG.normal(size=(2, 3)), RNG.normal(size=3)
    assert "unbroadcast" in srcdiff.source(K.may_broadcast, wrt=(0, 1), at=(x, y))
    gx, gy = srcdiff.grad(K.may_broadcast, wrt=(0, 1))(x, y)
    assert gx.shape == x.shape and gy.shape == y.shape
    srcdiff.check_grad(K.may_broadcast, x, y, wrt=(0, 1))


def test_broadcast_operands_are_summed_back():
    x, b = RNG.normal(size=(3, 4)), RNG.normal(size=4)
    assert "unbroadcast" in srcdiff.source(K.broadcast_row, wrt=(0, 1), at=(x, b))
    gx, gb = srcdiff.grad(K.broadcast_row, wrt=(0, 1))(x, b)
    assert gx.shape == x.shape and gb.shape == b.shape
    srcdiff.check_grad(K.broadcast_row, x, b, wrt=(0, 1))


def test_slices_accumulate_in_place_and_integer_arrays_use_add_at():
    x = RNG.normal(size=6)
    text = srcdiff.source(K.shifted, at=(x,))
    assert "dx[1:] += " in text and "dx[:-1] += " in text and "add_at" not in text
    srcdiff.check_grad(K.shifted, x)
    idx = np.array([0, 2, 2, 5])
    assert "add_at" in srcdiff.source(K.gather_twice, at=(x, idx))
    g = srcdiff.grad(K.gather_twice)(x, idx)
    expected = np.zeros(6)
    np.add.at(expected, idx, 2 * x[idx])
    np.testing.assert_allclose(g, expected, rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inline_accumulation_keeps_the_dtype(dtype):
    x = RNG.normal(size=6).astype(dtype)
    g = srcdiff.grad(K.shifted)(x)
    assert g.dtype == dtype and g.shape == x.shape


@pytest.mark.parametrize("func", [K.view_then_write, K.alias_then_write])
def test_a_view_of_an_array_assigned_into_later_is_refused(func):
    """The view would see the later assignment; derivatives would follow the old values."""
    x = np.array([0.3, -0.4, 0.9, 1.1])
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="shares memory") as info:
        srcdiff.grad(func)(x)
    assert ".copy()" in str(info.value) and "\n    " in str(info.value)


def test_a_copy_taken_before_the_write_differentiates():
    x = np.array([0.3, -0.4, 0.9, 1.1])
    srcdiff.check_grad(K.copy_then_write, x)
    srcdiff.check_grad(K.copy_then_write, x, rtol=1e-6)
    np.testing.assert_allclose(
        srcdiff.grad(K.copy_then_write, mode="forward")(x),
        srcdiff.grad(K.copy_then_write)(x),
        rtol=1e-12,
    )


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_mask_assignment_uses_the_mask_from_before_the_write(mode):
    """`y[y < 0] = 0.0`: the mask is computed once; derivative code reuses it."""
    x = np.array([0.3, -0.4, 0.9, 1.1, -0.7])
    np.testing.assert_allclose(
        srcdiff.grad(K.mask_write, mode=mode)(x), np.where(x * 2.0 < 0, 0.0, 4.0 * x), rtol=1e-12
    )


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_iterating_over_rows_of_a_matrix(mode):
    A = np.arange(6.0).reshape(2, 3) / 5 + 0.1
    expected = 2 * A * A[:, :1]
    expected[:, 0] += np.sum(A * A, axis=1)
    np.testing.assert_allclose(srcdiff.grad(K.rows, mode=mode)(A), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_fancy_index_assignment_checks_indices_are_distinct(mode):
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(srcdiff.SrcDiffError, match="more than once"):
        srcdiff.grad(K.fancy_write, mode=mode)(x, np.array([0, 0, 1]))
    np.testing.assert_allclose(
        srcdiff.grad(K.fancy_write, mode=mode)(x, np.array([0, 2, 1])), [3.0, 0.0, 1.0], rtol=1e-14
    )


def test_slices_trimmed_by_the_same_amount_have_the_same_shape():
    """x[1:] and x[:-1] are both n - 1 long, for any n: Rosenbrock needs no unbroadcast."""
    import rosenbrock

    text = srcdiff.source(rosenbrock.rosenbrock, at=(np.ones(5),))
    assert "unbroadcast" not in text
    for n in (1, 2, 5):
        srcdiff.check_grad(rosenbrock.rosenbrock, np.linspace(-1.0, 1.2, n))
    x = RNG.normal(size=5)
    assert "unbroadcast" in srcdiff.source(K.mismatched_trims, at=(x,))

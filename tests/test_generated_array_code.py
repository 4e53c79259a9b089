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
    # an axis of length 1 may stretch: only the values can tell
    x, y = RNG.normal(size=(2, 3)), RNG.normal(size=(1, 3))
    assert "unbroadcast" in srcdiff.source(K.may_broadcast, wrt=(0, 1), at=(x, y))
    gx, gy = srcdiff.grad(K.may_broadcast, wrt=(0, 1))(x, y)
    assert gx.shape == x.shape and gy.shape == y.shape
    srcdiff.check_grad(K.may_broadcast, x, y, wrt=(0, 1))


def test_dense_operands_are_summed_over_their_missing_leading_axes():
    # no axis of length 1: a lower-rank operand was stretched along the leading axes only
    x, y = RNG.normal(size=(2, 3)), RNG.normal(size=3)
    text = srcdiff.source(K.may_broadcast, wrt=(0, 1), at=(x, y))
    assert "unbroadcast" not in text and "dy = np.sin(x).sum(axis=0)" in text
    gx, gy = srcdiff.grad(K.may_broadcast, wrt=(0, 1))(x, y)
    assert gx.shape == x.shape and gy.shape == y.shape
    srcdiff.check_grad(K.may_broadcast, x, y, wrt=(0, 1))
    # the same function called with a length-1 axis gets code that checks at run time
    gx1, gy1 = srcdiff.grad(K.may_broadcast, wrt=(0, 1))(x[:1], y)
    np.testing.assert_allclose(gx1, np.cos(x[:1]) * y)
    np.testing.assert_allclose(gy1, np.sin(x[:1])[0])


def test_broadcast_operands_are_summed_back():
    x, b = RNG.normal(size=(3, 4)), RNG.normal(size=(1, 4))
    assert "unbroadcast" in srcdiff.source(K.broadcast_row, wrt=(0, 1), at=(x, b))
    gx, gb = srcdiff.grad(K.broadcast_row, wrt=(0, 1))(x, b)
    assert gx.shape == x.shape and gb.shape == b.shape
    srcdiff.check_grad(K.broadcast_row, x, b, wrt=(0, 1))
    b = RNG.normal(size=4)
    text = srcdiff.source(K.broadcast_row, wrt=(0, 1), at=(x, b))
    assert "unbroadcast" not in text
    gx, gb = srcdiff.grad(K.broadcast_row, wrt=(0, 1))(x, b)
    np.testing.assert_allclose(gb, np.sum(2 * (x + b), axis=0))
    np.testing.assert_allclose(gx, 2 * (x + b))


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


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_advice_for_repeated_indices_works(mode):
    """Repeated indices in y[i] = v are refused with the advice of a loop or np.add.at;
    both work (np.add.at was refused too, until compiler/list_edits.py), and agree."""
    x, idx = np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1])
    with pytest.raises(srcdiff.SrcDiffError, match="more than once") as info:
        srcdiff.grad(K.fancy_write, mode=mode)(x, idx)
    assert "y[i[k]] += v[k]" in str(info.value) and "np.add.at(y, i, v)" in str(info.value)
    g = srcdiff.grad(K.accumulate_in_a_loop, mode=mode)(x, idx)
    np.testing.assert_allclose(g, [3.0, 3.0, 1.0], rtol=1e-14)
    np.testing.assert_allclose(srcdiff.grad(K.accumulate_with_add_at, mode=mode)(x, idx), g)
    assert K.accumulate_in_a_loop(x, idx) == K.accumulate_with_add_at(x, idx)


def test_slices_trimmed_by_the_same_amount_have_the_same_shape():
    """x[1:] and x[:-1] are both n - 1 long, for any n: Rosenbrock needs no unbroadcast."""
    import rosenbrock

    text = srcdiff.source(rosenbrock.rosenbrock, at=(np.ones(5),))
    assert "unbroadcast" not in text
    for n in (1, 2, 5):
        srcdiff.check_grad(rosenbrock.rosenbrock, np.linspace(-1.0, 1.2, n))
    x = RNG.normal(size=5)
    assert "unbroadcast" in srcdiff.source(K.mismatched_trims, at=(x,))


@pytest.mark.parametrize(
    "shapes, spelled",
    [
        (((3, 4), (4, 2)), ("@ b.T", "a.T @ ")),
        (((4,), (4, 2)), ("b @ ", "np.outer(a, ")),
        (((3, 4), (4,)), ("np.outer(", "a.T @ ")),
        (((4,), (4,)), ("* b", "* a")),
    ],
)
@pytest.mark.parametrize("func", [K.product_loss, K.dot_loss])
def test_products_of_known_ranks_are_written_as_products(func, shapes, spelled):
    a, b = (RNG.normal(size=s) for s in shapes)
    text = srcdiff.source(func, wrt=(0, 1), at=(a, b))
    assert "matmul_d" not in text and "tensordot_d" not in text
    assert all(piece in text for piece in spelled), text
    ga, gb = srcdiff.grad(func, wrt=(0, 1))(a, b)
    assert ga.shape == a.shape and gb.shape == b.shape
    srcdiff.check_grad(func, a, b, wrt=(0, 1))


def test_products_of_unknown_or_batched_ranks_keep_the_general_helpers():
    assert "matmul_da" in srcdiff.source(K.product_loss, wrt=(0, 1))  # ranks unknown
    a, b = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(4, 2))
    assert "matmul_da" in srcdiff.source(K.product_loss, wrt=(0, 1), at=(a, b))
    srcdiff.check_grad(K.product_loss, a, b, wrt=(0, 1))


@pytest.mark.parametrize("shape", [(3, 4), (3, 1), (1, 4)])
def test_keepdims_reductions_broadcast_back_without_unbroadcast(shape):
    x, w = RNG.normal(size=shape), RNG.normal(size=shape)
    text = srcdiff.source(K.softmax_loss, at=(x, w))
    assert "np.sum(dlogp, axis=1, keepdims=True)" in text, text
    assert "unbroadcast(dlogp" not in text and "unbroadcast(dshifted" not in text, text
    assert srcdiff.grad(K.softmax_loss)(x, w).shape == shape
    srcdiff.check_grad(K.softmax_loss, x, w)
    np.testing.assert_allclose(
        srcdiff.grad(K.softmax_loss, mode="forward")(x, w), srcdiff.grad(K.softmax_loss)(x, w)
    )


@pytest.mark.parametrize("shape", [(2, 3, 4), (1, 3, 1)])
def test_reductions_over_several_axes_sum_back_over_them(shape):
    x = RNG.normal(size=shape)
    text = srcdiff.source(K.centred_loss, at=(x,))
    assert "np.sum(dc, axis=(0, -1), keepdims=True)" in text, text
    assert "unbroadcast(dc" not in text, text
    srcdiff.check_grad(K.centred_loss, x)
    h = srcdiff.hessian(K.centred_loss)(x)
    assert h.shape == shape + shape


@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,))])
def test_spelled_products_differentiate_again(shapes):
    a, b = (RNG.normal(size=s) for s in shapes)
    grad_a = srcdiff.grad(K.product_loss, wrt=0)
    h = srcdiff.hessian(K.product_loss, wrt=0)(a, b)
    eps, numeric = 1e-6, np.zeros(a.shape + a.shape)
    for k in np.ndindex(a.shape):
        step = np.zeros(a.shape)
        step[k] = eps
        numeric[(...,) + k] = (grad_a(a + step, b) - grad_a(a - step, b)) / (2 * eps)
    np.testing.assert_allclose(h, numeric, rtol=1e-5, atol=1e-6)
    ror = srcdiff.hessian(K.product_loss, wrt=0, mode="reverse-over-reverse")(a, b)
    np.testing.assert_allclose(ror, h, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_a_shapeless_zero_adjoint_is_not_summed_over_axes(c):
    x = RNG.normal(size=(3, 4))
    g = srcdiff.grad(K.shifted_or_constant)(x, c)
    assert g.shape == x.shape
    if c < 0:
        assert not g.any()
    srcdiff.check_grad(K.shifted_or_constant, x, c)


def test_one_gradient_function_tells_dense_arrays_from_those_that_may_stretch():
    # the dispatcher's fast path checks for a length-1 axis: code made for arrays without
    # one (summing a bias back over axis 0 only) must not run on arrays with one
    grad = srcdiff.grad(K.broadcast_row, wrt=(0, 1))
    x = RNG.normal(size=(3, 4))
    for b in (RNG.normal(size=4), RNG.normal(size=1), RNG.normal(size=4), np.ones(1)):
        for _ in range(2):  # the second call takes the fast path
            gx, gb = grad(x, b)
            np.testing.assert_allclose(gx, 2 * (x + b))
            want = np.sum(2 * (x + b), axis=0)
            np.testing.assert_allclose(gb, want if b.shape == (4,) else [np.sum(want)])


def test_a_scalar_argument_gets_a_cotangent_of_its_own_type_in_array_code():
    # a Python float's gradient is float(...); a NumPy scalar's keeps its type
    x = RNG.normal(size=(3, 4))

    def biased(x, b):
        return np.sum((x + b) ** 2)

    grad = srcdiff.grad(biased, wrt=1)
    assert "float(db)" in srcdiff.source(biased, wrt=1, at=(x, 0.5))
    for b in (0.5, np.float64(0.5), np.float32(0.5)):
        g = grad(x, b)
        assert type(g) is (float if type(b) is float else type(b))
        np.testing.assert_allclose(g, np.sum(2 * (x + b)), rtol=1e-6)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", [K.pick_per_row, K.pick_by_len, K.pick_twice])
def test_a_gather_by_arange_rows_writes_its_adjoint_by_plain_indexing(func, mode):
    # `p[np.arange(n), labels]` picks each element at most once: no np.add.at
    p = RNG.uniform(0.5, 2.0, size=(5, 3))
    labels = np.array([2, 2, 0, 1, 2])
    text = srcdiff.source(func, at=(p, labels))
    assert "add_at" not in text and "np.zeros_like(p)" in text
    g = srcdiff.grad(func, mode=mode)(p, labels)
    assert g.dtype == np.float64 and g.shape == p.shape
    srcdiff.check_grad(func, p, labels)


def test_a_gather_whose_positions_may_repeat_keeps_add_at():
    p = RNG.normal(size=(3, 3))
    rows = np.array([[0, 1, 2], [0, 1, 2]])  # 2-D: (0, 1, 2) picked twice each
    assert "add_at" in srcdiff.source(K.pick_grid, at=(p, rows))
    g = srcdiff.grad(K.pick_grid)(p, rows)
    want = np.zeros_like(p)
    np.add.at(want, (np.arange(3), rows), 2 * p[np.arange(3), rows])
    np.testing.assert_allclose(g, want)
    # np.arange(a, b) and a plain integer array are not proved distinct
    p, labels = RNG.normal(size=(4, 3)), np.array([0, 0])
    assert "add_at" in srcdiff.source(K.pick_from, wrt=0, at=(p, labels, 2))
    srcdiff.check_grad(K.pick_from, p, labels, 2)
    p, rows = RNG.normal(size=(4, 3)), np.array([1, 1, 1])
    text = srcdiff.source(K.pick_rows, at=(p, rows))
    assert "add_at" not in text  # the arange is the second index: still distinct
    srcdiff.check_grad(K.pick_rows, p, rows)
    assert "add_at" in srcdiff.source(K.gather_twice, at=(p[0], np.array([0, 0, 1])))


def test_a_gather_by_arange_of_length_one_may_broadcast():
    # p has one row: np.arange(1) broadcasts against labels, so (0, 1) is picked twice
    p, labels = RNG.uniform(0.5, 2.0, size=(1, 3)), np.array([1, 1, 2])
    text = srcdiff.source(K.pick_per_row, at=(p, labels))
    assert "add_at" in text
    for mode in ("reverse", "forward"):
        g = srcdiff.grad(K.pick_per_row, mode=mode)(p, labels)
        np.testing.assert_allclose(g, [[0.0, 3.0 / p[0, 1], 1.5 / p[0, 2]]])
    # the code made for dense p is not reused for it
    dense = RNG.uniform(0.5, 2.0, size=(3, 3))
    srcdiff.grad(K.pick_per_row)(dense, labels)
    np.testing.assert_allclose(srcdiff.grad(K.pick_per_row)(p, labels)[0, 1], 3.0 / p[0, 1])


def _row_max(x):
    return np.sum(np.max(x, axis=1) * np.arange(x.shape[0]))


def _max_kept(x):
    return np.sum(x - np.max(x, axis=-1, keepdims=True)) + np.max(x)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_of_known_rank_shares_ties_in_numpy_and_keeps_the_dtype(mode, dtype):
    # (x == max) / count, the count summed in x's dtype: no chooser_partials, and ties
    # (row 1: two maxima) share the cotangent as JAX and autograd share it
    x = np.array([[1.0, 3.0, 2.0], [4.0, 0.5, 4.0], [0.0, -1.0, 2.5]], dtype=dtype)
    for func in (_row_max, _max_kept):
        assert "chooser_partials" not in srcdiff.source(func, mode=mode, at=(x,))
    g = srcdiff.grad(_row_max, mode=mode)(x)
    assert g.dtype == dtype
    np.testing.assert_allclose(g, [[0, 0, 0], [0.5, 0, 0.5], [0, 0, 2]])
    g = srcdiff.grad(_max_kept, mode=mode)(x)
    assert g.dtype == dtype
    want = np.ones((3, 3)) - [[0, 3, 0], [1.5, 0, 1.5], [0, 0, 3]]
    want[1, [0, 2]] += 0.5
    np.testing.assert_allclose(g, want, rtol=1e-6)

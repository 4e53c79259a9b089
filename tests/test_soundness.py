"""The soundness issue's classes, one test each: silently wrong derivatives, crashes, and
refusals of fresh arrays.  Expected values are worked out by hand in the comments;
every case runs in reverse and forward mode (and through value_and_grad)."""

import numpy as np
import pytest
import soundness_cases as S

import srcdiff

X4 = np.array([0.3, -0.7, 1.1, 0.4])
X32 = np.array([[0.3, -0.7], [1.1, 0.4], [-0.2, 0.9]])


def both_modes(func, args, wrt):
    """Reverse and forward gradients, checked to agree; value_and_grad's value is f's."""
    rev = srcdiff.grad(func, wrt=wrt)(*args)
    fwd = srcdiff.grad(func, wrt=wrt, mode="forward")(*args)
    value, vg = srcdiff.value_and_grad(func, wrt=wrt)(*args)
    assert value == pytest.approx(
        func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args]), rel=1e-12, abs=1e-14
    )
    for r, f, v in zip(rev, fwd, vg):
        np.testing.assert_allclose(f, r, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(v, r, rtol=1e-12, atol=1e-14)
    return rev


# --- 1, 2: aliases and views changed in place are refused, naming both; the hints work ----


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_alias_changed_in_place_is_refused_naming_both(mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match=r"'y' in place.*'z'") as info:
        srcdiff.grad(S.alias_then_inplace, mode=mode)(X4)
    assert "y = y + x" in str(info.value)  # the hint


def test_the_alias_hints_work_when_followed():
    # z keeps y's old value x: d sum(z) / dx = 1
    (g,) = both_modes(S.alias_then_rebind, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.ones(4))
    (g,) = both_modes(S.alias_copied_then_inplace, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.ones(4))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_view_of_a_base_changed_in_place_is_refused(mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match=r"'y' in place.*'z'.*shares"):
        srcdiff.grad(S.view_then_inplace, mode=mode)(X32)


def test_a_copied_row_is_independent():
    (g,) = both_modes(S.view_copied_then_inplace, (X32,), ("x",))
    np.testing.assert_array_equal(g, [[0, 0], [1, 1], [0, 0]])  # z = row 1


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_integer_arrays_are_memory_too(mode):
    # an index array aliased and changed in place was not tracked: value and gradient
    # silently followed k's old contents
    k = np.array([0, 1])
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match=r"'k' in place.*'j'") as info:
        srcdiff.grad(S.int_alias_then_inplace, mode=mode)(X4, k)
    assert "j = k.copy()" in str(info.value)
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="argument 'k' in place") as info:
        srcdiff.grad(S.assign_into_int_argument, mode=mode)(X4, k)
    assert "k = k.copy() before" in str(info.value) and "float" not in str(info.value)
    np.testing.assert_array_equal(k, [0, 1])


def test_the_integer_array_hints_work_when_followed():
    k = np.array([0, 1])
    (g,) = both_modes(S.int_alias_copied_then_inplace, (X4, k), ("x",))
    np.testing.assert_allclose(g, [2 * X4[0], 2 * X4[1], 0, 0])  # j = [0, 1]
    (g,) = both_modes(S.assign_into_int_argument_copied, (X4, k), ("x",))
    np.testing.assert_allclose(g, [0, 2 * X4[1], 2 * X4[2], 0])  # k = [2, 1]
    np.testing.assert_array_equal(k, [0, 1])


def test_loop_over_an_array_changed_in_place_is_refused():
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="for` loop at line"):
        srcdiff.grad(S.loop_over_array_changed_in_place)(X4)


def test_helper_changing_an_argument_the_caller_reads_is_refused():
    with pytest.raises(
        srcdiff.UnsupportedSyntaxError, match=r"helper_changes_argument changes its argument 'a'"
    ):
        srcdiff.grad(S.caller_reads_changed_argument)(X4)


def test_helper_changing_an_argument_nobody_reads_again_is_fine():
    # s = sum(2 * 3x) = 6 sum(x), plus sum(x): 7 per element
    (g,) = both_modes(S.caller_rebinds_changed_argument, (X4,), ("x",))
    np.testing.assert_allclose(g, np.full(4, 7.0))


def test_allocations_in_a_loop_are_not_aliases():
    # prev ends as [0, 0, x2^2]
    x = np.array([0.5, -1.5, 2.0])
    (g,) = both_modes(S.previous_step_kept, (x,), ("x",))
    np.testing.assert_allclose(g, [0.0, 0.0, 4.0])


# --- 3, 4: forward-mode tangents broadcast to their value's shape ---------------------------


def test_scalar_broadcast_into_an_in_place_op():
    (g,) = both_modes(S.scalar_broadcast_into_inplace, (X4,), ("x",))
    np.testing.assert_array_equal(g, [2.0, 0, 0, 0])  # y = [x0, x0]


def test_column_broadcast():
    (g,) = both_modes(S.column_broadcast, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.full(4, -3.0))  # each x[i] meets 3 ones


def test_scalar_tangent_into_matmul_and_indexing():
    w = np.array([0.5, -2.0])
    gx, gw = both_modes(S.scalar_tangent_into_matmul, (X4, w), ("x", "w"))
    np.testing.assert_allclose(gx, [3 * (w[0] + w[1]), 0, 0, 0])  # 3 x0 (w0 + w1)
    np.testing.assert_allclose(gw, [3 * X4[0], 3 * X4[0]])
    w3 = np.array([0.5, -2.0, 1.5])
    gx, gw = both_modes(S.scalar_tangent_indexed, (X4, w3), ("x", "w"))
    np.testing.assert_allclose(gx, [-1.0, 0, 0, 0])
    np.testing.assert_allclose(gw, np.prod(w3) / w3)


# --- 5, 7: helpers at several call sites -------------------------------------------------------


def test_one_helper_at_two_call_sites_then_a_swap():
    g0, g1 = both_modes(S.helper_two_sites_then_swap, (0.447, 0.606), ("x0", "x1"))
    assert g0 == 0.0 and g1 == pytest.approx(2 * 0.606, rel=1e-15)  # returns x1 * x1


def test_tuple_helper_at_two_call_sites_then_a_swap():
    g0, g1 = both_modes(S.tuple_helper_two_sites_then_swap, (0.447, 0.606), ("x0", "x1"))
    assert (g0, g1) == pytest.approx((0.606 + 1, 0.447 + 1), rel=1e-15)  # x1 x0 + x1 + x0


def test_gradient_shapes_do_not_leak_between_call_sites():
    x, w = np.ones((3, 1)), np.ones(4)
    gx, gw = both_modes(S.shape_leak_between_sites, (x, w), ("x", "w"))
    assert gx.shape == (3, 1) and gw.shape == (4,)
    assert not gx.any() and not gw.any()


def test_tuple_results_indexed_and_defaults():
    (g,) = both_modes(S.tuple_result_indexed, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.full(4, 2.0))
    (g,) = both_modes(S.defaulted_tuple_helper, (0.7,), ("x0",))
    assert g == pytest.approx(3 * 0.7, rel=1e-15)  # 1.5 x0^2


def test_a_helper_whose_result_is_unused_keeps_the_stack_in_step():
    (g,) = both_modes(S.unused_helper_result, (0.7,), ("x",))
    assert g == 2.0


# --- 6: every assignment resets the derivative --------------------------------------------------


@pytest.mark.parametrize("func", [S.constant_in_branch, S.constant_in_conditional_expression])
def test_a_constant_assigned_in_a_branch_has_no_derivative(func):
    grads = both_modes(func, (0.3, -1.3, -1.2), ("x0", "x1", "x2"))
    assert grads == (0.0, 0.0, 0.0)


# --- 8: no rule is an error, never a constant ---------------------------------------------------


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, error, pattern",
    [
        (S.r_join, srcdiff.NoRuleError, r"np\.r_\[\.\.\.\]"),
        (S.c_join, srcdiff.NoRuleError, r"np\.c_\[\.\.\.\]"),
        (S.evaluated, srcdiff.UnsupportedSyntaxError, r"eval\(\)"),
        (S.copied_into, srcdiff.UnsupportedSyntaxError, r"np\.copyto"),
    ],
)
def test_constructs_without_a_rule_are_refused(mode, func, error, pattern):
    with pytest.raises(error, match=pattern):
        srcdiff.grad(func, mode=mode)(X4[:3])


def test_the_np_r_hint_works_when_followed():
    # x[i] meets the weights i and i + 3
    (g,) = both_modes(S.r_join_rewritten, (X4[:3],), ("x",))
    np.testing.assert_array_equal(g, [3.0, 5.0, 7.0])


# --- crashes --------------------------------------------------------------------------------------


def test_swaps_of_constants():
    (g,) = both_modes(S.swaps_of_constants, (0.8,), ("x0",))
    assert g == 0.0


def test_where_with_equal_branches():
    # s - s is 0; the partials of np.where are booleans, which must not be negated
    assert both_modes(S.where_of_equal_branches, (0.3, 0.9), ("x0", "x1")) == (0.0, 0.0)


def test_x_to_the_zero_at_zero_has_derivative_zero():
    (g,) = both_modes(S.power_zero, (0.0,), ("x",))
    assert g == 0.0
    (g,) = both_modes(S.np_power_zero, (np.array([0.0, 1.0]),), ("x",))
    np.testing.assert_array_equal(g, [1.0, 1.0])
    (g,) = both_modes(S.polynomial, (0.0,), ("x",))
    assert g == 2.0  # d/dx 2x at 0
    assert srcdiff.hessian(S.polynomial)(0.0) == 6.0  # d2/dx2 3x^2 at 0


def test_hessian_with_a_defaulted_argument_left_out():
    assert srcdiff.hessian(S.cubic_with_default)(1.5) == pytest.approx(18.0)  # 6 k x


def test_zero_adjoints_made_explicit_in_loops_have_no_shape_problems():
    (g,) = both_modes(S.unused_in_loop, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.zeros(4))
    (g,) = both_modes(S.unused_join_in_loop, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.ones(4))


def test_a_loop_walks_its_sequence_as_it_was():
    value, _ = srcdiff.value_and_grad(S.loop_rebinds_its_sequence)(X4.copy())
    assert value == pytest.approx(S.loop_rebinds_its_sequence(X4.copy()), rel=1e-14)
    srcdiff.check_grad(S.loop_rebinds_its_sequence, X4)
    both_modes(S.loop_rebinds_its_sequence, (X4,), ("x",))


def test_an_adjoint_updated_in_place_does_not_share_its_array():
    # x = x + x[0] gives dx to both operands; dx[0] += g must not change the other's copy.
    # f = sum((x + x0)^2): df/dxj = 2 (xj + x0), plus sum_j 2 (xj + x0) for j = 0
    (g,) = both_modes(S.add_own_element, (X4,), ("x",))
    want = 2 * (X4 + X4[0])
    want[0] += np.sum(2 * (X4 + X4[0]))
    np.testing.assert_allclose(g, want, rtol=1e-14)
    # f = sum(x + x^2 + m), m = sum of the positive x: df/dxj = 1 + 2 xj + 4 [xj > 0]
    (g,) = both_modes(S.add_own_masked_sum, (X4,), ("x",))
    np.testing.assert_allclose(g, 1 + 2 * X4 + 4 * (X4 > 0), rtol=1e-14)


def test_an_adjoint_updated_in_place_is_not_simplified_into_a_view():
    # f = sum_r r . r[::-1]: df/dr = 2 r[::-1]; X itself must not change
    given = X32.T.copy()
    (g,) = both_modes(S.rows_times_their_reverse, (given,), ("X",))
    np.testing.assert_allclose(g, 2 * X32.T[:, ::-1], rtol=1e-14)
    np.testing.assert_array_equal(given, X32.T)


def test_the_adjoint_of_an_integer_valued_array_is_floats():
    # dt[1:] += g needs a float dt even when t holds integers (seed 104278)
    # 2 s^2 below 0.5 (derivative 4 s), a constant above
    for s, want in [(0.3, 1.2), (0.7, 0.0)]:
        (g,) = both_modes(S.int_valued_then_sliced, (s,), ("s",))
        assert g == pytest.approx(want, rel=1e-14, abs=0.0)


# --- false alarms: fresh arrays may be assigned into ----------------------------------------------


@pytest.mark.parametrize(
    "func",
    [S.assign_into_where, S.assign_into_concatenate, S.assign_into_cumsum, S.assign_into_fancy],
)
def test_fresh_results_may_be_assigned_into(func):
    x = np.array([0.3, -0.7, 1.1])
    srcdiff.check_grad(func, x)
    both_modes(func, (x,), ("x",))


# --- a derivative that is not finite is an error saying so; the function's own errors stay ------


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_infinite_derivative_is_a_domain_error(mode):
    with pytest.raises(srcdiff.DomainError, match=r"0\.5 / out.*math\.sqrt\(x\)"):
        srcdiff.grad(S.root, mode=mode)(0.0)
    assert srcdiff.grad(S.root, mode=mode)(4.0) == 0.25


def test_the_functions_own_error_is_raised_as_it_is():
    with pytest.raises(ZeroDivisionError):
        srcdiff.grad(S.reciprocal)(0.0)


# --- the random-program tester's seeds 101557, 102609, 105573 ---------------------------------


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_helper_in_a_while_test_changing_an_argument_read_again_is_refused(mode):
    # the next test reads the changed x: differentiating the change as a new array is wrong
    with pytest.raises(
        srcdiff.UnsupportedSyntaxError, match=r"test_changes_argument changes its argument 'a'"
    ):
        srcdiff.grad(S.while_test_changes_argument, mode=mode)(X4.copy())


def test_helper_in_an_if_test_gets_a_copy_when_nobody_reads_it_again():
    w = X4.copy()
    for mode in ("reverse", "forward"):
        g = srcdiff.grad(S.if_test_changes_argument_nobody_reads, wrt="x", mode=mode)(X4, w)
        np.testing.assert_allclose(g, np.full(4, 3.0))
        np.testing.assert_array_equal(w, X4)  # generated code never changes the caller's w


def test_a_float_stored_into_an_integer_array_has_no_derivative():
    # y[0] and y[1:3] are truncated to integers: only x[3] counts
    (g,) = both_modes(S.float_into_integer_array, (X4, 2), ("x",))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0, 1.0])
    (g,) = both_modes(S.float_into_integer_array, (X4, 2.0), ("x",))  # y holds floats
    np.testing.assert_allclose(g, [3.0, 3.0, 1.0, 2.0])  # sum(x) + 2 x0 + 2 x1 + x3


def test_a_loop_makes_no_zero_adjoint_for_what_nobody_reads():
    # a zero adjoint for s would meet sqrt's infinite partial at 0: 0 * inf = nan
    with np.errstate(all="ignore"):
        (g,) = both_modes(S.dead_loop_variable_over_sqrt_at_zero, (X4,), ("x",))
    np.testing.assert_array_equal(g, np.ones(4))


def test_a_loop_the_usefulness_analysis_missed_is_built_with_every_adjoint(monkeypatch):
    # the fallback: were a useful name left out, the loop is built again with all of them
    from srcdiff.compiler.reverse import FunctionTransform

    monkeypatch.setattr(FunctionTransform, "useful", property(lambda self: frozenset()))

    def power_sum(x):
        s = 0.0
        for k in range(3):
            s = s + x * x
        return np.sum(s)

    np.testing.assert_allclose(srcdiff.grad(power_sum)(X4), 6 * X4)


# -- a variable rebound to a part of itself (seed 802844) ------------------------------------------
def _rebound_slice(x):
    x = x[1:]
    return np.sum(x * x)


def _rebound_fancy(x):
    x = x[[0, 1, 1]]
    return np.sum(np.sin(x))


def _rebound_row(x):
    x = x[::-1, ::2]
    x = x[0]
    return np.sum(x * x)


def _rebound_in_a_loop(x):
    for _ in range(2):
        x = x[:, 1:] * 2.0
    return np.sum(x)


@pytest.mark.parametrize("func", [_rebound_slice, _rebound_fancy, _rebound_row, _rebound_in_a_loop])
def test_a_variable_rebound_to_part_of_itself(func):
    from srcdiff.runtime.fd import numeric_grad

    x = np.array([[0.3, -0.7, 1.1], [0.4, 0.9, -0.2]])
    want = numeric_grad(func, (x,), 0)
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(srcdiff.grad(func, mode=mode)(x), want, atol=1e-7)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_value_stored_into_a_list_by_index_is_not_lost(mode):
    # it was a gradient of 0.0, silently, in both modes and the Hessian; then refused,
    # with the advice of an array; now (compiler/list_edits.py) differentiated as written
    expected = 1 + 2 * 1.5 + 3 * 1.5**2
    assert srcdiff.grad(S.list_filled_by_index, mode=mode)(1.5, 4) == pytest.approx(expected)
    assert srcdiff.hessian(S.list_filled_by_index)(1.5, 4) == pytest.approx(2 + 6 * 1.5)
    assert srcdiff.grad(S.array_filled_by_index, mode=mode)(1.5, 4) == pytest.approx(expected)
    assert srcdiff.hessian(S.array_filled_by_index)(1.5, 4) == pytest.approx(2 + 6 * 1.5)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_helper_changing_an_argument_passed_twice_is_refused(mode):
    # it gave norm(w) (srcdiff copied a1) where Python computes norm(w + 1)
    w = np.array([0.706, -1.187, -0.086])
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="would change both") as err:
        srcdiff.value_and_grad(S.same_array_twice, mode=mode)(w.copy())
    assert "a1=np.copy(w)" in str(err.value)
    value, g = srcdiff.value_and_grad(S.same_array_twice_copied, mode=mode)(w.copy())
    assert value == pytest.approx(S.same_array_twice_copied(w.copy()))
    np.testing.assert_allclose(g, w / np.linalg.norm(w))


def test_two_arrays_made_in_the_same_call_are_not_the_same_array():
    x = 0.7
    value, g = srcdiff.value_and_grad(S.two_new_arrays)(x)
    assert value == pytest.approx(S.two_new_arrays(x))
    assert g == pytest.approx(np.sqrt(3.0))

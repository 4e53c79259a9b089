"""Lists as values (tests/list_cases.py) in reverse mode, forward mode and Hessians, against
finite differences.  Regressions: forward mode folded `dy = dacc[-1] * 2` past a later
`dacc.append(...)` (a silent wrong derivative: 7.0 for 6.2); reverse mode indexed the
adjoint of a list built by append like the final list (a crash, or the wrong item)."""

from __future__ import annotations

import list_cases as L
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

W = np.array([0.3, 0.8])
CASES = [
    (L.read_between_appends, (0.7,)),
    (L.recurrence, (0.6,)),
    (L.appended_then_sliced, (0.7,)),
    (L.extend_pop_index, (0.7,)),
    (L.list_comp_powers, (0.7,)),
    (L.list_of_arrays, (W,)),
    (L.comp_of_arrays, (W,)),
    (L.array_of_scalars, (0.5, 1.5)),
    (L.stack_only, (0.9,)),
    (L.helper_reads_a_copy, (W,)),
    (L.items_left_after_pop, (0.7, 0.3)),
    (L.appended_through_a_copy, (0.7, 0.3)),
    (L.conditional_item_reads_the_loop, (0.7, 0.3)),
    (L.extended_by_a_list, (0.7,)),
    (L.extended_by_itself, (0.7,)),
    (L.extended_by_a_comprehension_and_an_array, (W,)),
    (L.extended_in_a_loop, (0.7, 0.3)),
    (L.display_reads_the_list, (0.7, 0.3)),
    (L.read_at_its_length_while_growing, (0.7,)),
    (L.list_of_an_array_as_a_queue, (np.array([0.3, -0.5, 1.1, 0.7]),)),
    (L.list_of_a_list_then_appended, (0.7, 0.3)),
    (L.list_copy_in_a_loop, (0.7, 0.3)),
    (L.array_of_a_list_grown_later, (np.array([0.3, -0.2, 0.5, 0.1]),)),
    (L.stack_of_a_list_grown_later, (W,)),
]
IDS = [f.__name__ for f, _ in CASES]


@pytest.mark.parametrize("func, args", CASES, ids=IDS)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_matches_finite_differences(func, args, mode):
    got = srcdiff.grad(func, mode=mode)(*args)
    assert_close(got, fd_grad(func, args, 0), 1e-6, 1e-8, f"{mode} gradient")


@pytest.mark.parametrize("func, args", CASES, ids=IDS)
@pytest.mark.parametrize("how", ["forward-over-reverse", "reverse-over-reverse"])
def test_hessian_matches_finite_differences_of_the_gradient(func, args, how):
    h = srcdiff.hessian(func, mode=how)(*args)
    g = srcdiff.grad(func)

    def grad_array(*a):
        return np.asarray(g(*a), dtype=float)

    assert_close(h, fd_jacobian(grad_array, args, 0), 1e-5, 1e-7, "hessian")


def test_the_read_between_appends_is_the_item_it_was():
    # f = 2x + 3x^2: the read of acc[-1] happened when acc held x alone
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(L.read_between_appends, mode=mode)(0.7) == pytest.approx(6.2)


def test_a_helper_indexing_a_list_built_by_append_is_refused_with_advice_that_works():
    # was a crash in the generated gradient (pop from empty list): the caller kept the
    # list's adjoint as a stack, the helper added into an array of its own
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(L.helper_reads_appended)(W)
    text = str(info.value)
    assert "list_cases.py" in text and "return xs[0] * xs[0] + xs[1]" in text and "^" in text
    assert "`_first_sq(lst[:])`" in text
    expected = 8 * W + np.cos(W)
    for mode in ("reverse", "forward"):
        assert_close(srcdiff.grad(L.helper_reads_a_copy, mode=mode)(W), expected, 1e-12, 0)


@pytest.mark.parametrize(
    "func", [L.items_left_after_pop, L.appended_through_a_copy, L.conditional_item_reads_the_loop]
)
@pytest.mark.parametrize("wrt", [(0,), (1,), (0, 1)])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_lists_differentiated_with_respect_to_some_parameters(func, wrt, mode):
    # the bugs showed only with respect to x alone (forward mode) or in reverse mode
    args = (0.7, 0.3)
    got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
    want = tuple(float(fd_grad(func, args, i)) for i in wrt)
    assert_close(np.array(got), np.array(want), 1e-6, 1e-8, f"{mode} gradient wrt {wrt}")
    assert srcdiff.value_and_grad(func, wrt=wrt, mode=mode)(*args)[0] == pytest.approx(func(*args))


def test_one_list_under_two_names_is_refused_in_reverse_mode_with_advice_that_works():
    args = (0.7, 0.3)
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(L.two_names_for_one_list, wrt=(0, 1))(*args)
    text = str(info.value)
    assert "t = s" in text and "^" in text and "drop `t = s`" in text
    want = np.array([float(fd_grad(L.two_names_for_one_list, args, i)) for i in (0, 1)])
    forward = srcdiff.grad(L.two_names_for_one_list, wrt=(0, 1), mode="forward")(*args)
    assert_close(np.array(forward), want, 1e-6, 1e-8, "forward mode")
    rewritten = srcdiff.grad(L.one_name_for_the_list, wrt=(0, 1))(*args)
    assert_close(np.array(rewritten), want, 1e-6, 1e-8, "the rewrite")


def test_a_name_assigned_to_itself_is_not_a_second_name_for_a_list():
    # the two-names refusal took `x = x` for one (found by the tester: 98 refusals in 1,000)
    def f(x):
        s = [x * k for k in range(3)]
        x = x  # noqa: PLW0127
        return sum(s) * x

    for mode in ("reverse", "forward"):
        assert srcdiff.grad(f, mode=mode)(0.7) == pytest.approx(6 * 0.7, rel=1e-12)  # 3 x^2


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_extending_display_is_evaluated_before_the_list_grows(mode):
    got = srcdiff.grad(L.display_reads_the_list, wrt=(0, 1), mode=mode)(0.7, 0.3)
    assert got == pytest.approx((0.0, 0.6))  # acc[2] is y * y

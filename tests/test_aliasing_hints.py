"""Advice for a view changed in place while its base is read afterwards
(compiler/aliasing.py): change the base through the view's index, or copy the view."""

import copy

import alias_view_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

X = np.array([0.3, -1.2, 0.8, 2.1])


@pytest.mark.parametrize(
    "func, advice",
    [
        (C.view_scaled, "change y itself: `y[1:3] *= 3.0`"),
        (C.view_filled, "assign into y itself: `y[::2] = x[:2]`"),
    ],
)
def test_the_refusal_says_to_change_the_base_or_copy_the_view(func, advice):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func)(X)
    message = str(err.value)
    assert advice in message
    assert "copy the view: v = y[" in message
    assert ".copy().copy()" not in message


@pytest.mark.parametrize(
    "func, advice",
    [
        (C.reshaped_filled, "copy the view: z = y.reshape(2, 2).copy()"),
        (C.transposed_scaled, "copy the view: t = y.T.copy()"),
    ],
)
def test_a_view_made_by_a_method_is_told_to_change_the_base_or_copy_the_view(func, advice):
    """y made its memory (`y = x.copy()`), so "make y a copy" changed nothing."""
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func)(X)
    message = str(err.value)
    assert advice in message
    assert "change y itself, at the positions" in message
    assert ".copy().copy()" not in message
    assert "make y a copy" not in message


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "followed, original",
    [
        (C.view_scaled_advice, C.view_scaled),
        (C.view_filled_advice, C.view_filled),
        (C.view_scaled_copied, None),
        (C.reshaped_filled_advice, C.reshaped_filled),
        (C.reshaped_filled_copied, None),
    ],
)
def test_the_advice_followed_differentiates(followed, original, mode):
    if original is not None:  # the same function
        assert followed(X.copy()) == pytest.approx(original(X.copy()), rel=1e-15)
    g = srcdiff.grad(followed, mode=mode)(X)
    assert_close(g, fd_grad(followed, (X,), 0), 1e-7, 1e-9, "gradient")


def _copied_then_changed(x):
    y = copy.copy(x)  # new memory, as x.copy(): assigning into it leaves x alone
    y[0] = y[1] * 3.0
    z = copy.deepcopy(y)
    z[2] = z[2] ** 2
    return np.sum(z * x)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_copy_module_copies_are_new_arrays(mode):
    x = np.array([0.5, -1.0, 2.0])
    before = x.copy()
    got = srcdiff.grad(_copied_then_changed, mode=mode)(x)
    assert_close(got, fd_grad(_copied_then_changed, (x,), 0), rtol=1e-6)
    assert np.array_equal(x, before)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_helper_changing_its_argument_is_told_to_return_the_change(mode):
    """(the hint said only to work on a copy, which drops the change the caller reads)"""
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(C.helper_scales_in_place, mode=mode)(X)
    assert "return a (`return a`)" in err.value.hint
    assert "y = _scale_tail(y, ...)" in err.value.hint
    assert C.helper_scales_in_place_advice(X) == C.helper_scales_in_place(X)
    got = srcdiff.grad(C.helper_scales_in_place_advice, mode=mode)(X)
    assert_close(got, fd_grad(C.helper_scales_in_place, (X,), 0), rtol=1e-7)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, followed, advice",
    [
        (
            C.list_argument_assigned,
            C.list_argument_assigned_advice,
            "work on a copy: xs = np.array(xs, float) before",
        ),
    ],
)
def test_a_list_argument_assigned_into_is_told_to_make_an_array(func, followed, advice, mode):
    """(the advice was `xs = xs.copy()`: a list's .copy() has no rule)"""
    xs = [0.5, -1.5]
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func, mode=mode)(xs)
    assert advice in err.value.hint
    assert ".copy()" not in err.value.hint
    assert followed(list(xs)) == func(list(xs))
    got = srcdiff.grad(followed, mode=mode)(xs)
    assert xs == [0.5, -1.5]
    assert_close(np.array(got), fd_grad(followed, (xs,), 0), rtol=1e-7)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_copy_of_a_list_argument_assigned_into_is_differentiated(mode):
    """`ys = list(xs)` is a new list, not the caller's: assigned into, it is
    differentiated as written (compiler/list_edits.py; it was refused with the advice to
    make an array of its items, which agrees), and the caller's list is unchanged."""
    xs = [0.5, -1.5]
    func = C.list_argument_assigned_through_a_copy
    got = srcdiff.grad(func, mode=mode)(xs)
    assert xs == [0.5, -1.5]
    assert_close(np.array(got), fd_grad(func, (xs,), 0), rtol=1e-7)
    made_an_array = srcdiff.grad(C.list_argument_assigned_through_a_copy_made_an_array)(xs)
    assert_close(np.array(got), np.array(made_an_array), rtol=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, by_index, before, advice",
    [
        (
            C.walked_scaled,
            C.walked_scaled_by_index,
            C.walked_scaled_copy,
            ("`for k in range(len(y)): v = y[k]`", "`for v in y.copy():`"),
        ),
        (
            C.walked_enumerated,
            C.walked_enumerated_by_index,
            None,
            ("`for i in range(len(y)): v = y[i]`", "`for i, v in enumerate(y.copy()):`"),
        ),
    ],
)
def test_a_loop_walking_the_changed_array_is_told_to_walk_it_by_index(
    func, by_index, before, advice, mode
):
    """`for v in y: y *= ...` sees each change, as walking y by index does; the advice
    was `y = y * ...` (the loop then walked the old array: another function)."""
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func, mode=mode)(X)
    assert all(a in err.value.hint for a in advice)
    assert "(a new array)" not in err.value.hint
    assert by_index(X.copy()) == func(X.copy())  # the same function
    got = srcdiff.grad(by_index, mode=mode)(X)
    assert_close(got, fd_grad(func, (X,), 0), 1e-7, 1e-9, "gradient")
    if before is not None:  # the other meaning, differentiated too
        got = srcdiff.grad(before, mode=mode)(X)
        assert_close(got, fd_grad(before, (X,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, followed, advice",
    [
        (
            C.alias_of_argument_scaled,
            C.alias_of_argument_scaled_advice,
            "change x itself (`x *= ...`) and read x where you read v",
        ),
        (
            C.row_view_then_scaled,
            C.row_view_then_scaled_advice,
            "(it does: z is y[0]), read y[0] where you read z after line",
        ),
    ],
)
def test_an_alias_meant_to_see_the_change_is_told_to_use_one_name(func, followed, advice, mode):
    """`v = x; v *= c; ... x ...`: x sees the change; `v = v * c` or a copy does not (the
    hint offered only those, each another function)."""
    args = (X.copy(), 0.7)
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func, wrt=(0, 1), mode=mode)(*args)
    assert advice in err.value.hint
    assert followed(X.copy(), 0.7) == pytest.approx(func(X.copy(), 0.7), rel=1e-15)
    got = srcdiff.grad(followed, wrt=(0, 1), mode=mode)(*args)

    def fresh(x, s):  # (func changes its argument: each evaluation gets its own)
        return func(x.copy(), s)

    want = (fd_grad(fresh, args, 0), fd_grad(fresh, args, 1))
    assert_close(got, want, 1e-7, 1e-9, "gradient")
    assert np.array_equal(args[0], X)  # (the caller's x untouched)

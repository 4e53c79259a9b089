"""Lists changed in place (compiler/list_edits.py): `xs[i] = v`, `xs[i] += v`,
`xs.insert`, `xs.sort`, `xs.reverse`, `xs.clear`, `del xs[i]`, and np.add.at /
np.subtract.at, against finite differences in both modes, through loops and helpers,
with Hessians; and the changes that stay refused (another holder would see them)."""

from __future__ import annotations

import list_edit_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.errors import SrcDiffError

A = np.array([0.3, -0.8, 1.1])

CASES = [
    (C.set_item, (0.7, 1.3)),
    (C.add_to_item, (0.7, 1.3)),
    (C.set_items_in_a_loop, (0.7, 1.3)),
    (C.insert_items, (0.7, 1.3)),
    (C.sort_numbers, (0.7, 1.3)),
    (C.sort_numbers, (1.9, 0.2)),
    (C.reverse_and_clear, (0.7, 1.3)),
    (C.delete_items, (0.7, 1.3)),
    (C.in_a_helper, (0.7, 1.3)),
    (C.array_items, (A, 0.6)),
    (C.add_at, (A, 0.6)),
    (C.subtract_at, (A, 0.6)),
    (C.add_at_in_a_loop, (A, 0.6)),
    (C.insert_in_a_loop_over_a_copy, (0.7, 1.3)),
    (C.copy_before_the_change, (0.7, 1.3)),
    (C.array_parameter_copy, ([0.7, 1.3], 0.4)),
    (C.filled_in_a_loop, (0.7, 1.3)),
    (C.sorted_copy, (0.7, 1.3)),
    (C.read_by_a_closure, (0.7, 1.3)),
    (C.copies_changed, (0.7, 1.3)),
    (C.fill_diagonal_of_a_product, (A, 0.6)),  # (was refused: a call for its effects)
    (C.fill_diagonal_wrapped, (A, 0.6)),
]
IDS = [f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, args", CASES, ids=IDS)
def test_gradient_matches_finite_differences(func, args, mode):
    wrt = tuple(range(len(args)))
    before = [np.copy(a) for a in args]
    got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
    for i in wrt:
        assert_close(got[i], fd_grad(func, args, i), rtol=1e-6, atol=1e-9)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("func, args", CASES, ids=IDS)
def test_value_is_the_functions(func, args):
    value, _ = srcdiff.value_and_grad(func, wrt=tuple(range(len(args))))(*args)
    assert_close(value, func(*args), rtol=1e-12, atol=1e-12)


SCALAR_CASES = [(f, a) for f, a in CASES if np.ndim(a[0]) == 0]


# (forward over forward: a list's tangents added with `+` were joined; then, added by
# add_each, an array, whose `.append` was refused -- fuzz seeds 9940337, 9940469)
# (reverse over reverse: a gradient's save `xs_1 = xs` of a list it then clears and grows,
# `xs = []; xs.append(v)`, was refused as two names of one list; the append changes the
# new list: tests/test_hessian_saved_lists.py)
HESSIAN_CASES = [
    pytest.param(f, a, mode, id=f"{f.__name__}-{mode}")
    for f, a in SCALAR_CASES
    for mode in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward")
]


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("func, args, mode", HESSIAN_CASES)
def test_hessian_matches_differences_of_the_gradient(func, args, mode, which):
    h = 1e-5
    g = srcdiff.grad(func, wrt=which)

    def moved(step):
        return g(*[a + step if i == which else a for i, a in enumerate(args)])

    want = (moved(h) - moved(-h)) / (2 * h)
    got = srcdiff.hessian(func, wrt=which, mode=mode)(*args)
    assert_close(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
@pytest.mark.parametrize("func", [C.fill_diagonal_of_a_product, C.fill_diagonal_wrapped])
def test_fill_diagonal_hessians(func, mode, which):
    args = (A, 0.6)
    g = srcdiff.grad(func, wrt=which)
    want = np.stack(  # central differences of the gradient, one column per input entry
        [
            (g(*_moved(args, which, k, 1e-5)) - g(*_moved(args, which, k, -1e-5))) / 2e-5
            for k in range(np.size(args[which]))
        ],
        axis=-1,
    ).reshape(np.shape(args[which]) * 2)
    got = srcdiff.hessian(func, wrt=which, mode=mode)(*args)
    assert_close(got, want, rtol=1e-5, atol=1e-7)


def _moved(args, which, k, step):
    moved = np.array(args[which], dtype=float)
    moved.flat[k] += step
    return tuple(moved if i == which else a for i, a in enumerate(args))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_fill_diagonal_of_a_parameter_is_refused_and_the_copy_it_advises_works(mode):
    """(as an index assignment into a parameter: the caller's array would change)"""
    m = np.arange(9.0).reshape(3, 3) / 10
    with pytest.raises(SrcDiffError, match="changes its argument 'm' in place") as info:
        srcdiff.grad(C.fill_diagonal_of_a_parameter, wrt=(0, 1), mode=mode)(m, 0.5)
    assert "m = m.copy()" in str(info.value)
    before = m.copy()
    got = srcdiff.grad(C.fill_diagonal_of_a_copy, wrt=(0, 1), mode=mode)(m, 0.5)
    np.testing.assert_array_equal(m, before)
    for i in (0, 1):
        assert_close(got[i], fd_grad(C.fill_diagonal_of_a_copy, (m, 0.5), i), 1e-6, 1e-9)


def test_add_at_in_a_loop_hessian():
    """np.add.at's rule gives Hessians too (a gradient with respect to an array)."""
    f = C.add_at_in_a_loop
    got = srcdiff.hessian(f, wrt=0)(A, 0.6)
    g = srcdiff.grad(f, wrt=0)
    h = 1e-5
    want = np.stack([(g(A + h * e, 0.6) - g(A - h * e, 0.6)) / (2 * h) for e in np.eye(3)])
    assert_close(got, want.T, rtol=1e-5, atol=1e-7)


def test_generated_code_reads_as_the_changes():
    text = srcdiff.source(C.insert_items, wrt=(0, 1), at=(0.7, 1.3))
    assert "list_insert(xs, 1, " in text, text
    text = srcdiff.source(C.add_at, wrt=(0, 1), at=(A, 0.6))
    assert "added_at(" in text, text
    # `+=` of an item checks the item is no array when it runs, unless proven a number
    text = srcdiff.source(C.add_to_item, wrt=(0, 1), at=(0.7, 1.3))
    assert "list_set(xs, 0, " in text and "check_number_item" not in text, text


REFUSED = [
    (C.aliased, (0.7, 1.3), "something else may hold it too (`ys = xs`"),
    (C.parameter, ([0.7, 1.3], 0.4), "changes its argument 'xs' in place"),
    (C.walked_while_changed, (0.7, 1.3), "inside a `for` loop over 'xs' itself"),
    (C.held_in_a_container, (0.7, 1.3), "something else may hold it too (`[xs]`"),
    (C.held_by_a_helper, (0.7, 1.3), "something else may hold it too (`_same(xs)`"),
    (C.added_to_an_array_item, (A, 0.5), "changes that object in place"),
    (C.returned_by_a_closure, (0.7, 1.3), "something else may hold it too (`lambda: xs`"),
    (C.held_through_or, (A, 2.0), "something else may hold it too (`idx or [2]`"),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, args, why", REFUSED, ids=[f.__name__ for f, _, _ in REFUSED])
def test_changes_another_holder_sees_stay_refused(func, args, why, mode):
    """Refused, never differentiated as a copy: the change would show through the other
    holder in Python, and not in the derivative.  The message points at the user's line."""
    with pytest.raises(SrcDiffError) as caught:
        srcdiff.grad(func, wrt=1, mode=mode)(*args)
    text = str(caught.value)
    assert why in text and "list_edit_cases.py:" in text and "hint:" in text, text


def _add_in_blocks(x, y):
    xs = [x, y]
    for _ in range(2):
        xs[0] += y * 0.5
        if x > 0.0:
            xs[1] += xs[0]
    return xs[0] * xs[1]


def test_number_checks_dropped_inside_blocks():
    """drop_number_checks looks in every block (a loop's body, a branch): where the items
    are proven numbers the check goes there too, and the gradient is the same."""
    args = (0.7, 1.3)
    text = srcdiff.source(_add_in_blocks, wrt=(0, 1), at=args)
    assert "list_set(xs, 0, " in text and "check_number_item" not in text, text
    got = srcdiff.grad(_add_in_blocks, wrt=(0, 1))(*args)
    for k in range(2):
        assert_close(got[k], fd_grad(_add_in_blocks, args, k), rtol=1e-7)

"""np.split / np.array_split return a new list of arrays; the rule table types the
result as arrays, which is right for reading the pieces but was wrong for using them as a
list: `parts.append(v)` and `parts[0] = v` were refused with messages about in-place
changes of the argument, `parts.pop()` as "no rule for the array method .pop()" (reverse
mode), and `np.split(x, 3) * 2` crashed reverse mode (multiplied as an array).  Now a
name used as a list is bound to `list(np.split(...))` (compiler/split_lists.py), and a
list repeated with `*` -- a list built by appends gave a silently wrong gradient in
reverse mode -- is refused with a hint that works."""

import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

X = np.array([0.3, -0.5, 1.1, 0.2, 0.9, -1.3])
MODES = ("reverse", "forward")


def appended(x):
    parts = np.array_split(x, 2)
    parts.append(x * 2.0)
    return np.sum(parts[2] * parts[0][0])


def item_stored(x):
    parts = np.split(x, 3)
    parts[0] = parts[0] * 3.0
    return np.sum(np.concatenate(parts) ** 2)


def popped(x):
    parts = np.split(x, 3)
    last = parts.pop()
    return np.sum(last * parts[0]) + len(parts)


def read_only(x):  # unchanged: the pieces read as before, no list made
    parts = np.split(x, 3)
    return np.sum(parts[0] * parts[2])


def repeated_split(x):
    parts = np.split(x, 3) * 2
    return np.sum(parts[4] * parts[0])


def repeated_list(x):
    xs = []
    for i in range(3):
        xs.append(x[2 * i : 2 * i + 2])
    ys = xs * 2
    return np.sum(ys[4] * ys[0])


def repeated_by_appends(x):  # the hint, followed
    xs = []
    for i in range(3):
        xs.append(x[2 * i : 2 * i + 2])
    ys = []
    for _ in range(2):
        for item in xs:
            ys.append(item)
    return np.sum(ys[4] * ys[0])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [appended, item_stored, popped, read_only, repeated_by_appends])
def test_split_results_are_lists(func, mode):
    g = srcdiff.grad(func, mode=mode)(X)
    assert_close(g, fd_grad(func, (X,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("func", [appended, item_stored, popped])
def test_split_lists_hessian(func):
    h = srcdiff.hessian(func)(X)
    assert_close(h, fd_jacobian(srcdiff.grad(func), (X,), 0), 1e-6, 1e-8, "hessian")


def test_a_split_read_only_stays_unlisted():
    assert "list(" not in srcdiff.source(read_only, at=(X,))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [repeated_split, repeated_list])
def test_repeating_a_list_is_refused_with_a_hint_that_works(func, mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func, mode=mode)(X)
    assert "repeating a list with `*`" in str(err.value)
    assert "ys.append(item)" in err.value.hint
    assert repeated_by_appends(X) == repeated_list(X)


def _two(x):
    return [x * 2.0, x * x]


def helper_list_stored(x):
    xs = _two(x)
    xs[0] = xs[0] + 1.0
    return np.sum(xs[0] * xs[1])


def helper_list_copied(x):  # the hint, followed
    xs = list(_two(x))
    xs[0] = xs[0] + 1.0
    return np.sum(xs[0] * xs[1])


@pytest.mark.parametrize("mode", MODES)
def test_a_helper_s_list_changed_in_place_is_told_to_copy_it(mode):
    """(the hint offered an array of the items, or a new list under a new name: the
    plainest fix, a copy where the helper's list is bound, was not among them)"""
    X3 = X[:3]
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(helper_list_stored, mode=mode)(X3)
    assert "copy it where it is bound, xs = list(...)" in err.value.hint
    g = srcdiff.grad(helper_list_copied, mode=mode)(X3)
    assert_close(g, fd_grad(helper_list_copied, (X3,), 0), 1e-7, 1e-9, "gradient")
    assert helper_list_copied(X3) == helper_list_stored(X3)

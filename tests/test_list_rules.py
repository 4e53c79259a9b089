"""rules/list_rules.py states each `rows_*` helper of runtime/lists.py linear, with a
named transpose (what Hessians of list edits differentiate); checked here by the
dot-product test <A t, g> = <t, A^T g>, on adjoints held as arrays and as lists
(`runtime.like`'s form in loops), rows of numbers and of arrays."""

import numpy as np
import pytest

from srcdiff.runtime import lists as rl

RNG = np.random.default_rng(7)
PERM = [2, 0, 3, 1]


def _dot(a, b):
    return float(np.sum(np.asarray(a, dtype=float) * np.asarray(b, dtype=float)))


PAIRS = [  # (A, A^T, rows in, rows out)
    (lambda t: rl.rows_cleared(t, 1), lambda g: rl.rows_cleared(g, 1), 4, 4),
    (lambda t: rl.rows_cleared(t, -1), lambda g: rl.rows_cleared(g, -1), 4, 4),
    (lambda t: rl.rows_put(t, PERM), lambda g: rl.rows_taken(g, PERM), 4, 4),
    (lambda t: rl.rows_taken(t, PERM), lambda g: rl.rows_put(g, PERM), 4, 4),
    (
        lambda t: rl.rows_without(t, 2, np.zeros(np.shape(t)[1:])),
        lambda g: rl.rows_insert(g, 2, np.zeros(np.shape(g)[1:])),
        4,
        3,
    ),
]


@pytest.mark.parametrize("as_list", [False, True])
@pytest.mark.parametrize("row_shape", [(), (3,)])
@pytest.mark.parametrize("a, at, n_in, n_out", PAIRS)
def test_each_helper_is_the_transpose_of_the_one_its_rule_names(
    a, at, n_in, n_out, row_shape, as_list
):
    t = RNG.normal(size=(n_in, *row_shape))
    g = RNG.normal(size=(n_out, *row_shape))
    if as_list:
        t, g = list(t), list(g)
    assert _dot(a(t), g) == pytest.approx(_dot(t, at(g)), rel=1e-12)


def test_a_sort_order_is_pythons_stable_sort():
    xs = [0.5, -1.0, 0.5, 2.0]
    assert rl.sort_order(xs) == [1, 0, 2, 3]
    assert rl.sort_order(xs, reverse=True) == [3, 0, 2, 1]
    assert rl.list_sorted(xs, True) == sorted(xs, reverse=True)


def test_insert_positions_follow_list_insert():
    for at in range(-6, 7):
        xs = [1.0, 2.0, 3.0]
        ys = list(xs)
        ys.insert(at, 9.0)
        assert ys.index(9.0) == rl.inserted_at(xs, at)
        assert rl.list_insert(xs, at, 9.0) == ys


@pytest.mark.parametrize("shape, val_shape, wrap", [((4, 4), (), False), ((7, 3), (2,), True)])
def test_filled_diagonal_and_diagonal_adjoint_are_transposes(shape, val_shape, wrap):
    """filled_diagonal is linear in (a, val); its rule's adjoints are filled_diagonal(g,
    0.0) for a and diagonal_adjoint(g, val) for val (val repeated along the diagonal)."""
    ta, tv = RNG.normal(size=shape), RNG.normal(size=val_shape)
    g = RNG.normal(size=shape)
    left = _dot(rl.filled_diagonal(ta, tv, wrap), g)
    right = _dot(ta, rl.filled_diagonal(g, 0.0, wrap)) + _dot(tv, rl.diagonal_adjoint(g, tv, wrap))
    assert left == pytest.approx(right, rel=1e-12)
    c = RNG.normal(size=val_shape)  # diagonal_adjoint's own rule: its transpose
    assert _dot(rl.diagonal_adjoint(g, tv, wrap), c) == pytest.approx(
        _dot(g, rl.filled_diagonal(np.zeros(shape), c, wrap)), rel=1e-12
    )
    want = np.array(ta)
    np.fill_diagonal(want, tv, wrap=wrap)
    np.testing.assert_array_equal(rl.filled_diagonal(ta, tv, wrap), want)

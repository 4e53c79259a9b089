"""Helpers for lists changed in place (compiler/list_edits.py rewrites `xs[i] = v`,
`xs.insert(i, v)` and `xs.sort()` of a list the function builds into `xs = list_set(xs,
i, v)` and the like): each returns a new list, so the change is a value with a rule
(rules/list_rules.py) and both sweeps see the list as it was at each point.

A list's adjoint is an array indexed like it (`runtime.seq_zeros`, `arrays.rows_of`); its
tangent is a list (forward mode appends to and pops from it).  The `rows_*` helpers
take either and give an adjoint's array; `list_*` take and give lists.  Same contract as
runtime/arrays.py: `srcdiff build` copies the helpers a module uses into it, so a
function here refers only to `np`, builtins, functions of this module and `rows_of`.
"""

import numpy as np

from .arrays import rows_of

__all__ = [
    "added_at",
    "check_number_item",
    "diagonal_adjoint",
    "filled_diagonal",
    "inserted_at",
    "list_add",
    "list_insert",
    "list_reversed",
    "list_set",
    "list_sorted",
    "list_taken",
    "rows_cleared",
    "rows_insert",
    "rows_put",
    "rows_taken",
    "rows_without",
    "sort_order",
    "subtracted_at",
    "unpack_length",
]


def unpack_length(seq, count):
    """`count`, after checking that `a, b, ... = seq` (`count` names) fits `seq`, as
    Python's unpacking does: generated code that reads a helper's list or array result
    by index (`a = t[0]; b = t[1]`) would otherwise take the first items of a longer one."""
    got = len(seq)
    if got > count:
        raise ValueError(f"too many values to unpack (expected {count})")
    if got < count:
        raise ValueError(f"not enough values to unpack (expected {count}, got {got})")
    return count


def list_set(xs, at, v):
    """`xs` with item `at` replaced by `v`, a new list (`xs[at] = v`)."""
    out = list(xs)
    out[at] = v
    return out


def check_number_item(v, where=None, text=None):
    """Raise if `v`, the item `xs[i] += w` reads (written `check_number_item(xs[i]);
    xs = list_set(xs, i, xs[i] + w)`), is an array or a list, which Python's `+=`
    changes in place -- the same object the caller or another item may hold -- and the
    new list would not.  `where` / `text`: the statement's place and line (a caret)."""
    if isinstance(v, (np.ndarray, list)):
        message = (
            f"`+=` of a list's item that is {'an array' if isinstance(v, np.ndarray) else 'a list'}"
            " changes that object in place, wherever else it is held: srcdiff can't follow it"
        )
        if where:
            message = f"{where}: {message}"
            if text is not None:
                col = int(where.rsplit(":", 1)[1]) - 1
                message += f"\n    {text}\n    {' ' * col}^"
        raise _error(message, "write the new item out: xs[i] = xs[i] + v (a new object)")


def _error(message, hint):
    try:
        from srcdiff.errors import UnsupportedSyntaxError
    except ImportError:
        return ValueError(f"{message}\nhint: {hint}")
    return UnsupportedSyntaxError(message, hint=hint)


def list_insert(xs, at, v):
    """`xs` with `v` inserted before `at`, a new list (`xs.insert(at, v)`)."""
    out = list(xs)
    out.insert(at, v)
    return out


def inserted_at(xs, at):
    """Where `xs.insert(at, v)` puts `v`: Python's insert counts a negative index from the
    end and clips one past either end."""
    n = len(xs)
    if at < 0:
        at += n
    return min(max(at, 0), n)


def sort_order(xs, reverse=False):
    """The permutation `xs.sort(reverse=reverse)` applies: Python's own stable sort of the
    positions by item, so ties keep the order list.sort keeps.  A sort is differentiated
    as this permutation (as JAX and autograd do); where two items tie, the derivative is
    that of the order chosen."""
    return sorted(range(len(xs)), key=xs.__getitem__, reverse=reverse)


def list_sorted(xs, reverse=False):
    """`xs` sorted, a new list (`xs.sort()`).  Of a set, dict or iterator, which can't be
    indexed by position (a dict so indexed gives values, not keys), Python's sorted: its
    items carry no derivative (a set or dict of differentiated values is refused)."""
    if not isinstance(xs, (list, tuple, range, str, np.ndarray)):
        return sorted(xs, reverse=reverse)
    return [xs[k] for k in sort_order(xs, reverse)]


def list_reversed(xs):
    """`xs` in reverse order, a new list (`xs.reverse()`)."""
    return xs[::-1]


def list_taken(xs, order):
    """The items of `xs` in `order` (a permutation), a new list: a sort's tangent."""
    return [xs[k] for k in order]


def list_add(a, b):
    """Two tangents of a list added item by item, a list (`+` would join them): the
    forward mode's sum of a list-valued rule's terms (forward.py)."""
    return [x + y for x, y in zip(a, b)]


def rows_cleared(g, at):
    """Adjoint `g` of a list with row `at` made zero: what `xs[at] = v` leaves of the
    adjoint of the list it changed (the old item was overwritten)."""
    rows = list(g)
    rows[at] = np.zeros_like(rows[at]) if isinstance(rows[at], np.ndarray) else 0.0
    return rows_of(rows)


def rows_without(g, at, v):
    """The rows of `g` other than row `at`, as an adjoint's array: what `xs.insert(at,
    v)` leaves of the adjoint of the list it made (`v`: the item, whose zero the
    transpose, rows_insert, puts back).  `g` may be a list (`runtime.like`'s form)."""
    rows = list(g)
    del rows[at]
    return rows_of(rows) if rows else rows_of([]).reshape((0, *np.shape(v)))


def rows_insert(g, at, r):
    """The rows of `g` with `r` inserted before row `at`, as an adjoint's array."""
    rows = list(g)
    rows.insert(at, r)
    return rows_of(rows)


def rows_taken(g, order):
    """The rows of `g` in `order`, as an adjoint's array (the transpose of rows_put)."""
    return rows_of(list_taken(g, order))


def rows_put(g, order):
    """The adjoint of the list a permutation `order` was applied to: row `k` of `g` goes
    back to row `order[k]` (a sort's vjp; the transpose of `list_taken`)."""
    rows = list(g)
    out = list(rows)
    for k, at in enumerate(order):
        out[at] = rows[k]
    return rows_of(out)


def added_at(a, index, v):
    """A copy of `a` with `np.add.at(a, index, v)` applied: repeated indices add up.
    compiler/list_edits.py writes `np.add.at(a, i, v)` as `a[...] = added_at(a, i, v)`,
    an index assignment srcdiff differentiates (views and aliases included)."""
    out = np.array(a)
    np.add.at(out, index, v)
    return out


def subtracted_at(a, index, v):
    """A copy of `a` with `np.subtract.at(a, index, v)` applied (see added_at)."""
    out = np.array(a)
    np.subtract.at(out, index, v)
    return out


def filled_diagonal(a, val, wrap=False):
    """A copy of `a` with `np.fill_diagonal(a, val, wrap)` applied.  compiler/list_edits.py
    writes `np.fill_diagonal(a, v)` as `a[...] = filled_diagonal(a, v, False)`, an index
    assignment srcdiff differentiates (views and aliases included).  Linear in (a, val)
    together, so its tangent is itself of the tangents."""
    out = np.array(a)
    np.fill_diagonal(out, val, wrap=wrap)
    return out


def diagonal_adjoint(c, val, wrap=False):
    """The cotangent of filled_diagonal's `val`: the entries of `c` it filled, summed
    per item of `val` (NumPy repeats an array `val` along the diagonal, in flat order,
    the order a boolean mask reads them)."""
    filled = filled_diagonal(np.zeros(np.shape(c), dtype=bool), True, wrap)
    picked = np.asarray(c)[filled]
    if np.ndim(val) == 0:
        return picked.sum()
    size = np.size(val)
    slots = np.arange(picked.size) % size
    return np.bincount(slots, weights=picked, minlength=size).reshape(np.shape(val))

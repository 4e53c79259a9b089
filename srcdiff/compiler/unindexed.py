"""Iterables that `for` walks but that can't be indexed by position.

Normalization walks a loop's sequence by index (`for v in xs` -> `for i in
range(len(xs)): v = xs[i]`, normalize.py), which is Python's walk only for a
sequence.  A set, a dict (its keys), a dict's view and an iterator (`map`,
`filter`, `itertools.product`, ...) have no `len` or no items by position -- and
indexing a dict `{0: 1, 1: 2}` by position gives its values, not its keys, a wrong
loop rather than an error.  Such an iterable is walked as `tuple(it)` instead: its
items in the order `for` gives them, indexed.  Its items carry no derivative (a set
or dict display of differentiated values, or `map` over them, is refused where it
is made), so the tuple is a plain value.

What is known to be one, when normalization runs: a set display or comprehension, a
call of `set`, `frozenset`, `dict`, `map`, `filter`, `iter` or an `itertools`
function, a local name bound to one of those, or a global holding such a value.
"""

from __future__ import annotations

import ast
from collections.abc import ItemsView, Iterator, KeysView, ValuesView

from .astutil import walk
from .source import MISSING

_MAKERS = (set, frozenset, dict, map, filter, iter)
_VALUES = (set, frozenset, dict, KeysView, ValuesView, ItemsView, Iterator)


def unindexed(obj) -> bool:
    """Whether `obj` (a module's value, or a callable) is such an iterable, or makes one."""
    if obj is MISSING:
        return False
    if any(obj is m for m in _MAKERS):
        return True
    if isinstance(obj, type):
        return obj.__module__ == "itertools"
    return isinstance(obj, _VALUES)


def unindexed_locals(tree: ast.FunctionDef, ask) -> frozenset[str]:
    """Names `tree` binds to a set display or comprehension, or to the result of a call
    `ask(func, "unindexed")` says makes such an iterable (`ks = set(xs)`)."""
    names = set()
    for node in walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and made_unindexed(node.value, ask)
        ):
            names.add(node.targets[0].id)
    return frozenset(names)


def made_unindexed(expr: ast.expr, ask) -> bool:
    """Whether the expression `expr` itself makes such an iterable."""
    if isinstance(expr, (ast.Set, ast.SetComp)):
        return True
    return isinstance(expr, ast.Call) and bool(ask(expr.func, "unindexed"))


def as_tuple(expr: ast.expr) -> ast.expr:
    """`tuple(expr)`, located at `expr`."""
    call = ast.Call(func=ast.Name(id="tuple", ctx=ast.Load()), args=[expr], keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, expr))

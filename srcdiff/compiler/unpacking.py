"""The length check of `a, b = xs`, which Python makes and reading by index does not.

normalize.py turns `a, b = xs` (xs a list, tuple or array not written out) into reads by
index, `a = xs[0]; b = xs[1]`, so that each name's derivative flows back to its own
item.  Python's unpacking also checks that xs has exactly two items and raises
ValueError otherwise; the reads by index alone would take the first two items of a
longer xs and return a derivative for a function that raises.  `length_check` writes
that check out in the user's function, before the reads, where the function itself
would raise: generated code raises the same error (the starred `a, *b = xs` has its own
check, `at least` so many items).
"""

from __future__ import annotations

import ast

from .astutil import located


def length_check(seq: str, count: int, like: ast.AST) -> ast.If:
    """`if len(seq) != count: raise ValueError(...)`, located at `like` (the unpacking)."""
    length = ast.Call(func=ast.Name(id="len", ctx=ast.Load()), args=[_load(seq)], keywords=[])
    test = ast.Compare(left=length, ops=[ast.NotEq()], comparators=[ast.Constant(count)])
    message = f"wrong number of values to unpack (expected {count})"
    error = ast.Call(func=_load("ValueError"), args=[ast.Constant(message)], keywords=[])
    raised = ast.Raise(exc=error, cause=None)
    return located(ast.If(test=test, body=[raised], orelse=[]), like)


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def spread_zip(call: ast.Call, target: ast.expr) -> tuple[ast.expr, int] | None:
    """(seq, n) for `zip(*seq)` walked into n names (`for a, b in zip(*pairs)`), else
    None.  Each item zip gives has len(seq) values, so the unpacking fixes len(seq) = n
    (Python raises otherwise): `zip(*seq)` is `zip(seq[0], ..., seq[n - 1])`, a zip of
    n sequences normalize.py walks by index.  (Where zip would give no item at all --
    seq empty, or a part empty -- Python raises nothing; the check here still does.)"""
    if (
        len(call.args) != 1
        or not isinstance(call.args[0], ast.Starred)
        or call.keywords
        or not isinstance(target, ast.Tuple | ast.List)
        or any(isinstance(e, ast.Starred) for e in target.elts)
    ):
        return None
    return call.args[0].value, len(target.elts)


def zipped(call: ast.Call, parts: list[ast.expr]) -> ast.Call:
    """`zip(part1, ..., partn)`, spelled as `call` spells zip."""
    return located(ast.Call(func=call.func, args=parts, keywords=[]), call)

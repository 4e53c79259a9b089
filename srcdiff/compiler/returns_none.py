"""A function given to grad, vjp or jacobian that returns None on some path has no
derivative there.  Reverse mode would give it one: the path's cotangent is simply none,
so `if x > 0: return` made the gradient 0.0 (forward mode raised only when the code ran,
naming no line).  So a `return`, a `return None` or an end the function can reach is
refused where the code is generated, at that line.

Reaching the end is decided from the statements' shapes alone, erring towards not
refusing: a body ends in a `return` or `raise`, an `if` whose branches all do, a `with`
whose block does, or a `while True` without `break`; a `for` loop's end is reachable
(its iterable may run out); a `try` or `match` at the end is not refused.
"""

from __future__ import annotations

import ast

from ..errors import NonScalarOutputError
from .astutil import own_statements


def check_returns_a_value(tree: ast.FunctionDef, source) -> None:
    """Raise NonScalarOutputError at the first path of `tree` that returns None."""
    for node in own_statements(tree.body, in_order=True):
        if isinstance(node, ast.Return) and _is_none(node.value):
            raise NonScalarOutputError(
                f"{tree.name} returns None here; a derivative needs a number or an array",
                node=node,
                source=source,
                hint="return the function's value on this path too (`return loss`)",
            )
    if _reaches_end(tree.body):
        raise NonScalarOutputError(
            f"{tree.name} can reach its end without a return (it returns None there); "
            "a derivative needs a number or an array",
            node=tree.body[-1],
            source=source,
            hint="end the function with `return value` for the path that gets there",
        )


def _is_none(value: ast.expr | None) -> bool:
    return value is None or (isinstance(value, ast.Constant) and value.value is None)


def _reaches_end(body: list[ast.stmt]) -> bool:
    """Whether running `body` can get past its last statement."""
    if not body:
        return True
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return False
    if isinstance(last, ast.If):
        return _reaches_end(last.body) or _reaches_end(last.orelse)
    if isinstance(last, ast.With):
        return _reaches_end(last.body)
    if isinstance(last, ast.While):
        forever = isinstance(last.test, ast.Constant) and bool(last.test.value)
        return not forever or _breaks(last.body)
    if isinstance(last, (ast.Try, ast.Match)) or type(last).__name__ == "TryStar":
        return False  # (not followed: never refused)
    return True


def _breaks(body: list[ast.stmt]) -> bool:
    """Whether a `break` of this loop (not of a loop inside it) is in `body`."""
    todo = list(body)
    for node in todo:
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.For, ast.While, ast.FunctionDef, ast.ClassDef)):
            todo.extend(node.orelse if hasattr(node, "orelse") else [])
            continue
        for field in ("body", "orelse", "handlers", "finalbody", "cases"):
            todo.extend(getattr(node, field, None) or [])
    return False

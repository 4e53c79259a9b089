"""Repeated arithmetic computed once: in a block of straight-line statements, an
assignment whose value is the same `+ - * / ** % //` or negation of the same numbers as
an earlier one, none of them assigned since, reads the earlier result instead.

The splitter gives every `-g` of RK4's four stages a temporary of its own, and the
backward sweep computes the two `dt / 6.0 * (... 2.0 * k ...)` adjoints `dk2o` and `dk3o`
alike: the same operations on the same values give the same float, so the copy is
exact. Only names known to hold numbers qualify (an array may change in place through
a view, without its name being assigned); a compound statement starts afresh inside and
forgets everything after it; a call's arguments and anything stored are forgotten.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

from .astutil import located, walk

_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv)
_BLOCKS = ("body", "orelse", "finalbody")


def share_repeats(stmts: list[ast.stmt], numbers: Collection[str]) -> list[ast.stmt]:
    """`stmts` with each repeated value of `numbers` read from its first holder."""
    held: dict[str, str] = {}  # ast.dump of a value -> the name holding it
    mentions: dict[str, set[str]] = {}  # name -> the values that read it or it holds
    out = []
    for stmt in stmts:
        if not _simple(stmt):
            out.append(_inside(stmt, numbers))
            held.clear()
            mentions.clear()
            continue
        found = _arithmetic_assignment(stmt, numbers)
        if found is not None:
            target, value, key = found
            holder = held.get(key)
            if holder is not None and holder != target and isinstance(stmt, ast.Assign):
                stmt.value = located(_load(holder), value)
        for name in _changed(stmt):
            for old in mentions.pop(name, ()):
                held.pop(old, None)
        if found is not None and key not in held and target not in _reads(value):
            held[key] = target
            for name in _reads(value) | {target}:
                mentions.setdefault(name, set()).add(key)
        out.append(stmt)
    return out


def _arithmetic_assignment(stmt, numbers) -> tuple[str, ast.expr, str] | None:
    """(target, value, key) of `t = <arithmetic of numbers>`, else None."""
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, (ast.BinOp, ast.UnaryOp))
        and _arithmetic(stmt.value, numbers)
    ):
        return stmt.targets[0].id, stmt.value, ast.dump(stmt.value)
    return None


def _simple(stmt):
    return not any(hasattr(stmt, block) for block in _BLOCKS) and not isinstance(
        stmt, (ast.With, ast.AsyncWith, ast.Match, ast.FunctionDef, ast.ClassDef)
    )


def _inside(stmt, numbers):
    """A compound statement with each of its blocks shared on its own."""
    for block in _BLOCKS:
        body = getattr(stmt, block, None)
        if body:
            setattr(stmt, block, share_repeats(body, numbers))
    return stmt


def _arithmetic(node, numbers):
    if isinstance(node, ast.BinOp):
        return (
            isinstance(node.op, _OPS)
            and _arithmetic(node.left, numbers)
            and _arithmetic(node.right, numbers)
        )
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _arithmetic(node.operand, numbers)
    if isinstance(node, ast.Name):
        return node.id in numbers
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _reads(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _changed(stmt):
    """Names `stmt` may change: assigned, deleted, stored into, or given to a call."""
    names = set()
    for node in walk(stmt):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(
            node.ctx, ast.Load
        ):
            names |= _reads(node.value)
        elif isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords), node.func]:
                names |= _reads(arg)
    return names


def _load(name):
    return ast.Name(id=name, ctx=ast.Load())

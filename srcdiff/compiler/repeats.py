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
    held: dict[object, str] = {}  # a value's key (`_arithmetic`) -> the name holding it
    mentions: dict[str, set[object]] = {}  # name -> the values that read it or it holds
    out = []
    for stmt in stmts:
        if not _simple(stmt):
            out.append(_inside(stmt, numbers))
            held.clear()
            mentions.clear()
            continue
        found = _arithmetic_assignment(stmt, numbers)
        if found is None:
            changed = _changed(stmt)
        else:
            target, value, key, reads = found
            holder = held.get(key)
            if holder is not None and holder != target and isinstance(stmt, ast.Assign):
                stmt.value = located(_load(holder), value)
            changed = (target,)  # (`t = <arithmetic>` changes t only)
        for name in changed:
            for old in mentions.pop(name, ()):
                held.pop(old, None)
        if found is not None and key not in held and target not in reads:
            held[key] = target
            for name in reads | {target}:
                mentions.setdefault(name, set()).add(key)
        out.append(stmt)
    return out


def _arithmetic_assignment(stmt, numbers) -> tuple[str, ast.expr, object, set[str]] | None:
    """(target, value, key, names the value reads) of `t = <arithmetic of numbers>`,
    else None."""
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, (ast.BinOp, ast.UnaryOp))
    ):
        reads: set[str] = set()
        key = _arithmetic(stmt.value, numbers, reads)
        if key is not None:
            return stmt.targets[0].id, stmt.value, key, reads
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


def _arithmetic(node, numbers, reads):
    """A key of `node` if it is arithmetic of numbers (equal keys: equal trees, as
    `ast.dump` would tell, at a fraction of its cost), else None; the names it reads
    are added to `reads`."""
    kind = node.__class__
    if kind is ast.BinOp:
        if not isinstance(node.op, _OPS):
            return None
        left = _arithmetic(node.left, numbers, reads)
        if left is None:
            return None
        right = _arithmetic(node.right, numbers, reads)
        if right is None:
            return None
        return (node.op.__class__, left, right)
    if kind is ast.UnaryOp:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            return None
        operand = _arithmetic(node.operand, numbers, reads)
        return None if operand is None else (node.op.__class__, operand)
    if kind is ast.Name:
        if node.id not in numbers:
            return None
        reads.add(node.id)
        return node.id
    if kind is ast.Constant and type(node.value) in (int, float):
        # (the repr, as ast.dump shows it: 1 is not 1.0, nor -0.0 0.0)
        return (type(node.value), repr(node.value))
    return None


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

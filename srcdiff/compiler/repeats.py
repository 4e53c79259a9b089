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

from .astutil import located

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
            changed = _changed(stmt) if mentions else ()  # (nothing held to forget)
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
    """Whether `stmt` holds no block (by class, remembered: asked of every statement)."""
    kind = stmt.__class__
    simple = _SIMPLE.get(kind)
    if simple is None:
        simple = _SIMPLE[kind] = not any(
            block in kind._fields for block in _BLOCKS
        ) and not issubclass(
            kind, (ast.With, ast.AsyncWith, ast.Match, ast.FunctionDef, ast.ClassDef)
        )
    return simple


_SIMPLE: dict[type, bool] = {}


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


def _changed(stmt):
    """Names `stmt` may change: assigned, deleted, stored into, or given to a call (what a
    call's arguments, function or a store's base read).  One walk: each node carries
    whether the names it reads are changed (inside a call, or the base of a store), where
    a walk of each call's arguments read nested calls again."""
    if stmt.__class__ is ast.Assign and stmt.value.__class__ in _LEAVES:
        targets = stmt.targets  # `dt9 = da3`, `dout = 1.0`: half a backward sweep
        if len(targets) == 1 and targets[0].__class__ is ast.Name:
            return {targets[0].id}
    names = set()
    todo = [(stmt, False)]
    pop, push = todo.pop, todo.append
    fields_of = _FIELDS
    while todo:
        node, given = pop()
        kind = node.__class__
        if kind is ast.Name:
            if given or node.ctx.__class__ is not ast.Load:
                names.add(node.id)
            continue
        if kind is ast.Call:
            given = True
        elif (kind is ast.Subscript or kind is ast.Attribute) and (
            node.ctx.__class__ is not ast.Load
        ):
            push((node.value, True))
            if kind is ast.Subscript:
                push((node.slice, given))
            continue
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = tuple(
                f for f in kind._fields if f not in ("ctx", "op", "ops")
            )
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, given))
            elif isinstance(value, ast.AST):
                push((value, given))
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = (ast.Name, ast.Constant)


def _load(name):
    return ast.Name(id=name, ctx=ast.Load())

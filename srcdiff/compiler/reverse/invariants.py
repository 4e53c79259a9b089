"""Loop-invariant negations of numbers, computed once before the loop.

`acc = -g * math.sin(th)` in a loop, `g` a number parameter the function never assigns,
becomes `t1 = -g` before the loop and `acc = t1 * math.sin(th)` in it (the pendulum's
forward sweep: one float made per step less). `-g` of the same number gives the same
value wherever it is computed, so this is exact; only parameters never assigned qualify
(they are bound wherever the loop runs, and nothing in it changes them), and only of
kind int or scalar (an array may change in place through a view).
"""

from __future__ import annotations

import ast

from ..astutil import BLOCK_FIELDS, each_statement, node_fields, walk


def hoist_negations(body, params, fresh):
    """`body` with the negations of `numbers` (those of `params`, number parameters, the
    function never assigns) in each loop computed once before the outermost loop that
    reads them; `fresh(base)` names the new temporaries. A temporary every assignment of
    which is `t = -g` (the forward and backward sweeps' `t1 = -k`) is itself assigned
    before the loop instead, and not in it: it holds the same value wherever it is bound."""
    if not any(isinstance(s, (ast.For, ast.While)) for s in each_statement(body)):
        return body  # nothing to hoist, and the body is not walked
    negated, stored, operands = _bindings(body)
    numbers = {p for p in params if p not in stored}
    if not numbers & operands:
        return body  # no negation of one: the loops are not walked again
    constant = {
        name: var
        for name, vs in negated.items()
        if len(vs) == 1 and (var := next(iter(vs))) in numbers
    }
    return _hoist(body, numbers, fresh, constant)


def _bindings(body):
    """(name -> the names g of its bindings `name = -g`, None for a binding of any other
    value; the names bound any other way too: a loop target, unpacking, `del`), every
    name bound at all, and every name negated somewhere (`-g`); one pass over the body.
    The last lets a body negating no candidate go without the walk of each loop that
    replaces negations (a loop of a thousand statements was walked twice for nothing).
    The pass recurses through the fields rather than walking: it is made over every
    statement of a function with a loop, and a walk's list of nodes was most of it."""
    found: tuple[dict[str, set[str | None]], set[str], set[str]] = ({}, set(), set())
    for stmt in body:
        _bind(stmt, found)
    return found


def _bind(node, found):
    values, stored, operands = found
    kind = node.__class__
    if kind is ast.Name:
        if node.ctx.__class__ is not ast.Load:
            stored.add(node.id)
            values.setdefault(node.id, set()).add(None)
        return
    if kind is ast.Constant:
        return
    if kind is ast.Assign and len(node.targets) == 1 and node.targets[0].__class__ is ast.Name:
        target = node.targets[0].id
        values.setdefault(target, set()).add(_negated_name(node.value))
        stored.add(target)
        _bind(node.value, found)
        return
    if kind is ast.UnaryOp:
        negated = _negated_name(node)
        if negated is not None:
            operands.add(negated)
    for field in node_fields(kind):
        value = getattr(node, field, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    _bind(item, found)
        elif isinstance(value, ast.AST):
            _bind(value, found)


def _negated_name(node):
    """g of `-g`, g a name, else None."""
    if (
        node.__class__ is ast.UnaryOp
        and node.op.__class__ is ast.USub
        and node.operand.__class__ is ast.Name
    ):
        return node.operand.id
    return None


def _negated(node, numbers):
    """g of `-g`, g in `numbers`, else None."""
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Name)
        and node.operand.id in numbers
    ):
        return node.operand.id
    return None


def _hoist(body, numbers, fresh, constant, known=None):
    """`known`: g -> a name holding -g, bound by a statement every later one of `body`
    runs after."""
    known = dict(known or {})
    out = []
    for stmt in body:
        if not isinstance(stmt, (ast.For, ast.While)):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    setattr(stmt, field, _hoist(block, numbers, fresh, constant, known))
            for handler in getattr(stmt, "handlers", ()):
                handler.body = _hoist(handler.body, numbers, fresh, constant, known)
            out.append(stmt)
            continue
        # `t1 = -k` anywhere in the loop: before it, once (a block it would leave empty
        # keeps it, and reads the name bound before the loop instead)
        for block in _blocks(stmt):
            moved = [s for s in block if _constant_assign(s, constant)]
            if moved and len(moved) < len(block):
                block[:] = [s for s in block if not _constant_assign(s, constant)]
                for s in moved:
                    name, var = s.targets[0].id, constant[s.targets[0].id]
                    if known.get(var) != name and not any(
                        _constant_assign(o, constant) and o.targets[0].id == name for o in out
                    ):
                        out.append(s)
                    known.setdefault(var, name)
        new = {}
        for node in walk(stmt):  # (only a negation is replaced: the others aren't looked at)
            for field in node_fields(node.__class__):  # (not a name's id, a context)
                value = getattr(node, field, None)
                if value.__class__ is list:
                    for i, v in enumerate(value):
                        if v.__class__ is ast.UnaryOp:
                            value[i] = _replace(v, numbers, known, new, fresh)
                elif value.__class__ is ast.UnaryOp:
                    setattr(node, field, _replace(value, numbers, known, new, fresh))
        out += [
            ast.Assign(
                targets=[ast.Name(id=name, ctx=ast.Store())],
                value=ast.UnaryOp(op=ast.USub(), operand=ast.Name(id=var, ctx=ast.Load())),
            )
            for var, name in new.items()
        ]
        known.update(new)
        out.append(stmt)
    return out


def _blocks(stmt):
    """The statement lists inside `stmt` (a loop), its own body first, in the order a
    walk of the whole tree meets them (a handler's body twice), without entering
    expressions (which hold no statements)."""
    todo = [stmt]
    for node in todo:  # (the list grows as it is read)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block
        for handler in getattr(node, "handlers", ()):
            yield handler.body
        for field in BLOCK_FIELDS:
            block = getattr(node, field, None)
            if block.__class__ is list:
                todo.extend(block)


def _constant_assign(stmt, constant):
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id in constant
    )


def _replace(node, numbers, known, new, fresh):
    var = _negated(node, numbers)
    if var is None:
        return node
    if var not in known and var not in new:
        new[var] = fresh("t")
    return ast.Name(id=known.get(var) or new[var], ctx=ast.Load())

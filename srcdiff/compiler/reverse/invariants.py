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

from ..astutil import walk


def hoist_negations(body, numbers, fresh):
    """`body` with the negations of `numbers` (parameters never assigned, holding numbers)
    in each loop computed once before the outermost loop that reads them; `fresh(base)`
    names the new temporaries. A temporary every assignment of which is `t = -g` (the
    forward and backward sweeps' `t1 = -k`) is itself assigned before the loop instead,
    and not in it: it holds the same value wherever it is bound."""
    return _hoist(body, numbers, fresh, _only_negations(body, numbers))


def _only_negations(body, numbers):
    """name -> g for the names every binding of which is `name = -g`, g in `numbers`."""
    nodes = walk(ast.Module(body=body, type_ignores=[]))
    values: dict[str, set[str | None]] = {}
    simple = set()
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                values.setdefault(target.id, set()).add(_negated(node.value, numbers))
                simple.add(id(target))
    other = {  # bound any other way: a loop target, unpacking, `del`
        n.id
        for n in nodes
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load) and id(n) not in simple
    }
    return {
        name: var
        for name, vs in values.items()
        if len(vs) == 1 and (var := next(iter(vs))) is not None and name not in other
    }


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
        for node in walk(stmt):
            for field, value in ast.iter_fields(node):
                if isinstance(value, list):
                    value[:] = [_replace(v, numbers, known, new, fresh) for v in value]
                else:
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
    """The statement lists inside `stmt` (a loop), its own body first."""
    for node in walk(stmt):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block
        for handler in getattr(node, "handlers", ()):
            yield handler.body


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

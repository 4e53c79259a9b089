"""A helper's saves as one tuple a call: `_stack.append((a, b, c))` at the end of its
forward sweep and `a, b, c = _stack.pop()` at the start of its backward sweep.

A helper's forward sweep pushes each value it saves on its own (`_stack.append(t2)` by
the statement that makes it, the values its backward sweep reads at the end). Called in
a loop, that is one method call a value a step each way; one tuple a call is one push
and one pop (RK4's step saves nine floats: the gradient/function ratio at 10^4 steps
went from 3.55 to 3.15 measured back to back, `benchmarks/bench_tape.py`'s case). The
tuple costs more memory than nine slots (a 128-byte tuple for 72 bytes of slots) but the
list it sits on is nine times shorter.

Moving the pushes to the end keeps every value: a pushed name is not bound again after
its push (an array changed in place afterwards is the same object either way). The
tuple is the last thing the forward sweep puts on the stack, after the helpers it calls
(which get the stack too), so the backward sweep takes it first: the pops move to its
first line, which keeps each popped name's value when nothing before its pop mentions
it. Anything else (a push inside a loop or branch, a pop inside one, a name bound again)
leaves the sweeps as they are.
"""

from __future__ import annotations

import ast

from ..astutil import walk
from .common import is_push


def pack_saves(fwd, bwd, stack, bwd_params):
    """(fwd, bwd) statement lists with their pushes and pops of `stack` packed, or the
    two as they are where that is not certain to keep the values. `fwd` ends with its
    `return`; `bwd_params` are the backward sweep's parameters."""
    pushes = _top_level_pushes(fwd, stack)
    pops = _top_level_pops(bwd, stack)
    if pushes is None or pops is None or len(pushes) < 2:
        return fwd, bwd
    pushed = [fwd[i].value.args[0].id for i in pushes]
    popped = [bwd[i].targets[0].id for i in pops]
    if popped != pushed[::-1] or set(popped) & set(bwd_params):
        return fwd, bwd
    if not isinstance(fwd[-1], ast.Return) or not _kept_to_end(fwd, pushes):
        return fwd, bwd
    if not _unmentioned_before(bwd, pops):
        return fwd, bwd
    names = [ast.Name(id=n, ctx=ast.Load()) for n in pushed]
    push = ast.Expr(
        value=ast.Call(
            func=ast.Attribute(value=ast.Name(id=stack, ctx=ast.Load()), attr="append"),
            args=[ast.Tuple(elts=names, ctx=ast.Load())],
            keywords=[],
        )
    )
    targets = [ast.Name(id=n, ctx=ast.Store()) for n in pushed]
    pop = ast.Assign(
        targets=[ast.Tuple(elts=targets, ctx=ast.Store())],
        value=ast.Call(
            func=ast.Attribute(value=ast.Name(id=stack, ctx=ast.Load()), attr="pop"),
            args=[],
            keywords=[],
        ),
    )
    skip_fwd, skip_bwd = set(pushes), set(pops)
    fwd = [s for i, s in enumerate(fwd[:-1]) if i not in skip_fwd] + [push, fwd[-1]]
    start = 1 if bwd and _is_docstring(bwd[0]) else 0
    rest = [s for i, s in enumerate(bwd) if i not in skip_bwd and i >= start]
    return fwd, bwd[:start] + [pop] + rest


def _top_level_pushes(body, stack):
    """Indices of the statements `stack.append(name)` of `body`, or None where the stack
    is appended to anywhere else (inside a loop or branch, or of an expression)."""
    found = []
    for i, stmt in enumerate(body):
        if _is_push(stmt, stack):
            found.append(i)
            continue
        for node in walk(stmt):
            if _is_stack_method(node, stack, "append"):
                return None
            if isinstance(node, ast.Return) and node is not body[-1]:
                return None
    return found


def _top_level_pops(body, stack):
    """Indices of the statements `name = stack.pop()` of `body`, or None where the stack
    is popped anywhere else."""
    found = []
    for i, stmt in enumerate(body):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and _is_stack_method(stmt.value, stack, "pop")
            and not stmt.value.args
        ):
            found.append(i)
            continue
        if any(_is_stack_method(node, stack, "pop") for node in walk(stmt)):
            return None
    return found


def _is_push(stmt, stack):
    """`stack.append(name)`: a push of a variable (what the pops name again)."""
    return (
        is_push(stmt, stack)
        and not stmt.value.keywords
        and isinstance(stmt.value.args[0], ast.Name)
    )


def _is_stack_method(node, stack, method):
    """`stack.method(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == stack
    )


def _kept_to_end(fwd, pushes):
    """The pushed names are distinct and none is bound again after its push."""
    names = {i: fwd[i].value.args[0].id for i in pushes}
    if len(set(names.values())) != len(names):
        return False
    bound_after: set[str] = set()
    for i in range(len(fwd) - 1, -1, -1):
        if names.get(i) in bound_after:
            return False
        for node in walk(fwd[i]):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                bound_after.add(node.id)
            elif isinstance(node, ast.arg):  # (a lambda's parameter)
                bound_after.add(node.arg)
    return True


def _unmentioned_before(bwd, pops):
    """No popped name is read or bound by a statement before its pop."""
    mentioned: set[str] = set()
    pop_at = set(pops)
    for i, stmt in enumerate(bwd):
        if i in pop_at:
            if stmt.targets[0].id in mentioned:
                return False
            continue
        for node in walk(stmt):
            if isinstance(node, ast.Name):
                mentioned.add(node.id)
    return True


def _is_docstring(stmt):
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )

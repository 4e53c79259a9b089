"""Loops over what is known when the code is generated, written out one copy per item.

A loop over the keys of a dict built in the function (held.py) or over a display of
`(name, value)` pairs (literal_loops.py) is unrolled: each copy binds the loop target
to its item and the rest of the compiler sees straight-line code, so both modes and
Hessians get it without new transform code.  A key bound to a loop variable is
substituted into the copy as a constant, so `d[k]` in the copy is `d["a"]`, a read
with a constant key; it is also assigned (`k = "a"`), as Python leaves it bound after
the loop (an assignment nothing reads is dead code and dropped).

These are the helpers both callers share; they decide what a loop visits.
"""

from __future__ import annotations

import ast
import copy

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
KEY_TYPES = (str, int, bool, type(None))


def own_jumps(stmts):
    """break / continue statements of this loop's body (not of loops nested in it)."""
    stack = list(stmts)
    while stack:
        s = stack.pop()
        if isinstance(s, (ast.Break, ast.Continue)):
            yield s
        elif isinstance(s, (ast.For, ast.While, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        else:
            stack.extend(c for c in ast.iter_child_nodes(s) if isinstance(c, ast.stmt))


def fresh(taken, base, sep="") -> str:
    """A name like `base` that is not in `taken` (which then holds it): base, base1, ...
    (base_1, ... with `sep="_"`)."""
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}{sep}{k}"
    taken.add(name)
    return name


class OnePass:
    """A loop body whose own break / continue must still work once it is unrolled: each
    copy runs as a loop of one pass (`for once in range(1):`), which `continue` leaves,
    and `break` too after setting `stopped`, which guards the copies after it -- the
    rest of the compiler turns those jumps into flags as in any loop.  Python runs the
    loop's `else` only if no `break` did (`guarded`)."""

    def __init__(self, stmts, like, taken):
        self.like = like
        self.stopped = fresh(taken, "stopped")
        self.broke = False
        once = fresh(taken, "once")
        body = _Jumps(self).visit(ast.Module(body=copy.deepcopy(list(stmts)), type_ignores=[]))
        loop = ast.For(
            target=ast.Name(id=once, ctx=ast.Store()),
            iter=ast.Call(
                func=ast.Name(id="range", ctx=ast.Load()), args=[ast.Constant(1)], keywords=[]
            ),
            body=body.body,
            orelse=[],
        )
        self.body = [ast.fix_missing_locations(ast.copy_location(loop, like))]

    def start(self) -> list[ast.stmt]:
        """What goes before the first copy: `stopped = False` where a break sets it."""
        return [assign(self.stopped, ast.Constant(False), self.like)] if self.broke else []

    def guarded(self, stmts) -> list[ast.stmt]:
        """`stmts` (a copy, or the loop's else) skipped once a break ran."""
        if not self.broke or not stmts:
            return list(stmts)
        test = ast.UnaryOp(op=ast.Not(), operand=ast.Name(id=self.stopped, ctx=ast.Load()))
        node = ast.If(test=test, body=list(stmts), orelse=[])
        return [ast.fix_missing_locations(ast.copy_location(node, self.like))]


class _Jumps(ast.NodeTransformer):
    """The loop's own break / continue (not those of loops nested in it) as jumps out of
    its one-pass loop."""

    def __init__(self, plan):
        self.plan = plan

    def visit_Break(self, node):
        self.plan.broke = True
        return [
            assign(self.plan.stopped, ast.Constant(True), node),
            ast.copy_location(ast.Break(), node),
        ]

    def visit_Continue(self, node):
        return ast.copy_location(ast.Break(), node)

    def _inner(self, node):
        return node

    visit_For = visit_While = visit_AsyncFor = _inner
    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = _inner


def stores(stmts, name) -> bool:
    """Whether `stmts` assign `name` (or bind it in a nested scope or comprehension,
    where a substitution would change what it means)."""
    for stmt in stmts:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
                return True
            if isinstance(n, ast.arg) and n.arg == name:
                return True
            if isinstance(n, _SCOPES) and getattr(n, "name", None) == name:
                return True
    return False


def substitute(stmts, name, value: ast.expr) -> list[ast.stmt]:
    """A copy of `stmts` with every read of `name` replaced by a copy of `value` (the
    caller has checked with `stores` that nothing rebinds it)."""

    class Replace(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == name and isinstance(node.ctx, ast.Load):
                return ast.copy_location(copy.deepcopy(value), node)
            return node

    return [Replace().visit(s) for s in copy.deepcopy(stmts)]


def assign(target, value, like) -> ast.Assign:
    """`target = value` at `like`'s position (`target` a name or a target node)."""
    if isinstance(target, str):
        target = ast.Name(id=target, ctx=ast.Store())
    node = ast.Assign(targets=[copy.deepcopy(target)], value=value)
    return ast.fix_missing_locations(ast.copy_location(node, like))


def is_key(node) -> bool:
    """A constant that can be a dict key and carries no derivative (a string, an int)."""
    return isinstance(node, ast.Constant) and type(node.value) in KEY_TYPES


def is_string(node) -> bool:
    """A string constant: a name, as in `("a", x)`."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def bind_copy(stmts, bindings, like) -> list[ast.stmt] | None:
    """One copy of a loop body.  `bindings` are (variable, how, expression): "const", a
    key substituted and assigned; "value", assigned before the copy (so a later change
    of what it was read from does not change it, as in Python); "alias", substituted
    only (a sub-dict, which the copy reads through).  None if the body rebinds a
    variable something was substituted for."""
    prologue, body = [], list(stmts)
    for name, how, value in bindings:
        if how in ("const", "alias"):
            if stores(body, name):
                return None
            body = substitute(body, name, value)
        if how in ("const", "value"):
            prologue.append(assign(name, copy.deepcopy(value), like))
    return prologue + copy.deepcopy(body)

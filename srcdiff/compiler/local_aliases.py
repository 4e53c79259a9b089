"""Local names for library functions, called by the name they denote.

numpy-ml writes `pi, sqrt, tanh = np.pi, np.sqrt, np.tanh` and then `tanh(...)`.  srcdiff
reads which function a call calls when it generates the code, from the callee's
spelling; a local variable denotes no function then, so the call was refused.  Where the
variable is bound once, at the function's top level, to a module's name (`np.tanh`,
`math.sin`, `erf` imported), and only ever called after that, each call is rewritten to
the spelling it was bound to: `np.tanh(...)`, which Python would call all the same.

Left alone (and refused with split.py's hint, as before): a name bound twice or in a
branch or loop, read other than as a callee, called before its binding, or bound to a
local value (a parameter, another variable: `f = fs[0]`).
"""

from __future__ import annotations

import ast
import copy
from collections import Counter

from .astutil import walk


def inline_function_aliases(tree: ast.FunctionDef) -> ast.FunctionDef:
    """`tree` with calls of top-level aliases of module names spelled as those names
    (the alias's binding dropped); `tree` itself where there are none."""
    nodes = walk(tree)
    bound = _bindings(tree, nodes)
    aliases = {}
    for position, stmt in enumerate(tree.body):
        for target, value in assigned_pairs(stmt):
            if bound[target] == 1 and _module_spelling(value, bound):
                aliases[target] = (position, value)
    if not aliases:
        return tree
    callees = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for n in nodes:
        if isinstance(n, ast.Name) and n.id in aliases and isinstance(n.ctx, ast.Load):
            if id(n) not in callees:
                del aliases[n.id]  # read as a value too: left as it is
    for position, stmt in enumerate(tree.body):
        for n in walk(stmt):
            if isinstance(n, ast.Name) and n.id in aliases and aliases[n.id][0] >= position:
                if isinstance(n.ctx, ast.Load):
                    del aliases[n.id]  # called before (or where) it is bound
    if not aliases:
        return tree
    for n in nodes:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in aliases:
            n.func = _located(aliases[n.func.id][1], n.func)
    tree.body = [s for s in (_without(stmt, aliases) for stmt in tree.body) if s is not None]
    return tree


def _bindings(tree, nodes) -> Counter:
    """How many times each name is bound anywhere in `tree` (nested functions too)."""
    bound: Counter = Counter()
    for n in nodes:
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound[n.id] += 1
        elif isinstance(n, ast.arg):
            bound[n.arg] += 1
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not tree:
            bound[n.name] += 1
        elif isinstance(n, ast.alias):
            bound[(n.asname or n.name).split(".")[0]] += 1
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            for v in n.names:
                bound[v] += 2  # never an alias
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound[n.name] += 1
    return bound


def assigned_pairs(stmt):
    """(name, value) pairs a top-level `a = v` or `a, b = v, w` binds."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return []
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if (
        isinstance(target, ast.Tuple)
        and isinstance(value, ast.Tuple)
        and len(target.elts) == len(value.elts)
        and all(isinstance(t, ast.Name) for t in target.elts)
        and not any(isinstance(v, ast.Starred) for v in value.elts)
    ):
        return [(t.id, v) for t, v in zip(target.elts, value.elts)]
    return []


def _module_spelling(value, bound) -> bool:
    """`np.tanh`, `math.sin`, `erf`: a chain of attributes of a name the function never
    binds (a module's or builtin name)."""
    while isinstance(value, ast.Attribute):
        value = value.value
    return isinstance(value, ast.Name) and bound[value.id] == 0


def _located(value, at):
    """A copy of `value` at `at`'s position (errors point at the call's callee)."""
    new = copy.deepcopy(value)
    for n in ast.walk(new):
        ast.copy_location(n, at)
        if hasattr(at, "end_lineno"):
            n.end_lineno, n.end_col_offset = at.end_lineno, at.end_col_offset
    return new


def _without(stmt, aliases):
    """`stmt` without the bindings of `aliases` (None when nothing is left)."""
    pairs = assigned_pairs(stmt)
    if not pairs or not any(t in aliases and aliases[t][1] is v for t, v in pairs):
        return stmt
    kept = [(t, v) for t, v in pairs if not (t in aliases and aliases[t][1] is v)]
    if not kept:
        return None
    if len(kept) == 1:
        new = ast.Assign(targets=[ast.Name(id=kept[0][0], ctx=ast.Store())], value=kept[0][1])
    else:
        targets = ast.Tuple(
            elts=[ast.Name(id=t, ctx=ast.Store()) for t, _ in kept], ctx=ast.Store()
        )
        new = ast.Assign(
            targets=[targets], value=ast.Tuple(elts=[v for _, v in kept], ctx=ast.Load())
        )
    return ast.fix_missing_locations(ast.copy_location(new, stmt))

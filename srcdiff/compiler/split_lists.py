"""np.split and its kin return a new list of arrays, which the rule table types as
arrays (its templates see the pieces as one value: `np.split(t, 3)`, `split_vjp(g, ...)`).
That is right for reading the pieces -- `parts[i]`, `len(parts)`, `for p in parts`,
`np.stack(parts)` -- and wrong for using them as the list they are: `parts.append(v)`,
`parts[0] = v`, `parts.pop()`, `parts + [v]`, `parts * 2` were refused with messages
about arrays (or, `parts * 2`, multiplied as an array), so a name that is used so gets
the list made explicit where it is bound:

    parts = np.split(x, 3)      ->      parts = list(np.split(x, 3))

`list(...)` of a sequence is normalize's (a loop appending the pieces), and from there
the name is a list the function builds: list_edits.py rewrites its item stores and
in-place methods, appends make it a list built by appends.  Run by normalize before
list_edits.  Only where `list` is the builtin (a function rebinding the name keeps the
refusals).
"""

from __future__ import annotations

import ast

from ..rules.linalg_rules import LIST_RESULTS
from .astutil import walk
from .source import dotted_name

_NAMES = frozenset(f.__name__ for f in LIST_RESULTS)
_LIST_OPERATORS = (ast.Add, ast.Mult)  # a list joined or repeated


def list_splits(nodes, tree, resolve) -> bool:
    """Wraps each `name = np.split(...)` whose name is used as a list (module docstring)
    in `list(...)`, in place; whether any was.  `nodes`: one walk of `tree`."""
    if not _calls_a_split_name(nodes):  # (most functions: one cheap look at each node)
        return False
    binds = [n for n in nodes if _binds_a_split(n, resolve)]
    joined = [n for n in nodes if _joins_a_split(n, resolve)]  # np.split(x, 3) * 2
    if not (binds or joined) or resolve(ast.Name(id="list", ctx=ast.Load())) is not list:
        return False
    used = _used_as_lists(tree) if binds else set()
    wrap = [n for n in binds if n.targets[0].id in used]
    for node in wrap:
        node.value = _listed(node.value)
    for node in joined:
        node.left, node.right = _listed(node.left, resolve), _listed(node.right, resolve)
    return bool(wrap or joined)


def _calls_a_split_name(nodes) -> bool:
    """Whether any call's name is one of the splits' (`split`, `np.array_split`, ...):
    the two checks below resolve names, 17 ms of normalizing 1,000 statements if run on
    every node of a function that calls no split."""
    for node in nodes:
        if node.__class__ is ast.Call:
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name in _NAMES:
                return True
    return False


def _listed(value, resolve=None):
    """`list(value)`, where `value` is a split's call (any value without `resolve`)."""
    if resolve is not None and not _is_split(value, resolve):
        return value
    wrapped = ast.Call(func=ast.Name(id="list", ctx=ast.Load()), args=[value], keywords=[])
    return ast.copy_location(wrapped, value)


def _joins_a_split(node, resolve) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, _LIST_OPERATORS)
        and (_is_split(node.left, resolve) or _is_split(node.right, resolve))
    )


def _is_split(value, resolve) -> bool:
    if not isinstance(value, ast.Call):
        return False
    parts = dotted_name(value.func)
    return parts is not None and parts[-1] in _NAMES and resolve(value.func) in LIST_RESULTS


def _binds_a_split(node, resolve) -> bool:
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and _is_split(node.value, resolve)
    )


def _used_as_lists(tree) -> set[str]:
    """Names whose items are stored or deleted, whose methods are called, or that are
    operands of `+`, `*` or augmented assignment: uses of a list no array has."""
    out: set[str] = set()
    for node in walk(tree):
        if isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            out.add(_name(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            out.add(_name(node.func.value))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _LIST_OPERATORS):
            out.update((_name(node.left), _name(node.right)))
        elif isinstance(node, ast.AugAssign):
            out.add(_name(node.target))
    out.discard("")
    return out


def _name(node) -> str:
    return node.id if isinstance(node, ast.Name) else ""

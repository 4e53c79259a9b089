"""What the parts of the reverse transformer share: the marker tag and small AST helpers."""

from __future__ import annotations

import ast

from ..astutil import call as _call
from ..astutil import copy_tree, method_statement

MARK = "__srcdiff_marker__"


def elements(atom):
    return atom.elts if isinstance(atom, (ast.List, ast.Tuple)) else [atom]


def index_value(index):
    """An index written inside [] as an expression that can be passed around:
    `1:3` -> `slice(1, 3)`, `...` stays `...`, tuples element by element."""
    if isinstance(index, ast.Slice):
        parts = [
            copy_tree(p) if p is not None else ast.Constant(None)
            for p in (index.lower, index.upper, index.step)
        ]
        if isinstance(parts[2], ast.Constant) and parts[2].value is None:
            parts.pop()  # slice(a, b); never slice(a), which means slice(None, a)
        return _call("slice", *parts)
    if isinstance(index, ast.Tuple):
        return ast.Tuple(elts=[index_value(e) for e in index.elts], ctx=ast.Load())
    return copy_tree(index)


def numpy_module():
    import numpy

    return numpy


def runtime_module():
    from ...runtime import core as runtime

    return runtime


def is_push(stmt, stack):
    """`stack.append(value)` as a statement (one argument): a save on the tape."""
    method = method_statement(stmt)
    return method is not None and method[:2] == (stack, "append") and len(method[2].args) == 1


def is_pop(stmt, stack):
    """`target = stack.pop()` (no index): a restore off the tape."""
    value = getattr(stmt, "value", None)
    return (
        isinstance(stmt, ast.Assign)
        and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "pop"
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == stack
        and not value.args
        and not value.keywords
    )

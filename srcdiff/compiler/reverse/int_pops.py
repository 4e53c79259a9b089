"""Integers popped off the tape are declared: `k: int = _stack.pop()`.

Hessians differentiate generated code again (forward over reverse), and there a value
popped off the tape is of no kind the second pass can see: the push that saved it is in
another function (a helper's forward sweep saves its integer argument, `p(x, k)` called
with a loop counter; its backward sweep pops it). Taken for a differentiated number, its
tangent (a zero) multiplied the partial of `x ** (k - 1)` with respect to the exponent,
`log(x)`: nan at a negative `x`, where `x ** k` and its derivatives are fine.

The first pass knows the kind of each name it saves, so it says so where the value comes
back: a single pop becomes an annotated assignment, and the names of a tuple pop
(reverse/packed.py) get a bare annotation after it. Annotations of locals are not
evaluated, so the code costs what it did; normalize.py reads them in generated code
(`srcdiff_ints` on the function), and analysis.py gives those names the kind int: no
tangent, nothing differentiated through them.
"""

from __future__ import annotations

import ast

from .common import is_pop


def declare_int_pops(stmts, stack, ints):
    """`stmts` with each pop of `stack` into names among `ints` (proven integers, no
    derivative) declared `int`: nested blocks too."""
    if not ints:
        return stmts
    out = []
    for stmt in stmts:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(stmt, field, declare_int_pops(block, stack, ints))
        out += _declared(stmt, stack, ints)
    return out


def _declared(stmt, stack, ints):
    if not is_pop(stmt, stack):
        return [stmt]
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        if target.id not in ints:
            return [stmt]
        ann = ast.AnnAssign(target=target, annotation=_int(), value=stmt.value, simple=1)
        skip = {*stmt._fields, *ann._fields}  # (keep what emit reads: srcline, section)
        ann.__dict__.update({k: v for k, v in stmt.__dict__.items() if k not in skip})
        return [ast.copy_location(ann, stmt)]
    names = [e.id for e in getattr(target, "elts", ()) if isinstance(e, ast.Name)]
    return [stmt] + [
        ast.copy_location(
            ast.AnnAssign(target=ast.Name(id=n, ctx=ast.Store()), annotation=_int(), simple=1),
            stmt,
        )
        for n in names
        if n in ints
    ]


def _int():
    return ast.Name(id="int", ctx=ast.Load())

"""Values popped off the tape that the first pass does not differentiate are declared:
`k: int = _stack.pop()`, `c: float = _stack.pop()`, `e: np.ndarray = _stack.pop()`.

Hessians differentiate generated code again (forward over reverse), and there a value
popped off the tape is of no kind the second pass can see: the push that saved it is in
another function (a helper's forward sweep saves its argument, `p(x, k)` called with a
loop counter, a float exponent, `np.arange(n)`; its backward sweep pops it). Taken for a
differentiated value, its tangent (a zero) multiplied the partial of `x ** (k - 1)` with
respect to the exponent, `log(x)`: nan at a negative `x`, where `x ** k` and its
derivatives are fine.

The first pass knows the kind and activity of each name it saves, so it says so where
the value comes back: a single pop becomes an annotated assignment, and the names of a
tuple pop (reverse/packed.py) get a bare annotation after it. Integers are declared
`int`; other numbers, arrays and sequences that do not depend on the inputs
differentiated are declared by their kind (`float`, `int | float` where the number may
be a Python int, `np.ndarray`, `tuple | list`), and so are a replayed branch's flag
(`bool`), a reversed loop's saved range (`range`; taken for a differentiated value, its
indices were, and `ks[j]` was refused) and its trip counter (`int`). Since the
Hessian's second pass differentiates with respect to the gradient's own inputs
(srcdiff differentiates no derivative otherwise), what the first pass did not
differentiate has no derivative there either. Annotations of locals are not evaluated,
so the code costs what it did; normalize.py reads them in generated code
(`srcdiff_ints`, `srcdiff_constants` on the function), and analysis.py gives those
names no tangent (the integers kind int).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping

from ..analysis import ARRAY, INT, LIST, SCALAR, SEQ, SEQ2
from .common import is_pop

#: An annotation's text -> a fresh node of it, per declared name
Declared = Mapping[str, Callable[[], ast.expr]]


def declarations(
    kinds: Mapping[str, str | None],
    constant: Collection[str],
    maybe_int: Collection[str],
    headers: Mapping[str, str],
    numpy: Callable[[], str],
) -> dict[str, Callable[[], ast.expr]]:
    """The annotation of each name that has no derivative: integers by kind, the numbers,
    arrays and sequences among `constant` (not differentiated), and the branch flags,
    saved ranges and trip counters of `headers` (IR.header_kinds: "bool", "range",
    "int"); `numpy()` binds NumPy."""
    out: dict[str, Callable[[], ast.expr]] = {}
    for name, kind in kinds.items():
        if kind == INT:
            out[name] = _named("int")
        elif name not in constant:
            continue
        elif kind == SCALAR:
            out[name] = _either("int", "float") if name in maybe_int else _named("float")
        elif kind == ARRAY:
            out[name] = _ndarray(numpy)
        elif kind in (SEQ, SEQ2, LIST):
            out[name] = _either("tuple", "list")
    out.update((name, _named(kind)) for name, kind in headers.items())
    return out


def declare_int_pops(stmts, stacks: Collection[str], declared: Declared):
    """`stmts` with each pop of one of `stacks` into names of `declared` annotated as it
    says: nested blocks too."""
    if not declared:
        return stmts
    out = []
    for stmt in stmts:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(stmt, field, declare_int_pops(block, stacks, declared))
        out += _declared(stmt, stacks, declared)
    return out


def _declared(stmt, stacks, declared):
    if not any(is_pop(stmt, stack) for stack in stacks):
        return [stmt]
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        if target.id not in declared:
            return [stmt]
        ann = ast.AnnAssign(
            target=target, annotation=declared[target.id](), value=stmt.value, simple=1
        )
        skip = {*stmt._fields, *ann._fields}  # (keep what emit reads: srcline, section)
        ann.__dict__.update({k: v for k, v in stmt.__dict__.items() if k not in skip})
        return [ast.copy_location(ann, stmt)]
    names = [e.id for e in getattr(target, "elts", ()) if isinstance(e, ast.Name)]
    return [stmt] + [
        ast.copy_location(
            ast.AnnAssign(
                target=ast.Name(id=n, ctx=ast.Store()), annotation=declared[n](), simple=1
            ),
            stmt,
        )
        for n in names
        if n in declared
    ]


def _named(name):
    return lambda: ast.Name(id=name, ctx=ast.Load())


def _either(a, b):
    return lambda: ast.BinOp(left=_named(a)(), op=ast.BitOr(), right=_named(b)())


def _ndarray(numpy):
    return lambda: ast.Attribute(value=_named(numpy())(), attr="ndarray", ctx=ast.Load())

"""A container result read where it is made: `split(x)["lo"]`, `pair(x).hi`, `step(s)[0]`.

    lo = lo + split(hi, w)["lo"]     ->     t1, t2 = split(hi, w)
                                            lo = lo + t1

flatcalls.py's `_Results` turns `r = split(...)` into the leaves of the helper's flat
view; a read of one field of the call itself would otherwise keep the container (which
generated code can't differentiate through).  The flat view's call is bound first, to
the leaves, and the read becomes the leaf's name (a constant leaf: the constant).

Only where the hoisting keeps Python's order of evaluation: at the statement's level (not
inside a conditional expression, `and`/`or`, a comprehension or a lambda), and only when
no other call of a user function in the statement could have run before it.  Only for
results whose structure is one level of leaves (a dict, tuple, NamedTuple or dataclass of
values) read by a constant key, index or field.  Anything else is left as it was.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..errors import SrcDiffError
from .astutil import walk, walk_outside
from .results import COMPUTED, result_tree

# not evaluated unconditionally, or not in the statement's own order
_OPAQUE: tuple[type, ...] = (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.SetComp)
_OPAQUE += (ast.DictComp, ast.GeneratorExp, ast.NamedExpr)


def hoist_result_reads(
    stmt: ast.stmt, ask: Callable, numbered: Callable[[str], str], flat: Callable
) -> list[ast.stmt] | None:
    """[`t1, t2 = helper_flat(...)`, ..., stmt with the reads replaced], or None if
    `stmt` reads no container result where it is made (or can't be rewritten safely).
    `flat(call)` is the call of the helper's flat view returning the result's leaves (a
    tuple of them, or the one), or None."""
    if not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Return, ast.Expr)):
        return None
    if stmt.value is None:
        return None
    reads = [n for n in _visible(stmt.value) if _read_of_call(n) is not None]
    if not reads:
        return None
    calls = {id(_read_of_call(n)[0]) for n in reads}
    helpers = [n for n in _visible(stmt.value) if isinstance(n, ast.Call) and _user(n, ask)]
    if {id(h) for h in helpers} != calls or len(calls) != len(reads):
        return None  # another user call could run before one bound first
    if any(isinstance(n, ast.Call) and _user(n, ask) for r in reads for n in _args_of(r)):
        return None  # a user call inside another's arguments
    reads.sort(key=lambda n: (n.lineno, n.col_offset))  # the order Python calls them
    binds = []
    for node in reads:
        call, key, attribute = _read_of_call(node)
        leaf = _leaf_index(call, key, attribute, ask)
        if leaf is None:
            return None
        made = flat(call)  # (also for a constant leaf: the helper still runs)
        if made is None:
            return None
        binds.append((node, made, leaf))
    out = []
    for node, call, (index, count, constant) in binds:
        temps = [numbered("t") for _ in range(count)]
        if constant is COMPUTED:
            _replace(stmt, node, ast.Name(id=temps[index], ctx=ast.Load()))
        else:
            _replace(stmt, node, ast.Constant(constant))
        stores: list[ast.expr] = [ast.Name(id=t, ctx=ast.Store()) for t in temps]
        target = stores[0] if count == 1 else ast.Tuple(elts=stores, ctx=ast.Store())
        bind = ast.copy_location(ast.Assign(targets=[target], value=call), stmt)
        out.append(ast.fix_missing_locations(bind))
    return out + [stmt]


def reads_a_result(tree: ast.AST) -> bool:
    """Does `tree` read a field of a call's result anywhere (`f(x)[k]`, `f(x).a`)?  One
    walk of the function, where none does, saves `hoist_result_reads` a walk of each
    statement."""
    for node in walk(tree):
        kind = node.__class__
        if (kind is ast.Subscript or kind is ast.Attribute) and node.value.__class__ is ast.Call:
            return True
    return False


def _args_of(read):
    call = _read_of_call(read)[0]
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        yield from ast.walk(arg)


def _visible(node):
    """The nodes of an expression evaluated unconditionally, in no particular order."""
    return walk_outside(node, _OPAQUE)


def _read_of_call(node):
    """(the call, the key, read as an attribute?) of `call[constant]` or `call.field`,
    else None."""
    if not isinstance(getattr(node, "ctx", None), ast.Load):
        return None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call):
        key = node.slice
        if isinstance(key, ast.Constant) and type(key.value) in (str, int):
            return node.value, key.value, False
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
        return node.value, node.attr, True
    return None


def _user(call, ask):
    return bool(ask(call.func, "function"))


def _leaf_index(call, key, attribute, ask):
    """(position among the computed leaves, how many, COMPUTED or the constant) of the
    result's field `key`, for a result of one level of leaves; else None."""
    helper = ask(call.func, "identity")
    try:
        result = result_tree(helper)
    except SrcDiffError:
        return None
    if result is None or result.computed == 0:
        return None
    td = result.treedef
    if not all(c.is_leaf for c in td.children):
        return None
    n = len(td.children)
    if attribute:
        at = list(td.keys).index(key) if td.by_attribute and key in td.keys else None
    elif isinstance(key, int) and td.by_position:
        at = key % n if -n <= key < n else None
    elif td.kind is dict:
        found = [i for i, k in enumerate(td.keys) if k == key and type(k) is type(key)]
        at = found[0] if found else None
    else:
        at = None
    if at is None:
        return None
    index = sum(c is COMPUTED for c in result.constants[:at])
    return index, result.computed, result.constants[at]


def _replace(stmt, old, new):
    for parent in ast.walk(stmt):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, ast.copy_location(new, old))
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = ast.copy_location(new, old)
                        return

"""Folds across the whole of a straight-line gradient, where each sweep's own folding
(optimize.fold_single_use) stops.

A gradient without loops or branches is one block: a forward-sweep temporary read
once, by the backward sweep (`t9 = 1.0 - p + eps` for `dp = ... / t9`), can be
computed where it is read; a cotangent whose first contribution is read only by the
second (`dp = a; dp = dp - b`) is that sum (`dp = a - b`); a single-use value may go
into an augmented or element assignment's value (`dx[:-1] += -2.0 * t8`), which is
computed before anything is stored; and an array gradient made by one operation on
names (`dW2 = h.T @ dlogits`) may be written in the `return`, as a person writes it.

Each fold moves an expression, unchanged, to its one reader: made only where nothing
between them stores into a name it reads, and no statement between changes arrays in
place (an element or augmented assignment, a call statement, which may change a view
of what it reads).  Values are the same bits: no arithmetic is rewritten.
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Collection

from .aliasing import PURE_METHODS
from .astutil import replace_reads, walk
from .optimize import stored_names
from .templates import simplify, simplify_value

_STRAIGHT = (ast.Assign, ast.AugAssign, ast.Expr, ast.Return)

# The most nodes (as astutil.walk counts them) a statement may have after a fold.  A
# cotangent with a contribution from each of n statements (`dy = -1.0 - da6 - ... -
# da1`) would otherwise become one sum n operators deep: past Python's recursion limit
# in the passes that follow, in `ast.unparse` and `compile()` (and in a transformation
# of the generated code), at 1,000 statements, and re-simplified whole at each fold
# (quadratic).  The goldens' largest folded statement has 38.
_MAX_NODES = 128


def fold_straight_line(
    body: list[ast.stmt],
    candidates: Collection[str],
    pure_names: Collection[str],
    int_names: Collection[str] = frozenset(),
    returned: Collection[str] = frozenset(),
    params: Collection[str] = (),
    prototypes: tuple | None = None,
) -> list[ast.stmt]:
    """`body` with single-use values of `candidates` folded into their reader, or
    `body` as it is where it isn't straight-line.  `returned`: names whose single-use
    value may be written in the `return` (array gradients); `pure_names`: modules and
    functions whose calls change nothing; `params`: the function's parameters (a
    temporary holding a constant slice of one is written as that slice); `prototypes`:
    (same_shape(a, b), numpy names, removable names) where an array made only for its
    shape (`np.zeros_like(log_probs)`) may take it from another (`_prototypes`)."""
    if not all(isinstance(stmt, _STRAIGHT) for stmt in body):
        return body
    body = _inline_views(body, set(candidates), set(params))
    if prototypes is not None:
        body = _prototypes(body, set(params), *prototypes)
    folder = _Folder(set(candidates), set(pure_names), int_names, set(returned))
    for _ in range(3):  # (a fold can make another value single-use; rarely more than 2)
        body, changed = folder.run(body)
        if not changed:
            break
    return body


class _Folder:
    def __init__(self, candidates, pure_names, int_names, returned):
        self.candidates, self.pure_names = candidates, pure_names
        self.int_names, self.returned = int_names, returned

    def run(self, body):
        mentions, stores, barriers = self.index(body)
        out = list(body)
        folded = set()
        for i, stmt in enumerate(out):
            name = self.definition(stmt)
            if name is None or i in folded:
                continue
            positions = mentions[name]
            k = bisect.bisect_right(positions, i)
            if k == len(positions):
                continue
            j = positions[k]
            reader = out[j]
            if j in folded or not self.may_read(reader, name, stmt.value):
                continue
            redefines = name in _bound_names(reader)
            if not redefines and k + 1 < len(positions):
                continue  # read again later: not single-use
            if _between(barriers, i, j) or any(
                _between(stores.get(n, []), i, j) for n in _loads(stmt.value)
            ):
                continue
            if len(walk(reader)) + len(walk(stmt.value)) > _MAX_NODES:
                continue  # (a chain of folds would make one expression of the whole body)
            replace_reads(reader, {name: stmt.value})
            self.tidy(reader)
            folded.add(i)
        return [stmt for pos, stmt in enumerate(out) if pos not in folded], bool(folded)

    def index(self, body):
        mentions: dict[str, list[int]] = {}
        stores: dict[str, list[int]] = {}
        barriers = []
        for pos, stmt in enumerate(body):
            for n in walk(stmt):
                if isinstance(n, ast.Name):
                    positions = mentions.setdefault(n.id, [])
                    if not positions or positions[-1] != pos:
                        positions.append(pos)
            for name in stored_names(stmt):
                stores.setdefault(name, []).append(pos)
            if self.barrier(stmt):
                barriers.append(pos)
        return mentions, stores, barriers

    def definition(self, stmt):
        """The candidate a plain `name = pure expression` defines, else None."""
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            return None
        target = stmt.targets[0]
        if not isinstance(target, ast.Name) or target.id not in self.candidates:
            return None
        return target.id if self.pure(stmt.value) else None

    def may_read(self, reader, name, value):
        """Whether `value` may replace the one read of `name` in `reader`: read once, in
        its value (not in a target), and in a `return` only for a returned array made by
        one operation on names."""
        if isinstance(reader, ast.Return):
            if name not in self.returned or not _one_operation(value):
                return False
        elif not isinstance(reader, (ast.Assign, ast.AugAssign, ast.Expr)):
            return False
        targets = getattr(reader, "targets", None) or [getattr(reader, "target", None)]
        if any(t is not None and name in _loads(t) for t in targets):
            return False
        if isinstance(reader, ast.AugAssign) and isinstance(reader.target, ast.Name):
            if reader.target.id == name:
                return False
        reads = [n for n in walk(reader.value) if isinstance(n, ast.Name) and n.id == name]
        if len(reads) != 1:
            return False
        return not any(  # `np.full_like(X @ w + b, 1.0)`: computed for its shape only
            _like_read(n, name) for n in walk(reader.value) if isinstance(n, ast.Call)
        )

    def barrier(self, stmt):
        """A statement no expression moves across: anything but `names = pure value`."""
        if isinstance(stmt, ast.Assign):
            plain = all(isinstance(t, (ast.Name, ast.Tuple)) for t in stmt.targets)
            return not (plain and self.pure(stmt.value))
        return not isinstance(stmt, ast.Return)

    def pure(self, expr):
        """No side effect: calls only of pure modules' functions and array methods that
        change nothing (`x.sum()`, `x.T`)."""
        for node in walk(expr):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in self.pure_names:
                    continue
                if isinstance(func, ast.Attribute):
                    if func.attr in PURE_METHODS:
                        continue
                    if isinstance(func.value, ast.Name) and func.value.id in self.pure_names:
                        continue
                return False
            elif isinstance(node, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)):
                return False
        return True

    def tidy(self, reader):
        if not isinstance(reader, ast.Assign):
            return
        lhs = reader.targets[0]
        user = isinstance(lhs, ast.Name) and lhs.id not in self.candidates
        tidy = simplify_value if user else simplify  # (`y = x * 1.0` keeps y a copy)
        reader.value = tidy(reader.value, self.int_names)


_LIKE = frozenset({"zeros_like", "ones_like", "full_like", "empty_like"})


def _prototypes(body, params, same_shape, numpy_names, removable):
    """`np.zeros_like(a)` (`ones_like`, `full_like`, `empty_like`) reads only a's shape
    and dtype: where `same_shape(a, b)` (the same shape token, both float64 arrays) for a
    parameter b, or a name b assigned once before and read again at or after this
    statement, b is read instead; an `a` then read by nothing is not computed
    (`log_probs` in the MLP, kept only for the shape of its cotangent's zeros)."""
    defined, last = {}, {}
    for pos, stmt in enumerate(body):
        for n in walk(stmt):
            if isinstance(n, ast.Name):
                last[n.id] = pos
        for name in stored_names(stmt):
            defined[name] = pos if name not in defined else None
    changed = set()
    for pos, stmt in enumerate(body):
        for node in walk(stmt):
            if not _like_call(node, numpy_names):
                continue
            a = node.args[0].id
            pool = [(-1, b) for b in params if b not in defined] + [
                (d, b) for b, d in defined.items() if d is not None and d < pos <= last[b]
            ]
            chosen = next((b for _, b in sorted(pool) if b != a and same_shape(a, b)), None)
            if chosen is not None:
                node.args[0] = ast.copy_location(ast.Name(id=chosen, ctx=ast.Load()), node.args[0])
                changed.add(a)
    return _drop_unread(body, changed & removable, numpy_names) if changed else body


def _like_call(node, numpy_names):
    func = getattr(node, "func", None)
    return (
        isinstance(node, ast.Call)
        and isinstance(func, ast.Attribute)
        and func.attr in _LIKE
        and isinstance(func.value, ast.Name)
        and func.value.id in numpy_names
        and node.args
        and isinstance(node.args[0], ast.Name)
    )


def _drop_unread(body, names, numpy_names):
    """`body` without the plain assignments of `names` that nothing reads (repeated:
    dropping one may leave what it read unread), where their values are pure."""
    while True:
        read = set().union(*(_loads(stmt) for stmt in body))
        dead = [
            stmt
            for stmt in body
            if isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id in names
            and stmt.targets[0].id not in read
            and all(
                _numpy_call(n, numpy_names) for n in walk(stmt.value) if isinstance(n, ast.Call)
            )
        ]
        if not dead:
            return body
        body = [stmt for stmt in body if not any(stmt is d for d in dead)]


def _numpy_call(call, numpy_names):
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in numpy_names
    )


def _inline_views(body, candidates, params):
    """`t2 = x[:-1]` of a parameter nothing stores into, with a constant index: each
    read of the temporary `t2` becomes `x[:-1]` again, as the user wrote it (a view,
    made afresh at no cost, with the same elements wherever it is read)."""
    stored = set().union(*(stored_names(stmt) for stmt in body)) if body else set()
    views = {}
    for stmt in body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id in candidates
            and _constant_slice_of(stmt.value, params - stored)
        ):
            views[stmt.targets[0].id] = stmt
    counts: dict[str, int] = {}
    for stmt in body:
        for name in stored_names(stmt):
            counts[name] = counts.get(name, 0) + 1
    views = {name: stmt for name, stmt in views.items() if counts.get(name) == 1}
    if not views:
        return body
    mapping = {name: stmt.value for name, stmt in views.items()}
    kept = [stmt for stmt in body if not any(stmt is v for v in views.values())]
    return [replace_reads(stmt, mapping) for stmt in kept]


def _constant_slice_of(value, params):
    """`x[1:]`, `x[:-1]`, `x[2]`, `x[1:, 0]`: a subscript of a parameter in `params` by
    constants only."""
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)):
        return False
    if value.value.id not in params:
        return False
    return all(
        isinstance(n, (ast.Slice, ast.Tuple, ast.Constant, ast.UnaryOp, ast.USub, ast.Load))
        for n in ast.walk(value.slice)
    )


def _like_read(call, name):
    """Is `call` `something_like(name, ...)`, which reads only name's shape and dtype?"""
    func = call.func
    attr = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = call.args[0] if call.args else None
    return attr.endswith("_like") and isinstance(first, ast.Name) and first.id == name


def _loads(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_names(stmt):
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    return {
        n.id
        for t in targets
        if t is not None
        for n in walk(t)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _between(positions, i, j):
    k = bisect.bisect_right(positions, i)
    return k < len(positions) and positions[k] < j


_OPERANDS = (ast.Name, ast.Attribute, ast.Constant)


def _one_operation(value):
    """`h.T @ g`, `g.sum(axis=0)`, `np.outer(x, g)`: one operation whose operands are
    names, attributes of names and constants."""
    if isinstance(value, ast.BinOp):
        parts = [value.left, value.right]
    elif isinstance(value, ast.Call):
        func = value.func
        parts = list(value.args) + [k.value for k in value.keywords]
        if isinstance(func, ast.Attribute):
            parts.append(func.value)
    else:
        return False
    return all(isinstance(p, _OPERANDS) for p in parts)

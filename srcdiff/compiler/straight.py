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
from typing import NamedTuple

from .aliasing import PURE_METHODS
from .astutil import replace_one_read, replace_reads, walk
from .namefacts import MUTATORS, Facts, NameFacts, changed_through
from .templates import FOLD_STARTS, may_fold_at, simplify, simplify_value

_STRAIGHT = (ast.Assign, ast.AugAssign, ast.Expr, ast.Return)

# The most nodes (as astutil.walk counts them) a statement may have after a fold.  A
# cotangent with a contribution from each of n statements (`dy = -1.0 - da6 - ... -
# da1`) would otherwise become one sum n operators deep: past Python's recursion limit
# in the passes that follow, in `ast.unparse` and `compile()` (and in a transformation
# of the generated code), at 1,000 statements, and re-simplified whole at each fold
# (quadratic); each fold copies and re-simplifies its reader, so the cap bounds a fold's
# cost too.  The goldens' largest folded statement has 38 nodes (64 is a line of about
# 30 terms).
_MAX_NODES = 64


def fold_straight_line(
    body: list[ast.stmt],
    candidates: Collection[str],
    pure_names: Collection[str],
    int_names: Collection[str] = frozenset(),
    returned: Collection[str] = frozenset(),
    params: Collection[str] = (),
    prototypes: tuple | None = None,
    names: NameFacts | None = None,
) -> list[ast.stmt]:
    """`body` with single-use values of `candidates` folded into their reader, or
    `body` as it is where it isn't straight-line.  `returned`: names whose single-use
    value may be written in the `return` (array gradients); `pure_names`: modules and
    functions whose calls change nothing; `params`: the function's parameters (a
    temporary holding a constant slice of one is written as that slice); `prototypes`:
    (same_shape(a, b), numpy names, removable names) where an array made only for its
    shape (`np.zeros_like(log_probs)`) may take it from another (`_prototypes`);
    `names`: the facts the passes before found (namefacts.py), read instead of a walk
    where they are remembered, and forgotten where a fold changes a statement."""
    if not all(isinstance(stmt, _STRAIGHT) for stmt in body):
        return body
    pure_names = set(pure_names)
    infos = _Infos(pure_names, names)
    body = _inline_views(body, set(candidates), set(params), infos)
    if prototypes is not None:
        same_shape, numpy_names, removable = prototypes
        body = _prototypes(body, set(params), same_shape, numpy_names, removable, infos)
    folder = _Folder(set(candidates), infos, int_names, set(returned))
    for _ in range(3):  # (a fold can make another value single-use; rarely more than 2)
        body, changed = folder.run(body)
        if not changed:
            break
    return body


class _Info(NamedTuple):
    """What the folds ask of one statement, from two walks (the statement's and its
    value's), remembered until the statement changes: each of the three rounds of
    folding, and the passes before them, asked it of every statement with walks of
    their own."""

    mentioned: set[str]  # every name it mentions
    changed: set[str]  # what it stores, stores into or changes (optimize.stored_names)
    loads: set[str]  # what it reads
    size: int  # its nodes, as astutil.walk counts them
    pure: bool  # its value calls nothing that may change anything
    value_names: dict[str, int]  # name -> how often its value mentions it
    value_loads: set[str]  # what its value reads
    value_size: int
    like_reads: set[str]  # names its value reads only for shape (`np.zeros_like(a)`)
    value_changed: set[str]  # what its value changes (its part of `changed`)
    may_fold: bool  # whether `simplify` may change its value (templates._may_fold)


class _Infos:
    """`_Info`s by statement (keyed by the node, which keeps it alive), made from the
    facts the passes before found where they remember them (`names`), else walked."""

    def __init__(self, pure_names, names=None):
        self.pure_names = pure_names
        self.memo: dict[ast.AST, _Info] = {}
        self.names = names

    def of(self, stmt) -> _Info:
        info = self.memo.get(stmt)
        if info is None:
            facts = self.names.remembered(stmt) if self.names is not None else None
            if facts is not None and not facts.scoped:
                info = self._from_facts(stmt, facts)
            if info is None:
                info = self._find(stmt)
            self.memo[stmt] = info
        return info

    def forget(self, stmt) -> None:
        self.memo.pop(stmt, None)
        if self.names is not None:
            self.names.forget(stmt)

    def forget_all(self) -> None:
        self.memo.clear()
        if self.names is not None:
            self.names.forget_all()

    def remember(self, stmt, info) -> None:
        self.memo[stmt] = info
        if self.names is not None:
            self.names.forget(stmt)

    def _from_facts(self, stmt, facts: Facts) -> _Info | None:
        """What `_find` would find, from a statement's namefacts.Facts, for `name =
        value`, `return value` and a bare expression holding no scope, walrus or yield
        (so its value stores nothing): None for other statements."""
        kind = stmt.__class__
        if kind is ast.Assign:
            targets = stmt.targets
            if len(targets) != 1 or targets[0].__class__ is not ast.Name:
                return None
            value_names = dict(facts.loads)
            value_size = facts.size - 2
        elif kind is ast.Return or kind is ast.Expr:
            value_names = dict(facts.loads)
            value_size = facts.size - 1
        else:
            return None
        pure = True
        like, value_changed = set(), set()
        pure_call = self._pure_call
        for call in facts.calls:
            pure = pure and pure_call(call)
            first = call.args[0] if call.args else None
            if _like_name(call.func) and isinstance(first, ast.Name):
                like.add(first.id)
            target = changed_through(call)
            if target is not None:
                value_changed.add(target)
        value_loads = set(value_names)
        return _Info(
            facts.mentioned,
            facts.changed,
            value_loads,
            facts.size,
            pure,
            value_names,
            value_loads,
            value_size,
            like,
            value_changed,
            facts.may_fold,
        )

    def _find(self, stmt):
        """One walk of the statement's value (and of its targets, unless a name): what
        namefacts.facts_of(stmt) and a walk of each would find."""
        value = getattr(stmt, "value", None)
        nodes = walk(value) if value is not None else []
        names: dict[str, int] = {}
        loads, like, changed = set(), set(), set()
        pure = True
        may_fold = False
        name_kind, load, store = ast.Name, ast.Load, ast.Store
        for node in nodes:
            kind = node.__class__
            if kind is name_kind:  # (most nodes)
                name = node.id
                names[name] = names.get(name, 0) + 1
                ctx = node.ctx.__class__
                if ctx is load:
                    loads.add(name)
                elif ctx is store:
                    changed.add(name)
                continue
            if not may_fold and kind in FOLD_STARTS:
                may_fold = may_fold_at(node)
            if kind is ast.Call:
                pure = pure and self._pure_call(node)
                func = node.func
                first = node.args[0] if node.args else None
                if _like_name(func) and isinstance(first, ast.Name):
                    like.add(first.id)
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr in MUTATORS
                    and isinstance(func.value, ast.Name)
                ):
                    changed.add(func.value.id)
            elif kind in _IMPURE:
                pure = False
            elif kind in (ast.Subscript, ast.Attribute) and isinstance(node.ctx, ast.Store):
                _changed_in([node], changed)
        value_loads = set(loads)
        value_changed = set(changed)
        mentioned = set(names)
        targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
        size = 1 + len(nodes)
        for target in targets:
            if target is None:
                continue
            if target.__class__ is ast.Name:  # (most are)
                target_nodes = [target]
            else:
                target_nodes = walk(target)
            size += len(target_nodes)
            _changed_in(target_nodes, changed)
            for node in target_nodes:
                if node.__class__ is ast.Name:
                    mentioned.add(node.id)
                    if node.ctx.__class__ is ast.Load:
                        loads.add(node.id)
        return _Info(
            mentioned,
            changed,
            loads,
            size,
            pure,
            names,
            value_loads,
            len(nodes),
            like,
            value_changed,
            may_fold,
        )

    def _pure_call(self, node):
        """Calls only of pure modules' functions and array methods that change nothing
        (`x.sum()`, `x.T`)."""
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in self.pure_names
        if isinstance(func, ast.Attribute):
            if func.attr in PURE_METHODS:
                return True
            return isinstance(func.value, ast.Name) and func.value.id in self.pure_names
        return False


_IMPURE = (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)


def _changed_in(nodes, changed):
    """Add to `changed` the names `nodes` store, store into or change by a list method,
    as namefacts.facts_of finds them."""
    for node in nodes:
        kind = node.__class__
        if kind is ast.Name:
            if node.ctx.__class__ is ast.Store:
                changed.add(node.id)
        elif kind is ast.Call or kind is ast.Subscript or kind is ast.Attribute:
            target = changed_through(node)
            if target is not None:
                changed.add(target)


def _like_name(func):
    attr = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return attr.endswith("_like")


class _Folder:
    def __init__(self, candidates, infos, int_names, returned):
        self.candidates, self.infos = candidates, infos
        self.int_names, self.returned = int_names, returned

    def run(self, body):
        mentions, stores, barriers = self.index(body)
        out = list(body)
        folded = set()
        infos = self.infos
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
            if j in folded:
                continue
            # (the tests in order of cost; each is a condition of the fold, none changes
            # anything)
            redefines = name in _bound_names(reader)
            if not redefines and k + 1 < len(positions):
                continue  # read again later: not single-use
            if not self.may_read(reader, name, stmt.value):
                continue
            info = infos.of(stmt)
            if infos.of(reader).size + info.value_size > _MAX_NODES:
                continue  # (a chain of folds would make one expression of the whole body)
            if _between(barriers, i, j) or any(
                _between(stores.get(n, []), i, j) for n in info.value_loads
            ):
                continue
            self.fold(reader, name, stmt.value, info, redefines)
            folded.add(i)
        return [stmt for pos, stmt in enumerate(out) if pos not in folded], bool(folded)

    def fold(self, reader, name, value, info, redefines):
        """`value` (of a statement with `info`, which goes) moved into `reader` in place
        of its one read of `name`, and `reader` tidied where a fold may start.  The
        reader's info is then what `_Infos._find` would find, made from the two infos
        without walking the grown reader: only the operation holding the read, and the
        one above it, have new operands (a fold's test reads no deeper)."""
        before = self.infos.of(reader)
        parent, above = replace_one_read(reader, name, value)
        if parent.__class__ is ast.Attribute or (
            parent.__class__ is ast.Call and parent.func is value
        ):  # (a method or a function read: what changes and what is pure may differ)
            after = None
        else:
            after = _merged(before, info, name, redefines)
        starts = after is None or (
            after.may_fold or may_fold_at(parent) or (above is not None and may_fold_at(above))
        )
        if after is None or (starts and isinstance(reader, ast.Assign)):
            self.tidy(reader)
            self.infos.forget(reader)
        else:
            self.infos.remember(reader, after._replace(may_fold=starts))

    def index(self, body):
        mentions: dict[str, list[int]] = {}
        stores: dict[str, list[int]] = {}
        barriers = []
        candidates = self.candidates  # (only a candidate's mentions are asked for)
        for pos, stmt in enumerate(body):
            info = self.infos.of(stmt)
            for name in info.mentioned:
                if name in candidates:
                    mentions.setdefault(name, []).append(pos)
            for name in info.changed:
                stores.setdefault(name, []).append(pos)
            if self.barrier(stmt, info):
                barriers.append(pos)
        return mentions, stores, barriers

    def definition(self, stmt):
        """The candidate a plain `name = pure expression` defines, else None."""
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            return None
        target = stmt.targets[0]
        if not isinstance(target, ast.Name) or target.id not in self.candidates:
            return None
        return target.id if self.infos.of(stmt).pure else None

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
        if any(
            t is not None and t.__class__ is not ast.Name and name in _loads(t) for t in targets
        ):
            return False  # (a plain name target reads nothing)
        if isinstance(reader, ast.AugAssign) and isinstance(reader.target, ast.Name):
            if reader.target.id == name:
                return False
        info = self.infos.of(reader)
        if info.value_names.get(name) != 1:
            return False
        # `np.full_like(X @ w + b, 1.0)`: computed for its shape only
        return name not in info.like_reads

    def barrier(self, stmt, info):
        """A statement no expression moves across: anything but `names = pure value`."""
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
            if len(targets) == 1:  # (nearly every assignment: no generator to make)
                plain = isinstance(targets[0], (ast.Name, ast.Tuple))
            else:
                plain = all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets)
            return not (plain and info.pure)
        return not isinstance(stmt, ast.Return)

    def tidy(self, reader):
        if not isinstance(reader, ast.Assign):
            return
        lhs = reader.targets[0]
        user = isinstance(lhs, ast.Name) and lhs.id not in self.candidates
        tidy = simplify_value if user else simplify  # (`y = x * 1.0` keeps y a copy)
        reader.value = tidy(reader.value, self.int_names)


_LIKE = frozenset({"zeros_like", "ones_like", "full_like", "empty_like"})


def _prototypes(body, params, same_shape, numpy_names, removable, infos):
    """`np.zeros_like(a)` (`ones_like`, `full_like`, `empty_like`) reads only a's shape
    and dtype: where `same_shape(a, b)` (the same shape token, both float64 arrays) for a
    parameter b, or a name b assigned once before and read again at or after this
    statement, b is read instead; an `a` then read by nothing is not computed
    (`log_probs` in the MLP, kept only for the shape of its cotangent's zeros)."""
    calling = [  # (a call `np.zeros_like(a)` mentions np)
        pos for pos, stmt in enumerate(body) if not infos.of(stmt).mentioned.isdisjoint(numpy_names)
    ]
    if not calling:
        return body
    defined, last = {}, {}
    for pos, stmt in enumerate(body):
        info = infos.of(stmt)
        for name in info.mentioned:
            last[name] = pos
        for name in info.changed:
            defined[name] = pos if name not in defined else None
    changed = set()
    for pos in calling:
        stmt = body[pos]
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
                infos.forget(stmt)
    return _drop_unread(body, changed & removable, numpy_names, infos) if changed else body


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


def _drop_unread(body, names, numpy_names, infos):
    """`body` without the plain assignments of `names` that nothing reads (repeated:
    dropping one may leave what it read unread), where their values are pure."""
    while True:
        read = set().union(*(infos.of(stmt).loads for stmt in body))
        dead = [
            stmt
            for stmt in body
            if _plain_target(stmt) in names
            and stmt.targets[0].id not in read
            and all(
                _numpy_call(n, numpy_names) for n in walk(stmt.value) if isinstance(n, ast.Call)
            )
        ]
        if not dead:
            return body
        body = [stmt for stmt in body if not any(stmt is d for d in dead)]


def _plain_target(stmt):
    """The name `name = value` assigns, else None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            return target.id
    return None


def _numpy_call(call, numpy_names):
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in numpy_names
    )


def _inline_views(body, candidates, params, infos):
    """`t2 = x[:-1]` of a parameter nothing stores into, with a constant index: each
    read of the temporary `t2` becomes `x[:-1]` again, as the user wrote it (a view,
    made afresh at no cost, with the same elements wherever it is read)."""
    sliced = [  # (first the cheap test: most gradients have no such temporary)
        stmt
        for stmt in body
        if _plain_target(stmt) in candidates and _constant_slice_of(stmt.value, params)
    ]
    if not sliced:
        return body
    stored = set().union(*(infos.of(stmt).changed for stmt in body))
    views = {}
    for stmt in sliced:
        if _constant_slice_of(stmt.value, params - stored):
            views[stmt.targets[0].id] = stmt
    counts: dict[str, int] = {}
    for stmt in body:
        for name in infos.of(stmt).changed:
            counts[name] = counts.get(name, 0) + 1
    views = {name: stmt for name, stmt in views.items() if counts.get(name) == 1}
    if not views:
        return body
    mapping = {name: stmt.value for name, stmt in views.items()}
    kept = [stmt for stmt in body if not any(stmt is v for v in views.values())]
    infos.forget_all()  # (the reads are replaced in place)
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


def _loads(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _bound_names(stmt):
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    if len(targets) == 1 and targets[0].__class__ is ast.Name:  # (most statements)
        return {targets[0].id} if targets[0].ctx.__class__ is ast.Store else set()
    return {
        n.id
        for t in targets
        if t is not None
        for n in walk(t)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _merged(reader: _Info, moved: _Info, name: str, redefines: bool) -> _Info:
    """The info of a statement with `reader`'s once its one read of `name` (in its value)
    is the value `moved` describes: a name node less, the value's nodes and names more."""
    value_names = dict(reader.value_names)
    del value_names[name]
    for n, count in moved.value_names.items():
        value_names[n] = value_names.get(n, 0) + count
    value_loads = (reader.value_loads - {name}) | moved.value_loads
    mentioned = set(reader.mentioned)
    if not redefines:
        mentioned.discard(name)
    grown = moved.value_size - 1
    return _Info(
        mentioned | set(moved.value_names),
        reader.changed | moved.value_changed,
        (reader.loads - {name}) | moved.value_loads,
        reader.size + grown,
        reader.pure and moved.pure,
        value_names,
        value_loads,
        reader.value_size + grown,
        reader.like_reads | moved.like_reads,
        reader.value_changed | moved.value_changed,
        reader.may_fold or moved.may_fold,
    )


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

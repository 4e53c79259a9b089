"""Which names a generated statement reads, stores and changes: one walk, remembered.

The passes that tidy a generated function one after the other -- dead-code elimination
of the backward sweep, of the whole function, the counts single-use folding starts
from, and the fold itself -- each asked this of every statement, each with a walk of
its own (issue 11: every stage's cost was its walks).  A `NameFacts` shared by those
passes walks a statement once and answers all of them.

What it remembers is safe to remember: only simple statements, which the passes sharing
it replace rather than change -- except copy propagation, which substitutes into a
statement and then remembers or `forget`s it, and the folds, which change the statement
they fold into in place and then remember what it has become or forget it.  A compound
statement (`if`, `for`) has blocks the passes do rewrite, so its facts are made afresh
each time it is asked about -- from its own expressions and its statements' facts,
not a walk of everything in it (a loop body was walked whole five times).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any, NamedTuple

from .astutil import BLOCK_FIELDS, copy_tree, node_fields, walk
from .templates import FOLD_STARTS, may_fold_at

# list methods that change the list they are called on (`s.append(v)` changes s)
MUTATORS = frozenset({"append", "extend", "pop", "insert", "remove", "clear", "reverse", "sort"})


_INTO = (ast.Subscript, ast.Attribute)


def changed_through(node: ast.AST) -> str | None:
    """The name a call of a list method that changes its list (`xs.append(v)`) or a store
    into an element or attribute (`a[i].b = v`) changes; None for other nodes."""
    if node.__class__ is ast.Call:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in MUTATORS:
            if isinstance(func.value, ast.Name):
                return func.value.id
        return None
    if node.__class__ in _INTO and isinstance(node.ctx, ast.Store):
        base = node.value
        while isinstance(base, _INTO):
            base = base.value
        if isinstance(base, ast.Name):
            return base.id
    return None


class Facts(NamedTuple):
    """The names one statement (or expression) mentions, by what it does with them."""

    loads: dict[str, int]  # name -> how often it is read
    others: dict[str, int]  # name -> how often it is stored or deleted
    reads: set[str]  # what it reads (an augmented assignment reads its target too)
    mentioned: set[str]  # every name it mentions
    changed: set[str]  # assigned, assigned into (`y[i] = v`), changed by a list method
    may_fold: bool  # whether `templates.simplify` may change a part of it (may_fold_at)
    size: int  # its nodes, as astutil.walk counts them
    calls: frozenset[ast.Call]  # its calls (purity and `np.zeros_like(a)` are read there)
    scoped: bool  # it holds a comprehension, lambda, `:=`, yield or await (_SCOPED)


def facts_of(node: ast.AST) -> Facts:
    """The facts of `node`, from one walk (what optimize.py's `_reads`,
    `_mentioned_and_stored` and `name_counts` each found with a walk of their own)."""
    return _facts_from(walk(node), node)


# What stores names, or changes what is evaluated, inside an expression: a statement
# holding one is walked again by a pass that asks about its value alone (straight.py)
_SCOPED = frozenset(
    {
        ast.ListComp,
        ast.SetComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.Lambda,
        ast.NamedExpr,
        ast.Yield,
        ast.YieldFrom,
        ast.Await,
    }
)


def _facts_from(nodes: list[Any], node: ast.AST, size: int | None = None) -> Facts:
    """The facts of `node`, whose nodes (in any order) are `nodes` (`size` of them
    unless given)."""
    loads: dict[str, int] = {}
    others: dict[str, int] = {}
    changed: set[str] = set()
    calls: list[ast.Call] = []
    may_fold = scoped = False
    name, call, load, store = ast.Name, ast.Call, ast.Load, ast.Store
    for n in nodes:
        kind = n.__class__
        if kind is name:
            ctx = n.ctx.__class__
            counted = loads if ctx is load else others
            counted[n.id] = counted.get(n.id, 0) + 1
            if ctx is store:
                changed.add(n.id)
            continue
        if not may_fold and kind in FOLD_STARTS:
            may_fold = may_fold_at(n)
        if kind is call:
            calls.append(n)
        if kind is call or kind in _INTO:
            target = changed_through(n)
            if target is not None:
                changed.add(target)
        elif kind in _SCOPED:
            scoped = True
    reads = set(loads)
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        reads.add(node.target.id)
    size = len(nodes) if size is None else size
    mentioned = set(loads) | set(others)
    found = frozenset(calls) if calls else _NO_CALLS
    return Facts(loads, others, reads, mentioned, changed, may_fold, size, found, scoped)


_NO_CALLS: frozenset[ast.Call] = frozenset()


def substitute_reads(stmt: ast.Assign, mapping: dict[str, ast.expr]) -> Facts:
    """`astutil.replace_reads(stmt.value, mapping)` in place, for `name = value`, and from
    the same walk `stmt`'s facts afterwards (whether `templates.simplify` may change it
    among them): copy propagation substitutes, simplifies and asks the facts of every
    statement, which was three walks of each."""
    nodes: list[Any] = [stmt.targets[0]]
    value: Any = stmt.value
    if _read_of(value, mapping):
        stmt.value = ast.copy_location(copy_tree(mapping[value.id]), value)
        nodes.extend(walk(stmt.value))
    else:
        _replace_into(stmt.value, mapping, nodes)
    return _facts_from(nodes, stmt, len(nodes) + 1)  # (`stmt` itself is not among them)


def _replace_into(root: ast.AST, mapping: dict[str, ast.expr], nodes: list[Any]) -> None:
    """replace_reads' walk below `root` (whose own node is not a read), adding every node
    of the tree it leaves to `nodes`: the ones walked, and those of the copies put in
    (which are not entered)."""
    todo: list[Any] = [root]
    fields_of = node_fields
    for current in todo:  # the list grows as it is read
        for field in fields_of(current.__class__):
            value: Any = getattr(current, field, None)
            if value.__class__ is list:
                for k, item in enumerate(value):
                    if _read_of(item, mapping):
                        value[k] = ast.copy_location(copy_tree(mapping[item.id]), item)
                        nodes.extend(walk(value[k]))
                    elif isinstance(item, ast.AST):
                        todo.append(item)
            elif _read_of(value, mapping):
                new = ast.copy_location(copy_tree(mapping[value.id]), value)
                setattr(current, field, new)
                nodes.extend(walk(new))
            elif isinstance(value, ast.AST):
                todo.append(value)
    nodes.extend(todo)


def _read_of(node: Any, mapping: dict[str, ast.expr]) -> bool:
    return node.__class__ is ast.Name and node.id in mapping and node.ctx.__class__ is ast.Load


def moved_into(reader: Facts, moved: Facts, name: str, may_fold: bool) -> Facts:
    """The facts of a statement with `reader`'s once its one read of `name` is the value
    of `moved` (`name = value`, whose one store of `name` goes with it), and `may_fold`:
    a fold's facts without a walk of the grown statement.  Not for a read that is a
    method's object or a called function, nor one `reader` changes through."""
    loads = dict(reader.loads)
    if loads[name] == 1:
        del loads[name]
    else:
        loads[name] -= 1
    for n, count in moved.loads.items():
        loads[n] = loads.get(n, 0) + count
    others = dict(reader.others)
    for n, count in moved.others.items():
        if n == name:
            count -= 1
        if count:
            others[n] = others.get(n, 0) + count
    changed = reader.changed | (moved.changed - {name})
    reads = set(loads) | (reader.reads - reader.loads.keys())  # (an augmented target)
    return Facts(
        loads,
        others,
        reads,
        set(loads) | set(others),
        changed,
        may_fold,
        reader.size + moved.size - 3,  # (a name less; `moved`'s statement and target less)
        reader.calls | moved.calls,
        reader.scoped or moved.scoped,
    )


def _parts(stmt: ast.AST) -> tuple[list[Any], list[ast.stmt]]:
    """(the nodes of `stmt` outside the statements nested in it, those statements):
    statements are found only in lists (blocks), including a handler's or a case's."""
    todo: list[Any] = [stmt]
    parts: list[ast.stmt] = []
    for current in todo:  # the list grows as it is read
        for field in node_fields(current.__class__):
            value = getattr(current, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.stmt):
                        parts.append(item)
                    elif isinstance(item, ast.AST):
                        todo.append(item)
            elif isinstance(value, ast.AST):
                todo.append(value)
    return todo, parts


def _compound(node: ast.AST) -> bool:
    return any(getattr(node, field, None).__class__ is list for field in BLOCK_FIELDS)


class NameFacts:
    """Facts of statements, each simple statement walked once while this lives."""

    def __init__(self) -> None:
        self._memo: dict[ast.AST, Facts] = {}  # (keyed by the node: kept alive, so no id
        # is reused while it is remembered)
        # what the last dead-code pass found of the block it returned (optimize.py's
        # `_Settled`), until a statement is said to change
        self.settled: Any = None

    def of(self, stmt: ast.AST) -> Facts:
        found = self._memo.get(stmt)
        if found is not None:
            return found
        if _compound(stmt):
            return self._composed(stmt)
        facts = self._memo[stmt] = facts_of(stmt)
        return facts

    def _composed(self, stmt: ast.AST) -> Facts:
        """A compound statement's facts: its own expressions' (a loop's target and
        iterable, a test) with its statements' added up, those remembered -- not a walk
        of everything in it (a loop's body is most of a function) each time it is asked.
        The statement itself is not remembered: the passes rewrite its blocks."""
        header, parts = _parts(stmt)
        facts = _facts_from(header, stmt)
        loads, others, changed = facts.loads, facts.others, facts.changed
        may_fold, size, scoped = facts.may_fold, facts.size, facts.scoped
        calls = [facts.calls]  # (made one set at the end: a union per part was quadratic)
        for part in parts:
            found = self.of(part)
            for name, count in found.loads.items():
                loads[name] = loads.get(name, 0) + count
            for name, count in found.others.items():
                others[name] = others.get(name, 0) + count
            changed |= found.changed
            may_fold = may_fold or found.may_fold
            size += found.size
            calls.append(found.calls)
            scoped = scoped or found.scoped
        every_call = frozenset().union(*calls)
        mentioned = set(loads) | set(others)
        reads = set(loads)
        return Facts(loads, others, reads, mentioned, changed, may_fold, size, every_call, scoped)

    def remember(self, stmt: ast.AST, facts: Facts) -> None:
        """`stmt` (simple) was changed in place, and its facts are now `facts`."""
        self._memo[stmt] = facts
        self.settled = None

    def forget(self, stmt: ast.AST) -> None:
        """`stmt` was changed in place: its facts are found again when next asked."""
        self._memo.pop(stmt, None)
        self.settled = None

    def remembered(self, stmt: ast.AST) -> Facts | None:
        """`stmt`'s facts where they are remembered (a simple statement asked about since
        it last changed), else None: nothing is walked."""
        return self._memo.get(stmt)

    def forget_all(self) -> None:
        """Statements may have been changed in place anywhere (fills.py's folds)."""
        self._memo.clear()
        self.settled = None

    def counts(self, stmts: Sequence[ast.stmt]) -> tuple[dict[str, int], dict[str, int]]:
        """`optimize.name_counts(stmts)`: (name -> how often `stmts` read it, name -> how
        often they store or delete it)."""
        loads: dict[str, int] = {}
        stores: dict[str, int] = {}
        for stmt in stmts:
            facts = self.of(stmt)
            for total, part in ((loads, facts.loads), (stores, facts.others)):
                for name, count in part.items():
                    total[name] = total.get(name, 0) + count
        return loads, stores

"""Stage 5: tidy the backward sweep the way a careful person would.

* **Copy and constant propagation**: after ``dout = 1.0`` and
  ``dt1 = dout``, later reads of `dt1` read ``1.0``; `simplify` then turns
  ``1.0 * y`` into ``y``.
* **Dead adjoint elimination**: an adjoint assignment nothing reads is
  dropped (only for side-effect-free right-hand sides).

Only adjoint variables (names the transformer created for cotangents) are
touched; primal code is never rewritten.  Propagation stops at any
statement that reassigns either side of a fact, and a fact flows into a
loop or branch body only if nothing in that body reassigns it.
"""

from __future__ import annotations

import ast
import bisect
import functools
from collections.abc import Collection, Sequence
from typing import NamedTuple

from .aliasing import PURE_METHODS
from .astutil import BLOCK_FIELDS, node_fields, replace_one_read, replace_reads, walk
from .namefacts import MUTATORS as _MUTATORS
from .namefacts import NameFacts, moved_into, substitute_reads
from .templates import may_fold_at, simplify, simplify_value


def _stored(node):
    """Names a statement changes: assigned, assigned into (`y[i] = v` changes y), or
    changed by a list method (`s.append(v)` changes s: `dy = s[-1] * 2` must not be
    folded past it)."""
    return _mentioned_and_stored(node)[1]


def _mentioned_and_stored(node):
    """(every name `node` mentions, the names it changes, as `_stored`), in one walk."""
    mentioned = set()
    names = set()
    for n in walk(node):
        if isinstance(n, ast.Name):
            mentioned.add(n.id)
            if isinstance(n.ctx, ast.Store):
                names.add(n.id)
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in _MUTATORS
            and isinstance(n.func.value, ast.Name)
        ):
            names.add(n.func.value.id)
        elif isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return mentioned, names


def stored_names(node: ast.AST) -> set[str]:
    """Names a statement changes (assigned, assigned into, changed by a list method)."""
    return _stored(node)


def _float_const(node):
    """The float a node spells (`2.0`, `-1.0`), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _float_const(node.operand)
        return -inner if inner is not None else None
    return None


class _Facts:
    """Known values of adjoint names (`dt1` is `dout`, `dx` is `1.0`), with an index of
    which facts mention which name, so a statement kills what it changes in time
    proportional to what it changes."""

    def __init__(self, values=None, readers=None, indexed=frozenset()):
        self.values: dict[str, ast.expr] = values or {}
        self.readers: dict[str, set[str]] = readers or {}
        self.indexed: Collection[str] = indexed  # names changed by index (propagate)

    def copy(self):
        readers = {k: set(v) for k, v in self.readers.items()}
        return _Facts(dict(self.values), readers, self.indexed)

    def add(self, target, value):
        self.values[target] = value
        if isinstance(value, ast.Name):
            self.readers.setdefault(value.id, set()).add(target)

    def kill(self, names):
        for name in names:
            value = self.values.pop(name, None)
            if isinstance(value, ast.Name):
                self.readers.get(value.id, set()).discard(name)
            for reader in self.readers.pop(name, ()):
                self.values.pop(reader, None)

    def substitute(self, node):
        return replace_reads(node, self.values) if self.values else node


def propagate(
    stmts: list[ast.stmt],
    adjoints: Collection[str],
    facts: _Facts | None = None,
    int_names: Collection[str] = frozenset(),
    names: NameFacts | None = None,
) -> list[ast.stmt]:
    """Copy/constant propagation over adjoint names, in place; returns stmts.

    One forward pass: a fact flows into a loop or branch body only if nothing in that
    body reassigns either side of it.  `names`: statements' names, shared with the
    passes after (namefacts.py; a statement is asked about once this pass is done
    with it)."""
    # (at the top level: which adjoints indexing changes in place)
    facts = facts.copy() if facts is not None else _Facts(indexed=_indexed_stores(stmts))
    indexed = facts.indexed
    out: list[ast.stmt] = []
    for stmt in stmts:
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            inner = facts.copy()
            inner.kill(names.of(stmt).changed if names is not None else _stored(stmt))
            if isinstance(stmt, ast.If):
                stmt.test = facts.substitute(stmt.test)
                stmt.body = propagate(stmt.body, adjoints, inner, int_names, names)
                stmt.orelse = propagate(stmt.orelse, adjoints, inner, int_names, names)
            else:
                if isinstance(stmt, ast.For):
                    stmt.iter = facts.substitute(stmt.iter)
                stmt.body = propagate(stmt.body, adjoints, inner, int_names, names)
            facts = inner
            out.append(stmt)
            continue
        if isinstance(stmt, ast.Assign):
            lhs = stmt.targets[0]
            # `y = x * 1.0` keeps y a copy; so does an adjoint changed in place later
            # (`dr = 1.0 * t1; dr[::-1] += g`: `dr = t1` would change t1, a view of
            # the caller's argument)
            primal = not (isinstance(lhs, ast.Name) and lhs.id in adjoints) or lhs.id in indexed
            tidy = simplify_value if primal else _unshared_simplify(indexed)
            if names is not None and lhs.__class__ is ast.Name and len(stmt.targets) == 1:
                _substitute_remembered(stmt, facts, names, tidy, int_names)
            else:
                stmt.value = tidy(facts.substitute(stmt.value), int_names)
                if names is not None:
                    names.forget(stmt)  # (remembered as its compound statement's part)
            if (
                isinstance(lhs, ast.Name)
                and isinstance(stmt.value, ast.Name)
                and stmt.value.id == lhs.id
            ):
                continue  # `ds = ds` (what `s = s + t` hands s's adjoint) does nothing
        elif not isinstance(stmt, ast.Return):  # `return dtheta0` reads better than `dtheta`
            stmt = facts.substitute(stmt)
            if names is not None:
                names.forget(stmt)
        facts.kill(names.of(stmt).changed if names is not None else _stored(stmt))
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            target, value = stmt.targets[0].id, stmt.value
            if target in adjoints and (
                (isinstance(value, ast.Name) and value.id in adjoints and value.id != target)
                or isinstance(_float_const(value), float)
            ):
                facts.add(target, value)
        out.append(stmt)
    return out


def _substitute_remembered(stmt, facts, names, tidy, int_names):
    """`stmt.value = tidy(facts.substitute(stmt.value))` for `name = value`, its facts
    found in the same walk and remembered in `names` (namefacts.substitute_reads), and
    `tidy` (a walk of its own) called only where `simplify` may change something.  A
    statement whose facts are remembered and that reads no name a fact is known of has
    nothing substituted: its facts are those, not a walk (a loop's statements are all
    asked about when propagation meets the loop: the body was walked twice)."""
    found = names.remembered(stmt)
    if found is None or not facts.values.keys().isdisjoint(found.loads):
        found = substitute_reads(stmt, facts.values)
    if found.may_fold:
        stmt.value = tidy(stmt.value, int_names)
        names.forget(stmt)
    else:
        names.remember(stmt, found)


def _unshared_simplify(indexed):
    """`simplify` for a derivative's value, which may become another derivative's
    memory (`dv = --dw` to `dv = dw`), except one changed by index (`dw[0] = 0.0`
    later would change dv too: forward mode's tangents)."""
    return functools.partial(simplify_value, changed=indexed) if indexed else simplify


def _indexed_stores(stmts) -> set[str]:
    """Names whose arrays the statements change by index (`d[i] = v`, `d[i] += v`):
    assignments are statements, so no expression is entered, and only the blocks of
    classes that have them are looked for (`astutil.statements` asks every statement
    for each kind of block: most of this pass's cost, before it started)."""
    found = set()
    todo = list(stmts)
    assign, augmented, subscript = ast.Assign, ast.AugAssign, ast.Subscript
    for node in todo:  # the list grows as it is read
        kind = node.__class__
        if kind is assign:
            target = node.targets[0]
        elif kind is augmented:
            target = node.target
        else:
            for field in _blocks_of(kind):
                block = getattr(node, field, None)
                if block.__class__ is list:
                    todo.extend(block)
            continue
        while target.__class__ is subscript:
            target = target.value
            if isinstance(target, ast.Name):
                found.add(target.id)
    return found


def _blocks_of(kind):
    """The fields of `astutil.BLOCK_FIELDS` node class `kind` has (remembered)."""
    found = _BLOCKS_OF.get(kind)
    if found is None:
        found = _BLOCKS_OF[kind] = tuple(f for f in BLOCK_FIELDS if f in kind._fields)
    return found


_BLOCKS_OF: dict[type, tuple[str, ...]] = {}


_PURE_BUILTINS = {"len", "range", "abs", "float", "int", "min", "max", "reversed", "slice"}


def _pure(expr, pure_names):
    """No side effects: only calls into math/numpy modules and a few builtins.
    `pure_names` holds modules (their functions are pure) and, where a caller knows
    them, functions that are (tangent code's runtime helpers: derive.py)."""
    return all(_pure_call(node, pure_names) for node in walk(expr) if node.__class__ is ast.Call)


def _pure_call(node, pure_names):
    """Whether calling `node` (an ast.Call) changes nothing, as `_pure` asks it."""
    func = node.func
    if isinstance(func, ast.Name) and (func.id in _PURE_BUILTINS or func.id in pure_names):
        return True
    if isinstance(func, ast.Attribute) and func.attr in PURE_METHODS:
        return True  # x.sum(), x.reshape(...): array methods that change nothing
    base = func.value if isinstance(func, ast.Attribute) else None
    return isinstance(base, ast.Name) and base.id in pure_names


def _pure_value(stmt, pure_names, facts):
    """`_pure(stmt.value, pure_names)` for `name = value`, read from the calls in its
    namefacts.Facts where `facts` is given (all of them are in the value), not a walk."""
    if facts is None or len(stmt.targets) != 1:
        return _pure(stmt.value, pure_names)
    return all(_pure_call(node, pure_names) for node in facts.of(stmt).calls)


def _reads(node):
    """Names a simple statement (or expression) reads; an augmented assignment reads its
    target too."""
    names = {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        names.add(node.target.id)
    return names


def _bound(targets):
    """Names plain assignment targets bind (`a`, `a, (b, c)`); `y[i] = v` binds none."""
    names = set()
    for target in targets:
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            names |= _bound(target.elts)
        elif isinstance(target, ast.Starred):
            names |= _bound([target.value])
    return names


def eliminate_dead(
    stmts_by_function: list[list[ast.stmt]],
    adjoints: Collection[str],
    pure_names: Collection[str],
    keep: Collection[str] = (),
    facts: NameFacts | None = None,
) -> list[list[ast.stmt]]:
    """Drop assignments to `adjoints` whose value nothing reads later.

    One backward liveness pass per block (loops iterate their body's liveness to a
    fixpoint, which takes two or three rounds): a dead assignment adds nothing to
    what is live, so chains of dead assignments go in the same pass.  The names in
    `keep` are live at every exit.  `facts`: what statements read, where the caller
    shares it with other passes (namefacts.py)."""
    sweep = _DeadCode(adjoints, pure_names, keep, facts)
    settled = facts.settled if facts is not None else None
    stmts_by_function[:] = [sweep.function(stmts, settled) for stmts in stmts_by_function]
    if facts is not None:  # (read by the next pass over a block ending in these statements)
        facts.settled = sweep.settled if len(stmts_by_function) == 1 else None
    return stmts_by_function


class _Settled(NamedTuple):
    """What a dead-code pass found of the straight-line block it returned: a later pass
    over a block ending in the same statements (the whole function after its backward
    sweep alone: derive.py) reads them as this one left them, from the names live at
    their start, where it would remove nothing more of them (`_DeadCode.settles`)."""

    stmts: tuple[ast.stmt, ...]
    live: frozenset[str]  # live at the first statement
    keep: frozenset[str]
    dead_kept: tuple[ast.Assign, ...]  # `name = value` kept with `name` not live after it


# the statements whose blocks `_DeadCode.block` rewrites where it removes (only there)
_REWRITTEN = (ast.If, ast.For, ast.While)


class _DeadCode:
    """Backward liveness over generated code; `block` optionally removes what is dead.

    The set of live names is updated in place statement by statement (copied only where
    control flow splits), so a pass costs what the statements it reads cost."""

    def __init__(self, adjoints, pure_names, keep, facts=None):
        self.adjoints, self.pure_names, self.keep = adjoints, pure_names, set(keep)
        self.loops: list[tuple[frozenset, frozenset]] = []  # (live at the head, after)
        self._reads_cache: dict[ast.AST, set] = {}
        self._pure_cache: dict[ast.AST, bool] = {}
        self.facts = facts
        self.dead_kept: list[ast.Assign] = []  # (`_Settled.dead_kept` of the block done last)
        self.settled: _Settled | None = None

    def function(self, stmts, settled=None):
        """`stmts` with dead code dropped; a suffix `settled` describes (an earlier pass's
        result) is kept as it is, its start's live names read from it, where this pass
        would remove nothing more of it.  What this pass found is then `self.settled`."""
        live, start, rest = set(self.keep), len(stmts), []
        self.dead_kept = []
        if settled is not None and self.settles(stmts, settled):
            start = len(stmts) - len(settled.stmts)
            live, rest = set(settled.live), list(settled.stmts)
            self.dead_kept = list(settled.dead_kept)
        out, live = self.block(stmts[:start], live, True)
        out += rest
        self.settled = None
        if not any(isinstance(stmt, _REWRITTEN) for stmt in out):
            kept = tuple(self.dead_kept)
            self.settled = _Settled(tuple(out), frozenset(live), frozenset(self.keep), kept)
        return out

    def settles(self, stmts, settled):
        """Whether `stmts` end in `settled`'s statements, from the same live names (`keep`),
        and this pass keeps every one of them the earlier pass kept with its name dead
        (its removable names and pure functions may be more): then it removes nothing of
        them, so the names live after each are what they were."""
        n = len(settled.stmts)
        if n > len(stmts) or settled.keep != self.keep:
            return False
        if not all(a is b for a, b in zip(stmts[len(stmts) - n :], settled.stmts)):
            return False
        return not any(
            stmt.targets[0].id in self.adjoints
            and (isinstance(stmt.value, ast.Call) or self.pure(stmt.value))
            for stmt in settled.dead_kept
        )

    def reads(self, node):
        if self.facts is not None and isinstance(node, ast.stmt):
            return self.facts.of(node).reads  # (statements only: expressions change)
        found = self._reads_cache.get(node)
        if found is None:
            found = self._reads_cache[node] = _reads(node)
        return found

    def pure(self, node):
        found = self._pure_cache.get(node)
        if found is None:
            found = self._pure_cache[node] = _pure(node, self.pure_names)
        return found

    def block(self, stmts, live, remove):
        """(the block, dead code dropped if `remove`; `live`, updated in place to the
        names live at its start)."""
        out = []
        for stmt in reversed(stmts):
            stmt = self.stmt(stmt, live, remove)
            if stmt is not None:
                out.append(stmt)
        out.reverse()
        return out, live

    def stmt(self, stmt, live, remove):
        if isinstance(stmt, ast.Assign):
            return self._assign(stmt, live)
        if isinstance(stmt, ast.If):
            return self._if(stmt, live, remove)
        if isinstance(stmt, (ast.For, ast.While)):
            return self._loop(stmt, live, remove)
        if isinstance(stmt, (ast.Return, ast.Break, ast.Continue)):
            live.clear()  # what follows a jump is not reached from it
            if isinstance(stmt, ast.Return):
                live |= self.reads(stmt) | self.keep
            elif self.loops:
                live |= self.loops[-1][isinstance(stmt, ast.Break)]
            return stmt
        live |= self.reads(stmt)
        if not isinstance(
            stmt,
            (ast.Expr, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Assert, ast.Pass, ast.Delete),
        ):  # no other statement is generated today: keep all it may touch alive
            live |= _stored(stmt)
        return stmt

    def _assign(self, stmt, live):
        target = stmt.targets[0]
        if (
            len(stmt.targets) == 1
            and isinstance(target, ast.Name)
            and target.id in self.adjoints
            and target.id not in live
        ):
            if self.pure(stmt.value):
                return None
            if isinstance(stmt.value, ast.Call):  # keep the call, drop the name
                live |= self.reads(stmt.value)
                kept = ast.copy_location(ast.Expr(value=stmt.value), stmt)
                # (a pop's name: reverse/float_tape.py moves a pop with its push by it)
                kept.srcdiff_dropped = target.id
                return kept
        if len(stmt.targets) == 1 and target.__class__ is ast.Name:
            if target.id not in live:
                self.dead_kept.append(stmt)
            live.discard(target.id)  # (most assignments: `_bound`'s set of one name)
        else:
            live -= _bound(stmt.targets)
        live |= self.reads(stmt)
        return stmt

    def _if(self, stmt, live, remove):
        live_else = set(live)
        body, _ = self.block(stmt.body, live, remove)
        orelse, _ = self.block(stmt.orelse, live_else, remove)
        live |= live_else
        if remove:
            stmt.body, stmt.orelse = body, orelse
            if not body and not orelse:  # both blocks were dead: `live` is as after the if
                if self.pure(stmt.test):
                    return None
                live |= self.reads(stmt.test)
                return ast.copy_location(ast.Expr(value=stmt.test), stmt)
            if not body:
                stmt.test = ast.UnaryOp(op=ast.Not(), operand=stmt.test)
                stmt.body, stmt.orelse = stmt.orelse, []
        live |= self.reads(stmt.test)
        return stmt

    def _loop(self, stmt, live, remove):
        header = stmt.iter if isinstance(stmt, ast.For) else stmt.test
        bound = _bound([stmt.target]) if isinstance(stmt, ast.For) else set()
        after = frozenset(live)
        orelse, _ = self.block(stmt.orelse, live, remove)
        head = live | after  # the loop may run no iteration (or exit by its test)
        if isinstance(stmt, ast.While):
            head |= self.reads(header)
        while True:  # the back edge: what the body reads is live at the head again
            self.loops.append((frozenset(head), after))
            kept, live_body = self.block(stmt.body, set(head), False)
            self.loops.pop()
            grown = head | (live_body - bound)
            if grown == head:
                break
            head = grown
        if remove:
            if any(isinstance(s, _REWRITTEN) for s in stmt.body):
                self.loops.append((frozenset(head), after))
                body, _ = self.block(stmt.body, set(head), True)
                self.loops.pop()
            else:  # the last round read the body from this head: what it kept stays
                body = kept
            if (
                isinstance(stmt, ast.For)
                and all(isinstance(b, ast.Pass) for b in body)
                and not orelse
                and self.pure(header)
                and not bound & after
            ):  # nothing left to do in it (an accumulation the gradient never reads)
                return None
            stmt.body, stmt.orelse = body or [ast.Pass()], orelse
        live.clear()
        live |= head | self.reads(header)
        return stmt


def fold_single_use(
    stmts: list[ast.stmt],
    candidates: Collection[str],
    pure_names: Collection[str],
    context: Sequence[ast.stmt] = (),
    int_names: Collection[str] = frozenset(),
    counts: tuple[dict[str, int], dict[str, int]] | None = None,
    context_counts: tuple[dict[str, int], dict[str, int]] | None = None,
    facts: NameFacts | None = None,
) -> list[ast.stmt]:
    """Put back `t = expr` into the one statement that reads `t`, when nothing in between
    changes what `expr` reads.  Undoes the three-address split where it bought nothing:
    the code reads like the user's, and runs faster (fewer stores and loads).
    `context`: the rest of the function; `counts`, `context_counts`: `name_counts` of
    `stmts` and of `context` where the caller has them (else they are counted);
    `facts`: statements' names, shared with other passes (namefacts.py)."""
    count = facts.counts if facts is not None else name_counts
    loads, stores = counts if counts is not None else count(stmts)
    more_loads, more_stores = context_counts if context_counts is not None else count(context)
    single = {
        name
        for name in candidates
        if loads.get(name, 0) + more_loads.get(name, 0) == 1
        and stores.get(name, 0) + more_stores.get(name, 0) == 1
    }
    folder = _Folder(single, pure_names, int_names, candidates, facts)
    folder.indexed = _indexed_stores([*stmts, *context])  # (`dv = --dw` then `dw[0] = 0.0`)
    return folder.block(stmts)


def name_counts(stmts: Sequence[ast.stmt]) -> tuple[dict[str, int], dict[str, int]]:
    """(name -> how often `stmts` read it, name -> how often they store or delete it)."""
    loads: dict[str, int] = {}
    stores: dict[str, int] = {}
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, ast.Name):
                counted = loads if isinstance(node.ctx, ast.Load) else stores
                counted[node.id] = counted.get(node.id, 0) + 1
    return loads, stores


class _Folder:
    """fold_single_use over one block at a time, in one pass: where each name is
    mentioned and stored, and which statements stop a fold, are indexed up front."""

    def __init__(self, single, pure_names, int_names, candidates=frozenset(), facts=None):
        self.single, self.pure_names, self.int_names = single, pure_names, int_names
        self.candidates = candidates  # derived names; others are the user's variables
        self.facts = facts  # (namefacts.py; a statement folded into is forgotten)
        self.indexed: Collection[str] = frozenset()  # names changed by index

    def block(self, block):
        out = list(block)
        for stmt in out:
            if _has_blocks(stmt.__class__):
                for field in ("body", "orelse"):
                    if isinstance(getattr(stmt, field, None), list):
                        setattr(stmt, field, self.block(getattr(stmt, field)))
        mentions: dict[str, list[int]] = {}  # (of the names that may fold: all it asks)
        stored: dict[str, list[int]] = {}
        barriers = []
        single = self.single
        for pos, stmt in enumerate(out):
            if self.facts is not None:
                facts = self.facts.of(stmt)
                names, changed = facts.mentioned, facts.changed
            else:
                names, changed = _mentioned_and_stored(stmt)
            for name in names:
                if name in single:
                    mentions.setdefault(name, []).append(pos)
            for name in changed:
                stored.setdefault(name, []).append(pos)
            if self._barrier(stmt):
                barriers.append(pos)
        folded = set()
        for i, stmt in enumerate(out):
            target = (
                stmt.targets[0].id
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
                else None
            )
            if target not in self.single or not _pure_value(stmt, self.pure_names, self.facts):
                continue
            j = _next_after(mentions.get(target, []), i)
            if j is None or not isinstance(out[j], (ast.Assign, ast.Expr)):
                continue  # `return dx` stays
            if _any_between(barriers, i, j) or any(
                _any_between(stored.get(name, []), i, j) for name in self._value_names(stmt)
            ):
                continue
            later = out[j]
            if stmt.value.__class__ is ast.Tuple and _read_by_index(later, target, stmt):
                if self.facts is not None:
                    self.facts.forget(stmt)
                    self.facts.forget(later)
            if self.facts is not None:
                self._fold_remembered(later, target, stmt)
            else:
                _replace_load(later, target, stmt.value)
                self._tidy(later)
            folded.add(i)
        return [stmt for pos, stmt in enumerate(out) if pos not in folded]

    def _tidy(self, later):
        if isinstance(later, ast.Assign):
            lhs = later.targets[0]
            user = isinstance(lhs, ast.Name) and lhs.id not in self.candidates
            # `y = x * 1.0` keeps y a copy; `dv = --dw` keeps dv one where dw[0] = ...
            tidy = simplify_value if user else _unshared_simplify(self.indexed)
            later.value = tidy(later.value, self.int_names)

    def _fold_remembered(self, later, target, stmt):
        """`stmt`'s value moved into `later` for its one read of `target`, and `later`
        tidied only where a fold may start: in either statement as they were, or at the
        two operations above the read (no fold's test reads deeper).  `later`'s facts are
        then made from the two statements' without a walk, except where the read was a
        method's object or a called function (what it changes may differ)."""
        facts = self.facts
        before, moved = facts.of(later), facts.of(stmt)
        parent, above = replace_one_read(later, target, stmt.value)
        method = parent.__class__ is ast.Attribute or (
            parent.__class__ is ast.Call and parent.func is stmt.value
        )
        starts = (
            before.may_fold
            or moved.may_fold
            or may_fold_at(parent)
            or (above is not None and may_fold_at(above))
        )
        if method or target in before.changed or (starts and isinstance(later, ast.Assign)):
            self._tidy(later)
            facts.forget(later)
        else:
            facts.remember(later, moved_into(before, moved, target, starts))

    def _value_names(self, stmt):
        """The names `t = expr` mentions: expr's, and t (which no statement between it
        and its one read changes: it is stored once, and a change into it reads it)."""
        if self.facts is not None:
            return self.facts.of(stmt).mentioned
        return [n.id for n in walk(stmt.value) if isinstance(n, ast.Name)]

    def _barrier(self, stmt):
        """A statement a fold may not move an expression across: anything but a plain
        assignment or a pure expression (or push), and an assignment into an array
        (`y[1:3] = v`), which also changes every view of it -- a name the expression reads
        may be one (`t1 = y[1:3]`), and which names are views is not known here."""
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
            if len(targets) == 1:  # (nearly every assignment: no generator to make)
                return not isinstance(targets[0], (ast.Name, ast.Tuple))
            return not all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets)
        if not isinstance(stmt, ast.Expr):
            return True
        if self.facts is not None:  # (its calls are all the value's: no walk of it)
            pure = all(_pure_call(c, self.pure_names) for c in self.facts.of(stmt).calls)
        else:
            pure = _pure(stmt.value, self.pure_names)
        return not pure and not _is_stack_op(stmt)


def _has_blocks(kind):
    """Whether statements of class `kind` have a `body` or `orelse` (remembered)."""
    found = _HAS_BLOCKS.get(kind)
    if found is None:
        found = _HAS_BLOCKS[kind] = "body" in kind._fields or "orelse" in kind._fields
    return found


_HAS_BLOCKS: dict[type, bool] = {}


def _next_after(positions, i):
    """The first of the sorted `positions` after `i`, or None."""
    k = bisect.bisect_right(positions, i)
    return positions[k] if k < len(positions) else None


def _any_between(positions, i, j):
    """Whether a sorted list of positions holds one strictly between i and j."""
    k = bisect.bisect_right(positions, i)
    return k < len(positions) and positions[k] < j


def _is_stack_op(stmt):
    call = stmt.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("append",)
    )


def _read_by_index(stmt, name, tuple_stmt):
    """Where `stmt` reads `name` (`tuple_stmt`'s target, a tuple of pure values) only as
    `name[k]`, k a constant index: that read made a read of `name` and `tuple_stmt`'s value
    its k-th element, so the fold moves just that -- `(e0, e1)[k]` of a tuple-valued
    rule's tangent, indexed at once (`sici(x)[0]`), computed the others for nothing
    (sici's `cos(x) / x`, a division by zero at 0).  Whether it changed them."""
    elts = tuple_stmt.value.elts
    if any(e.__class__ is ast.Starred for e in elts):
        return False
    for node in walk(stmt):
        for field in node_fields(node.__class__):
            child = getattr(node, field, None)
            items = child if child.__class__ is list else [child]
            for k, item in enumerate(items):
                at = _constant_index(item, name, len(elts))
                if at is None:
                    continue
                if child.__class__ is list:
                    child[k] = item.value
                else:
                    setattr(node, field, item.value)
                tuple_stmt.value = elts[at]
                return True
    return False


def _constant_index(node, name, size):
    """k where `node` is the read `name[k]`, k a constant index into `size` items."""
    if not (
        node.__class__ is ast.Subscript
        and node.ctx.__class__ is ast.Load
        and node.value.__class__ is ast.Name
        and node.value.id == name
        and node.slice.__class__ is ast.Constant
        and type(node.slice.value) is int
        and -size <= node.slice.value < size
    ):
        return None
    return node.slice.value


def _replace_load(stmt, name, expr):
    """`expr` itself in place of the one read of `name` in `stmt`: the statement it comes
    from is dropped, so nothing else holds it (a copy of every folded expression was a
    fifth of the pass)."""
    replace_reads(stmt, {name: expr}, copy=None)

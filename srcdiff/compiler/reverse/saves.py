"""Saves and restores: once the backward sweep is known, which values it reads, and
the markers of the forward sweep turned into pushes and pops (on `_stack` in loops and
helpers) or local copies, or dropped."""

from __future__ import annotations

import ast
import copy

from ..analysis import LIST, SCALAR
from ..astutil import BLOCK_FIELDS, SIMPLE_STATEMENTS, copy_tree, loaded_names, walk
from ..astutil import assign as _assign
from ..astutil import attr_call as _attr_call
from ..astutil import call as _call
from ..astutil import named as _name
from ..ir import MarkerKind, OpKind
from .common import MARK as _MARK
from .common import numpy_module as _np


class SaveResolution:
    """Mixin of FunctionTransform (function.py): markers -> saves, pushes and pops."""

    def needed(self, bwd):
        """Primal locals the backward sweep reads."""
        adjoint_names = set(self.adjoints.values())
        loads_of, markers = _scan(self, bwd)  # one walk of each statement, shared below
        loads = self.backward_reads(bwd, loads_of)  # (checkpoint.py: replayed segments aside)
        assigned = set(self.shapes.stores)  # (every name the function binds: shapes.py)
        locals_ = (
            self.source.resolver.locals
            | set(self.flat.temp_kinds)
            | self.ir.header_names()
            | assigned
        )
        needed = (loads & locals_) - adjoint_names - {self.stack}
        # A value read out of an array that is later assigned into may be a view of
        # it: keep that array's contents restorable whenever such a value is needed.
        mutated = {op.target for op in self.ir.all_ops() if op.kind is OpKind.SETITEM}
        if mutated:
            sources = set(needed)
            changed = True
            while changed:
                changed = False
                for op in self.ir.all_ops():
                    if set(op.targets) & sources:
                        new = {a.id for a in op.bound.values() if isinstance(a, ast.Name)}
                        if not new <= sources:
                            sources |= new
                            changed = True
            needed |= sources & mutated
        # restoring part of an array (y[index1] = saved) reads its index: a helper's
        # backward sweep has it only if it is saved too
        for m in self.ir.markers:
            if m.kind is MarkerKind.RESTORE_ITEM and m.var in needed and m.index is not None:
                needed |= {n.id for n in walk(m.index) if isinstance(n, ast.Name)} & locals_
        self.recompute = self._recomputable(markers, needed, assigned)
        for expr in self.recompute.values():
            needed |= _loads(expr) & locals_
        self.live_at_start = _Liveness(self, needed, loads_of).block(bwd, set())
        return needed

    def resolve_markers(self, stmts, needed):
        """Replace markers by saves/pushes where the backward sweep needs them.  Markers
        are statements: blocks are visited, expressions are not entered.  (Methods, not
        nested closures: a recursive closure is a reference cycle holding the whole
        transformer, which only the cyclic collector then frees -- at a cost growing with
        everything generation made.)"""
        return self._resolve_block(stmts, needed)

    def _resolve_block(self, stmts, needed):
        out = []
        for stmt in stmts:
            m = self.marker_of(stmt)
            if m is not None:
                out.extend(self._expand(m, needed))
                continue
            if stmt.__class__ not in SIMPLE_STATEMENTS:  # (no block to look for)
                self._resolve_nested(stmt, needed)
            out.append(stmt)
        return out

    def _resolve_nested(self, node, needed):
        for field in BLOCK_FIELDS:
            inner = getattr(node, field, None)
            if inner.__class__ is not list:
                continue
            if field in ("handlers", "cases"):
                for item in inner:
                    self._resolve_nested(item, needed)
            else:
                inner[:] = self._resolve_block(inner, needed)

    def _recomputable(self, markers, needed, assigned):
        """Temporaries the backward sweep computes again instead of popping: `-g`, `a * b`
        (one cheap operation) of values it has anyway -- parameters the function never
        assigns (a helper's only when they are passed to its backward sweep) and variables
        it reads already -- none of them assigned by the temporary's own statement (whose
        backward sweep starts before its targets are restored).  `markers`: those of the
        backward sweep, in order; `assigned`: the names the function assigns."""
        free = set(self.passed) if self.role == "helper" else set(self.params)
        have = (needed | (free - assigned)) - set(self.flat.temp_kinds)
        out = {}
        for m in markers:
            if m.kind is not MarkerKind.POP or m.site is None or not m.stack:
                continue
            ops = self._ops(m.site)
            written = {t for op in ops for t in op.targets}
            made = {op.target: op for op in ops[:-1]}
            for op in ops[:-1]:
                if op.target not in needed:
                    continue
                if _cheap(op) and _loads(op.primal) <= have - written:
                    out[op.target] = op.primal
                elif self.flat.temp_kinds.get(op.target) == SCALAR:
                    again = self._arithmetic_again(
                        op, made, have - written, free - assigned, assigned
                    )
                    if again is not None:
                        out[op.target] = again
        return out

    def _arithmetic_again(self, op, made, have, unchanged, assigned):
        """A number the backward sweep computes again from values it has, in at most
        three `+ - *`: `t22 = th + t21` of `t21 = dt * k3t` (RK4's `th + dt * k3t`, th and
        k3t popped anyway, dt passed) is `th + dt * k3t` -- the same operations on the same
        values, so the same float, for two pops fewer than a push and a pop.  Operands may
        be the statement's own temporaries (`made`) and variables assigned once as a
        copy of a parameter never assigned (`k1t = om`); all else must be in `have`."""

        def expand(node, depth):
            if isinstance(node, ast.Name) and node.id not in have:
                source = made.get(node.id)
                if source is None:
                    return self._copied_parameter(node.id, (have | unchanged) - assigned)
                if depth == 0 or not _arithmetic(source.primal):
                    return None
                return expand(copy_tree(source.primal), depth - 1)
            if isinstance(node, ast.BinOp):
                left, right = expand(node.left, depth), expand(node.right, depth)
                if left is None or right is None:
                    return None
                node.left, node.right = left, right
            elif isinstance(node, ast.UnaryOp):
                node.operand = expand(node.operand, depth)
                return node if node.operand is not None else None
            return node

        if not _arithmetic(op.primal):
            return None
        again = expand(copy_tree(op.primal), 2)
        if again is None or _operations(again) > 3 or not _loads(again) <= have | unchanged:
            return None
        return again

    def _copied_parameter(self, name, unchanged):
        """`om` for a variable assigned once as `k1t = om`, om never assigned and had by
        the backward sweep (`unchanged`: so both hold one value throughout); else None."""
        op = self.ir.defining_op(name)
        if (
            self.shapes.stores.get(name) == 1
            and op is not None
            and op.kind is OpKind.COPY
            and isinstance(op.primal, ast.Name)
            and op.primal.id in unchanged
        ):
            return ast.Name(id=op.primal.id, ctx=ast.Load())
        return None

    def marker_of(self, node):
        """The Marker a placeholder statement stands for, or None."""
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            value = node.value.value
            if isinstance(value, tuple) and value[:1] == (_MARK,):
                return self.ir.markers[value[1]]
        return None

    def _expand(self, m, needed):
        kind = m.kind
        if kind in (MarkerKind.PUSH, MarkerKind.POP):
            names = [n for n in m.names if n in needed and n not in self.recompute]
            again = [n for n in m.names if n in needed and n in self.recompute]
            if not m.stack:
                return []
            # one float per push: a tuple costs its allocation (and the garbage collector's
            # attention) on every step
            if kind is MarkerKind.PUSH:
                self.uses_stack |= bool(names)
                return [ast.Expr(value=_attr_call(self.stack, "append", _name(n))) for n in names]
            self.uses_stack |= bool(names)
            pops = [_assign(n, _attr_call(self.stack, "pop")) for n in reversed(names)]
            return pops + [_assign(n, copy_tree(self.recompute[n])) for n in again]
        var, site = m.var, m.site
        if kind in (MarkerKind.SAVE_ITEM, MarkerKind.RESTORE_ITEM):
            return self._expand_item(m, needed)
        if (site, var) not in self.live_restores:
            return []
        if not self.defs.must.has(id(site), var):
            self.none_init.add(var)
        value = _name(var)
        if m.copy and self.an.kinds.get(var) == LIST:  # changed in place: keep its items
            # (`list(xs)`, which Hessians' second pass reads as the comprehension it is)
            value = _call("list", value)
        elif m.copy:  # (copy.copy: an array, None)
            func = ast.Attribute(value=_name(self.bind(copy, "copy")), attr="copy", ctx=ast.Load())
            value = _call(func, value)
        if m.stack:
            self.uses_stack = True
            if kind is MarkerKind.SAVE:
                return [ast.Expr(value=_attr_call(self.stack, "append", value))]
            return [_assign(var, _attr_call(self.stack, "pop"))]
        saved = self.ir.saved_name(site, var, lambda: self.names.numbered(var + "_"))
        if kind is MarkerKind.SAVE:
            return [_assign(saved, value)]
        return [_assign(var, _name(saved))]

    def _expand_item(self, m, needed):
        """Save / restore the part of an array that an index assignment overwrites."""
        var, kind = m.var, m.kind
        if var not in needed:
            return []
        item = ast.Subscript(value=_name(var), slice=copy_tree(m.index), ctx=ast.Load())
        np_name = self.bind(_np(), "np")
        if m.stack:
            self.uses_stack = True
            if kind is MarkerKind.SAVE_ITEM:
                old = _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), item)
                return [ast.Expr(value=_attr_call(self.stack, "append", old))]
            target = ast.Subscript(value=_name(var), slice=copy_tree(m.index), ctx=ast.Store())
            return [_assign(target, _attr_call(self.stack, "pop"))]
        saved = self.ir.saved_name(m.site, var, lambda: self.names.numbered(var + "_"))
        if kind is MarkerKind.SAVE_ITEM:
            old = _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), item)
            return [_assign(saved, old)]
        target = ast.Subscript(value=_name(var), slice=copy_tree(m.index), ctx=ast.Store())
        return [_assign(target, _name(saved))]


def _loads(node):
    return loaded_names(node)


def _scan(fn, stmts):
    """(id(statement) -> the names it reads, the markers in `stmts` in order), from one
    walk of each statement: the save analysis asks both of every statement of the
    backward sweep, and walking it once for each question was most of its cost."""
    loads_of = {}
    markers = []
    name, expr, load = ast.Name, ast.Expr, ast.Load
    for stmt in stmts:
        if stmt.__class__ in SIMPLE_STATEMENTS:  # (a marker is a statement: itself)
            if stmt.__class__ is expr:
                m = fn.marker_of(stmt)
                if m is not None:
                    markers.append(m)
            loads_of[id(stmt)] = loaded_names(stmt)
            continue
        loads = set()
        for node in walk(stmt):
            kind = node.__class__
            if kind is name:
                if node.ctx.__class__ is load:
                    loads.add(node.id)
            elif kind is expr:
                m = fn.marker_of(node)
                if m is not None:
                    markers.append(m)
        loads_of[id(stmt)] = loads
    return loads_of, markers


def _stores(target):
    """Names an assignment target binds (not `y[i]`, which changes y)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_stores(e) for e in target.elts))
    if isinstance(target, ast.Starred):
        return _stores(target.value)
    return set()


def _arithmetic(node):
    """Names and numbers joined by + - * and negation only."""
    if isinstance(node, ast.BinOp):
        ok = isinstance(node.op, (ast.Add, ast.Sub, ast.Mult))
        return ok and _arithmetic(node.left) and _arithmetic(node.right)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _arithmetic(node.operand)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return isinstance(node, ast.Name)


def _operations(node):
    return sum(isinstance(n, (ast.BinOp, ast.UnaryOp)) for n in walk(node))


def _cheap(op):
    """One arithmetic operation on atoms, as cheap to redo as to pop."""
    if op.kind is OpKind.COPY:
        return isinstance(op.primal, ast.Name)
    if op.kind is not OpKind.RULE:
        return False
    e = op.primal
    atoms = (ast.Name, ast.Constant)
    if isinstance(e, ast.UnaryOp):
        return isinstance(e.op, (ast.USub, ast.UAdd)) and isinstance(e.operand, atoms)
    return (
        isinstance(e, ast.BinOp)
        and isinstance(e.op, (ast.Add, ast.Sub, ast.Mult))
        and isinstance(e.left, atoms)
        and isinstance(e.right, atoms)
    )


class _Liveness:
    """Which saved values the backward sweep reads back: one backward data-flow pass over
    it (loops to a fixpoint).  Restores and pops assign names; other statements read and
    assign as Python does.  A restore whose value is overwritten before anything reads it
    is dropped with its save (`fn.live_restores` holds the others); what is live where the
    backward sweep starts is what a helper's forward sweep must leave on the stack.
    The live set is updated in place (copied only where control flow splits), so a
    statement costs what it reads, not the size of the live set."""

    def __init__(self, fn, needed, loads_of=None):
        self.fn = fn
        self.needed = needed
        self.loads_of = loads_of or {}  # id(statement) -> what it reads, where known
        fn.live_restores = set()

    def block(self, stmts, live):
        for stmt in reversed(stmts):
            live = self.stmt(stmt, live)
        return live

    def stmt(self, stmt, live):
        targets = getattr(stmt, "targets", ())
        if stmt.__class__ is ast.Assign and len(targets) == 1 and targets[0].__class__ is ast.Name:
            live.discard(targets[0].id)  # (most statements: no marker, one name)
            live |= self._reads(stmt)
            return live
        m = self.fn.marker_of(stmt)
        if m is not None:
            return self.marker(m, live)
        if isinstance(stmt, ast.If):
            body = self.block(stmt.body, set(live))
            live = self.block(stmt.orelse, live)
            live |= body
            live |= _loads(stmt.test)
            return live
        if isinstance(stmt, (ast.For, ast.While)):
            return self.loop(stmt, live)
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            kills = set().union(*(_stores(t) for t in targets))
            reads = self._reads(stmt)
            if isinstance(stmt, ast.AugAssign):
                reads = reads | kills
            live -= kills
            live |= reads
            return live
        if isinstance(stmt, (ast.Expr, ast.Return, ast.Pass)):
            live |= self._reads(stmt)
            return live
        # anything else: all it reads is live, it assigns nothing, its restores all stay
        for node in walk(stmt):
            m = self.fn.marker_of(node)
            if m is not None and m.kind is MarkerKind.RESTORE:
                self.fn.live_restores.add((m.site, m.var))
                live.add(m.var)
        live |= _loads(stmt)
        return live

    def _reads(self, stmt):
        """What a simple statement reads, walked once: a loop's body is read again on
        every round of its fixpoint (nothing here changes a statement)."""
        reads = self.loads_of.get(id(stmt))
        if reads is None:
            reads = self.loads_of[id(stmt)] = _loads(stmt)
        return reads

    def loop(self, stmt, live):
        exit_live = self.block(stmt.orelse, live)
        head = set(exit_live)
        while True:
            body_in = self.block(stmt.body, set(head))
            if isinstance(stmt, ast.For):
                new = exit_live | (body_in - _stores(stmt.target))
            else:
                new = exit_live | body_in | _loads(stmt.test)
            if new == head:
                break
            head = new
        return head | _loads(stmt.iter) if isinstance(stmt, ast.For) else head

    def marker(self, m, live):
        fn = self.fn
        if m.kind is MarkerKind.RESTORE:
            emitted = m.var in self.needed and fn.defs.maybe.has(id(m.site), m.var)
            if emitted and m.var in live:
                fn.live_restores.add((m.site, m.var))
                live.discard(m.var)
            return live
        if m.kind is MarkerKind.RESTORE_ITEM:
            if m.var not in self.needed:
                return live
            live.add(m.var)
            if m.index is not None:
                live |= _loads(m.index)
            return live
        if m.kind is MarkerKind.POP and m.stack:
            names = {n for n in m.names if n in self.needed}
            live -= names
            for n in names & set(fn.recompute):
                live |= _loads(fn.recompute[n])
            return live
        # saves in the backward sweep (a checkpointed loop's rerun records again) read
        if m.kind in (MarkerKind.SAVE, MarkerKind.SAVE_ITEM):
            live.add(m.var)
            if m.index is not None:
                live |= _loads(m.index)
            return live
        if m.kind is MarkerKind.PUSH:
            live |= set(m.names)
        return live

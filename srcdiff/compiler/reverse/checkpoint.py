"""Checkpointing of loops in reverse mode (`grad(f, checkpoint=S)`).

A loop of n passes normally pushes what every pass overwrites, so the tape grows as n.
With checkpointing, the main function's outermost loops run without recording, keeping a
*snapshot* of the loop-carried state (the variables the body reads before writing, or
that code before the loop still needs) at the start of every segment of k = ceil(n / S)
passes.  The backward sweep takes the segments last first: it restores a segment's
snapshot, runs that segment's recording forward sweep (pushing onto `_stack` as a plain
loop would) and then its backward sweep, which pops it all again.

This is *uniform two-level* checkpointing: at most S snapshots plus one segment's tape,
memory O(S + n / S), for one extra forward pass.  (Binomial checkpointing, "revolve",
would need O(S) memory at a logarithmic cost in time; it is not implemented.)

A `for` loop knows n before it starts.  A `while` loop does not: it starts with k = 1 and,
whenever it holds more than S snapshots, keeps every other one and doubles k, so it never
holds more than S + 1 snapshots and k stays below 2 n / S.  Both run the same backward
segment loop (control.py's CHECKPOINTED_* templates).

The forward sweep calls `checkpointed_for` / `checkpointed_while` in place of the
recorded loop, and the backward sweep `checkpointed_reverse` around the reversed loop.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from ...errors import UnsupportedSyntaxError
from .. import control
from ..analysis import LIST
from ..astutil import attr_call as _attr_call
from ..astutil import call as _call
from ..astutil import is_loop_exit
from ..astutil import name as _name
from ..control import fill
from .common import MARK as _MARK
from .common import numpy_module as _np


@dataclass
class Plan:
    """The names one checkpointed loop uses, and the recorded body to replay."""

    snapshots: str  # the list of snapshots
    stride: str  # passes per segment
    start: str  # the first pass of the segment being replayed
    stop: str  # one past its last
    trips: str | None  # passes made (while loops)
    state: list[str]  # the variables a snapshot holds, sorted
    copied: set[str]  # ... of which these are arrays assigned into: copied
    recorded: list[ast.stmt]  # the recording forward sweep of the body
    exposed: set[str]  # what the body may read before it writes it
    replay: ast.For | None = None  # the backward sweep's loop running `recorded`


class Checkpointing:
    """Mixin of FunctionTransform (function.py): checkpointed loops."""

    def checkpoints(self, stmt):
        """Whether loop `stmt` is checkpointed: an outermost loop of the main function,
        when checkpointing was asked for.  A loop it cannot checkpoint is refused."""
        if self.unit.checkpoint is None or self.role != "main" or self.loop_depth:
            return False
        self._check_checkpointable(stmt)
        return True

    def _check_checkpointable(self, stmt):
        kind = "for" if isinstance(stmt, ast.For) else "while"
        why = None
        if any(is_loop_exit(s) for s in stmt.body):
            why = "it may leave early (break or return inside)"
        elif any(
            isinstance(n, ast.Name) and self.an.kinds.get(n.id) == LIST
            for n in ast.walk(stmt)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        ):
            why = "it changes a list"
        elif any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("append", "pop", "extend", "insert")
            for n in ast.walk(stmt)
        ):
            why = "it changes a list in place"
        if why is not None:
            raise UnsupportedSyntaxError(
                f"cannot checkpoint this {kind} loop: {why}",
                node=stmt,
                source=self.source,
                hint="move the loop into a helper function (helpers are not checkpointed), "
                "or rewrite it without early exit, or call grad without checkpoint=",
            )

    # -- forward sweep -------------------------------------------------------------------
    def _plan(self, stmt, recorded, trips=None):
        assigned = _assigned_names(stmt.body)
        copied = _assigned_into(stmt.body)
        entry = self.defs.maybe.get(id(stmt), set())
        exposed = _upward_exposed(stmt.body)
        state = (assigned | copied) & (exposed | entry)
        state -= {stmt.target.id} if isinstance(stmt, ast.For) else set()
        state -= self.ir.header_names() | set(self.flat.temp_kinds)
        for var in state:
            if var not in self.defs.must.get(id(stmt), set()):
                self.none_init.add(var)  # bound (to None) before the first snapshot
        plan = Plan(
            snapshots=self.names.numbered("snapshots"),
            stride=self.names.numbered("stride"),
            start=self.names.numbered("start"),
            stop=self.names.numbered("stop"),
            trips=trips,
            state=sorted(state),
            copied=copied & state,
            recorded=recorded,
            exposed=exposed,
        )
        self.checkpoint_plans[stmt] = plan
        return plan

    def _snapshot(self, plan):
        """`snapshots.append((a, b))`; arrays the body assigns into are copied."""
        np_name = self.bind(_np(), "np") if plan.copied else None
        values = [
            _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), _name(v))
            if v in plan.copied
            else _name(v)
            for v in plan.state
        ]
        value = values[0] if len(values) == 1 else ast.Tuple(elts=values, ctx=ast.Load())
        return [ast.Expr(value=_attr_call(plan.snapshots, "append", value))] if values else []

    def _restore_snapshot(self, plan):
        if not plan.state:
            return [ast.Expr(value=_attr_call(plan.snapshots, "pop"))]
        target = (
            _name(plan.state[0], True)
            if len(plan.state) == 1
            else ast.Tuple(elts=[_name(v, True) for v in plan.state], ctx=ast.Load())
        )
        if isinstance(target, ast.Tuple):
            target.ctx = ast.Store()
        return [ast.Assign(targets=[target], value=_attr_call(plan.snapshots, "pop"))]

    def checkpointed_for(self, stmt, info, recorded):
        """The forward sweep of `for` loop `stmt`: segments run plainly, a snapshot each."""
        plan = self._plan(stmt, recorded)
        return _tagged(
            fill(
                control.CHECKPOINTED_FOR,
                stmt.lineno,
                ITERS=info.iters,
                ITERABLE=stmt.iter,
                STRIDE=plan.stride,
                SNAPSHOTS=plan.snapshots,
                START=plan.start,
                SEGMENTS=ast.Constant(self.unit.checkpoint),
                SNAPSHOT=self._snapshot(plan),
                TARGET=stmt.target.id,
                BODY=self._plain(recorded),
            )
        )

    def checkpointed_while(self, stmt, info, recorded):
        """The forward sweep of `while` loop `stmt`: snapshots every `stride` passes,
        thinned (every other one kept, `stride` doubled) when there are too many."""
        plan = self._plan(stmt, recorded, trips=info.count)
        return _tagged(
            fill(
                control.CHECKPOINTED_WHILE,
                stmt.lineno,
                STRIDE=plan.stride,
                SNAPSHOTS=plan.snapshots,
                TRIPS=info.count,
                TEST=stmt.test,
                SEGMENTS=ast.Constant(self.unit.checkpoint),
                SNAPSHOT=self._snapshot(plan),
                BODY=self._plain(recorded),
            )
        )

    def _plain(self, recorded):
        """The body as it runs between snapshots: no saves, helpers' tapes thrown away."""
        stack = self.stack

        class Strip(ast.NodeTransformer):
            def visit_Expr(self, node):
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, tuple):
                    if value.value[:1] == (_MARK,):
                        return None
                return self.generic_visit(node)

            def visit_Call(self, node):
                self.generic_visit(node)
                if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == stack:
                    node.args[0] = ast.List(elts=[], ctx=ast.Load())
                return node

        out = [Strip().visit(stmt) for stmt in copy.deepcopy(recorded)]
        out = [stmt for stmt in out if stmt is not None]
        for node in (n for stmt in out for n in ast.walk(stmt)):
            if isinstance(node, (ast.For, ast.While, ast.If)) and not node.body:
                node.body = [ast.Pass()]  # a body that only saved values
        return out

    # -- backward sweep ------------------------------------------------------------------
    def backward_reads(self, bwd):
        """Names the backward sweep reads (saves.py keeps their values for it).  A replayed
        segment's reads count as the loop body's reads before it writes, less the
        snapshot: what it computes itself it needs from nobody."""
        loads = set()
        replays = {id(plan.replay): plan for plan in self.checkpoint_plans.values() if plan.replay}
        todo = list(bwd)
        while todo:
            node = todo.pop()
            plan = replays.get(id(node))
            if plan is not None:
                loads |= plan.exposed - set(plan.state)
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads.add(node.id)
            todo.extend(ast.iter_child_nodes(node))
        return loads

    def checkpointed_reverse(self, stmt, reversed_loop):
        """The backward sweep of a checkpointed loop, from the one a plain loop has
        (`reversed_loop`, whose body is one pass's adjoint): per segment, last first,
        restore the snapshot, record the segment, run its passes' adjoints."""
        plan = self.checkpoint_plans[stmt]
        plain = reversed_loop[-1]
        parts = dict(
            STRIDE=plan.stride,
            START=plan.start,
            RESTORE=self._restore_snapshot(plan),
            RECORDED=plan.recorded,
            BODY=plain.body,
        )
        if isinstance(stmt, ast.For):
            iters = self._header(stmt, "iters").iters
            out = fill(
                control.CHECKPOINTED_REVERSED_FOR, ITERS=iters, TARGET=plain.target.id, **parts
            )
        else:
            template = control.CHECKPOINTED_REPLAYED_WHILE
            out = fill(template, TRIPS=plan.trips, STOP=plan.stop, COUNTER=plain.target.id, **parts)
        plan.replay = next(s for s in out[0].body if isinstance(s, ast.For))
        return _tagged(out)

    def fold_checkpointed(self, fold):
        """Fold the temporaries of checkpointed loops' bodies (`fold(stmts, names)`:
        optimize.fold_single_use).  The forward sweep's copy and the backward sweep's
        replay hold the same temporaries, so the whole-function fold keeps them all; but a
        loop body's temporaries are read only in that body, and in the backward sweep's
        adjoint of it after a pop, both of which each fold below sees."""

        def visit(stmts):
            for stmt in stmts:
                if getattr(stmt, "srcdiff_checkpoint", False):
                    stmt.body = fold(stmt.body, set(self.flat.temp_kinds))
                for block in ("body", "orelse"):
                    visit(getattr(stmt, block, []))

        return visit


def _tagged(stmts):
    """Mark the loop of segments (the statement holding the loop body) for the fold."""
    for stmt in stmts:
        if isinstance(stmt, (ast.For, ast.While)):
            stmt.srcdiff_checkpoint = True
    return stmts


def _assigned_names(stmts):
    """Names a statement list binds (at any depth)."""
    return {
        n.id
        for stmt in stmts
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _assigned_into(stmts):
    """Arrays a statement list assigns into (`y[i] = v`): a snapshot copies them."""
    out = set()
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                        out.add(target.value.id)
    return out


def _upward_exposed(stmts: list[ast.stmt]) -> set[str]:
    """Names a statement list may read before it binds them (an over-approximation: a
    name counts as bound only where every path binds it)."""
    exposed: set[str] = set()
    _exposed_block(stmts, set(), exposed)
    return exposed


def _exposed_block(stmts, bound, exposed):
    for stmt in stmts:
        bound = _exposed_stmt(stmt, bound, exposed)
    return bound


def _reads(node, bound, exposed):
    exposed |= {
        n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound
    }


def _exposed_stmt(stmt, bound, exposed):
    if isinstance(stmt, ast.Assign):
        _reads(stmt.value, bound, exposed)
        for target in stmt.targets:
            _reads(target, bound, exposed)  # the base and index of `y[i] = v`
        return bound | {
            n.id
            for t in stmt.targets
            for n in ast.walk(t)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
    if isinstance(stmt, ast.If):
        _reads(stmt.test, bound, exposed)
        a = _exposed_block(stmt.body, set(bound), exposed)
        b = _exposed_block(stmt.orelse, set(bound), exposed)
        return a & b
    if isinstance(stmt, (ast.For, ast.While)):
        _reads(stmt.iter if isinstance(stmt, ast.For) else stmt.test, bound, exposed)
        inner = set(bound)
        if isinstance(stmt, ast.For):
            inner |= {n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)}
        _exposed_block(stmt.body, inner, exposed)
        return bound
    _reads(stmt, bound, exposed)
    return bound

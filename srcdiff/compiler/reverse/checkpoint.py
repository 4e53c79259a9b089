"""Checkpointing of loops in reverse mode (`grad(f, checkpoint=S)`).

A loop of n passes normally pushes what every pass overwrites, so the tape grows as n.
With checkpointing, the main function's outermost loops run without recording in the
forward sweep, keeping *snapshots* of the loop-carried state (the variables the body
reads before writing, or that code before the loop still needs); the backward sweep
restores a snapshot, runs part of the loop again -- recording it onto `_stack`, as a
plain loop does -- and runs that part's adjoint, which pops it all again.  Two schemes:

* **binomial** (the default, `checkpoint=S`): the backward sweep follows
  `runtime.binomial_schedule` (Griewank's binomial checkpointing, as "revolve" places
  snapshots): at most S snapshots and one block of up to 32 passes recorded at a time,
  so memory is O(S); each pass runs at most t + 1 times, with t the least number such
  that C(S - 1 + t, t) blocks cover the loop (t grows as log n).
* **uniform** (`checkpoint="uniform:S"`): a snapshot every k = ceil(n / S) passes,
  each segment recorded whole when its turn comes: memory O(S + n / S), time about
  one extra forward pass.  A `while` loop, whose n is not known in advance, starts
  with k = 1 and, when it holds S snapshots, keeps every other one and doubles k.

A `for` loop that may leave early (`break`, `return`: normalize.py's flag and final
`if flag: break`) is counted as a `while` loop is; the flag is part of the snapshot, so a
rerun breaks only where the loop did, at its last pass.  A loop that changes a list in
place (generated code's `_stack`, differentiated again) is refused: a rerun would change
it once more.

The forward sweep calls `checkpointed_loop` in place of the recorded loop, the backward
sweep `checkpointed_reverse` around the reversed loop, and saves.py `backward_reads`.
The loops' shapes are control.py's CHECKPOINTED_* and BINOMIAL_* templates.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...errors import SrcDiffError, UnsupportedSyntaxError
from .. import control
from ..analysis import LIST
from ..astutil import Transformer, copy_tree
from ..astutil import attr_call as _attr_call
from ..astutil import call as _call
from ..astutil import named as _name
from ..control import fill
from .common import MARK as _MARK
from .common import numpy_module as _np

SCHEMES = ("binomial", "uniform")


@dataclass(frozen=True)
class Option:
    """What `checkpoint=` asks for: a scheme and a number of snapshots per loop."""

    scheme: str
    snapshots: int

    def __str__(self) -> str:
        return f"{self.scheme}:{self.snapshots}"


def parse_option(value: object) -> Option | None:
    """`checkpoint=`: None, a number of snapshots (binomial), or "binomial:S" /
    "uniform:S" (also what `--checkpoint` and pyproject.toml take)."""
    if value is None or isinstance(value, Option):
        return value
    scheme, count = "binomial", value
    if isinstance(value, str):
        scheme, _, count = value.rpartition(":")
        scheme = scheme or "binomial"
        try:
            count = int(count)
        except ValueError:
            count = value
    if scheme not in SCHEMES or isinstance(count, bool) or not hasattr(count, "__index__"):
        raise SrcDiffError(
            f"checkpoint must be a number of snapshots, or 'binomial:S' or 'uniform:S', "
            f"not {value!r}"
        )
    if int(count) < 1:
        raise SrcDiffError(f"checkpoint must be at least 1 snapshot, not {value!r}")
    return Option(scheme, int(count))


@dataclass
class Plan:
    """The names one checkpointed loop uses, and the recorded body to replay."""

    snapshots: str  # the list of snapshots
    names: dict[str, str]  # placeholder -> name (STRIDE, START, STOP, ACTION)
    state: list[str]  # the variables a snapshot holds, sorted
    copied: set[str]  # ... of which these are arrays assigned into: copied
    recorded: list[ast.stmt]  # the recording forward sweep of the body
    exposed: set[str]  # what the body may read before it writes it
    replays: list[ast.AST] = field(default_factory=list)  # the backward sweep's reruns


_TEMPLATES = {  # (scheme, loop shape) -> forward, backward sweep
    ("binomial", "for"): (control.BINOMIAL_FOR, control.BINOMIAL_REVERSED_FOR),
    ("binomial", "counted"): (control.BINOMIAL_FOR_COUNTED, control.BINOMIAL_REVERSED_FOR_COUNTED),
    ("binomial", "while"): (control.BINOMIAL_WHILE, control.BINOMIAL_REPLAYED_WHILE),
    ("uniform", "for"): (control.CHECKPOINTED_FOR, control.CHECKPOINTED_REVERSED_FOR),
    ("uniform", "counted"): (
        control.CHECKPOINTED_FOR_COUNTED,
        control.CHECKPOINTED_REVERSED_FOR_COUNTED,
    ),
    ("uniform", "while"): (control.CHECKPOINTED_WHILE, control.CHECKPOINTED_REPLAYED_WHILE),
}


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
        if any(
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
                "or call grad without checkpoint=",
            )

    @property
    def _scheme(self):
        return self.unit.checkpoint.scheme

    def _templates(self, stmt, info):
        """(forward, backward) templates of loop `stmt` (control.py)."""
        shape = "while" if isinstance(stmt, ast.While) else "counted" if info.count else "for"
        return _TEMPLATES[self._scheme, shape]

    # -- forward sweep -------------------------------------------------------------------
    def _plan(self, stmt, recorded):
        assigned = _assigned_names(stmt.body)
        copied = _assigned_into(stmt.body)
        entry = self.defs.maybe.get(id(stmt), set())
        exposed = _upward_exposed(stmt.body)
        state = (assigned | copied) & (exposed | entry)
        state -= {stmt.target.id} if isinstance(stmt, ast.For) else set()
        state -= self.ir.header_names() | set(self.flat.temp_kinds)
        for var in state:
            if not self.defs.must.has(id(stmt), var):
                self.none_init.add(var)  # bound (to None) before the first snapshot
        names = (
            ("stride", "start", "stop")
            if self._scheme == "uniform"
            else ("action", "start", "stop")
        )
        plan = Plan(
            snapshots=self.names.numbered("snapshots"),
            names={n.upper(): self.names.numbered(n) for n in names},
            state=sorted(state),
            copied=copied & state,
            recorded=recorded,
            exposed=exposed,
        )
        self.checkpoint_plans[stmt] = plan
        return plan

    def _snapshot(self, plan):
        """`snapshots.append((a, b))`; arrays the body assigns into are copied."""
        values = [self._copied(v) if v in plan.copied else _name(v) for v in plan.state]
        value = values[0] if len(values) == 1 else ast.Tuple(elts=values, ctx=ast.Load())
        return [ast.Expr(value=_attr_call(plan.snapshots, "append", value))] if values else []

    def _copied(self, var):
        np_name = self.bind(_np(), "np")
        return _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), _name(var))

    def _restore_snapshot(self, plan, keep=False):
        """`a, b = snapshots.pop()`, or `= snapshots[-1]` to `keep` it (then arrays the
        body assigns into are copied again: the snapshot must outlive the rerun)."""
        if not plan.state:
            return []
        if keep:
            value = ast.Subscript(
                value=_name(plan.snapshots), slice=ast.Constant(-1), ctx=ast.Load()
            )
        else:
            value = _attr_call(plan.snapshots, "pop")
        target = (
            _name(plan.state[0], True)
            if len(plan.state) == 1
            else ast.Tuple(elts=[_name(v, True) for v in plan.state], ctx=ast.Store())
        )
        out = [ast.Assign(targets=[target], value=value)]
        if keep:
            out += [
                ast.Assign(targets=[_name(v, True)], value=self._copied(v))
                for v in sorted(plan.copied)
            ]
        return out

    def _drop(self, plan):
        return [ast.Expr(value=_attr_call(plan.snapshots, "pop"))] if plan.state else []

    def checkpointed_loop(self, stmt, info, recorded):
        """The forward sweep of loop `stmt` (`recorded`: its body's recording forward
        sweep): the body runs plainly, with snapshots."""
        plan = self._plan(stmt, recorded)
        parts = dict(
            SNAPSHOTS=plan.snapshots,
            SEGMENTS=ast.Constant(self.unit.checkpoint.snapshots),
            SNAPSHOT=self._snapshot(plan),
            BODY=self._plain(recorded),
            **plan.names,
        )
        if self._scheme == "binomial":
            parts["SPANS"] = self.bind(_runtime().binomial_segments, "binomial_segments")
        if isinstance(stmt, ast.For):
            parts.update(ITERS=info.iters, ITERABLE=stmt.iter, TARGET=stmt.target.id)
        else:
            parts.update(TEST=stmt.test)
        if info.count:
            parts.update(TRIPS=info.count)
        out = fill(self._templates(stmt, info)[0], stmt.lineno, **parts)
        _tag(next(s for s in out if isinstance(s, (ast.For, ast.While))))
        return out

    def _plain(self, recorded):
        """The body as it runs between snapshots: no saves, helpers' tapes thrown away."""
        stack = self.stack

        class Strip(Transformer):
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

        out = [Strip().visit(copy_tree(stmt)) for stmt in recorded]
        out = [stmt for stmt in out if stmt is not None]
        for node in (n for stmt in out for n in ast.walk(stmt)):
            if isinstance(node, (ast.For, ast.While, ast.If)) and not node.body:
                node.body = [ast.Pass()]  # a body that only saved values
        return out

    # -- backward sweep ------------------------------------------------------------------
    def backward_reads(self, bwd, loads_of):
        """Names the backward sweep reads (saves.py keeps their values for it).  A rerun
        of the loop body reads what the body reads before it writes, less the snapshot:
        what it computes itself it needs from nobody.  `loads_of`: id(statement) -> the
        names it reads, for each statement of `bwd`."""
        reruns = {id(r): plan for plan in self.checkpoint_plans.values() for r in plan.replays}
        if not reruns:  # (no checkpointed loop: every read)
            return set().union(*(loads_of[id(stmt)] for stmt in bwd))
        loads = set()
        todo = list(bwd)
        while todo:
            node = todo.pop()
            plan = reruns.get(id(node))
            if plan is not None:
                loads |= plan.exposed - set(plan.state)
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads.add(node.id)
            todo.extend(ast.iter_child_nodes(node))
        return loads

    def checkpointed_reverse(self, stmt, reversed_loop):
        """The backward sweep of a checkpointed loop, from the one a plain loop has
        (`reversed_loop`, whose body is one pass's adjoint)."""
        plan = self.checkpoint_plans[stmt]
        plain = reversed_loop[-1]
        binomial = self._scheme == "binomial"
        parts = dict(
            RESTORE=self._restore_snapshot(plan, keep=binomial),
            RECORDED=plan.recorded,
            BODY=plain.body,
            **plan.names,
        )
        plain_rerun = self._plain(plan.recorded) if binomial else []
        snapshot = self._snapshot(plan) if binomial else []
        if binomial:
            parts.update(
                SNAPSHOTS=plan.snapshots,
                SEGMENTS=ast.Constant(self.unit.checkpoint.snapshots),
                SCHEDULE=self.bind(_runtime().binomial_schedule, "binomial_schedule"),
                SNAPSHOT=snapshot,
                DROP=self._drop(plan),
                PLAIN=plain_rerun,
            )
        info = self._header(stmt, "iters" if isinstance(stmt, ast.For) else "count")
        if isinstance(stmt, ast.For):
            parts.update(ITERS=info.iters, TARGET=plain.target.id)
        else:
            parts.update(COUNTER=plain.target.id)
        if info.count:
            parts.update(TRIPS=info.count)
        out = fill(self._templates(stmt, info)[1], **parts)
        firsts = {id(body[0]) for body in (plan.recorded, plain_rerun) if body}
        plan.replays = [
            n for n in ast.walk(out[0]) if isinstance(n, ast.For) and id(n.body[0]) in firsts
        ]
        plan.replays += snapshot  # a snapshot is taken of what a rerun computed
        if binomial:  # `if action == "reverse":` (record, then adjoint), and `advance`
            _tag(out[0].body[0])
            for rerun in plan.replays:
                if plain_rerun and getattr(rerun, "body", [None])[0] is plain_rerun[0]:
                    _tag(rerun)
        else:
            _tag(out[0])
        return out

    def fold_checkpointed(self, fold):
        """Fold the temporaries of checkpointed loops' bodies (`fold(stmts, names)`:
        optimize.fold_single_use).  The forward sweep's copy and the backward sweep's
        reruns hold the same temporaries, so the whole-function fold keeps them all; but a
        loop body's temporaries are read only in that body, and in the backward sweep's
        adjoint of it after a pop, which each fold below sees with it."""

        def visit(stmts):
            for stmt in stmts:
                if getattr(stmt, "srcdiff_checkpoint", False):
                    stmt.body = fold(stmt.body, set(self.flat.temp_kinds))
                for block in ("body", "orelse"):
                    visit(getattr(stmt, block, []))

        return visit


def _tag(stmt):
    """Mark a statement holding a copy of the loop body for fold_checkpointed."""
    stmt.srcdiff_checkpoint = True


def _runtime():
    from ...runtime import checkpoints

    return checkpoints


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

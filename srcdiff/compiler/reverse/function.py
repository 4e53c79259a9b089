"""Stage 4: reverse mode -- from core-form code to an adjoint.

The adjoint of a function is its *forward sweep* (the user's code, split
into one primitive per assignment) followed by a *backward sweep* that
visits the same statements in reverse and applies each rule's vjp.

Three things make that correct for real code:

* **Adjoint state.**  While building the backward sweep we know, per
  variable, whether its adjoint already holds a value.  The first
  contribution assigns (``dx = dy * 2``), later ones add
  (``dx = dx + ...``); a statement whose output has no adjoint yet emits
  nothing.  Where branches join or loops repeat, a missing adjoint is made
  explicit with ``dx = 0.0``.
* **Saving overwritten values.**  Before an assignment overwrites a value
  that the backward sweep reads, the old value is saved (a local copy at
  top level, a push on `_stack` inside loops and helpers) and restored at
  the mirror point of the backward sweep.  Values nothing reads are not
  saved.
* **Control flow.**  Branches store which way they went, loops how many
  times they ran; the backward sweep replays them in reverse.

Helpers the user's code calls get their own pair of functions:
``h_fwd(_stack, ...)`` runs the forward sweep and pushes what ``h_bwd``
needs; ``h_bwd(_stack, dout)`` pops it and returns the adjoints.
"""

from __future__ import annotations

import ast

from ..analysis import ARRAY, LIST, SCALAR, SEQ
from ..astutil import assign as _assign
from ..astutil import call as _call
from ..astutil import is_loop_exit
from ..astutil import named as _name
from ..ir import BranchHeader, LoopHeader, Marker, OpKind
from ..shapes import ShapeTokens
from ..transform import TransformBase
from ..unit import Prepared, Unit
from .backward_sweep import BackwardSweep
from .checkpoint import Checkpointing, Plan
from .common import MARK as _MARK
from .common import numpy_module as _np
from .common import runtime_module as _runtime
from .forward_sweep import ForwardSweep
from .saves import SaveResolution


class FunctionTransform(ForwardSweep, BackwardSweep, SaveResolution, Checkpointing, TransformBase):
    """Builds the forward and backward sweeps of one function specialisation."""

    mode = "reverse"

    def __init__(self, unit: Unit, prepared: Prepared, role: str):
        super().__init__(unit, prepared, role)
        self.stack = unit.stack_name
        self.materialized: set[str] = set()
        self._shaped_first = False  # the op being built shaped its zero cotangent first
        self.none_init: set[str] = set()
        self.loop_depth = 0
        self.uses_stack = False
        self.scatter: set[str] = set()
        self.indexed_adjoint: set[str] = set()
        self.shapes = ShapeTokens(self)
        # decided with the saves (saves.py): what the caller passes to a helper's backward
        # sweep, temporaries computed again, restores read back, names live at its start
        self.passed: tuple[str, ...] = ()
        self.recompute: dict[str, ast.expr] = {}
        self.live_restores: set = set()
        self.live_at_start: set[str] = set()
        self.checkpoint_plans: dict[ast.stmt, Plan] = {}  # checkpointed loops (checkpoint.py)
        # (id(statement), compound) -> (statement, what it changes in place): forward_sweep.py
        self._in_place_memo: dict[tuple[int, bool], tuple[ast.stmt, tuple[str, ...]]] = {}

    @property
    def saves_on_stack(self):
        return self.loop_depth > 0 or self.role == "helper"

    @property
    def temps_marked(self):
        """Whether a statement's temporaries get PUSH / POP markers: only where saves go
        on the stack (or a checkpointed loop's rerun may record them).  Elsewhere each
        is a local assigned once, which saves.py neither pushes nor pops -- the markers
        resolved to nothing, after every pass before had stepped over them (a third of
        the forward sweep's statements in straight-line code)."""
        return self.saves_on_stack or self.unit.checkpoint is not None

    def may_restore(self, site, var):
        """Whether the assignment `site` gets a SAVE / RESTORE marker for `var`: where
        `var` may hold a value when `site` runs -- saves.py restores nothing else (a
        name assigned once, most of straight-line code, has nothing to save) -- or a
        checkpointed loop's rerun may record it."""
        return self.unit.checkpoint is not None or self.defs.maybe.has(id(site), var)

    # -- markers (decided once the backward sweep is known) -------------------------
    def _marker(self, kind, *, stack, names=(), **where):
        """A placeholder statement for a save or restore decided later (resolve_markers)."""
        key = self.ir.mark(Marker(kind, stack, tuple(names), **where))
        return ast.Expr(value=ast.Constant(value=(_MARK, key)))

    def _zero_of(self, var):
        """A zero cotangent for the value `var` holds, in its structure (popped values may
        be tuples or arrays; what the matching push unpacks must fit)."""
        if self.an.kinds.get(var) == SCALAR:
            return ast.Constant(0.0)
        return _call(self.bind(_runtime().zeros_of, "zeros_of"), _name(var))

    def _header(self, stmt, kind):
        """The names a branch ("cond") or a loop ("iters": for, "count": while) keeps."""

        def make():
            if kind == "cond":
                return BranchHeader(self.names.numbered("cond"))
            if kind == "iters":
                has_break = any(is_loop_exit(s) for s in stmt.body)
                return LoopHeader(
                    self.names.numbered("iters"),
                    self.names.numbered("trips") if has_break else None,
                )
            return LoopHeader(None, self.names.numbered("trips"))

        return self.ir.header(stmt, make)

    # -- whole function ---------------------------------------------------------------
    def build(self):
        """(forward statements, backward statements, final state) after marker resolution."""
        body = self.tree.body[:-1]
        self.refuse_list_aliases()
        fwd = self.fwd_block(body)
        self.shapes.all_split()  # (every assignment is an op now: rebound names' shapes)
        self.scatter = {
            op.bound["x"].id if op.kind is OpKind.SUBSCRIPT else op.target
            for op in self.ir.all_ops()
            if op.kind in (OpKind.SUBSCRIPT, OpKind.SETITEM)
        }
        self.indexed_adjoint = {op.target for op in self.ir.all_ops() if op.kind is OpKind.PACK}
        state = set()
        seeds = []
        if self.role == "main":
            out = self.outputs[0]
            if self.an.active.get(out):
                seeds.append(_assign(self.adj(out), self.unit.seed))
                state.add(out)
        else:
            for o in self.outputs:
                if self.an.active.get(o) or o in self.params:
                    state.add(o)
            # a caller passes 0.0 for an output it has no cotangent for: shapeless
            self.materialized |= set(self.outputs)
            # adjoint stacks of list parameters are passed in
            list_params = {p for p in self.wrt if self.an.kinds.get(p) == LIST}
            self.refuse_indexed_list_parameters(list_params)
            state |= list_params
        passed = [] if self.role == "main" else self.owned_adjoints(state, self.outputs)
        return fwd, seeds, passed + self.bwd_block(body, state), state

    def owned_adjoints(self, state, outputs):
        """A passed-in adjoint that the backward sweep updates in place (`dy[0] += g`) is
        first copied into an array of its own: it is the caller's cotangent (vjp's user,
        a calling function's adjoint), which must not change -- and may be a shapeless 0.0."""
        owned = self.bind(_runtime().owned, "owned")
        return [
            _assign(self.adj(o), _call(owned, _name(self.adj(o)), _name(o)))
            for o in outputs
            if o in state and o in self.scatter and self.an.kinds.get(o) in (ARRAY, SEQ)
        ]

    def zero_like(self, param):
        kind = self.an.kinds.get(param, SCALAR)
        if kind == SCALAR:
            return ast.Constant(0.0)
        if kind == SEQ and self.role == "main":
            return _call(self.bind(_runtime().like, "like"), ast.Constant(0.0), _name(param))
        return self.zeros_for(param)

    def zeros_for(self, var):
        """A zero adjoint array for `var`: `np.zeros_like(x)` for an array argument of the
        main function (float64 or float32, never reassigned: its dtype is the adjoint's),
        runtime.zeros_like (floats for integer arrays, lists, ...) for anything else."""
        if (
            self.role == "main"
            and var in self.params
            and self.shapes.stores.get(var, 0) == 0
            and self.an.kinds.get(var) == ARRAY
            and self.an.ranks.get(var)
            and var not in getattr(self, "narrow", ())
        ):
            zeros = ast.Attribute(
                value=_name(self.bind(_np(), "np")), attr="zeros_like", ctx=ast.Load()
            )
            return _call(zeros, _name(var))
        return _call(self.bind(_runtime().zeros_like, "zeros_like"), _name(var))

    def final_adjoint(self, param, state):
        if param not in state:
            return self.zero_like(param)
        kind = self.an.kinds.get(param, SCALAR)
        if kind == SEQ and self.role != "main":
            # a helper gives its caller a sequence's adjoint as adjoints are inside
            # generated code, an array indexed like it (runtime.seq_zeros): the caller
            # adds it to its own with `+`, which would join two lists (or tuples)
            return _name(self.adj(param))
        if kind == SEQ or (
            # a 0-d array's adjoint is a NumPy scalar after arithmetic: give back an array
            kind == ARRAY and (param in self.materialized or self.an.ranks.get(param) == 0)
        ):
            return _call(self.bind(_runtime().like, "like"), _name(self.adj(param)), _name(param))
        if kind == SCALAR and (
            ARRAY in self.an.kinds.values()
            # a differentiated sequence's adjoint is an array: its items are NumPy scalars
            or any(k in (SEQ, LIST) and self.an.active.get(v) for v, k in self.an.kinds.items())
        ):
            if param in getattr(self, "python_numbers", ()):  # given a Python float
                return _call(_name(self.bind(float, "float")), _name(self.adj(param)))
            # not a 0-d array from array rules; float32 stays float32
            return _call(
                self.bind(_runtime().scalar_like, "scalar_like"),
                _name(self.adj(param)),
                _name(param),
            )
        return _name(self.adj(param))

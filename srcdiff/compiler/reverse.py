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
import copy

from .analysis import ARRAY, LIST, SCALAR, SEQ, list_append, useful_names
from .astutil import add as _add
from .astutil import assign as _assign
from .astutil import attr_call as _attr_call
from .astutil import call as _call
from .astutil import is_loop_exit, tuple_of
from .astutil import name as _name
from .astutil import reads_any as _reads_any
from .ir import BranchHeader, LoopHeader, Marker, MarkerKind, OpKind
from .shapes import ShapeTokens
from .templates import instantiate
from .transform import TransformBase
from .unit import Prepared, Unit

_MARK = "__srcdiff_marker__"


class FunctionTransform(TransformBase):
    """Builds the forward and backward sweeps of one function specialisation."""

    mode = "reverse"

    def __init__(self, unit: Unit, prepared: Prepared, role: str):
        super().__init__(unit, prepared, role)
        self.stack = unit.stack_name
        self.materialized: set[str] = set()
        self.none_init: set[str] = set()
        self.loop_depth = 0
        self.uses_stack = False
        self.scatter: set[str] = set()
        self.indexed_adjoint: set[str] = set()
        self.shapes = ShapeTokens(self)

    @property
    def saves_on_stack(self):
        return self.loop_depth > 0 or self.role == "helper"

    # -- markers (decided once the backward sweep is known) -------------------------
    def _marker(self, kind, *, stack, names=(), **where):
        """A placeholder statement for a save or restore decided later (resolve_markers)."""
        key = self.ir.mark(Marker(kind, stack, tuple(names), **where))
        return ast.Expr(value=ast.Constant(value=(_MARK, key)))

    # -- forward sweep -------------------------------------------------------------
    def fwd_block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.fwd_stmt(stmt))
        return out

    def _is_inactive_compound(self, stmt):
        return (
            isinstance(stmt, (ast.If, ast.For, ast.While))
            and not is_loop_exit(stmt)
            and not any(
                isinstance(n, ast.Name) and self.an.active.get(n.id) for n in ast.walk(stmt)
            )
        )

    def _compound_assigned(self, stmt):
        return sorted(
            {
                n.id
                for n in ast.walk(stmt)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
        )

    def fwd_stmt(self, stmt):
        if self._is_inactive_compound(stmt):
            # No derivative flows through it: run it as written, and only save
            # (then restore) the values it overwrites that the backward sweep reads.
            return [
                *(
                    self._marker(MarkerKind.SAVE, site=stmt, var=v, stack=self.saves_on_stack)
                    for v in self._compound_assigned(stmt)
                ),
                stmt,
            ]
        if isinstance(stmt, ast.Assign):
            return self._fwd_assign(stmt)
        if isinstance(stmt, ast.If):
            if is_loop_exit(stmt):
                return [stmt]
            info = self._header(stmt, "cond")
            node = ast.If(
                test=_name(info.cond),
                body=self.fwd_block(stmt.body) or [ast.Pass()],
                orelse=self.fwd_block(stmt.orelse),
            )
            return [
                _assign(info.cond, stmt.test, stmt.lineno),
                node,
                self._marker(MarkerKind.PUSH, names=[info.cond], stack=self.saves_on_stack),
            ]
        if isinstance(stmt, ast.For):
            info = self._header(stmt, "iters")
            self.loop_depth += 1
            body = self.fwd_block(stmt.body)
            self.loop_depth -= 1
            pre = [
                self._marker(
                    MarkerKind.SAVE, site=stmt, var=stmt.target.id, stack=self.saves_on_stack
                ),
                _assign(info.iters, stmt.iter, stmt.lineno),
            ]
            if info.count:
                pre.append(_assign(info.count, ast.Constant(0)))
                body.insert(0, _assign(info.count, _add(_name(info.count), ast.Constant(1))))
            loop = ast.For(
                target=_name(stmt.target.id, True), iter=_name(info.iters), body=body, orelse=[]
            )
            saved = [info.iters] + ([info.count] if info.count else [])
            return pre + [
                loop,
                self._marker(MarkerKind.PUSH, names=saved, stack=self.saves_on_stack),
            ]
        if isinstance(stmt, ast.While):
            info = self._header(stmt, "count")
            self.loop_depth += 1
            body = self.fwd_block(stmt.body)
            self.loop_depth -= 1
            body.insert(0, _assign(info.count, _add(_name(info.count), ast.Constant(1))))
            loop = ast.While(test=stmt.test, body=body, orelse=[])
            return [
                _assign(info.count, ast.Constant(0)),
                loop,
                self._marker(MarkerKind.PUSH, names=[info.count], stack=self.saves_on_stack),
            ]
        return [stmt]

    # -- lists used as stacks (generated code differentiated again) ----------------------
    def _active_push(self, stmt):
        """(stack, value) for `s.append(v)` on an active list, else None."""
        stack, value = list_append(stmt)
        if stack is not None and self.an.kinds.get(stack) == LIST and self.an.active.get(stack):
            return stack, value
        return None

    def _active_pop(self, stmt):
        """(stack, target names) for `v = s.pop()` / `a, b = s.pop()` on an active list."""
        value, target = stmt.value, stmt.targets[0]
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "pop"
            and not value.args
            and isinstance(value.func.value, ast.Name)
            and self.an.kinds.get(value.func.value.id) == LIST
            and self.an.active.get(value.func.value.id)
        ):
            names = [target.id] if isinstance(target, ast.Name) else [e.id for e in target.elts]
            return value.func.value.id, names
        return None

    def _adjoint_list(self, stack, state):
        """The adjoint of a stack is a list too; create it on first use."""
        if stack in state:
            return []
        state.add(stack)
        return [_assign(self.adj(stack), ast.List(elts=[], ctx=ast.Load()))]

    def _bwd_push(self, stmt, stack, value, state):
        """Reverse of `s.append(v)`: v's adjoint comes off the adjoint stack."""
        out = self._adjoint_list(stack, state)
        elts = value.elts if isinstance(value, ast.Tuple) else [value]
        parts, later = [], []
        for e in elts:
            if isinstance(e, ast.Name) and self.flat.is_active(e):
                tmp = self.names.numbered("g")
                parts.append(tmp)
                later.append((e.id, tmp))
            else:
                parts.append(self.names.exact_or_suffixed("_"))
        target = (
            tuple_of(parts, store=True)
            if isinstance(value, ast.Tuple) and len(parts) > 1
            else (
                ast.Tuple(elts=[_name(parts[0], True)], ctx=ast.Store())
                if isinstance(value, ast.Tuple)
                else _name(parts[0], True)
            )
        )
        out.append(_assign(target, _attr_call(self.adj(stack), "pop"), stmt.lineno))
        for var, tmp in later:
            out.extend(self._accumulate(var, _name(tmp), state))
        return out

    def _bwd_pop(self, stmt, stack, names, state):
        """Reverse of `v = s.pop()`: v's adjoint goes back on the adjoint stack."""
        out = self._adjoint_list(stack, state)
        values = [_name(self.adj(n)) if n in state else self._zero_of(n) for n in names]
        value = (
            values[0]
            if len(names) == 1 and isinstance(stmt.targets[0], ast.Name)
            else ast.Tuple(elts=values, ctx=ast.Load())
        )
        out.append(ast.Expr(value=_attr_call(self.adj(stack), "append", value)))
        for n in names:
            state.discard(n)
        out += [
            self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack)
            for v in reversed(names)
        ]
        return out

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

    def _fwd_assign(self, stmt):
        pop = self._active_pop(stmt)
        if pop is not None:
            return [
                *(
                    self._marker(MarkerKind.SAVE, site=stmt, var=v, stack=self.saves_on_stack)
                    for v in pop[1]
                ),
                stmt,
            ]
        ops = self._ops(stmt)
        out = []
        temps = []
        for op in ops[:-1]:
            out.append(_assign(tuple_of(op.targets, store=True), self._fwd_primal(op), stmt.lineno))
            temps.extend(op.targets)
        last = ops[-1]
        if last.kind is OpKind.SETITEM:
            base = last.target
            out.extend(self.distinct_check(last.index, stmt.lineno))
            out.append(
                self._marker(
                    MarkerKind.SAVE_ITEM,
                    site=stmt,
                    var=base,
                    index=last.index,
                    stack=self.saves_on_stack,
                )
            )
            if temps:  # before the write: a temporary may be a view of the array written
                out.append(self._marker(MarkerKind.PUSH, names=temps, stack=self.saves_on_stack))
            target = ast.Subscript(
                value=_name(base), slice=copy.deepcopy(last.index), ctx=ast.Store()
            )
            out.append(_assign(target, last.primal, stmt.lineno))
            return out
        for var in last.targets:
            out.append(self._marker(MarkerKind.SAVE, site=stmt, var=var, stack=self.saves_on_stack))
        if len(last.targets) > 1:
            target = ast.Tuple(elts=[_name(t, True) for t in last.targets], ctx=ast.Store())
        else:
            target = _name(last.target, True)
        push = (
            [self._marker(MarkerKind.PUSH, names=temps, stack=self.saves_on_stack)] if temps else []
        )
        if last.kind is OpKind.HELPER:  # the helper pushes its own values: ours go on top
            return out + [_assign(target, self._fwd_primal(last), stmt.lineno)] + push
        return out + push + [_assign(target, self._fwd_primal(last), stmt.lineno)]

    def _fwd_primal(self, op):
        if op.kind is not OpKind.HELPER:
            return op.primal
        spec = op.helper
        call = copy.copy(op.primal)
        call.func = _name(spec.fwd_name)
        call.args = [_name(self.stack)] + list(call.args)
        op.fwd_call = call
        self.uses_stack = True
        return call

    def _plain_helper_call(self, op):
        """No adjoint reaches this helper call: its backward sweep never runs, so what its
        forward sweep pushes goes on a list of its own, which nothing pops (on the shared
        stack it would come between values the backward sweep pops).  Not the user's own
        function: that could change its arguments in place, and generated code never does."""
        call = getattr(op, "fwd_call", None)
        if call is not None:
            call.args = [ast.List(elts=[], ctx=ast.Load())] + list(op.primal.args)

    # -- backward sweep -------------------------------------------------------------
    def bwd_block(self, stmts, state):
        out = []
        for stmt in reversed(stmts):
            out.extend(self.bwd_stmt(stmt, state))
        return out

    def bwd_stmt(self, stmt, state):
        if self._is_inactive_compound(stmt):
            return [
                self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack)
                for v in reversed(self._compound_assigned(stmt))
            ]
        if isinstance(stmt, ast.Assign):
            return self._bwd_assign(stmt, state)
        if isinstance(stmt, ast.If):
            if is_loop_exit(stmt):
                return []
            info = self._header(stmt, "cond")
            a_state, b_state = set(state), set(state)
            body = self.bwd_block(stmt.body, a_state)
            orelse = self.bwd_block(stmt.orelse, b_state)
            joined = a_state | b_state
            body += self._zeros(joined - a_state, stmt)
            orelse += self._zeros(joined - b_state, stmt)
            state.clear()
            state |= joined
            pop = self._marker(MarkerKind.POP, names=[info.cond], stack=self.saves_on_stack)
            if not body and not orelse:
                return [pop]
            if not body:
                test = ast.UnaryOp(op=ast.Not(), operand=_name(info.cond))
                return [pop, ast.If(test=test, body=orelse, orelse=[])]
            return [pop, ast.If(test=_name(info.cond), body=body, orelse=orelse)]
        if isinstance(stmt, (ast.For, ast.While)):
            return self._bwd_loop(stmt, state)
        if isinstance(stmt, ast.Expr):
            push = self._active_push(stmt)
            if push is not None:
                return self._bwd_push(stmt, push[0], push[1], state)
        return []

    def _bwd_loop(self, stmt, state, every=False):
        """The reversed loop.  Every adjoint a pass may add to holds a value at its head (a
        zero made explicit before the loop): names whose adjoint is zero everywhere (not
        useful) are left out, so no 0.0 meets a partial that is not finite.  Should a pass
        still start an adjoint (it would assign it, losing the other passes' share), the
        loop is built again with every active name (`every`)."""
        active = {
            n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and self.an.active.get(n.id)
        }
        touched = active if every else active & self.useful
        before = (set(state), set(self.materialized))
        pre = self._zeros(touched - state, stmt)
        state |= touched
        # The next pass may start from zeros made explicit at the end of this one (0.0,
        # shapeless): know it while the body is built, not after
        self.materialized |= touched
        self.loop_depth += 1
        inner = set(state)
        body = self.bwd_block(stmt.body, inner)
        self.loop_depth -= 1
        if inner - state and not every:
            state.clear()
            state |= before[0]
            self.materialized = before[1]
            return self._bwd_loop(stmt, state, every=True)
        body += self._zeros(state - inner, stmt)
        restore = (
            self._marker(
                MarkerKind.RESTORE, site=stmt, var=stmt.target.id, stack=self.saves_on_stack
            )
            if isinstance(stmt, ast.For)
            else None
        )
        if isinstance(stmt, ast.For):
            info = self._header(stmt, "iters")
            iters = _name(info.iters)
            if info.count:
                iters = ast.Subscript(
                    value=iters, slice=ast.Slice(upper=_name(info.count)), ctx=ast.Load()
                )
            header = ast.For(
                target=_name(stmt.target.id, True),
                iter=_call("reversed", iters),
                body=body or [ast.Pass()],
                orelse=[],
            )
            popped = [info.iters] + ([info.count] if info.count else [])
        else:
            info = self._header(stmt, "count")
            header = ast.For(
                target=_name(self.names.exact_or_suffixed("_"), True),
                iter=_call("range", _name(info.count)),
                body=body or [ast.Pass()],
                orelse=[],
            )
            popped = [info.count]
        out = [self._marker(MarkerKind.POP, names=popped, stack=self.saves_on_stack), *pre, header]
        if restore is not None:
            out.append(restore)
        return out

    def _zeros(self, names, origin):
        out = []
        for var in sorted(names):
            self.materialized.add(var)
            zero = ast.Constant(0.0)
            if self.an.kinds.get(var) == LIST:  # an adjoint stack starts empty
                zero = ast.List(elts=[], ctx=ast.Load())
            elif var in self.scatter or var in self.indexed_adjoint:  # indexed: a real array
                zero = _call(self.bind(_runtime().zeros_like, "zeros_like"), _name(var))
            out.append(_assign(self.adj(var), zero, getattr(origin, "lineno", None)))
        return out

    def _bwd_assign(self, stmt, state):
        pop = self._active_pop(stmt)
        if pop is not None:
            return self._bwd_pop(stmt, pop[0], pop[1], state)
        ops = self._ops(stmt)
        out = []
        temps = [t for op in ops[:-1] for t in op.targets]
        if temps:
            out.append(self._marker(MarkerKind.POP, names=temps, stack=self.saves_on_stack))
        for i in range(len(ops) - 1, -1, -1):
            op = ops[i]
            final = i == len(ops) - 1
            out.extend(self._bwd_op(op, state, stmt, final))
        for node in out:
            if isinstance(node, ast.Assign) and not hasattr(node, "srcline"):
                node.srcline = stmt.lineno
        return out

    def _bwd_op(self, op, state, stmt, final):
        if op.kind is OpKind.SETITEM:
            return self._bwd_setitem(op, state, stmt)
        # Mirror of the forward sweep, which saved the targets in order: restore in reverse.
        restores = (
            [
                self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack)
                for v in reversed(op.targets)
            ]
            if final
            else []
        )
        present = [t for t in op.targets if t in state]
        if op.kind is OpKind.HELPER and any(self.flat.kind(op.bound[p]) == LIST for p in op.active):
            present = present or op.targets  # adjoints may also flow through a stack it uses
        if op.kind is OpKind.INACTIVE or not present or not op.active:
            if op.kind is OpKind.HELPER:
                self._plain_helper_call(op)
            for t in op.targets:
                state.discard(t)
            return restores
        self._state = state
        atoms = {p: op.bound[p] for p in op.active}
        # Does the statement read what it assigns?  Inactive operands count too: the
        # condition of np.where(x > 0, ...) is evaluated again in the backward sweep.
        self_ref = _reads_any(op.bound.values(), op.targets)
        # A helper's backward sweep pops what its forward sweep pushed *after* the targets
        # were saved, so it runs before they are restored (it reads no caller variables).
        restore_first = self_ref and op.kind is not OpKind.HELPER
        out = restores if restore_first else []
        if op.kind is OpKind.HELPER:
            out += self._bwd_helper(op, state)
        elif op.kind is OpKind.SUBSCRIPT:
            out += self._bwd_subscript(op, state)
        else:
            contributions = {}
            unpack = []
            for p, atom in atoms.items():
                if isinstance(atom, (ast.List, ast.Tuple)):  # one cotangent per element
                    parts = []
                    for e in atom.elts:
                        if self.flat.is_active(e):
                            tmp = self.names.numbered("g")
                            parts.append(tmp)
                            contributions.setdefault(e.id, []).append(_name(tmp))
                        else:
                            parts.append(self.names.exact_or_suffixed("_"))
                    unpack.append(
                        _assign(
                            tuple_of(parts, store=True)
                            if len(parts) > 1
                            else ast.Tuple(elts=[_name(parts[0], True)], ctx=ast.Store()),
                            self._vjp(op, p, self_ref),
                        )
                    )
                    continue
                contributions.setdefault(atom.id, []).append(self._vjp(op, p, self_ref))
            out += unpack
            if op.target in self.materialized and (
                op.kind is OpKind.COPY or (op.rule is not None and op.rule.elementwise)
            ):
                # a shapeless zero passes through elementwise operations unchanged
                self.materialized |= set(contributions)
            for t in op.targets:
                state.discard(t)
            targets_last = sorted(contributions, key=lambda n: n in op.targets)
            for name in targets_last:
                exprs = contributions[name]
                total = exprs[0]
                for e in exprs[1:]:
                    total = _add(total, e)
                shared = len(contributions) > 1  # other operands may hold the same array
                out.extend(self._accumulate(name, total, state, shared))
        if not restore_first:
            out += restores
        return out

    def _vjp(self, op, param, self_ref):
        g = _name(self.adj(op.target))
        if len(op.targets) > 1:  # a rule returning several values: cotangents as a list
            g = ast.List(
                elts=[
                    _name(self.adj(t))
                    if t in self._state
                    else _call(self.bind(_runtime().zeros_like, "zeros_like"), _name(t))
                    for t in op.targets
                ],
                ctx=ast.Load(),
            )
        if op.kind is OpKind.COPY:
            return g
        if op.kind is OpKind.SUBSCRIPT:
            return None
        if op.kind is OpKind.PACK:  # seq = [a, b, ...]: a gets dseq[0], ...
            index = ast.Constant(int(param[1:]))
            return ast.Subscript(value=g, slice=index, ctx=ast.Load())
        if (
            not op.rule.elementwise
            and op.target in self.materialized
            and self.flat.kind(_name(op.target)) != SCALAR
        ):
            # a zero made explicit as 0.0 has no shape: a linear map (dot, sum,
            # reshape) needs the real one
            g = _call(self.bind(_runtime().like, "like"), g, _name(op.target))
        rule = op.rule
        mapping = {p: a for p, a in op.bound.items() if p in rule.params}
        for p in rule.params:
            if p not in mapping:
                mapping[p] = ast.Constant(rule.defaults[p])
        mapping["g"] = g
        mapping["out"] = copy.deepcopy(op.primal) if self_ref else tuple_of(op.targets)
        template = rule.template("vjp", param)
        for name in rule.uses("vjp", param) & set(rule.namespace):
            mapping[name] = _name(self.bind(rule.namespace[name], name))
        expr = instantiate(template, mapping, self.int_names)
        if rule.elementwise:
            expr = self._unbroadcast(expr, op.bound[param], op)
        return expr

    def _unbroadcast(self, expr, atom, op):
        out_kind = (
            self.flat.kind(_name(op.target))
            if op.target in self.flat.temp_kinds
            else self.an.kinds.get(op.target, ARRAY)
        )
        arg_kind = self.flat.kind(atom)
        if out_kind == SCALAR or (arg_kind == SCALAR and out_kind == SCALAR):
            return expr
        if arg_kind == SCALAR:
            return _call(
                ast.Attribute(value=_name(self.bind(_np(), "np")), attr="sum", ctx=ast.Load()), expr
            )
        if isinstance(atom, ast.Name) and self.shapes.same(atom.id, op.target):
            return expr  # the operand has the result's shape: nothing to sum back
        return _call(self.bind(_runtime().unbroadcast, "unbroadcast"), expr, copy.deepcopy(atom))

    def _accumulate(self, var, expr, state, shared=False):
        """Add `expr` to var's adjoint (the first contribution assigns).  An adjoint
        that indexing updates in place must own its array: when `x = x + t` hands `dx`
        to `dt` too (`shared`), `dx` keeping its array would let `dx[i] += g` change `dt`."""
        d = self.adj(var)
        if expr is None:
            return []
        if var in state:
            return [_assign(d, _add(_name(d), expr))]
        state.add(var)
        if isinstance(expr, ast.Name) and expr.id == d and not (shared and var in self.scatter):
            return []
        if var in self.scatter:  # updated in place later: it must own its array
            expr = _call(self.bind(_runtime().owned, "owned"), expr, _name(var))
        return [_assign(d, expr)]

    def _bwd_helper(self, op, state):
        spec = op.helper
        couts = [_name(self.adj(t)) if t in state else ast.Constant(0.0) for t in op.targets]
        for t in op.targets:
            state.discard(t)
        self.uses_stack = True
        lists = [p for p in op.active if self.flat.kind(op.bound[p]) == LIST]
        pre = []
        for p in lists:  # adjoint stacks are passed in and updated, not returned
            pre += self._adjoint_list(op.bound[p].id, state)
        call = _call(
            spec.bwd_name,
            _name(self.stack),
            *couts,
            *[_name(self.adj(op.bound[p].id)) for p in lists],
        )
        targets, fresh, later = [], set(), []
        for p in op.active:
            if p in lists:
                continue
            atom = op.bound[p]
            if atom.id in state or atom.id in fresh or atom.id in self.scatter:
                tmp = self.names.numbered("g")
                targets.append(_name(tmp, True))
                later.append((atom.id, tmp))
            else:
                fresh.add(atom.id)
                targets.append(_name(self.adj(atom.id), True))
        if not targets:
            return pre + [ast.Expr(value=call)]
        target = targets[0] if len(targets) == 1 else ast.Tuple(elts=targets, ctx=ast.Store())
        stmts = pre + [_assign(target, call)]
        state |= fresh
        for var, tmp in later:
            stmts.extend(self._accumulate(var, _name(tmp), state))
        return stmts

    def _bwd_setitem(self, op, state, stmt):
        base = op.target
        restore = [
            self._marker(
                MarkerKind.RESTORE_ITEM,
                site=stmt,
                var=base,
                index=op.index,
                stack=self.saves_on_stack,
            )
        ]
        if base not in state:
            return restore
        d = self.adj(base)
        item = ast.Subscript(value=_name(d), slice=copy.deepcopy(op.index), ctx=ast.Load())
        out = []
        if op.active:
            atom = op.bound["v"]
            if self.flat.kind(atom) == ARRAY:  # copy: the slice of dy is zeroed next
                item = _call(
                    ast.Attribute(value=_name(self.bind(_np(), "np")), attr="copy", ctx=ast.Load()),
                    item,
                )
            # the value was cast to the array's dtype: an integer array kept no derivative
            item = _call(self.bind(_runtime().stored_in, "stored_in"), item, _name(base))
            expr = item
            if self.flat.kind(atom) == SCALAR:
                expr = _call(
                    ast.Attribute(value=_name(self.bind(_np(), "np")), attr="sum", ctx=ast.Load()),
                    item,
                )
            elif self.flat.kind(atom) == ARRAY:
                expr = _call(
                    self.bind(_runtime().unbroadcast, "unbroadcast"), item, copy.deepcopy(atom)
                )
            out += self._accumulate(atom.id, expr, state)
        zero = ast.Subscript(value=_name(d), slice=copy.deepcopy(op.index), ctx=ast.Store())
        out.append(_assign(zero, ast.Constant(0.0)))
        return out + restore

    def _bwd_subscript(self, op, state):
        base = op.bound["x"]
        g = _name(self.adj(op.target))
        state.discard(op.target)
        if self.flat.kind(base) == ARRAY and self._basic_index(op.primal.slice):
            # `dx[1:] += g`, as one would write it: the index picks each element at most
            # once, and dx is an array this adjoint owns
            out = []
            if base.id not in state:  # floats even when the array holds integers
                zeros = self.bind(_runtime().zeros_like, "zeros_like")
                out.append(_assign(self.adj(base.id), _call(zeros, copy.deepcopy(base))))
                state.add(base.id)
            target = ast.Subscript(
                value=_name(self.adj(base.id)),
                slice=copy.deepcopy(op.primal.slice),
                ctx=ast.Store(),
            )
            out.append(ast.AugAssign(target=target, op=ast.Add(), value=g))
            return out
        current = _name(self.adj(base.id)) if base.id in state else ast.Constant(None)
        call = _call(
            self.bind(_runtime().add_at, "add_at"),
            current,
            copy.deepcopy(base),
            _index_value(op.primal.slice),
            g,
        )
        state.add(base.id)
        return [_assign(self.adj(base.id), call)]

    @property
    def useful(self):
        """Names whose adjoint may be nonzero (analysis.useful_names), computed once."""
        if not hasattr(self, "_useful"):
            self._useful = useful_names(self.tree, self.outputs, self.an.kinds)
        return self._useful

    # -- whole function ---------------------------------------------------------------
    def build(self):
        """(forward statements, backward statements, final state) after marker resolution."""
        body = self.tree.body[:-1]
        fwd = self.fwd_block(body)
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
            state |= {p for p in self.wrt if self.an.kinds.get(p) == LIST}
        bwd = self.bwd_block(body, state)
        return fwd, seeds, bwd, state

    def needed(self, bwd):
        """Primal locals the backward sweep reads."""
        adjoint_names = set(self.adjoints.values())
        loads = {
            n.id
            for stmt in bwd
            for n in ast.walk(stmt)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        locals_ = (
            self.source.resolver.locals
            | set(self.flat.temp_kinds)
            | self.ir.header_names()
            | {
                n.id
                for n in ast.walk(self.tree)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
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
        return needed

    def resolve_markers(self, stmts, needed):
        """Replace markers by saves/pushes where the backward sweep needs them."""
        fn = self

        class Resolve(ast.NodeTransformer):
            def visit_Expr(self, node):
                value = node.value
                if (
                    isinstance(value, ast.Constant)
                    and isinstance(value.value, tuple)
                    and value.value[:1] == (_MARK,)
                ):
                    return fn._expand(fn.ir.markers[value.value[1]], needed) or None
                return node

        result = []
        for stmt in stmts:
            new = Resolve().visit(stmt)
            if new is None:
                continue
            result.extend(new if isinstance(new, list) else [new])
        return result

    def _expand(self, m, needed):
        kind = m.kind
        if kind in (MarkerKind.PUSH, MarkerKind.POP):
            names = [n for n in m.names if n in needed]
            if not names or not m.stack:
                return []
            self.uses_stack = True
            if kind is MarkerKind.PUSH:
                value = (
                    _name(names[0])
                    if len(names) == 1
                    else ast.Tuple(elts=[_name(n) for n in names], ctx=ast.Load())
                )
                return [ast.Expr(value=_attr_call(self.stack, "append", value))]
            target = (
                _name(names[0], True)
                if len(names) == 1
                else ast.Tuple(elts=[_name(n, True) for n in names], ctx=ast.Store())
            )
            return [_assign(target, _attr_call(self.stack, "pop"))]
        var, site = m.var, m.site
        if kind in (MarkerKind.SAVE_ITEM, MarkerKind.RESTORE_ITEM):
            return self._expand_item(m, needed)
        if var not in needed or var not in self.defs.maybe.get(id(site), set()):
            return []
        if var not in self.defs.must.get(id(site), set()):
            self.none_init.add(var)
        if m.stack:
            self.uses_stack = True
            if kind is MarkerKind.SAVE:
                return [ast.Expr(value=_attr_call(self.stack, "append", _name(var)))]
            return [_assign(var, _attr_call(self.stack, "pop"))]
        saved = self.ir.saved_name(site, var, lambda: self.names.numbered(var + "_"))
        if kind is MarkerKind.SAVE:
            return [_assign(saved, _name(var))]
        return [_assign(var, _name(saved))]

    def _expand_item(self, m, needed):
        """Save / restore the part of an array that an index assignment overwrites."""
        var, kind = m.var, m.kind
        if var not in needed:
            return []
        item = ast.Subscript(value=_name(var), slice=copy.deepcopy(m.index), ctx=ast.Load())
        np_name = self.bind(_np(), "np")
        if m.stack:
            self.uses_stack = True
            if kind is MarkerKind.SAVE_ITEM:
                old = _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), item)
                return [ast.Expr(value=_attr_call(self.stack, "append", old))]
            target = ast.Subscript(value=_name(var), slice=copy.deepcopy(m.index), ctx=ast.Store())
            return [_assign(target, _attr_call(self.stack, "pop"))]
        saved = self.ir.saved_name(m.site, var, lambda: self.names.numbered(var + "_"))
        if kind is MarkerKind.SAVE_ITEM:
            old = _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), item)
            return [_assign(saved, old)]
        target = ast.Subscript(value=_name(var), slice=copy.deepcopy(m.index), ctx=ast.Store())
        return [_assign(target, _name(saved))]

    def zero_like(self, param):
        kind = self.an.kinds.get(param, SCALAR)
        if kind == SCALAR:
            return ast.Constant(0.0)
        if kind == SEQ:
            return _call(self.bind(_runtime().like, "like"), ast.Constant(0.0), _name(param))
        return _call(self.bind(_runtime().zeros_like, "zeros_like"), _name(param))

    def final_adjoint(self, param, state):
        if param not in state:
            return self.zero_like(param)
        kind = self.an.kinds.get(param, SCALAR)
        if kind == SEQ or (kind == ARRAY and param in self.materialized):
            return _call(self.bind(_runtime().like, "like"), _name(self.adj(param)), _name(param))
        if kind == SCALAR and ARRAY in self.an.kinds.values():
            # not a 0-d array from array rules; float32 stays float32
            return _call(
                self.bind(_runtime().scalar_like, "scalar_like"),
                _name(self.adj(param)),
                _name(param),
            )
        return _name(self.adj(param))


def _elements(atom):
    return atom.elts if isinstance(atom, (ast.List, ast.Tuple)) else [atom]


def _index_value(index):
    """An index written inside [] as an expression that can be passed around:
    `1:3` -> `slice(1, 3)`, `...` stays `...`, tuples element by element."""
    if isinstance(index, ast.Slice):
        parts = [
            copy.deepcopy(p) if p is not None else ast.Constant(None)
            for p in (index.lower, index.upper, index.step)
        ]
        if isinstance(parts[2], ast.Constant) and parts[2].value is None:
            parts.pop()  # slice(a, b); never slice(a), which means slice(None, a)
        return _call("slice", *parts)
    if isinstance(index, ast.Tuple):
        return ast.Tuple(elts=[_index_value(e) for e in index.elts], ctx=ast.Load())
    return copy.deepcopy(index)


def _np():
    import numpy

    return numpy


def _runtime():
    from ..runtime import core as runtime

    return runtime

"""The forward sweep of reverse mode: the user's code split into primitives, with
markers where values may have to be saved for the backward sweep (saves.py decides)."""

from __future__ import annotations

import ast
import copy

from .. import control
from ..analysis import LIST, list_append
from ..astutil import assign as _assign
from ..astutil import copy_tree, is_loop_exit, walk
from ..astutil import named as _name
from ..control import fill
from ..ir import MarkerKind, OpKind
from ..namefacts import changed_through


class ForwardSweep:
    """Mixin of FunctionTransform (function.py): statements -> forward-sweep statements."""

    def fwd_block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.fwd_stmt(stmt))
        return out

    def _is_inactive_compound(self, stmt):
        """A branch or loop reading and writing no differentiated name.  Asked by both
        sweeps of every statement: `ast.walk`, lazy, stops at the first active name (the
        start of most loops that are active) where `walk` listed the whole loop first."""
        active = self.an.active
        return (
            isinstance(stmt, (ast.If, ast.For, ast.While))
            and not is_loop_exit(stmt)
            and not any(n.__class__ is ast.Name and active.get(n.id) for n in ast.walk(stmt))
        )

    def _compound_assigned(self, stmt):
        return sorted(
            {n.id for n in walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        )

    def _changed_in_place(self, stmt, compound=False):
        """Names `stmt` changes without assigning them: a list method (`xs.append(v)`,
        `v = xs.pop()`) -- or, in a compound statement, a store into an element too
        (`y[i] = v` in an inactive loop).  The backward sweep reads them as they were when
        the statement ran: a partial `len(xs)`, `xs[-1]` or `y[0]` of an earlier
        statement read the list or array as the function left it (w * len(xs), then
        xs.append(3.0): the derivative 3 * w where it is 2 * w).  Asked of each statement
        by both sweeps: walked once, and not at all in a function changing nothing in
        place (the splitter's set of such names, from one walk of the function)."""
        key = (id(stmt), compound)
        known = self._in_place_memo.get(key)
        if known is not None and known[0] is stmt:
            return list(known[1])
        found = self._walk_changed_in_place(stmt, compound) if self.flat.changed_names else []
        self._in_place_memo[key] = (stmt, tuple(found))
        return found

    def _walk_changed_in_place(self, stmt, compound):
        assigned = set(self._compound_assigned(stmt)) if compound else set()
        if isinstance(stmt, ast.Assign):
            assigned |= {n.id for n in walk(stmt.targets[0]) if isinstance(n, ast.Name)}
        found = []
        for node in walk(stmt):
            if not compound and not isinstance(node, ast.Call):
                continue
            name = changed_through(node)
            if (
                name is not None
                and name not in assigned
                and name not in found
                and self.source.resolver.is_local(name)  # (`np.sort(x)` is no list's)
            ):
                found.append(name)
        # (a list of differentiated values too: a rule's partial may read its structure,
        # `asarray_vjp(g, xs)` of np.array(xs) read the list grown since; saves.py keeps
        # the copy only where the backward sweep reads the list, as `list(xs)`)
        return found

    def _in_place_saves(self, stmt, compound=False):
        return [
            self._marker(MarkerKind.SAVE, site=stmt, var=v, stack=self.saves_on_stack, copy=True)
            for v in self._changed_in_place(stmt, compound)
        ]

    def fwd_stmt(self, stmt):
        if self._is_inactive_compound(stmt):
            # No derivative flows through it: run it as written, and only save
            # (then restore) the values it overwrites that the backward sweep reads.
            return [
                *(
                    self._marker(MarkerKind.SAVE, site=stmt, var=v, stack=self.saves_on_stack)
                    for v in self._compound_assigned(stmt)
                ),
                *self._in_place_saves(stmt, compound=True),
                stmt,
            ]
        if isinstance(stmt, ast.Assign):
            return self._in_place_saves(stmt) + self._fwd_assign(stmt)
        if isinstance(stmt, ast.Expr):
            return [*self._in_place_saves(stmt), stmt]
        if isinstance(stmt, ast.If):
            if is_loop_exit(stmt):
                return [stmt]
            info = self._header(stmt, "cond")
            branch = fill(
                control.RECORDED_BRANCH,
                stmt.lineno,
                COND=info.cond,
                TEST=stmt.test,
                BODY=self.fwd_block(stmt.body),
                ORELSE=self.fwd_block(stmt.orelse),
            )
            push = self._marker(MarkerKind.PUSH, names=[info.cond], stack=self.saves_on_stack)
            return [*branch, push]
        if isinstance(stmt, ast.For):
            info = self._header(stmt, "iters")
            checkpointed = self.checkpoints(stmt)
            self.loop_depth += 1
            body = self.fwd_block(stmt.body)
            self.loop_depth -= 1
            save = self._marker(
                MarkerKind.SAVE, site=stmt, var=stmt.target.id, stack=self.saves_on_stack
            )
            if checkpointed:
                push = self._marker(MarkerKind.PUSH, names=info.names(), stack=False)
                return [save, *self.checkpointed_loop(stmt, info, body), push]
            loop = fill(
                control.RECORDED_FOR_COUNTED if info.count else control.RECORDED_FOR,
                stmt.lineno,
                ITERS=info.iters,
                ITERABLE=stmt.iter,
                TARGET=stmt.target.id,
                BODY=body,
                TRIPS=info.count or "",
            )
            push = self._marker(MarkerKind.PUSH, names=info.names(), stack=self.saves_on_stack)
            return [save, *loop, push]
        if isinstance(stmt, ast.While):
            info = self._header(stmt, "count")
            checkpointed = self.checkpoints(stmt)
            self.loop_depth += 1
            body = self.fwd_block(stmt.body)
            self.loop_depth -= 1
            if checkpointed:
                return self.checkpointed_loop(stmt, info, body)
            loop = fill(control.COUNTED_WHILE, TRIPS=info.count, TEST=stmt.test, BODY=body)
            push = self._marker(MarkerKind.PUSH, names=[info.count], stack=self.saves_on_stack)
            return [*loop, push]
        return [stmt]

    # -- lists used as stacks (generated code differentiated again) ----------------------
    def _active_push(self, stmt):
        """(stack, value) for `s.append(v)` on an active list, else None."""
        stack, value = list_append(stmt)
        if stack is not None and self.an.kinds.get(stack) == LIST and self.an.active.get(stack):
            return stack, value
        return None

    def _active_pop(self, stmt):
        """(stack, target names) for `v = s.pop()` / `a, b = s.pop()` on an active list
        (or `v = s.pop(i)`, whose list has an array adjoint: _indexed_lists)."""
        value, target = stmt.value, stmt.targets[0]
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "pop"
            and len(value.args) <= 1
            and not value.keywords
            and isinstance(value.func.value, ast.Name)
            and self.an.kinds.get(value.func.value.id) == LIST
            and self.an.active.get(value.func.value.id)
        ):
            names = [target.id] if isinstance(target, ast.Name) else [e.id for e in target.elts]
            return value.func.value.id, names
        return None

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
            for var in op.targets:  # (a user's name before the last op: `a, b = h(x)` read
                # by index, split._unpacked_by_index)
                if var not in self.flat.temp_kinds and self.may_restore(stmt, var):
                    out.append(
                        self._marker(MarkerKind.SAVE, site=stmt, var=var, stack=self.saves_on_stack)
                    )
            out.append(_assign(op.target_node(store=True), self._fwd_primal(op), stmt.lineno))
            temps.extend(op.targets)
        last = ops[-1]
        if last.kind is OpKind.SETITEM:
            base = last.target
            out.extend(self.distinct_check(last.index, stmt.lineno, last.node))
            out.append(
                self._marker(
                    MarkerKind.SAVE_ITEM,
                    site=stmt,
                    var=base,
                    index=last.index,
                    stack=self.saves_on_stack,
                )
            )
            if temps and self.temps_marked:  # before the write: a temporary may be a
                # view of the array written
                out.append(self._marker(MarkerKind.PUSH, names=temps, stack=self.saves_on_stack))
            target = ast.Subscript(value=_name(base), slice=copy_tree(last.index), ctx=ast.Store())
            out.append(_assign(target, last.primal, stmt.lineno))
            return out
        for var in last.targets:
            if self.may_restore(stmt, var):
                out.append(
                    self._marker(MarkerKind.SAVE, site=stmt, var=var, stack=self.saves_on_stack)
                )
        target = last.target_node(store=True)
        push = (
            [self._marker(MarkerKind.PUSH, names=temps, stack=self.saves_on_stack)]
            if temps and self.temps_marked
            else []
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

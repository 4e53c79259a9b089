"""The backward sweep of reverse mode: the statements in reverse, each op's vjp,
adjoint state tracked statically (which adjoints hold a value), loops and branches
replayed from what the forward sweep pushed."""

from __future__ import annotations

import ast

from .. import control
from ..analysis import ARRAY, LIST, SCALAR, useful_names
from ..astutil import add as _add
from ..astutil import assign as _assign
from ..astutil import attr_call as _attr_call
from ..astutil import call as _call
from ..astutil import copy_tree, is_loop_exit, tuple_of, walk
from ..astutil import named as _name
from ..astutil import reads_any as _reads_any
from ..control import fill
from ..fills import unit_float64_only
from ..ir import MarkerKind, OpKind
from ..namefacts import MUTATORS
from .common import index_value as _index_value
from .common import numpy_module as _np
from .common import runtime_module as _runtime
from .copies import BoundCopies


class BackwardSweep:
    """Mixin of FunctionTransform (function.py): statements -> backward-sweep statements."""

    def _adjoint_list(self, stack, state):
        """The adjoint of a stack is a list too; create it on first use.  A list also
        read by index (`acc[-1]`, `acc[1:]`, a loop over it) has an array adjoint indexed
        like the list where the backward sweep is (zeros like the final list at first;
        each reversed append takes its last item off), so an index means in the backward
        sweep what it meant when the forward sweep read it."""
        if stack in state:
            return []
        state.add(stack)
        if stack in self._indexed_lists():
            zeros = _call(self.bind(_runtime().zeros_like, "zeros_like"), _name(stack))
            return [_assign(self.adj(stack), zeros)]
        return [_assign(self.adj(stack), self._stack_zeros(stack))]

    def _unread_stack(self, stack, state):
        """Is `stack` generated code's `_stack` parameter, passed in without an adjoint
        and never popped here?  A helper's forward sweep called for its value alone
        (`h_fwd([], a)`: its backward sweep never runs) pushes onto a list nothing reads,
        so what it pushes has no cotangent: its reversed pushes contribute nothing (they
        popped an adjoint stack made empty, an IndexError in reverse-over-reverse
        Hessians).  The main function's own `_stack` is a local, not a parameter."""
        if not stack.startswith("_stack") or stack in state:
            return False
        if stack not in {a.arg for a in self.tree.args.args}:
            return False
        return not any(
            isinstance(n, ast.Attribute)
            and n.attr == "pop"
            and isinstance(n.value, ast.Name)
            and n.value.id == stack
            for n in walk(self.tree)
        )

    def _stack_zeros(self, stack):
        """A fresh adjoint stack: a zero per item the list holds there.  Generated
        code's own `_stack` (a gradient differentiated again) is empty at the end of its
        sweeps, so its adjoint starts as `[]`."""
        if stack.startswith("_stack"):
            return ast.List(elts=[], ctx=ast.Load())
        return _call(self.bind(_runtime().zeros_each, "zeros_each"), _name(stack))

    def _indexed_lists(self):
        """Lists the function reads by index (loops over them are index loops by now)."""
        if getattr(self, "_indexed", None) is None:
            lists = {n for n, k in self.an.kinds.items() if k == LIST}
            # `s.pop(i)` takes an item from anywhere: its reverse puts the item's
            # adjoint back at i, into an array adjoint (seq_insert)
            self._popped_at = {
                n.func.value
                for n in walk(self.tree)
                if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr == "pop"
                and n.args
                and isinstance(n.func.value, ast.Name)
            }
            indexed = set()
            self._indexed_where = {}  # name -> the first node reading it not as a stack
            for parent in walk(self.tree):
                for child in ast.iter_child_nodes(parent):
                    if (
                        isinstance(child, ast.Name)
                        and child.id in lists
                        and isinstance(child.ctx, ast.Load)
                        and not self._stack_use(parent, child)
                    ):
                        indexed.add(child.id)
                        self._indexed_where.setdefault(child.id, parent)
            copies = [  # `ps = items1`: one list under two names, one adjoint protocol
                (n.targets[0].id, n.value.id)
                for n in walk(self.tree)
                if isinstance(n, ast.Assign)
                and isinstance(n.targets[0], ast.Name)
                and isinstance(n.value, ast.Name)
                and n.targets[0].id in lists
                and n.value.id in lists
            ]
            changed = True
            while changed:
                changed = False
                for a, b in copies:
                    if (a in indexed) != (b in indexed):
                        indexed |= {a, b}
                        changed = True
            self._indexed = indexed
        return self._indexed

    def _stack_use(self, parent, name):
        """Is this read of a list one the stack protocol serves: `s.append(v)`,
        `s.pop()`, `t = s` (one list, two names), or passing it to a helper (generated
        code's `_stack`)?  Any other read (an index, `len`, `np.array(s)`, a rule's
        argument) contributes an array adjoint indexed like the list."""
        if isinstance(parent, ast.Attribute):
            return parent.attr in ("append", "pop") and name not in self._popped_at
        if isinstance(parent, ast.Assign):
            return isinstance(parent.targets[0], ast.Name)
        if isinstance(parent, ast.Call) and name is not parent.func:
            from ..source import is_user_function

            return is_user_function(self.source.resolver.resolve(parent.func))
        return False

    def refuse_list_aliases(self):
        """`t = s` of a differentiated list, then both names used: one list, changed
        through one name and read through the other, would need one adjoint for both
        names (forward mode shares the tangent list; the backward sweep's list adjoints
        are per name).  A comprehension's own `s = items1` never uses `items1` again."""
        from ...errors import UnsupportedSyntaxError

        lists = {n for n, k in self.an.kinds.items() if k == LIST and self.an.active.get(n)}
        if not lists:  # (nothing to look for: no walk of the function)
            return
        order = _in_order(self.tree)
        for i, node in enumerate(order):
            if not (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Name)
                and node.targets[0].id in lists
                and node.value.id in lists
                and node.targets[0].id != node.value.id
            ):
                continue
            new, old = node.targets[0].id, node.value.id
            later = {
                n.id
                for n in order[i + 1 :]
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n is not node.value
            }
            if (
                new in later
                and old in later
                and not self._saved_copy(order[i + 1 :], new, old, node)
            ):
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate the list {old} used under a second name "
                    f"{new} (`{new} = {old}`) in reverse mode",
                    node,
                    f"use one name for the list (drop `{new} = {old}`), or differentiate "
                    "in forward mode (mode='forward')",
                )

    def _saved_copy(self, rest, new, old, node=None):
        """Is `new = old` a gradient's save of a list a later statement rebinds
        (`xs_1 = xs; xs = list_set(xs, i, v)`, differentiated again)?  Nothing changes the
        list in place through either name afterwards, so the two names hold one value,
        as two names of a number do.  Where the statement right after it rebinds `old`
        (`xs_1 = xs; xs = []`, a saved list cleared), what changes `old` in place after
        that changes the new list, not the saved one, until `old = new` gives it back."""
        if not str(getattr(self.source, "filename", "")).startswith("<srcdiff"):
            return False
        rebound = _next_statement(self.tree, node) if node is not None else None
        if not _assigns(rebound, old):
            rebound = None
        fresh = False  # does `old` name another list than `new` here?
        for n in rest:
            if n is rebound:
                fresh = True
            elif isinstance(n, ast.Assign) and _assigns(n, old) and _reads_name(n.value, new):
                fresh = False
            if (
                isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and n.attr in MUTATORS
                and (n.value.id == new or (n.value.id == old and not fresh))
            ):
                return False
        return True

    def refuse_indexed_list_parameters(self, params):
        """A helper's list parameter comes with its caller's adjoint stack (the list was
        built with append there), which can't take the array adjoint an index read
        needs; a copy (`xs[:]`) at the call is a list read by index from the start."""
        from ...errors import UnsupportedSyntaxError

        for p in sorted(params):
            if p in self._indexed_lists():
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate reading the list parameter {p} by index "
                    "when the caller built the list with .append",
                    self._indexed_where[p],
                    f"pass {self.tree.name} a copy of the list where you call it: "
                    f"`{self.tree.name}(lst[:])` for a list `lst`, not `{self.tree.name}(lst)`",
                )

    def _refuse_indexed(self, stmt, stack, what):
        from ...errors import UnsupportedSyntaxError

        return self.source.error(
            UnsupportedSyntaxError,
            f"srcdiff cannot differentiate {what} the list {stack}, which is also read by index",
            stmt,
            "build the list with .append and read it by index, or use it as a stack "
            "(append and pop) and don't index it; to pass it to a helper that reads it by "
            f"index, pass a copy: `{stack}[:]`",
        )

    def _bwd_push(self, stmt, stack, value, state):
        """Reverse of `s.append(v)`: v's adjoint comes off the adjoint stack."""
        if self._unread_stack(stack, state):
            return []
        out = self._adjoint_list(stack, state)
        if stack in self._indexed_lists():
            if isinstance(value, ast.Tuple):
                raise self._refuse_indexed(stmt, stack, "appending a tuple to")
            if not (isinstance(value, ast.Name) and self.flat.is_active(value)):
                taken = self.names.exact_or_suffixed("_")
            else:
                taken = self.names.numbered("g")
            last = ast.Subscript(
                value=_name(self.adj(stack)), slice=ast.Constant(-1), ctx=ast.Load()
            )
            rest = ast.Subscript(
                value=_name(self.adj(stack)),
                slice=ast.Slice(upper=ast.Constant(-1)),
                ctx=ast.Load(),
            )
            out.append(_assign(taken, last, stmt.lineno))
            out.append(_assign(self.adj(stack), rest, stmt.lineno))
            if isinstance(value, ast.Name) and self.flat.is_active(value):
                out.extend(self._accumulate(value.id, _name(taken), state))
            return out
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
        if stack in self._indexed_lists():  # an array adjoint: one more row again
            if len(names) != 1 or not isinstance(stmt.targets[0], ast.Name):
                raise self._refuse_indexed(stmt, stack, "popping a tuple from")
            out = self._adjoint_list(stack, state)
            value = _name(self.adj(names[0])) if names[0] in state else ast.Constant(0.0)
            if stmt.value.args:  # `v = s.pop(i)`: back where it was taken from
                insert = self.bind(_runtime().seq_insert, "seq_insert")
                at = copy_tree(stmt.value.args[0])
                push = _call(insert, _name(self.adj(stack)), value, at)
            else:
                push = _call(
                    self.bind(_runtime().seq_push, "seq_push"), _name(self.adj(stack)), value
                )
            out.append(_assign(self.adj(stack), push, stmt.lineno))
            state.discard(names[0])
            out += [
                self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack)
                for v in reversed(names)
            ]
            return out
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

    def bwd_block(self, stmts, state):
        out = []
        for stmt in reversed(stmts):
            out.extend(self.bwd_stmt(stmt, state))
        return out

    def _in_place_restores(self, stmt, compound=False):
        """The restores of forward_sweep's `_in_place_saves`, in reverse."""
        return [
            self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack, copy=True)
            for v in reversed(self._changed_in_place(stmt, compound))
        ]

    def bwd_stmt(self, stmt, state):
        if self._is_inactive_compound(stmt):
            return [
                *self._in_place_restores(stmt, compound=True),
                *(
                    self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack)
                    for v in reversed(self._compound_assigned(stmt))
                ),
            ]
        if isinstance(stmt, ast.Assign):
            return self._bwd_assign(stmt, state) + self._in_place_restores(stmt)
        if isinstance(stmt, ast.Expr):
            push = self._active_push(stmt)
            out = [] if push is None else self._bwd_push(stmt, push[0], push[1], state)
            return out + self._in_place_restores(stmt)
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
                return [pop, *fill(control.REPLAYED_ELSE, COND=info.cond, ORELSE=orelse)]
            branch = fill(control.REPLAYED_BRANCH, COND=info.cond, BODY=body, ORELSE=orelse)
            return [pop, *branch]
        if isinstance(stmt, (ast.For, ast.While)):
            return self._bwd_loop(stmt, state)
        return []

    def _bwd_loop(self, stmt, state, every=False):
        """The reversed loop.  Every adjoint a pass may add to holds a value at its head (a
        zero made explicit before the loop): names whose adjoint is zero everywhere (not
        useful) are left out, so no 0.0 meets a partial that is not finite.  Should a pass
        still start an adjoint (it would assign it, losing the other passes' share), the
        loop is built again with every active name (`every`)."""
        active = {n.id for n in walk(stmt) if isinstance(n, ast.Name) and self.an.active.get(n.id)}
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
        ends = self._zeros(state - inner, stmt)
        first = _assign_first(body, {self.adj(v) for v in (touched - before[0]) & (state - inner)})
        # an adjoint each pass assigns before reading it needs no zero before the loop nor
        # at the end of each pass: one after the loop gives the value it leaves
        pre = [z for z in pre if z.targets[0].id not in first]
        body += [z for z in ends if z.targets[0].id not in first]
        post = [z for z in ends if z.targets[0].id in first]
        restore = (
            self._marker(
                MarkerKind.RESTORE, site=stmt, var=stmt.target.id, stack=self.saves_on_stack
            )
            if isinstance(stmt, ast.For)
            else None
        )
        if isinstance(stmt, ast.For):
            info = self._header(stmt, "iters")
            loop = fill(
                control.REVERSED_FOR_COUNTED if info.count else control.REVERSED_FOR,
                TARGET=stmt.target.id,
                ITERS=info.iters,
                TRIPS=info.count or "",
                BODY=body,
            )
        else:
            info = self._header(stmt, "count")
            counter = self.names.exact_or_suffixed("_")
            loop = fill(control.REPLAYED_WHILE, COUNTER=counter, TRIPS=info.count, BODY=body)
        if stmt in self.checkpoint_plans:
            loop = self.checkpointed_reverse(stmt, loop)
        pop = self._marker(MarkerKind.POP, names=info.names(), stack=self.saves_on_stack)
        out = [pop, *pre, *loop, *post]
        if restore is not None:
            out.append(restore)
        return out

    def _zeros(self, names, origin):
        out = []
        for var in sorted(names):
            self.materialized.add(var)
            zero = ast.Constant(0.0)
            if self.an.kinds.get(var) == LIST and var not in self._indexed_lists():
                # an adjoint stack: a zero for each item on the list (_adjoint_list)
                zero = self._stack_zeros(var)
            elif self.an.kinds.get(var) == LIST:  # indexed: like the list (_adjoint_list)
                zero = _call(self.bind(_runtime().zeros_like, "zeros_like"), _name(var))
            elif var in self.scatter or var in self.indexed_adjoint:  # indexed: a real array
                zero = self.zeros_for(var)
            out.append(_assign(self.adj(var), zero, getattr(origin, "lineno", None)))
            out[-1].zero_of = var  # (the Numba backend types it: njit.py)
        return out

    def _bwd_assign(self, stmt, state):
        pop = self._active_pop(stmt)
        if pop is not None:
            return self._bwd_pop(stmt, pop[0], pop[1], state)
        ops = self._ops(stmt)
        out = []
        temps = [t for op in ops[:-1] for t in op.targets]
        if temps and self.temps_marked:
            out.append(
                self._marker(MarkerKind.POP, names=temps, stack=self.saves_on_stack, site=stmt)
            )
        # (a temporary's cotangent bound to the one it copies: copies.py)
        copies = self._copies = BoundCopies(ops) if temps else None
        try:
            for i in range(len(ops) - 1, -1, -1):
                op = ops[i]
                final = i == len(ops) - 1
                if copies is not None:
                    copies.at, copies.current = i, None
                out.extend(self._bwd_op(op, state, stmt, final))
        finally:
            self._copies = None
        for node in out:
            if isinstance(node, ast.Assign) and not hasattr(node, "srcline"):
                node.srcline = stmt.lineno
        return out

    def _bwd_op(self, op, state, stmt, final):
        if op.kind is OpKind.SETITEM:
            copies = getattr(self, "_copies", None)
            made = copies.unbound(op.targets, self.adj) if copies is not None else []
            return made + self._bwd_setitem(op, state, stmt)
        # Mirror of the forward sweep, which saved the targets in order: restore in reverse
        # (before the last op, only a user's names: `a, b = h(x)` read by index), where the
        # name may hold a value then (may_restore: else nothing was saved)
        restores = [
            self._marker(MarkerKind.RESTORE, site=stmt, var=v, stack=self.saves_on_stack)
            for v in reversed(op.targets)
            if (final or v not in self.flat.temp_kinds) and self.may_restore(stmt, v)
        ]
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
        made = self._bound_cotangent(op)
        atoms = {p: op.bound[p] for p in op.active}
        # Does the statement read what it assigns?  Inactive operands count too: the
        # condition of np.where(x > 0, ...) is evaluated again in the backward sweep.
        self_ref = _atoms_read_any(op.bound.values(), op.targets)
        # A helper's backward sweep pops what its forward sweep pushed *after* the targets
        # were saved, so it runs before they are restored (it reads no caller variables).
        restore_first = self_ref and op.kind is not OpKind.HELPER
        out = restores if restore_first else []
        self._shaped_first = (  # (whether or not a restore is marked: the same code)
            restore_first and final and bool(op.targets) and self._needs_shape(op)
        )
        if self._shaped_first:
            # `out = np.concatenate([out, t])`: the shapeless zero takes the new value's
            # shape before the restore brings back the old, shorter one
            d = self.adj(op.target)
            shaped = _call(self.bind(_runtime().like, "like"), _name(d), _name(op.target))
            out = [_assign(d, shaped), *restores]
        out = [*made, *out]
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

    def _bound_cotangent(self, op):
        """Where `_vjp` reads op's cotangent (copies.py): the name a temporary's is
        bound to, else its own; an op that reads it otherwise (a helper's, a subscript's,
        a list of several) gets the copies of its bound targets and operands made
        first."""
        copies = getattr(self, "_copies", None)
        if copies is None:
            return []
        if op.kind in (OpKind.HELPER, OpKind.SUBSCRIPT) or op.unpacked:
            # (a subscript's adds into its operand's cotangent in place: made too)
            operands = [a.id for a in op.bound.values() if isinstance(a, ast.Name)]
            return copies.unbound([*op.targets, *operands], self.adj)
        copies.current = copies.cotangent(op.target, self.adj(op.target))
        return []

    def _vjp(self, op, param, self_ref):
        copies = getattr(self, "_copies", None)
        current = copies.current if copies is not None else None
        g = _name(current[0] if current is not None else self.adj(op.target))
        if op.unpacked:  # a rule returning several values: cotangents as a list
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
        if self._needs_shape(op) and not self._shaped_first:
            # a zero made explicit as 0.0 has no shape: a linear map (dot, sum,
            # reshape) needs the real one
            g = _call(self.bind(_runtime().like, "like"), g, _name(op.target))
        expr = self.rule_expression(op, "vjp", param, g, self_ref)
        if op.rule.elementwise:
            expr = self._unbroadcast(expr, op.bound[param], op)
        return expr

    def _needs_shape(self, op):
        """Whether op's cotangent may be a shapeless zero (0.0) that its rule, not being
        elementwise, can't take: `like(g, target)` then gives it the target's shape."""
        return (
            op.rule is not None
            and op.kind not in (OpKind.COPY, OpKind.SUBSCRIPT, OpKind.PACK)
            and not op.rule.elementwise
            and not op.unpacked  # (g is then a list, one cotangent per result, ragged)
            and op.target in self.materialized
            and self.flat.kind(_name(op.target)) != SCALAR
            and op.rule.func is not _runtime().seq_push  # (`d = seq_push(d, v)`: its own
            # vjps take a zero g; `like(g, d)` would read the restored, shorter d)
        )

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
        lead = self._leading_axes(atom, op)
        if lead == 0:  # dense, of the result's rank: of its shape (shapes.py)
            return expr
        if lead and op.target not in self.materialized:  # a bias added to a batch
            # g.sum(axis=0), an array's method (half the cost of np.sum's dispatch)
            axes = lead - 1 if lead == 1 else tuple(range(lead))
            total = ast.Attribute(value=expr, attr="sum", ctx=ast.Load())
            return ast.Call(
                func=total, args=[], keywords=[ast.keyword(arg="axis", value=_axes_node(axes))]
            )
        axes = (
            self.shapes.kept_axes(atom.id, op.target)
            if isinstance(atom, ast.Name) and op.target not in self.materialized
            else None
        )
        if axes is not None:  # a keepdims reduction of the result's shape: sum those axes
            # (not where the adjoint may be a shapeless zero: np.sum(0.0, axis=1) fails)
            total = ast.Attribute(value=_name(self.bind(_np(), "np")), attr="sum", ctx=ast.Load())
            return ast.Call(
                func=total,
                args=[expr],
                keywords=[
                    ast.keyword(arg="axis", value=_axes_node(axes)),
                    ast.keyword(arg="keepdims", value=ast.Constant(True)),
                ],
            )
        return _call(self.bind(_runtime().unbroadcast, "unbroadcast"), expr, copy_tree(atom))

    def _leading_axes(self, atom, op):
        """How many leading axes the result of `op` has beyond a dense operand `atom`'s
        (which has the result's shape on the rest), or None where that isn't certain."""
        if not isinstance(atom, ast.Name) or not self.shapes.dense(atom.id):
            return None
        rank, out_rank = self.shapes.rank(atom.id), self.shapes.rank(op.target)
        if rank is None or out_rank is None or out_rank < rank:
            return None
        return out_rank - rank

    def _accumulate(self, var, expr, state, shared=False):
        """Add `expr` to var's adjoint (the first contribution assigns).  An adjoint
        that indexing updates in place must own its array: when `x = x + t` hands `dx`
        to `dt` too (`shared`), `dx` keeping its array would let `dx[i] += g` change `dt`."""
        d = self.adj(var)
        if expr is None:
            return []
        copies = getattr(self, "_copies", None)
        if var in state:
            made = copies.unbound([var], self.adj) if copies is not None else []
            total = _add(_name(d), expr)
            if var in self.scatter and not (self.shapes.rank(var) or 0) >= 1:
                # a 0-d array's `dx + g` is a NumPy scalar, which `dx[()] += g` can't
                # change: own an array again where the rank may be 0
                total = _call(self.bind(_runtime().owned, "owned"), total, _name(var))
            return [*made, _assign(d, total)]
        state.add(var)
        if isinstance(expr, ast.Name) and expr.id == d and not (shared and var in self.scatter):
            return []
        if (
            copies is not None
            and isinstance(expr, ast.Name)
            and var not in self.scatter
            and copies.bind(var, expr.id)
        ):
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
            if op.bound[p].id in self._indexed_lists():
                raise self._refuse_indexed(op.node, op.bound[p].id, "passing to a helper")
            pre += self._adjoint_list(op.bound[p].id, state)
        call = _call(
            spec.bwd_name,
            _name(self.stack),
            *couts,
            *[_name(self.adj(op.bound[p].id)) for p in lists],
            *[
                copy_tree(op.bound[p]) if p in op.bound else ast.Constant(spec.number_default(p))
                for p in spec.passed
            ],
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
        item = ast.Subscript(value=_name(d), slice=copy_tree(op.index), ctx=ast.Load())
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
                    self.bind(_runtime().unbroadcast, "unbroadcast"), item, copy_tree(atom)
                )
            zero = ast.Subscript(value=_name(d), slice=copy_tree(op.index), ctx=ast.Store())
            if atom.id == base:  # y[i] = y: the old y gets the slice's adjoint once it is zeroed
                taken = self.names.numbered("dv")
                out.append(_assign(taken, expr))
                out.append(_assign(zero, ast.Constant(0.0)))
                return out + self._accumulate(base, _name(taken), state) + restore
            out += self._accumulate(atom.id, expr, state)
        zero = ast.Subscript(value=_name(d), slice=copy_tree(op.index), ctx=ast.Store())
        out.append(_assign(zero, ast.Constant(0.0)))
        return out + restore

    def _bwd_subscript(self, op, state):
        base = op.bound["x"]
        g = _name(self.adj(op.target))
        state.discard(op.target)
        out = []
        if op.target == base.id:  # x = x[1:]: the new x's adjoint, kept before the old one starts
            held = self.names.numbered(self.adj(base.id) + "_")
            out.append(_assign(held, g))
            g = _name(held)
        if self.flat.kind(base) == ARRAY and self._basic_index(op.primal.slice):
            # `dx[1:] += g`, as one would write it: the index picks each element at most
            # once, and dx is an array this adjoint owns
            if base.id not in state:  # floats even when the array holds integers
                out.append(_assign(self.adj(base.id), self.zeros_for(base.id)))
                state.add(base.id)
            target = ast.Subscript(
                value=_name(self.adj(base.id)),
                slice=copy_tree(op.primal.slice),
                ctx=ast.Store(),
            )
            out.append(ast.AugAssign(target=target, op=ast.Add(), value=g))
            return out
        if self.flat.kind(base) == ARRAY and self.shapes.distinct_gather(op.primal):
            # `dx[np.arange(n), labels] = g`: no position is picked twice (shapes.py),
            # so plain NumPy indexing adds the adjoint; no np.add.at
            fresh = base.id not in state
            if fresh:
                out.append(_assign(self.adj(base.id), self._gather_zeros(base.id)))
                state.add(base.id)
            target = ast.Subscript(
                value=_name(self.adj(base.id)),
                slice=copy_tree(op.primal.slice),
                ctx=ast.Store(),
            )
            if fresh:
                out.append(_assign(target, g))
            else:
                out.append(ast.AugAssign(target=target, op=ast.Add(), value=g))
            return out
        current = _name(self.adj(base.id)) if base.id in state else ast.Constant(None)
        call = _call(
            self.bind(_runtime().add_at, "add_at"),
            current,
            copy_tree(base),
            _index_value(op.primal.slice),
            g,
        )
        state.add(base.id)
        return [*out, _assign(self.adj(base.id), call)]

    def _gather_zeros(self, var):
        """The zero adjoint a distinct gather writes into: `np.zeros_like(x)` where that
        has the adjoint's dtype -- any floating array when every floating value of the
        code is float64 (fills.float64_only), else an argument (zeros_for) -- else
        runtime.zeros_like, which makes float32 of float16."""
        narrow = getattr(self.unit, "narrow_args", None)
        if narrow is None:
            return self.zeros_for(var)
        if not unit_float64_only(self.unit, narrow):
            return self.zeros_for(var)
        np_zeros = ast.Attribute(
            value=_name(self.bind(_np(), "np")), attr="zeros_like", ctx=ast.Load()
        )
        return _call(np_zeros, _name(var))

    @property
    def useful(self):
        """Names whose adjoint may be nonzero (analysis.useful_names), computed once."""
        if not hasattr(self, "_useful"):
            self._useful = useful_names(self.tree, self.outputs, self.an.kinds)
        return self._useful


def _assign_first(body, zero_at_head):
    """`dz = dz + e` -> `dz = e` where a reversed loop's pass first touches an adjoint that
    is zero at the head of every pass (made 0.0 before the loop and again at the end of
    each pass, which then usually dies): one addition and one zero per pass saved.  Only
    for a fresh `e` (an operation, never another adjoint's array) and a top-level
    statement of the body.  Changes `body`; returns the adjoints rewritten."""
    done: set[str] = set()
    wanted = set(zero_at_head)
    first: dict[str, int] = {}  # name -> the first statement mentioning it (one walk each,
    # until every name wanted is found; a rewrite below drops only its own adjoint's mention)
    for i, stmt in enumerate(body):
        if len(first) == len(wanted):
            break
        for n in walk(stmt):
            if n.__class__ is ast.Name and n.id in wanted:
                first.setdefault(n.id, i)
    for d in sorted(zero_at_head):
        i = first.get(d)
        if i is not None:
            stmt = body[i]
            value = getattr(stmt, "value", None)
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id == d
                and isinstance(value, ast.BinOp)
                and isinstance(value.op, ast.Add)
                and isinstance(value.left, ast.Name)
                and value.left.id == d
                and isinstance(value.right, (ast.BinOp, ast.UnaryOp))
                and not any(isinstance(n, ast.Name) and n.id == d for n in walk(value.right))
            ):
                new = ast.Assign(targets=stmt.targets, value=value.right)
                new.srcline = getattr(stmt, "srcline", None)
                body[i] = new
                done.add(d)
    return done


def _axes_node(axes):
    """An axis (int) or axes (tuple of ints) as an expression."""
    if isinstance(axes, tuple):
        return ast.Tuple(elts=[_axes_node(a) for a in axes], ctx=ast.Load())
    if axes < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-axes))
    return ast.Constant(axes)


def _next_statement(tree, stmt):
    """The statement after `stmt` in the block holding it, or None."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and stmt in block:
                at = block.index(stmt)
                return block[at + 1] if at + 1 < len(block) else None
    return None


def _assigns(stmt, name):
    """Is `stmt` the assignment `name = ...`?"""
    return (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id == name
    )


def _reads_name(expr, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def _in_order(tree):
    """Every node, depth first in source order (`walk` goes breadth first)."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(reversed(list(ast.iter_child_nodes(node))))
    return out


def _atoms_read_any(atoms, names):
    """`astutil.reads_any(atoms, names)`, without a walk of an atom that is a name or a
    constant (most operands): asked of every op of the backward sweep."""
    names = set(names)
    for atom in atoms:
        kind = atom.__class__
        if kind is ast.Name:
            if atom.id in names:
                return True
        elif kind is not ast.Constant and _reads_any([atom], names):
            return True
    return False

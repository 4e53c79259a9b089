"""Stage 4, forward mode: from core-form code to a tangent (jvp) function.

Each primal statement is followed by the statement computing its tangent
(``dy = dx * math.cos(x)``), from the same rule table as reverse mode
(each rule's ``jvp`` template).  No stack is needed: tangents flow with
the values.  As in reverse mode, the transformer knows statically which
tangents are zero and emits nothing for them; where branches join or loops
repeat, a zero tangent is made explicit.

Lists used as stacks (``s = []``, ``s.append(v)``, ``v = s.pop()``) get a
parallel list of tangents.  That is what lets forward mode run over the
code reverse mode generates, for Hessians (forward over reverse).
"""

from __future__ import annotations

import ast
import copy

import numpy

from ..runtime.lists import list_add
from .analysis import ARRAY, INT, LIST, SCALAR, SEQ, list_append
from .astutil import add, assign, attr_call, call, copy_tree, is_loop_exit, tuple_of, walk
from .astutil import named as name
from .astutil import reads_any as _reads_any
from .ir import OpKind
from .shapes import ShapeTokens
from .tangent_views import shared_names
from .transform import TransformBase
from .unit import Prepared, Unit


class ForwardTransform(TransformBase):
    """Builds the tangent code of one function specialisation."""

    mode = "forward"

    def __init__(self, unit: Unit, prepared: Prepared, role: str):
        super().__init__(unit, prepared, role)
        self.scatter: set[str] = set()
        self.indexed: set[str] = set()
        self.materialized: set[str] = set()
        self.shares: dict[str, set[str]] = {}  # variable -> those its tangent may be
        self.shapes = ShapeTokens(self)

    # -- entry ---------------------------------------------------------------------------
    def build(self, tangent_names=None, seeded=None):
        """(statements, final tangent state); tangents of `wrt` are parameters.  With
        `seeded` (a parameter), only that parameter's tangent is given, the others are
        statically zero: one direction of several (unroll.py), with fresh tangent names."""
        if seeded is not None:
            self.adjoints, self.materialized, self.indexed = {}, set(), set()
        for p, n in (tangent_names or {}).items():
            self.adjoints[p] = n
        self.scatter = {
            n.targets[0].value.id
            for n in walk(self.tree)
            if isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Subscript)
            and isinstance(n.targets[0].value, ast.Name)
        }
        seeds = self.wrt if seeded is None else [seeded]
        state = {p for p in seeds if self.an.active.get(p)}
        if self.role == "helper":  # tangent parameters default to 0.0: shapeless
            self.materialized |= state
        body = self.block(self.tree.body[:-1], state)
        return body, state

    def output_tangent(self, var, state):
        if var in state:
            if self.an.kinds.get(var) in (ARRAY, SEQ):
                return call(self.bind(_runtime().like, "like"), name(self.adj(var)), name(var))
            return name(self.adj(var))
        return self.zero(var)

    def zero(self, var):
        kind = self.flat.temp_kinds.get(var) or self.an.kinds.get(var, SCALAR)
        if kind == LIST:
            return ast.List(elts=[], ctx=ast.Load())
        if kind == SCALAR or kind not in (ARRAY, SEQ):
            return ast.Constant(0.0)
        return call(self.bind(_runtime().zeros_like, "zeros_like"), name(var))

    # -- statements ------------------------------------------------------------------------
    def block(self, stmts, state):
        out = []
        for stmt in stmts:
            out.extend(self.stmt(stmt, state))
        return out

    def stmt(self, stmt, state):
        if isinstance(stmt, ast.Assign):
            special = self._stack_assign(stmt, state)
            if special is not None:
                return special
            return self._assign(stmt, state)
        if isinstance(stmt, ast.If):
            a, b = set(state), set(state)
            body = self.block(stmt.body, a)
            orelse = self.block(stmt.orelse, b)
            joined = a | b
            body += self._zeros(joined - a, self.defs.must_end.get((id(stmt), "body"), ()))
            orelse += self._zeros(joined - b, self.defs.must_end.get((id(stmt), "orelse"), ()))
            state.clear()  # a variable both branches overwrite with constants has none
            state |= joined
            return [ast.If(test=stmt.test, body=body or [ast.Pass()], orelse=orelse)]
        if isinstance(stmt, (ast.For, ast.While)):
            touched = {
                n.id
                for n in walk(stmt)
                if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)
                and self.an.active.get(n.id)
            }
            touched |= {
                n.value.id
                for n in walk(stmt)  # y[i] = ... changes y too
                if isinstance(n, ast.Subscript)
                and isinstance(n.ctx, ast.Store)
                and isinstance(n.value, ast.Name)
                and self.an.active.get(n.value.id)
            }
            pre = self._zeros(touched - state, defined=self.defs.must.get(id(stmt), set()))
            state |= touched
            self.materialized |= touched  # a pass may start from zeros made explicit
            inner = set(state)
            stmts, exit_ = _split_exit(stmt.body)
            body = self.block(stmts, inner)
            # zeros go before the final `if flag: break`: the loop is left through it too
            body += self._zeros(
                state - inner, defined=self.defs.must_end.get((id(stmt), "body"), ())
            )
            body += self.block(exit_, inner)
            loop = copy.copy(stmt)
            loop.body = body or [ast.Pass()]
            return pre + [loop]
        if isinstance(stmt, ast.Expr):
            stack, value = list_append(stmt)
            if stack is not None and stack in state:
                return self._push(stmt, stack, value, state)
        return [stmt]

    def _zeros(self, names, defined=()):
        """Explicit zero tangents where branches join or loops repeat.  A scalar 0.0
        broadcasts against anything; tangents that get indexed need an array, made like
        the variable if it certainly exists here (else it is assigned before any use)."""
        out = []
        for v in sorted(names):
            if v in self.flat.temp_kinds:
                continue
            indexed = v in self.scatter or v in self._indexed()
            zero = self.zero(v) if indexed and v in defined else ast.Constant(0.0)
            self.materialized.add(v)
            out.append(assign(self.adj(v), zero))
        return out

    def _indexed(self):
        return {
            n.value.id
            for n in walk(self.tree)
            if isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Name)
            and isinstance(n.ctx, ast.Load)
        }

    # -- assignments -------------------------------------------------------------------------
    def _assign(self, stmt, state):
        out = []
        ops = self._ops(stmt)
        for op in ops:
            out.extend(self._op(op, state, stmt))
        for op in ops[:-1]:  # temporaries live only inside their statement
            if op.target in self.flat.temp_kinds:  # (not `a`, `b` of `a, b = t[0], t[1]`)
                state.discard(op.target)
        for node in out:
            node.srcline = stmt.lineno
        return out

    def _op(self, op, state, stmt):
        if op.kind is OpKind.SETITEM:
            return self._setitem(op, state)
        if op.kind is OpKind.HELPER:
            return self._helper(op, state)
        primal_target = op.target_node(store=True)
        primal = assign(primal_target, op.primal)
        self._state = state
        present = [
            p
            for p in op.active
            if any(isinstance(e, ast.Name) and e.id in state for e in _elements(op.bound[p]))
        ]
        if op.kind is OpKind.PACK and present:  # the tangent of [a, b] is [da, db]
            elts = [
                self._item_tangent(op.target, k, a, p in present)
                for k, (p, a) in enumerate(op.bound.items())
            ]
            state.add(op.target)
            return [primal, assign(self.adj(op.target), ast.List(elts=elts, ctx=ast.Load()))]
        if op.kind is OpKind.INACTIVE or not present:
            for t in op.targets:
                state.discard(t)
            return [primal]
        self_ref = _reads_any(op.bound.values(), op.targets)  # inactive operands too
        terms = [self._jvp(op, p, self_ref) for p in present]
        total = terms[0]
        for term in terms[1:]:
            total = self._sum(op, total, term)
        target = op.target
        widen = op.kind is OpKind.RULE and op.rule.elementwise and self._may_widen(op, present)
        if op.unpacked:  # a rule returning several values: unpack their tangents
            for t in op.targets:
                state.add(t)
            elts = [name(self.adj(t), True) for t in op.targets]
            tangent = assign(ast.Tuple(elts=elts, ctx=ast.Store()), total)
            return [tangent, primal] if self_ref else [primal, tangent]
        if op.kind is OpKind.SUBSCRIPT:
            self.indexed.add(op.bound["x"].id)
        state.add(target)
        if op.kind is OpKind.COPY and all(op.bound[p].id in self.materialized for p in present):
            self.materialized.add(target)  # the copy of a shapeless zero
        # A tangent has its value's shape: where only smaller operands of a broadcasting
        # operation carry tangents, broadcast it (an owned tangent is made full size).
        shaper = "owned" if target in self.scatter else "broadcast_like" if widen else None
        total = self._unshared(op, total, target, fresh=shaper == "owned")
        if self_ref:  # the tangent reads the old value: compute it first, shape it after
            out = [assign(self.adj(target), total), primal]
            if shaper:
                out.append(
                    assign(self.adj(target), self._shaped(shaper, name(self.adj(target)), target))
                )
            return out
        if shaper:
            total = self._shaped(shaper, total, target)
        return [primal, assign(self.adj(target), total)]

    def _unshared(self, op, tangent, target, fresh):
        """`tangent`, copied where it may be the memory of another variable's tangent
        that is changed in place later (`dv = dw` for `v = 1.0 * w`, then `dw[1] = ...`):
        `v` is a new array, so its tangent must be one.  A name copied (`v = w`) shares
        its value's memory, and so its tangent's: aliasing.py rules on that.  Records
        which tangents `target`'s may be, through temporaries (`t = w.T; v = t * 1.0`)."""
        owners = {t: v for v, t in self.adjoints.items()}
        shared = set()
        for n in shared_names(tangent):
            if n in owners:
                shared |= {owners[n]} | self.shares.get(owners[n], set())
        if op.kind is not OpKind.COPY and not fresh and shared & self.scatter:
            np_name = name(self.bind(numpy, "np"))
            tangent = call(ast.Attribute(value=np_name, attr="copy", ctx=ast.Load()), tangent)
            shared = set()
        self.shares[target] = set() if fresh else shared
        return tangent

    def _shaped(self, helper, tangent, target):
        return call(self.bind(getattr(_runtime(), helper), helper), tangent, name(target))

    def _may_widen(self, op, present):
        """Can the tangent of broadcasting op `op` be smaller than its result?  Not when
        the result is a scalar, when every operand that may be an array carries a tangent
        (their tangents broadcast together), or when one provably has the result's shape."""
        if self.flat.kind(_name_of(op.target)) == SCALAR:
            return False
        # a zero made explicit (0.0) has no shape: it does not give the result's shape
        shaped = [p for p in present if op.bound[p].id not in self.materialized]
        arrays = [
            p
            for p, a in op.bound.items()
            if p in op.rule.params and not isinstance(a, ast.Constant) and not self._one_number(a)
        ]
        if set(arrays) <= set(shaped) | _broadcast_with(op.rule, shaped):
            return False
        return not any(self.shapes.same(op.bound[p].id, op.target) for p in shaped)

    def _one_number(self, atom):
        """A float, or an int known to be one (the int kind covers masks and index
        arrays too, which broadcast: `x[0] - (x > 0)` has the mask's shape)."""
        kind = self.flat.kind(atom)
        return kind == SCALAR or (kind == INT and self.flat.rank(atom) == 0)

    def _element_tangent(self, e):
        """The tangent of one element of a list argument (np.stack([x, y])): a zero shaped
        like it where it has none, or where its tangent may be an explicit 0.0 (which has
        no shape: np.stack needs the element's)."""
        if not (isinstance(e, ast.Name) and e.id in self._state):
            return call(self.bind(_runtime().zeros_like, "zeros_like"), e)
        t = name(self.adj(e.id))
        if e.id in self.materialized and self.flat.kind(e) != SCALAR:
            return call(self.bind(_runtime().like, "like"), t, name(e.id))
        return t

    def _sum(self, op, total, term):
        """Two parameters' tangent terms of `op` added: with `+`, except where they are
        sequences, which `+` would join -- a list-valued rule's (list_add: a list), and a
        rule's several results (add_each)."""
        rule = op.rule if op.kind is OpKind.RULE else None
        if rule is not None and rule.result == "list":
            return call(self.bind(list_add, "list_add"), total, term)
        if op.unpacked or (rule is not None and rule.several):
            return call(self.bind(_runtime().add_each, "add_each"), total, term)
        return add(total, term)

    def _item_tangent(self, target, k, item, present):
        """The tangent of item `k` of a list or tuple display bound to `target`: 0.0 for
        a number without one, else shaped like the item where it may be an array (the
        list is read later by a join, np.stack(items), which needs every item's shape;
        an item computed in the display is read back from the list, not computed again)."""
        if isinstance(item, ast.Constant) or self._one_number(item):
            return name(self.adj(item.id)) if present else ast.Constant(0.0)
        if isinstance(item, ast.Name):
            return self._element_tangent(item)
        read = ast.Subscript(value=name(target), slice=ast.Constant(k), ctx=ast.Load())
        return call(self.bind(_runtime().zeros_like, "zeros_like"), read)

    def _jvp(self, op, param, self_ref):
        atom = op.bound[param]
        if isinstance(atom, (ast.List, ast.Tuple)):  # tangents of each element, zeros too
            t = ast.List(elts=[self._element_tangent(e) for e in atom.elts], ctx=ast.Load())
        else:
            t = name(self.adj(atom.id))
            if (
                atom.id in self.materialized
                and self.flat.kind(atom) != SCALAR
                and (op.kind is OpKind.SUBSCRIPT or op.rule is not None and not op.rule.elementwise)
            ):
                # an explicit zero 0.0 has no shape: a linear map (dot, sum) needs it
                t = call(self.bind(_runtime().like, "like"), t, name(atom.id))
        if op.kind is OpKind.COPY:
            return t
        if op.kind is OpKind.SUBSCRIPT:
            item = ast.Subscript(value=t, slice=copy_tree(op.primal.slice), ctx=ast.Load())
            if atom.id in self.scatter:  # dy is assigned into later: don't keep a view of it
                item = call(
                    ast.Attribute(value=name(self.bind(numpy, "np")), attr="copy", ctx=ast.Load()),
                    item,
                )
            return item
        rule = op.rule
        if rule is None:
            raise AssertionError(f"no jvp for op kind {op.kind}")
        return self.rule_expression(op, "jvp", param, t, self_ref)

    def _setitem(self, op, state):
        base = op.target
        index = copy_tree(op.index)
        primal = assign(ast.Subscript(value=name(base), slice=index, ctx=ast.Store()), op.primal)
        value_present = bool(op.active) and op.bound["v"].id in state
        if base not in state and not value_present:
            return [primal]
        out = self.distinct_check(op.index, op.node) + [primal]
        if base not in state:
            out.append(
                assign(
                    self.adj(base), call(self.bind(_runtime().zeros_like, "zeros_like"), name(base))
                )
            )
            state.add(base)
        value = ast.Constant(0.0)
        if value_present:  # cast to the array's dtype: an integer array keeps no derivative
            value = call(
                self.bind(_runtime().stored_in, "stored_in"),
                name(self.adj(op.bound["v"].id)),
                name(base),
            )
        target = ast.Subscript(
            value=name(self.adj(base)), slice=copy_tree(op.index), ctx=ast.Store()
        )
        out.append(assign(target, value))
        return out

    def _helper(self, op, state):
        spec = op.helper
        args = list(op.primal.args)
        keywords = list(op.primal.keywords)
        tangents = [
            name(self.adj(op.bound[p].id)) if op.bound[p].id in state else self.zero(op.bound[p].id)
            for p in op.active
        ]
        call_node = ast.Call(
            func=name(spec.jvp_name),
            args=args,
            keywords=keywords
            + [
                ast.keyword(arg=spec.tangent_names[p], value=t) for p, t in zip(op.active, tangents)
            ],
        )
        # helpers return values then tangents, flat: `a, b, da, db = h_jvp(...)`
        target = tuple_of(list(op.targets) + [self.adj(t) for t in op.targets], store=True)
        for t in op.targets:
            state.add(t)
        return [assign(target, call_node)]

    # -- lists used as stacks ------------------------------------------------------------------
    def _stack_assign(self, stmt, state):
        target, value = stmt.targets[0], stmt.value
        if (
            isinstance(value, ast.List)
            and not value.elts
            and isinstance(target, ast.Name)
            and self.an.active.get(target.id)
        ):
            state.add(target.id)
            return [stmt, assign(self.adj(target.id), ast.List(elts=[], ctx=ast.Load()))]
        if (
            isinstance(value, ast.Call)
            and isinstance(target, ast.Name)
            and self.an.active.get(target.id)
            and self.source.resolver.resolve(value.func) is _runtime().zeros_each
        ):
            # a gradient's adjoint stack (differentiated again): its tangent is a stack
            # of zeros too, which the appends and pops that follow keep in step
            state.add(target.id)
            return [stmt, assign(self.adj(target.id), copy_tree(value))]
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "pop"
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id in state
        ):
            stack = value.func.value.id
            names = [target.id] if isinstance(target, ast.Name) else [e.id for e in target.elts]
            # (an integer the first pass declared, `k: int = _stack.pop()`, has none)
            state.update(n for n in names if n not in self.an.declared_ints)
            popped = attr_call(self.adj(stack), "pop", *map(copy_tree, value.args))
            if all(n in self.an.declared_ints for n in names):
                return [stmt, ast.Expr(value=popped)]  # (its zero comes off, unread)
            # (`s.pop(i)`: the tangent from the same place)
            return [stmt, assign(tuple_of([self.adj(n) for n in names], store=True), popped)]
        return None

    def _pushed_zero(self, var):
        """The tangent pushed for an inactive value.  Whoever pops it may index it (a
        pushed ``range`` drives a loop of the backward sweep), so anything that is not
        known to be a number gets a zero shaped like it at run time."""
        kind = self.an.kinds.get(var)
        if kind == SCALAR or (kind == INT and self.an.ranks.get(var) == 0):
            return ast.Constant(0.0)
        return call(self.bind(_runtime().zeros_like, "zeros_like"), name(var))

    def _pushed_tangent(self, value, state):
        """The tangent pushed beside `value`: shaped like it where it may be an explicit
        0.0 (a helper's tangent parameter defaults to one), since whoever pops it may
        give it to a linear map (matmul_da(g, p, dy) of a popped dy: 0.0 has no axes)."""
        if value.id not in state:
            return self._pushed_zero(value.id)
        tangent = name(self.adj(value.id))
        if value.id in self.materialized and not self._one_number(value):
            return call(self.bind(_runtime().like, "like"), tangent, name(value.id))
        return tangent

    def _push(self, stmt, stack, value, state):
        out = []
        if not (
            isinstance(value, ast.Name)
            or (isinstance(value, ast.Tuple) and all(isinstance(e, ast.Name) for e in value.elts))
        ):
            tmp = self.names.numbered("t")
            fake = ast.copy_location(assign(tmp, value), stmt)
            out += self._assign(fake, state)
            value = name(tmp)
            stmt = ast.Expr(value=attr_call(stack, "append", value))
        elts = value.elts if isinstance(value, ast.Tuple) else [value]
        tangents = [self._pushed_tangent(e, state) for e in elts]
        tangent = (
            tangents[0]
            if not isinstance(value, ast.Tuple)
            else ast.Tuple(elts=tangents, ctx=ast.Load())
        )
        return out + [stmt, ast.Expr(value=attr_call(self.adj(stack), "append", tangent))]


def _name_of(target):
    return ast.Name(id=target, ctx=ast.Load())


def _elements(atom):
    return atom.elts if isinstance(atom, (ast.List, ast.Tuple)) else [atom]


def _runtime():
    from ..runtime import core as runtime

    return runtime


def _split_exit(body):
    """A loop body as (statements, [final `if flag: break`] or [])."""
    if body and is_loop_exit(body[-1]):
        return body[:-1], body[-1:]
    return body, []


_ELEMENTWISE_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant)


def _broadcast_with(rule, shaped):
    """Operands every one of whose elements a tangent term meets: `t * (y)` of x * y is
    `dx * y`, shaped like x and y broadcast together, so y needs no broadcast_like.  Only
    from a template of elementwise arithmetic over names (NumPy broadcasts each operation
    to all its leaves' shapes), and only where no spelling by rank or by constants may
    replace it; `out` (the result) covers every operand."""
    if rule.by_rank or rule.by_constants is not None:
        return set()
    covered: set[str] = set()
    for p in shaped:
        template = rule.template("jvp", p, None, None)
        nodes = list(walk(template))
        if not all(
            isinstance(n, _ELEMENTWISE_NODES + (ast.operator, ast.unaryop, ast.expr_context))
            for n in nodes
        ):
            continue
        read = {n.id for n in nodes if isinstance(n, ast.Name)}
        covered |= set(rule.params) if "out" in read else read & set(rule.params)
    return covered

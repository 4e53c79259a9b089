"""Three-address operations: one primitive application per assignment.

The transformers split each active assignment into a short list of
`Op`s: temporaries for inner subexpressions, and a final op that assigns
the user's variable.  Inactive subexpressions (constants, integer index
arithmetic, `len(x)`) stay inline as operands.  Forward and reverse mode
both consume this form.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import reprlib
import types
from typing import TYPE_CHECKING

import numpy as np

from ..errors import NoRuleError, UnsupportedSyntaxError
from ..rules import RULES
from ..runtime import gathers, linalg, lists
from ..runtime.trees import registered
from .analysis import (
    ARRAY,
    INT,
    LIST,
    OTHER,
    REDUCTIONS,
    SCALAR,
    SEQ,
    call_items,
    kind_of_value,
)
from .astutil import walk
from .derivative_calls import code_of_derivative
from .ir import Op, OpKind
from .local_aliases import assigned_pairs
from .namefacts import changed_through

if TYPE_CHECKING:
    from .analysis import Analysis
    from .naming import Names
    from .unit import Unit
from .self_methods import assigning, overriding
from .source import MISSING, FunctionSource, is_library


class Flattener:
    """Splits expressions of one function into Ops (see module docstring)."""

    def __init__(
        self,
        source: FunctionSource,
        tree: ast.FunctionDef,
        analysis: Analysis,
        names: Names,
        unit: Unit,
        mode: str,
    ):
        self.source = source
        self.tree = tree
        self.params = [
            a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]
        ]
        self.an = analysis
        self.names = names  # temporaries are allocated from the transformer's names
        self.unit = unit  # helpers are specialised through it; it learns of index stores
        self.mode = mode  # "reverse" or "forward": which helper units to ask for
        self.temp_kinds: dict[str, str | None] = {}
        self.temp_ranks: dict[str, int | None] = {}
        self.inactive_temps: set[str] = set()  # temporaries of inactive values (_atom)

    # -- public ------------------------------------------------------------------
    def assign(self, stmt: ast.Assign) -> list[Op]:
        """Ops for an Assign statement of the core form."""
        with self.an.memoized():  # (the analysis is final: kinds asked again are known)
            return self._assign(stmt)

    def _assign(self, stmt: ast.Assign) -> list[Op]:
        ops = []
        target = stmt.targets[0]
        if isinstance(target, ast.Tuple):
            kind, active = self.an.expr(stmt.value)
            names = [e.id for e in target.elts if isinstance(e, ast.Name)]  # core form
            if not active:
                ops.append(Op(OpKind.INACTIVE, names, stmt.value, stmt, unpacked=True))
                return ops
            call = stmt.value
            func = self._resolve_call(call)
            if func is not MISSING and RULES.lookup(func):  # a rule returning a sequence
                ops.append(self._call_op(call, names, ops))
            else:
                if not self._is_helper(func):
                    raise self._no_rule(
                        call, func, "a call unpacked into several variables", results=len(names)
                    )
                if self._unpacked_by_index(call, func, names, stmt, ops):
                    return ops
                ops.append(self._helper_op(call, func, names, ops))
            ops[-1].unpacked = True
            return ops
        if isinstance(target, ast.Name) and target.id in self.an.not_differentiated:
            ops.append(Op(OpKind.INACTIVE, [target.id], stmt.value, stmt))  # (has_aux's aux)
            return ops
        if isinstance(target, ast.Name):
            self._into(stmt.value, target.id, ops)
            return ops
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            return self._setitem(stmt, target, ops)
        raise self.source.error(
            UnsupportedSyntaxError,
            "srcdiff cannot differentiate assignment to "
            f"{type(target).__name__.lower()} targets here",
            stmt,
            "assign to a plain variable",
        )

    def _setitem(self, stmt, target, ops):
        base = target.value.id
        if self.an.expr(target.slice)[1]:
            raise self.source.error(
                UnsupportedSyntaxError,
                "an index that depends on a differentiated value",
                target.slice,
                "index with integers",
            )
        value = self._atom(stmt.value, ops)
        if self.an.active.get(base) and self.an.kinds.get(base) != ARRAY:
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff differentiates index assignment into NumPy arrays; {base!r} is not one",
                stmt,
                _setitem_hint(base, target.slice, self.an.kinds.get(base) in (LIST, SEQ)),
            )
        active = ["v"] if self.is_active(value) else []
        primal = value
        self.unit.mutates = True  # backward sweeps restore arrays in place
        ops.append(
            Op(
                OpKind.SETITEM,
                [base],
                primal,
                stmt,
                bound={"v": value},
                active=active,
                index=target.slice,
            )
        )
        return ops

    def _check_fresh(self, base, stmt):
        """Index assignment is safe only into arrays the function created itself."""
        if base in self.params:
            raise self.source.error(
                UnsupportedSyntaxError,
                f"{self.source.name} changes its argument "
                f"{base!r} in place; srcdiff would have to change the caller's array too",
                stmt,
                f"work on a copy: {base} = {base}.copy() (or np.array({base}, float)) "
                "before assigning into it",
            )
        for node in walk(self.tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == base
                and not _creates_fresh(node.value, self.source.resolver)
            ):
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"assignment into {base!r}, which may share memory "
                    f"with another array (it is set from `{ast.unparse(node.value)}`)",
                    stmt,
                    f"make {base} a fresh array first: {base} = np.copy(...), "
                    f"np.zeros(...), or x.copy()",
                )

    def _arg_atom(self, arg, ops):
        """An argument of a rule call; a list display (np.stack([a, b])) keeps its
        shape with each element an atom."""
        if isinstance(arg, (ast.List, ast.Tuple)) and self.an.expr(arg)[1]:
            return type(arg)(elts=[self._atom(e, ops) for e in arg.elts], ctx=ast.Load())
        return self._atom(arg, ops)

    def _check_views(self):
        """Refuse `z = y[1:3]` (or `z = y`, `z = y.T`) when y is assigned into afterwards.

        z then shares memory with y and sees the later assignment, while derivatives
        would follow the values z had when it was taken: a wrong gradient.
        """
        if getattr(self, "_views_checked", False):
            return
        self._views_checked = True
        order = {}

        def number(stmts, enclosing):
            for stmt in stmts:
                order[id(stmt)] = (len(order), enclosing)
                if isinstance(stmt, (ast.For, ast.While)):
                    number(stmt.body, enclosing + (id(stmt),))
                elif isinstance(stmt, ast.If):
                    number(stmt.body, enclosing)
                    number(stmt.orelse, enclosing)

        number(self.tree.body, ())
        writes = [
            (n, n.targets[0].value.id)
            for n in walk(self.tree)
            if isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Subscript)
            and isinstance(n.targets[0].value, ast.Name)
        ]
        mutated = {base for _, base in writes}
        uses = {}  # name -> [(statement index, "load"/"store", enclosing loops)]
        statements = {id(n): n for n in walk(self.tree) if isinstance(n, ast.stmt)}
        for sid, (index, _) in order.items():
            stmt = statements[sid]
            parts = (
                [stmt]
                if not isinstance(stmt, (ast.If, ast.For, ast.While))
                else [stmt.test if not isinstance(stmt, ast.For) else stmt.iter]
            )
            for part in parts:
                for n in walk(part):
                    if isinstance(n, ast.Name):
                        kind = "store" if isinstance(n.ctx, ast.Store) else "load"
                        uses.setdefault(n.id, []).append((index, kind, order[sid][1]))
        for node in walk(self.tree):
            if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
                continue
            base = _view_base(node.value)
            view = node.targets[0].id
            if base not in mutated or view == base:
                continue
            at, loops_at = order.get(id(node), (0, ()))
            for write, wbase in writes:
                w_at, w_loops = order.get(id(write), (0, ()))
                if wbase == base and _read_after(
                    sorted(uses.get(view, [])), at, loops_at, w_at, w_loops
                ):
                    raise self.source.error(
                        UnsupportedSyntaxError,
                        f"{view!r} shares memory with {base!r}, "
                        f"which is assigned into (line {self.source.locate(write)[1]}) "
                        f"while {view!r} is still used; derivatives through a view that "
                        "changes are not supported",
                        node,
                        f"take a copy: {view} = {ast.unparse(node.value)}.copy()",
                    )

    def is_active(self, atom):
        if isinstance(atom, (ast.List, ast.Tuple)):
            return any(self.is_active(e) for e in atom.elts)
        if isinstance(atom, ast.Name):
            if atom.id in self.temp_kinds:
                return atom.id not in self.inactive_temps
            return self.an.active.get(atom.id, False)
        return False

    def rank(self, atom):
        if isinstance(atom, ast.Name) and atom.id in self.temp_kinds:
            return self.temp_ranks.get(atom.id)
        return self.an.rank(atom)

    def kind(self, atom):
        if atom.__class__ is ast.Name:
            found = self.temp_kinds.get(atom.id)
            if found is not None:
                return found
            if atom.id in self.an.kinds:  # (what an.expr says of a name it knows)
                return self.an.kinds[atom.id] or SCALAR
        kind = self.an.expr(atom)[0]
        return kind or SCALAR

    @property
    def changed_names(self):
        """Names the function changes without assigning them (`xs.append(v)`, `y[i] = v`):
        none, and no statement of it needs looking at for them (the sweeps' saves)."""
        return self._changed_in_place

    @property
    def _changed_in_place(self):
        """Names the function changes without assigning them (`xs.append(v)`, `y[i] = v`)."""
        if not hasattr(self, "_changed_names"):
            # (locals only: `np.sort(x)` is no list's sort)
            self._changed_names = {
                n
                for n in map(changed_through, walk(self.tree))
                if n is not None and self.source.resolver.is_local(n)
            }
        return self._changed_names

    def _reads_changed_in_place(self, expr):
        """Does the expression (not a bare name or constant) read a name the function
        changes in place?  In reverse mode only: forward mode runs in order."""
        if self.mode != "reverse" or isinstance(expr, (ast.Name, ast.Constant)):
            return False
        changed = self._changed_in_place
        return bool(changed) and any(
            isinstance(n, ast.Name) and n.id in changed for n in walk(expr)
        )

    # -- splitting ---------------------------------------------------------------
    def _into(self, expr, target, ops):
        kind, active = self.an.expr(expr)
        if not active:
            ops.append(Op(OpKind.INACTIVE, [target], expr, expr))
        elif isinstance(expr, ast.Name):
            ops.append(Op(OpKind.COPY, [target], expr, expr, bound={"x": expr}, active=["x"]))
        else:
            ops.append(self._op(expr, [target], ops))

    def _atom(self, expr, ops):
        kind, active = self.an.expr(expr)
        if not active and self._reads_changed_in_place(expr):
            # `len(xs)` in `w * len(xs)` where xs is appended to later: the backward sweep
            # reads the value from a temporary (saved as any is), not from the list as it
            # is by then (2 * w came back 3 * w; reverse/saves.py restores a list only
            # where the sweep reads the list itself, and then as a copy)
            tmp = self.names.numbered("t")
            ops.append(Op(OpKind.INACTIVE, [tmp], expr, expr))
            self.temp_kinds[tmp] = kind if kind in (INT, SCALAR, ARRAY) else ARRAY
            self.temp_ranks[tmp] = self.an.rank(expr)
            self.inactive_temps.add(tmp)  # (no derivative: np.take's indices, a count)
            return ast.Name(id=tmp, ctx=ast.Load())
        if not active or isinstance(expr, ast.Name):
            return expr
        op = self._op(expr, [], ops)  # operands first, so temps number in order
        tmp = self.names.numbered("t")
        op.targets.append(tmp)
        self.temp_kinds[tmp] = (
            SEQ if isinstance(kind, tuple) else kind if kind in (SCALAR, ARRAY, SEQ) else ARRAY
        )
        self.temp_ranks[tmp] = self.an.rank(expr)
        ops.append(op)
        return ast.Name(id=tmp, ctx=ast.Load())

    def _op(self, expr, targets, ops):
        if isinstance(expr, ast.BinOp) and _formats_text(expr):
            raise self.source.error(
                UnsupportedSyntaxError,
                "srcdiff cannot differentiate `%` formatting of a string",
                expr,
                "a string carries no derivative: format values cut off from it, "
                '"%.2f" % srcdiff.stop_gradient(x) (print(x) and logging need nothing)',
            )
        if isinstance(expr, ast.BinOp):
            left, right = self._atom(expr.left, ops), self._atom(expr.right, ops)
            primal = ast.BinOp(left=left, op=expr.op, right=right)
            return self._rule_op(type(expr.op), {"x": left, "y": right}, primal, targets, expr)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
            operand = self._atom(expr.operand, ops)
            primal = ast.UnaryOp(op=expr.op, operand=operand)
            return self._rule_op(type(expr.op), {"x": operand}, primal, targets, expr)
        if isinstance(expr, ast.Call):
            return self._call_op(expr, targets, ops)
        if isinstance(expr, ast.Attribute):
            base = self._atom(expr.value, ops)  # report a problem inside the base first
        if isinstance(expr, ast.Attribute) and expr.attr in ("T", "real"):
            primal = ast.Attribute(value=base, attr=expr.attr, ctx=ast.Load())
            if expr.attr == "real":
                return Op(OpKind.COPY, targets, primal, expr, bound={"x": base}, active=["x"])
            return self._method_rule(np.transpose, base, [], [], primal, targets, expr)
        if isinstance(expr, ast.Subscript):
            if self.an.expr(expr.slice)[1]:
                obj = self.source.resolver.resolve(expr.value)
                if obj is np.r_ or obj is np.c_:
                    return self._index_join(expr, obj, targets, ops)
                if obj is not MISSING and not isinstance(obj, np.ndarray):
                    label = ast.unparse(expr.value)
                    raise self.source.error(
                        NoRuleError,
                        f"srcdiff has no derivative rule for {label}[...]",
                        expr,
                        "build the array with np.concatenate([...]) (for np.c_ of 1-D "
                        "arrays: np.stack([...], axis=-1))",
                    )
                raise self.source.error(
                    UnsupportedSyntaxError,
                    "srcdiff cannot differentiate an index that depends on a differentiated value",
                    expr.slice,
                    "index with integers",
                )
            base = self._atom(expr.value, ops)
            picked = self._picked_result(base, expr.slice, ops)
            if picked is not None:  # h(x)[0] of a helper returning a tuple
                return Op(OpKind.COPY, targets, picked, expr, bound={"x": picked}, active=["x"])
            primal = ast.Subscript(value=base, slice=expr.slice, ctx=ast.Load())
            return Op(OpKind.SUBSCRIPT, targets, primal, expr, bound={"x": base}, active=["x"])
        if isinstance(expr, (ast.List, ast.Tuple)) and self.an.expr(expr)[0] == SEQ:
            # numbers or arrays; the adjoint of the sequence is an array indexed like it
            # (stacked, or of objects when the arrays differ in shape: runtime.seq_zeros)
            atoms = [self._atom(e, ops) for e in expr.elts]
            bound = {f"e{i}": a for i, a in enumerate(atoms)}
            active = [p for p, a in bound.items() if self.is_active(a)]
            primal = type(expr)(elts=atoms, ctx=ast.Load())
            return Op(OpKind.PACK, targets, primal, expr, bound=bound, active=active)
        refused = _dict_refusal(self.source, expr)  # a dict held.py could not follow
        if refused is not None:
            raise refused
        what = _describe(expr)
        raise self.source.error(
            UnsupportedSyntaxError,
            f"srcdiff cannot differentiate {what}",
            expr,
            _HINTS.get(type(expr), "rewrite it with plain arithmetic and function calls"),
        )

    def _einsum_subscripts(self, call):
        """np.einsum(a, [0, 1], b, [1, 2], [0, 2]) (the sublist form) as
        np.einsum("ab,bc->ac", a, b): the form the rule has."""
        args = call.args
        if len(args) % 2:  # the output's sublist last
            operands, sublists, output = args[:-1:2], args[1:-1:2], args[-1]
        else:
            operands, sublists, output = args[0::2], args[1::2], None

        def letters(node):
            if not isinstance(node, (ast.List, ast.Tuple)):
                return None
            out = []
            for e in node.elts:
                if (isinstance(e, ast.Constant) and e.value is Ellipsis) or (
                    self.source.resolver.resolve(e) is Ellipsis
                ):
                    out.append("...")
                elif isinstance(e, ast.Constant) and type(e.value) is int and 0 <= e.value < 52:
                    out.append(_LETTERS[e.value])
                else:
                    return None
            return "".join(out)

        spelled = [letters(s) for s in sublists]
        out_spelled = letters(output) if output is not None else ""
        if not sublists or None in spelled or out_spelled is None:
            raise self.source.error(
                NoRuleError,
                "srcdiff differentiates np.einsum's sublist form only with sublists written "
                "out as lists of integers (and Ellipsis)",
                call,
                'write the subscripts as a string: np.einsum("ij,jk->ik", a, b)',
            )
        text = ",".join(spelled) + ("->" + out_spelled if output is not None else "")
        new = ast.Call(func=call.func, args=[ast.Constant(text), *operands], keywords=call.keywords)
        return ast.copy_location(new, call)

    def _index_join(self, expr, obj, targets, ops):
        """np.r_[a, b, 1:4] and np.c_[a, b] of differentiated arrays: a call of
        runtime.gathers' r_join / c_join on the list of items (slices become
        np.arange / np.linspace, as np.r_ reads them)."""
        self._numpy_name = (
            expr.value.value
            if isinstance(expr.value, ast.Attribute)
            else ast.Name(id=self.unit.bind(np, "np"), ctx=ast.Load())
        )
        join = gathers.r_join if obj is np.r_ else gathers.c_join
        label = "np.r_" if obj is np.r_ else "np.c_"
        parts = expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]
        items = []
        for part in parts:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                raise self.source.error(
                    NoRuleError,
                    f"srcdiff has no derivative rule for {label}[...] with a directive string",
                    part,
                    "build the array with np.concatenate([...]) (for np.c_ of 1-D "
                    "arrays: np.stack([...], axis=-1))",
                )
            if isinstance(part, ast.Slice):
                part = self._slice_range(part, label)
            items.append(part)
        elts = ast.List(elts=items, ctx=ast.Load())
        ast.copy_location(elts, expr)
        atom = self._atom(elts, ops)
        func = ast.Name(id=self.unit.bind(join, join.__name__), ctx=ast.Load())
        primal = ast.Call(func=func, args=[atom], keywords=[])
        return self._rule_op(join, {"items": atom}, primal, targets, expr)

    def _slice_range(self, part, label):
        """A slice inside np.r_[...] as the array np.r_ makes of it."""
        bounds = [part.lower, part.upper, part.step]
        if any(b is not None and self.an.expr(b)[1] for b in bounds):
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff cannot differentiate a slice bound of {label}[...] that depends on "
                "a differentiated value",
                part,
                "index with integers",
            )
        np_name = self._numpy_name
        lower = part.lower or ast.Constant(0)
        step = part.step
        if isinstance(step, ast.Constant) and isinstance(step.value, complex):
            count = ast.Constant(int(abs(step.value)))
            func, args = "linspace", [lower, part.upper, count]
        else:
            func, args = "arange", [lower, part.upper] + ([step] if step is not None else [])
        call = ast.Call(
            func=ast.Attribute(value=np_name, attr=func, ctx=ast.Load()), args=args, keywords=[]
        )
        return ast.copy_location(call, part)

    def _picked_result(self, base, index, ops):
        """`h(x)[k]` for a constant k, where h returns a tuple: the k-th result itself.
        The tuple was packed from the results just before; drop the packing (its results
        may be of different kinds, a list and a float, which no one sequence adjoint holds)."""
        last = ops[-1] if ops else None
        if (
            last is None
            or last.kind is not OpKind.PACK
            or last.targets != [base.id]
            or not isinstance(index, ast.Constant)
            or type(index.value) is not int
        ):
            return None
        elts = last.primal.elts
        if not -len(elts) <= index.value < len(elts):
            return None
        ops.pop()
        self.temp_kinds.pop(base.id, None)
        return elts[index.value]

    def _rule_op(self, func, bound, primal, targets, node, label=None):
        rules = RULES.lookup(func)
        kinds = {p: self.kind(a) for p, a in bound.items()}
        for rule in rules:
            if set(rule.params) >= set(bound) and all(
                p in bound or p in rule.defaults for p in rule.params
            ):
                if rule.array_variant is not None and any(
                    k in (ARRAY, OTHER) or (k == INT and self.rank(bound[p]) != 0)
                    for p, k in kinds.items()
                ):  # (the int kind covers masks and index arrays: `s ** (x > 0)`; an
                    # unknown value, `mask.astype(int)`, may be an array too)
                    rule = rule.array_variant
                active = [
                    p
                    for p in rule.params
                    if p in bound and self.is_active(bound[p]) and p not in rule.zero
                ]
                if not rule.differentiable:
                    return Op(OpKind.INACTIVE, targets, primal, node)
                missing = [p for p in active if p not in rule.vjp]
                if missing:
                    raise self.source.error(
                        NoRuleError,
                        f"{rule.label} has no derivative with respect to "
                        f"its argument {missing[0]!r}",
                        node,
                        _runtime_helper_hint(rule.func)
                        or "pass a constant there, or wrap the value in srcdiff.stop_gradient",
                    )
                return Op(OpKind.RULE, targets, primal, node, rule=rule, bound=bound, active=active)
        unknown = [p for p in bound if rules and not any(p in r.params for r in rules)]
        if unknown:  # e.g. logsumexp(a, return_sign=True): a result the rule doesn't give
            rule = max(rules, key=lambda r: len(r.params))
            raise self.source.error(
                NoRuleError,
                f"srcdiff's rule for {rule.label} does not take the argument {unknown[0]!r}",
                node,
                f"call it without {unknown[0]!r} (the rule covers "
                f"{rule.label.rpartition('.')[2]}({', '.join(rule.params)})), or register a "
                "rule for this signature with srcdiff.register_rule",
            )
        raise self._no_rule(node, func, None)

    def _inactive_spread_call(self, call, targets, ops):
        """`rs.randn(*x.shape)`: a call with *args or **kwargs of values with no
        derivative, of a function that is not one -- kept as it is, an inactive value.
        None where anything in it is differentiated (what it spreads, or the object
        whose method it is)."""
        root = call.func
        while isinstance(root, ast.Attribute):
            root = root.value
        if self.is_active(root) if isinstance(root, ast.Name) else self.an.expr(root)[1]:
            return None
        args = [
            ast.copy_location(ast.Starred(value=self._arg_atom(a.value, ops), ctx=ast.Load()), a)
            if isinstance(a, ast.Starred)
            else self._arg_atom(a, ops)
            for a in call.args
        ]
        keywords = [
            ast.keyword(arg=k.arg, value=self._arg_atom(k.value, ops)) for k in call.keywords
        ]
        parts = [a.value if isinstance(a, ast.Starred) else a for a in args]
        if any(self.is_active(p) for p in parts + [k.value for k in keywords]):
            return None
        primal = ast.copy_location(ast.Call(func=call.func, args=args, keywords=keywords), call)
        return Op(OpKind.INACTIVE, targets, primal, call)

    def _call_op(self, call, targets, ops):
        call = _spread_displays(call)
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            inactive = self._inactive_spread_call(call, targets, ops)
            if inactive is not None:
                return inactive
            raise self.source.error(
                UnsupportedSyntaxError,
                "srcdiff cannot differentiate a call with *args or **kwargs",
                call,
                "pass the arguments one by one",
            )
        method = self._method(call)
        if method is not None:
            return self._method_op(call, method, targets, ops)
        func = self._resolve_call(call)
        if func in (max, min) and len(call.args) > 2 and not call.keywords:
            inner = ast.Call(func=call.func, args=call.args[:-1], keywords=[])
            ast.copy_location(inner, call)
            nested = ast.Call(func=call.func, args=[inner, call.args[-1]], keywords=[])
            return self._call_op(ast.copy_location(nested, call), targets, ops)
        if func in (max, min) and len(call.args) == 1:
            raise self.source.error(
                NoRuleError,
                f"srcdiff differentiates {func.__name__}(a, b, ...)"
                " of separate values, not of a sequence",
                call,
                f"write {func.__name__}(a, b) or use np.{func.__name__}",
            )
        if func is np.einsum and call.args and not _is_string(call.args[0]):
            call = self._einsum_subscripts(call)
        if func is np.linalg.eig:  # runtime.eig_real: NumPy 2.5's complex arrays made real
            func = linalg.eig_real
            name = ast.Name(id=self.unit.bind(func, "eig_real"), ctx=ast.Load())
            call = ast.copy_location(
                ast.Call(func=name, args=call.args, keywords=call.keywords), call
            )
        if func is not MISSING and RULES.lookup(func):
            rule = max(RULES.lookup(func), key=lambda r: len(r.params))
            params = list(rule.params)
            bound = {}
            for i, arg in enumerate(call.args):
                key = params[i] if i < len(params) else f"_{i}"
                bound[key] = self._arg_atom(arg, ops)
            for kw in call.keywords:
                bound[kw.arg] = self._arg_atom(kw.value, ops)
            primal = ast.Call(
                func=call.func,
                args=[bound[k] for k in list(bound)[: len(call.args)]],
                keywords=[ast.keyword(arg=k.arg, value=bound[k.arg]) for k in call.keywords],
            )
            if len(call.args) > len(params):
                raise self.source.error(
                    NoRuleError,
                    f"srcdiff's rule for {rule.label} takes at most "
                    f"{len(params)} argument(s); this call passes {len(call.args)}",
                    call,
                    "split the call, or register a rule for this signature with "
                    "srcdiff.register_rule",
                )
            return self._rule_op(func, bound, primal, targets, call)
        if self._is_helper(func):
            return self._helper_op(call, func, targets, ops)
        raise self._no_rule(call, func, None)

    def _method(self, call):
        """The NumPy function an array method call stands for, or None."""
        if not isinstance(call.func, ast.Attribute):
            return None
        if self.source.resolver.resolve(call.func) is not MISSING:
            return None  # a module attribute, like np.sum
        kind, _ = self.an.expr(call.func.value)
        if kind not in (ARRAY, SCALAR) or not self.an.expr(call)[1]:
            return None
        name = call.func.attr
        if name not in METHODS:
            made = call.func.value
            ruled = (
                self.source.resolver.resolve(ast.Attribute(value=made.func, attr=name))
                if isinstance(made, ast.Call)
                else MISSING
            )
            if ruled is not MISSING:  # stats.norm(0, 1).pdf(x), where stats.norm.pdf has a rule
                maker = ast.unparse(made.func)
                raise self.source.error(
                    NoRuleError,
                    f"srcdiff has a rule for {maker}.{name}(...), not for the method "
                    f".{name}() of the object {maker}(...) returns",
                    call,
                    f"pass the parameters to the method itself: {maker}.{name}(x, ...)",
                )
            raise self.source.error(
                NoRuleError,
                f"srcdiff has no derivative rule for the array method .{name}()",
                call,
                "call the NumPy function instead (np.xxx(x, ...)), or register a rule "
                "with srcdiff.register_rule",
            )
        return name

    def _method_op(self, call, name, targets, ops):
        base = self._atom(call.func.value, ops)
        args = [self._atom(a, ops) for a in call.args]
        keywords = [(k.arg, self._atom(k.value, ops)) for k in call.keywords]
        primal = ast.Call(
            func=ast.Attribute(value=base, attr=name, ctx=ast.Load()),
            args=args,
            keywords=[ast.keyword(arg=k, value=v) for k, v in keywords],
        )
        if name == "copy":
            return Op(OpKind.COPY, targets, primal, call, bound={"x": base}, active=["x"])
        if name == "astype":
            return self._astype_op(call, base, args, keywords, primal, targets)
        func = METHODS[name]
        if name in ("reshape", "transpose") and len(args) > 1:  # x.reshape(3, 4)
            args = [ast.Tuple(elts=args, ctx=ast.Load())]
        return self._method_rule(func, base, args, keywords, primal, targets, call)

    def _astype_op(self, call, base, args, keywords, primal, targets):
        """`x.astype(dtype)`: to a float type, derivatives as np.asarray(x, dtype) (the
        cotangent goes back to x's dtype); to an integer or boolean type, none, as
        int(x) and np.trunc(x) have none (piecewise constant); to a dtype the code
        doesn't name, refused, since which of the two it is can't be told."""
        kind = _dtype_kind(call, self.source.resolver)
        if kind == "f":
            return self._method_rule(np.asarray, base, args, keywords, primal, targets, call)
        if kind in ("i", "u", "b"):
            return Op(OpKind.INACTIVE, targets, primal, call)
        raise self.source.error(
            NoRuleError,
            "srcdiff differentiates x.astype(dtype) for a float, integer or boolean dtype "
            "written in the code"
            + (" (a complex one would make the derivative complex)" if kind == "c" else ""),
            call,
            "name the dtype: x.astype(float), x.astype(np.float32) or x.astype(int)",
        )

    def _method_rule(self, func, base, args, keywords, primal, targets, node):
        rules = RULES.lookup(func)
        if not rules:
            raise self._no_rule(node, func, None)
        params = max(rules, key=lambda r: len(r.params)).params
        bound = {params[0]: base}
        for p, a in zip(params[1:], args):
            bound[p] = a
        for k, v in keywords:
            bound[k] = v
        return self._rule_op(func, bound, primal, targets, node)

    def _helper_op(self, call, func, targets, ops):
        func, call = self.unit.variadic(func, call)  # h(x, *args): h's view for this call
        args = [self._atom(a, ops) for a in call.args]
        keywords = [ast.keyword(arg=k.arg, value=self._atom(k.value, ops)) for k in call.keywords]
        primal = ast.Call(func=call.func, args=args, keywords=keywords)
        spec = self.unit.helper_spec(self.source, func, call, args, keywords)
        bound = spec.bind(args, keywords)
        active = [p for p in spec.params if p in bound and self.is_active(bound[p])]
        kinds = {p: self.kind(a) for p, a in bound.items()}
        spec = self.unit.specialize(
            spec,
            active,
            kinds,
            self.mode,
            {p: self.rank(a) for p, a in bound.items()},
            self._passed(spec, bound, kinds, targets),
            call_items(kinds, spec.bind(call.args, call.keywords), self.an),
        )
        result = self.unit.output_kinds(func, call, self.an)
        if isinstance(result, tuple) and len(targets) <= 1:
            # `r = h(x)` where h returns a tuple: unpack into temporaries, then pack them,
            # so `r[0]` and friends differentiate like any sequence.
            parts = []
            for kind in result:
                tmp = self.names.numbered("t")
                self.temp_kinds[tmp] = (
                    SEQ
                    if isinstance(kind, tuple)
                    else kind
                    if kind in (SCALAR, ARRAY, SEQ)
                    else ARRAY
                )
                parts.append(tmp)
            ops.append(
                Op(OpKind.HELPER, parts, primal, call, bound=bound, active=active, helper=spec)
            )
            atoms = {f"e{i}": ast.Name(id=p, ctx=ast.Load()) for i, p in enumerate(parts)}
            pack = ast.Tuple(elts=list(atoms.values()), ctx=ast.Load())
            return Op(OpKind.PACK, targets, pack, call, bound=atoms, active=list(atoms))
        if isinstance(result, tuple) and len(result) != len(targets):
            raise self.source.error(
                UnsupportedSyntaxError,
                f"{func.__name__} returns {len(result)} values; this unpacks {len(targets)}",
                call,
                "unpack exactly the values it returns",
            )
        return Op(OpKind.HELPER, targets, primal, call, bound=bound, active=active, helper=spec)

    def _unpacked_by_index(self, call, func, names, stmt, ops):
        """`a, b = h(x)` where h returns one value -- a list, an array, or a tuple it got
        from another call (`return split(v)`) -- not a tuple display: its backward sweep
        takes one cotangent, not one per name (a TypeError from generated code, before).
        The value is named, `t = h(x)`, and read by index, `a = t[0]`, as the user's
        own `r = h(x); a, b = r` is.  False where h ends with a tuple display (the
        caller's unpacking matches its results) or its result is not known yet."""
        result = self.unit.output_kinds(func, call, self.an)
        if result is None or isinstance(result, tuple):
            return False
        tmp = self.names.numbered("t")
        self.temp_kinds[tmp] = ARRAY if result == ARRAY else SEQ
        self.temp_ranks[tmp] = None
        ops.append(self._helper_op(call, func, [tmp], ops))
        # (Python's unpacking checks the length; reading by index would not)
        checker = ast.Name(id=self.unit.bind(lists.unpack_length, "unpack_length"), ctx=ast.Load())
        length = self.names.numbered("n")
        checked = ast.Call(
            func=checker,
            args=[ast.Name(id=tmp, ctx=ast.Load()), ast.Constant(len(names))],
            keywords=[],
        )
        ops.append(Op(OpKind.INACTIVE, [length], checked, stmt))
        for i, name in enumerate(names):
            base = ast.Name(id=tmp, ctx=ast.Load())
            primal = ast.Subscript(value=base, slice=ast.Constant(i), ctx=ast.Load())
            ops.append(Op(OpKind.SUBSCRIPT, [name], primal, stmt, bound={"x": base}, active=["x"]))
        return True

    def _passed(self, spec, bound, kinds, targets):
        """Parameters the helper never assigns whose numbers (immutable) this caller still
        has when the helper's backward sweep runs: the caller passes them to it, and the
        helper saves nothing of them: values the caller never overwrites (not its
        temporaries: keeping one would cost the caller a push where the helper may need
        none).  Not a target of the call, whose backward sweep runs before the targets'
        old values are restored."""
        if self.mode != "reverse":
            return ()
        assigned = self.unit.assigned_names(spec.source)
        return tuple(
            p
            for p in spec.params
            if p not in assigned
            and (
                self._held(bound[p], kinds.get(p), targets)
                if p in bound
                else spec.number_default(p) is not None  # (a default left out)
            )
        )

    def _held(self, atom, kind, targets):
        """Whether the backward sweep's caller still holds the argument `atom` of `kind`."""
        return (
            (
                kind in (SCALAR, INT)
                and (
                    isinstance(atom, ast.Constant)
                    or (
                        isinstance(atom, ast.Name)
                        and atom.id not in targets
                        and atom.id in self._invariant
                    )
                )
            )
            or self._held_object(atom)
            or (
                # an object this function holds in a name it never overwrites (a
                # method's `self` handed on: `Model.predict(self, x)`): saved, it was
                # an untyped value popped off the tape, which a Hessian took for a
                # differentiated one (self.w "an attribute of a differentiated value")
                kind == OTHER
                and isinstance(atom, ast.Name)
                and atom.id not in targets
                and atom.id in self._invariant
            )
        )

    def _held_object(self, atom):
        """An object a module or closure holds (`model` in `model.predict(x)`): the same
        object when the backward sweep runs, passed to it rather than saved (a saved one
        would be an untyped value on the tape, which a Hessian can't tell from a number)."""
        if not isinstance(atom, ast.Name) or self.source.resolver.is_local(atom.id):
            return False
        obj = self.source.resolver.lookup(atom.id)
        return obj is not MISSING and kind_of_value(obj) == OTHER

    @property
    def _invariant(self):
        """Names this function never overwrites: parameters it does not assign, variables
        assigned once outside loops.  Reading them in the backward sweep costs no save."""
        if not hasattr(self, "_invariant_names"):
            counts = {}
            self._count_stores(self.tree.body, counts, in_loop=False)
            self._invariant_names = {n for n, c in counts.items() if c == 1} | {
                p for p in self.params if p not in counts
            }
        return self._invariant_names

    def _count_stores(self, nodes, counts, in_loop):
        """Assignments per name; one inside a loop (or comprehension, lambda) counts twice."""
        for node in nodes:
            loop = in_loop or isinstance(
                node, (ast.For, ast.While, ast.comprehension, ast.Lambda, ast.FunctionDef)
            )
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                counts[node.id] = counts.get(node.id, 0) + (2 if loop else 1)
            elif isinstance(node, ast.arg):
                counts[node.arg] = 2
            self._count_stores(list(ast.iter_child_nodes(node)), counts, loop)

    def _resolve_call(self, call):
        func = self.source.resolver.resolve(call.func)
        # df(x) of df = srcdiff.grad(f): the code it runs for these kinds, a helper
        func = code_of_derivative(
            func, call, lambda arg: self.an.expr(arg)[0], kind_of_value, (SCALAR, ARRAY, INT)
        )
        if func is MISSING and isinstance(call.func, ast.Attribute):
            holder = self.source.resolver.resolve(call.func.value)
            if holder is not MISSING:  # stats.chi2.pdf: a method of an object a module holds
                spelled = ast.unparse(call.func)
                raise self.source.error(
                    NoRuleError,
                    f"srcdiff has no derivative rule for {spelled}",
                    call,
                    f'register one: srcdiff.register_rule({spelled}, "x, ...", '
                    "partials={...}) (naming its parameters), or wrap arguments that need "
                    "no derivative in srcdiff.stop_gradient",
                )
            held = self._held_by_self(call) or self._overridden(call)
            if held is not None:
                raise held
            through_class = self._through_class(call)
            pushes = call.func.attr in ("pop", "append", "extend")
            if not through_class and not pushes and self._is_object(call.func.value):
                raise self._unheld_object(call)
            raise self.source.error(
                NoRuleError,
                f"srcdiff has no derivative rule for the method "
                f".{call.func.attr}() on a differentiated value",
                call,
                f"give it a statement of its own: `v = {ast.unparse(call)}`, then use v"
                if call.func.attr in ("pop", "append", "extend")
                else f"call it through its class: `{through_class}`"
                if through_class
                else f"call it through its class, as a function of yours: "
                f"`{self._through_class_spelled(call)}` (srcdiff reads the methods of objects "
                "a module or closure holds, not of arguments)"
                if self._is_object(call.func.value)
                else "call the module function instead (e.g. np.sum(x) for x.sum()), or "
                "register a rule with srcdiff.register_rule",
            )
        return func

    def _unheld_object(self, call):
        """`layer.forward(h)` where `layer` is an object (no number or array) that no
        module or closure holds under that name -- a loop variable over a list of
        objects, an item, an argument: srcdiff reads the methods of named objects."""
        base, attr = ast.unparse(call.func.value), call.func.attr
        return self.source.error(
            NoRuleError,
            f"srcdiff cannot follow {base}.{attr}(): {base} is an object no module or "
            "closure holds by that name (an argument, an item of a list, a loop variable)",
            call,
            "call it through its class, as a function of yours: "
            f"`{self._through_class_spelled(call)}`; or, for objects of several classes "
            "(a list of layers), hold each under a name of its own at module level or in a "
            f"closure (`layer1 = Layer(...)`, then `layer1.{attr}(...)`)",
        )

    def _is_object(self, node):
        """A name holding an object that is no number, array or container (a model passed
        as an argument), or an attribute of one (`self.inner`): `model.loss(x)` is a
        method of a user class, not an array's."""
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and self.an.kinds.get(node.id) == OTHER

    def _held_by_self(self, call):
        """The refusal of `self.act(z)` in a method of a class that defines no `act`: a
        function (or callable object) the instance holds, set in __init__, unknown while
        the method's code is generated (its `self` is an argument); else None."""
        owner, cls = self._self_call_owner(call)
        if cls is None or inspect.getattr_static(cls, call.func.attr, None) is not None:
            return None
        base = call.func.value
        spelled = ast.unparse(call.func)
        args = ", ".join(ast.unparse(a) for a in call.args)
        return self.source.error(
            NoRuleError,
            f"srcdiff cannot tell which function {spelled} is: {owner} defines no method "
            f"{call.func.attr!r}, so it is a value the object holds (set on the instance, "
            "as in __init__), and inside a method the object is an argument",
            call,
            f"call the function it holds by its own name (e.g. `np.tanh({args})` or "
            f"`my_function({args})`); for an object with a __call__ method, through its class "
            f"(`TheClass.__call__({spelled}, {args})`); or define it as a method of "
            f"{owner} (`def {call.func.attr}(self, ...)`) and call "
            f"`{owner}.{call.func.attr}({base.id}, {args})`",
        )

    def _self_call_owner(self, call):
        """(owner name, class) where `call` is `self.m(...)` in a method of a module-level
        class, `self` its first parameter; else (None, None)."""
        func, base = self.source.func, call.func.value
        owner, _, _ = func.__qualname__.rpartition(".")
        params = list(inspect.signature(func).parameters)
        cls = func.__globals__.get(owner) if owner and params else None
        if not (isinstance(cls, type) and isinstance(base, ast.Name) and base.id == params[0]):
            return None, None
        return owner, cls

    def _overridden(self, call):
        """The refusal of `self.predict(x)` in a method of a class some subclass of which
        defines `predict` again: which function runs depends on the instance's class
        (compiler/self_methods.py calls the others through the class); else None."""
        owner, cls = self._self_call_owner(call)
        if cls is None or inspect.getattr_static(cls, call.func.attr, None) is None:
            return None
        attr, base = call.func.attr, call.func.value
        passed = ", ".join([base.id, *(ast.unparse(a) for a in call.args)])
        subclasses, assigners = overriding(cls, attr), assigning(cls, attr)
        if subclasses:
            why = (
                f"{', '.join(subclasses)} (a subclass of {owner}) defines {attr!r} again, so "
                "the method called depends on the instance's class"
            )
            spelled = " or ".join(f"`{c}.{attr}({passed})`" for c in [owner, *subclasses][:3])
            hint = f"call the one you mean through its class ({spelled})"
        elif assigners:
            why = (
                f"a method of {', '.join(assigners)} assigns `{base.id}.{attr}`, which hides "
                "the method on such an instance"
            )
            hint = "call the function you mean by its own name"
        else:
            return None
        return self.source.error(
            NoRuleError,
            f"srcdiff cannot tell which function {ast.unparse(call.func)} is: {why}",
            call,
            f"{hint}, or give each class a method of its own that calls it",
        )

    @staticmethod
    def _through_class_spelled(call):
        args = ", ".join([ast.unparse(call.func.value), *(ast.unparse(a) for a in call.args)])
        return f"TheClass.{call.func.attr}({args})"

    def _through_class(self, call):
        """`Net.layer(self, x)` for `self.layer(x)` in a method of the class `Net` (a plain
        function call srcdiff reads), where Net defines `layer` (`Net.act(x)` for a
        staticmethod); else None."""
        func = self.source.func
        owner, _, _ = func.__qualname__.rpartition(".")
        params = list(inspect.signature(func).parameters)
        base = call.func.value
        if not (owner and "." not in owner and "<" not in owner and params):
            return None
        if not (isinstance(base, ast.Name) and base.id == params[0]):
            return None
        cls = func.__globals__.get(owner)
        if not isinstance(cls, type):
            return None
        method = inspect.getattr_static(cls, call.func.attr, None)
        passed = [ast.unparse(a) for a in call.args]
        if isinstance(method, staticmethod):  # Net.act(x): no `self` to pass
            return f"{owner}.{call.func.attr}({', '.join(passed)})"
        if not isinstance(method, types.FunctionType):
            return None
        return f"{owner}.{call.func.attr}({', '.join([base.id, *passed])})"

    @staticmethod
    def _is_helper(func):
        """A user function to differentiate from its source -- not a library's (it needs a
        rule) nor one of srcdiff's runtime helpers, whose derivatives are rules or are not
        supported."""
        return (
            isinstance(func, types.FunctionType)
            and not RULES.lookup(func)
            and not is_library(func)
            and not (func.__module__ or "").startswith(_RUNTIME)
        )

    def _sequence_params(self, node, func):
        """Names of `func`'s parameters to which the call `node` passes a list or tuple."""
        if not isinstance(node, ast.Call):
            return ()
        try:
            names = list(inspect.signature(func).parameters)
        except (TypeError, ValueError):
            return ()
        passed = [*zip(names, node.args), *((k.arg, k.value) for k in node.keywords if k.arg)]
        return tuple(
            name
            for name, arg in passed
            if isinstance(arg, (ast.List, ast.Tuple))
            or self.an.expr(arg)[0] in (SEQ, LIST)
            or isinstance(self.an.expr(arg)[0], tuple)
        )

    def _no_rule(self, node, func, why, results=0):
        refused = _dict_refusal(self.source, node)  # dict(...) held.py could not follow
        if refused is not None:
            return refused
        name = (
            getattr(func, "__qualname__", None)
            or getattr(func, "__name__", None)
            or ast.unparse(node.func if isinstance(node, ast.Call) else node)
        )
        mod = getattr(func, "__module__", None)
        label = f"{mod}.{name}" if mod and mod != "builtins" else name
        hint = (
            f"register one: srcdiff.register_rule({name}, partials={{...}}), or wrap "
            f"arguments that need no derivative in srcdiff.stop_gradient"
        )
        if is_library(func):  # its source is not the user's: it is not read
            hint = _library_hint(func, label, self._sequence_params(node, func))
        if isinstance(node, ast.Call) and any(
            isinstance(a, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp))
            for a in node.args
        ):  # a rule takes numbers and arrays, not the items of a generator
            hint = (
                "srcdiff differentiates sum, math.fsum, math.prod, max, min, any and all of a "
                "generator (as loops); for this one, write the loop: acc = ...; for ...: "
                "acc = ..."
            )
        hint = _runtime_helper_hint(func) or hint
        if func in (str, repr, format, ascii):  # text carries no derivative
            hint = (
                f"a string carries no derivative: convert a value cut off from it, "
                f"{name}(srcdiff.stop_gradient(...)); print() and f-strings need nothing"
            )
        if _is_user_class(func):  # Model(w): an object whose attributes hold w
            hint = (
                f"srcdiff differentiates through NamedTuple and dataclass instances built in "
                f"the function, not through other objects: make {name} a @dataclass whose "
                f"fields are its parameters, or pass the values to functions (or to "
                f"{name}'s methods called through the class) as arguments"
            )
        if _is_record_class(func):
            hint = (
                f"a {name} built inside the function is differentiated only as its result: "
                f"return {name}(...) directly, or bind it once at the function's top level "
                f"and return that variable (r = {name}(...); ...; return r)"
            )
        if (
            results > 1
            and callable(func)
            and not isinstance(func, type)
            and not (getattr(func, "__module__", None) or "").startswith(_RUNTIME)
        ):  # (srcdiff's own helpers: the derivative of a derivative is what is missing)
            hint = _several_results_hint(func, label, results)
        passed = self._passed_function(node)
        if passed is not None:
            why, hint = passed
        unread = _unread_callable(func)
        if unread is not None:
            why, hint = unread
            label = ast.unparse(node.func) if isinstance(node, ast.Call) else label
        if func in (zip, enumerate, reversed, map, filter, iter):  # lazy iterators
            hint = (
                f"use {name}(...) directly as a `for` loop's iterable (for a, b in "
                "zip(xs, ys), for i, (a, b) in enumerate(zip(xs, ys))), not as a value"
            )
        return self.source.error(
            NoRuleError,
            f"srcdiff has no derivative rule for {label}" + (f" ({why})" if why else ""),
            node,
            hint,
        )

    def _passed_function(self, node):
        """(why, hint) for a call of a function no name denotes statically -- a parameter
        (`k1 = f(y)` in `def rk4(f, y, dt)`), a local variable (`g = rhs; g(y)`), an item
        (`fs[1](y)`) -- else None: which function a call calls is read when the code is
        generated, and such a callee denotes none then; the hint gives ways that do."""
        if not isinstance(node, ast.Call) or isinstance(node.func, ast.Attribute):
            return None
        where, callee = self.source.name, node.func
        by_name = f"call the function by its own name in {where}"
        if not isinstance(callee, ast.Name):
            return (
                f"the callee `{ast.unparse(callee)}` is a value computed in {where}",
                f"srcdiff reads which function a call calls when it generates the code; "
                f"{by_name} (`h(...)`, not `{ast.unparse(callee)}(...)`)",
            )
        args = self.source.tree.args
        params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
        name = callee.id
        if name in params:
            others = ", ".join(p for p in params if p != name) or "..."
            return (
                f"{name} is a parameter of {where}: a function passed as an argument",
                f"srcdiff reads which function a name denotes when it generates the code; "
                f"{by_name}, or make {where} a closure over it: def make_{where}({name}): "
                f"def {where}({others}): ... {name}(...) ...; return {where}, then "
                f"{where}_h = make_{where}(h) at module level (h: your function) and call "
                f"{where}_h",
            )
        bound = [  # (`g = rhs`, and `f, g = np.sin, rhs` too)
            value
            for n in walk(self.source.tree)
            if isinstance(n, ast.Assign)
            for target, value in assigned_pairs(n)
            if target == name
        ]
        if not bound:
            return None
        spelled = ast.unparse(bound[0]) if len(bound) == 1 else None
        named = isinstance(bound[0], (ast.Name, ast.Attribute)) and spelled is not None
        return (
            f"{name} is a variable of {where} holding a function",
            "srcdiff reads which function a name denotes when it generates the code; "
            + (f"call {spelled}(...) where you call {name}(...)" if named else by_name),
        )


def _is_user_class(func) -> bool:
    """A class of the user's own (a call of it builds an object srcdiff can't follow)."""
    init = inspect.getattr_static(func, "__init__", None) if isinstance(func, type) else None
    return isinstance(init, types.FunctionType) and not is_library(init)


def _is_record_class(func) -> bool:
    """A NamedTuple, dataclass or registered class (a call of it builds a container)."""
    return isinstance(func, type) and (
        (issubclass(func, tuple) and hasattr(func, "_fields"))
        or dataclasses.is_dataclass(func)
        or registered(func) is not None
    )


def _required_params(func):
    """The names of `func`'s positional parameters without a default (none if its
    signature can't be read), for the register_rule a hint spells out."""
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is inspect.Parameter.empty
    ]


def _several_results_hint(func, label, results):
    """register_rule for a function returning `results` values: `partials` describe one
    result, so the hint gives jvp (a tuple of tangents, one per result) and vjp (from the
    results' cotangents g[0], g[1], ...)."""
    params = _required_params(func) or ["x"]
    tangents = ", ".join(f"<tangent of out[{i}]>" for i in range(results))
    cotangents = ", ".join(f"g[{i}]" for i in range(results))
    jvp = ", ".join(f'"{p}": "({tangents})"' for p in params)
    vjp = ", ".join(f'"{p}": "<cotangent of {p} from {cotangents}>"' for p in params)
    return (
        f"register one with a tangent per result: srcdiff.register_rule({label}, "
        f'"{", ".join(params)}", jvp={{{jvp}}}, vjp={{{vjp}}}) (t: the tangent of the '
        "parameter, out: the tuple of results), or wrap arguments that need no derivative "
        "in srcdiff.stop_gradient"
    )


def _library_hint(func, label, sequences=()):
    """register_rule for a library function, with its parameters written out.  Where
    the call passes a list or tuple (`sequences`: those parameters' names) a partial
    derivative can't be written (t and g are lists of the items' tangents and
    cotangents there), so the hint gives jvp and vjp templates instead."""
    params = _required_params(func)
    where = label.rsplit(".", 1)[0] if "." in label else label
    start = (
        f"srcdiff reads only your own code, not {where}'s; register a rule: "
        f"srcdiff.register_rule({label}, " + (f'"{", ".join(params)}", ' if params else "")
    )
    end = ", or wrap arguments that need no derivative in srcdiff.stop_gradient"
    listed = [p for p in params if p in sequences]
    if listed:
        jvp = ", ".join(
            f'"{p}": "<tangent of out from t, the list of {p}\'s tangents>"'
            if p in listed
            else f'"{p}": "t * <d out / d {p}>"'
            for p in params
        )
        vjp = ", ".join(
            f'"{p}": "<the list of {p}\'s cotangents, one per item, from g>"'
            if p in listed
            else f'"{p}": "g * <d out / d {p}>"'
            for p in params
        )
        seq = listed[0]
        return (
            start + f"jvp={{{jvp}}}, vjp={{{vjp}}}) ({seq} is a list here; for a sum of its "
            f'items they would be "math.fsum(t)" and "repeat_for(g, {seq})", with '
            'namespace={"math": math, "repeat_for": srcdiff.runtime.repeat_for}: '
            "repeat_for has a rule, so second derivatives work too)" + end
        )
    partials = ", ".join(f'"{p}": "<d out / d {p}>"' for p in params) or "..."
    return (
        start + f"partials={{{partials}}}) (each partial a Python expression "
        "in the parameters and `out`)" + end
    )


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _is_string(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


_RUNTIME = "srcdiff.runtime."  # srcdiff's own helpers (their derivatives are rules)

METHODS = {
    name: getattr(np, name)
    for name in (
        *REDUCTIONS,
        "cumsum",
        "cumprod",
        "dot",
        "transpose",
        "ravel",
        "squeeze",
        "swapaxes",
        "clip",
        "reshape",
        "trace",
        "repeat",
        "take",
    )
}
METHODS.update(flatten=np.ravel, copy=np.copy, astype=None)


def _spread_displays(call):
    """`h(*[a, b], **{"k": c})` as `h(a, b, k=c)`: a display's items, spread as the call
    spreads them (a starred display of its own, or a key that is not a constant string,
    stays as it is, and is refused with the rest)."""
    args = []
    for a in call.args:
        plain = isinstance(a, ast.Starred) and isinstance(a.value, (ast.List, ast.Tuple))
        if plain and not any(isinstance(e, ast.Starred) for e in a.value.elts):
            args += a.value.elts
        else:
            args.append(a)
    keywords = []
    for k in call.keywords:
        if (
            k.arg is None
            and isinstance(k.value, ast.Dict)
            and all(
                isinstance(key, ast.Constant) and isinstance(key.value, str) for key in k.value.keys
            )
        ):
            keywords += [
                ast.keyword(arg=key.value, value=v) for key, v in zip(k.value.keys, k.value.values)
            ]
        else:
            keywords.append(k)
    if args == call.args and keywords == call.keywords:
        return call
    return ast.copy_location(ast.Call(func=call.func, args=args, keywords=keywords), call)


def _dtype_kind(call, resolver):
    """The NumPy kind ("f", "i", "u", "b", "c", ...) of the dtype `x.astype(dtype)` names,
    or None where the code doesn't name one (a variable)."""
    arg = call.args[0] if call.args else None
    arg = next((k.value for k in call.keywords if k.arg == "dtype"), arg)
    if arg is None:
        return None
    obj = resolver.resolve(arg)
    if obj is MISSING and isinstance(arg, ast.Constant):
        obj = arg.value
    if obj is MISSING:
        return None
    try:
        return np.dtype(obj).kind
    except TypeError:
        return None


def _read_after(uses, s_at, s_loops, w_at, w_loops):
    """Is the view bound at statement `s_at` read after the write at `w_at` changed it?

    `uses`: (statement index, "load"/"store", enclosing loops) of the view's name, in
    textual order (which is execution order within a pass of a loop body).
    """
    stores = [(i, loops) for i, kind, loops in uses if kind == "store" and i != s_at]
    shared = set(s_loops) & set(w_loops)
    for l_at, kind, l_loops in uses:
        if kind != "load":
            continue
        # S, then W, then L, with nothing rebinding the view in between
        if s_at < w_at < l_at and not any(s_at < i < l_at for i, _ in stores):
            return True
        # a loop around S and W runs again: L early in the next pass, before S rebinds
        loop = shared & set(l_loops)
        if (
            loop
            and l_at < s_at
            and (w_at > s_at or w_at < l_at)
            and not any(set(loops) & loop for _, loops in stores)
        ):
            return True
    return False


_VIEW_METHODS = {"reshape", "ravel", "transpose", "squeeze", "swapaxes", "view", "T"}


def _view_base(value):
    """The array `value` may be a view of (`y` for y, y[1:], y.T, y.reshape(...)), or None."""
    node = value
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute) and node.attr in _VIEW_METHODS:
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _VIEW_METHODS
        ):
            node = node.func.value
        else:
            return None


_FRESH_CALLS = {
    "zeros",
    "ones",
    "empty",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full",
    "full_like",
    "copy",
    "array",
    "arange",
    "linspace",
    "eye",
    "identity",
}


def _creates_fresh(value, resolver):
    """Does `value` certainly produce a new array (not a view of another one)?"""
    if isinstance(value, (ast.BinOp, ast.UnaryOp, ast.Constant, ast.List, ast.Tuple)):
        return True
    if isinstance(value, ast.Call):
        func = resolver.resolve(value.func)
        if (
            func is not MISSING
            and getattr(func, "__name__", None) in _FRESH_CALLS
            and getattr(func, "__module__", "").startswith("numpy")
        ):
            return True
        if isinstance(value.func, ast.Attribute) and value.func.attr in ("copy", "astype"):
            return True
        if func is not MISSING and isinstance(func, np.ufunc):
            return True
        if (
            func is not MISSING
            and getattr(func, "__module__", "") == "srcdiff.runtime.core"
            and getattr(func, "__name__", "") in ("owned", "zeros_like", "add_at")
        ):
            return True  # srcdiff's own helpers that return new arrays
    return False


_HINTS = {
    ast.ListComp: (
        "reduce it where it is made (sum(...), max(...), ... of it are rewritten into loops), "
        "or fill an array: ys = np.zeros(n); for i in range(n): ys[i] = ..."
    ),
    ast.GeneratorExp: (
        "pass it straight to sum, math.fsum, math.prod, max, min, any or all, pass a list "
        "([... for ...]) to other functions, or write a `for` loop that accumulates the "
        "values"
    ),
    ast.BoolOp: "use an if statement",
    ast.Attribute: (
        "a NamedTuple or dataclass built inside the function is a variable per field when "
        "it is first built at the function's top level (`o = Out(...)` before any loop; "
        "rebuilt later with the same fields, or returned by a helper of yours), else keep "
        "the fields in variables"
    ),
    ast.JoinedStr: (
        "a string carries no derivative: format a value cut off from it, "
        'f"{srcdiff.stop_gradient(x)}" (f-strings passed straight to print need nothing)'
    ),
    ast.List: (
        "a list of dicts (or of values other than numbers and arrays) is differentiated "
        "where it is passed whole to a function of yours (`loss([{'w': w, 'b': b}], x)`: "
        "its leaves), not iterated or indexed in the function itself; else keep the "
        "values in variables, or in a list of numbers or arrays"
    ),
    ast.Dict: (
        'return a dict display straight away (`return {"a": ..., "b": ...}`), or build it '
        'in a variable with constant keys and return that (`out = {}; out["a"] = ...; '
        "return out`): jacobian, jvp and vjp keep its structure; else keep the values in "
        "variables: with constant keys a dict may be read or passed to a function of yours, "
        "not to a library function, nor given keys known only as the code runs"
    ),
}


def _dict_refusal(source, node):
    """The refusal of a dict built in the function that held.py could not follow, at
    the use that stopped it (local_dicts.py marks its display), else None."""
    refusal = getattr(node, "srcdiff_refusal", None)
    if refusal is None:
        return None
    message, where, hint = refusal
    return source.error(UnsupportedSyntaxError, message, where, hint)


def _unread_callable(func):
    """(why, hint) for a callable of the user's that srcdiff does not read as source when
    the function calls it -- a functools.partial, a classmethod -- else None; the hint
    spells a call it does read."""
    if hasattr(func, "srcdiff_recipe"):  # what grad & co. return (api/pickling.py)
        return (
            f"{func!r}, a derivative srcdiff made whose code it can't differentiate again "
            "here (a checkpointed or Numba-compiled one, one of containers of parameters, "
            "or not a grad or value_and_grad)",
            "call a plain gradient bound by name (`df = srcdiff.grad(f)` at module level, "
            "no checkpoint= or backend=), with numbers or arrays; for second derivatives of "
            "f itself, srcdiff.hessian(f)",
        )
    if isinstance(func, functools.partial) and inspect.isfunction(func.func):
        fixed = [reprlib.repr(a) for a in func.args]
        fixed += [f"{k}={reprlib.repr(v)}" for k, v in func.keywords.items()]
        return (
            f"a functools.partial of {func.func.__qualname__}",
            f"call {func.func.__name__} itself, with the arguments the partial fixes written "
            f"out ({', '.join(fixed)}); srcdiff reads a partial's function when the partial "
            "is what is differentiated, srcdiff.grad(partial(...)), not when it is called",
        )
    if inspect.ismethod(func) and isinstance(func.__self__, type):
        cls = func.__self__.__name__
        return (
            f"a classmethod of {cls}",
            f"make it a @staticmethod, reading what it reads of cls as {cls}.NAME, or a "
            "function of the module: srcdiff reads those from their source",
        )
    return None


def _formats_text(expr):
    """`"..." % values`: printf-style formatting, whose result is a string."""
    return isinstance(expr.op, ast.Mod) and (
        isinstance(expr.left, ast.JoinedStr)
        or (isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str))
    )


def _describe(expr):
    names = {
        ast.ListComp: "a list comprehension",
        ast.GeneratorExp: "a generator expression",
        ast.SetComp: "a set comprehension",
        ast.DictComp: "a dict comprehension",
        ast.BoolOp: "`and`/`or` on differentiated values",
        ast.Dict: "a dict",
        ast.Tuple: "a tuple of differentiated values here",
        ast.List: "a list of differentiated values",
        ast.Attribute: "an attribute of a differentiated value",
        ast.JoinedStr: "an f-string",
        ast.Compare: "a comparison",
    }
    return names.get(type(expr), f"a {type(expr).__name__} expression")


def _setitem_hint(base, index, listed):
    """What to write instead of storing into a list's element: an array of the items, or
    (for an index that is not negative) a new list built from slices and the value; either
    followed gives the derivatives the store meant."""
    if not listed:
        return f"make {base} an array, e.g. {base} = np.zeros(n)"
    i = ast.unparse(index)
    hint = (  # (a list the function makes, `list(...)` of a helper's result, takes stores)
        f"copy it where it is bound, {base} = list(...), and assign into the copy; or "
        f"assign into an array of its items: {base}_array = np.array({base}, float), then "
        f"{base}_array[{i}] = ... and read {base}_array from there"
    )
    if isinstance(index, ast.Slice) or (
        isinstance(index, ast.Constant) and not (isinstance(index.value, int) and index.value >= 0)
    ):
        return hint
    after = repr(index.value + 1) if isinstance(index, ast.Constant) else f"{i} + 1"
    return (
        f"{hint}; or, outside a loop, build a new list: "
        f"{base}_new = [*{base}[:{i}], value, *{base}[{after}:]]"
    )


def _runtime_helper_hint(func):
    """The hint for a helper of srcdiff's generated code met without a rule (or without one
    for an argument) in a derivative of a derivative; None for any other function.  The
    stop_gradient hint would not work: the user did not write that call."""
    if not (getattr(func, "__module__", None) or "").startswith(_RUNTIME):
        return None
    name = getattr(func, "__name__", "the helper")
    return (
        f"{name} is a helper of srcdiff's generated code without a derivative rule "
        "yet: this derivative of a derivative is not supported (the first "
        "derivative is); for a Hessian, try the other modes: srcdiff.hessian(f, "
        "mode='forward-over-reverse' or 'reverse-over-reverse' or "
        "'forward-over-forward')"
    )

"""Stage 3: what each variable holds, and what the backward sweep must keep.

* **Kinds**: every local gets a kind -- ``int`` (ints and bools, which carry
  no derivative), ``scalar`` (a float), ``array`` (an ndarray, or a value
  whose shape we can't know: the safe assumption), ``seq`` (a list or tuple
  of floats) or ``other``.  Kinds come from the argument values the
  function is specialised for, and flow through the code; a variable's kind
  is the join of everything assigned to it.
* **Activity**: a variable is active if its value depends on a `wrt`
  input and its kind can carry a derivative.  Inactive code is copied into
  the forward sweep unchanged and produces no adjoint code.
* **Reaching definitions** (per assignment site): whether the variable may
  already hold a value there, and whether it certainly does.  The reverse
  transformer saves the old value at a site only if it may exist and the
  backward sweep reads it.
"""

from __future__ import annotations

import ast
import numbers
import types

import numpy as np

from .parse import MISSING
from .rules import RULES

INT, SCALAR, ARRAY, SEQ, SEQ2, OTHER = "int", "scalar", "array", "seq", "seq2", "other"
LIST = "list"    # a list the code appends to and pops from (the stack of generated code)
NUMERIC = (INT, SCALAR, ARRAY)
DIFFERENTIABLE = (SCALAR, ARRAY, SEQ, LIST)


def kind_of_value(value):
    """The kind of a runtime value (used for arguments and globals)."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Integral):
        return INT
    if isinstance(value, (float, np.floating)):
        return SCALAR
    if isinstance(value, np.ndarray):
        return ARRAY if np.issubdtype(value.dtype, np.inexact) else INT
    if isinstance(value, (list, tuple)):
        if not value:
            return SEQ
        if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                         for v in value):
            return SEQ
        if value and all(kind_of_value(v) == SEQ for v in value):
            return SEQ2     # e.g. a list of (x, y, label) tuples: data, never differentiated
        return OTHER
    if isinstance(value, numbers.Real):
        return SCALAR
    return OTHER


def join(a, b):
    """Least upper bound of two kinds; unknown numeric values become arrays (safe)."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    pair = {a, b}
    if pair == {INT, SCALAR}:
        return SCALAR
    if SEQ2 in pair:
        return OTHER
    if OTHER in pair:
        return OTHER
    return ARRAY


def _join_numeric(kinds):
    result = None
    for k in kinds:
        if k == OTHER:
            k = ARRAY
        result = join(result, k)
    return result or SCALAR


class Analysis:
    """Kinds and activity of every local of a normalized function."""

    def __init__(self, tree, resolver, param_kinds, wrt, helper_kinds=None):
        self.tree = tree
        self.resolver = resolver
        self.kinds = dict(param_kinds)
        self.active = {p: p in wrt and param_kinds[p] in DIFFERENTIABLE for p in param_kinds}
        self.helper_kinds = helper_kinds or (lambda func, call, expr_kind: None)
        self.lost = {}     # name -> node: a differentiated value stored where we lose track
        self.maybe_int = {p for p, k in param_kinds.items() if k == INT}
        initial = dict(self.active)
        self._fixpoint()
        unknown = {name for name, kind in self.kinds.items() if kind is None}
        if unknown:
            control = _only_control_uses(tree, unknown)
            for name in unknown:
                # Popped off a stack, so of unknown kind.  Used only to steer control flow or
                # to index (a decision, a range, a trip count): an integer.  Else an array.
                self.kinds[name] = INT if name in control else ARRAY
            # activity found while those kinds were unknown may not hold: find it again
            self.active = dict(initial)
            self.lost = {}
            self._fixpoint()
        for name in self.active:
            self.active[name] = self.active[name] and self.kinds.get(name) in DIFFERENTIABLE

    def _fixpoint(self):
        for _ in range(20):
            before = (dict(self.kinds), dict(self.active))
            self._block(self.tree.body)
            if (self.kinds, self.active) == before:
                break

    # -- statements ---------------------------------------------------------------
    def _block(self, stmts):
        for stmt in stmts:
            self._stmt(stmt)

    def _stmt(self, stmt):
        if isinstance(stmt, (ast.Assign, ast.Expr)):
            self._lists_passed_to_helpers(stmt.value)
        if isinstance(stmt, ast.Assign):
            kind, active = self.expr(stmt.value)
            target = stmt.targets[0]
            if active and kind == OTHER:
                self.lost.setdefault(_base_name(target) or "?", stmt)
            if isinstance(target, ast.Tuple):
                for i, elt in enumerate(target.elts):
                    if isinstance(kind, tuple) and len(kind) == len(target.elts):
                        self._set(elt.id, kind[i], active)
                    else:
                        self._set(elt.id, ARRAY if kind in (SEQ, OTHER) else kind, active)
            elif isinstance(target, ast.Name):
                self._set(target.id, kind, active)
            elif isinstance(target, ast.Subscript):
                base = _base_name(target)
                if base is not None:
                    self._set(base, self.kinds.get(base, kind), active)
        elif isinstance(stmt, ast.If):
            self._block(stmt.body)
            self._block(stmt.orelse)
        elif isinstance(stmt, ast.For):
            self._set(stmt.target.id, INT, False)
            self._block(stmt.body)
        elif isinstance(stmt, ast.While):
            self._block(stmt.body)
        elif isinstance(stmt, ast.Expr):
            stack, value = _list_append(stmt)
            if stack is not None and self.kinds.get(stack) == LIST:
                self._set(stack, LIST, self.expr(value)[1])

    def _lists_passed_to_helpers(self, expr):
        """A list handed to a helper together with a differentiated value may get
        differentiated values pushed onto it (the stacks of generated code)."""
        for node in ast.walk(expr):
            if not isinstance(node, ast.Call):
                continue
            func = self.resolver.resolve(node.func)
            if not isinstance(func, types.FunctionType):
                continue
            args = list(node.args) + [k.value for k in node.keywords]
            if any(self.expr(a)[1] for a in args):
                for a in args:
                    if isinstance(a, ast.Name) and self.kinds.get(a.id) == LIST:
                        self._set(a.id, LIST, True)

    def _set(self, name, kind, active):
        if isinstance(kind, tuple):   # a helper's tuple result kept whole: treat as a sequence
            kind = SEQ
        if kind == INT:
            self.maybe_int.add(name)
        self.kinds[name] = join(self.kinds.get(name), kind)
        # A value of unknown kind (popped off a stack) may still be differentiated.
        self.active[name] = self.active.get(name, False) or (
            active and self.kinds[name] in DIFFERENTIABLE + (None,))

    # -- expressions ---------------------------------------------------------------
    def expr(self, node):
        """(kind, active) of an expression."""
        method = getattr(self, "_expr_" + type(node).__name__, None)
        if method is None:
            names = [n for n in ast.walk(node) if isinstance(n, ast.Name)]
            return OTHER, any(self.active.get(n.id, False) for n in names)
        return method(node)

    def _expr_Constant(self, node):
        if node.value is None:      # `y = None` placeholders say nothing about y's kind
            return None, False
        return kind_of_value(node.value), False

    def _expr_Name(self, node):
        if node.id in self.kinds:
            return self.kinds[node.id], self.active.get(node.id, False)
        if self.resolver.is_local(node.id):   # assigned later, not seen yet
            return None, False
        value = self.resolver.lookup(node.id)
        return (OTHER if value is MISSING else kind_of_value(value)), False

    def _expr_BinOp(self, node):
        (lk, la), (rk, ra) = self.expr(node.left), self.expr(node.right)
        if isinstance(node.op, ast.FloorDiv):
            return _join_numeric([lk or INT, rk or INT]), False
        if (la and lk in (SEQ, OTHER)) or (ra and rk in (SEQ, OTHER)):
            return OTHER, True   # arithmetic on a differentiated list or unknown object
        if (lk in (SEQ, OTHER) or rk in (SEQ, OTHER)) and not (la or ra):
            return OTHER, False
        # An inactive operand of unknown kind may be an array: assume so (always safe).
        kind = _join_numeric([k for k in (lk, rk) if k])
        if isinstance(node.op, ast.Div) and kind == INT:
            kind = SCALAR
        return kind, (la or ra) and kind in DIFFERENTIABLE

    def _expr_UnaryOp(self, node):
        kind, active = self.expr(node.operand)
        if isinstance(node.op, (ast.Not, ast.Invert)):
            return INT, False
        return kind, active

    def _expr_Compare(self, node):
        return INT, False

    def _expr_BoolOp(self, node):
        infos = [self.expr(v) for v in node.values]
        kinds = {k for k, _ in infos}
        if kinds <= {INT, None}:
            return INT, False
        return _join_numeric([k for k in kinds if k]), any(a for _, a in infos)

    def _expr_Subscript(self, node):
        kind, active = self.expr(node.value)
        if self.expr(node.slice)[1]:
            # a differentiated value inside [...]: np.r_[x, y], or an index computed from
            # one -- never silently a constant (the splitter says what to write instead)
            return OTHER, True
        if isinstance(kind, tuple):   # a helper's tuple result, indexed by a constant
            index = node.slice
            if isinstance(index, ast.Constant) and isinstance(index.value, int) and \
                    -len(kind) <= index.value < len(kind):
                return kind[index.value], active
            return _join_numeric(kind), active
        if kind == SEQ:
            return SCALAR, active
        if kind == SEQ2:
            return SEQ, active
        if kind == INT:
            return INT, False
        if kind == OTHER:
            return OTHER, active
        return ARRAY, active

    def _expr_Tuple(self, node):
        if isinstance(node, ast.List) and not node.elts:
            return LIST, False
        infos = [self.expr(e) for e in node.elts]
        active = any(a for _, a in infos)
        if infos and all(k in NUMERIC for k, _ in infos):
            return SEQ, active
        if infos and all(k == SEQ for k, _ in infos):
            return SEQ2, active
        return OTHER, active

    _expr_List = _expr_Tuple

    def _expr_Attribute(self, node):
        obj = self.resolver.resolve(node)
        if obj is not MISSING:
            return kind_of_value(obj), False
        kind, active = self.expr(node.value)
        if node.attr in ("shape", "ndim", "size", "dtype"):
            return INT if node.attr in ("ndim", "size") else OTHER, False
        if node.attr in ("T", "real", "flat"):
            return kind, active
        return OTHER, active

    def _expr_Call(self, node):
        func = self.resolver.resolve(node.func)
        infos = [self.expr(a) for a in node.args] + [self.expr(k.value) for k in node.keywords]
        kinds = [k for k, _ in infos if k]
        any_active = any(a for _, a in infos)
        if func is MISSING:   # a method call on a local value, or an unknown name
            if isinstance(node.func, ast.Attribute) and node.func.attr == "pop" and \
                    isinstance(node.func.value, ast.Name) and \
                    self.kinds.get(node.func.value.id) == LIST:
                return None, self.active.get(node.func.value.id, False)
            if isinstance(node.func, ast.Attribute):
                base_kind, base_active = self.expr(node.func.value)
                return (ARRAY if base_kind in (ARRAY, SCALAR) else OTHER), base_active or any_active
            return OTHER, any_active
        rules = RULES.lookup(func) if _hashable(func) else []
        if rules:
            rule = rules[0]
            if not rule.differentiable:
                result = rule.result if rule.result != "same" else _join_numeric(kinds or [INT])
                return result, False
            if rule.result == "reduce":     # np.sum(x) is a scalar; np.sum(x, axis=0) isn't
                kind = ARRAY if _reduces_partially(node) else SCALAR
            elif rule.result == "same":
                kind = _join_numeric(kinds or [SCALAR])
                if func in (max, min, abs):
                    kind = _join_numeric(kinds or [SCALAR])
                elif kind == INT:
                    kind = SCALAR
            else:
                kind = rule.result
            return kind, any_active and kind in DIFFERENTIABLE
        if isinstance(func, types.FunctionType):
            result = self.helper_kinds(func, node, self.expr)
            return result, any_active
        if isinstance(func, type) and func in (float,):
            return SCALAR, any_active
        return ARRAY if kinds else OTHER, any_active


_INT_FUNCS = {"range", "reversed", "len", "int", "bool"}


def _only_control_uses(tree, names):
    """Names among `names` every read of which is a test, a loop range or an index."""
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    bad = set()

    def control_context(node):
        parent = parents.get(node)
        if parent is None:
            return False
        if isinstance(parent, (ast.Compare, ast.BoolOp, ast.Slice)):
            return True
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            return True
        if isinstance(parent, (ast.If, ast.While)) and parent.test is node:
            return True
        if isinstance(parent, ast.For) and parent.iter is node:
            return True
        if isinstance(parent, ast.Subscript):
            if parent.slice is node:
                return True
            return control_context(parent)      # iters[:n] used as a range
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and \
                parent.func.id in _INT_FUNCS:
            return True
        if isinstance(parent, ast.Tuple) and isinstance(parents.get(parent), ast.Subscript):
            return parents[parent].slice is parent
        if isinstance(parent, ast.Expr) and isinstance(parent.value, ast.Call):
            return False
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
            if not control_context(node):
                bad.add(node.id)
    # pushed onto a stack again (helpers re-push what they pop): judged by other uses
    return {n for n in names if n not in bad}


def _list_append(stmt):
    """(list name, appended value) for a statement `name.append(value)`, else (None, None)."""
    call = stmt.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
            call.func.attr == "append" and isinstance(call.func.value, ast.Name) and \
            len(call.args) == 1 and not call.keywords:
        return call.func.value.id, call.args[0]
    return None, None


def _reduces_partially(call):
    """Does a reduction call pass an axis (or keepdims=True), so it may return an array?"""
    if len(call.args) > 1:
        return not (isinstance(call.args[1], ast.Constant) and call.args[1].value is None)
    for kw in call.keywords:
        if kw.arg == "axis" and not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
            return True
        if kw.arg == "keepdims" and not (isinstance(kw.value, ast.Constant) and
                                         kw.value.value is False):
            return True
    return False


def _hashable(obj):
    try:
        hash(obj)
        return True
    except TypeError:
        return False


def _base_name(node):
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


# -- reaching definitions --------------------------------------------------------
class Definitions:
    """For each assignment site: names that may / must be bound just before it.

    Standard structured dataflow: at a branch join, "must" is the
    intersection and "may" the union; a loop body may be entered from
    before the loop or from its own end (so its "may" includes everything
    the body assigns), and may run zero times.
    """

    def __init__(self, tree):
        self.maybe = {}      # id(site) -> set of names possibly bound before it
        self.must = {}       # id(site) -> set of names certainly bound before it
        self.must_end = {}   # (id(compound), "body" | "orelse") -> certainly bound at its end
        params = {a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]}
        self.at_end_must, self.at_end_maybe = self._block(tree.body, set(params), set(params))

    def _block(self, stmts, must, maybe):
        for stmt in stmts:
            must, maybe = self._stmt(stmt, must, maybe)
        return must, maybe

    def _stmt(self, stmt, must, maybe):
        self.maybe[id(stmt)] = set(maybe)
        self.must[id(stmt)] = set(must)
        if isinstance(stmt, ast.Assign):
            names = assigned_names(stmt)
            return must | names, maybe | names
        if isinstance(stmt, ast.If):
            a_must, a_maybe = self._block(stmt.body, set(must), set(maybe))
            b_must, b_maybe = self._block(stmt.orelse, set(must), set(maybe))
            self.must_end[id(stmt), "body"] = a_must
            self.must_end[id(stmt), "orelse"] = b_must
            return a_must & b_must, a_maybe | b_maybe
        if isinstance(stmt, (ast.For, ast.While)):
            assigned = _all_assigned(stmt)
            entry_maybe = maybe | assigned
            entry_must = set(must)
            if isinstance(stmt, ast.For):
                entry_must.add(stmt.target.id)
            self.must_end[id(stmt), "body"], _ = self._block(stmt.body, entry_must, entry_maybe)
            return must, entry_maybe
        return must, maybe


def assigned_names(stmt):
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple):
        return {e.id for e in target.elts}
    return set()


def _all_assigned(stmt):
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names

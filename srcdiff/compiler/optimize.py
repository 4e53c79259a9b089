"""Stage 5: tidy the backward sweep the way a careful person would.

* **Copy and constant propagation**: after ``dout = 1.0`` and
  ``dt1 = dout``, later reads of `dt1` read ``1.0``; `simplify` then turns
  ``1.0 * y`` into ``y``.
* **Dead adjoint elimination**: an adjoint assignment nothing reads is
  dropped (only for side-effect-free right-hand sides).

Only adjoint variables (names the transformer created for cotangents) are
touched; primal code is never rewritten.  Propagation stops at any
statement that reassigns either side of a fact, and a fact flows into a
loop or branch body only if nothing in that body reassigns it.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence

from .aliasing import PURE_METHODS
from .templates import simplify


def _stored(node):
    """Names a statement changes: assigned, or assigned into (`y[i] = v` changes y)."""
    names = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    for n in ast.walk(node):
        if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return names


class _Substitute(ast.NodeTransformer):
    def __init__(self, facts):
        self.facts = facts

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.facts:
            return ast.copy_location(_copy(self.facts[node.id]), node)
        return node


def _copy(node):
    import copy

    return copy.deepcopy(node)


def _float_const(node):
    """The float a node spells (`2.0`, `-1.0`), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _float_const(node.operand)
        return -inner if inner is not None else None
    return None


def propagate(
    stmts: list[ast.stmt],
    adjoints: Collection[str],
    facts: dict | None = None,
    int_names: Collection[str] = frozenset(),
) -> list[ast.stmt]:
    """Copy/constant propagation over adjoint names, in place; returns stmts."""
    facts = dict(facts or {})
    out: list[ast.stmt] = []
    for stmt in stmts:
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            killed = _stored(stmt)
            inner = {
                k: v
                for k, v in facts.items()
                if k not in killed and not (isinstance(v, ast.Name) and v.id in killed)
            }
            if isinstance(stmt, ast.If):
                stmt.test = _Substitute(facts).visit(stmt.test)
                stmt.body = propagate(stmt.body, adjoints, inner, int_names)
                stmt.orelse = propagate(stmt.orelse, adjoints, inner, int_names)
            else:
                if isinstance(stmt, ast.For):
                    stmt.iter = _Substitute(facts).visit(stmt.iter)
                stmt.body = propagate(stmt.body, adjoints, inner, int_names)
            facts = inner
            out.append(stmt)
            continue
        if isinstance(stmt, ast.Assign):
            stmt.value = simplify(_Substitute(facts).visit(stmt.value), int_names)
        elif isinstance(stmt, ast.Return):
            pass  # `return dtheta0` reads better than `return dtheta`
        else:
            stmt = _Substitute(facts).visit(stmt)
        killed = _stored(stmt)
        facts = {
            k: v
            for k, v in facts.items()
            if k not in killed and not (isinstance(v, ast.Name) and v.id in killed)
        }
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            target, value = stmt.targets[0].id, stmt.value
            if target in adjoints and (
                (isinstance(value, ast.Name) and value.id in adjoints and value.id != target)
                or isinstance(_float_const(value), float)
            ):
                facts[target] = value
        out.append(stmt)
    return out


_PURE_BUILTINS = {"len", "range", "abs", "float", "int", "min", "max", "reversed", "slice"}


def _pure(expr, pure_names):
    """No side effects: only calls into math/numpy modules and a few builtins."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _PURE_BUILTINS:
                continue
            if isinstance(func, ast.Attribute) and func.attr in PURE_METHODS:
                continue  # x.sum(), x.reshape(...): array methods that change nothing
            base = func.value if isinstance(func, ast.Attribute) else None
            if not (isinstance(base, ast.Name) and base.id in pure_names):
                return False
    return True


def _overwritten_before_read(name, rest):
    for stmt in rest:
        if not isinstance(stmt, ast.Assign):
            return False
        if any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
            for n in ast.walk(stmt)
        ):
            return False
        if name in _stored(stmt):
            return True
    return False


def eliminate_dead(
    stmts_by_function: list[list[ast.stmt]],
    adjoints: Collection[str],
    pure_names: Collection[str],
    keep: Collection[str] = (),
) -> list[list[ast.stmt]]:
    """Drop adjoint assignments whose value no statement reads (to a fixpoint)."""
    while True:
        loads = set(keep)
        for stmts in stmts_by_function:
            for stmt in stmts:
                loads |= {
                    n.id
                    for n in ast.walk(stmt)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                }
        pruner = _Pruner(adjoints, pure_names, loads)
        stmts_by_function[:] = [pruner.prune(stmts) for stmts in stmts_by_function]
        if not pruner.changed:
            return stmts_by_function


class _Pruner:
    """One sweep of eliminate_dead, given the names some statement reads."""

    def __init__(self, adjoints, pure_names, loads):
        self.adjoints, self.pure_names, self.loads = adjoints, pure_names, loads
        self.changed = False

    def _dead(self, stmt, rest):
        return (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id in self.adjoints
            and (
                stmt.targets[0].id not in self.loads
                or _overwritten_before_read(stmt.targets[0].id, rest)
            )
        )

    def prune(self, block):
        result = []
        for i, stmt in enumerate(block):
            if self._dead(stmt, block[i + 1 :]):
                if _pure(stmt.value, self.pure_names):
                    self.changed = True
                    continue
                if isinstance(stmt.value, ast.Call):  # keep the call, drop the name
                    self.changed = True
                    result.append(ast.copy_location(ast.Expr(value=stmt.value), stmt))
                    continue
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, self.prune(getattr(stmt, field)))
            if isinstance(stmt, ast.If) and not stmt.body and not stmt.orelse:
                self.changed = True
                continue
            if isinstance(stmt, ast.If) and not stmt.body:
                stmt.test = ast.UnaryOp(op=ast.Not(), operand=stmt.test)
                stmt.body, stmt.orelse = stmt.orelse, []
            if isinstance(stmt, (ast.For, ast.While)) and not stmt.body:
                stmt.body = [ast.Pass()]
            result.append(stmt)
        return result


def fold_single_use(
    stmts: list[ast.stmt],
    candidates: Collection[str],
    pure_names: Collection[str],
    context: Sequence[ast.stmt] = (),
    int_names: Collection[str] = frozenset(),
) -> list[ast.stmt]:
    """Put back `t = expr` into the one statement that reads `t`, when nothing in between
    changes what `expr` reads.  Undoes the three-address split where it bought nothing:
    the code reads like the user's, and runs faster (fewer stores and loads)."""
    loads: dict[str, int] = {}
    everything = list(stmts) + list(context)  # `context`: the rest of the function
    for stmt in everything:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads[node.id] = loads.get(node.id, 0) + 1
    stores: dict[str, int] = {}
    for stmt in everything:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stores[node.id] = stores.get(node.id, 0) + 1

    def fold(block):
        out = list(block)
        i = 0
        while i < len(out):
            stmt = out[i]
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, fold(getattr(stmt, field)))
            target = (
                stmt.targets[0].id
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
                else None
            )
            if (
                target in candidates
                and loads.get(target) == 1
                and stores.get(target) == 1
                and _pure(stmt.value, pure_names)
            ):
                reads = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
                for j in range(i + 1, len(out)):
                    later = out[j]
                    uses = any(isinstance(n, ast.Name) and n.id == target for n in ast.walk(later))
                    if uses:
                        if isinstance(later, (ast.Assign, ast.Expr)):  # `return dx` stays
                            _replace_load(later, target, stmt.value)
                            if isinstance(later, ast.Assign):
                                later.value = simplify(later.value, int_names)
                            del out[i]
                            i -= 1
                        break
                    if (
                        not isinstance(later, (ast.Assign, ast.Expr))
                        or _stored(later) & reads
                        or (
                            isinstance(later, ast.Expr)
                            and not _pure(later.value, pure_names)
                            and not _is_stack_op(later)
                        )
                    ):
                        break
            i += 1
        return out

    return fold(stmts)


def _is_stack_op(stmt):
    call = stmt.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("append",)
    )


def _replace_load(stmt, name, expr):
    class Sub(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == name and isinstance(node.ctx, ast.Load):
                return ast.copy_location(_copy(expr), node)
            return node

    Sub().visit(stmt)

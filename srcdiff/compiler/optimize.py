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


def _reads(node):
    """Names a simple statement (or expression) reads; an augmented assignment reads its
    target too."""
    names = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        names.add(node.target.id)
    return names


def _bound(targets):
    """Names plain assignment targets bind (`a`, `a, (b, c)`); `y[i] = v` binds none."""
    names = set()
    for target in targets:
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            names |= _bound(target.elts)
        elif isinstance(target, ast.Starred):
            names |= _bound([target.value])
    return names


def eliminate_dead(
    stmts_by_function: list[list[ast.stmt]],
    adjoints: Collection[str],
    pure_names: Collection[str],
    keep: Collection[str] = (),
) -> list[list[ast.stmt]]:
    """Drop assignments to `adjoints` whose value nothing reads later.

    One backward liveness pass per block (loops iterate their body's liveness to a
    fixpoint, which takes two or three rounds): a dead assignment adds nothing to
    what is live, so chains of dead assignments go in the same pass.  The names in
    `keep` are live at every exit."""
    sweep = _DeadCode(adjoints, pure_names, keep)
    stmts_by_function[:] = [sweep.block(stmts, set(keep), True)[0] for stmts in stmts_by_function]
    return stmts_by_function


class _DeadCode:
    """Backward liveness over generated code; `block` optionally removes what is dead."""

    def __init__(self, adjoints, pure_names, keep):
        self.adjoints, self.pure_names, self.keep = adjoints, pure_names, set(keep)
        self.loops: list[tuple[set, set]] = []  # (live at the loop's head, live after it)
        self._reads_cache: dict[ast.AST, set] = {}
        self._pure_cache: dict[ast.AST, bool] = {}

    def reads(self, node):
        found = self._reads_cache.get(node)
        if found is None:
            found = self._reads_cache[node] = _reads(node)
        return found

    def pure(self, node):
        found = self._pure_cache.get(node)
        if found is None:
            found = self._pure_cache[node] = _pure(node, self.pure_names)
        return found

    def block(self, stmts, live, remove):
        """(the block, dead code dropped if `remove`; names live at its start)."""
        out = []
        for stmt in reversed(stmts):
            stmt, live = self.stmt(stmt, live, remove)
            if stmt is not None:
                out.append(stmt)
        out.reverse()
        return out, live

    def stmt(self, stmt, live, remove):
        if isinstance(stmt, ast.Assign):
            return self._assign(stmt, live)
        if isinstance(stmt, ast.If):
            return self._if(stmt, live, remove)
        if isinstance(stmt, (ast.For, ast.While)):
            return self._loop(stmt, live, remove)
        if isinstance(stmt, ast.Return):
            return stmt, self.reads(stmt) | self.keep
        if isinstance(stmt, ast.Break):
            return stmt, set(self.loops[-1][1]) if self.loops else set(live)
        if isinstance(stmt, ast.Continue):
            return stmt, set(self.loops[-1][0]) if self.loops else set(live)
        if isinstance(
            stmt,
            (ast.Expr, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.Assert, ast.Pass, ast.Delete),
        ):
            return stmt, live | self.reads(stmt)
        # anything else (no such statement is generated today): keep it, and all it reads
        return stmt, live | self.reads(stmt) | _stored(stmt)

    def _assign(self, stmt, live):
        bound = _bound(stmt.targets)
        target = stmt.targets[0]
        if (
            len(stmt.targets) == 1
            and isinstance(target, ast.Name)
            and target.id in self.adjoints
            and target.id not in live
        ):
            if self.pure(stmt.value):
                return None, live
            if isinstance(stmt.value, ast.Call):  # keep the call, drop the name
                call = ast.copy_location(ast.Expr(value=stmt.value), stmt)
                return call, live | self.reads(stmt.value)
        return stmt, (live - bound) | self.reads(stmt)

    def _if(self, stmt, live, remove):
        body, live_body = self.block(stmt.body, live, remove)
        orelse, live_else = self.block(stmt.orelse, live, remove)
        live_in = live_body | live_else | self.reads(stmt.test)
        if not remove:
            return stmt, live_in
        stmt.body, stmt.orelse = body, orelse
        if not body and not orelse:
            if self.pure(stmt.test):
                return None, live
            return ast.copy_location(ast.Expr(value=stmt.test), stmt), live | self.reads(stmt.test)
        if not body:
            stmt.test = ast.UnaryOp(op=ast.Not(), operand=stmt.test)
            stmt.body, stmt.orelse = stmt.orelse, []
        return stmt, live_in

    def _loop(self, stmt, live, remove):
        header = stmt.iter if isinstance(stmt, ast.For) else stmt.test
        bound = _bound([stmt.target]) if isinstance(stmt, ast.For) else set()
        orelse, live_else = self.block(stmt.orelse, live, remove)
        exit_live = live | live_else
        head = set(exit_live)
        if isinstance(stmt, ast.While):
            head |= self.reads(header)
        while True:  # the back edge: what the body reads is live at the head again
            self.loops.append((head, live))
            _, live_body = self.block(stmt.body, head, False)
            self.loops.pop()
            new = head | (live_body - bound)
            if new == head:
                break
            head = new
        if remove:
            self.loops.append((head, live))
            body, _ = self.block(stmt.body, head, True)
            self.loops.pop()
            stmt.body, stmt.orelse = body or [ast.Pass()], orelse
        return stmt, head | self.reads(header)


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

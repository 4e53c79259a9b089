"""Several forward-mode directions in one function: tangent code merged, primal code once.

Forward mode builds the tangent code of a function once per input direction
(`ForwardTransform.build(seeded=p)`: the tangent of `p` only, the others statically
zero).  Every build splits the same statements into the same ops, so the primal
statements of all builds are the same and in the same order; only the tangent
statements between them differ (and have their own names).  `merge` walks the builds
side by side and emits each primal statement once, preceded by every build's tangent
statements that came before it: a tangent statement reads only primal values made
before it and its own build's tangents, so that order is the order of each build.

Where the builds do not line up -- a statement that computes a value and a tangent
together (a helper's `a, da = h_jvp(...)`), a primal statement only one build has --
`merge` returns None and the caller runs the directions as separate passes.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Collection, Sequence

from .astutil import Transformer, walk

_COMPOUND = (ast.If, ast.For, ast.While)


def merge(
    bodies: Sequence[list[ast.stmt]], tangents: Sequence[Collection[str]]
) -> list[ast.stmt] | None:
    """One statement list doing what each of `bodies` does, primal statements once, or
    None where they don't line up.  `tangents[j]`: the tangent names of `bodies[j]`."""
    try:
        return _merge([_no_pass(b) for b in bodies], [set(t) for t in tangents])
    except _Misaligned:
        return None


class _Misaligned(Exception):
    pass


def _merge(bodies: list[list[ast.stmt]], tangents: list[set[str]]) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    at = [0] * len(bodies)
    while True:
        for j, body in enumerate(bodies):  # each build's tangent statements up to its next
            while at[j] < len(body) and _kind(body[at[j]], tangents[j]) == "tangent":
                out.append(body[at[j]])
                at[j] += 1
        ended = [at[j] == len(body) for j, body in enumerate(bodies)]
        if all(ended):
            return out
        if any(ended):
            raise _Misaligned
        nexts = [body[at[j]] for j, body in enumerate(bodies)]
        out.append(_one(nexts, tangents))
        at = [i + 1 for i in at]


def _one(stmts: list[ast.stmt], tangents: list[set[str]]) -> ast.stmt:
    """The primal statement (or compound statement, merged inside) all builds have here."""
    first = stmts[0]
    if isinstance(first, _COMPOUND):
        if any(type(s) is not type(first) or _header(s) != _header(first) for s in stmts):
            raise _Misaligned
        compound = [s for s in stmts if isinstance(s, _COMPOUND)]
        merged = copy.copy(first)
        merged.body = _merge([_no_pass(s.body) for s in compound], tangents) or [ast.Pass()]
        merged.orelse = _merge([_no_pass(s.orelse) for s in compound], tangents)
        return merged
    if any(_kind(s, t) != "primal" or not _same(s, first) for s, t in zip(stmts, tangents)):
        raise _Misaligned
    return first


def _same(a: object, b: object) -> bool:
    """`ast.dump(a) == ast.dump(b)` without printing either (every primal statement of
    every build is compared): the same classes, the same fields present (a missing field
    and a None one whose class default is None are both left out of a dump), the same
    nodes and lists in them, the same reprs of everything else."""
    if isinstance(a, ast.AST):
        if a.__class__ is not b.__class__:
            return isinstance(b, ast.AST) and ast.dump(a) == ast.dump(b)
        cls = a.__class__
        for field in a._fields:
            x, y = getattr(a, field, _ABSENT), getattr(b, field, _ABSENT)
            if x is None and getattr(cls, field, ...) is None:
                x = _ABSENT
            if y is None and getattr(cls, field, ...) is None:
                y = _ABSENT
            if x is not y and not _same(x, y):
                return False
        return True
    if a.__class__ is list:
        return b.__class__ is list and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(b, (ast.AST, list)) or a is _ABSENT or b is _ABSENT:
        return False
    return a == b if a.__class__ is str and b.__class__ is str else repr(a) == repr(b)


_ABSENT = object()  # (a field a dump leaves out)


def _no_pass(body: list[ast.stmt]) -> list[ast.stmt]:
    """A body without `pass` (a build whose body has only tangent statements has `pass`
    where another build has them)."""
    return [s for s in body if not isinstance(s, ast.Pass)]


def _header(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.For):
        return ast.dump(stmt.target) + ast.dump(stmt.iter)
    return ast.dump(stmt.test)  # type: ignore[attr-defined]


def _kind(stmt: ast.stmt, tangents: set[str]) -> str:
    """ "tangent" (touches only this build's tangents and reads primals), "primal" (no
    tangent at all), "compound" (if/for/while whose header reads no tangent); a statement
    writing a value and a tangent together can't be merged."""
    if isinstance(stmt, _COMPOUND):
        if _names(_header_nodes(stmt)) & tangents:
            raise _Misaligned
        return "compound"
    if isinstance(stmt, ast.Assign):
        stored = {
            n.id
            for t in stmt.targets
            for n in walk(t)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        if stored and stored <= tangents:
            return "tangent"
        if stored & tangents or _names([stmt.value]) & tangents:
            raise _Misaligned
        return "primal"
    if isinstance(stmt, ast.Expr):
        return "tangent" if _names([stmt]) & tangents else "primal"
    if isinstance(stmt, (ast.Break, ast.Continue)):
        return "primal"
    raise _Misaligned  # return, raise, ...: not in a body the transformer builds


def _header_nodes(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, ast.For):
        return [stmt.target, stmt.iter]
    return [stmt.test]  # type: ignore[attr-defined]


def _names(nodes: Sequence[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in walk(node) if isinstance(n, ast.Name)}


def share_partials(
    body: list[ast.stmt], tangents: Collection[str], pure: Collection[str], fresh
) -> list[ast.stmt]:
    """Each direction's tangent statement computes the same partial derivatives
    (`math.cos(theta)` in `dtheta * math.cos(theta)` and in `dtheta_1 * math.cos(theta)`):
    a call into a module (`pure`) on plain names, made by two or more tangent statements
    in a row, is computed once before them, into `fresh()`.  Tangent statements change no
    primal value, so the call's arguments are the same throughout the run."""
    if not isinstance(tangents, (set, frozenset)):
        tangents = set(tangents)  # (once: a copy for every statement was quadratic)
    out: list[ast.stmt] = []
    run: list[ast.stmt] = []
    for stmt in body:
        for field in ("body", "orelse"):
            if isinstance(stmt, _COMPOUND) and getattr(stmt, field):
                setattr(stmt, field, share_partials(getattr(stmt, field), tangents, pure, fresh))
        if _is_tangent(stmt, tangents):
            run.append(stmt)
            continue
        out += _hoisted(run, tangents, pure, fresh) + run + [stmt]
        run = []
    return out + _hoisted(run, tangents, pure, fresh) + run


def _is_tangent(stmt: ast.stmt, tangents: set[str] | frozenset[str]) -> bool:
    if not isinstance(stmt, ast.Assign):
        return False
    stored = {n.id for t in stmt.targets for n in walk(t) if isinstance(n, ast.Name)}
    return bool(stored) and stored <= tangents


def _hoisted(run, tangents, pure, fresh) -> list[ast.stmt]:
    """Assignments of the calls two or more statements of `run` make, which now read them."""
    if len(run) < 2:
        return []
    seen: dict[str, set[int]] = {}
    for k, stmt in enumerate(run):
        for node in walk(stmt.value):  # (ast.walk's order)
            if _shareable(node, tangents, pure):
                seen.setdefault(ast.dump(node), set()).add(k)
    shared = [d for d, where in seen.items() if len(where) > 1]
    hoisted: list[ast.stmt] = []
    for dump in shared:
        sub = _Replace(dump, fresh())
        for stmt in run:
            sub.visit(stmt)
        if sub.call is not None:
            shared_call = ast.Assign(
                targets=[ast.Name(id=sub.name, ctx=ast.Store())], value=sub.call
            )
            if hasattr(run[0], "srcline"):  # printed under the user's line it is part of
                shared_call.srcline = run[0].srcline  # type: ignore[attr-defined]
            hoisted.append(shared_call)
    return hoisted


class _Replace(Transformer):
    """Every call whose dump is `dump` becomes a read of `name` (`call`: one of them)."""

    def __init__(self, dump: str, name: str):
        self.dump, self.name = dump, name
        self.call: ast.Call | None = None

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if ast.dump(node) == self.dump:
            self.call = node
            return ast.Name(id=self.name, ctx=ast.Load())
        return self.generic_visit(node)


def _shareable(node: ast.AST, tangents: Collection[str], pure: Collection[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in pure
        and not node.keywords
        and all(
            isinstance(a, ast.Constant) or (isinstance(a, ast.Name) and a.id not in tangents)
            for a in node.args
        )
    )

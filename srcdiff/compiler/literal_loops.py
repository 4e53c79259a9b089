"""Loops over written-out pairs: `for name, w in (("a", x), ("b", y)):` is unrolled.

A display mixing names (strings) with differentiated values is no sequence of numbers
the compiler can index, but its length and its strings are known when the code is
generated, so the loop is written out once per item (compiler/unrolling.py): `name`
is the constant "a" in the first copy, `w` is assigned `x`.  `d[name]` in the body is
then a read with a constant key, which held.py (dicts built in the function) and the
rest of the compiler understand.  A loop over a tuple of strings that index something
(`for k in ("a", "b"): s = s + d[k]`) is unrolled for the same reason.

A display bound to a name first (`terms = (("fit", e), ("reg", r))`, assigned once,
used only as what loops walk) is the same: its values are assigned to variables where
it is bound, so a later change of `e` does not change what the loop sees.

Runs in normalize before held.py, so keys the copies add to a dict at the top level are
added at the top level.  Loops over displays of numbers only are left alone (they are
index loops, as before).
"""

from __future__ import annotations

import ast
import copy

from .astutil import copy_tree, fix_missing_locations, statements, walk
from .unrolling import OnePass, assign, bind_copy, is_key, is_string, own_jumps


def unroll_literal_loops(source, tree: ast.FunctionDef) -> ast.FunctionDef:
    """`tree`, or a rewritten copy in which such loops are unrolled (the tree given is
    not changed)."""
    # (a loop is a statement: found without entering expressions, a fraction of a walk)
    loops = [n for n in statements(tree.body) if isinstance(n, ast.For)]
    if not loops or (not any(_walks_displays(n.iter) for n in loops) and not _bound_displays(tree)):
        return tree
    tree = copy_tree(tree)
    _inline_bound_displays(tree)
    taken = {n.id for n in walk(tree) if isinstance(n, ast.Name)}
    _Unroll(source, taken).visit(tree)
    return fix_missing_locations(tree)


def _walks_displays(it) -> bool:
    """Whether a loop over `it` may be one `_Unroll.display` reads: a display, or a call
    (enumerate, zip) of displays -- not `range(n)`, which leaves the tree as it is."""
    if isinstance(it, (ast.Tuple, ast.List)):
        return True
    return (
        isinstance(it, ast.Call)
        and bool(it.args)
        and all(isinstance(a, (ast.Tuple, ast.List)) for a in it.args)
    )


def _wanted(loop: ast.For, it=None) -> bool:
    """A loop over a display of pairs, or of strings that the body indexes with."""
    it = loop.iter if it is None else it
    if not isinstance(it, (ast.Tuple, ast.List)) or not it.elts:
        return False
    if any(isinstance(e, ast.Starred) for e in it.elts):
        return False
    if any(isinstance(e, (ast.Tuple, ast.List)) for e in it.elts):
        return True
    if any(is_string(e) for e in it.elts):
        return _indexes_with(loop.body, loop.target)
    return False


def _indexes_with(body, target) -> bool:
    if not isinstance(target, ast.Name):
        return False
    return any(
        isinstance(n, ast.Subscript)
        and any(isinstance(m, ast.Name) and m.id == target.id for m in ast.walk(n.slice))
        for s in body
        for n in ast.walk(s)
    )


def _constant(node) -> bool:
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_constant(e) for e in node.elts)
    return isinstance(node, ast.Constant)


def _match(target, element):
    """[(variable, how, expression)] binding `target` to one item, or None."""
    if isinstance(target, ast.Name):
        if isinstance(element, (ast.Tuple, ast.List)):
            return None  # a pair as one value: not a sequence of numbers either
        return [(target.id, "const" if is_key(element) else "value", element)]
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(element, (ast.Tuple, ast.List)):
        if len(target.elts) != len(element.elts) or any(
            isinstance(e, ast.Starred) for e in (*target.elts, *element.elts)
        ):
            return None
        out = []
        for t, e in zip(target.elts, element.elts):
            sub = _match(t, e)
            if sub is None:
                return None
            out += sub
        return out
    return None


class _Unroll(ast.NodeTransformer):
    def __init__(self, source, taken):
        self.source, self.taken = source, taken

    def display(self, it):
        """The display a loop walks: written out, or enumerate / zip of displays."""
        if isinstance(it, (ast.Tuple, ast.List)):
            return copy.deepcopy(it)
        if not isinstance(it, ast.Call) or not it.args:
            return None
        func = self.source.resolver.resolve(it.func)
        parts = it.args
        if not all(isinstance(a, (ast.Tuple, ast.List)) for a in parts) or any(
            isinstance(e, ast.Starred) for a in parts for e in a.elts
        ):
            return None
        if not any(
            isinstance(e, (ast.Tuple, ast.List)) or is_string(e) for a in parts for e in a.elts
        ):
            return None  # numbers only: walked by index, as before
        if func is enumerate and len(parts) == 1 and not it.keywords:
            rows = [[ast.Constant(i), e] for i, e in enumerate(parts[0].elts)]
        elif func is zip and not it.keywords:
            rows = [list(r) for r in zip(*(a.elts for a in parts))]
        else:
            return None
        elts = [ast.Tuple(elts=copy.deepcopy(r), ctx=ast.Load()) for r in rows]
        return ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), it)

    def visit_For(self, node):
        self.generic_visit(node)  # (inner loops first)
        display = self.display(node.iter)
        if display is None or not _wanted(node, display):
            return node
        matches = [_match(node.target, e) for e in display.elts]
        if any(m is None for m in matches):
            return node
        # break / continue: each copy a loop of one pass (unrolling.OnePass)
        plan = OnePass(node.body, node, self.taken) if any(own_jumps(node.body)) else None
        body = plan.body if plan else node.body
        # Python computes the whole display before the first pass: values the body could
        # change (names it assigns, calls) are computed first, in its order
        stored = {
            n.id
            for s in node.body
            for n in ast.walk(s)
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        }
        out = _spill(display, "item", self.taken, node, lambda e: not _changeable(e, stored))
        out += plan.start() if plan else []
        for bindings in [_match(node.target, e) for e in display.elts]:
            copy_ = bind_copy(body, bindings, node)
            if copy_ is None:
                return node
            out += plan.guarded(copy_) if plan else copy_
        orelse = plan.guarded(node.orelse) if plan else list(node.orelse)
        return out + orelse or [ast.copy_location(ast.Pass(), node)]


def _bound_displays(tree) -> dict:
    """name -> its Assign, for names bound once at the top level to a display of pairs
    (or of strings: keys) and read only as what a `for` walks."""
    found = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.Tuple, ast.List))
            and stmt.value.elts
            and (
                all(is_string(e) for e in stmt.value.elts)  # keys = ("w", "b")
                or (
                    any(isinstance(e, (ast.Tuple, ast.List)) for e in stmt.value.elts)
                    and any(is_string(n) for n in ast.walk(stmt.value))
                )
            )
        ):
            found[stmt.targets[0].id] = stmt
    if not found:
        return found
    iters = {id(n.iter) for n in ast.walk(tree) if isinstance(n, ast.For)}
    counts: dict = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id in found:
            ok = isinstance(n.ctx, ast.Load) and id(n) in iters
            counts[n.id] = counts.get(n.id, 0) + (0 if ok else 1)
        if isinstance(n, ast.arg) and n.arg in found:
            counts[n.arg] = 2
    return {k: v for k, v in found.items() if counts.get(k) == 1}  # (the binding itself)


def _inline_bound_displays(tree):
    """Each bound display's values assigned where it is bound; the loops walk a display
    of those variables."""
    bound = _bound_displays(tree)
    if not bound:
        return
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    displays, body = {}, []
    for stmt in tree.body:
        name = stmt.targets[0].id if isinstance(stmt, ast.Assign) else None
        if name not in bound or bound[name] is not stmt:
            body.append(stmt)
            continue
        body += _spill(stmt.value, name, taken, stmt)
        displays[name] = stmt.value
    tree.body = body
    for n in ast.walk(tree):
        if isinstance(n, ast.For) and isinstance(n.iter, ast.Name) and n.iter.id in displays:
            n.iter = ast.copy_location(copy.deepcopy(displays[n.iter.id]), n.iter)


def _changeable(expr, stored) -> bool:
    """Could running the loop's body change what `expr` is (a name it assigns, a call)?"""
    return any(
        isinstance(n, ast.Call) or isinstance(n, ast.Name) and n.id in stored
        for n in ast.walk(expr)
    )


def _spill(display, name, taken, stmt, keep=None) -> list[ast.stmt]:
    """`name_1 = value` for each value of the display that is no constant (and not
    kept where it is), in Python's order of evaluation, the display changed in place to
    read them."""
    out: list[ast.stmt] = []
    for i, e in enumerate(display.elts):
        if isinstance(e, (ast.Tuple, ast.List)):
            out += _spill(e, name, taken, stmt, keep)
            continue
        if isinstance(e, ast.Constant) or (keep is not None and keep(e)):
            continue
        n, var = 1, f"{name}_1"
        while var in taken:
            n += 1
            var = f"{name}_{n}"
        taken.add(var)
        out.append(assign(var, e, stmt))
        display.elts[i] = ast.copy_location(ast.Name(id=var, ctx=ast.Load()), e)
    return out

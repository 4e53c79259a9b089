"""Dicts built inside the function, a variable per key (normalize.py runs this): which
dicts, where each lives, and what to say about those that can't be followed.

A dict's home is the block that first binds it to a display -- the function's body, or
the body of a loop or branch that every use of it is in (a dict built afresh in each
pass) -- and held.Hoist rewrites that block: keys are added there, read and assigned
anywhere below it, loops over it unrolled (dict_walks.py).  Each dict is tried on a copy
of the tree so far, so a try that gives up half-way leaves nothing behind; the dicts
that failed are tried again after another succeeded, because unrolling a loop over one
dict can make the keys another is given constants.  A dict that can't be followed gets
the reason on its display (`srcdiff_refusal`: message, the use that stopped it, a hint),
which transform.py reports where the dict holds differentiated values.
"""

from __future__ import annotations

import ast

from .astutil import copy_tree, walk
from .dict_walks import Bail
from .held import Hoist, holds_dict, returned_names
from .source import FunctionSource


def hoist_local_dicts(source: FunctionSource, tree: ast.FunctionDef, ask=None) -> ast.FunctionDef:
    """`tree`, or a rewritten copy where a dict built in the function (`d = {"a": x}`,
    `dict(a=x)`) and read with constant keys, never returned nor used whole, is a
    variable per key: `d["a"] * 2` is `d_a * 2` (normalize.py; returned dicts are the
    results' business, `hoist_held_results`).  Its home is the block that first binds
    it: the function's body, or a loop's or branch's body that every use is in (a dict
    built afresh in each pass).  A dict passed whole to a user function becomes the
    display of its current leaves (flatcalls.py calls the function's flat view with
    them); `ask` (normalize's) notes which names denote user functions.

    Each dict is tried on a copy of the tree so far, and the dicts that failed are tried
    again after another succeeded: unrolling a loop over one dict can make the keys
    another is given constant.  A dict that can't be followed has its display marked
    with the reason (`srcdiff_refusal`), which the refusal of the display reports."""
    returned = set(returned_names(tree))
    current, done = tree, set()
    failed: dict[str, Bail] = {}
    progress = True
    while progress:
        progress = False
        for name, home in _candidates(source, current, returned, failed):
            if name in done:
                continue
            attempt = copy_tree(current)
            parent, field_ = _block_at(attempt, home)
            try:
                block = Hoist(source, attempt, name, ask, getattr(parent, field_)).run()
            except Bail as bail:
                failed[name] = bail
                continue
            setattr(parent, field_, block)
            current, progress = attempt, True
            done.add(name)
            failed.pop(name, None)
            break
    left = {n: b for n, b in failed.items() if n not in done and b.node is not None}
    if left and current is tree:
        current = copy_tree(tree)  # (the tree given is not changed)
    return _mark_refusals(source, current, left)


def _candidates(source, tree, returned, failed) -> list:
    """(name, home) for each name first bound to a display in a block (home: the path to
    that block) and used only in that block, from that binding on; names used outside
    the block that builds them get a reason in `failed`."""
    found: list = []
    seen: set = set()
    total = None  # (counted where a dict is built in a nested block: a walk of it all)
    for home, block in _blocks(tree):
        for i, stmt in enumerate(block):
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and holds_dict(source, stmt.value)
            ):
                continue
            name = stmt.targets[0].id
            if name in seen or name in returned:
                continue
            seen.add(name)
            if home == ((), "body"):
                found.append((name, home))
                continue
            if total is None:
                total = _name_counts(tree.body)
            if _name_counts(block[i:]).get(name) == total.get(name):
                found.append((name, home))
            elif name not in failed and _is_dict(source, stmt.value):
                failed[name] = Bail(
                    stmt.value,
                    f"use the dict {name} outside the loop or branch that builds it",
                    f"bind {name} once before the loop or branch, with the keys it gets there "
                    f"({name} = {{...}}); the loop may then build it again with those keys",
                )
    return found


def _blocks(tree):
    """(path, statements) of the function's body and every block nested in it, outer
    ones first; a path is ((field, index) steps to the statement, field of the block)."""
    todo = [((), "body", tree.body)]
    while todo:
        steps, field_, block = todo.pop(0)
        yield (steps, field_), block
        for i, stmt in enumerate(block):
            if isinstance(stmt, (ast.For, ast.While, ast.If, ast.With)):
                for f in ("body", "orelse"):
                    inner = getattr(stmt, f, None)
                    if inner:
                        todo.append(((*steps, (field_, i)), f, inner))


def _block_at(tree, home):
    steps, field_ = home
    node = tree
    for f, i in steps:
        node = getattr(node, f)[i]
    return node, field_


def _name_counts(stmts) -> dict:
    counts: dict = {}
    for stmt in stmts:
        for n in walk(stmt):
            if isinstance(n, ast.Name):
                counts[n.id] = counts.get(n.id, 0) + 1
            elif isinstance(n, ast.arg):
                counts[n.arg] = counts.get(n.arg, 0) + 1
    return counts


def _mark_refusals(source, tree, failed) -> ast.FunctionDef:
    """The bindings of dicts that could not be followed, marked with why (where the
    reason is known), so the refusal of the dict points at the use and says what works."""
    reasons = {n: b for n, b in failed.items() if b.node is not None}
    if not reasons:
        return tree
    refusals: dict = {}
    tree.srcdiff_refusals = refusals  # (transform.py: methods called on them)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in reasons
        ):
            bail = reasons[node.targets[0].id]
            line = source.locate(node)[1]
            built = "list" if isinstance(node.value, (ast.List, ast.Tuple)) else "dict"
            message = f"srcdiff cannot {bail.what} (the {built} built on line {line})"
            node.value.srcdiff_refusal = (message, bail.node, bail.hint)  # type: ignore[attr-defined]
            refusals[node.targets[0].id] = (message, bail.node, bail.hint)
    return tree


def _is_dict(source, value) -> bool:
    """A dict display or `dict(...)` (records keep the hint split.py gives them)."""
    if isinstance(value, ast.Dict):
        return True
    return isinstance(value, ast.Call) and source.resolver.resolve(value.func) is dict

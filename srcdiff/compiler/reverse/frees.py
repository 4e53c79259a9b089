"""Arrays freed once dead: a local keeps its array alive until the function returns, so
a gradient holding every forward temporary and every cotangent to the end peaks at
several times the function's memory.  After the last statement that reads an array
local, `del` it -- where something later may allocate (an assignment), so the memory
can be reused; on straight-line code of the function's own body only."""

from __future__ import annotations

import ast
from collections.abc import Collection

from ..astutil import walk


def free_dead_arrays(stmts: list[ast.stmt], arrays: Collection[str]) -> list[ast.stmt]:
    """`stmts` with `del a, b` after the last read of array locals `a`, `b`: names in
    `arrays` assigned once, by a top-level assignment of a fresh value (not a view such
    as `x[1:]`, nor another name), and read after it."""
    if not arrays:  # (scalar code: nothing to free, no walk)
        return list(stmts)
    stores: dict[str, int] = {}
    reads: list[list[str]] = []  # the names each statement reads (one walk of each)
    for stmt in stmts:
        loads = []
        for n in walk(stmt):
            if isinstance(n, ast.Name):
                if isinstance(n.ctx, ast.Load):
                    loads.append(n.id)
                elif isinstance(n.ctx, (ast.Store, ast.Del)):
                    stores[n.id] = stores.get(n.id, 0) + 1
        reads.append(loads)
    defined = {}
    for i, stmt in enumerate(stmts):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id in arrays
            and stores[stmt.targets[0].id] == 1
            and not isinstance(stmt.value, (ast.Name, ast.Subscript, ast.Attribute))
        ):
            defined[stmt.targets[0].id] = i
    last: dict[str, int] = {}
    for i, loads in enumerate(reads):
        for read in loads:
            if read in defined:
                last[read] = i
    # the last assignment other than the final `return`: nothing allocates after it
    # (`dx[:-1] += dt4 * x` makes a new array before adding it in)
    allocating = [i for i, s in enumerate(stmts) if isinstance(s, (ast.Assign, ast.AugAssign))]
    horizon = allocating[-1] if allocating else -1
    after: dict[int, list[str]] = {}
    for name, i in last.items():
        if defined[name] < i < horizon:
            after.setdefault(i, []).append(name)
    out = []
    for i, stmt in enumerate(stmts):
        out.append(stmt)
        if i in after:
            targets: list[ast.expr] = [ast.Name(id=n, ctx=ast.Del()) for n in sorted(after[i])]
            out.append(ast.copy_location(ast.Delete(targets=targets), stmt))
    return out

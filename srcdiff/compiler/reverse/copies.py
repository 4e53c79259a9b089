"""A statement's temporaries' cotangents bound to the name they copy, not copied.

The three-address split gives `a1 = a0 * 0.5 + math.sin(a0) - y` three temporaries,
and the vjps of `-` and `+` hand each its cotangent as it is: the backward sweep of
that one line was `dt3 = da1; dy = dy + -da1; dt1 = dt3; dt2 = dt3; da0 = dt2 * ...;
da0 = da0 + dt1 * 0.5`, half of it copies that copy propagation and dead-code
elimination then walked the whole function to remove (issue 11).  A temporary's
cotangent is made and read within its statement's backward sweep (only that statement
reads or assigns the temporary), so where its first contribution is the cotangent of
the op reading it, unchanged, the backward sweep binds it to that name instead
(`dt3` is `da1`) and the ops after read `da1` -- provided nothing assigns `da1` before
the temporary's own op has read it: no op from the reader back to that op, that one
included, reads or assigns the name whose cotangent `da1` is (the ops that could add
to it or start it again).  A second contribution, or an op that reads its cotangent
other than through `cotangent`, first makes the copy it would have had.
"""

from __future__ import annotations

import ast

from ..ir import Op


class BoundCopies:
    """The bindings of one statement's backward sweep, its ops in forward order."""

    def __init__(self, ops: list[Op]) -> None:
        self.ops = ops
        self.defined = {t: i for i, op in enumerate(ops[:-1]) for t in op.targets}
        self.bound: dict[str, tuple[str, str]] = {}  # temp -> (cotangent name, whose)
        self.at = len(ops) - 1  # the op being reversed
        self.current: tuple[str, str] | None = None  # its target's (cotangent, whose)

    def cotangent(self, var: str, name: str) -> tuple[str, str]:
        """(the name holding var's cotangent, the variable whose cotangent that is);
        `name`: var's adjoint name."""
        return self.bound.get(var) or (name, var)

    def bind(self, temp: str, value: str) -> bool:
        """Bind `temp`'s cotangent to `value` where it is the current op's cotangent and
        stays unassigned until `temp`'s op reads it; whether it did."""
        found, start = self.current, self.defined.get(temp)
        if found is None or found[0] != value or start is None or temp in self.bound:
            return False
        whose = {found[1]}
        if _reads_any(self.ops[self.at], whose):  # (the op may add to it after this)
            return False
        for op in self.ops[start : self.at]:
            if found[1] in op.targets or _reads_any(op, whose):
                return False
        self.bound[temp] = found
        return True

    def unbound(self, temps: list[str], adj) -> list[ast.stmt]:
        """The copies of the bound ones among `temps` (adjoint names from `adj`), made
        now and their bindings dropped: the value each copies is still unchanged."""
        out: list[ast.stmt] = []
        for t in temps:
            found = self.bound.pop(t, None)
            if found is not None:
                out.append(
                    ast.Assign(targets=[ast.Name(adj(t), ast.Store())], value=_load(found[0]))
                )
        return out


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _reads_any(op: Op, names: set[str]) -> bool:
    """Whether any operand of `op` (names, or displays of them) is one of `names`."""
    for atom in op.bound.values():
        kind = atom.__class__
        if kind is ast.Name:
            if atom.id in names:
                return True
        elif kind is not ast.Constant and any(
            n.__class__ is ast.Name and n.id in names for n in ast.walk(atom)
        ):
            return True
    return False

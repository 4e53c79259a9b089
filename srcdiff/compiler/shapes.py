"""Which arrays certainly have the same shape -- so `unbroadcast` can be left out.

An elementwise operation whose array operands all have the same shape produces
that shape; a scalar operand doesn't change it.  When the transformer can see
that an operand of `z = x * y` has the shape of `z`, the operand's cotangent
needs no summing back, and generated code reads (and runs) like hand-written
code: ``dx = dz * y`` instead of ``dx = unbroadcast(dz * y, x)``.

Shapes are tokens, not numbers: two names get the same token only if they
provably have the same shape.  Only names assigned once are tracked (temporaries,
parameters never reassigned, variables assigned once); anything else gets a token
of its own, which keeps `unbroadcast` in place.
"""

from __future__ import annotations

import ast

from .analysis import INT, SCALAR
from .astutil import walk
from .ir import OpKind


def _int_constant(node):
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_constant(node.operand)
        return -inner if inner is not None else None
    return None


def _trimmed_length(index):
    """For `a:-b` (a >= 0, b >= 0, either may be left out) the slice has max(0, n - a - b)
    elements along the first axis, whatever n is: return a + b; else None."""
    if not isinstance(index, ast.Slice) or index.step is not None:
        return None
    start = 0 if index.lower is None else _int_constant(index.lower)
    stop = 0 if index.upper is None else _int_constant(index.upper)
    if start is None or stop is None or start < 0 or stop > 0:
        return None
    return start - stop


def _kept_axes(op):
    """`axis` of a reduction called with keepdims=True and constant axes, else None."""
    keep, axis = op.bound.get("keepdims"), op.bound.get("axis")
    if not (isinstance(keep, ast.Constant) and keep.value is True):
        return None
    if _int_constant(axis) is not None:
        return _int_constant(axis)
    if isinstance(axis, ast.Tuple):
        axes = tuple(_int_constant(e) for e in axis.elts)
        return axes if axes and None not in axes else None
    return None


class ShapeTokens:
    def __init__(self, fn):
        self.fn = fn
        self.stores = {}
        for node in walk(fn.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.stores[node.id] = self.stores.get(node.id, 0) + 1
        self.memo = {}

    def same(self, a, b):
        """Do names `a` and `b` certainly hold arrays of the same shape?"""
        ta, tb = self.token(a), self.token(b)
        return ta is not None and ta == tb

    def token(self, name):
        if name not in self.memo:
            self.memo[name] = ("own", name)  # guards against cycles
            self.memo[name] = self._compute(name)
        return self.memo[name]

    def _compute(self, name):
        fn = self.fn
        if name in fn.params:
            return ("param", name) if self.stores.get(name, 0) == 0 else ("own", name)
        if self.stores.get(name, 0) > 1 and name not in fn.flat.temp_kinds:
            return ("own", name)
        op = self._defining_op(name)
        if op is None or len(op.targets) != 1:
            return ("own", name)
        if op.kind is OpKind.COPY:
            return self._atom_token(op.bound["x"]) or ("own", name)
        if op.kind is OpKind.SUBSCRIPT:
            base = self._atom_token(op.bound["x"])
            index = op.primal.slice
            if base is None or base[0] == "own" or not self._constant_index(index):
                return ("own", name)
            trim = _trimmed_length(index)
            if trim is not None:  # x[1:] and x[:-1]: both n - 1 long
                return ("trim", base, trim)
            return ("sub", base, ast.dump(index))
        if op.kind is OpKind.RULE and op.rule.result == "reduce":
            axes = _kept_axes(op)
            base = self._atom_token(op.bound.get("a"))
            if axes is not None and base is not None:
                return ("keep", base, axes)
        if op.kind is OpKind.RULE and op.rule.elementwise:
            tokens = set()
            for atom in op.bound.values():
                kind = fn.flat.kind(atom) if isinstance(atom, (ast.Name, ast.Constant)) else None
                if kind in (SCALAR, INT) or isinstance(atom, ast.Constant):
                    continue
                tokens.add(self._atom_token(atom) if isinstance(atom, ast.Name) else None)
            if len(tokens) == 1 and None not in tokens:
                return tokens.pop()
            # x - np.max(x, axis=1, keepdims=True) has x's shape: the reduction broadcasts
            full = {t for t in tokens if t is None or t[0] != "keep"}
            if (
                len(full) == 1
                and None not in full
                and all(t[0] != "keep" or t[1] in full for t in tokens)
            ):
                return full.pop()
        return ("own", name)

    def kept_axes(self, a, b):
        """The axes `a` is a keepdims reduction of `b` over (np.sum(b, axis=1,
        keepdims=True)), as an int or a tuple; else None."""
        ta, tb = self.token(a), self.token(b)
        if ta is not None and ta[0] == "keep" and ta[1] == tb:
            return ta[2]
        return None

    def _atom_token(self, atom):
        if not isinstance(atom, ast.Name):
            return None
        kind = self.fn.flat.kind(atom)
        if kind in (SCALAR, INT):
            return None
        return self.token(atom.id)

    def _defining_op(self, name):
        return self.fn.ir.defining_op(name)

    def _constant_index(self, index):
        """An index whose value can't change: only constants and never-assigned names."""
        return all(self.stores.get(n.id, 0) == 0 for n in walk(index) if isinstance(n, ast.Name))

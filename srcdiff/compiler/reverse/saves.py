"""Saves and restores: once the backward sweep is known, which values it reads, and
the markers of the forward sweep turned into pushes and pops (on `_stack` in loops and
helpers) or local copies, or dropped."""

from __future__ import annotations

import ast

from ..astutil import assign as _assign
from ..astutil import attr_call as _attr_call
from ..astutil import call as _call
from ..astutil import copy_tree, walk
from ..astutil import name as _name
from ..ir import MarkerKind, OpKind
from .common import MARK as _MARK
from .common import numpy_module as _np


class SaveResolution:
    """Mixin of FunctionTransform (function.py): markers -> saves, pushes and pops."""

    def needed(self, bwd):
        """Primal locals the backward sweep reads."""
        adjoint_names = set(self.adjoints.values())
        loads = self.backward_reads(bwd)  # (checkpoint.py: replayed segments aside)
        locals_ = (
            self.source.resolver.locals
            | set(self.flat.temp_kinds)
            | self.ir.header_names()
            | {
                n.id
                for n in walk(self.tree)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
        )
        needed = (loads & locals_) - adjoint_names - {self.stack}
        # A value read out of an array that is later assigned into may be a view of
        # it: keep that array's contents restorable whenever such a value is needed.
        mutated = {op.target for op in self.ir.all_ops() if op.kind is OpKind.SETITEM}
        if mutated:
            sources = set(needed)
            changed = True
            while changed:
                changed = False
                for op in self.ir.all_ops():
                    if set(op.targets) & sources:
                        new = {a.id for a in op.bound.values() if isinstance(a, ast.Name)}
                        if not new <= sources:
                            sources |= new
                            changed = True
            needed |= sources & mutated
        # restoring part of an array (y[index1] = saved) reads its index: a helper's
        # backward sweep has it only if it is saved too
        for m in self.ir.markers:
            if m.kind is MarkerKind.RESTORE_ITEM and m.var in needed and m.index is not None:
                needed |= {n.id for n in walk(m.index) if isinstance(n, ast.Name)} & locals_
        return needed

    def resolve_markers(self, stmts, needed):
        """Replace markers by saves/pushes where the backward sweep needs them."""
        fn = self

        class Resolve(ast.NodeTransformer):
            def visit_Expr(self, node):
                value = node.value
                if (
                    isinstance(value, ast.Constant)
                    and isinstance(value.value, tuple)
                    and value.value[:1] == (_MARK,)
                ):
                    return fn._expand(fn.ir.markers[value.value[1]], needed) or None
                return node

        result = []
        for stmt in stmts:
            new = Resolve().visit(stmt)
            if new is None:
                continue
            result.extend(new if isinstance(new, list) else [new])
        return result

    def _expand(self, m, needed):
        kind = m.kind
        if kind in (MarkerKind.PUSH, MarkerKind.POP):
            names = [n for n in m.names if n in needed]
            if not names or not m.stack:
                return []
            self.uses_stack = True
            if kind is MarkerKind.PUSH:
                value = (
                    _name(names[0])
                    if len(names) == 1
                    else ast.Tuple(elts=[_name(n) for n in names], ctx=ast.Load())
                )
                return [ast.Expr(value=_attr_call(self.stack, "append", value))]
            target = (
                _name(names[0], True)
                if len(names) == 1
                else ast.Tuple(elts=[_name(n, True) for n in names], ctx=ast.Store())
            )
            return [_assign(target, _attr_call(self.stack, "pop"))]
        var, site = m.var, m.site
        if kind in (MarkerKind.SAVE_ITEM, MarkerKind.RESTORE_ITEM):
            return self._expand_item(m, needed)
        if var not in needed or var not in self.defs.maybe.get(id(site), set()):
            return []
        if var not in self.defs.must.get(id(site), set()):
            self.none_init.add(var)
        if m.stack:
            self.uses_stack = True
            if kind is MarkerKind.SAVE:
                return [ast.Expr(value=_attr_call(self.stack, "append", _name(var)))]
            return [_assign(var, _attr_call(self.stack, "pop"))]
        saved = self.ir.saved_name(site, var, lambda: self.names.numbered(var + "_"))
        if kind is MarkerKind.SAVE:
            return [_assign(saved, _name(var))]
        return [_assign(var, _name(saved))]

    def _expand_item(self, m, needed):
        """Save / restore the part of an array that an index assignment overwrites."""
        var, kind = m.var, m.kind
        if var not in needed:
            return []
        item = ast.Subscript(value=_name(var), slice=copy_tree(m.index), ctx=ast.Load())
        np_name = self.bind(_np(), "np")
        if m.stack:
            self.uses_stack = True
            if kind is MarkerKind.SAVE_ITEM:
                old = _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), item)
                return [ast.Expr(value=_attr_call(self.stack, "append", old))]
            target = ast.Subscript(value=_name(var), slice=copy_tree(m.index), ctx=ast.Store())
            return [_assign(target, _attr_call(self.stack, "pop"))]
        saved = self.ir.saved_name(m.site, var, lambda: self.names.numbered(var + "_"))
        if kind is MarkerKind.SAVE_ITEM:
            old = _call(ast.Attribute(value=_name(np_name), attr="copy", ctx=ast.Load()), item)
            return [_assign(saved, old)]
        target = ast.Subscript(value=_name(var), slice=copy_tree(m.index), ctx=ast.Store())
        return [_assign(target, _name(saved))]

"""What the forward and reverse transformers share about one function.

A `FunctionTransform` holds one specialisation of one user function:
its normalized tree, the analysis (kinds, activity, reaching
definitions), the three-address splitter, and the names of its
derivative variables (`dx` is x's adjoint in reverse mode, its tangent in
forward mode: one function is never both).
"""

from __future__ import annotations

import ast

from .analysis import ARRAY, SCALAR, SEQ, Analysis, Definitions
from .errors import UnsupportedSyntaxError
from .naming import Names
from .normalize import normalize
from .ops import Flattener


class TransformBase:
    mode = None   # "reverse" or "forward"

    def __init__(self, unit, source, wrt, param_kinds, role):
        self.unit = unit
        self.source = source
        self.role = role                      # "main" or "helper"
        self.names = Names.for_tree(source.tree, extra=unit.reserved)
        self.tree = normalize(source, self.names)
        self.names.taken |= Names.for_tree(self.tree).taken
        self.params = [a.arg for a in [*self.tree.args.posonlyargs, *self.tree.args.args,
                                       *self.tree.args.kwonlyargs]]
        self.wrt = list(wrt)
        self.an = Analysis(self.tree, source.resolver, param_kinds, set(wrt), unit.output_kinds)
        self.defs = Definitions(self.tree)
        self.int_names = frozenset(n for n, k in self.an.kinds.items()
                                   if k not in (SCALAR, ARRAY, SEQ)) | self.an.maybe_int
        self.flat = Flattener(self)
        for var, node in self.an.lost.items():
            if isinstance(node, ast.Assign):
                self.flat.assign(node)    # raises the precise error (e.g. no rule) if there is one
            raise source.error(
                UnsupportedSyntaxError, f"srcdiff cannot follow the derivative through {var!r}: "
                "it is given a differentiated value here but is not a number, array or list of "
                "floats elsewhere", node, "keep differentiated values in variables that only "
                "ever hold numbers or arrays")
        self.adjoints = {}
        self.groups = {}
        ret = self.tree.body[-1]
        self.outputs = [e.id for e in ret.value.elts] if isinstance(ret.value, ast.Tuple) \
            else [ret.value.id]

    def adj(self, var):
        """Name of the derivative variable of `var` (its adjoint or tangent)."""
        if var not in self.adjoints:
            self.adjoints[var] = self.names.exact_or_suffixed("d" + var.lstrip("_"))
        return self.adjoints[var]

    def bind(self, obj, preferred):
        return self.unit.bind(obj, preferred, self)

    def _ops(self, stmt):
        """Three-address ops of an Assign (computed once, shared by both sweeps)."""
        if id(stmt) not in self.groups:
            self.groups[id(stmt)] = self.flat.assign(stmt)
        return self.groups[id(stmt)]

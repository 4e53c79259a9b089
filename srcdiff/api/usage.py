"""How a function uses its parameters, read from its source: as counts, numbers or arrays.

Where no example argument says what a parameter is (`srcdiff show` and `srcdiff build`
without `at`), its use decides the kind of code generated for it:

* a **count** (an integer, not differentiated): a bound of `range(...)`, an index or
  slice bound (`x[i]`, `x[:n]`), a shape, size or axis (`np.zeros(n)`, `axis=k`,
  `x.reshape(n, m)`), a list repetition (`[0.0] * n`), an exponent (`x ** n`);
* a **number** (a float): an argument of a `math` function (`math.sin(x)`), of
  `float(...)`, or compared in an `if`/`while` condition;
* an **array** (NumPy code, which is valid for floats too): an operand of `@`, indexed
  (`x[1:]`), an array attribute or method (`x.shape`, `x.T`, `x.sum()`), an argument of a
  NumPy function (`np.exp(x)`), or in arithmetic with any of these (`X @ w + b`).

A parameter passed on to a helper function is used the way the helper uses it.  A count
wins over a number, and a number over an array (`math.sin(x)` fails on arrays).  vjp
and `srcdiff check` use the counts too: an integer argument that is a count is not
differentiated unless asked for.
"""

from __future__ import annotations

import ast
import itertools
import types

import numpy as np

from ..compiler.analysis import REDUCTIONS
from ..compiler.source import MISSING, FunctionSource, is_library
from ..errors import SrcDiffError

COUNT, NUMBER, ARRAY = "count", "number", "array"
_STRENGTH = {COUNT: 0, NUMBER: 1, ARRAY: 2}

ARRAY_ATTRIBUTES = {"shape", "T", "ndim", "size", "dtype", "mT", "real", "imag", "flat"}
ARRAY_METHODS = {
    *REDUCTIONS,
    "reshape",
    "transpose",
    "dot",
    "ravel",
    "flatten",
    "cumsum",
    "cumprod",
    "clip",
    "astype",
    "copy",
    "squeeze",
    "swapaxes",
    "trace",
    "diagonal",
    "argmax",
    "argmin",
    "any",
    "all",
}
# keywords whose values are counts, in NumPy calls and array methods
COUNT_KEYWORDS = {
    "axis",
    "axes",
    "axis1",
    "axis2",
    "shape",
    "newshape",
    "reps",
    "repeats",
    "num",
    "N",
    "M",
    "k",
    "ndmin",
    "offset",
    "ddof",
    "size",
    "minlength",
    "decimals",
    "n",
    "shift",
}
# NumPy functions whose leading positional arguments are shapes or sizes
SHAPE_FIRST = {
    "zeros": 1,
    "ones": 1,
    "empty": 1,
    "full": 1,
    "eye": 3,
    "identity": 1,
    "tri": 3,
    "arange": 3,
}
# NumPy functions and array methods whose arguments after the array are shapes or counts
SHAPE_AFTER = {
    "reshape",
    "tile",
    "repeat",
    "broadcast_to",
    "resize",
    "transpose",
    "swapaxes",
    "moveaxis",
    "roll",
    "expand_dims",
    "squeeze",
    "diagonal",
    "trace",
    "rot90",
    "triu",
    "tril",
}

_CACHE: dict[object, object] = {}


def parameter_uses(func):
    """{parameter: (use, reason)} for the parameters whose use the source shows;
    `use` is COUNT, NUMBER or ARRAY and `reason` says where, e.g. "operand of @"."""
    if func not in _CACHE:
        _CACHE[func] = _Uses(func, set()).result()
    return dict(_CACHE[func])


def counts(func):
    """Parameters `func` uses as counts (never differentiated unless named in wrt)."""
    return {p for p, (use, _) in parameter_uses(func).items() if use == COUNT}


class _Uses:
    """One pass over a function's source, collecting the strongest use of each name."""

    def __init__(self, func, visiting):
        self.func = func
        self.visiting = visiting | {func}
        self.source = FunctionSource(func)
        self.resolver = self.source.resolver
        args = self.source.tree.args
        self.params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
        self.uses = {}  # name -> (use, reason), parameters and locals alike
        self.arrays = set()  # local names bound to array values
        self.helpers = {}  # helper function -> (its parameters, their uses)

    def result(self):
        for _ in range(3):  # array locals found late make earlier uses arrays: repeat
            before = (dict(self.uses), set(self.arrays))
            for stmt in self.source.tree.body:
                self.statement(stmt)
            if (self.uses, self.arrays) == before:
                break
        return {p: self.uses[p] for p in self.params if p in self.uses}

    # -- recording --------------------------------------------------------------------
    def note(self, name, use, reason):
        old = self.uses.get(name)
        if old is None or _STRENGTH[use] < _STRENGTH[old[0]]:
            self.uses[name] = (use, reason)

    def names_in(self, node, use, reason):
        """Names that are `node`'s value (directly, or through arithmetic) get `use`."""
        self.expr(node, (use, reason))

    def is_array(self, node):
        """Does `node` evaluate to an array (as far as the source shows)?"""
        if isinstance(node, ast.Name):
            return node.id in self.arrays or self.uses.get(node.id, (None,))[0] == ARRAY
        if isinstance(node, ast.BinOp):
            return (
                isinstance(node.op, ast.MatMult)
                or self.is_array(node.left)
                or self.is_array(node.right)
            )
        if isinstance(node, ast.UnaryOp):
            return self.is_array(node.operand)
        if isinstance(node, ast.Attribute):
            return node.attr in ("T", "mT", "real", "imag") and self.is_array(node.value)
        if isinstance(node, ast.Subscript):
            return self.is_array(node.value)
        if isinstance(node, ast.Call):
            obj = self.resolver.resolve(node.func)
            if _is_numpy(obj):
                return True
            return (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ARRAY_METHODS
                and self.is_array(node.func.value)
            )
        return False

    # -- statements ---------------------------------------------------------------------
    def statement(self, stmt):
        if isinstance(stmt, (ast.If, ast.While)):
            self.expr(stmt.test, (NUMBER, "compared in a condition"))
            for s in stmt.body + stmt.orelse:
                self.statement(s)
            return
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and stmt.value:
            self.expr(stmt.value, None)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                if not isinstance(t, ast.Name):
                    self.expr(t, None)
                    continue
                if self.is_array(stmt.value):
                    self.arrays.add(t.id)
                use = self.uses.get(t.id)
                if use and use[0] in (COUNT, ARRAY):  # what it is made of is that too
                    self.expr(stmt.value, (use[0], f"assigned to {t.id}, {use[1]}"))
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                self.arithmetic(stmt.target, stmt.value)
            return
        if isinstance(stmt, ast.For):
            self.expr(stmt.iter, None)
            for s in stmt.body + stmt.orelse:
                self.statement(s)
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.statement(child)
            elif isinstance(child, ast.expr):
                self.expr(child, None)

    # -- expressions --------------------------------------------------------------------
    def expr(self, node, context):
        """Walk `node`; `context` is (use, reason) for names that are its direct value."""
        if isinstance(node, ast.Name):
            if context is not None and isinstance(node.ctx, ast.Load):
                self.note(node.id, *context)
            return
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Subscript):
            if isinstance(node.value, ast.Name) and context is not None and context[0] == COUNT:
                self.note(node.value.id, COUNT, f"its items are {context[1]}")  # w[obs[t]]
            elif isinstance(node.value, ast.Name):
                self.note(node.value.id, ARRAY, "indexed")
            else:
                self.expr(node.value, None)
            self.names_in(node.slice, COUNT, "an index")
            return
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.attr in ARRAY_ATTRIBUTES:
                self.note(node.value.id, ARRAY, f"its .{node.attr}")
            else:
                self.expr(node.value, None)
            return
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.MatMult):
                self.expr(node.left, (ARRAY, "operand of @"))
                self.expr(node.right, (ARRAY, "operand of @"))
                return
            if isinstance(node.op, ast.Mult):
                for seq, n in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(seq, (ast.List, ast.Tuple)):  # [0.0] * n
                        self.names_in(n, COUNT, "a list repetition")
            if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Name):
                self.note(node.right.id, COUNT, "an exponent")  # x ** n
            self.expr(node.left, context)
            self.expr(node.right, context)
            self.arithmetic(node.left, node.right)
            return
        if isinstance(node, (ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp)):
            if isinstance(node, ast.IfExp):
                self.expr(node.test, (NUMBER, "compared in a condition"))
                parts = [node.body, node.orelse]
            else:
                parts = (
                    [node.operand]
                    if isinstance(node, ast.UnaryOp)
                    else node.values
                    if isinstance(node, ast.BoolOp)
                    else [node.left, *node.comparators]
                )
            for part in parts:
                self.expr(part, context)
            if isinstance(node, ast.Compare):
                for a, b in itertools.pairwise(parts):
                    self.arithmetic(a, b)
            return
        if isinstance(node, (ast.List, ast.Tuple)):
            # a display used as an array (indexed, `v[0]`) says nothing of its items
            inner = None if context is not None and context[0] == ARRAY else context
            for elt in node.elts:
                self.expr(elt, inner)
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, None)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter, None)
                for cond in child.ifs:
                    self.expr(cond, None)

    def arithmetic(self, left, right):
        """`left op right`: a name meeting an array is an array too."""
        for a, b in ((left, right), (right, left)):
            if self.is_array(a):
                self.expr(b, (ARRAY, "in arithmetic with an array"))

    def call(self, node):
        obj = self.resolver.resolve(node.func)
        args, keywords = node.args, node.keywords
        name = getattr(obj, "__name__", None) or getattr(node.func, "attr", "")
        if obj is range:
            for a in args:
                self.names_in(a, COUNT, "a bound of range()")
            return
        if obj is float:
            for a in args:
                self.expr(a, (NUMBER, "an argument of float()"))
            return
        if isinstance(obj, types.BuiltinFunctionType) and getattr(obj, "__module__", "") == "math":
            for a in args:
                self.expr(a, (NUMBER, f"an argument of math.{name}"))
            return
        if _is_numpy(obj):
            if (
                name in ("power", "float_power")
                and len(args) == 2
                and isinstance(args[1], ast.Name)
            ):
                self.note(args[1].id, COUNT, f"an exponent of np.{name}")
            shapes = SHAPE_FIRST.get(name, 0)
            after = 1 if name in SHAPE_AFTER else len(args)
            for i, a in enumerate(args):
                if i < shapes or i >= after:
                    self.names_in(a, COUNT, f"a shape or count of np.{name}")
                else:
                    self.expr(a, (ARRAY, f"an argument of np.{name}"))
            self.keywords(keywords, f"np.{name}", ARRAY)
            return
        if isinstance(node.func, ast.Attribute) and obj is MISSING:
            method = node.func.attr
            if isinstance(node.func.value, ast.Name) and method in ARRAY_METHODS:
                self.note(node.func.value.id, ARRAY, f"its .{method}()")
            else:
                self.expr(node.func.value, None)
            for a in args:
                if method in SHAPE_AFTER:
                    self.names_in(a, COUNT, f"a shape or count of .{method}()")
                else:
                    self.expr(a, None)
            self.keywords(keywords, f".{method}()", None)
            return
        if isinstance(obj, types.FunctionType) and obj not in self.visiting:
            if not is_library(obj):  # (a library's source is not the user's: scipy's
                # logsumexp is differentiated by its rule, and its xp.expand_dims(a, axis)
                # made `a` a count)
                return self.helper(obj, node)
        self.expr(node.func, None)
        for a in args:
            self.expr(a, None)
        self.keywords(keywords, name, None)

    def keywords(self, keywords, where, use):
        for kw in keywords:
            if kw.arg in COUNT_KEYWORDS:
                self.names_in(kw.value, COUNT, f"{kw.arg}= of {where}")
            else:
                self.expr(kw.value, (use, f"an argument of {where}") if use else None)

    def helper(self, callee, node):
        """A call of the user's own function: its arguments are used the way it uses them."""
        if callee not in self.helpers:
            try:
                inner = _Uses(callee, self.visiting)
                self.helpers[callee] = (inner.params, inner.result())
            except (SrcDiffError, OSError, TypeError):
                self.helpers[callee] = ([], {})
        params, uses = self.helpers[callee]
        pairs = list(zip(params, node.args)) + [
            (kw.arg, kw.value) for kw in node.keywords if kw.arg
        ]
        for param, arg in pairs:
            use = uses.get(param)
            where = use[1].split(" in ")[0] if use else ""
            context = (use[0], f"{where} in {callee.__name__}()") if use else None
            if use and use[0] == COUNT:
                self.names_in(arg, COUNT, context[1])
            else:
                self.expr(arg, context)
        for a in node.args[len(params) :]:
            self.expr(a, None)


def _is_numpy(obj):
    """A NumPy function or ufunc (np.exp, np.sum, np.linalg.norm, ...; not np.random's)."""
    if obj is MISSING or not callable(obj) or isinstance(obj, type):
        return False
    module = getattr(obj, "__module__", None) or ""
    return isinstance(obj, np.ufunc) or (
        module.split(".")[0] == "numpy" and not module.startswith("numpy.random")
    )

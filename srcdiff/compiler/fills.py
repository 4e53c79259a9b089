"""Constant-filled arrays folded away where shape facts make them redundant.

A reduction's cotangent is an array filled with one value (`np.full_like(t14, lam)`
for `lam * np.sum(w * w)`), and the next rule multiplies it by an operand:
``dt14 = np.full_like(t14, lam); dw = dt14 * w + dt14 * w``.  Where the operand `w`
certainly has t14's shape (shapes.py's tokens), broadcasting `lam` gives the same
array, so a person writes ``dw = lam * w + lam * w`` -- and then `t14 = w * w` is kept
for nothing and leaves the forward sweep too.  Likewise `t12.size` where `t12` is kept
only for its size becomes `y.size` of a parameter of the same shape.

The folds (each exact, or not made):

* ``A.size`` and ``A.shape[k]`` -> the same of a parameter of A's shape (`twin`), or a
  reduction's size from its operand's twin.  Shapes only: always exact.
* ``np.full_like(A, G) op O`` (op one of + - * /, either side) -> ``G op O`` where O
  certainly has A's shape and G has no more axes than A: G broadcast into A, then
  combined with O, is G combined with O.
* ``np.full_like(A, G) * s`` (``+ - *`` and negation with numbers only) ->
  ``np.full_like(A, G * s)``: one fill, which the next operand folds (Rosenbrock's
  ``dt9 = dt10 * 100.0; dt4 = dt9 * 2 * t4`` -> ``dt4 = 200.0 * t4``).
* ``np.full_like(A, np.expand_dims(np.full_like(B, c), k))`` -> ``np.full_like(A, c)``
  for a number c; ``X[i] = np.full_like(A, c)`` -> ``X[i] = c``.
* A name assigned such an array once (`dt14` above) is read as its value at those
  places; dead-code elimination drops it when no other read is left.

All but the first change values only through dtypes: `np.full_like` casts its value to
A's dtype, so they are made only where every floating value is float64
(`exact_dtypes`: no float32, complex or long-double argument, no dtype named in the
code) and A is a floating array.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from .analysis import ARRAY, INT, SCALAR
from .astutil import copy_tree, walk
from .optimize import stored_names
from .shapes import VARIES
from .templates import simplify

_FOLDABLE = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_KEEPDIMS_REDUCTIONS = frozenset({"sum", "mean", "max", "min", "prod", "amax", "amin"})


@dataclass(frozen=True)
class ShapeFacts:
    """What the folds may assume about the function's names."""

    token: Callable[[str], object]  # shape token of a primal name, None if unknown
    rank: Callable[[str], int | None]  # ndim of a primal name where certain
    number: Callable[[str], bool]  # holds a number (Python or NumPy scalar)
    float_array: Callable[[str], bool]  # holds a floating-point array
    size: Callable[[str], ast.expr | None]  # name.size spelled with names alive everywhere
    twin: Callable[[str], str | None]  # a parameter of the same shape, alive everywhere
    primal_of: dict[str, str]  # adjoint name -> the primal it is the cotangent of
    numpy_names: frozenset[str]  # names generated code binds to the numpy module
    exact_dtypes: bool  # every floating value is float64


def fold_fills(
    stmts: list[ast.stmt], facts: ShapeFacts, int_names: Collection[str] = frozenset()
) -> list[ast.stmt]:
    """The folds above over a function's backward sweep (in place; returns stmts);
    `int_names` as for templates.simplify, which tidies what a fold leaves (`1.0 * g`)."""
    for stmt in stmts:
        _Sizes(facts).visit(stmt)
    if not facts.exact_dtypes:
        return stmts
    stores: dict[str, int] = {}
    for stmt in stmts:
        for name in _stores_in(stmt):
            stores[name] = stores.get(name, 0) + 1
    folder = _Fills(facts, lambda name: _stable_token(facts.token(name), stores), int_names)
    for i, stmt in enumerate(stmts):
        folder.visit(stmt)
        alias = _number_alias(stmt, facts, stores)
        if alias is not None:  # `dt15 = lam`: fills read as `lam` where they fold
            folder.aliases[alias[0]] = alias[1]
        filled = _filled_definition(stmt, facts, stores)
        if filled is not None:
            name, value = filled
            later = set().union(*(_stores_in(s) for s in stmts[i + 1 :]))
            if not later & {n.id for n in walk(value) if isinstance(n, ast.Name)}:
                folder.known[name] = value
    return stmts


def _stores_in(stmt):
    return stored_names(stmt)


def _stable_token(token, changed):
    """`token`, if every name whose shape it stands for holds one value here: ("own", t)
    is the shape of whatever t holds, which differs from one restored value of t to the
    next (a loop's temporaries, popped in the backward sweep)."""
    if isinstance(token, tuple):
        if len(token) == 2 and token[0] == "own" and token[1] in changed:
            return None
        if any(isinstance(part, tuple) and _stable_token(part, changed) is None for part in token):
            return None
    return token


def _number_alias(stmt, facts, stores):
    """(d, n) for `d = n` assigning a name once, n a number no statement here changes."""
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stores.get(stmt.targets[0].id) == 1
        and isinstance(stmt.value, ast.Name)
        and facts.number(stmt.value.id)
        and stmt.value.id not in stores
    ):
        return stmt.targets[0].id, stmt.value.id
    return None


def _filled_definition(stmt, facts, stores):
    """(name, np.full_like(...)) for `d = np.full_like(A, G)` assigning a name once."""
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stores.get(stmt.targets[0].id) == 1
        and _full_like(stmt.value, facts) is not None
    ):
        return None
    return stmt.targets[0].id, stmt.value


def _full_like(node, facts):
    """(A, G) of `np.full_like(A, G)` with A a floating array, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "full_like"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in facts.numpy_names
        and len(node.args) == 2
        and not node.keywords
        and isinstance(node.args[0], ast.Name)
        and facts.float_array(node.args[0].id)
    ):
        return node.args[0], node.args[1]
    return None


def _numpy_call(node, facts, names):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in names
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in facts.numpy_names
    )


class _Sizes(ast.NodeTransformer):
    """`t12.size` -> `y.size`, `t12.shape[0]` -> `y.shape[0]` (facts.size / twin)."""

    def __init__(self, facts):
        self.facts = facts

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr == "size" and isinstance(node.value, ast.Name):
            spelled = self.facts.size(node.value.id)
            if spelled is not None:
                return ast.copy_location(spelled, node)
        if node.attr == "shape" and isinstance(node.value, ast.Name):
            twin = self.facts.twin(node.value.id)
            if twin is not None and twin != node.value.id:
                node.value = ast.Name(id=twin, ctx=ast.Load())
        return node


class _Fills(ast.NodeTransformer):
    def __init__(self, facts, token, int_names):
        self.facts, self.token, self.int_names = facts, token, int_names
        self.known: dict[str, ast.expr] = {}  # name -> the np.full_like(...) it holds
        self.aliases: dict[str, str] = {}  # name -> the number it holds (`dt15 = lam`)
        self.fresh = False  # inside a call whose result shares no memory with its operands

    def value(self, node):
        """A copy of `node` reading aliased numbers as themselves."""
        aliases = self.aliases

        class Read(ast.NodeTransformer):
            def visit_Name(self, name):
                if isinstance(name.ctx, ast.Load) and name.id in aliases:
                    return ast.copy_location(ast.Name(id=aliases[name.id], ctx=ast.Load()), name)
                return name

        return Read().visit(copy_tree(node))

    def filled(self, node):
        """(A, G) where `node` is np.full_like(A, G) or a name known to hold one."""
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in self.known:
            node = self.known[node.id]
        return _full_like(node, self.facts)

    def visit_Call(self, node):
        fresh, self.fresh = self.fresh, _makes_new_array(node, self.facts)
        self.generic_visit(node)
        self.fresh = fresh
        found = _full_like(node, self.facts)
        if found is not None:
            value = _constant_fill(found[1], self.facts, self.filled)
            if value is not None and value is not found[1]:
                node.args[1] = self.value(value)
        return node

    def visit_BinOp(self, node):
        return self._arithmetic(node)

    def visit_UnaryOp(self, node):
        return self._arithmetic(node)

    def _arithmetic(self, root):
        """A tree of elementwise arithmetic: a fill among its operands is its value where
        another operand has the fill's shape (the result's shape and values are then what
        they were: every element of the fill is the value, and the shape it brought is
        brought by that operand)."""
        slots = []  # (parent, field) of each operand that is not arithmetic itself
        _operands(root, slots)
        for parent, field in slots:  # what is inside the operands first
            setattr(parent, field, self.visit(getattr(parent, field)))
        scaled = self._scaled_fill(root, slots)
        if scaled is not None:
            return scaled
        tokens = [_expr_token(getattr(p, f), self.facts, self.token) for p, f in slots]
        changed = False
        for k, (parent, field) in enumerate(slots):
            found = self.filled(getattr(parent, field))
            if found is None:
                continue
            base, value = found
            token, rank = self.token(base.id), _expr_rank(value, self.facts)
            if (
                token is not None
                and any(t == token for i, t in enumerate(tokens) if i != k)
                and rank is not None
                and rank <= (self.facts.rank(base.id) or 0)
            ):
                setattr(parent, field, self.value(value))
                tokens[k] = None
                changed = True
        if not changed:
            return root
        simpler = simplify(copy_tree(root), self.int_names)  # `1.0 * g * y` -> `g * y`
        # but `1.0 * y` stays: a fresh array, where `y` would share y's memory with the
        # adjoint (which later code may change in place, or hand the caller)
        return root if isinstance(simpler, _MAY_SHARE) and not self.fresh else simpler

    def _scaled_fill(self, root, slots):
        """`np.full_like(A, G) * 100.0` -> `np.full_like(A, G * 100.0)`: a fill combined
        only with numbers by + - * and negation is a fill of the combined value (each
        element is that one IEEE operation on G), so the next rule's operand of A's shape
        can fold it (Rosenbrock's `dt9 = dt10 * 100.0; dt4 = dt9 * 2 * t4` -> `200.0 *
        t4`, and the sum's forward temporary drops out).  `/` and `**` are left alone: on
        Python floats they raise where NumPy gives inf or nan."""
        if not _scales(root):
            return None
        fills = [(p, f) for p, f in slots if self.filled(getattr(p, f)) is not None]
        if len(fills) != 1 or not all(
            (p, f) in fills or _is_number(getattr(p, f), self.facts) for p, f in slots
        ):
            return None
        parent, field = fills[0]
        call = self.fill_call(getattr(parent, field))
        setattr(parent, field, self.value(call.args[1]))
        value = simplify(copy_tree(root), self.int_names)
        scaled = ast.Call(
            func=copy_tree(call.func), args=[copy_tree(call.args[0]), value], keywords=[]
        )
        return ast.copy_location(scaled, root)

    def fill_call(self, node):
        """The `np.full_like(A, G)` call `node` is or a name holds."""
        if isinstance(node, ast.Name) and node.id in self.known:
            return self.known[node.id]
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        scaled = self.scaled_fill(node.value)
        if scaled is not None:  # `dt5 = dt10 * 100.0` -> `dt5 = np.full_like(t10, 100.0)`
            node.value = scaled
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            found = self.filled(node.value)
            if found is not None and _expr_rank(found[1], self.facts) == 0:
                node.value = self.value(found[1])
        return node

    def scaled_fill(self, node):
        """`np.full_like(A, G) op c` (either side) for numbers G and c, one of them a
        float, op one of + - *: `np.full_like(A, G op c)`, the number folded (each
        element of the first is G op c computed in float64, as the fold computes it)."""
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, _FOLDS_INTO_FILL)):
            return None
        for fill, other in ((node.left, node.right), (node.right, node.left)):
            found = self.filled(fill)
            if found is None:
                continue
            g, c = _plain_number(found[1]), _plain_number(other)
            if g is None or c is None or not (isinstance(g, float) or isinstance(c, float)):
                continue
            pair = (found[1], other) if fill is node.left else (other, found[1])
            value = simplify(
                ast.BinOp(left=copy_tree(pair[0]), op=node.op, right=copy_tree(pair[1]))
            )
            if _plain_number(value) is None:
                continue
            call = _full_like(self.known.get(getattr(fill, "id", None), fill), self.facts)
            return ast.Call(
                func=copy_tree(self.known.get(getattr(fill, "id", None), fill).func),
                args=[copy_tree(call[0]), value],
                keywords=[],
            )
        return None


_FOLDS_INTO_FILL = (ast.Add, ast.Sub, ast.Mult)


def _plain_number(node):
    """The int or float a constant (or a negated one) spells, else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _plain_number(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if type(node.value) is float or abs(node.value) < 2**53:
            return node.value
    return None


_MAY_SHARE = (ast.Name, ast.Attribute, ast.Subscript, ast.Starred)
_REDUCING_METHODS = frozenset({"sum", "mean", "prod", "max", "min"})


def _makes_new_array(call, facts):
    """`g.sum(axis=0)`, `np.sum(g)`, `np.cos(g)`: a call whose result is a new array
    whatever its operands are (so an operand may be a name rather than `1.0 * g`)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if isinstance(func.value, ast.Name) and func.value.id in facts.numpy_names:
        found = getattr(np, func.attr, None)
        return isinstance(found, np.ufunc) or func.attr in _REDUCING_METHODS
    return func.attr in _REDUCING_METHODS


def _operands(node, slots):
    """The operands of an arithmetic tree, as (parent, field) slots."""
    fields = ("left", "right") if isinstance(node, ast.BinOp) else ("operand",)
    for field in fields:
        child = getattr(node, field)
        if _is_arithmetic(child):
            _operands(child, slots)
        else:
            slots.append((node, field))


def _scales(node):
    """Only + - * and unary minus/plus down to the operands (no `/`, no `**`)."""
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            return False
        return all(_scales(c) for c in (node.left, node.right) if _is_arithmetic(c))
    if isinstance(node, ast.UnaryOp):
        return not _is_arithmetic(node.operand) or _scales(node.operand)
    return False


def _is_number(node, facts):
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return isinstance(node, ast.Name) and facts.number(node.id)


def _is_arithmetic(node):
    return (isinstance(node, ast.BinOp) and isinstance(node.op, (*_FOLDABLE, ast.Pow))) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
    )


def _constant_fill(node, facts, filled):
    """The number c an array expression is filled with, for `np.full_like(B, c)` and
    `np.expand_dims(<such>, k)` (`filled`: (B, c) of a full_like or a name holding one);
    else None."""
    found = filled(node)
    if found is not None:
        inner = _constant_fill(found[1], facts, filled)
        if inner is not None:
            return inner
        return found[1] if _expr_rank(found[1], facts) == 0 else None
    if _numpy_call(node, facts, {"expand_dims"}) and node.args:
        return _constant_fill(node.args[0], facts, filled)
    if _expr_rank(node, facts) == 0:
        return node
    return None


def _expr_token(node, facts, token_of):
    """Shape token of an arithmetic expression whose arrays all have one token (`1.0 - y`
    has y's shape), else None."""
    tokens = set()
    for leaf in _leaves(node, facts.numpy_names):
        if leaf is None:
            return None
        if isinstance(leaf, ast.Constant) or facts.number(leaf.id):
            continue
        if leaf.id in facts.primal_of:
            return None  # a cotangent's shape is not tracked
        token = token_of(leaf.id)
        if token is None:
            return None
        tokens.add(token)
    return tokens.pop() if len(tokens) == 1 else None


def _leaves(node, numpy_names=frozenset()):
    """Names and numbers of + - * / ** and unary minus, and of NumPy's ufuncs called with
    positional arguments (`np.cos(x)` has x's shape); None for anything else."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (*_FOLDABLE, ast.Pow)):
        return _leaves(node.left, numpy_names) + _leaves(node.right, numpy_names)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _leaves(node.operand, numpy_names)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in numpy_names
        and isinstance(getattr(np, node.func.attr, None), np.ufunc)
        and len(node.args) == getattr(np, node.func.attr).nin  # (no `out` argument)
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    ):
        return [leaf for arg in node.args for leaf in _leaves(arg, numpy_names)]
    if isinstance(node, ast.Name) or (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return [node]
    return [None]


def _expr_rank(node, facts) -> int | None:
    """ndim of a backward-sweep expression where certain, else None."""
    if isinstance(node, ast.Constant):
        ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        return 0 if ok else None
    if isinstance(node, ast.Name):
        if facts.number(node.id):
            return 0
        return facts.rank(facts.primal_of.get(node.id, node.id))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (*_FOLDABLE, ast.Pow)):
        left, right = _expr_rank(node.left, facts), _expr_rank(node.right, facts)
        return None if left is None or right is None else max(left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _expr_rank(node.operand, facts)
    if isinstance(node, ast.Attribute) and node.attr == "size":
        return 0
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "shape"
        and isinstance(node.slice, ast.Constant)
    ):
        return 0
    found = _full_like(node, facts)
    if found is not None:
        return facts.rank(found[0].id)
    if _numpy_call(node, facts, {"expand_dims"}) and len(node.args) == 2:
        inner = _expr_rank(node.args[0], facts)
        axis = node.args[1]
        if inner is None or not isinstance(axis, ast.Constant) or type(axis.value) is not int:
            return None
        return inner + 1
    if _numpy_call(node, facts, _KEEPDIMS_REDUCTIONS) and node.args:
        keep = next((k.value for k in node.keywords if k.arg == "keepdims"), None)
        if isinstance(keep, ast.Constant) and keep.value is True:
            return _expr_rank(node.args[0], facts)
    return None


def float64_only(
    sources: Collection[tuple[ast.AST, Callable[[ast.AST], object]]], narrow: Collection[str]
) -> bool:
    """No argument of another floating dtype than float64 (`narrow`: float32, complex,
    long double), no cast (`astype`, `view`, `dtype=`), no dtype named (`np.float32`, a
    string such as "f4") and no module-level array or NumPy number read, in any of the
    (tree, resolve) `sources`: every floating value the code makes is then float64.  In
    doubt (a dtype-like name it can't see through), the answer is no."""
    if narrow:
        return False
    for tree, resolve in sources:
        for node in walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "dtype":
                return False
            if isinstance(node, ast.Attribute) and node.attr in ("astype", "view", "dtype"):
                return False
            if isinstance(node, ast.Constant) and isinstance(node.value, complex):
                return False
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _names_a_dtype(node.value):
                    return False
            if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                if _not_float64(resolve(node)):
                    return False
    return True


def unit_float64_only(unit, narrow: Collection[str]) -> bool:
    """`float64_only` of every source of `unit`, remembered on it for the same sources
    and `narrow`: each sweep's tidying and the backward sweep's gathers ask it, and each
    answer is a walk of every source."""
    sources = list(unit.sources.values())
    key = (tuple((id(src), id(src.tree)) for src in sources), frozenset(narrow))
    memo = unit.__dict__.setdefault("_float64_only", {})
    if key not in memo:
        memo[key] = float64_only([(src.tree, src.resolver.resolve) for src in sources], narrow)
    return memo[key]


def _names_a_dtype(text):
    try:
        with warnings.catch_warnings():  # np.dtype("a") warns that the alias is deprecated
            warnings.simplefilter("ignore")
            dtype = np.dtype(text)
    except (TypeError, ValueError, SyntaxError):
        return False
    return dtype.kind in "fcV" and dtype != np.float64


def _not_float64(value):
    """A value read from outside the code that may bring another dtype in: an array or
    NumPy scalar (their dtype may change before the code runs again), a dtype, a NumPy
    scalar type other than float64, `complex`."""
    if isinstance(value, (np.ndarray, np.generic, np.dtype)):
        return True
    if isinstance(value, type):
        if value is complex:
            return True
        return issubclass(value, np.generic) and value is not np.float64
    return False


def facts_for(fn, alive=None) -> ShapeFacts | None:
    """The facts of a reverse-mode function transform (its shape tokens, kinds, ranks and
    adjoints); None for one without shape tokens (forward mode).  `alive`: the parameters
    the code being folded can read, where not all of them (a helper's backward sweep)."""
    shapes = getattr(fn, "shapes", None)
    if shapes is None:
        return None
    primal_of = {adj: primal for primal, adj in fn.adjoints.items()}
    kinds, temps = fn.an.kinds, fn.flat.temp_kinds

    def kind(name):
        return kinds.get(name) or temps.get(name)

    def number(name):
        primal = primal_of.get(name, name)
        k = kind(primal)
        return k == SCALAR or (k == INT and shapes.rank(primal) == 0)

    def rank(name):
        return 0 if number(name) else shapes.rank(name)

    def token(name):
        if number(name) or kind(name) not in (ARRAY, INT):
            return None
        found = shapes.token(name)
        if found is not None and found[0] == VARIES:
            return None  # the shape of whichever value the name holds
        return found

    narrow = getattr(fn.unit, "narrow_args", None)
    return ShapeFacts(
        token=token,
        rank=rank,
        number=number,
        float_array=lambda name: kind(name) == ARRAY,
        size=lambda name: shapes.size_spelling(name, alive),
        twin=lambda name: shapes.twin(name, alive),
        primal_of=primal_of,
        numpy_names=frozenset(name for name, obj in fn.unit.binding_names.items() if obj is np),
        exact_dtypes=narrow is not None and unit_float64_only(fn.unit, narrow),
    )

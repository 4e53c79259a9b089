"""Forward mode with a batch axis: k input directions in one pass of the tangent code.

`BatchTransform(unit, prepared, "main").build()` makes the tangent code of one array
parameter in which every tangent carries a leading axis of k directions: the tangent
of a value of shape s is an array of shape exactly ``(k,) + s`` (values are as in the
function).  One pass then gives k columns of a Jacobian (api/forward.py calls it with
chunks of basis tangents).

Why a subset, and which: a batch axis is right only where each operation knows about
it, and the rule table's templates were written for a tangent of its value's shape
(`np.sum(t)` would also sum the directions, `t[0]` take the first one, `t * c` with
`c` wider than the value broadcast against the wrong axis).  So this transformer
accepts what it can prove right and raises `NotBatchable` for everything else, before
any code runs; the caller then makes one pass per element, which is right for every
rule.  The subset:

* straight-line code (assignments only: no branch, loop, helper call, list or index
  assignment);
* elementwise rules whose tangent is the seed times factors of values
  (`t * np.cos(x)`, `t * 2 * x`, `-t`, `t / y`: checked on the instantiated template,
  so a rule registered by a user is held to the same form) for the operators
  ``+ - * / **``, unary minus and plus, and np.sin, cos, exp, log, tanh, sqrt.  Each
  operand's tangent gets the axes its lower rank lacks inserted after the batch axis
  (`dx[:, None]` for a vector against a matrix), and the result is broadcast to the
  full batched shape (`batch_like`) unless one tangent provably has it already;
* np.sum and np.mean with constant `axis` and `keepdims`: the value's axis a is the
  tangent's a + 1 (a negative axis is the same axis of both), None is every axis but
  the batch axis;
* ``x.T`` and np.transpose(x) without axes: the value's axes reversed behind the
  batch axis;
* ``@`` / np.matmul of 1-D and 2-D operands: ``t @ y`` and ``x @ t`` batch as they are,
  except ``x @ t`` for a vector t, which is ``t @ x.T``;
* indexing with constant integers, slices (bounds constants or integer variables),
  None and Ellipsis: ``dx[:, index]``;
* copies (``y = x``, ``x.copy()``).

Ranks must be known for every operand: they come from the parameters' ranks the code
is specialised to, propagated op by op (`batch_ranks`), else the analysis'.  Globals
and closure values are read live, so the code checks their ranks first
(`rank_guards`).
"""

from __future__ import annotations

import ast

import numpy as np

from ..errors import NotBatchable
from .analysis import ARRAY, INT, SCALAR
from .astutil import assign, call, copy_tree, name
from .astutil import reads_any as _reads_any
from .forward import ForwardTransform
from .ir import OpKind
from .transform import constant_arguments
from .unit import Prepared, Unit

#: elementwise primitives whose rules are the seed times partial derivatives
ELEMENTWISE = frozenset(
    {
        ast.Add,
        ast.Sub,
        ast.Mult,
        ast.Div,
        ast.Pow,
        ast.USub,
        ast.UAdd,
        np.sin,
        np.cos,
        np.exp,
        np.log,
        np.tanh,
        np.sqrt,
    }
)
REDUCTIONS = {np.sum: "sum", np.mean: "mean"}
MATMUL = frozenset({ast.MatMult, np.matmul})


class BatchTransform(ForwardTransform):
    """The tangent code of one specialisation with a batch axis on every tangent."""

    def __init__(self, unit: Unit, prepared: Prepared, role: str):
        super().__init__(unit, prepared, role)
        self.batch_ranks: dict[str, int] = {}  # value -> ndim, for the values made here

    # -- statements ------------------------------------------------------------------------
    def stmt(self, stmt, state):
        if not isinstance(stmt, ast.Assign):
            raise NotBatchable(f"{type(stmt).__name__} statement")
        if self._stack_assign(stmt, state) is not None:
            raise NotBatchable("a list used as a stack")
        return self._assign(stmt, state)

    def rank_guards(self):
        """`batch_rank(C, 1)` for each number or array the code reads from a global or a
        closure cell: the ranks worked out here assumed those values' ranks when the code
        was made, and such values are read live (a rebound `C` of another rank would put
        the batch axis in the wrong place).  A changed rank refuses the pass at run time."""
        free = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id in self.params or self.source.resolver.is_local(node.id):
                    continue
                value = self.source.resolver.lookup(node.id)
                if isinstance(value, (np.ndarray, np.generic, int, float, complex)):
                    free[node.id] = np.ndim(value)
        helper = self.bind(_runtime().batch_rank, "batch_rank")
        return [
            ast.Expr(value=call(helper, name(n), ast.Constant(rank)))
            for n, rank in sorted(free.items())
        ]

    def output_tangent(self, var, state):
        """The output's batched tangent, or 0.0 where it doesn't depend on the input
        (the caller makes the zeros: it knows k)."""
        return name(self.adj(var)) if var in state else ast.Constant(0.0)

    # -- one op ------------------------------------------------------------------------------
    def _op(self, op, state, stmt):
        if op.kind in (OpKind.SETITEM, OpKind.HELPER, OpKind.PACK):
            raise NotBatchable(f"op kind {op.kind}")
        primal = assign(op.target_node(store=True), op.primal)
        present = [
            p
            for p in op.active
            if any(isinstance(e, ast.Name) and e.id in state for e in _elements(op.bound[p]))
        ]
        if any(not isinstance(op.bound[p], ast.Name) for p in present):
            raise NotBatchable("a list or tuple of differentiated values")
        if op.kind is OpKind.INACTIVE or not present:
            for t in op.targets:
                state.discard(t)
                self.batch_ranks.pop(t, None)  # (its rank is the analysis' again)
            return [primal]
        if op.unpacked or len(op.targets) != 1:
            raise NotBatchable("an op with several results")
        target = op.target
        self_ref = _reads_any(op.bound.values(), op.targets)
        total, full, out_rank = self._tangent(op, present, self_ref)
        self.batch_ranks[target] = out_rank  # (a name assigned again gets its new rank)
        state.add(target)
        tangent = name(self.adj(target))
        out = [assign(self.adj(target), total), primal] if self_ref else None
        if out is None:
            out = [primal, assign(self.adj(target), total if full else self._full(total, target))]
        elif not full:
            out.append(assign(self.adj(target), self._full(tangent, target)))
        return out

    def _full(self, tangent, target):
        helper = _runtime().batch_like
        return call(self.bind(helper, "batch_like"), tangent, name(target))

    def _tangent(self, op, present, self_ref):
        """(batched tangent expression, whether it certainly has the full batched shape,
        the rank of the op's value)."""
        if op.kind is OpKind.COPY:
            if not _plain_copy(op.primal):
                raise NotBatchable(f"copy {ast.unparse(op.primal)}")
            return self._seed(op.bound["x"]), True, self._known_rank(op.bound["x"])
        if op.kind is OpKind.SUBSCRIPT:
            tangent, rank = self._subscript(op)
            return tangent, True, rank
        if op.kind is not OpKind.RULE or op.rule is None:
            raise NotBatchable(f"op kind {op.kind}")
        func = op.rule.func
        if func in REDUCTIONS:
            tangent, rank = self._reduction(op, REDUCTIONS[func])
            return tangent, True, rank
        if func in MATMUL:
            tangent, rank = self._matmul(op, present)
            return tangent, True, rank
        if func is np.transpose:
            return self._transpose(op), True, self._known_rank(op.bound["a"])
        if func in ELEMENTWISE and op.rule.elementwise:
            return self._elementwise(op, present, self_ref)
        raise NotBatchable(f"rule {op.rule.label}")

    def _seed(self, atom):
        return name(self.adj(atom.id))

    def _known_rank(self, atom):
        """ndim of an operand: the rank this transformer worked out for a value it made
        (from the parameters' ranks the code is specialised to), else the analysis'."""
        if isinstance(atom, ast.Name) and atom.id in self.batch_ranks:
            return self.batch_ranks[atom.id]
        if isinstance(atom, ast.Constant) and type(atom.value) in (int, float):
            return 0
        kind = self.flat.kind(atom)
        if kind not in (ARRAY, SCALAR, INT):
            raise NotBatchable(f"a value of kind {kind}")
        rank = self._rank(atom)
        if rank is None:
            raise NotBatchable(f"{ast.unparse(atom)} of unknown rank")
        return rank

    # -- elementwise rules --------------------------------------------------------------------
    def _elementwise(self, op, present, self_ref):
        operands = [a for p, a in op.bound.items() if p in op.rule.params and p not in op.rule.zero]
        out_rank = max(self._known_rank(a) for a in operands)
        total, full = None, False
        ranks = {p: self._known_rank(a) for p, a in op.bound.items() if a in operands}
        for p in present:
            atom = op.bound[p]
            rank = ranks[p]
            seed = _with_axes(self._seed(atom), out_rank - rank)
            term = self.rule_expression(op, "jvp", p, seed, self_ref)
            if not _seed_times_values(term, self.adj(atom.id)):
                raise NotBatchable(f"the tangent {ast.unparse(term)} of {op.rule.label}")
            full = full or (rank == out_rank and self.shapes.same(atom.id, op.target))
            total = term if total is None else ast.BinOp(left=total, op=ast.Add(), right=term)
        return total, full or out_rank == 0 or _covers(op, present, ranks), out_rank

    # -- reductions ---------------------------------------------------------------------------
    def _reduction(self, op, which):
        mapping = {p: a for p, a in op.bound.items()}
        given = constant_arguments(mapping)
        for p in mapping:
            if p not in ("a", "axis", "keepdims") and given.get(p, 0) is not None:
                raise NotBatchable(f"np.{which} with {p}=")
        if ("axis" in mapping and "axis" not in given) or (
            "keepdims" in mapping and not isinstance(given.get("keepdims"), bool)
        ):
            raise NotBatchable(f"np.{which} with axis or keepdims not constants")
        rank = self._known_rank(mapping["a"])
        axis, keep = given.get("axis"), given.get("keepdims", False)
        axes = _batched_axes(axis, rank)
        kept = (
            rank if keep else 0 if axis is None else rank - (1 if type(axis) is int else len(axis))
        )
        keywords = [ast.keyword(arg="axis", value=ast.Constant(axes))]
        if given.get("keepdims"):
            keywords.append(ast.keyword(arg="keepdims", value=ast.Constant(True)))
        func = ast.Attribute(value=name(self.bind(np, "np")), attr=which, ctx=ast.Load())
        return ast.Call(func=func, args=[self._seed(mapping["a"])], keywords=keywords), kept

    # -- matrix products ----------------------------------------------------------------------
    def _matmul(self, op, present):
        x, y = op.bound.get("x"), op.bound.get("y")
        if set(op.bound) != {"x", "y"}:
            raise NotBatchable("np.matmul with keyword arguments")
        rx, ry = self._known_rank(x), self._known_rank(y)
        if rx not in (1, 2) or ry not in (1, 2):
            raise NotBatchable("@ of operands of rank other than 1 or 2")
        terms = []
        if "x" in present:  # (k, [m,] n) @ y: a stack of products, batch axis first
            terms.append(_matmul(self._seed(x), copy_tree(y)))
        if "y" in present:
            if ry == 1:  # x @ t would contract t's batch axis: (t @ x.T)[j] = x @ t[j]
                xt = (
                    copy_tree(x)
                    if rx == 1
                    else ast.Attribute(value=copy_tree(x), attr="T", ctx=ast.Load())
                )
                terms.append(_matmul(self._seed(y), xt))
            else:  # x @ (k, n, p): broadcasting stacks x against each direction
                terms.append(_matmul(copy_tree(x), self._seed(y)))
        total = terms[0]
        for term in terms[1:]:
            total = ast.BinOp(left=total, op=ast.Add(), right=term)
        return total, rx + ry - 2

    # -- transposes ---------------------------------------------------------------------------
    def _transpose(self, op):
        """`x.T` / `np.transpose(x)`: the value's axes reversed, the batch axis kept first."""
        given = constant_arguments(dict(op.bound))
        if "axes" in op.bound and given.get("axes", 0) is not None:
            raise NotBatchable("np.transpose with axes")
        rank = self._known_rank(op.bound["a"])
        seed = self._seed(op.bound["a"])
        if rank <= 1:
            return seed
        axes = ast.Constant((0, *range(rank, 0, -1)))
        func = ast.Attribute(value=name(self.bind(np, "np")), attr="transpose", ctx=ast.Load())
        return ast.Call(func=func, args=[seed, axes], keywords=[])

    # -- indexing -----------------------------------------------------------------------------
    def _subscript(self, op):
        """(``dx[:, index]``, the rank of ``x[index]``)."""
        base = op.bound["x"]
        rank = self._known_rank(base)
        index = op.primal.slice
        parts = list(index.elts) if isinstance(index, ast.Tuple) else [index]
        for part in parts:
            if not self._basic_part(part):
                raise NotBatchable(f"the index {ast.unparse(index)}")
        new = sum(isinstance(p, ast.Constant) and p.value is None for p in parts)
        dots = sum(isinstance(p, ast.Constant) and p.value is Ellipsis for p in parts)
        taken = sum(_signed_int(p) for p in parts)
        if dots > 1 or len(parts) - new - dots > rank:
            raise NotBatchable(f"the index {ast.unparse(index)} of a value of rank {rank}")
        elts = [ast.Slice()] + [copy_tree(p) for p in parts]
        tangent = ast.Subscript(
            value=self._seed(base), slice=ast.Tuple(elts=elts, ctx=ast.Load()), ctx=ast.Load()
        )
        return tangent, rank - taken + new

    def _basic_part(self, part):
        """A constant integer, None, Ellipsis, or a slice of integers: basic indexing,
        which selects along the value's axes, so along the tangent's after the batch axis.
        (A variable is accepted only as a slice bound, where a bool is an integer too.)"""
        if isinstance(part, ast.Slice):
            return all(b is None or self._int_expr(b) for b in (part.lower, part.upper, part.step))
        if isinstance(part, ast.Constant):
            return part.value is None or part.value is Ellipsis or _is_int(part.value)
        return _signed_int(part)

    def _int_expr(self, node):
        """Integer arithmetic of constants and undifferentiated integer variables."""
        for n in ast.walk(node):
            if isinstance(n, ast.Name):
                if self.an.kinds.get(n.id) != INT or self.an.ranks.get(n.id) not in (0, None):
                    return False
                if self.an.active.get(n.id):
                    return False
            elif isinstance(n, ast.Constant):
                if not _is_int(n.value):
                    return False
            elif not isinstance(
                n,
                (
                    ast.BinOp,
                    ast.UnaryOp,
                    ast.Add,
                    ast.Sub,
                    ast.Mult,
                    ast.FloorDiv,
                    ast.USub,
                    ast.Load,
                ),
            ):
                return False
        return True


def _covers(op, present, ranks):
    """Whether the sum of the operands' batched tangents certainly has the result's full
    batched shape: every operand carries a tangent (the terms broadcast together as the
    values do), or one does and all others are numbers (the result has its shape)."""
    if set(present) == set(ranks):
        return True
    return len(present) == 1 and all(r == 0 for p, r in ranks.items() if p not in present)


def _elements(atom):
    return atom.elts if isinstance(atom, (ast.List, ast.Tuple)) else [atom]


def _signed_int(part):
    """A constant integer index, `3` or `-1` (not `not 1`: a bool index adds an axis)."""
    if isinstance(part, ast.UnaryOp) and isinstance(part.op, (ast.USub, ast.UAdd)):
        part = part.operand
    return isinstance(part, ast.Constant) and _is_int(part.value)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _plain_copy(primal):
    """`y = x` or `y = x.copy()`: the value, so the tangent, unchanged."""
    if isinstance(primal, ast.Name):
        return True
    return (
        isinstance(primal, ast.Call)
        and isinstance(primal.func, ast.Attribute)
        and primal.func.attr == "copy"
        and not primal.args
        and not primal.keywords
    )


def _with_axes(seed, missing):
    """The batched tangent of an operand `missing` ranks lower than the result, with
    those axes inserted after the batch axis (`dx[:, None]`): NumPy broadcasting aligns
    the value axes from the right, and the batch axis must stay the first."""
    if missing <= 0:
        return seed
    elts = [ast.Slice()] + [ast.Constant(None)] * missing
    return ast.Subscript(value=seed, slice=ast.Tuple(elts=elts, ctx=ast.Load()), ctx=ast.Load())


def _seed_times_values(term, seed):
    """Whether `term` is the seed times (or divided by) factors that don't read it, and
    negations: linear in the seed elementwise, so the batch axis passes through."""
    node = term
    while True:
        if _reads_seed_only(node, seed):
            return True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            node = node.operand
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            left, right = _mentions(node.left, seed), _mentions(node.right, seed)
            if left and not right:
                node = node.left
                continue
            if right and not left and isinstance(node.op, ast.Mult):
                node = node.right
                continue
        return False


def _reads_seed_only(node, seed):
    """The seed itself, or the seed with axes inserted (`dx[:, None]`)."""
    if isinstance(node, ast.Name):
        return node.id == seed
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == seed
        and isinstance(node.slice, ast.Tuple)
        and isinstance(node.slice.elts[0], ast.Slice)
        and all(isinstance(e, ast.Constant) and e.value is None for e in node.slice.elts[1:])
    )


def _mentions(node, seed):
    return any(isinstance(n, ast.Name) and n.id == seed for n in ast.walk(node))


def _batched_axes(axis, rank):
    """np.sum/np.mean's `axis` of a value of `rank` as the axis of its batched tangent:
    a >= 0 is a + 1, a < 0 the same axis, None every axis but the batch axis."""
    if axis is None:
        axes = tuple(range(1, rank + 1))
        return axes[0] if len(axes) == 1 else axes
    single = type(axis) is int
    values = (axis,) if single else axis
    if not isinstance(values, tuple) or not all(_is_int(a) for a in values):
        raise NotBatchable(f"axis={axis!r}")
    if any(not -rank <= a < rank for a in values):
        raise NotBatchable(f"axis={axis!r} of a value of rank {rank}")
    moved = tuple(a + 1 if a >= 0 else a for a in values)
    return moved[0] if single else moved


def _matmul(a, b):
    return ast.BinOp(left=a, op=ast.MatMult(), right=b)


def _runtime():
    from ..runtime import core as runtime

    return runtime

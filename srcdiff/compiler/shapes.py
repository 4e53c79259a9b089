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

Dense arrays.  Code may be specialised to array arguments with no axis of length 1
("dense", requests.py); broadcasting then stretches no axis of them, nor of the
values elementwise operations, products and reductions make of them.  An operand
that is dense has the result's shape except for the leading axes its lower rank
lacks: its cotangent is the result's summed over those axes (`np.sum(g, axis=0)`
for a bias added to a batch) -- what a person writes, where `unbroadcast` would
otherwise compare shapes on every call.
"""

from __future__ import annotations

import ast
import weakref

import numpy as np

from .analysis import ARRAY, INT, SCALAR
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


VARIES = "varies"  # the token of a name assigned more than once: equal to nothing


class ShapeTokens:
    def __init__(self, fn):
        # a weak reference: the transformer holds its ShapeTokens, and a cycle between
        # them would leave everything the transformer built to the cyclic collector
        # (whose pass over it grows with the function: gcpause.py)
        self._fn = weakref.ref(fn)
        self.stores = {}
        for node in walk(fn.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.stores[node.id] = self.stores.get(node.id, 0) + 1
        self.memo = {}
        self.dense_params: frozenset[str] = frozenset()  # set by derive.py (main function)
        self.dense_memo: dict[str, bool] = {}
        self.complete = False  # every assignment split into ops (all_split)
        self.stable: set[str] = set()  # names assigned more than once, of one shape

    def all_split(self):
        """Every assignment of the function is an op now, so a name assigned more than
        once may be proved to keep one shape (`_kept_shape`); what was answered before
        (without that proof) is forgotten."""
        self.complete = True
        self.memo.clear()
        for name in sorted(n for n, count in self.stores.items() if count > 1):
            self.token(name)  # first, so no other name's token is half worked out
        for name in self.fn.params:
            if self.stores.get(name, 0):
                self.token(name)

    @property
    def fn(self):
        return self._fn()

    def same(self, a, b):
        """Do names `a` and `b` certainly hold arrays of the same shape?  Never for a name
        assigned more than once (its token stands for whichever value it holds), nor for
        one name asked of itself: an operation's operand and its result, `r = r + x`, are
        the old r and the new (x may have broadcast a scalar r to a larger shape)."""
        if a == b:  # unless every value the name holds has one shape (_kept_shape)
            return self.token(a)[0] != VARIES and a in self.stable
        ta, tb = self.token(a), self.token(b)
        return ta is not None and ta[0] != VARIES and ta == tb

    def token(self, name):
        if name not in self.memo:
            self.memo[name] = ("own", name)  # guards against cycles
            self.memo[name] = self._compute(name)
        return self.memo[name]

    def _compute(self, name):
        fn = self.fn
        if name in fn.params:
            if self.stores.get(name, 0) == 0:
                return ("param", name)
            return self._kept_shape(name, ("param", name)) or (VARIES, name)
        if self.stores.get(name, 0) > 1 and name not in fn.flat.temp_kinds:
            return self._kept_shape(name, None) or (VARIES, name)
        op = self._defining_op(name)
        if op is None or len(op.targets) != 1:
            return ("own", name)
        return self._op_token(op) or ("own", name)

    def _kept_shape(self, name, entry):
        """The one shape a name assigned more than once always holds, or None.

        `total = np.zeros_like(x)` before a loop and `total = total + t` in it, with t of
        x's shape: the first assignment gives x's shape, and each later one gives it again
        if total already has it -- so, by induction over the assignments as they run,
        total always has x's shape (the first assignment to run reads no value of total:
        there is none yet; `entry`: a parameter's shape as it arrives, the one
        candidate).  The shape tried is the one fixed shape the assignments give while
        total's own is unknown; it is tried with `memo` set to it, and other names'
        tokens worked out under it are kept only where it holds.  Only fixed shapes (of
        parameters, slices and keepdims reductions of them) are tried: ("own", t) stands
        for whichever value t holds now, which a loop's next pass changes."""
        ops = [op for op in self.fn.ir.assigning_ops(name) if op.kind is not OpKind.SETITEM]
        if not self.complete or len(ops) != self.stores.get(name, 0):
            return None  # (an index assignment keeps the shape; other stores are unknown)
        if any(len(op.targets) != 1 for op in ops):
            return None
        before, stable = dict(self.memo), set(self.stable)
        if entry is not None:
            candidates = {entry}
        else:  # what the assignments give while the name's own shape is unknown
            candidates = {t for t in map(self._op_token, ops) if _fixed(t)}
            self.memo, self.stable = dict(before), set(stable)
        if len(candidates) == 1:
            shape = self.memo[name] = candidates.pop()
            if all(self._op_token(op) == shape for op in ops):
                self.stable.add(name)
                return shape
        self.memo, self.stable = before, stable
        return None

    def _op_token(self, op):
        """The token of the value `op` makes (it has one target), or None."""
        fn = self.fn
        if op.kind is OpKind.INACTIVE:
            return self._made_like(op.primal)
        if op.kind is OpKind.COPY:
            return self._atom_token(op.bound["x"])
        if op.kind in (OpKind.SUBSCRIPT, OpKind.COPY) and isinstance(op.primal, ast.Subscript):
            gathered = self._gather_token(op.primal)
            if gathered is not None:
                return gathered
        if op.kind is OpKind.SUBSCRIPT:
            base = self._atom_token(op.bound["x"])
            index = op.primal.slice
            if base is None or base[0] == "own" or not self._constant_index(index):
                return None
            trim = _trimmed_length(index)
            if trim is not None:  # x[1:] and x[:-1]: both n - 1 long
                return ("trim", base, trim)
            return ("sub", base, ast.dump(index))
        if op.kind is OpKind.RULE and op.rule.result == "reduce":
            axes = _kept_axes(op)
            base = self._atom_token(op.bound.get("a"))
            if axes is not None and base is not None and self._one_value(op.bound["a"].id):
                return ("keep", base, axes)
        if op.kind is OpKind.RULE and op.rule.elementwise:
            full = self._dense_of_full_rank(op)
            if full is not None:  # it fixes every axis of the result: of its shape
                return self._atom_token(full)
            tokens = set()
            for atom in op.bound.values():
                kind = fn.flat.kind(atom) if isinstance(atom, (ast.Name, ast.Constant)) else None
                if kind == SCALAR or isinstance(atom, ast.Constant) or self._number(atom):
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
        return None

    def _made_like(self, value):
        """The token of an array made in the shape of another: `np.zeros_like(x)` (also
        ones_, empty_ and full_like, without `shape=`), `np.zeros(x.shape)` (also ones,
        empty and full); else None."""
        if isinstance(value, ast.Name):
            return self._atom_token(value)
        if (
            not isinstance(value, ast.Call)
            or not value.args
            or isinstance(value.args[0], ast.Starred)
        ):
            return None
        made = self.fn.an.resolver.resolve(value.func)
        if any(k.arg not in ("dtype", "order") for k in value.keywords):
            return None
        first = value.args[0]
        if any(made is f for f in _MADE_LIKE) and len(value.args) == (
            2 if made is np.full_like else 1
        ):
            return self._atom_token(first)
        if any(made is f for f in _MADE_OF_SHAPE) and len(value.args) == (
            2 if made is np.full else 1
        ):
            if isinstance(first, ast.Attribute) and first.attr == "shape":
                return self._atom_token(first.value)
        return None

    def _gather_token(self, primal):
        """`a[np.arange(n), labels]` indexed on every axis by integer arrays, one of them a
        dense parameter of the result's rank: the index arrays broadcast to that
        parameter's shape (the others have no more axes, and none of its axes has length
        1 to stretch), which is the result's."""
        parts = primal.slice.elts if isinstance(primal.slice, ast.Tuple) else [primal.slice]
        rank = self._gather_rank(self._atom_rank(primal.value), parts)
        if rank is None:
            return None
        for part in parts:
            if (
                isinstance(part, ast.Name)
                and part.id in self.fn.params
                and self.dense(part.id)
                and self.rank(part.id) == rank
            ):
                return self.token(part.id)
        return None

    def distinct_gather(self, primal):
        """Does `a[np.arange(m), labels]` certainly pick each element of `a` at most once?

        Then its adjoint is written into zeros by plain assignment, `da[i, j] = g`,
        instead of `np.add.at`.  Proved (conservatively) when every axis of `a` is
        indexed by a 1-D integer array of known rank (so nothing broadcasts to 2-D) and
        one of them is a literal `np.arange(m)` with a single argument: its values
        0..m-1 are distinct and non-negative, so the positions differ in that
        coordinate -- unless broadcasting stretches it, which it does only to an
        arange of length 1.  So m must differ from 1 or equal the other index's
        length: `P.shape[k]` or `len(P)` of a dense P (no axis of length 1), or with
        two indices, the other one's `len`, `.size` or `.shape[0]`.  Anything else
        (a 2-D `labels`, a plain integer array, `np.arange(a, b)`, a computed m)
        keeps `add_at`."""
        index = primal.slice
        parts = index.elts if isinstance(index, ast.Tuple) else [index]
        if self._gather_rank(self._atom_rank(primal.value), parts) != 1:
            return False  # (a part of rank 2 makes the gather 2-D)
        for k, part in enumerate(parts):
            if not self._single_arange(part):
                continue
            if len(parts) == 1:
                return True
            others = parts[:k] + parts[k + 1 :]
            if self._not_one(part.args[0]) or (
                len(others) == 1 and self._length_of(part.args[0], others[0])
            ):
                return True
        return False

    def _single_arange(self, node):
        return (
            isinstance(node, ast.Call)
            and len(node.args) == 1
            and not node.keywords
            and not isinstance(node.args[0], ast.Starred)
            and self.fn.an.resolver.resolve(node.func) is np.arange
        )

    def _not_one(self, length):
        """`P.shape[k]` (k a constant) or `len(P)` of a dense P: certainly not 1."""
        owner = self._length_owner(length)
        return owner is not None and self.dense(owner)

    def _length_of(self, length, part):
        """Is `length` the length of the 1-D index `part` (a name assigned once)?"""
        if not isinstance(part, ast.Name) or not self._one_value(part.id):
            return False
        if (
            isinstance(length, ast.Attribute)
            and length.attr == "size"
            and isinstance(length.value, ast.Name)
        ):
            return length.value.id == part.id
        return self._length_owner(length, axis0=True) == part.id

    def _length_owner(self, length, axis0=False):
        """P of `P.shape[k]` or `len(P)` (k == 0 only with axis0), P never reassigned."""
        owner = None
        if (
            isinstance(length, ast.Subscript)
            and isinstance(length.value, ast.Attribute)
            and length.value.attr == "shape"
            and isinstance(length.value.value, ast.Name)
            and _int_constant(length.slice) is not None
            and (not axis0 or _int_constant(length.slice) == 0)
        ):
            owner = length.value.value.id
        elif (
            isinstance(length, ast.Call)
            and len(length.args) == 1
            and not length.keywords
            and isinstance(length.args[0], ast.Name)
            and self.fn.an.resolver.resolve(length.func) is len
        ):
            owner = length.args[0].id
        if owner is None or not self._one_value(owner):
            return None
        return owner

    def twin(self, name, among=None):
        """A parameter never reassigned whose shape is certainly `name`'s (`y` for the
        temporary `t12 = y * np.log(t5) + ...`), or None: a name that holds its value
        wherever the function runs, so `t12.size` may be spelled `y.size` and t12 need not
        be kept for its shape.  `among`: the parameters the code being written can read
        (a helper's backward sweep has only those its caller passes: another name would
        be a global of the user's module, or undefined)."""
        token = self.token(name)
        if token is None or token[0] == "own":
            return None
        for param in self.fn.params:
            if among is not None and param not in among:
                continue
            if (
                self.stores.get(param, 0) == 0
                and self.fn.an.kinds.get(param) in (ARRAY, INT)
                and self.rank(param)
                and self.token(param) == token
            ):
                return param
        return None

    def size_spelling(self, name, among=None):
        """`name.size` spelled with a parameter that is alive everywhere (twin), also for a
        reduction of such a shape over constant axes without keepdims (`np.sum(t5,
        axis=1)` of a (n, k) `Y`-shaped t5 has `Y.shape[0]` elements); else None."""
        twin = self.twin(name, among)
        if twin is not None:
            return ast.Attribute(
                value=ast.Name(id=twin, ctx=ast.Load()), attr="size", ctx=ast.Load()
            )
        op = self._defining_op(name)
        if (
            op is None
            or len(op.targets) != 1
            or op.kind is not OpKind.RULE
            or op.rule.result != "reduce"
            or self.stores.get(name, 0) > 1
            or not isinstance(op.bound.get("a"), ast.Name)
        ):
            return None
        keep = op.bound.get("keepdims")
        if keep is not None and not (isinstance(keep, ast.Constant) and keep.value is False):
            return None
        base, rank = op.bound["a"].id, self.rank(op.bound["a"].id)
        twin = self.twin(base, among)
        axis = op.bound.get("axis")
        parts = axis.elts if isinstance(axis, ast.Tuple) else [axis]
        axes = [_int_constant(p) for p in parts] if axis is not None else [None]
        if twin is None or not rank or None in axes:
            return None
        if any(not -rank <= k < rank for k in axes):
            return None
        taken = {k % rank for k in axes}
        left = [k for k in range(rank) if k not in taken]
        if len(taken) != len(axes) or not left:
            return None
        spelled = [
            ast.Subscript(
                value=ast.Attribute(
                    value=ast.Name(id=twin, ctx=ast.Load()), attr="shape", ctx=ast.Load()
                ),
                slice=ast.Constant(k),
                ctx=ast.Load(),
            )
            for k in left
        ]
        size = spelled[0]
        for more in spelled[1:]:
            size = ast.BinOp(left=size, op=ast.Mult(), right=more)
        return size

    def dense(self, name):
        """Does `name` certainly hold an array with no axis of length 1 (given dense
        parameters)?  A value broadcast against others then has their shape on every axis
        it has."""
        if name not in self.dense_memo:
            self.dense_memo[name] = False  # guards against cycles
            self.dense_memo[name] = self._compute_dense(name)
        return self.dense_memo[name]

    def _compute_dense(self, name):
        fn = self.fn
        if name in fn.params:
            return name in self.dense_params and self.stores.get(name, 0) == 0
        if self.stores.get(name, 0) > 1 and name not in fn.flat.temp_kinds:
            return False
        op = self._defining_op(name)
        if op is None or len(op.targets) != 1 or op.kind is not OpKind.RULE:
            return op is not None and op.kind is OpKind.COPY and self._dense_atom(op.bound["x"])
        if op.rule.result == "reduce":  # axes taken away; keepdims leaves ones
            keep = op.bound.get("keepdims")
            kept = not (keep is None or (isinstance(keep, ast.Constant) and keep.value is False))
            return not kept and self._dense_atom(op.bound.get("a"))
        if op.rule.elementwise and self._dense_of_full_rank(op) is not None:
            return True
        if op.rule.elementwise or op.rule.func in _PRODUCTS:
            arrays = [a for p, a in op.bound.items() if p not in op.rule.zero]
            return all(self._dense_atom(a) or self._number(a) for a in arrays)
        return False

    def _dense_of_full_rank(self, op):
        """A dense operand (a name) of an elementwise op with the result's rank, if any:
        every axis of the result is then that operand's (the others broadcast to it)."""
        rank = self.rank(op.target)
        if rank is None:
            return None
        for p, atom in op.bound.items():
            if p in op.rule.zero or not isinstance(atom, ast.Name) or self._number(atom):
                continue
            if self.dense(atom.id) and self.rank(atom.id) == rank:
                return atom
        return None

    def rank(self, name):
        """ndim of the array `name` holds where certain (parameters and named values from
        the analysis; temporaries from the op making them), else None."""
        known = self.fn.an.ranks.get(name)
        if known is not None or name in self.fn.params:
            return known
        op = self._defining_op(name)
        if op is None or len(op.targets) != 1 or self.stores.get(name, 0) > 1:
            return None
        if op.kind in (OpKind.COPY, OpKind.SUBSCRIPT) and isinstance(op.primal, ast.Subscript):
            return self._index_rank(self._atom_rank(op.primal.value), op.primal.slice)
        if op.kind is OpKind.COPY:
            return self._atom_rank(op.bound["x"]) if op.primal is op.bound["x"] else None
        if op.kind is not OpKind.RULE:
            return None
        if op.rule.result == "reduce":
            return _reduced_rank(self._atom_rank(op.bound.get("a")), op.bound)
        if op.rule.func in _PRODUCTS:
            x, y = (self._atom_rank(a) for a in list(op.bound.values())[:2])
            if op.rule.func is np.dot and (x is None or y is None or max(x, y) > 2):
                return None
            return _product_rank(x, y)
        if op.rule.elementwise:
            ranks = [self._atom_rank(a) for p, a in op.bound.items() if p not in op.rule.zero]
            return None if None in ranks else max(ranks, default=0)
        return None

    def _index_rank(self, rank, index):
        """Rank of `a[index]` for an `a` of `rank`: basic indices only (slices keep an
        axis, integers take one away, None adds one), else None."""
        if rank is None:
            return None
        parts = index.elts if isinstance(index, ast.Tuple) else [index]
        gathered = self._gather_rank(rank, parts)
        if gathered is not None:
            return gathered
        taken = added = 0
        for part in parts:
            if isinstance(part, ast.Constant) and part.value is None:
                added += 1
            elif _int_constant(part) is not None or (
                isinstance(part, ast.Name)
                and self.fn.flat.kind(part) == INT
                and self.fn.an.ranks.get(part.id) == 0
            ):
                taken += 1
            elif not isinstance(part, ast.Slice):
                return None
        used = len(parts) - added
        return rank - taken + added if used <= rank else None

    def _gather_rank(self, rank, parts):
        """Rank of `a[i, j]` indexed on every axis by integer arrays of known ranks (they
        broadcast together: the result has their rank), else None."""
        if len(parts) != rank or not parts:  # a[()] of a 0-d array: basic
            return None
        ranks = []
        for part in parts:
            if isinstance(part, ast.Slice) or (isinstance(part, ast.Constant)):
                return None
            kind = self.fn.flat.kind(part) if isinstance(part, ast.Name) else None
            part_rank = self.fn.an.rank(part)
            if (
                part_rank is None
                and isinstance(part, ast.Call)
                and self.fn.an.resolver.resolve(part.func) is np.arange
            ):
                part_rank = 1  # np.arange(n): the rows picked one by one
            if part_rank is None or part_rank < 1 or (kind is not None and kind != INT):
                return None
            ranks.append(part_rank)
        return max(ranks)

    def _atom_rank(self, atom):
        if self._number(atom):
            return 0
        if isinstance(atom, ast.Name):
            return self.rank(atom.id)
        # an inactive operand left as an expression: `1.0 - y`
        if isinstance(atom, ast.BinOp | ast.UnaryOp) and _arithmetic(atom):
            ranks = [self._atom_rank(n) for n in _leaves(atom)]
            return None if None in ranks else max(ranks, default=0)
        return None

    def _dense_atom(self, atom):
        if isinstance(atom, ast.Name):
            return not self._number(atom) and self.dense(atom.id)
        if isinstance(atom, ast.BinOp | ast.UnaryOp) and _arithmetic(atom):
            leaves = _leaves(atom)
            return any(not self._number(n) for n in leaves) and all(
                self._number(n) or self._dense_atom(n) for n in leaves
            )
        return False

    def _number(self, atom):
        if isinstance(atom, ast.Constant):
            return isinstance(atom.value, (int, float)) and not isinstance(atom.value, bool)
        if not isinstance(atom, ast.Name):
            return False
        kind = self.fn.flat.kind(atom)
        # INT is also an integer array (polygamma's n), which broadcasts like any other
        return kind == SCALAR or (kind == INT and self.fn.an.ranks.get(atom.id) == 0)

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
        token = self.token(atom.id)
        if token is not None and token[0] == VARIES:
            return None  # (its shape here may not be later's)
        return token

    def _one_value(self, name):
        """Does `name` hold one value throughout?  ("own", name) stands for the shape of
        whatever a reassigned name holds: a reduction of it may not be compared with it.)"""
        stores = self.stores.get(name, 0)
        return stores == 0 if name in self.fn.params else stores <= 1

    def _defining_op(self, name):
        return self.fn.ir.defining_op(name)

    def _constant_index(self, index):
        """An index whose value can't change: only constants and never-assigned names."""
        return all(self.stores.get(n.id, 0) == 0 for n in walk(index) if isinstance(n, ast.Name))


_MADE_LIKE = (np.zeros_like, np.ones_like, np.empty_like, np.full_like)
_MADE_OF_SHAPE = (np.zeros, np.ones, np.empty, np.full)


def _fixed(token):
    """Does a token stand for one shape for the whole call?  A parameter's, and what
    slicing with constants or a keepdims reduction makes of it; not ("own", t), which
    is the shape of whatever t holds at the time."""
    if not isinstance(token, tuple) or not token:
        return False
    if token[0] == "param":
        return True
    if token[0] in ("trim", "sub", "keep"):
        return _fixed(token[1])
    return False


#: Products whose result's axes are axes of their operands (none of length 1 if the
#: operands have none).
_PRODUCTS = (ast.MatMult, np.matmul, np.dot)


def _product_rank(x, y):
    """Rank of x @ y for operands of ranks x and y (None if unknown or 0-d)."""
    if x is None or y is None or x == 0 or y == 0:
        return None
    if x == 1 or y == 1:
        return max(x, y) - 1
    return max(x, y)


def _reduced_rank(rank, bound):
    """Rank of a reduction of an array of `rank` with the call's axis and keepdims."""
    keep, axis = bound.get("keepdims"), bound.get("axis")
    if rank is None:
        return None
    if keep is not None and not (isinstance(keep, ast.Constant) and keep.value is False):
        return rank if isinstance(keep, ast.Constant) and keep.value is True else None
    if axis is None or (isinstance(axis, ast.Constant) and axis.value is None):
        return 0
    if _int_constant(axis) is not None:
        return rank - 1
    if isinstance(axis, ast.Tuple) and all(_int_constant(e) is not None for e in axis.elts):
        return rank - len(axis.elts)
    return None


def _arithmetic(node):
    """An expression of names and numbers joined by + - * / ** and unary minus only."""
    if isinstance(node, ast.BinOp):
        ops = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
        return isinstance(node.op, ops) and _arithmetic(node.left) and _arithmetic(node.right)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _arithmetic(node.operand)
    return isinstance(node, (ast.Name, ast.Constant))


def _leaves(node):
    """The names and constants of an arithmetic expression."""
    return [n for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Constant))]

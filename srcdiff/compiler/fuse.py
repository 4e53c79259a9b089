"""The Numba backend's fused loops: a run of elementwise statements over rank-1 arrays
becomes one `for` loop over an index.

Why: Numba compiles each array statement of generated code (`t4 = x[1:] - x[:-1] ** 2`,
`dx[:-1] += dt4 * -2 * x[:-1]`) to a loop of its own writing a fresh temporary.  At
N = 100,000 each temporary is 800 KB of memory freshly mapped, so Rosenbrock's compiled
gradient spent its time in page faults (554 a call, against NumPy's 357) and was slower
than the Python backend; one loop computing every statement for element `i` touches no
temporary.  This pass writes that loop, after compiler/njit.py's rewrite (so the Python
backend's code is untouched):

    n = len(x) - 1
    if n >= 0:
        dx = np.zeros_like(x)
        for i in range(n):
            t4 = x[i + 1] - x[i] ** 2
            dx[i] += -2.0 * (1.0 - x[i])
            ...
    else:
        <the statements as they were>

What a run is made of (consecutive statements of one block):

* `t = e`, `e` elementwise: `+ - * /`, `**` (exponent a non-negative integer constant,
  a float constant or an array expression), unary `-`, and NumPy ufuncs with a scalar
  form (`np.sin`, `np.exp`, ... `_UFUNCS`), over rank-1 arrays read whole or through a
  slice with constant bounds `a[lo:]`, `a[:-hi]`, `a[lo:-hi]` (step 1), and numbers;
  at least one array, and float64 for certain (an operand is a float64 array: a `wrt`
  array, or one computed from one);
* `d[lo:-hi] += e`, `d += e` (and `-=`): accumulations into an array the function owns
  (made by `np.zeros_like` or by an elementwise expression earlier in the block, and
  read by nothing since but its accumulations, so nothing aliases it);
* `d = np.zeros_like(a)`: an allocation, made before the loop.

A value the run computes becomes a scalar in the loop, unless the function reads it
outside the run: then it is an array (`np.empty(n)`) the loop fills.  `a / b` is written
`np.divide(a, b)` (Numba's scalar `/` raises on a zero divisor; NumPy's gives inf).

Legality: the loop's extent is `len(base) - lo - hi` of the first array; every other
array's length is proved equal when generated (the same base and total offset, through
slices and `zeros_like`) or checked at run time at the head (`len(y) == n`), as is the
dtype of every array not certainly float64 (`is_float64(y)`, a runtime helper with a
Numba form); when a check fails the original statements run (broadcasting of a length-1
array, a second argument of another length, an integer array).  A statement that reads
an array the run writes, other than a value of the run read whole at the same index, or
that assigns a name the run has read or the statement itself reads (`w = w ** 2`: the
loop would fill a new `w` while reading the old), or whose lengths are provably different
from the run's, ends the run.  Accumulations into one array at different offsets commute
(up to rounding: each element's sum may add its terms in another order).  Only runs of at
least two elementwise statements are fused.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .analysis import ARRAY, INT, SCALAR
from .astutil import copy_tree, statements, walk
from .unrolling import fresh

#: names of the NumPy functions with a scalar form in Numba that a fused loop may call
_UFUNCS = frozenset(
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp expm1 "
    "exp2 log log1p log2 log10 sqrt cbrt abs absolute fabs square negative".split()
)

#: a length: len(base) - off
Length = tuple[str, int]


@dataclass
class _Array:
    """A rank-1 array the block has: its length and whether it is float64 for certain."""

    length: Length
    f64: bool


@dataclass
class _Run:
    """The statements of a run and what they read and write."""

    length: Length | None = None
    stmts: list = field(default_factory=list)
    kinds: list = field(default_factory=list)  # "assign", "acc", "alloc" per statement
    values: dict = field(default_factory=dict)  # name assigned an elementwise value
    allocs: set = field(default_factory=set)
    targets: set = field(default_factory=set)  # accumulated into
    read: set = field(default_factory=set)  # every name the run reads
    outside: dict = field(default_factory=dict)  # array read from outside -> _Array
    others: set = field(default_factory=set)  # lengths checked at run time

    def elementwise(self):
        return sum(k != "alloc" for k in self.kinds)


def fuse_loops(
    fdef: ast.FunctionDef,
    numpy_name: Callable[[], str],
    helper_name: Callable[[], str],
    taken: set[str],
    numpy_module: str | None,
    bindings: dict,
) -> None:
    """Fuse the runs of `fdef`'s blocks, in place.  `numpy_name()` / `helper_name()`:
    bind numpy / the runtime's `is_float64` and return their names; `taken`: every name
    the unit uses (fresh names are added to it); `numpy_module`: the name `fdef` already
    reads numpy by (None if it reads none: nothing is fused then); `bindings`: the unit's
    bound names (`unbroadcast` is found among them)."""
    if numpy_module is None:
        return
    kinds = getattr(fdef, "value_kinds", {})
    rank = getattr(fdef, "value_rank", lambda name: None)
    f64 = set(getattr(fdef, "float64_params", ()))
    params = [a.arg for a in fdef.args.args]
    arrays = {}
    for p in params:
        if kinds.get(p) in (ARRAY, INT) and rank(p) == 1:  # (an int array's kind is INT)
            arrays[p] = _Array((p, 0), p in f64 and kinds.get(p) == ARRAY)
    loads = Counter(
        n.id for n in walk(fdef) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    )
    from ..runtime import core

    fuser = _Fuser(fdef, kinds, rank, loads, numpy_module, numpy_name, helper_name, taken)
    fuser.unbroadcast = {name for name, obj in bindings.items() if obj is core.unbroadcast}
    fdef.body = fuser.block(fdef.body, dict(arrays), set())


def _fresh(taken, base):
    return fresh(taken, base, sep="_")


class _Fuser:
    def __init__(self, fdef, kinds, rank, loads, np_module, numpy_name, helper_name, taken):
        self.fdef = fdef
        self.kinds = kinds
        self.rank = rank
        self.loads = loads
        self.np = np_module
        self.numpy_name = numpy_name
        self.helper_name = helper_name
        self.taken = taken
        self.unbroadcast: set[str] = set()
        self.last_line = None  # the srcline the block commented last before a run

    # -- what a name holds ------------------------------------------------------------
    def _known(self, name, arrays):
        got = arrays.get(name)
        if got is None and self.kinds.get(name) in (ARRAY, INT) and self.rank(name) == 1:
            got = arrays[name] = _Array((name, 0), False)
        return got

    def _number(self, node, arrays):
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float)
        if not isinstance(node, ast.Name) or node.id in arrays:
            return False
        kind = self.kinds.get(node.id)  # (INT is also an integer array's kind)
        return kind == SCALAR or (kind == INT and self.rank(node.id) == 0)

    def _np_call(self, node):
        f = node.func
        return (
            isinstance(f, ast.Attribute)
            and isinstance(f.value, ast.Name)
            and f.value.id == self.np
            and not node.keywords
        )

    # -- elementwise expressions --------------------------------------------------------
    def _reads(self, node, arrays, out):
        """Append (name, lo, hi) for every array `node` reads; False if `node` is not an
        elementwise expression of rank-1 arrays and numbers."""
        if self._number(node, arrays):
            return True
        if isinstance(node, ast.Name):
            if self._known(node.id, arrays) is None:
                return False
            out.append((node.id, 0, 0, True))
            return True
        if isinstance(node, ast.Subscript):
            bounds = _bounds(node)
            if bounds is None or self._known(node.value.id, arrays) is None:
                return False
            out.append((node.value.id, *bounds, True))
            return True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return self._reads(node.operand, arrays, out)
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
        ):
            if isinstance(node.op, ast.Pow) and not self._exponent(node.right, arrays):
                return False
            return self._reads(node.left, arrays, out) and self._reads(node.right, arrays, out)
        if not isinstance(node, ast.Call) or node.keywords or len(node.args) not in (1, 2):
            return False
        if self._np_call(node) and node.func.attr in _UFUNCS and len(node.args) == 1:
            return self._reads(node.args[0], arrays, out)
        full = _shape_only(node, self.np, self.unbroadcast)
        if full is not None:
            # (the shape's array has the run's length: unbroadcast is the identity; a
            # full_like array has its dtype)
            shape, value = node.args if full else node.args[::-1]
            if full and not self._number(value, arrays):
                return False
            shaped: list = []
            if not (
                isinstance(shape, (ast.Name, ast.Subscript)) and self._reads(shape, arrays, shaped)
            ):
                return False
            out += [(*read[:3], full) for read in shaped]
            return self._reads(value, arrays, out)
        return False

    def _exponent(self, node, arrays):
        """An exponent whose scalar power is NumPy's: Numba's `x ** -1` raises on a zero
        `x`, its `x ** n` of an int name may be negative."""
        if isinstance(node, ast.Constant):
            return type(node.value) is float or (type(node.value) is int and node.value >= 0)
        found: list = []
        return self._reads(node, arrays, found) and bool(found)

    def _is_alloc(self, stmt, arrays):
        return (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and self._np_call(stmt.value)
            and stmt.value.func.attr == "zeros_like"
            and len(stmt.value.args) == 1
            and isinstance(stmt.value.args[0], ast.Name)
            and self._known(stmt.value.args[0].id, arrays) is not None
        )

    def _fresh_value(self, stmt, arrays):
        """(name, reads) for `name = elementwise expression` making a new array."""
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.BinOp, ast.UnaryOp, ast.Call))
        ):
            return None
        reads: list = []
        if not self._reads(stmt.value, arrays, reads) or not reads:
            return None
        return stmt.targets[0].id, reads

    # -- blocks ---------------------------------------------------------------------------
    def block(self, stmts, arrays, owned):
        out: list = []
        run = _Run()
        for stmt in stmts:
            if not run.stmts:  # (a user line commented before a loop is not repeated in it)
                self.last_line = next(
                    (s.srcline for s in reversed(out) if getattr(s, "srcline", None)), None
                )
            if not self._extend(run, stmt, arrays, owned):
                out += self._flush(run)
                run = _Run()
                if not self._extend(run, stmt, arrays, owned):
                    out += self._flush(run)
                    run = _Run()
                    for fld in ("body", "orelse"):
                        inner = getattr(stmt, fld, None)
                        if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                            setattr(stmt, fld, self.block(inner, dict(arrays), set()))
                    out.append(stmt)
            self._learn(stmt, arrays, owned)
        return out + self._flush(run)

    def _view(self, stmt, arrays):
        """`v = a[lo:-hi]` of a known array: v's length and dtype are a's (a view)."""
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and _bounds(stmt.value) is not None
            and self._known(stmt.value.value.id, arrays) is not None
        ):
            lo, hi = _bounds(stmt.value)
            base, off = arrays[stmt.value.value.id].length
            return _Array((base, off + lo + hi), arrays[stmt.value.value.id].f64)
        return None

    def _learn(self, stmt, arrays, owned):
        """What the block knows after `stmt`: arrays' lengths, which arrays it owns (an
        array read by anything but its own accumulations may have an alias since)."""
        view = self._view(stmt, arrays)
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Subscript):
            reads = [stmt.value, stmt.target.slice]
        elif isinstance(stmt, ast.AugAssign):
            reads = [stmt.value]
        else:
            reads = [stmt]
        for node in reads:
            for n in walk(node):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                    owned.discard(n.id)
        stored = {
            n.id
            for s in statements([stmt])
            for t in _stores(s)
            for n in walk(t)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        for name in stored:
            arrays.pop(name, None)
            owned.discard(name)
        for name, known in list(arrays.items()):  # (a length read from a name assigned since)
            if known.length[0] in stored:
                arrays[name] = _Array((name, 0), known.f64)
        if view is not None:
            arrays[stmt.targets[0].id] = view
            return
        if self._is_alloc(stmt, arrays):
            name = stmt.targets[0].id
            of = arrays[stmt.value.args[0].id]
            arrays[name] = _Array(of.length, of.f64)
            owned.add(name)
            return
        value = self._fresh_value(stmt, arrays)
        if value is not None:
            name, reads_ = value
            call = stmt.value
            if not (
                isinstance(call, ast.Call) and _shape_only(call, self.np, self.unbroadcast) is False
            ):
                owned.add(name)  # (not unbroadcast's, which may hand back its argument)
            lengths = {self._length(arrays, r) for r in reads_}
            length = lengths.pop() if len(lengths) == 1 else (name, 0)
            arrays[name] = _Array(length, any(arrays[r[0]].f64 for r in reads_ if r[3]))

    def _length(self, arrays, read):
        name, lo, hi = read[:3]
        base, off = arrays[name].length
        return (base, off + lo + hi)

    # -- runs -----------------------------------------------------------------------------
    def _extend(self, run, stmt, arrays, owned):
        """Add `stmt` to `run` if it may join it (arrays and owned: before `stmt`)."""
        if self._is_alloc(stmt, arrays):
            name, of = stmt.targets[0].id, stmt.value.args[0].id
            if name in run.read or name in run.values or name in run.targets:
                return False
            if of in run.values or of in run.allocs or of in run.targets:
                return False
            run.allocs.add(name)  # (made before the loop: its length is its own)
            self._add(run, stmt, "alloc")
            return True
        value = self._fresh_value(stmt, arrays)
        if value is not None:
            name, reads = value
            if name in run.read or name in run.values or name in run.allocs:
                return False
            if any(r[0] == name for r in reads):  # (`w = w ** 2`: the loop would fill
                return False  # the new w while reading the old one, or make it a number)
            if name in run.targets:
                return False
            got = self._read_lengths(run, reads, arrays)
            if got is None or not self._f64(run, reads, arrays):
                return False
            lengths, outside = got
            if not self._joins(run, lengths):
                return False
            run.outside.update(outside)
            run.values[name] = True
            run.read |= {r[0] for r in reads}
            self._add(run, stmt, "assign")
            return True
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, (ast.Add, ast.Sub)):
            name = _target_name(stmt.target)
            bounds = (0, 0) if isinstance(stmt.target, ast.Name) else _bounds(stmt.target)
            if name is None or bounds is None or name in run.read:
                return False
            if name in run.values:
                if bounds != (0, 0):  # (an element the loop has not assigned yet)
                    return False
                length = None
            elif (name in run.allocs or name in owned) and name in arrays and arrays[name].f64:
                base, off = arrays[name].length
                length = (base, off + bounds[0] + bounds[1])
            else:
                return False
            reads: list = []
            if not self._reads(stmt.value, arrays, reads):
                return False
            if any(r[0] == name for r in reads):
                return False
            got = self._read_lengths(run, reads, arrays)
            if got is None:
                return False
            lengths, outside = got
            if not self._joins(run, lengths + ([length] if length else [])):
                return False
            run.outside.update(outside)
            run.read |= {r[0] for r in reads}
            if name not in run.values and name not in run.allocs:
                run.targets.add(name)
            self._add(run, stmt, "acc")
            return True
        return False

    def _add(self, run, stmt, kind):
        run.stmts.append(stmt)
        run.kinds.append(kind)

    def _read_lengths(self, run, reads, arrays):
        """The lengths of `reads` (None if one reads an array the run writes other than
        a value of the run read whole) and the arrays read from outside the run."""
        lengths, outside = [], {}
        for name, lo, hi, _ in reads:
            if name in run.values:
                if (lo, hi) != (0, 0):
                    return None
                continue
            if name in run.allocs or name in run.targets:
                return None
            outside[name] = arrays[name]
            lengths.append(self._length(arrays, (name, lo, hi)))
        return lengths, outside

    def _f64(self, run, reads, arrays):
        """Is a value assigned from `reads` float64 whatever the unchecked arrays hold?"""
        return any(r[3] and (r[0] in run.values or arrays[r[0]].f64) for r in reads)

    def _joins(self, run, lengths):
        """May arrays of `lengths` share the run's loop?  A length of the run's base with
        another offset may not; another base is checked at run time."""
        first = run.length
        for length in lengths:
            if first is None:
                first = length
                continue
            if length[0] == first[0] and length[1] != first[1]:
                return False
        if first is None:
            return False
        run.length = first
        for length in lengths:
            if length[0] != first[0]:
                run.others.add(length)
        return True

    # -- writing the loop ---------------------------------------------------------------
    def _flush(self, run):
        if run.elementwise() < 2:
            return run.stmts
        return self._loop(run)

    def _loop(self, run):
        np_ = self.numpy_name()
        inside = Counter(
            n.id
            for s in run.stmts
            for n in walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        )
        kept = {v for v in run.values if self.loads[v] > inside[v]}
        n = _fresh(self.taken, "n")
        i = _fresh(self.taken, "i")
        base, off = run.length
        head = _stmt(f"{n} = len({base})" + (f" - {off}" if off else ""))
        checks = [f"{n} >= 0"] if off else []
        for b, o in sorted(run.others):
            checks.append(f"len({b})" + (f" - {o}" if o else "") + f" == {n}")
        for name in sorted(run.outside):
            if not run.outside[name].f64:
                checks.append(f"{self.helper_name()}({name})")
        prelude = []
        body = []
        carried: dict = {}  # a moved allocation's comments, for the next statement
        at = []  # the loop's statement each of the run's statements is written into
        for stmt, kind in zip(run.stmts, run.kinds):
            at.append(len(body))
            if kind == "alloc":
                new, comments = _bare_copy(stmt)
                carried = {**comments, **carried}
                prelude.append(new)
                continue
            new = self._indexed(stmt, kind, run, kept, i, np_)
            ast.copy_location(new, stmt)
            for attr in ("srcline", "section"):
                if getattr(stmt, attr, None) is not None:
                    setattr(new, attr, getattr(stmt, attr))
            for attr, value in carried.items():
                if getattr(new, attr, None) is None:
                    setattr(new, attr, value)
            carried = {}
            body.append(new)
        before = getattr(self, "last_line", None)
        for st in body if before is not None else ():
            line = getattr(st, "srcline", None)
            if line == before:  # (the line the statements before the loop comment)
                del st.srcline
            elif line is not None:
                break
        for stmt, k in zip(run.stmts, at):  # (the printer comments from there on)
            if getattr(self.fdef, "comments_from", None) is stmt:
                self.fdef.comments_from = body[min(k, len(body) - 1)]
        for v in sorted(kept, key=list(run.values).index):
            prelude.append(_stmt(f"{v} = {np_}.empty({n})"))
        loop = ast.For(target=_name(i, True), iter=_expr(f"range({n})"), body=body, orelse=[])
        fused = prelude + [loop]
        first = run.stmts[0]
        head.section = "one loop over the elements (compiler/fuse.py)"
        if not checks:
            out = [head] + fused
        else:
            fallback = [_bare_copy(s)[0] for s in run.stmts]
            fallback[0].section = "other lengths or dtypes: the array statements"
            test = _expr(" and ".join(checks))
            out = [head, ast.If(test=test, body=fused, orelse=fallback)]
        for s in out:
            ast.copy_location(s, first)
        return [ast.fix_missing_locations(s) for s in out]

    def _indexed(self, stmt, kind, run, kept, i, np_):
        """`stmt` for element `i`."""
        scalars = {v for v in run.values if v not in kept}
        arrays = (set(run.values) - scalars) | set(run.outside)

        class Element(ast.NodeTransformer):
            def visit_Name(self, node):
                if isinstance(node.ctx, ast.Load) and node.id in arrays:
                    return _item(node.id, i, 0)
                return node

            def visit_Subscript(self, node):
                bounds = _bounds(node)
                if bounds is not None:
                    return _item(node.value.id, i, bounds[0])
                return self.generic_visit(node)

            def visit_BinOp(self, node):
                self.generic_visit(node)
                if isinstance(node.op, ast.Div):  # (Numba's scalar `/` raises on a zero)
                    return ast.Call(
                        func=_expr(f"{np_}.divide"), args=[node.left, node.right], keywords=[]
                    )
                return node

            def visit_Call(self, node):
                full = _shape_only(node, np_name, unbroadcast)
                if full is None:
                    return self.generic_visit(node)
                return node.args[1] if full else self.visit(node.args[0])

        np_name, unbroadcast = self.np, self.unbroadcast
        value = Element().visit(copy_tree(stmt.value))
        if kind == "assign":
            t = stmt.targets[0].id
            target = _item(t, i, 0, store=True) if t in kept else _name(t, True)
            return ast.Assign(targets=[target], value=value)
        name = _target_name(stmt.target)
        if name in scalars:
            target = _name(name, True)
        else:
            lo = 0 if isinstance(stmt.target, ast.Name) else _bounds(stmt.target)[0]
            target = _item(name, i, lo, store=True)
        return ast.AugAssign(target=target, op=stmt.op, value=value)


def _shape_only(node, np_name, unbroadcast):
    """True for `np.full_like(a, c)`, False for `unbroadcast(e, a)` (an elementwise value
    and an array read for its shape), None for any other call."""
    f = node.func
    if len(node.args) != 2:
        return None
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
        return True if f.value.id == np_name and f.attr == "full_like" else None
    return False if isinstance(f, ast.Name) and f.id in unbroadcast else None


def _bounds(node):
    """(lo, hi) of `a[lo:-hi]` (constant bounds, step 1; `a[lo:]`, `a[:-hi]`), or None."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return None
    s = node.slice
    if not isinstance(s, ast.Slice):
        return None
    if s.step is not None and not (isinstance(s.step, ast.Constant) and s.step.value == 1):
        return None
    lo = 0
    if s.lower is not None:
        if not (isinstance(s.lower, ast.Constant) and type(s.lower.value) is int):
            return None
        lo = s.lower.value
        if lo < 0:
            return None
    hi = 0
    if s.upper is not None:
        up = s.upper
        if (
            isinstance(up, ast.UnaryOp)
            and isinstance(up.op, ast.USub)
            and isinstance(up.operand, ast.Constant)
            and type(up.operand.value) is int
            and up.operand.value > 0
        ):
            hi = up.operand.value
        elif isinstance(up, ast.Constant) and type(up.value) is int and up.value < 0:
            hi = -up.value
        else:
            return None
    return lo, hi


def _target_name(target):
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Subscript) and _bounds(target) is not None:
        return target.value.id
    return None


def _stores(stmt):
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For)):
        return [stmt.target]
    if isinstance(stmt, ast.Delete):
        return stmt.targets
    return []


def _bare_copy(stmt):
    """(a copy of simple statement `stmt` without its comment tags, the tags)."""
    got = {}
    for attr in ("srcline", "section"):
        if hasattr(stmt, attr):
            got[attr] = getattr(stmt, attr)
            delattr(stmt, attr)
    try:
        return copy_tree(stmt), {k: v for k, v in got.items() if v is not None}
    finally:
        for attr, value in got.items():
            setattr(stmt, attr, value)


def _name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _item(name, i, lo, store=False):
    index = _name(i) if not lo else ast.BinOp(left=_name(i), op=ast.Add(), right=ast.Constant(lo))
    return ast.Subscript(value=_name(name), slice=index, ctx=ast.Store() if store else ast.Load())


def _expr(text):
    return ast.parse(text, mode="eval").body


def _stmt(text):
    return ast.parse(text).body[0]

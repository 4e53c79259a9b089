"""The Numba backend's rewrite: generated functions that `numba.njit` compiles.

The reverse and forward transformers write Python for the Python backend; this pass
rewrites the few constructs Numba cannot type, after the unit's functions are built and
before they are printed (so the Python backend's code is untouched):

* the tape: one `_stack = []` holding floats, ints, flags and ranges becomes a float64
  array and an int64 array with a position each, at least doubled when full;
  consecutive pushes share one capacity check, a range is pushed as start, stop, step;
* helpers that push and pop (`h_fwd`, `h_bwd`) take and return the tape: Numba passes
  arrays by reference but the positions (and a grown array) by value;
* `for i in reversed(iters)` becomes a counted loop (Numba has no `reversed`), and
  `reversed(iters[:trips])` too (nor range slicing);
* forward-mode helpers' keyword-only tangents become positional parameters with
  defaults (callers keep passing them by keyword, which Numba binds);
* every function gets a `@numba.njit` decorator, so helpers are compiled too;
* runs of elementwise statements over rank-1 arrays become one loop (compiler/fuse.py).

What it cannot rewrite (arrays saved on the tape, checkpointed loops) raises a
`BackendError` naming the construct; what Numba then cannot type is reported at compile
time (api/numba_compile.py).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..errors import BackendError
from . import fuse
from .analysis import ARRAY, INT, SCALAR
from .astutil import Transformer, walk
from .reverse.common import is_push
from .unrolling import fresh as fresh_name

FLOAT, INTEGER, BOOL, RANGE, ARRAYS = "float", "int", "bool", "range", "array"

#: what a kind of the analysis becomes on the tape
_TAPE_TYPE = {SCALAR: FLOAT, INT: INTEGER}


class TapeNames:
    """The names of the tape's parts in one unit (chosen free of every name in it)."""

    def __init__(self, stack: str, taken: set[str]):
        def fresh(base):
            return fresh_name(taken, base, sep="_")

        self.stack = stack
        self.pos = fresh(stack + "_n")
        self.ints = fresh(stack + "_int")
        self.ipos = fresh(stack + "_int_n")
        self.arrays = fresh(stack + "_arr")
        self.fresh = fresh
        #: rank -> the list saving arrays of that rank (float64, C order), which the main
        #: function makes and every helper takes (a list is passed by reference)
        self.ranked: dict[int, str] = {}

    def state(self, ints: bool) -> list[str]:
        return [self.stack, self.pos] + ([self.ints, self.ipos] if ints else [])

    def lists(self) -> list[str]:
        return [self.ranked[r] for r in sorted(self.ranked)]


def rewrite(
    functions: list[ast.FunctionDef],
    stack: str,
    taken: set[str],
    bind: Callable[[object, str], str],
    cache: bool = False,
    bindings: dict[str, object] | None = None,
    globals_: dict | None = None,
) -> list[str]:
    """`functions` (one unit's, main first) rewritten for Numba, in place; returns the
    names of the tape's parts, as helpers take them (a float64 array and its position,
    and an int64 array and its position if anything pushes integers).  `stack`: the
    unit's tape name; `taken`: every name the unit uses; `bind`: binds an object (numpy,
    numba) to a name generated code reads; `cache`: decorate with
    `@numba.njit(cache=True)` (modules on disk) rather than `@numba.njit`; `bindings`:
    the unit's bound names (runtime helpers among them, specialised here); `globals_`:
    the user's module globals, whose plain functions the code calls (with no derivative:
    `if h(x) > 1`) are bound compiled by Numba -- or, with `cache` (a module on disk,
    which imports them as they are), refused."""
    for fdef in functions:
        for node in walk(fdef):
            if isinstance(node, ast.Name):
                taken.add(node.id)
            elif isinstance(node, ast.arg):
                taken.add(node.arg)
        taken.add(fdef.name)
    names = TapeNames(stack, taken)
    helpers = {f.name: f for f in functions if _takes_stack(f, stack)}
    uses_ints = any(_pushes_ints(f, stack) for f in functions)
    import math

    import numba
    import numpy

    from ..runtime import numba_array_forms, numba_forms  # noqa: F401 - register the helpers' Numba forms
    from ..runtime.spellings import is_float64

    decorator: ast.expr = ast.Attribute(
        value=ast.Name(id=bind(numba, "numba"), ctx=ast.Load()), attr="njit", ctx=ast.Load()
    )
    if cache:
        decorator = ast.Call(
            func=decorator, args=[], keywords=[ast.keyword(arg="cache", value=ast.Constant(True))]
        )
    main_makes_tape = not _takes_stack(functions[0], stack)
    for fdef in functions:
        rank = getattr(fdef, "value_rank", lambda name: None)
        kinds = getattr(fdef, "value_kinds", {})
        for node in walk(fdef):
            if not is_push(node, stack):
                continue
            value = node.value.args[0]
            if _tape_type(value, kinds, fdef, True) != ARRAYS:
                continue
            r = rank(value.id)
            if r and main_makes_tape:
                if r not in names.ranked:
                    names.ranked[r] = names.fresh(f"{stack}_arr{r}")
            elif not main_makes_tape:
                raise _refuse(fdef, value, f"an array ({value.id}) saved between vjp's sweeps")
            elif fdef is not functions[0]:
                what = f"an array ({value.id}) of unknown rank saved on the tape"
                raise _refuse(fdef, value, what)
    arities = {name: _arity(f) for name, f in helpers.items()}
    rooms = _helper_rooms(functions[0], helpers, names, uses_ints, arities, bind)
    # helpers that only pop (backward sweeps), and those whose callers make room for
    # what they push, hand back the positions, not the arrays (they never grow them)
    popping = {name for name, f in helpers.items() if not any(is_push(n, stack) for n in walk(f))}
    popping |= set(rooms)
    for fdef in functions:
        rewriter = _Rewriter(fdef, names, uses_ints, helpers, arities, bind, popping, rooms)
        rewriter.run()
        _specialise_runtime(
            fdef,
            bindings or {},
            lambda: bind(numpy, "np"),
            lambda: bind(math, "math"),
            globals_ or {},
            bind,
        )
        _compiled_callees(fdef, functions, bindings or {}, globals_ or {}, bind, cache)
        fuse.fuse_loops(
            fdef,
            lambda: bind(numpy, "np"),
            lambda: bind(is_float64, "is_float64"),
            taken,
            _numpy_name(bindings or {}),
            bindings or {},
        )
        first = getattr(fdef, "comments_from", None)
        if first is not None:  # (the printer comments from there on)
            fdef.comments_from = rewriter.replaced.get(id(first), first)  # type: ignore[attr-defined]
        _positional_tangents(fdef)
        fdef.decorator_list = [decorator]
        ast.fix_missing_locations(fdef)
    return names.state(uses_ints)


def _numpy_name(bindings):
    """The name generated code reads numpy by (None if it reads none)."""
    import numpy

    return next((name for name, obj in bindings.items() if obj is numpy), None)


def _helper_rooms(main, helpers, names, uses_ints, arities, bind):
    """{helper: (floats, ints)} for the helpers (not `main`, whose results the API
    reads) that push at most a constant number of values, calls to such helpers
    included: their callers make room before calling (before the loop calling them,
    where its trips are known), so the helper neither checks nor grows the tape and
    returns only the positions.  In RK4's loop the tape then isn't reassigned: 19.4 ->
    16.9 us.  Recursive helpers (and those calling them) have no constant bound."""
    rooms: dict[str, tuple[int, int] | None] = {}
    visiting: set[str] = set()

    def room(name):
        if name in rooms:
            return rooms[name]
        if name in visiting or name == main.name:
            return None
        visiting.add(name)
        fdef = helpers[name]
        rewriter = _Rewriter(fdef, names, uses_ints, helpers, arities, bind, rooms=room)
        rooms[name] = rewriter._bound(fdef.body)
        visiting.discard(name)
        return rooms[name]

    for name in helpers:
        room(name)
    return {name: r for name, r in rooms.items() if r is not None}


def _takes_stack(fdef, stack):
    args = fdef.args.args
    return bool(args) and args[0].arg == stack


def _pushes_ints(fdef, stack):
    kinds = getattr(fdef, "value_kinds", {})
    for node in walk(fdef):
        if is_push(node, stack) and _tape_type(node.value.args[0], kinds, fdef, True) not in (
            FLOAT,
            ARRAYS,
        ):
            return True
    return False


def _is_pop(node, stack):
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "pop"
        and isinstance(node.value.func.value, ast.Name)
        and node.value.func.value.id == stack
        and not node.value.args
    )


def _arity(fdef):
    """How many values a helper returns (its generated code has one `return`)."""
    for node in walk(fdef):
        if isinstance(node, ast.Return):
            if node.value is None:
                return 0
            return len(node.value.elts) if isinstance(node.value, ast.Tuple) else 1
    return 0


def _tape_type(value, kinds, fdef, arrays=False):
    """float, int, bool, range or (if `arrays`: the main function's tape) array: how a
    value pushed on the tape is stored."""
    if not isinstance(value, ast.Name):
        raise _refuse(fdef, value, "a computed value saved on the tape")
    kind = kinds.get(value.id)
    if kind in (BOOL, RANGE):
        return kind
    if kind == INT:
        return BOOL if _assigned_bools(fdef, value.id) else INTEGER
    if kind == SCALAR or kind is None:
        return FLOAT
    if kind == ARRAY and arrays:
        return ARRAYS
    what = "an array" if kind == ARRAY else f"a value of kind {kind!r}"
    raise _refuse(fdef, value, f"{what} ({value.id}) saved on the tape")


def _assigned_bools(fdef, name):
    """Whether `name` is assigned a comparison, `not`, `and`/`or` or a bool constant."""
    for node in walk(fdef):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            v = node.value
            if isinstance(v, (ast.Compare, ast.BoolOp)) or (
                isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.Not)
            ):
                return True
            if isinstance(v, ast.Constant) and isinstance(v.value, bool):
                return True
    return False


def _refuse(fdef, node, what):
    return BackendError(
        f"the Numba backend cannot compile {fdef.name}: {what}",
        hint='use backend="python" (or backend="auto", which falls back to it)',
    )


def _name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _expr(text):
    return ast.parse(text, mode="eval").body


def _stmts(text):
    return ast.parse(text).body


class _Rewriter:
    """Rewrites one generated function's tape, helper calls and reversed loops."""

    def __init__(
        self, fdef, names, uses_ints, helpers, arities, bind, popping=frozenset(), rooms=None
    ):
        self.fdef = fdef
        self.n = names
        self.ints = uses_ints
        self.helpers = helpers
        self.arities = arities
        self.bind = bind
        self.kinds = getattr(fdef, "value_kinds", {})
        # arrays go on a list of their own, in the main function only: Numba types a list
        # from what is appended to it in the function making it (a list made empty and
        # handed to a helper has no type), and refuses arrays of more than one type there
        self.arrays = not _takes_stack(fdef, names.stack)
        self.rank = getattr(fdef, "value_rank", lambda name: None)
        self.state = names.state(uses_ints)
        self.popping = popping
        #: name -> (floats, ints) a call to that helper pushes at most (its caller makes
        #: room), or None; a dict or a function
        self.rooms = (rooms.get if isinstance(rooms, dict) else rooms) or (lambda name: None)
        self.positions = [names.pos] + ([names.ipos] if uses_ints else [])
        self.replaced: dict[int, ast.stmt] = {}  # id(statement) -> the first replacing it
        # pushes check the tape's capacity, unless a check before their loop (or at the
        # start of a helper) made room for all of them: the tape then isn't reassigned in
        # the loop, which Numba compiles 2-3x faster (pendulum: 35 -> 14 us)
        self.checked = True

    def run(self):
        f = self.fdef
        if _takes_stack(f, self.n.stack):
            rest = f.args.args[1:]
            f.args.args = [ast.arg(arg=a) for a in self.state + self.n.lists()] + rest
            for node in walk(f):
                if isinstance(node, ast.Return):
                    node.value = self._with_state(node.value)
            room = self._bound(f.body)
            if self.rooms(f.name) is not None:  # (its callers make room)
                self.checked = False
                f.body = self.block(f.body)
                self.checked = True
                return
            if room is not None and any(room):
                doc = f.body[:1] if _is_docstring(f.body[0]) else []
                self.checked = False
                body = self.block(f.body[len(doc) :])
                self.checked = True
                f.body = doc + self._room(room, None, f.body[len(doc)]) + body
                return
        f.body = self.block(f.body)
        self._bind_headers()

    def _bind_headers(self):
        """Numbers, flags and loop ranges assigned only inside a branch or loop get a
        typed first value at the start: Numba types a variable once and fails (inside its
        own compiler) on one unbound along some path -- where the Python code never reads
        it."""
        f = self.fdef
        top = {
            s.targets[0].id
            for s in f.body
            if isinstance(s, ast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], ast.Name)
        }
        params = {a.arg for a in walk(f.args) if isinstance(a, ast.arg)}
        inner = sorted(
            {
                n.id
                for s in f.body
                if isinstance(s, (ast.If, ast.For, ast.While))
                for n in walk(s)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            - top
            - params
        )
        zero = {RANGE: "range(0)", BOOL: "False", INT: "0", SCALAR: "0.0"}
        inits = []
        for name in inner:
            kind = self.kinds.get(name)
            if kind == INT and _assigned_bools(f, name):
                kind = BOOL
            if kind in zero:
                inits.append(f"{name} = {zero[kind]}")
        if inits:
            doc = 1 if _is_docstring(f.body[0]) else 0
            new = _stmts("\n".join(inits))
            for stmt in new:
                ast.copy_location(stmt, f.body[doc])
            if getattr(f.body[doc], "section", None):
                new[0].section, f.body[doc].section = f.body[doc].section, None
            f.body[doc:doc] = new

    def _bound(self, stmts):
        """(floats, ints) the statements push at most, or None if that is not a constant
        (a loop, a helper call)."""
        floats = ints = 0
        for stmt in stmts:
            if is_push(stmt, self.n.stack):
                kind = self.kind_of(stmt.value.args[0])
                floats += kind == FLOAT
                ints += kind in (INTEGER, BOOL) or 3 * (kind == RANGE)
            elif isinstance(stmt, ast.If):
                a, b = self._bound(stmt.body), self._bound(stmt.orelse)
                if a is None or b is None:
                    return None
                floats, ints = floats + max(a[0], b[0]), ints + max(a[1], b[1])
            elif isinstance(stmt, (ast.For, ast.While)):
                return None
            elif isinstance(stmt, (ast.Assign, ast.Expr)) and self._helper_call(stmt.value):
                callee = self.rooms(stmt.value.func.id)
                if callee is None:
                    return None
                floats, ints = floats + callee[0], ints + callee[1]
        return floats, ints

    def _room(self, room, trips, origin):
        """Capacity checks making room for `room` (floats, ints) pushes per pass, times
        `trips` (an expression) if given."""
        import numpy

        np = self.bind(numpy, "np")
        n = self.n
        lines = []
        for k, stack, pos, dtype in (
            (room[0], n.stack, n.pos, ""),
            (room[1], n.ints, n.ipos, f", {np}.int64"),
        ):
            if not k:
                continue
            need = str(k) if trips is None else f"{k} * {trips}" if k > 1 else trips
            lines += _grow(stack, pos, need, np, dtype)
        out = _stmts("\n".join(lines))
        for s in out:
            ast.copy_location(s, origin)
            for node in walk(s):
                ast.copy_location(node, origin)
        return out

    def _with_state(self, value):
        elts = [] if value is None else value.elts if isinstance(value, ast.Tuple) else [value]
        back = self.positions if self.fdef.name in self.popping else self.state
        return ast.Tuple(elts=list(elts) + [_name(s) for s in back], ctx=ast.Load())

    def kind_of(self, value):
        """How `value` (pushed or popped) is kept: float, int, bool, range, the
        ranked list's name (an array of known rank) or ARRAYS (the main function's own
        list, typed by Numba from what it appends)."""
        kind = _tape_type(value, self.kinds, self.fdef, True)
        if kind != ARRAYS:
            return kind
        r = self.rank(value.id)
        if r in self.n.ranked:
            return self.n.ranked[r]
        if self.arrays:
            return ARRAYS
        raise _refuse(self.fdef, value, f"an array ({value.id}) of unknown rank saved on the tape")

    # -- statements ----------------------------------------------------------------
    def block(self, stmts):
        out = []
        i = 0
        stack = self.n.stack
        while i < len(stmts):
            stmt = stmts[i]
            j = i + 1
            if is_push(stmt, stack):
                while j < len(stmts) and is_push(stmts[j], stack):
                    j += 1
                new = self._pushes([s.value.args[0] for s in stmts[i:j]], stmt)
            elif _is_pop(stmt, stack):
                while j < len(stmts) and _is_pop(stmts[j], stack):
                    j += 1
                new = self._pops([s.targets[0] for s in stmts[i:j]], stmt)
            else:
                new = self.stmt(stmt)
            for old in stmts[i:j]:
                self.replaced[id(old)] = new[0]
            out += new
            i = j
        return out

    def stmt(self, stmt):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == self.n.stack
            and isinstance(stmt.value, ast.List)
        ):
            return self._tape_init(stmt)
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant)
            and stmt.value.value is None
        ):
            return [self._typed_unbound(stmt)]
        if isinstance(stmt, (ast.Assign, ast.Expr)) and self._helper_call(stmt.value):
            return self._call_helper(stmt)
        if getattr(stmt, "zero_of", None) is not None:
            return [self._typed_zero(stmt)]
        if isinstance(stmt, ast.For):
            room = self._bound(stmt.body) if self.checked else None
            trips = _trips(stmt.iter)
            pre = []
            if room is not None and any(room) and trips is not None:
                pre = self._room(room, trips, stmt)
                if getattr(stmt, "section", None):
                    pre[0].section = stmt.section
                    stmt.section = None
                self.checked = False
            stmt.body = self.block(stmt.body)
            stmt.orelse = self.block(stmt.orelse)
            self.checked = self.checked or bool(pre)
            head = self._reversed_for(stmt)
            return pre + ([head] if head is not None else [stmt])
        if isinstance(stmt, ast.While):
            stmt.body = self.block(stmt.body)
            stmt.orelse = self.block(stmt.orelse)
        elif isinstance(stmt, ast.If):
            stmt.body = self.block(stmt.body)
            stmt.orelse = self.block(stmt.orelse)
        self._check_no_tape(stmt)
        return [stmt]

    def _check_no_tape(self, stmt):
        if isinstance(stmt, (ast.For, ast.While, ast.If, ast.Return)):
            return  # (their bodies are rewritten already; returns hand the tape back)
        for node in walk(stmt):
            if isinstance(node, ast.Name) and node.id == self.n.stack:
                raise _refuse(self.fdef, stmt, f"the tape used as in `{ast.unparse(stmt)}`")

    def _typed_unbound(self, stmt):
        """`v = None` (a variable that may be unbound where its old value is saved: that
        value is never read) becomes a zero of v's type, since Numba types v once."""
        name = stmt.targets[0].id
        kind = self.kinds.get(name)
        if kind == INT and _assigned_bools(self.fdef, name):
            kind = BOOL
        zero = {SCALAR: "0.0", INT: "0", BOOL: "False", RANGE: "range(0)"}.get(kind)
        if zero is None:
            return stmt
        new = ast.copy_location(_stmts(f"{name} = {zero}")[0], stmt)
        if getattr(stmt, "section", None):
            new.section = stmt.section
        return new

    def _typed_zero(self, stmt):
        """`dw = 0.0`, the adjoint of an array parameter made explicit where branches
        join or loops repeat, becomes `dw = np.zeros(w.shape)`: Numba types dw once, as
        the array it becomes.  Only for a parameter the function never assigns: its
        shape is fixed, and every contribution to its adjoint has the shape it
        broadcasts to, so the zeros change no value and no shape."""
        var = stmt.zero_of
        params = {a.arg for a in self.fdef.args.args}
        stored = any(
            isinstance(n, ast.Name) and n.id == var and isinstance(n.ctx, ast.Store)
            for n in walk(self.fdef)
        )
        if self.kinds.get(var) != ARRAY or var not in params or stored:
            return stmt
        import numpy

        np = self.bind(numpy, "np")
        new = ast.copy_location(_stmts(f"{stmt.targets[0].id} = {np}.zeros({var}.shape)")[0], stmt)
        for attr in ("srcline", "section"):
            if getattr(stmt, attr, None) is not None:
                setattr(new, attr, getattr(stmt, attr))
        return new

    def _tape_init(self, stmt):
        import numpy

        np = self.bind(numpy, "np")
        n = self.n
        lines = f"{n.stack} = {np}.empty(64)\n{n.pos} = 0\n"
        if self.ints:
            lines += f"{n.ints} = {np}.empty(16, {np}.int64)\n{n.ipos} = 0\n"
        if any(
            is_push(node, n.stack) and self.kind_of(node.value.args[0]) == ARRAYS
            for node in walk(self.fdef)
        ):
            lines += f"{n.arrays} = []\n"
        for r in sorted(n.ranked):
            lines += f"{n.ranked[r]} = {_empty_list(r, np)}\n"
        out = _stmts(lines)
        for s in out:
            ast.copy_location(s, stmt)
        if getattr(stmt, "section", None):
            out[0].section = stmt.section
        return out

    def _pushes(self, values, origin):
        """Consecutive pushes: one capacity check (the array at least doubles when full),
        then the items."""
        import numpy

        np = self.bind(numpy, "np")
        parts: dict[str, list[str]] = {FLOAT: [], INTEGER: []}
        lines = []
        n = self.n
        for v in values:
            kind = self.kind_of(v)
            if kind == ARRAYS:
                lines.append(f"{n.arrays}.append({v.id})")
            elif kind in n.ranked.values():  # (a copy only where not C-contiguous)
                lines.append(f"{kind}.append({np}.ascontiguousarray({v.id}))")
            elif kind == FLOAT:
                parts[FLOAT].append(v.id)
            elif kind == RANGE:
                parts[INTEGER] += [f"{v.id}.start", f"{v.id}.stop", f"{v.id}.step"]
            else:
                parts[INTEGER].append(v.id)
        for kind, stack, pos, dtype in (
            (FLOAT, n.stack, n.pos, ""),
            (INTEGER, n.ints, n.ipos, f", {np}.int64"),
        ):
            items = parts[kind]
            if not items:
                continue
            k = len(items)
            if self.checked:
                lines += _grow(stack, pos, str(k), np, dtype)
            for j, item in enumerate(items):
                lines.append(f"{stack}[{_offset(pos, j)}] = {item}")
            lines.append(f"{pos} += {k}")
        out = _stmts("\n".join(lines))
        self._locate(out, origin)
        return out

    def _pops(self, targets, origin):
        """Consecutive pops: each position moves once, then the items are read (the
        first pop reads the top)."""
        kinds = []
        for t in targets:
            if not isinstance(t, ast.Name):
                what = f"an array element restored from the tape ({ast.unparse(t)})"
                raise _refuse(self.fdef, t, what)
            kinds.append(self.kind_of(t))
        n = self.n
        floats = sum(k == FLOAT for k in kinds)
        ints = sum(3 if k == RANGE else 1 for k in kinds if k in (INTEGER, BOOL, RANGE))
        lines = []
        if floats:
            lines.append(f"{n.pos} -= {floats}")
        if ints:
            lines.append(f"{n.ipos} -= {ints}")
        for t, kind in zip(targets, kinds):
            if kind == ARRAYS or kind in n.ranked.values():
                lines.append(f"{t.id} = {n.arrays if kind == ARRAYS else kind}.pop()")
                continue
            if kind == FLOAT:
                floats -= 1
                lines.append(f"{t.id} = {n.stack}[{_offset(n.pos, floats)}]")
                continue
            if kind == RANGE:
                ints -= 3
                a, b, c = (f"{n.ints}[{_offset(n.ipos, ints + j)}]" for j in range(3))
                lines.append(f"{t.id} = range({a}, {b}, {c})")
                continue
            ints -= 1
            item = f"{n.ints}[{_offset(n.ipos, ints)}]"
            lines.append(f"{t.id} = {item} != 0" if kind == BOOL else f"{t.id} = {item}")
        out = _stmts("\n".join(lines))
        self._locate(out, origin)
        return out

    def _locate(self, stmts, origin):
        for s in stmts:
            ast.copy_location(s, origin)
            for node in walk(s):
                ast.copy_location(node, origin)
        if getattr(origin, "srcline", None) is not None:
            stmts[0].srcline = origin.srcline

    # -- helper calls ----------------------------------------------------------------
    def _helper_call(self, value):
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in self.helpers
            and bool(value.args)
            and (
                (isinstance(value.args[0], ast.Name) and value.args[0].id == self.n.stack)
                or (isinstance(value.args[0], ast.List) and not value.args[0].elts)
            )
        )

    def _call_helper(self, stmt):
        """The call handing the helper the tape and taking back what it returns of it;
        after a capacity check for what it pushes where the helper leaves that to its
        callers and nothing before made room."""
        call = stmt.value
        back = self.positions if call.func.id in self.popping else self.state
        room = self.rooms(call.func.id) or (0, 0)
        pre = []
        if isinstance(call.args[0], ast.List):  # (a tape of its own, thrown away: a value
            # whose derivative nothing needs; room for all the helper pushes)
            import numpy

            np = self.bind(numpy, "np")
            fresh = [f"{np}.empty({max(64, room[0])})", "0"]
            if self.ints:
                fresh += [f"{np}.empty({max(16, room[1])}, {np}.int64)", "0"]
            fresh += [_empty_list(r, np) for r in sorted(self.n.ranked)]
            call.args = [_expr(e) for e in fresh] + call.args[1:]
            state = [_name(self.n.fresh("unused"), True) for _ in back]
        else:
            call.args = [_name(s) for s in self.state + self.n.lists()] + call.args[1:]
            state = [_name(s, True) for s in back]
            if self.checked and any(room):
                pre = self._room(room, None, stmt)
        arity = self.arities[call.func.id]
        if isinstance(stmt, ast.Expr):  # (called for what it pushes)
            targets = [_name(self.n.fresh("unused"), True) for _ in range(arity)]
        else:
            target = stmt.targets[0]
            if isinstance(target, ast.Tuple) and len(target.elts) == arity:
                targets = list(target.elts)
            elif arity == 1:
                targets = [target]
            else:
                raise _refuse(
                    self.fdef, stmt, f"a helper's results used as in `{ast.unparse(stmt)}`"
                )
        new = ast.Assign(targets=[ast.Tuple(elts=targets + state, ctx=ast.Store())], value=call)
        ast.copy_location(new, stmt)
        for attr in ("srcline", "section"):
            if getattr(stmt, attr, None) is not None:
                setattr((pre or [new])[0], attr, getattr(stmt, attr))
        return pre + [new]

    # -- loops -----------------------------------------------------------------------
    def _reversed_for(self, stmt):
        it = stmt.iter
        if not (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "reversed"
            and len(it.args) == 1
        ):
            return None
        seq = it.args[0]
        if isinstance(seq, ast.Name):
            iters, count = seq.id, f"len({seq.id})"
        elif (
            isinstance(seq, ast.Subscript)
            and isinstance(seq.value, ast.Name)
            and isinstance(seq.slice, ast.Slice)
            and seq.slice.lower is None
            and seq.slice.step is None
            and seq.slice.upper is not None
        ):
            iters, count = seq.value.id, ast.unparse(seq.slice.upper)
        else:
            raise _refuse(self.fdef, stmt, f"a loop over `{ast.unparse(it)}`")
        target = stmt.target
        used = isinstance(target, ast.Name) and any(
            isinstance(n, ast.Name) and n.id == target.id and isinstance(n.ctx, ast.Load)
            for n in walk(self.fdef)
        )
        if not isinstance(target, ast.Name):
            raise _refuse(self.fdef, stmt, f"a loop target `{ast.unparse(target)}`")
        counter = self.n.fresh("k") if used else target.id
        head = ast.For(
            target=_name(counter, True),
            iter=_expr(f"range({count} - 1, -1, -1)"),
            body=stmt.body,
            orelse=stmt.orelse,
        )
        if used:
            head.body = [
                ast.copy_location(
                    _stmts(f"{target.id} = {iters}.start + {counter} * {iters}.step")[0], stmt
                )
            ] + head.body
        ast.copy_location(head, stmt)
        for attr in ("srcline", "section"):
            if getattr(stmt, attr, None) is not None:
                setattr(head, attr, getattr(stmt, attr))
        return head


def _empty_list(rank, np):
    """An empty list of float64 arrays of `rank` (typed by the item it is sliced from)."""
    zeros = "(0,)" if rank == 1 else "(" + ", ".join(["0"] * rank) + ")"
    return f"[{np}.empty({zeros})][:0]"


def _grow(stack, pos, need, np, dtype):
    """Lines making room for `need` more items: a full tape at least doubles."""
    more = f"{np}.empty({stack}.size + {need}{dtype})"
    return [
        f"if {pos} + {need} > {stack}.size:",
        f"    {stack} = {np}.concatenate(({stack}, {more}))",
    ]


def _is_docstring(stmt):
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _trips(it):
    """How many passes a `for` over `it` makes, as an expression (a saved range or a
    `range(...)` call), or None."""
    if isinstance(it, ast.Name):
        return f"len({it.id})"
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range":
        return f"len({ast.unparse(it)})"
    return None


def _offset(pos, k):
    return f"{pos} + {k}" if k else pos


def _positional_tangents(fdef):
    """Keyword-only parameters (forward-mode helpers' tangents, a user's `*, k=2`) become
    positional ones with their defaults: Numba binds keywords to positional parameters
    but has no keyword-only ones."""
    args = fdef.args
    if not args.kwonlyargs:
        return
    if args.vararg is not None or args.kwarg is not None:
        raise _refuse(fdef, fdef, "a function with *args or **kwargs")
    plain = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(plain) - len(args.defaults)) + list(args.defaults)
    defaults += list(args.kw_defaults)
    first = next((i for i, d in enumerate(defaults) if d is not None), len(defaults))
    if any(d is None for d in defaults[first:]):
        raise _refuse(fdef, fdef, "a keyword-only parameter without a default after defaults")
    args.args = plain + list(args.kwonlyargs)
    args.posonlyargs = []
    args.defaults = defaults[first:]
    args.kwonlyargs, args.kw_defaults = [], []


def _specialise_runtime(fdef, bindings, np_name, math_name, globals_=None, bind=None):
    """Runtime helpers that look at their arguments' types, specialised to the kinds the
    code was generated for: `scalar_like(g, x)` of a float `x` is `float(g)`,
    `pow_dbase` and `pow_dexp` of numbers their scalar branch,
    `like(g, x)` and `broadcast_like(t, x)` of a number are `g` and `t`, an item of a
    range `r[i]` is `r.start + i * r.step`,
    `zeros_like(x)` of an array `np.zeros_like(x)`, `expand_reduced(g, a)` of a whole
    array's reduction `np.full(a.shape, g)`; `del` (freeing dead arrays) is left to
    Numba."""
    import math

    from ..runtime import arrays, core

    which = {n: obj for n, obj in bindings.items() if callable(obj)}
    kinds = getattr(fdef, "value_kinds", {})

    def array(node):
        return isinstance(node, ast.Name) and kinds.get(node.id) == ARRAY

    def scalar(node):
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        return isinstance(node, ast.Name) and kinds.get(node.id) in (SCALAR, INT)

    ranges = {
        n.targets[0].id
        for n in walk(fdef)
        if isinstance(n, ast.Assign)
        and len(n.targets) == 1
        and isinstance(n.targets[0], ast.Name)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Name)
        and n.value.func.id == "range"
    }

    class Specialise(Transformer):
        def visit_Delete(self, node):
            return None

        def visit_Subscript(self, node):
            self.generic_visit(node)
            r, i = node.value, node.slice
            if (
                isinstance(node.ctx, ast.Load)
                and isinstance(r, ast.Name)
                and r.id in ranges
                and not isinstance(i, (ast.Slice, ast.Tuple))
            ):  # (an item of a saved range: Numba has len(r), r.start, r.step only)
                new = _expr(f"{r.id}.start + ({ast.unparse(i)}) * {r.id}.step")
                return ast.copy_location(new, node)
            return node

        def visit_Call(self, node):
            self.generic_visit(node)
            math_call = _math_function(node.func, {**(globals_ or {}), **bindings})
            if math_call is math.log and len(node.args) == 2 and not node.keywords:
                # (CPython's math.log(x, b) is log(x) / log(b); Numba has one argument)
                m = math_name()
                x, b = (ast.unparse(a) for a in node.args)
                return ast.copy_location(_expr(f"({m}.log({x}) / {m}.log({b}))"), node)
            cbrt = getattr(math, "cbrt", None)  # (Python 3.11 on; None before, as is
            # math_call for anything not from math)
            if cbrt is not None and math_call is cbrt and len(node.args) == 1:
                new = _expr(f"{np_name()}.cbrt(0.0)")  # (Numba has no math.cbrt)
                new.args = node.args
                return ast.copy_location(new, node)
            reduced = _axis_reduction(node, {**(globals_ or {}), **bindings}, bind)
            if reduced is not None:
                return ast.copy_location(reduced, node)
            if not isinstance(node.func, ast.Name) or node.keywords:
                return node
            obj, args = which.get(node.func.id), node.args
            new = None
            if obj in (core.broadcast_like, core.like) and len(args) == 2 and scalar(args[1]):
                return args[0]  # (a number's tangent or adjoint is a number)
            if obj is core.pow_dexp and len(args) == 2 and all(map(scalar, args)):
                out, x = (ast.unparse(a) for a in args)  # (names and constants)
                m = math_name()
                new = _expr(f"{out} * {m}.log({x}) if {x} > 0 else (0.0 if {x} == 0 else {m}.nan)")
            elif obj is core.pow_dbase and len(args) == 2 and all(map(scalar, args)):
                x, y = (ast.unparse(a) for a in args)
                new = _expr(f"{y} * {x} ** ({y} - 1) if {y} else 0.0 * {x}")
            elif obj is core.scalar_like:
                new = ast.Call(func=_name("float"), args=args[:1], keywords=[])
            elif obj is core.zeros_like and len(args) == 1 and array(args[0]):
                new = _expr(f"{np_name()}.zeros_like({args[0].id})")
            elif (
                obj is arrays.expand_reduced
                and len(args) == 4
                and array(args[1])
                and all(isinstance(a, ast.Constant) for a in args[2:])
                and args[2].value is None
            ):
                new = _expr(f"{np_name()}.full({args[1].id}.shape, 0.0)")
                new.args[1] = args[0]
            return node if new is None else ast.copy_location(new, node)

    Specialise().visit(fdef)


def _axis_reduction(node, lookup, bind):
    """`np.mean(a, axis=k)` (or np.max, np.min, np.prod; one axis, no other option) as
    `reduce_axis(np.mean, a, k)`, whose Numba form loops over the axis: Numba's
    np.mean, np.max, np.min and np.prod take no axis; `np.sum(e, axis=k,
    keepdims=False)` (a jvp template's spelling) without its default options, since
    Numba's takes no keepdims; `np.matmul(a, b)` as `a @ b` (Numba has the operator
    only).  None for any other call."""
    import numpy

    from ..runtime import spellings

    f = node.func
    if bind is None or not (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)):
        return None
    if lookup.get(f.value.id) is not numpy:
        return None
    if f.attr == "sum" and len(node.args) == 1 and node.keywords:
        kept = [k for k in node.keywords if not _default_option(k)]
        if len(kept) == len(node.keywords):
            return None
        return ast.Call(func=f, args=node.args, keywords=kept)  # (Numba's has no keepdims)
    if f.attr == "matmul" and len(node.args) == 2 and not node.keywords:
        return ast.BinOp(left=node.args[0], op=ast.MatMult(), right=node.args[1])
    if f.attr not in ("mean", "max", "min", "prod"):
        return None
    if len(node.args) == 2 and not node.keywords:
        axis = node.args[1]
    elif len(node.args) == 1 and [k.arg for k in node.keywords] == ["axis"]:
        axis = node.keywords[0].value
    else:
        return None
    if isinstance(axis, ast.Constant) and axis.value is None:
        return None  # (the whole array: Numba's own)
    helper = _name(bind(spellings.reduce_axis, "reduce_axis"))
    return ast.Call(func=helper, args=[f, node.args[0], axis], keywords=[])


def _default_option(keyword):
    """`axis=None` or `keepdims=False`: a reduction's option that changes nothing."""
    value = keyword.value
    default = {"axis": None, "keepdims": False}.get(keyword.arg, ...)
    return isinstance(value, ast.Constant) and value.value is default


def _math_function(func, bindings):
    """The function of the `math` module a call's `func` (`math.log`, `m.log`, `log`)
    denotes in generated code, if it is one."""
    import math

    if isinstance(func, ast.Name):
        obj = bindings.get(func.id)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        module = bindings.get(func.value.id)
        obj = getattr(math, func.attr, None) if module is math else None
    else:
        return None
    return obj if obj in (math.log, getattr(math, "cbrt", None)) else None


#: user function -> its numba.njit dispatcher (one per function and process, so that
#: Numba compiles each once)
_COMPILED: dict = {}


def _compiled_callees(fdef, functions, bindings, globals_, bind, cache):
    """Plain Python functions of the user's module that generated code calls (with no
    derivative to take: `if h(x) > 1:`) are called compiled: Numba calls only compiled
    functions."""
    import types

    own = {f.name for f in functions}
    local = {n.id for n in walk(fdef) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    local |= {a.arg for a in walk(fdef.args) if isinstance(a, ast.arg)}

    class Compiled(Transformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            f = node.func
            if not isinstance(f, ast.Name) or f.id in own or f.id in local or f.id in bindings:
                return node
            obj = globals_.get(f.id)
            if not isinstance(obj, types.FunctionType):
                return node
            if cache:
                raise BackendError(
                    f"the Numba backend's module would call {f.id}, a Python function, "
                    f"from compiled code ({fdef.name})",
                    hint=f"decorate {f.id} with @numba.njit in its module, or build this "
                    "target with the Python backend",
                )
            import numba

            if obj not in _COMPILED:
                _COMPILED[obj] = numba.njit(obj)
            node.func = ast.copy_location(_name(bind(_COMPILED[obj], f.id)), f)
            return node

    Compiled().visit(fdef)

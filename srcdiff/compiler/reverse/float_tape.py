"""A typed tape for the floats the main function pushes: `array('d')`, 8 bytes a value,
where a list holds each float as a slot and an object (32 bytes).

After the main function's code is final, its pushes of names proven to hold Python
floats move from `_stack` to `_floats`, and the pops into those names with them
(`route_floats`). Each push and its pop name the same variable, so the two stacks stay
last-in-first-out each; helpers keep `_stack`. The proof (`float_names`) is read off the
final statements: a name is a float when every assignment to it gives a float once the
floats it reads are floats (a greatest fixpoint), where a float comes from a float
constant, a `math` function, `float()`, or `+ - * / % //` and `**` by an integer constant
of floats and integer constants. A scalar parameter is taken to be a float, and the
tape is made by `float_stack(params...)`, which checks that at run time: an `array('d')`
only when each is a Python float, else a list, so an int, a complex or a NumPy scalar
argument keeps the list and its exact values and types. Global names are not assumed
(the check would read them before the code does).

Where one `for` loop over a range does all the pushing (`sized_at`), the tape is made
just before it with `size=K * len(iters)`: `float_stack` gives a list below 2**15 floats
(a list's push and pop are ~4x cheaper; 32 bytes a float matter only for long loops).

Generated code differentiated again (Hessians) is normalized with `_floats = []`
(normalize.py): a list the forward transformer knows as a stack, with the same values.
"""

from __future__ import annotations

import ast
import math

from ..astutil import statements, walk

#: math functions whose result is always a Python float
_FLOAT_MATH = frozenset(
    getattr(math, name)
    for name in (
        "acos acosh asin asinh atan atan2 atanh cbrt copysign cos cosh degrees erf erfc "
        "exp exp2 expm1 fabs fmod fsum gamma hypot ldexp lgamma log log10 log1p log2 pow "
        "radians remainder sin sinh sqrt tan tanh"
    ).split()
    if hasattr(math, name)
)
_ARITH = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.FloorDiv)


class _Floats:
    """Which names of one function provably hold Python floats."""

    def __init__(self, resolve, stack):
        self.resolve = resolve  # a call's function node -> the object it denotes, or None
        self.stack = stack
        self.values: dict[str, list[ast.expr]] = {}  # name -> the values assigned to it
        self.floats: set[str] = set()
        self.params: set[str] = set()

    def never(self, name, values):
        """Whether `name`, given `values`, is no float whatever the other names hold."""
        return not all(self.is_float(v, _EVERY_NAME, name) for v in values)

    def prove(self, nodes, params, unassumed=(), wanted=None):
        """Find `floats`. `nodes`: every node of the function's body (astutil.walk's
        list); `wanted`: the names whose answer is asked (`floats` then holds those of
        them that are floats, and the names their proof reads that are), else all."""
        simple, stored = set(), []
        assign, name, load, arg = ast.Assign, ast.Name, ast.Load, ast.arg
        for node in nodes:  # (by class: every node of the function)
            kind = node.__class__
            if kind is name:
                if node.ctx.__class__ is not load:
                    stored.append(node)
            elif kind is assign and len(node.targets) == 1:
                target = node.targets[0]
                if target.__class__ is name:
                    self.values.setdefault(target.id, []).append(node.value)
                    simple.add(id(target))
            elif kind is arg:
                stored.append(ast.Name(id=node.arg))  # (a lambda's parameter)
        # any other binding (a loop target, unpacking, `:=`, `del`) proves nothing
        other = {n.id for n in stored if id(n) not in simple}
        self.params = set(params)
        # a parameter not assumed to be a float enters holding anything
        other |= set(unassumed)
        self.floats = self._fixpoint((set(self.values) | self.params) - other, wanted)
        return self

    def _fixpoint(self, candidates, wanted=None):
        """The greatest subset of `candidates` whose every value is a float given it, as
        far as `wanted` (or all) needs: the candidates its proof reads, transitively
        (whether a value is a float asks only about the names it reads).  A name is
        checked again only when a name its values mention left the set (`is_float` is
        monotone in the set, so the order of removals does not change the result): rounds
        over every name took a round per link of a chain of non-floats.  A name with a
        value that is no float even if every name were one (`a1 = None`, a loop's
        `iters1 = range(3)`) leaves at once, and what it reads is not looked at: the
        loop body shape's pushes are all such names, whose proof read every name."""
        floats: set[str] = set()
        readers: dict[str, set[str]] = {}  # name -> the candidates whose values mention it
        todo = sorted(candidates if wanted is None else set(wanted) & candidates)
        looked = set(todo)
        while todo:
            name = todo.pop()
            values = self.values.get(name, ())
            if self.never(name, values):
                continue
            floats.add(name)
            for value in values:
                for node in walk(value):
                    if node.__class__ is ast.Name:
                        read = node.id
                        readers.setdefault(read, set()).add(name)
                        if read in candidates and read not in looked:
                            looked.add(read)
                            todo.append(read)
        todo = sorted(floats, reverse=True)
        while todo:
            name = todo.pop()
            if name not in floats:
                continue
            if not all(self.is_float(v, floats, name) for v in self.values.get(name, ())):
                floats.discard(name)
                todo += sorted(readers.get(name, set()) & floats, reverse=True)
        return floats

    def is_float(self, node, floats, target=None, reads=None):
        """Whether `node` gives a Python float when the names in `floats` hold floats;
        `reads` collects the names that answer depends on."""
        if isinstance(node, ast.Constant):
            return type(node.value) is float
        if isinstance(node, ast.Name):
            if reads is not None:
                reads.add(node.id)
            return node.id in floats
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self.is_float(node.operand, floats, reads=reads)
        if isinstance(node, ast.BinOp):
            return self._binop(node, floats, reads)
        if isinstance(node, ast.IfExp):
            return self.is_float(node.body, floats, reads=reads) and self.is_float(
                node.orelse, floats, reads=reads
            )
        if isinstance(node, ast.Call) and not node.keywords:
            func = self.resolve(node.func)
            if func in _FLOAT_MATH or (func is float and len(node.args) == 1):
                return all(not isinstance(a, ast.Starred) for a in node.args)
            if func is abs and len(node.args) == 1:
                return self.is_float(node.args[0], floats, reads=reads)
            if self._is_pop(node, target):
                return True  # a value pushed of the same name: a float by induction
        return False

    def _binop(self, node, floats, reads):
        left = self.is_float(node.left, floats, reads=reads)
        if isinstance(node.op, ast.Pow):  # float ** int is a float; float ** float may not be
            exp = node.right
            return left and isinstance(exp, ast.Constant) and _integral(exp.value)
        if not isinstance(node.op, _ARITH):
            return False
        right = self.is_float(node.right, floats, reads=reads)
        return (left and (right or _int_constant(node.right))) or (
            right and _int_constant(node.left)
        )

    def _is_pop(self, call, target):
        func = call.func
        return (
            target is not None
            and not call.args
            and isinstance(func, ast.Attribute)
            and func.attr == "pop"
            and isinstance(func.value, ast.Name)
            and func.value.id == self.stack
        )

    def depends_on(self, names):
        """The names the proof that each of `names` is a float reads, transitively."""
        seen, todo = set(), list(names)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for value in self.values.get(name, ()):
                reads: set[str] = set()
                self.is_float(value, self.floats, name, reads)
                todo += sorted(reads - seen)
        return seen


class _EveryName:
    """The set of all names (for `is_float`, which only asks `name in floats`)."""

    def __contains__(self, name):
        return True


_EVERY_NAME = _EveryName()


def _int_constant(node):
    return isinstance(node, ast.Constant) and type(node.value) in (int, bool)


def _integral(value):
    return type(value) in (int, bool) or (type(value) is float and value.is_integer())


def _push_name(stmt, stack):
    """`n` of `stack.append(n)`, else None."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == stack
            and len(call.args) == 1
            and isinstance(call.args[0], ast.Name)
            and not call.keywords
        ):
            return call.args[0].id
    return None


def _pop_name(stmt, stack):
    """`n` of `n = stack.pop()`, or of such a pop whose value dead-code elimination
    dropped (`stack.pop()`, knowing `n`: it must move with n's push), else None."""
    dropped = getattr(stmt, "srcdiff_dropped", None)
    if dropped is not None and isinstance(stmt, ast.Expr):
        call = stmt.value
        if (
            isinstance(call, ast.Call)
            and not call.args
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "pop"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == stack
        ):
            return dropped
        return None
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Call)
        and not stmt.value.args
        and isinstance(stmt.value.func, ast.Attribute)
        and stmt.value.func.attr == "pop"
        and isinstance(stmt.value.func.value, ast.Name)
        and stmt.value.func.value.id == stack
    ):
        return stmt.targets[0].id
    return None


def route_floats(body, stack, floats_name, params, resolve, unassumed=()):
    """Move the pushes and pops of proven floats in `body` (the main function's final
    statements) from `stack` to `floats_name`; `params` are assumed to be floats, the
    function's other parameters (`unassumed`) not. Returns the parameters the proof
    assumed (for `float_stack`), or None when no push moved."""
    stmts = statements(body)  # (pushes and pops)
    pushed = {name for node in stmts if (name := _push_name(node, stack)) is not None}
    proof = _Floats(resolve, stack)
    if not pushed or _never_floats(stmts, pushed, proof):
        return None
    proof.prove(walk(ast.Module(body=body, type_ignores=[])), params, unassumed, pushed)
    moved = pushed & proof.floats
    if not moved:
        return None
    for node in stmts:
        if _push_name(node, stack) in moved or _pop_name(node, stack) in moved:
            _stack_ref(node).id = floats_name
    needed = proof.depends_on(moved)
    return [p for p in params if p in needed]


def _never_floats(stmts, pushed, proof):
    """Whether each of the `pushed` names has a value that is no float whatever the
    names it reads hold (`a1 = None` before a loop): then no push moves, and the proof
    needs no walk of every node (the values are those of assignment statements)."""
    values: dict[str, list[ast.expr]] = {}
    for stmt in stmts:
        if stmt.__class__ is ast.Assign and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if target.__class__ is ast.Name and target.id in pushed:
                values.setdefault(target.id, []).append(stmt.value)
    return all(proof.never(name, values.get(name, ())) for name in pushed)


def _stack_ref(stmt):
    call = stmt.value
    return call.func.value


def sized_at(body, floats_name, guard, resolve):
    """Where the tape can be made knowing how many floats it will hold, and that count:
    `(i, size)` when every push onto `floats_name` is in one top-level `for` loop,
    `body[i]`, over `iters = range(...)` (also top-level), outside any loop nested in
    it, and nothing before it assigns a parameter `guard` names (`float_stack` checks
    them where it is called). `size` is `K * len(iters)`, K the pushes in the loop's
    body: an upper bound, exact when none is in a branch. Else None."""
    pushing = [
        i
        for i, stmt in enumerate(body)
        if any(_push_name(n, floats_name) is not None for n in walk(stmt))
    ]
    if len(pushing) != 1 or not isinstance(body[pushing[0]], ast.For):
        return None
    at = pushing[0]
    loop = body[at]
    if not isinstance(loop.iter, ast.Name) or loop.orelse:
        return None
    iters = loop.iter.id
    made = [
        s
        for s in body[:at]
        if isinstance(s, ast.Assign)
        and len(s.targets) == 1
        and isinstance(s.targets[0], ast.Name)
        and s.targets[0].id == iters
    ]
    binds = [
        n
        for s in body[:at]
        for n in walk(s)
        if isinstance(n, ast.Name) and n.id == iters and not isinstance(n.ctx, ast.Load)
    ]
    if len(made) != 1 or len(binds) != 1 or not _is_range(made[0].value, resolve):
        return None  # (bound once, at the top level, to a range)
    pushes = 0
    for stmt in loop.body:
        for node in walk(stmt):
            if isinstance(node, (ast.For, ast.While)) and any(
                _push_name(n, floats_name) is not None for n in walk(node)
            ):
                return None  # (a nested loop's pushes: no count known here)
            if _push_name(node, floats_name) is not None:
                pushes += 1
    stored = {
        n.id
        for s in body[:at]
        for n in walk(s)
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }
    if stored & set(guard) or iters in {
        n.id for n in walk(loop) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }:
        return None
    count = ast.Call(
        func=ast.Name(id="len", ctx=ast.Load()),
        args=[ast.Name(id=iters, ctx=ast.Load())],
        keywords=[],
    )
    if pushes != 1:
        count = ast.BinOp(left=ast.Constant(pushes), op=ast.Mult(), right=count)
    return at, count


def _is_range(node, resolve):
    return (
        isinstance(node, ast.Call)
        and not node.keywords
        and 1 <= len(node.args) <= 3
        and not any(isinstance(a, ast.Starred) for a in node.args)
        and resolve(node.func) is range
    )

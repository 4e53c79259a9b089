"""Symbolic mode, stage 1: a function's normalized core -> SymPy expressions.

The normalized tree (normalize.py: single assignments, `if`/`else`, `for` over `range`,
break flags, one final `return`) is *run* with SymPy values: every parameter is a real
symbol, every assignment binds a name to an expression.  What is known when the code is
generated is computed with Python itself -- constants, module-level numbers, loop
indices, `range(3)`, flags -- so loops unroll and branches on known values are taken.
A branch on a value that depends on the parameters runs both ways and joins the
variables with `sympy.Piecewise`.  Helpers with source are run the same way (inlined).

Anything else -- arrays and NumPy, `while`, a `range` whose length depends on an
argument, a call without an entry in functions.py -- raises `NotSymbolicError` at the
construct, pointing to the modes that handle it.  Module-level values read here are
recorded in `Translation.reads`, so a derivative made from them is made again when one
changes.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import numbers
import operator
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ...errors import NotSymbolicError, SrcDiffError
from ..normalize import normalized
from ..source import MISSING, FunctionSource
from .functions import builder

MAX_TRIPS = 64  # passes of one loop that are unrolled
MAX_PASSES = 256  # loop passes unrolled in all, nested loops and helpers included
MAX_DEPTH = 24  # helper calls in progress (recursion is unrolled like loops)
MAX_OPS = 5000  # operations in a result expression
MAX_DENOMINATOR = 10**6  # floats that are fractions p/q with q up to this are exact

HINT = "use mode='reverse' (or 'forward'), which differentiate this"


@dataclass
class Translation:
    """What running `func` symbolically gave."""

    symbols: dict[str, Any]  # parameter -> its sympy Symbol
    outputs: list[Any]  # the returned expression(s)
    is_tuple: bool  # whether the function returns a tuple
    # (read the current value, the value used): module globals and closure cells
    reads: list[tuple[Callable[[], object], object]] = field(default_factory=list)
    functions: list[types.FunctionType] = field(default_factory=list)  # main + helpers
    # (function, its __code__ when this ran): code replaced since makes this stale
    codes: tuple[tuple[types.FunctionType, types.CodeType], ...] = ()


class _Undefined:
    """A name bound on one side of a branch only: an error if read afterwards."""


UNDEFINED = _Undefined()


class _Break(Exception):
    pass


def translate(func: types.FunctionType) -> Translation:
    """Run `func`'s core form with its parameters as real symbols (see module doc)."""
    import sympy as sp

    source = FunctionSource(func)
    params = _parameters(source.tree)
    symbols = {p: sp.Symbol(p, real=True) for p in params}
    run = _Run(sp)
    result = run.call(func, source, dict(symbols))
    is_tuple = isinstance(result, tuple)
    outputs = list(result) if is_tuple else [result]
    for i, value in enumerate(outputs):
        outputs[i] = run.scalar(value, source.tree, source, "the returned value")
        if sp.count_ops(outputs[i]) > MAX_OPS:
            raise source.error(
                NotSymbolicError,
                f"the symbolic expression of {func.__name__} has more than {MAX_OPS} operations",
                source.tree,
                hint="use mode='reverse', whose code grows with the function, not with "
                "the expression",
            )
    codes = tuple((f, f.__code__) for f in run.functions)
    return Translation(symbols, outputs, is_tuple, run.reads, run.functions, codes)


def _parameters(tree: ast.FunctionDef) -> list[str]:
    a = tree.args
    return [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
}
_COMPARE_NAMES = {ast.Lt: "Lt", ast.Gt: "Gt", ast.LtE: "Le", ast.GtE: "Ge", ast.Eq: "Eq"}
_COMPARE_NAMES[ast.NotEq] = "Ne"
_COMPARES = {
    ast.Lt: operator.lt,
    ast.Gt: operator.gt,
    ast.LtE: operator.le,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class _Run:
    """One symbolic run: the budget of loop passes, and what it read from outside."""

    def __init__(self, sp):
        self.sp = sp
        self.passes = 0
        self.depth = 0
        self.reads: list[tuple[Callable[[], object], object]] = []
        self.functions: list[types.FunctionType] = []
        self.sources: dict[types.FunctionType, FunctionSource] = {}

    # -- values ------------------------------------------------------------------
    def symbolic(self, value) -> bool:
        return isinstance(value, self.sp.Basic)

    def scalar(self, value, node, source, what):
        """`value` as a SymPy number or expression, or an error naming `what`."""
        sp = self.sp
        if isinstance(value, bool) or (
            isinstance(value, _boolalg().Boolean) and not isinstance(value, sp.Expr)
        ):
            raise source.error(
                NotSymbolicError, f"symbolic mode cannot use a truth value as {what}", node, HINT
            )
        if isinstance(value, sp.Expr):
            return value
        if isinstance(value, numbers.Integral):
            return sp.Integer(int(value))
        if isinstance(value, numbers.Real) and math.isfinite(value):
            return _number(sp, float(value))
        raise source.error(
            NotSymbolicError,
            f"symbolic mode handles numbers; {what} is {_describe(value)}",
            node,
            HINT,
        )

    # -- functions ---------------------------------------------------------------
    def call(self, func, source, env):
        """Run `func`'s core form in `env` (parameter -> value); its return value."""
        if func not in self.sources:
            self.sources[func] = source
            self.functions.append(func)
        tree = normalized(source).tree
        frame = _Frame(self, source, env)
        try:
            frame.block(tree.body)
        except _Break:  # (normalize only puts `break` in loops)
            raise SrcDiffError("internal: a break outside a loop") from None
        return frame.returned

    def helper(self, func, args, keywords, node, source):
        """A call of a user function with source: run it with these arguments."""
        if self.depth >= MAX_DEPTH:
            raise source.error(
                NotSymbolicError,
                f"symbolic mode unrolls at most {MAX_DEPTH} nested calls "
                f"(recursion of {func.__name__})",
                node,
                HINT,
            )
        try:
            bound = inspect.signature(func).bind(*args, **keywords)
        except TypeError as exc:
            raise source.error(
                NotSymbolicError, f"the call of {func.__name__} fails: {exc}", node, HINT
            ) from None
        bound.apply_defaults()
        callee = self.sources.get(func) or FunctionSource(func)
        self.depth += 1
        try:
            return self.call(func, callee, dict(bound.arguments))
        finally:
            self.depth -= 1


def _describe(value) -> str:
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__}"
    module = type(value).__module__
    if module.startswith("numpy"):
        return "a NumPy array" if type(value).__name__ == "ndarray" else "a NumPy value"
    return f"a {type(value).__name__}"


class _Frame:
    """The variables of one function being run, and how each statement changes them."""

    def __init__(self, run: _Run, source: FunctionSource, env: dict):
        self.run = run
        self.sp = run.sp
        self.source = source
        self.env = env
        self.returned: Any = None
        self.branching = 0  # inside a branch on a symbolic condition

    def refuse(self, node, what, hint=HINT):
        return self.source.error(
            NotSymbolicError, f"symbolic mode cannot handle {what}", node, hint
        )

    # -- statements ----------------------------------------------------------------
    def block(self, stmts):
        for stmt in stmts:
            self.stmt(stmt)

    def stmt(self, stmt):
        if isinstance(stmt, ast.Assign):
            self.assign(stmt)
        elif isinstance(stmt, ast.If):
            self.branch(stmt)
        elif isinstance(stmt, ast.For):
            self.loop(stmt)
        elif isinstance(stmt, ast.Return):
            self.returned = self.expr(stmt.value) if stmt.value is not None else None
        elif isinstance(stmt, ast.Break):
            raise _Break()
        elif isinstance(stmt, (ast.Pass, ast.Assert)):
            pass
        elif isinstance(stmt, ast.Expr):
            if not isinstance(stmt.value, ast.Constant):  # (a docstring)
                self.expression_statement(stmt)
        elif isinstance(stmt, ast.While):
            raise self.refuse(
                stmt,
                "a `while` loop (its trip count is not known when the code is generated)",
            )
        else:
            raise self.refuse(stmt, f"a `{type(stmt).__name__}` statement")

    def expression_statement(self, stmt):
        call = stmt.value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name)
            and isinstance(self.env.get(call.func.value.id), list)
            and len(call.args) == 1
            and not self.branching
        ):
            self.env[call.func.value.id].append(self.expr(call.args[0]))
            return
        raise self.refuse(stmt, "a call made for its side effect")

    def assign(self, stmt):
        value = self.expr(stmt.value)
        (target,) = stmt.targets
        self.bind(target, value, stmt)

    def bind(self, target, value, stmt):
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
                raise self.refuse(stmt, "this unpacking (of a value that is not a tuple)")
            for t, v in zip(target.elts, value):
                self.bind(t, v, stmt)
        else:
            raise self.refuse(
                stmt, "index assignment", "build a tuple instead, or use mode='reverse'"
            )

    def branch(self, stmt):
        test = self.truth(self.expr(stmt.test), stmt.test)
        if isinstance(test, bool):
            self.block(stmt.body if test else stmt.orelse)
            return
        before = dict(self.env)
        self.branching += 1
        try:
            self.block(stmt.body)
            taken = self.env
            self.env = dict(before)
            self.block(stmt.orelse)
        except _Break:
            raise self.refuse(
                stmt, "a loop left early depending on a differentiated value"
            ) from None
        finally:
            self.branching -= 1
        other = self.env
        self.env = {
            name: self.join(test, taken.get(name, UNDEFINED), other.get(name, UNDEFINED), stmt)
            for name in {**taken, **other}
        }

    def join(self, test, a, b, stmt):
        """The value of a variable after a branch on `test`: `a` if it holds, else `b`."""
        sp = self.sp
        if a is b or (type(a) is type(b) and _same(a, b)):
            return a
        if a is UNDEFINED or b is UNDEFINED:
            return UNDEFINED
        if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
            return tuple(self.join(test, x, y, stmt) for x, y in zip(a, b))
        if _truth_valued(sp, a) and _truth_valued(sp, b):
            return sp.Or(sp.And(test, a), sp.And(sp.Not(test), b))
        if isinstance(a, (list, types.FunctionType)) or isinstance(b, (list, types.FunctionType)):
            raise self.refuse(stmt, "a branch on a differentiated value that changes a list")
        return sp.Piecewise(
            (self.run.scalar(a, stmt, self.source, "a value set in this branch"), test),
            (self.run.scalar(b, stmt, self.source, "a value set in this branch"), True),
        )

    def loop(self, stmt):
        items = self.expr(stmt.iter)
        if not isinstance(items, (range, tuple, list)):
            raise self.refuse(
                stmt.iter,
                "a loop whose trip count depends on an argument "
                "(symbolic mode unrolls loops with counts known when the code is generated)",
                "use mode='reverse' (or give the count as a constant)",
            )
        if len(items) > MAX_TRIPS:
            raise self.refuse(
                stmt.iter,
                f"a loop of {len(items)} passes (symbolic mode unrolls at most {MAX_TRIPS})",
                "use mode='reverse', whose code does not grow with the trip count",
            )
        for item in list(items):
            self.run.passes += 1
            if self.run.passes > MAX_PASSES:
                raise self.refuse(
                    stmt,
                    f"more than {MAX_PASSES} loop passes in all (symbolic mode unrolls loops)",
                    "use mode='reverse', whose code does not grow with the trip count",
                )
            self.bind(stmt.target, item, stmt)
            try:
                self.block(stmt.body)
            except _Break:
                break

    # -- expressions ---------------------------------------------------------------
    def truth(self, value, node):
        """A condition's value: a Python bool when known now, else a SymPy Boolean."""
        sp = self.sp
        if isinstance(value, _boolalg().BooleanAtom):
            return bool(value)
        if isinstance(value, _boolalg().Boolean) and not isinstance(value, sp.Expr):
            return value
        if isinstance(value, sp.Basic):
            raise self.refuse(
                node,
                "the truth value of a differentiated number",
                "compare it: `if x != 0:`, or use mode='reverse'",
            )
        if isinstance(value, (bool, numbers.Number, tuple, list, range, type(None))):
            return bool(value)
        raise self.refuse(node, f"a condition on {_describe(value)}")

    def expr(self, node):
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise self.refuse(node, f"the expression `{ast.unparse(node)}`")
        return method(node)

    def expr_Constant(self, node):
        if isinstance(node.value, (int, float, bool)) or node.value is None:
            return node.value
        raise self.refuse(node, f"the constant {node.value!r}")

    def expr_Name(self, node):
        if node.id in self.env:
            value = self.env[node.id]
            if value is UNDEFINED:
                raise self.refuse(node, f"`{node.id}`, which is set on one side of a branch only")
            return value
        resolver = self.source.resolver
        if node.id in resolver.locals:
            raise self.refuse(node, f"`{node.id}` before it is assigned")
        value = resolver.lookup(node.id)
        if value is MISSING:
            raise self.refuse(node, f"the undefined name `{node.id}`")
        self.read(node.id, value)
        return value

    def read(self, name, value):
        """Remember a value read from outside the function (it is built into the code)."""
        if isinstance(value, (types.ModuleType, types.FunctionType, type)) or callable(value):
            return
        resolver = self.source.resolver
        if name in resolver.cells:
            cell = resolver.cells[name]
            self.run.reads.append((lambda: cell.cell_contents, value))
        else:
            scope = resolver.globals
            self.run.reads.append((lambda: scope.get(name, MISSING), value))

    def expr_Attribute(self, node):
        value = self.source.resolver.resolve(node)
        if value is not MISSING:
            return value
        raise self.refuse(node, f"the attribute `{ast.unparse(node)}`")

    def expr_Tuple(self, node):
        return tuple(self.expr(e) for e in node.elts)

    def expr_List(self, node):
        return [self.expr(e) for e in node.elts]

    def expr_Subscript(self, node):
        value = self.expr(node.value)
        index = self.expr(node.slice)
        if isinstance(value, (tuple, list)) and isinstance(index, int):
            try:
                return value[index]
            except IndexError:
                raise self.refuse(node, "an index out of range") from None
        raise self.refuse(node, f"indexing {_describe(value)}")

    def expr_UnaryOp(self, node):
        value = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            test = self.truth(value, node.operand)
            return (not test) if isinstance(test, bool) else self.sp.Not(test)
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if not self.run.symbolic(value):
                return -value if isinstance(node.op, ast.USub) else +value
            value = self.run.scalar(value, node, self.source, "the operand")
            return -value if isinstance(node.op, ast.USub) else value
        raise self.refuse(node, f"the operator in `{ast.unparse(node)}`")

    def expr_BinOp(self, node):
        left, right = self.expr(node.left), self.expr(node.right)
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.refuse(node, f"the operator in `{ast.unparse(node)}`")
        if not (self.run.symbolic(left) or self.run.symbolic(right)):
            try:
                return op(left, right)
            except (ArithmeticError, TypeError, ValueError) as exc:
                raise self.refuse(node, f"`{ast.unparse(node)}`, which fails: {exc}") from None
        if isinstance(node.op, (ast.Mod, ast.FloorDiv)):
            raise self.refuse(
                node, f"`{ast.unparse(node.op).strip() or '%'}` of a differentiated value"
            )
        left = self.run.scalar(left, node.left, self.source, "this operand")
        right = self.run.scalar(right, node.right, self.source, "this operand")
        return op(left, right)

    def expr_Compare(self, node):
        result: Any = True
        left = self.expr(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.expr(comparator)
            if type(op) not in _COMPARES:
                raise self.refuse(node, f"the comparison `{ast.unparse(node)}`")
            if self.run.symbolic(left) or self.run.symbolic(right):
                a = self.run.scalar(left, node.left, self.source, "a compared value")
                b = self.run.scalar(right, comparator, self.source, "a compared value")
                this = getattr(self.sp, _COMPARE_NAMES[type(op)])(a, b)
            else:
                this = _COMPARES[type(op)](left, right)
            result = this if result is True else self.sp.And(result, this)
            if result is False or result == self.sp.false:
                return False
            left = right
        return result

    def expr_BoolOp(self, node):
        is_and = isinstance(node.op, ast.And)
        pending = []
        for value_node in node.values:
            value = self.expr(value_node)
            if not self.run.symbolic(value):
                if bool(value) != is_and:  # decides it: Python returns this operand
                    return value if not pending else self.truth(value, value_node)
                continue
            pending.append(self.truth(value, value_node))
        if not pending:
            return value
        return self.sp.And(*pending) if is_and else self.sp.Or(*pending)

    def expr_IfExp(self, node):
        test = self.truth(self.expr(node.test), node.test)
        if isinstance(test, bool):
            return self.expr(node.body if test else node.orelse)
        a = self.run.scalar(self.expr(node.body), node.body, self.source, "this value")
        b = self.run.scalar(self.expr(node.orelse), node.orelse, self.source, "this value")
        return self.sp.Piecewise((a, test), (b, True))

    def expr_Call(self, node):
        func = self.source.resolver.resolve(node.func)
        if func is MISSING:
            raise self.refuse(
                node,
                f"the call `{ast.unparse(node.func)}(...)` (not a function symbolic mode knows)",
            )
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise self.refuse(node, "a call with `*` or `**` arguments")
        args = [self.expr(a) for a in node.args]
        keywords = {k.arg: self.expr(k.value) for k in node.keywords}
        if func is range or func is len:
            return self.builtin(func, args, keywords, node)
        if isinstance(func, types.FunctionType) and not hasattr(func, "srcdiff_recipe"):
            return self.run.helper(func, args, keywords, node, self.source)
        build = builder(func)
        name = getattr(func, "__name__", ast.unparse(node.func))
        if build is None:
            module = getattr(func, "__module__", None) or ""
            if module.startswith("numpy") or type(func).__module__.startswith("numpy"):
                raise self.refuse(
                    node,
                    f"NumPy (`{ast.unparse(node.func)}`): symbolic mode is for scalar code",
                )
            raise self.refuse(
                node, f"a call of `{ast.unparse(node.func)}` (no symbolic form for {name})"
            )
        if keywords:
            raise self.refuse(node, f"keyword arguments to {name}")
        if not any(self.run.symbolic(a) for a in _flat(args)):
            try:
                return func(*args)  # known now: Python computes it
            except (ArithmeticError, TypeError, ValueError) as exc:
                raise self.refuse(node, f"`{ast.unparse(node)}`, which fails: {exc}") from None
        if func in (max, min) and len(args) == 1 and isinstance(args[0], (tuple, list)):
            args = [tuple(args[0])]
        else:
            args = [
                self.run.scalar(a, n, self.source, "an argument") for a, n in zip(args, node.args)
            ]
        try:
            result = build(*args)
        except TypeError as exc:
            raise self.refuse(node, f"this call of {name}: {exc}") from None
        if result is None:
            raise self.refuse(node, f"this call of {name}")
        return result

    def builtin(self, func, args, keywords, node):
        if keywords or any(self.run.symbolic(a) for a in args):
            what = "`range` of a value that depends on an argument" if func is range else "`len`"
            raise self.refuse(
                node,
                what + " (symbolic mode unrolls loops with counts known when the code is "
                "generated)",
                "use mode='reverse' (or give the count as a constant)",
            )
        try:
            return func(*args)
        except TypeError as exc:
            raise self.refuse(node, f"`{ast.unparse(node)}`: {exc}") from None


def _number(sp, value: float):
    """A float of the user's code in SymPy: the fraction with a small denominator that is
    the same float (0.5 -> 1/2, 9.81 -> 981/100), so SymPy simplifies `1.0 * t` and
    `0.5 + 0.5` as it does integers (emit.py prints it back as that float); else a Float
    with the float's exact value (math.pi)."""
    fraction = Fraction(value).limit_denominator(MAX_DENOMINATOR)
    if float(fraction) == value:
        return sp.Rational(fraction.numerator, fraction.denominator)
    return sp.Float(value)


def _truth_valued(sp, value) -> bool:
    return isinstance(value, bool) or (
        isinstance(value, _boolalg().Boolean) and not isinstance(value, sp.Expr)
    )


def _boolalg():
    """sympy.logic.boolalg, imported by its own name: `sympy.logic` read as an attribute
    of the package raised AttributeError in long fuzz runs (22 symbolic crashes in 300
    programs, not reproduced alone), where importing the submodule makes sure it is there."""
    return importlib.import_module("sympy.logic.boolalg")


def _flat(values):
    for v in values:
        if isinstance(v, (tuple, list)):
            yield from _flat(v)
        else:
            yield v


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - values that can't be compared are different
        return False

"""Branches decided by what an argument is, pruned before anything is differentiated.

    def f(x, ax=None):
        y = np.sin(x) * 2.0
        if ax is not None:
            ax.plot(y)
        return np.sum(y ** 2)

Called with `ax=None`, the `if` is never taken, and its body (a call made for its side
effects, which srcdiff refuses) need not be differentiated.  As JAX's `static_argnums`
and Python itself do, the derivative is specialised on the facts that decide such
tests: whether an argument is None, its type (`isinstance(p, list)`), the value of a
bool or str flag (`if verbose:`, `if mode == "mean":`) and an array's `ndim`.

`questions(func)` reads, once per code object, which of those facts the function's
`if` tests ask about which parameters; `facts(func, values)` answers them for one call
(a hashable key, empty where nothing is asked); `pruned(func, key)` is `func` with
every test those facts decide replaced by the branch it takes: a real function with
`func`'s signature, defaults, globals and closure, whose parse is placed at the user's
lines (`source.adopt`), so the rest of the compiler, and errors, see the user's code
less the branches not taken.

A test is read only where the parameter still holds the argument: before any statement
that could rebind it (`if w is None: w = ...` is decided at the `if`; a later
`if w is None` is not), never inside a loop that rebinds it, never for a name declared
`global` or `nonlocal` anywhere.  What a test reads beyond these facts (`if ax:` of an
object, whose `__bool__` runs at call time) leaves it undecided, as it is today.
"""

from __future__ import annotations

import ast
import builtins
import copy
import types
from collections.abc import Callable

import numpy as np

from .source import adopt, parsed
from .trees import compile_like

NONE, TYPE, VALUE, TRUTH, NDIM = "none", "type", "value", "truth", "ndim"
# flags whose value is a fact: immutable, and few values in practice
_FLAG_TYPES = (bool, str, type(None))
# the classes an isinstance test may name: builtins, and NumPy's (np.ndarray)
_BUILTIN_TYPES = frozenset(
    t for t in vars(builtins).values() if isinstance(t, type) and not issubclass(t, BaseException)
)
_UNKNOWN = object()
NOT_GIVEN = object()  # a value `facts` knows nothing about (srcdiff show, no default)
_COMPARE: dict[type, Callable] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}


def questions(func: types.FunctionType) -> dict[str, frozenset[str]]:
    """{parameter: the facts about it (NONE, TYPE, VALUE, TRUTH, NDIM) some `if` test
    reads while it still holds the argument}; cached per code object.  Nothing for a
    function taking *args or **kwargs."""
    parse = parsed(func)
    found = parse.memo.get("static questions")
    if found is None:
        found = {}
        args = parse.tree.args
        # (values are one per parameter; no `if` reading a parameter asks nothing, and the
        # pruner's copy of the body cost a third of generating 300 straight-line statements)
        if args.vararg is None and args.kwarg is None and _tests_read_parameters(parse.tree):
            pruner = _Pruner(func, parse.tree, {})
            pruner.block(copy.deepcopy(parse.tree.body), pruner.params)
            found = {p: frozenset(a) for p, a in pruner.asked.items()}
        parse.memo["static questions"] = found
    return found


def _tests_read_parameters(tree: ast.FunctionDef) -> bool:
    """Whether some `if` test in `tree` reads a name of one of its parameters."""
    args = tree.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    return any(
        node.__class__ is ast.If
        and any(n.__class__ is ast.Name and n.id in names for n in ast.walk(node.test))
        for node in ast.walk(tree)
    )


def facts(func: types.FunctionType, values: tuple, params) -> tuple:
    """The answers to `questions(func)` for one call's values (one per parameter, in
    `params` order): ((parameter, ((fact, answer), ...)), ...), () where nothing is
    asked.  Types are answered by identity, flags by value and type (True is not 1)."""
    asked = questions(func)
    if not asked:
        return ()
    out = []
    for p, v in zip(params, values):
        if p in asked and v is not NOT_GIVEN:
            answers = _answers(v, asked[p])
            if answers:
                out.append((p, answers))
    return tuple(out)


def _answers(value, asked: frozenset[str]) -> tuple:
    out: list[tuple[str, object]] = []
    if NONE in asked:
        out.append((NONE, value is None))
    if TYPE in asked:
        out.append((TYPE, type(value)))
    if (VALUE in asked or TRUTH in asked) and type(value) in _FLAG_TYPES:
        out.append((VALUE, (type(value), value)))
    if NDIM in asked and isinstance(value, np.ndarray):
        out.append((NDIM, value.ndim))
    return tuple(out)


def describe(key: tuple) -> list[str]:
    """What a facts key assumed, as `srcdiff show` prints it: `ax is None`,
    `reduce == 'sum'`, `p is a dict`."""
    out = []
    for p, answers in key:
        found = dict(answers)
        if VALUE in found:
            value = found[VALUE][1]
            out.append(f"{p} is {value!r}" if value is None else f"{p} == {value!r}")
        elif found.get(NONE) or found.get(TYPE) is type(None):
            out.append(f"{p} is None")
        elif TYPE in found:
            out.append(f"{p} is a {found[TYPE].__name__}")
        elif NONE in found:
            out.append(f"{p} is not None")
        if NDIM in found:
            out.append(f"{p}.ndim == {found[NDIM]}")
    return out


_VIEWS: dict = {}


def pruned(func: types.FunctionType, key: tuple) -> types.FunctionType:
    """`func` with the tests the facts `key` decide replaced by the branch taken (cached
    per function, code and key); `func` itself where they decide none."""
    if not key:
        return func
    cache_key = (func, func.__code__, key)
    view = _VIEWS.get(cache_key)
    if view is None:
        view = _VIEWS[cache_key] = _build(func, dict(key))
    return view


def _build(func, key):
    parse = parsed(func)
    tree = copy.deepcopy(parse.tree)
    pruner = _Pruner(func, tree, {p: dict(a) for p, a in key.items()})
    tree.body = pruner.block(tree.body, pruner.params) or [ast.Pass()]
    if not pruner.decided:
        return func
    ast.fix_missing_locations(tree)
    view = compile_like(func, tree, parse.first_line, {})
    view.__defaults__ = func.__defaults__
    view.__kwdefaults__ = func.__kwdefaults__
    view.__doc__ = func.__doc__
    view.srcdiff_pruned_from = func  # (its tests are decided: not specialised again)
    adopt(view, tree, parse)
    return view


class _Pruner:
    """Walks a function's statements in order, knowing which parameters still hold
    their arguments; records what each `if` test asks (`asked`) and, given answers,
    replaces a decided `if` by its branch."""

    def __init__(self, func, tree: ast.FunctionDef, answers: dict):
        self.func = func
        self.answers = answers
        self.asked: dict[str, set[str]] = {}
        self.decided = 0
        args = tree.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        declared = _declared(tree)
        self.params = frozenset(a.arg for a in every) - declared
        self.locals = _bound(tree.body) | {a.arg for a in every}
        for a in (args.vararg, args.kwarg):
            if a is not None:
                self.locals.add(a.arg)
        self.resized = _changed_shapes(tree)

    def block(self, stmts: list, held: frozenset) -> list:
        out: list = []
        for stmt in stmts:
            out += self.statement(stmt, held)
            held = held - _bound([stmt])
            if out and isinstance(out[-1], ast.Return):
                break  # what follows a return is never run (a decided `if` may end so)
        return out

    def statement(self, stmt, held: frozenset) -> list:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [stmt]  # (another scope)
        if isinstance(stmt, ast.If):
            value = _Test(self, held - _bound([stmt.test])).truth(stmt.test)
            if value is not None:
                self.decided += 1
                return self.block(stmt.body if value else stmt.orelse, held)
            stmt.body = self.block(stmt.body, held) or [ast.Pass()]
            stmt.orelse = self.block(stmt.orelse, held)
            return [stmt]
        inner = held - _bound([stmt])  # a loop's body runs again after it rebinds
        for field in ("body", "orelse", "finalbody"):
            part = getattr(stmt, field, None)
            if isinstance(part, list) and part and isinstance(part[0], ast.stmt):
                setattr(stmt, field, self.block(part, inner) or [ast.Pass()])
        for handler in [*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())]:
            handler.body = self.block(handler.body, inner) or [ast.Pass()]
        return [stmt]

    def type_named(self, node):
        """The class an isinstance test names, if a builtin one (not shadowed) or an
        attribute of the numpy module (np.ndarray), else None."""
        if isinstance(node, ast.Name) and node.id not in self.locals:
            if node.id in self.func.__globals__ or node.id in self.func.__code__.co_freevars:
                return None
            found = getattr(builtins, node.id, None)
            return found if found in _BUILTIN_TYPES else None
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id not in self.locals
            and node.value.id not in self.func.__code__.co_freevars
            and self.func.__globals__.get(node.value.id) is np
        ):
            found = getattr(np, node.attr, None)
            return found if isinstance(found, type) else None
        return None


class _Test:
    """Evaluates one test from the answers, recording what it asks; `_UNKNOWN` where
    the answers don't decide a part.  Every part is evaluated (no short circuit), so
    every question is recorded."""

    def __init__(self, pruner: _Pruner, held: frozenset):
        self.pruner = pruner
        self.held = held

    def ask(self, name: str, fact: str):
        self.pruner.asked.setdefault(name, set()).add(fact)
        return self.pruner.answers.get(name, {})

    def param(self, node) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.held:
            return node.id
        return None

    def truth(self, node) -> bool | None:
        """The test's truth, or None where the answers don't decide it."""
        if isinstance(node, ast.BoolOp):
            parts = [self.truth(v) for v in node.values]
            stop = isinstance(node.op, ast.Or)  # the value that decides the whole
            for part in parts:
                if part is None:
                    return None  # (an unknown part before a deciding one may raise)
                if part is stop:
                    return stop
            return not stop
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.truth(node.operand)
            return None if inner is None else not inner
        p = self.param(node)
        if p is not None:
            found = self.ask(p, TRUTH)
            if VALUE in found:
                return bool(found[VALUE][1])
            return False if found.get(NONE) else None
        value = self.value(node)
        if value is _UNKNOWN or type(value) not in (bool, int, str, float, type(None)):
            return None
        return bool(value)

    def value(self, node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Tuple):
            items = [self.value(e) for e in node.elts]
            return _UNKNOWN if _UNKNOWN in items else tuple(items)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.isinstance_test(node)
        if isinstance(node, ast.Attribute) and node.attr == "ndim":
            p = self.param(node.value)
            if p is not None and p not in self.pruner.resized:
                return self.ask(p, NDIM).get(NDIM, _UNKNOWN)
            return _UNKNOWN
        if isinstance(node, (ast.BoolOp, ast.UnaryOp)) and not isinstance(node.op, ast.USub):
            truth = self.truth(node)
            return _UNKNOWN if truth is None else truth
        p = self.param(node)
        if p is not None:
            found = self.ask(p, VALUE)
            if VALUE in found:
                return found[VALUE][1]
        return _UNKNOWN

    def compare(self, node: ast.Compare):
        """`p is None`, `mode == "mean"`, `mode in ("a", "b")`, `x.ndim == 1`."""
        if len(node.ops) != 1:
            return _UNKNOWN
        op, right = node.ops[0], node.comparators[0]
        if isinstance(op, (ast.Is, ast.IsNot)) and _is_none(right):
            p = self.param(node.left)
            if p is not None:
                none = self.ask(p, NONE).get(NONE)
                return _UNKNOWN if none is None else none == isinstance(op, ast.Is)
        left, right_value = self.value(node.left), self.value(right)
        if left is _UNKNOWN or right_value is _UNKNOWN:
            return _UNKNOWN
        try:
            return bool(_COMPARE[type(op)](left, right_value))
        except TypeError:
            return _UNKNOWN

    def isinstance_test(self, node: ast.Call):
        if not (
            isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and node.func.id not in self.pruner.locals  # (the builtin, not shadowed)
            and node.func.id not in self.pruner.func.__globals__
            and node.func.id not in self.pruner.func.__code__.co_freevars
            and len(node.args) == 2
            and not node.keywords
        ):
            return _UNKNOWN
        p = self.param(node.args[0])
        spec = node.args[1]
        named = spec.elts if isinstance(spec, ast.Tuple) else [spec]
        classes = [self.pruner.type_named(n) for n in named]
        if p is None or None in classes:
            return _UNKNOWN
        found = self.ask(p, TYPE)
        if TYPE not in found:
            return _UNKNOWN
        return issubclass(found[TYPE], tuple(classes))


def _is_none(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _bound(stmts: list) -> set[str]:
    """Every name the statements may bind or delete, nested scopes included (erring
    towards more: a name missed here could be read after it changed)."""
    found: set[str] = set()
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                found.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                found |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
            elif isinstance(node, ast.alias):
                found.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
                if node.name:
                    found.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                found.add(node.rest)
    return found


def _declared(tree) -> set[str]:
    """Names some scope of the function declares global or nonlocal: never decided."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            found |= set(node.names)
    return found


def _changed_shapes(tree) -> set[str]:
    """Names whose attributes are assigned (`x.shape = ...`) or that are resized in
    place (`x.resize(...)`): their ndim may change without rebinding."""
    found: set[str] = set()
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            target = node.value
        elif isinstance(node, ast.Attribute) and node.attr == "resize":
            target = node.value
        if isinstance(target, ast.Name):
            found.add(target.id)
    return found

"""A set, dict or iterator the caller passes to a helper that walks it.

A helper's `for k in s` over its parameter `s` is walked by position in generated code
(`for i in range(len(s)): k = s[i]`, normalize.py), right only for a sequence.  The
function itself walks a set, dict or iterator it makes as `tuple(it)` (unindexed.py),
but the helper cannot know what its caller passes: a set gave a TypeError from inside
generated code, and a dict `{0: 5.0, 1: 7.0}` walked by position gave its values, not
its keys -- a wrong derivative.

So the caller decides, where it knows the argument is such an iterable
(`Normalizer._unindexed`): a set, frozenset, dict or dict view passed to a parameter
the helper uses only as Python walks it -- the iterable of a `for` or a comprehension,
`len`, `enumerate`, `zip`, `sorted`, `list`, `tuple`, `sum`, `min`, `max`, `in` -- is
passed as `tuple(arg)` (the same items in the same order; `len` and `in` agree).  One
the helper also uses otherwise (`d[k]`, `s | t`, a method, another call), and any
iterator (which a helper may walk twice, empty the second time), is refused where the
helper walks it, with a hint that works: walk `tuple(s)` in the helper.
"""

from __future__ import annotations

import ast
import inspect
import types

from ..errors import UnsupportedSyntaxError
from .astutil import walk
from .source import FunctionSource, is_user_function, parsed

# calls that read their argument as Python walks it (generated code may walk it by
# position: `sum(s)` and `list(s)` become loops, reductions.py)
_WALKERS = ("len", "enumerate", "zip", "list", "sum", "min", "max")
_READERS = ("tuple", "sorted")  # ... and those that need no position (srcdiff's own walk)
_SET_MAKERS = (set, frozenset, dict)
_VIEWS = ("keys", "values", "items")
_MAYBE = (ast.Name, ast.Set, ast.SetComp, ast.Dict, ast.DictComp, ast.Call)  # (others are not)


def walked_params(obj) -> tuple[frozenset, frozenset] | None:
    """(the parameters user function `obj` walks, those of them it uses only as Python
    walks them), or None for anything else (a question of normalize.py's, answered from
    the function's parse and kept with it)."""
    if not is_user_function(obj):
        return None
    try:
        parse = parsed(obj)
    except Exception:  # noqa: BLE001 - no source: not a helper srcdiff reads
        return None
    key = ("walked params",)
    if key not in parse.memo:
        parse.memo[key] = _walked_params(parse.tree)
    found = parse.memo[key]
    assert isinstance(found, tuple)
    return found


def _walked_params(tree: ast.FunctionDef) -> tuple[frozenset, frozenset]:
    args = tree.args
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    fitting: dict[ast.AST, bool] = {}  # a Name read of a parameter -> walked by position?
    for node in walk(tree):
        if isinstance(node, ast.For | ast.comprehension):
            fitting[node.iter] = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _WALKERS or node.func.id in _READERS:
                for arg in node.args:
                    fitting.setdefault(arg, node.func.id in _WALKERS)
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
            fitting.setdefault(node.comparators[0], False)
    walked, other = set(), set()
    for node in walk(tree):
        if isinstance(node, ast.Name) and node.id in params:
            if not isinstance(node.ctx, ast.Load) or node not in fitting:
                other.add(node.id)
            elif fitting[node]:
                walked.add(node.id)
    return frozenset(walked), frozenset(walked - other)


class WalkedArguments:
    """See the module docstring: `h(s, x)` -> `h(tuple(s), x)` where h only walks s."""

    def __init__(self, source: FunctionSource, ask, unindexed):
        self.source = source
        self.ask = ask  # normalize.py's Normalizer.ask
        self.unindexed = unindexed  # ... and its _unindexed
        self.bindings: dict[str, list[ast.expr]] | None = None

    def call(self, node: ast.Call) -> None:
        """Pass the arguments of `node` that its helper only walks as tuples, in place."""
        args = node.args + [k.value for k in node.keywords]
        if not any(isinstance(a, _MAYBE) for a in args) or not any(self._known(a) for a in args):
            return
        answer = self.ask(node.func, "walked params")
        if answer is None:
            return
        walked, only = answer
        func = self.source.resolver.resolve(node.func)
        for param, arg, put in _bound(func, node):
            if param in walked and self._known(arg):
                if param not in only or not self._reiterable(arg):
                    raise self._refusal(func, param, arg)
                put(ast.fix_missing_locations(ast.copy_location(_tuple_of(arg), arg)))

    def _known(self, arg) -> bool:
        """Whether `arg` is known to be a set, dict, dict view or iterator."""
        if isinstance(arg, ast.Dict | ast.DictComp) or _view(arg):
            return True
        if isinstance(arg, ast.Name) and self.source.resolver.is_local(arg.id):
            values = self._bound_values().get(arg.id, [])
            if values and all(isinstance(v, ast.Dict | ast.DictComp) or _view(v) for v in values):
                return True
        return isinstance(arg, ast.Name | ast.Set | ast.SetComp | ast.Call) and self.unindexed(arg)

    def _reiterable(self, arg) -> bool:
        """A set, frozenset, dict or dict view (walked again, the same items), not an
        iterator."""
        if isinstance(arg, ast.Set | ast.SetComp | ast.Dict | ast.DictComp) or _view(arg):
            return True
        if isinstance(arg, ast.Call):
            return any(self.ask(arg.func, "identity") is m for m in _SET_MAKERS)
        if not isinstance(arg, ast.Name):
            return False
        if self.source.resolver.is_local(arg.id):
            values = self._bound_values().get(arg.id, [])
            return bool(values) and all(self._reiterable(v) for v in values)
        value = self.ask(arg, "identity")
        return isinstance(value, set | frozenset | dict) or type(value).__name__.startswith("dict_")

    def _bound_values(self):
        if self.bindings is None:
            self.bindings = {}
            for node in walk(self.source.tree):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self.bindings.setdefault(target.id, []).append(node.value)
        return self.bindings

    def _refusal(self, func, param, arg):
        what = ast.unparse(arg)
        return self.source.error(
            UnsupportedSyntaxError,
            f"{func.__name__} walks its parameter {param!r}, given {what!r} here, an "
            f"iterable without positions (a set, dict or iterator) that {func.__name__} "
            "also uses otherwise: srcdiff's code walks a sequence by position",
            arg,
            f"walk tuple({param}) in {func.__name__} (for k in tuple({param}): ...)",
        )


def _view(arg) -> bool:
    """`d.keys()`, `d.values()` or `d.items()`."""
    return (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Attribute)
        and arg.func.attr in _VIEWS
        and not arg.args
        and not arg.keywords
    )


def _tuple_of(arg):
    return ast.Call(func=ast.Name(id="tuple", ctx=ast.Load()), args=[arg], keywords=[])


def _bound(func, call):
    """(parameter, argument, a function putting a new argument in its place) for each
    argument of `call` of user function `func` that binds one parameter."""
    if not isinstance(func, types.FunctionType):
        return []
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return []
    names = list(inspect.signature(func).parameters)
    found = []
    for i, arg in enumerate(call.args):
        if i < len(names):
            found.append((names[i], arg, _putter(call.args, i)))
    for keyword in call.keywords:
        found.append((keyword.arg, keyword.value, _setter(keyword)))
    return found


def _putter(items, i):
    def put(value):
        items[i] = value

    return put


def _setter(keyword):
    def put(value):
        keyword.value = value

    return put


def walk_as_tuples(source: FunctionSource, tree: ast.FunctionDef, ask, unindexed):
    """`tree` with sets, dicts and dict views passed to helpers that only walk them
    given as tuples (see the module docstring); `tree` is normalize.py's copy."""
    walker = WalkedArguments(source, ask, unindexed)
    for node in [n for n in walk(tree) if isinstance(n, ast.Call) and (n.args or n.keywords)]:
        walker.call(node)
    return tree

"""Containers built inside the function and passed whole to a user helper.

    def loss(w, b, x):                       def loss(w, b, x):
        p = {"w": w, "b": b}                     p_w = w            (held.py)
        return predict(p, x)         ->          p_b = b
                                                 return predict_flat(p_w=p_w, p_b=p_b, x=x)

A dict display, a `dict(...)` call or a NamedTuple / dataclass call given as an argument
to a function srcdiff reads the source of (held.py first turns a local dict passed
whole into the display of its current leaves) is replaced by its leaves, and the call
goes to the helper's flat view for that structure (compiler/trees.py: one parameter per
leaf, reads by constant keys replaced by the leaves), exactly as when the container is
a parameter of the differentiated function.  The values are the same: the helper may
only read the container by constant keys (its flat view refuses anything else), and the
display's items are evaluated in the order written, as the leaves' keyword arguments.

The flat view is a function srcdiff made; its name is introduced to the function's
resolver (`Resolver.introduce`), so the rest of the compiler resolves the call as it
resolves any helper.  Anything else (a display passed to a library function, a
structure the placeholders can't build, a defaulted parameter with no constant default)
is left as it is, and the compiler refuses the display where it is built.
"""

from __future__ import annotations

import ast
import copy
import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import SrcDiffError
from ..runtime.trees import LEAF, TreeDef, registered, tree_flatten
from .astutil import Transformer, walk
from .held import record_class
from .result_reads import hoist_result_reads, reads_a_result
from .results import COMPUTED, ResultTree, container_display, result_tree
from .source import FunctionSource, dotted_name
from .trees import flat_view, unbound_defaults

Ask = Callable[[ast.expr, str], object]  # normalize's `ask`: a question about a name
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


@dataclass(frozen=True, eq=False)
class FlatCall:
    """How a call of a flat view is written back as the user's call, where generated
    code runs it as it is (its value only: `restore`, by derive.py): the helper's own
    expression, and for each parameter its structure (None: not a container)."""

    func: types.FunctionType  # the flat view the rewritten call calls
    helper: ast.expr  # `saxpy`, `model.saxpy`: the user's spelling of the helper
    structures: tuple  # (parameter, TreeDef or None), in the call's order
    leaves: dict  # parameter -> its flat parameters' names
    classes: dict  # record class -> the user's expression for it (`P`, `mod.P`)
    positional: tuple  # the helper's parameters that may be passed by position, in order
    result: ResultTree | None = None  # the view returns these leaves (flatten_container_results)

    def leaves_of(self, value: ast.expr) -> ast.expr:
        """What the flat view returns, read out of the helper's container result `value`:
        `value["a"]`, or a tuple of such reads (`value.w`, `value[0]`) in its order."""
        assert self.result is not None
        reads: list[ast.expr] = []

        def walk(td, node):
            if td.is_leaf:
                reads.append(node)
                return
            for key, child in zip(td.keys, td.children):
                if td.by_attribute:
                    sub = ast.Attribute(value=copy.deepcopy(node), attr=str(key), ctx=ast.Load())
                else:
                    sub = ast.Subscript(value=copy.deepcopy(node), slice=ast.Constant(key))
                walk(child, sub)

        walk(self.result.treedef, value)
        computed = [r for r, c in zip(reads, self.result.constants) if c is COMPUTED]
        return computed[0] if len(computed) == 1 else ast.Tuple(computed, ast.Load())

    def restore(self, call: ast.Call) -> ast.Call:
        """`saxpy_flat(d_a=a, d_x=x, y=y)` -> `saxpy({"a": a, "x": x}, y)`."""
        values = {k.arg: k.value for k in call.keywords}
        args: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for param, td in self.structures:
            if td is None:
                value = values[param]
            else:
                leaves = iter(values[leaf] for leaf in self.leaves[param])
                value = self._display(td, leaves)
            if not keywords and self.positional[len(args) : len(args) + 1] == (param,):
                args.append(value)
            else:
                keywords.append(ast.keyword(arg=param, value=value))
        return ast.copy_location(
            ast.Call(func=copy.deepcopy(self.helper), args=args, keywords=keywords), call
        )

    def _display(self, td: TreeDef, leaves) -> ast.expr:
        if td.is_leaf:
            return next(leaves)
        items = [self._display(c, leaves) for c in td.children]
        if td.kind is dict:
            return ast.Dict(keys=[ast.Constant(k) for k in td.keys], values=items)
        if td.kind is list:
            return ast.List(elts=items, ctx=ast.Load())
        if td.kind is tuple:
            return ast.Tuple(elts=items, ctx=ast.Load())
        keywords = [ast.keyword(arg=str(k), value=v) for k, v in zip(td.keys, items)]
        return ast.Call(func=copy.deepcopy(self.classes[td.kind]), args=[], keywords=keywords)


class _Slot:
    """A placeholder leaf: the index of the display's item it stands for."""

    def __init__(self, index: int):
        self.index = index


class _NotADisplay(Exception):
    """The argument is no container display this rewrite follows."""


def flatten_container_calls(
    source: FunctionSource, tree: ast.FunctionDef, ask: Ask, introduced: dict
) -> ast.FunctionDef:
    """`tree` with every user-helper call given a container display rewritten as the
    module docstring says (changed in place: `tree` is normalize's own copy).  `ask`
    notes what the helpers' names denote, so normalize.py's memo is reused only while
    they denote the same functions; `introduced` gets the flat views' names."""
    if not _passes_displays(tree):
        return tree  # (one walk, not a visit of every statement)
    rewriter = _Calls(source, ask, introduced)
    tree.body = [rewriter.visit(stmt) for stmt in tree.body]
    return tree


_MAY_BE_DISPLAYS = (ast.Dict, ast.List, ast.Tuple, ast.Call)  # (what `is_display` can take)


def _passes_displays(tree: ast.AST) -> bool:
    """Does any call in `tree` have an argument `_Calls.is_display` may accept?"""
    for node in walk(tree):
        if node.__class__ is ast.Call and any(
            isinstance(a, _MAY_BE_DISPLAYS) for a in [*node.args, *(k.value for k in node.keywords)]
        ):
            return True
    return False


class _Calls(Transformer):
    def __init__(self, source: FunctionSource, ask: Ask, introduced: dict):
        self.source, self.ask = source, ask
        self.used = introduced  # names introduced by this rewrite -> FlatCall
        self.classes: dict = {}  # record classes of the displays -> their expressions

    def visit_FunctionDef(self, node):
        return node  # a nested function: its own scope, not followed

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def visit_Call(self, node):
        self.generic_visit(node)
        parts = [*node.args, *(k.value for k in node.keywords)]
        if not any(self.is_display(a) for a in parts):
            return node
        if not self.ask(node.func, "function"):
            return node
        helper = self.ask(node.func, "identity")
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            return node
        try:
            return self.flat_call(node, helper)[0]
        except _NotADisplay:
            return node

    def flat_call(self, node, helper, results=False):
        """`helper(p, x)` with `p` a display -> `helper_flat(p_w=..., p_b=..., x=x)`, and
        the flat view; `results`: a view returning a container result's leaves."""
        try:
            signature = inspect.signature(helper)
            bound = signature.bind(*node.args, **{str(k.arg): k.value for k in node.keywords})
        except (TypeError, ValueError):
            raise _NotADisplay from None
        if any(p.kind is p.POSITIONAL_ONLY for p in signature.parameters.values()):
            raise _NotADisplay  # (restore passes every argument by keyword)
        structures, items = {}, {}
        for param, arg in bound.arguments.items():
            if isinstance(arg, ast.AST) and self.is_display(arg):
                structures[param], items[param] = self.structure(arg)
            elif not isinstance(arg, ast.AST):
                raise _NotADisplay  # *args / **kwargs parameters: not flattened here
        view = flat_view(helper, structures, results)
        keywords, order = [], []
        for param, arg in self.call_order(node, signature, bound):
            order.append((param, structures.get(param)))
            if param in structures:
                leaves = view.leaves[param]
                keywords += [
                    ast.keyword(arg=leaf, value=item) for leaf, item in zip(leaves, items[param])
                ]
            else:
                keywords.append(ast.keyword(arg=param, value=arg))
        positional = tuple(
            p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD
        )
        flat = FlatCall(
            view.func,
            node.func,
            tuple(order),
            dict(view.leaves),
            dict(self.classes),
            positional,
            view.result if results else None,
        )
        name = self.source.resolver.introduce(f"{helper.__name__}_flat", flat, self.used)
        self.used[name] = flat
        func = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node.func)
        return ast.copy_location(ast.Call(func=func, args=[], keywords=keywords), node), view

    @staticmethod
    def call_order(node, signature, bound):
        """(parameter, argument) in the order the call evaluates them, then the defaults
        (constants: the flat view has none of its own)."""
        given = {id(a): p for p, a in bound.arguments.items()}
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            yield given[id(arg)], arg
        for param, default in unbound_defaults(signature, bound):
            if default is None:
                raise _NotADisplay
            yield param, default

    def structure(self, display):
        """(TreeDef, the items in tree_flatten's order) of a container display: the
        container is built around placeholders and flattened, so the structure is the
        one a caller's argument of that value would have."""
        items: list[ast.expr] = []
        value = self.placeholders(display, items)
        leaves, treedef = tree_flatten(value)
        if not all(isinstance(leaf, _Slot) for leaf in leaves) or treedef.kind is LEAF:
            raise _NotADisplay
        return treedef, [items[leaf.index] for leaf in leaves]

    def placeholders(self, node, items):
        if isinstance(node, ast.Dict):
            keys = []
            for k in node.keys:
                if not (isinstance(k, ast.Constant) and isinstance(k.value, (str, int))):
                    raise _NotADisplay  # (also `**other`)
                keys.append(k.value)
            if len(set(keys)) != len(keys):
                raise _NotADisplay
            return {k: self.placeholders(v, items) for k, v in zip(keys, node.values)}
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise _NotADisplay
            elts = [self.placeholders(e, items) for e in node.elts]
            return elts if isinstance(node, ast.List) else tuple(elts)
        cls = self.container_class(node)
        if cls is not None:
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            ):
                raise _NotADisplay
            if cls is not dict:
                self.classes.setdefault(cls, node.func)
            args = [self.placeholders(a, items) for a in node.args]
            kwargs = {str(k.arg): self.placeholders(k.value, items) for k in node.keywords}
            try:
                return cls(*args, **kwargs)
            except Exception:  # a constructor that checks its values: not followed
                raise _NotADisplay from None
        items.append(node)
        return _Slot(len(items) - 1)

    def is_display(self, node: ast.AST) -> bool:
        """A dict display, `dict(...)`, or a NamedTuple / dataclass call, possibly inside
        a list or tuple display: an argument flattened for a helper's flat view."""
        if isinstance(node, ast.Dict):
            return True
        if isinstance(node, (ast.List, ast.Tuple)):
            return any(self.is_display(e) for e in node.elts)
        return self.container_class(node) is not None

    def container_class(self, node):
        """dict, or the NamedTuple / dataclass class a call makes, else None."""
        if not isinstance(node, ast.Call) or dotted_name(node.func) is None:
            return None
        cls = self.ask(node.func, "identity")
        if cls is dict:
            return dict
        if isinstance(cls, type) and registered(cls) is not None:
            return None
        record = record_class(cls)
        return record[0] if record is not None else None


def flatten_container_results(
    source: FunctionSource, tree: ast.FunctionDef, ask: Ask, introduced: dict, names
) -> ast.FunctionDef:
    """`x = helper(...)` where the helper returns a container (compiler/results.py):

        o = step(s, dt)          ->      t1, t2 = step_flat(s=s, dt=dt)
                                         o = {"pos": t1, "vel": t2}

    the helper's flat view returns the computed leaves and the display rebuilds the
    value, which held.py then keeps as a variable per leaf (so `o["pos"]` is `t1` there,
    and `state = step(state)` in a loop assigns the leaves).  `a, b = helper(...)` of a
    flat tuple-like result takes the leaves straight away.  Anything else -- a display
    naming a class the function's module can't name, a registered type, a result read
    inside an expression -- is left as it is (and refused as before)."""
    rewriter = _Results(_Calls(source, ask, introduced), names, reads_a_result(tree))
    tree.body = rewriter.block(tree.body)
    return tree


class _Results:
    def __init__(self, calls: _Calls, names, hoists: bool):
        self.calls, self.names = calls, names
        self.hoists = hoists  # (False: no statement reads a field of a call's result)

    def block(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            out += self.statement(stmt)
        return out

    def statement(self, stmt: ast.stmt) -> list[ast.stmt]:
        if isinstance(stmt, _SCOPES):
            return [stmt]
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        for handler in getattr(stmt, "handlers", ()):
            handler.body = self.block(handler.body)
        hoisted = self.hoists and hoist_result_reads(
            stmt, self.calls.ask, self.names.numbered, self.flat
        )
        if hoisted:  # `split(x)["lo"]`: the call bound first, then read
            return hoisted[:-1] + self.statement(hoisted[-1])
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.targets[0], (ast.Name, ast.Tuple))
        ):
            made = self.unpacked(stmt)
            if made is not None:
                return [ast.fix_missing_locations(ast.copy_location(s, stmt)) for s in made]
        return [stmt]

    def flat(self, call: ast.Call) -> ast.expr | None:
        """The call of the flat view of the helper `call` calls, returning its container
        result's leaves; None where there is none."""
        helper = self.calls.ask(call.func, "identity")
        try:
            new, view = self.calls.flat_call(call, helper, results=True)
        except (_NotADisplay, SrcDiffError):
            return None
        return new if view.result is not None and view.result.computed else None

    def unpacked(self, stmt: ast.Assign) -> list[ast.stmt] | None:
        call, target = stmt.value, stmt.targets[0]
        assert isinstance(call, ast.Call)
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return None
        if not self.calls.ask(call.func, "function"):
            return None
        helper = self.calls.ask(call.func, "identity")
        try:
            if result_tree(helper) is None:  # type: ignore[arg-type]
                return None
            new, view = self.calls.flat_call(call, helper, results=True)
        except (_NotADisplay, SrcDiffError):
            return None
        result = view.result
        if result is None or result.computed == 0:
            return None
        if isinstance(target, ast.Tuple):
            td = result.treedef
            if not (
                td.by_position
                and all(c.is_leaf for c in td.children)
                and all(c is COMPUTED for c in result.constants)
                and len(target.elts) == result.computed
            ):
                return None
            value = new if result.computed > 1 else ast.Tuple(elts=[new], ctx=ast.Load())
            return [ast.Assign(targets=[target], value=value)]
        temps = [self.names.numbered("t") for _ in range(result.computed)]
        display = self.display(result, temps)
        if display is None:
            return None
        if len(temps) == 1:
            first = ast.Assign(targets=[ast.Name(id=temps[0], ctx=ast.Store())], value=new)
        else:
            stores: list[ast.expr] = [ast.Name(id=t, ctx=ast.Store()) for t in temps]
            first = ast.Assign(targets=[ast.Tuple(elts=stores, ctx=ast.Store())], value=new)
        return [first, ast.Assign(targets=[target], value=display)]

    def display(self, result: ResultTree, temps: list[str]) -> ast.expr | None:
        """The container result's display around the leaves' variables and constants;
        None where a record class has no name in the function's module."""
        computed = iter(temps)
        constants = iter(result.constants)

        def build(td):
            if td.is_leaf:
                c = next(constants)
                if c is COMPUTED:
                    return ast.Name(id=next(computed), ctx=ast.Load())
                return ast.Constant(c)
            items = [build(child) for child in td.children]
            if None in items:
                return None
            return container_display(td, items, self.class_name)

        return build(result.treedef)

    def class_name(self, cls) -> str | None:
        """A name the function's module binds to `cls` (the first in sorted order)."""
        resolver = self.calls.source.resolver
        for name in sorted(resolver.globals):
            if resolver.globals[name] is cls and not resolver.is_local(name):
                self.calls.ask(ast.Name(id=name, ctx=ast.Load()), "identity")  # (noted)
                return name
        return None

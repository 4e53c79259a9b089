"""Container results held in a variable: `out = {...}; ...; return out` becomes one
variable per leaf and the display rebuilt at the return.

    out = {"loss": l}                  out_loss = l
    out["pred"] = p          ->        out_pred = p
    out["loss"] = out["loss"] * 2      out_loss = out_loss * 2
    return out                         return {"loss": out_loss, "pred": out_pred}

compiler/results.py then reads the structure from the return display, as for a
function that returned the display straight away.  Each leaf is computed where the
user's code computes it (a display's items in Python's left-to-right order), so the
values are the same; only the dict is no longer built before the return.

The rewrite runs only where it is exact: the variable's keys are known where every
statement runs.  It is first bound at the function's top level to a display (`{...}`,
`{}`, `dict(a=...)`, a NamedTuple or dataclass call, with displays inside); new keys
are added only by top-level `out["k"] = v`; anywhere else the code only reads or
assigns keys it already has (`out["k"]`, `out["k"] += v`, `out.field` of a record,
stores only into a dataclass's fields: a NamedTuple's raise); and the variable itself
is only returned.  Loops over it, `update` with constant keys, `len`, `in` and `.get`
are decided by its keys (dict_walks.py).  Any other use (a dynamic key, `pop`, passing
it to a library function, a nested function reading it) leaves the code as it is, and
the compiler refuses the dict, pointing at that use (`Bail` says where and what works).

The same rewrite serves dicts that are not returned (local_dicts.py): there "the top
level" is the block that builds the dict, which may be a loop's body.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import types
from dataclasses import dataclass, field

from ..rules import RULES
from ..runtime.trees import registered
from .astutil import copy_tree, own_statements, walk
from .dict_walks import Bail, DictWalks
from .gcpause import gc_paused
from .source import FunctionSource, is_library

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_CONSTANT_LEAVES = (str, bool, bytes, type(None))


@dataclass
class _Node:
    """The held value's structure: a dict, list or tuple display, a record call (its
    class expression and fields), or a leaf (a variable, or a constant that is no number)."""

    kind: str  # "dict", "list", "tuple", "record", "registered", "leaf", "constant"
    keys: list = field(default_factory=list)  # dict keys, list/tuple positions, fields
    children: list = field(default_factory=list)
    name: str = ""  # a leaf's variable
    value: ast.expr | None = None  # a constant's node; a record's class expression
    frozen: bool = False  # a NamedTuple: its fields can't be assigned

    def child(self, key):
        for k, c in zip(self.keys, self.children):
            if k == key and type(k) is type(key):
                return c
        return None


@gc_paused
def hoist_held_results(source: FunctionSource, tree: ast.FunctionDef) -> ast.FunctionDef:
    """`tree`, or a rewritten copy of it where a returned variable holds a container
    built as the module docstring says (the user's tree is never changed).  grad's check
    of the result calls it at decoration, outside code generation: with the cyclic
    collector paused as there (its passes during the copies of a long function's tree
    were most of the time)."""
    names = [name for name in returned_names(tree) if _bound_to_display(tree.body, name)]
    return _hoist(source, tree, names)


def _bound_to_display(body, name) -> bool:
    """Is `name` assigned a display or a call (`out = {...}`, `dict(...)`, a record) by
    a statement of `body` itself?  Only such a binding gives `Hoist` a structure; without
    one it bails at the return (`return out` of nothing it knows), after copying the
    tree twice -- most of grad's check for a function returning a variable."""
    return any(
        stmt.__class__ is ast.Assign
        and len(stmt.targets) == 1
        and stmt.targets[0].__class__ is ast.Name
        and stmt.targets[0].id == name
        and isinstance(stmt.value, (ast.Dict, ast.Call))
        for stmt in body
    )


def holds_dict(source, value) -> bool:
    """A dict display or `dict(...)` call, a NamedTuple or dataclass call (a helper's
    container result, flatcalls.py), or a list or tuple display holding one
    (`layers = [{"w": w1}, {"w": w2}]`, passed whole to a helper)."""
    if isinstance(value, ast.Dict):
        return True
    if isinstance(value, ast.List | ast.Tuple):
        return any(holds_dict(source, e) for e in value.elts)
    if not isinstance(value, ast.Call):
        return False
    cls = source.resolver.resolve(value.func)
    return cls is dict or record_class(cls) is not None


def _hoist(source, tree, names, ask=None):
    """`tree`, or a rewritten copy with each of `names` hoisted where it can be; with
    `ask`, a name passed whole to a user function is its display there."""
    if not names:
        return tree
    result = copy_tree(tree)
    for name in names:
        attempt = copy_tree(result)  # (a failed attempt may have rewritten some uses)
        try:
            attempt.body = Hoist(source, attempt, name, ask).run()
        except Bail:
            continue
        result = attempt
    return result


def returned_names(tree: ast.FunctionDef) -> list[str]:
    found: list[str] = []
    for node in own_statements(tree.body):  # (a return is a statement: no expression read)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
            if node.value.id not in found:
                found.append(node.value.id)
    return found


class Hoist(DictWalks):
    def __init__(self, source, tree, name, ask=None, home=None, taken=None):
        self.source, self.tree, self.name, self.ask = source, tree, name, ask
        self.home = tree.body if home is None else home  # the block that builds it
        if taken is None:
            taken = {n.id for n in walk(tree) if isinstance(n, ast.Name)}
            taken |= {a.arg for a in walk(tree) if isinstance(a, ast.arg)}
        self.taken = taken
        self.held: _Node | None = None
        self.slots: dict = {}  # (path of keys) -> leaf variable, for stable names

    def run(self) -> list[ast.stmt]:
        for node in walk(self.tree):  # a nested function or class seeing it: not followed
            if isinstance(node, _SCOPES) and node is not self.tree and self._mentions(node):
                raise Bail(
                    node,
                    f"read the dict {self.name} in a nested function or class",
                    "pass the values it needs as arguments",
                )
            if isinstance(node, ast.arg) and node.arg == self.name:
                raise Bail  # a parameter of that name: the caller's container
        body: list[ast.stmt] = []
        for stmt in self.home:
            body += self._top(stmt)
        return body

    def _mentions(self, node) -> bool:
        return any(isinstance(n, ast.Name) and n.id == self.name for n in walk(node))

    # -- statements at the function's top level ----------------------------------------
    def _top(self, stmt: ast.stmt) -> list[ast.stmt]:
        if not self._mentions(stmt):
            return [stmt]
        stores = self.updates(stmt)  # d.update(c=...): stores, which may add keys here
        if stores is not None:
            return [s for store in stores for s in self._top(store)]
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Name) and target.id == self.name:
                if self._mentions(stmt.value):  # out = {... out ...}: the same keys at once
                    return _statements(self._rewriter().visit(stmt))
                out: list[ast.stmt] = []
                self.held = self._bind(stmt.value, (), out, stmt)
                return out
            path = self._path(target)
            if path is not None:
                return self._store(path, self._rewriter().visit(stmt.value), stmt)
        return _statements(self._rewriter().visit(stmt))

    def _bind(self, value, path, out, stmt) -> _Node:
        """The structure of a display bound at `path`; each leaf's assignment to `out`."""
        if isinstance(value, ast.Dict):
            keys = []
            for k in value.keys:
                if not (isinstance(k, ast.Constant) and isinstance(k.value, (str, int))):
                    raise Bail
                keys.append(k.value)
            if len(set(keys)) != len(keys):
                raise Bail
            children = [
                self._bind(v, (*path, (False, k)), out, stmt) for k, v in zip(keys, value.values)
            ]
            return _Node("dict", keys, children)
        if isinstance(value, ast.Call) and self._resolves_to(value.func, dict):
            if value.args or any(k.arg is None for k in value.keywords):
                raise Bail
            names: list = [k.arg for k in value.keywords]
            children = [
                self._bind(k.value, (*path, (False, k.arg)), out, stmt) for k in value.keywords
            ]
            return _Node("dict", names, children)
        record = self._record(value)
        if record is not None:
            cls, fields = record
            if any(isinstance(a, ast.Starred) for a in value.args) or any(
                k.arg is None for k in value.keywords
            ):
                raise Bail
            try:
                bound = inspect.signature(cls).bind(
                    *value.args, **{str(k.arg): k.value for k in value.keywords}
                )
            except (TypeError, ValueError):
                raise Bail from None
            if set(bound.arguments) != set(fields):
                raise Bail  # (defaulted fields: the return reads them from the call)
            children = [
                self._bind(bound.arguments[f], (*path, (True, f)), out, stmt) for f in fields
            ]
            node = _Node("record", list(fields), children, value=value.func)
            node.frozen = issubclass(cls, tuple)
            return node
        if isinstance(value, ast.Call) and self._registered(value):
            # a registered type: its arguments bound as they are given (results.py learns
            # which becomes which child); its fields are not read through
            if any(isinstance(a, ast.Starred) for a in value.args) or any(
                k.arg is None for k in value.keywords
            ):
                raise Bail
            parts = [*value.args, *(k.value for k in value.keywords)]
            spots: list = [*range(len(value.args)), *(k.arg for k in value.keywords)]
            children = [self._bind(e, (*path, (None, k)), out, stmt) for k, e in zip(spots, parts)]
            return _Node("registered", spots, children, value=value.func)
        # (a local list of dicts, `layers = [{...}, ...]`, is hoisted for the helpers given it)
        if isinstance(value, (ast.List, ast.Tuple)) and (path or self.ask is not None):
            if any(isinstance(e, ast.Starred) for e in value.elts):
                raise Bail
            kind = "list" if isinstance(value, ast.List) else "tuple"
            children = [
                self._bind(e, (*path, (False, i)), out, stmt) for i, e in enumerate(value.elts)
            ]
            return _Node(kind, list(range(len(children))), children)
        if not path:
            raise Bail  # out = something that is no display: not a container we know
        if isinstance(value, ast.Constant) and isinstance(value.value, _CONSTANT_LEAVES):
            return _Node("constant", value=value)
        leaf = _Node("leaf", name=self._slot(path))
        out.append(_assign(leaf.name, value, stmt))
        return leaf

    def _store(self, path, value, stmt) -> list[ast.stmt]:
        """Top-level `out[k1][k2] = value`: the leaf's variable assigned, a new key added
        to a dict, a display stored there bound as a subtree."""
        parent = self._node(path[:-1])
        attribute, key = path[-1]
        if parent.kind == "record" and parent.frozen or parent.kind == "tuple":
            raise Bail  # (a NamedTuple's fields, a tuple's items can't be assigned)
        if attribute != (parent.kind == "record"):
            raise Bail
        old = parent.child(key)
        if old is None and parent.kind != "dict":
            raise Bail  # a list index past its end, a field a record does not have
        out: list[ast.stmt] = []
        node = self._bind(value, path, out, stmt)
        if old is None:
            parent.keys.append(key)
            parent.children.append(node)
        else:
            parent.children[parent.keys.index(key)] = node
        return out

    # -- statements inside compound statements, and expressions ---------------------------
    def _rewriter(self) -> ast.NodeTransformer:
        """Rewrites a statement or expression whose uses of the variable are reads of
        existing leaves, stores into existing leaves, and returns of it."""
        hoist = self

        class Rewrite(ast.NodeTransformer):
            def visit_Assign(self, node):
                if (
                    len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id == hoist.name
                ):
                    # the whole variable again, a display of the same structure (`state =
                    # {"x": t1, "v": t2}` in a loop): its leaves at once, as a tuple
                    pairs = hoist._same_structure(hoist.held, node.value)
                    if pairs is None:
                        raise Bail
                    values = [self.visit(v) for _, v in pairs]
                    stores = [ast.Name(id=n, ctx=ast.Store()) for n, _ in pairs]
                    if len(pairs) == 1:
                        node.targets, node.value = stores, values[0]
                    else:
                        node.targets = [ast.Tuple(elts=stores, ctx=ast.Store())]
                        node.value = ast.Tuple(elts=values, ctx=ast.Load())
                    return node
                if len(node.targets) == 1:
                    path = hoist._path(node.targets[0])
                    if path is not None:
                        if hoist._is_display(node.value):
                            raise Bail  # a subtree stored where the code may not run
                        node.value = self.visit(node.value)
                        leaf = hoist._leaf(path, node.targets[0])
                        node.targets = [ast.copy_location(_store(leaf), node.targets[0])]
                        return node
                self.generic_visit(node)
                return node

            def visit_For(self, node):
                walk = hoist.iteration(node.iter)
                if walk is None:
                    self.generic_visit(node)
                    return node
                return [s for c in hoist.unrolled(node, walk) for s in _statements(self.visit(c))]

            def visit_Expr(self, node):
                stores = hoist.updates(node)  # d.update(...) of keys d has
                if stores is not None:
                    return [self.visit(s) for s in stores]
                self.generic_visit(node)
                return node

            def visit_AugAssign(self, node):
                stores = hoist.updates(node)  # d |= {...}
                if stores is not None:
                    return [self.visit(s) for s in stores]
                path = hoist._path(node.target)
                if path is not None:
                    node.value = self.visit(node.value)
                    node.target = ast.copy_location(_store(hoist._leaf(path)), node.target)
                    return node
                self.generic_visit(node)
                return node

            def visit_Return(self, node):
                if isinstance(node.value, ast.Name) and node.value.id == hoist.name:
                    if hoist.held is None:
                        raise Bail
                    node.value = ast.copy_location(hoist._display(hoist.held), node.value)
                    return node
                self.generic_visit(node)
                return node

            def visit_Subscript(self, node):
                return self._read(node)

            def visit_Attribute(self, node):
                return self._read(node)

            def _read(self, node):
                path = hoist._path(node)
                if path is None:
                    self.generic_visit(node)
                    return node
                if not isinstance(node.ctx, ast.Load):
                    raise Bail
                if hoist._through_leaf(path):  # out["pred"][0]: an index into a leaf's value
                    node.value = self.visit(node.value)
                    if isinstance(node, ast.Subscript):
                        node.slice = self.visit(node.slice)
                    return node
                leaf = hoist._node(path)
                if leaf.kind == "constant":
                    return ast.copy_location(copy.deepcopy(leaf.value), node)
                if leaf.kind != "leaf":
                    raise Bail  # a subtree as a value
                return ast.copy_location(ast.Name(id=leaf.name, ctx=ast.Load()), node)

            def visit_Call(self, node):
                method = hoist.record_method(node)  # m.loss(x): MDC.loss(m, x)
                if method is not None:
                    return self.visit(ast.copy_location(method, node))
                known = hoist.known_call(node)  # len(d), d.get("k", default)
                if known is not None:
                    return self.visit(ast.copy_location(known, node))
                # helper(d): the display of d's current leaves, which flatcalls.py passes
                # to the helper's flat view (a library function is given no such display)
                # (print(d) prints the same display)
                if (
                    hoist.ask is not None and hoist.ask(node.func, "function")
                ) or hoist.source.resolver.resolve(node.func) is print:
                    node.args = [self._whole(a) for a in node.args]
                    for k in node.keywords:
                        k.value = self._whole(k.value)
                else:
                    hoist.passed_elsewhere(node)
                self.generic_visit(node)
                return node

            def visit_Compare(self, node):
                known = hoist.membership(node)  # "k" in d
                if known is not None:
                    return ast.copy_location(known, node)
                self.generic_visit(node)
                return node

            def _whole(self, arg):
                if isinstance(arg, ast.Name) and arg.id == hoist.name and hoist.held is not None:
                    return ast.copy_location(hoist._display(hoist.held), arg)
                return arg

            def visit_Name(self, node):
                if node.id == hoist.name:  # the container itself used as a value
                    held = hoist.held
                    if held is not None and held.kind in ("list", "tuple"):
                        raise Bail(
                            node,
                            f"use the {held.kind} {hoist.name} itself as a value here",
                            f"pass {hoist.name} whole to a function of yours that walks it "
                            f"(`loss({hoist.name}, x)`: its leaves are differentiated where it is "
                            f"passed whole to a function), or read its items by constant "
                            f'index ({hoist.name}[0]["a"])',
                        )
                    raise Bail(
                        node,
                        f"use the dict {hoist.name} itself as a value here",
                        f'read the keys you need ({hoist.name}["a"]) where you need them',
                    )
                return node

        return Rewrite()

    def _same_structure(self, held, value):
        """[(leaf variable, value)] when `value` is a display of exactly `held`'s
        structure (the same constants where it has constants), else None."""
        if held is None:
            return None
        pairs: list = []
        out: list = []
        try:
            probe = Hoist(self.source, self.tree, self.name, self.ask, set(self.taken))
            node = probe._bind(value, ((False, "probe"),), out, value)
        except Bail:
            return None
        items = {a.targets[0].id: a.value for a in out}  # the probe's leaves -> items
        if not _match(held, node, items, pairs):
            return None
        return pairs

    # -- paths ------------------------------------------------------------------------
    def _path(self, node) -> tuple | None:
        """((attribute?, key), ...) for `out[k1].f` with constant keys, else None (also
        for `out` itself)."""
        keys: list = []
        while True:
            if isinstance(node, ast.Subscript):
                key = node.slice
                if not (isinstance(key, ast.Constant) and isinstance(key.value, (str, int))):
                    return self._dynamic(node)
                keys.append((False, key.value))
                node = node.value
            elif isinstance(node, ast.Attribute):
                keys.append((True, node.attr))
                node = node.value
            else:
                break
        if isinstance(node, ast.Name) and node.id == self.name and keys:
            return tuple(reversed(keys))
        return None

    def _dynamic(self, node):
        base = node
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        if isinstance(base, ast.Name) and base.id == self.name:
            raise self.dynamic_bail(node)  # out[k] with a key known only when the code runs
        return None

    def _node(self, path) -> _Node:
        """The node at `path`: a record's fields by attribute, other containers' items by
        subscript (anything else raises in Python, or is not followed)."""
        if self.held is None:
            raise Bail
        node = self.held
        for attribute, key in path:
            if attribute != (node.kind == "record"):
                raise Bail
            if node.kind in ("list", "tuple") and isinstance(key, int) and key < 0:
                key += len(node.keys)
            found = node.child(key) if node.kind not in ("leaf", "constant") else None
            if found is None:
                raise Bail  # a key it does not have: Python raises KeyError there
            node = found
        return node

    def _through_leaf(self, path) -> bool:
        """Whether `path` goes past a leaf (the rest indexes the leaf's value)."""
        node = self.held
        for _, key in path:
            if node is None or node.kind in ("leaf", "constant"):
                return node is not None
            if node.kind in ("list", "tuple") and isinstance(key, int) and key < 0:
                key += len(node.keys)
            node = node.child(key)
        return False

    def _leaf(self, path, where=None) -> str:
        """The variable of an existing leaf (stores into a constant leaf or a subtree, or
        into a tuple's or NamedTuple's items, which Python refuses, are not followed)."""
        parent = self._node(path[:-1])
        if parent.kind == "tuple" or (parent.kind == "record" and parent.frozen):
            raise Bail
        if where is not None and parent.kind == "dict" and parent.child(path[-1][1]) is None:
            raise Bail(
                where,
                f"add the key {path[-1][1]!r} to the dict {self.name} inside a loop or "
                "branch (its keys would depend on how the code runs)",
                f"give {self.name} that key where it is built ({self.name} = {{..., "
                f"{path[-1][1]!r}: 0.0}}), then assign it here",
            )
        node = self._node(path)  # (also checks attribute / subscript access)
        if node.kind != "leaf":
            raise Bail
        return node.name

    def _slot(self, path) -> str:
        if path not in self.slots:
            base = "_".join([self.name, *(_ident(k) for _, k in path)])
            name, n = base, 1
            while name in self.taken:
                n += 1
                name = f"{base}_{n}"
            self.taken.add(name)
            self.slots[path] = name
        return self.slots[path]

    def _display(self, node: _Node) -> ast.expr:
        if node.kind == "leaf":
            return ast.Name(id=node.name, ctx=ast.Load())
        value = node.value  # (a constant's node, a record's class)
        if node.kind == "constant" and value is not None:
            return copy.deepcopy(value)
        items = [self._display(c) for c in node.children]
        if node.kind == "dict":
            return ast.Dict(keys=[ast.Constant(k) for k in node.keys], values=items)
        if node.kind == "record":
            keywords = [ast.keyword(arg=k, value=v) for k, v in zip(node.keys, items)]
            assert value is not None
            return ast.Call(func=copy.deepcopy(value), args=[], keywords=keywords)
        if node.kind == "registered":
            assert value is not None
            n = sum(isinstance(k, int) for k in node.keys)
            keywords = [ast.keyword(arg=k, value=v) for k, v in zip(node.keys[n:], items[n:])]
            return ast.Call(func=copy.deepcopy(value), args=items[:n], keywords=keywords)
        if node.kind == "list":
            return ast.List(elts=items, ctx=ast.Load())
        return ast.Tuple(elts=items, ctx=ast.Load())

    # -- what names denote --------------------------------------------------------------
    def _is_display(self, node) -> bool:
        """A container display (or dict / record call) rather than a value."""
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple)):
            return True
        return isinstance(node, ast.Call) and (
            self._resolves_to(node.func, dict)
            or self._record(node) is not None
            or self._registered(node)
        )

    def record_method(self, call) -> ast.Call | None:
        """`m.loss(x)` of a NamedTuple or dataclass `m` built here: `MDC.loss(m, x)` (a
        staticmethod's `MDC.act(x)`), a call of the function its class defines in Python,
        to which `m` is then passed whole; else None.  The class is the one the binding
        calls, so no subclass can make it another method."""
        f = call.func
        if not (
            isinstance(f, ast.Attribute)
            and isinstance(f.value, ast.Name)
            and f.value.id == self.name
        ):
            return None
        if self.held is None or self.held.kind != "record":
            return None
        cls = self.source.resolver.resolve(self.held.value)
        found = inspect.getattr_static(cls, f.attr, None)
        static = isinstance(found, staticmethod)
        func = found.__func__ if static else found
        if not isinstance(func, types.FunctionType) or is_library(func) or RULES.lookup(func):
            return None
        callee = ast.copy_location(
            ast.Attribute(value=copy_tree(self.held.value), attr=f.attr, ctx=ast.Load()), f
        )
        receiver = [] if static else [ast.copy_location(ast.Name(id=self.name, ctx=ast.Load()), f)]
        return ast.Call(func=callee, args=[*receiver, *call.args], keywords=call.keywords)

    def _registered(self, call) -> bool:
        """A call of a type given to register_pytree_node."""
        return registered(self.source.resolver.resolve(call.func)) is not None

    def _resolves_to(self, func, obj) -> bool:
        return self.source.resolver.resolve(func) is obj

    def _record(self, value):
        """(class, field names) for a NamedTuple or dataclass call, else None."""
        if not isinstance(value, ast.Call):
            return None
        return record_class(self.source.resolver.resolve(value.func))


def _match(held, node, items, pairs) -> bool:
    """Does the probed structure `node` (its leaves' items in `items`) equal `held`?
    Collects (held leaf variable, item expression) pairs."""
    if held.kind != node.kind or held.keys != node.keys:
        return False
    if held.kind == "leaf":
        pairs.append((held.name, items[node.name]))
        return True
    if held.kind == "constant":
        return ast.dump(held.value) == ast.dump(node.value)
    if held.kind == "record" and ast.dump(held.value) != ast.dump(node.value):
        return False
    return all(_match(h, n, items, pairs) for h, n in zip(held.children, node.children))


def record_class(cls):
    """(class, field names) for a NamedTuple or dataclass class, else None."""
    if not isinstance(cls, type):
        return None
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return cls, list(cls._fields)
    if dataclasses.is_dataclass(cls):
        fs = dataclasses.fields(cls)
        if not all(f.init for f in fs):
            return None
        return cls, [f.name for f in fs]
    return None


def _statements(visited) -> list[ast.stmt]:
    """A rewritten statement, or the statements an unrolled loop became."""
    stmts = visited if isinstance(visited, list) else [visited]
    return [ast.fix_missing_locations(s) for s in stmts]


def _ident(key) -> str:
    text = "".join(c if c.isalnum() or c == "_" else "_" for c in str(key))
    return text or "k"


def _store(name):
    return ast.Name(id=name, ctx=ast.Store())


def _assign(name, value, like):
    return ast.copy_location(ast.Assign(targets=[_store(name)], value=value), like)

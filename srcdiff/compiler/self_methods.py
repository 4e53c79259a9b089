"""Normalization of `self.method(...)` in a method: a call of the plain function.

    class Model:
        def predict(self, x): ...
        def loss(self, x, y):
            return np.mean((self.predict(x) - y) ** 2)

`Model.loss` is differentiated from its source with `self` an argument, an object
srcdiff knows nothing of while the code is generated, so `self.predict(x)` names no
function it can read.  Python finds `predict` on the instance's class; where every
class `self` can be (Model and its subclasses) finds the same function there, the call
is `Model.predict(self, x)` -- a helper like any other -- and a staticmethod's
`self.act(z)` is `Model.act(z)`.

Sound only while that stays true, so the rewrite is made where the method is found
on the class the function is defined in (a module-level class), as a plain function
or a staticmethod of user code without a rule, and no subclass of it defines the name
again, nor any of its methods (or its bases' or subclasses') assigns an attribute of
that name (`self.predict = ...` would hide the method on the instance); the answer is
recorded as normalization's other questions are (normalize.py `_QUESTIONS`), so a
subclass defined later that overrides it makes the function be normalized again, and
then refused as before.  An instance attribute holding a function (`self.act =
np.tanh` in `__init__`) where the class defines no `act` is not a method: split.py
refuses the call, naming it.  (An assignment from outside the class, `model.predict =
g`, is not seen.)
"""

from __future__ import annotations

import ast
import dis
import functools
import inspect
import types
from collections.abc import Callable
from typing import Any

from ..rules import RULES
from .astutil import copy_tree
from .source import FunctionSource, is_library


def methods_of(cls: object) -> tuple | None:
    """(name, function, is staticmethod) for the methods written in Python that `cls`
    defines or inherits and no subclass of it defines again, sorted by name; None for
    anything but a user class.  Normalization's answer about the defining class."""
    if not isinstance(cls, type) or cls.__module__ == "builtins":
        return None
    family = [*cls.__mro__[:-1], *_subclasses(cls)]  # (object's dunders left out)
    overridden = {name for sub in _subclasses(cls) for name in vars(sub)}
    overridden |= {name for c in family for name in _stored_by_methods(c)}
    found = []
    for name in sorted(dir(cls)):
        if name in overridden or (name.startswith("__") and name != "__call__"):
            continue
        method = inspect.getattr_static(cls, name, None)
        static = isinstance(method, staticmethod)
        func = method.__func__ if static else method
        if isinstance(func, types.FunctionType) and not is_library(func):
            if not RULES.lookup(func):
                found.append((name, func, static))
    return tuple(found)


def _stored_by_methods(cls: type) -> frozenset:
    """Attribute names the methods `cls` defines assign (`self.act = act` in __init__): an
    instance attribute of that name would hide the class's method."""
    names: set[str] = set()
    for value in vars(cls).values():
        func = getattr(value, "__func__", value)
        code = getattr(func, "__code__", None)
        if isinstance(code, types.CodeType):
            names |= _attribute_stores(code)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def _attribute_stores(code: types.CodeType) -> frozenset:
    """The attribute names `code` (and the code nested in it) stores to."""
    found = {i.argval for i in dis.get_instructions(code) if i.opname == "STORE_ATTR"}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _attribute_stores(const)
    return frozenset(found)


def overriding(cls: type, name: str) -> list[str]:
    """The names of `cls`'s subclasses that define `name` again, sorted."""
    return sorted({sub.__qualname__ for sub in _subclasses(cls) if name in vars(sub)})


def assigning(cls: type, name: str) -> list[str]:
    """The names of the classes in `cls`'s family whose methods assign `self.name`."""
    family = [*cls.__mro__[:-1], *_subclasses(cls)]
    return sorted({c.__qualname__ for c in family if name in _stored_by_methods(c)})


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    todo: list[type] = list(cls.__subclasses__())
    while todo:
        sub = todo.pop()
        out.append(sub)
        todo.extend(sub.__subclasses__())
    return out


def call_self_methods(
    source: FunctionSource, nodes: list, ask: Callable[[ast.AST, str], object]
) -> bool:
    """Rewrite `self.m(...)` in the method `source.func` as `Owner.m(self, ...)` where
    `methods_of(Owner)` lists `m` (`ask(node, "self methods")` records that answer).
    `nodes`: `walk(tree)`; whether any call was rewritten."""
    owner, self_name = _owner_and_self(source)
    if owner is None or self_name is None:
        return False
    calls: list[Any] = [
        node
        for node in nodes
        if node.__class__ is ast.Call
        and node.func.__class__ is ast.Attribute
        and node.func.value.__class__ is ast.Name
        and node.func.value.id == self_name
    ]
    if not calls or _rebinds(nodes, self_name):
        return False
    methods: Any = ask(ast.Name(id=owner, ctx=ast.Load()), "self methods")
    listed = {name: static for name, _, static in methods or ()}
    changed = False
    for call in calls:
        attr = call.func.attr
        if attr not in listed:
            continue
        receiver = call.func.value
        func = ast.Attribute(value=ast.Name(id=owner, ctx=ast.Load()), attr=attr, ctx=ast.Load())
        call.func = ast.copy_location(func, call.func)
        ast.copy_location(func.value, func)
        if not listed[attr]:
            call.args = [copy_tree(receiver), *call.args]
        changed = True
    return changed


def _owner_and_self(source: FunctionSource) -> tuple[str | None, str | None]:
    """(the module-level class `source.func` is a method of, its first parameter), or
    (None, None) for a plain function, a nested class's method, or a class the
    function's own names shadow."""
    func = source.func
    owner, _, name = getattr(func, "__qualname__", "").rpartition(".")
    if not owner or "." in owner or "<" in owner:
        return None, None
    cls = getattr(func, "__globals__", {}).get(owner)
    method = inspect.getattr_static(cls, name, None) if isinstance(cls, type) else None
    if method is not func or source.resolver.is_local(owner):
        return None, None
    params = list(inspect.signature(func).parameters)
    return (owner, params[0]) if params else (None, None)


def _rebinds(nodes: list, name: str) -> bool:
    """Whether the function assigns `name` (then `self` is not the instance throughout)."""
    return any(
        node.__class__ is ast.Name and node.id == name and node.ctx.__class__ is not ast.Load
        for node in nodes
    )

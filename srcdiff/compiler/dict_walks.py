"""What held.py does with a dict built in the function besides reading and storing keys:
loops over it, `.update(...)`, `.get(...)`, `len(d)`, `"k" in d` -- each decided by its
keys, which are known where every statement runs -- and the reasons it gives up.

    d = {"a": x, "b": y}                 d_a = x
    for k, v in d.items():       ->      d_b = y
        s = s + v * v                    k = "a"; v = d_a; s = s + v * v
                                         k = "b"; v = d_b; s = s + v * v

A loop over `d`, `d.keys()`, `.values()`, `.items()`, `list(...)`/`tuple(...)` of them,
`enumerate(...)` of them (and over a list of dicts held the same way) is unrolled, one
copy of the body per key (compiler/unrolling.py).  A value is assigned at the start of
its copy (`v = d_a`), so a change of `d["a"]` later in the body does not change `v`, as
in Python; a sub-dict is read through (`sub["w"]` is `d["a"]["w"]`), as Python's `sub`
is the same dict.  `d.update(c=e)` and `d.update({"c": e})` are stores of their keys
(new keys only where held.py adds keys: the block that builds the dict).

Where the dict is used in a way its keys don't decide, `Bail` carries what and where,
and held.py marks the dict's display with it, so the refusal points at that use.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from .astutil import walk
from .unrolling import OnePass, assign, bind_copy, own_jumps

_COPIES = (list, tuple)
_CONSUMERS = (list, tuple, sum, max, min)
_METHOD_HINTS = {
    "pop": (
        'read the value with {n}["k"] and leave the key in {n} (a loop over {n} then still '
        "visits it), or keep the value in a variable of its own"
    ),
    "popitem": 'read the values with constant keys ({n}["k"]) instead',
    "setdefault": (
        'give the key its value where {n} is built ({n} = {{..., "k": 0.0}}), or assign it '
        '({n}["k"] = ...) in the block that builds {n}'
    ),
    "update": (
        'update it with constant keys: {n}.update(a=...), {n}.update({{"a": ...}}) or '
        '{n}["a"] = ...'
    ),
}
_GENERIC_HINT = (
    'read and assign it with constant keys ({n}["a"], {n}["a"] = ...), loop over it '
    '(for k, v in {n}.items(): ...), or write the values out ([{n}["a"], {n}["b"]])'
)


class Bail(Exception):
    """The variable is used in a way held.py does not follow; `node`, `what` and `hint`
    (when given) say where and what to write instead, for the refusal."""

    def __init__(self, node=None, what=None, hint=None):
        super().__init__(what)
        self.node, self.what, self.hint = node, what, hint


class DictWalks:
    """Mixed into held._Hoist: needs `name`, `held`, `taken`, `source`, `tree`, `_node`,
    `_path`, `_display`."""

    name: str
    tree: ast.FunctionDef
    taken: set
    source: Any

    # -- loops ----------------------------------------------------------------------
    def iteration(self, node):
        """(elements, copy?) when a loop over `node` walks the held container, else None.
        Elements: ("const", key), ("value", read), ("alias", read), ("tuple", [...])."""
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in ("values", "keys", "items"):
                path = self.base_path(f.value)
                if path is None or node.args or node.keywords:
                    return None
                where = self._node(path)
                if where.kind != "dict":
                    return None
                keys = [("const", k) for k in where.keys]
                values = [self.element((*path, (False, k))) for k in where.keys]
                if f.attr == "keys":
                    return keys, False
                if f.attr == "values":
                    return values, False
                return [("tuple", [k, v]) for k, v in zip(keys, values)], False
            obj = self.source.resolver.resolve(f)
            if obj in _COPIES and len(node.args) == 1 and not node.keywords:
                inner = self.iteration(node.args[0])
                return None if inner is None else (inner[0], True)
            if obj is enumerate and len(node.args) == 1:
                start = _start(node)
                inner = self.iteration(node.args[0]) if start is not None else None
                if inner is None:
                    return None
                counted = [("tuple", [("const", start + i), e]) for i, e in enumerate(inner[0])]
                return counted, inner[1]
            return None
        path = self.base_path(node)
        if path is None:
            return None
        where = self._node(path)
        if where.kind == "dict":
            return [("const", k) for k in where.keys], False
        if where.kind in ("list", "tuple"):
            return [self.element((*path, (False, k))) for k in where.keys], False
        return None

    def base_path(self, node):
        """() for the variable itself, its path for `d["a"]`, else None."""
        if isinstance(node, ast.Name) and node.id == self.name:
            return ()
        return self._path(node)

    def element(self, path):
        read: ast.expr = ast.Name(id=self.name, ctx=ast.Load())
        for _, key in path:
            read = ast.Subscript(value=read, slice=ast.Constant(key), ctx=ast.Load())
        kind = self._node(path).kind
        return ("value" if kind in ("leaf", "constant") else "alias", read)

    def unrolled(self, loop, walk) -> list[ast.stmt]:
        """The copies of `loop`'s body, one per element (not yet rewritten)."""
        elements, copied = walk
        # break / continue: each copy a loop of one pass (unrolling.OnePass)
        plan = OnePass(loop.body, loop, self.taken) if any(own_jumps(loop.body)) else None
        loop_body = plan.body if plan else loop.body
        if copied and self._stores_into(loop.body):
            raise Bail(
                loop.iter,
                f"change the dict {self.name} while looping over a copy of it",
                f"loop over {self.name} itself and write the new values into another dict",
            )
        out: list[ast.stmt] = plan.start() if plan else []
        for element in elements:
            bindings = self._bindings(loop.target, element, loop)
            body = bind_copy(loop_body, bindings, loop) if bindings is not None else None
            if body is None:
                raise Bail(
                    loop.target,
                    f"bind this target of a loop over the dict {self.name}",
                    "unpack the keys and values into names (for k, v in d.items()) and "
                    "don't assign them in the body",
                )
            out += plan.guarded(body) if plan else body
        orelse = copy.deepcopy(loop.orelse)
        return out + (plan.guarded(orelse) if plan else orelse)

    def _bindings(self, target, element, loop):
        how, value = element
        if isinstance(target, ast.Name):
            if how == "tuple":
                return None
            if how == "alias" and self._read_outside(target.id, loop):
                return None
            return [(target.id, how, value if how != "const" else ast.Constant(value))]
        if isinstance(target, (ast.Tuple, ast.List)) and how == "tuple":
            if len(target.elts) != len(value):
                return None
            out = []
            for t, e in zip(target.elts, value):
                sub = self._bindings(t, e, loop)
                if sub is None:
                    return None
                out += sub
            return out
        return None

    def _read_outside(self, name, loop) -> bool:
        inside = sum(isinstance(n, ast.Name) and n.id == name for n in walk(loop))
        return inside != sum(isinstance(n, ast.Name) and n.id == name for n in walk(self.tree))

    def _stores_into(self, stmts) -> bool:
        for stmt in stmts:
            for n in walk(stmt):
                if isinstance(n, (ast.Subscript, ast.Attribute)) and not isinstance(
                    n.ctx, ast.Load
                ):
                    base: ast.expr = n
                    while isinstance(base, (ast.Subscript, ast.Attribute)):
                        base = base.value
                    if isinstance(base, ast.Name) and base.id == self.name:
                        return True
                if self.updates(n) is not None:
                    return True
        return False

    # -- update ---------------------------------------------------------------------
    def updates(self, stmt):
        """`d.update(...)` / `d |= {...}` as the stores it makes (`d["c"] = e`), else None;
        values are computed first where a later store could change what they read."""
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            f = call.func
            if not (
                isinstance(f, ast.Attribute)
                and f.attr == "update"
                and isinstance(f.value, ast.Name)
                and f.value.id == self.name
            ):
                return None
            if len(call.args) > 1 or any(k.arg is None for k in call.keywords):
                raise self.method_bail(call)
            pairs = self._pairs(call.args[0], call) if call.args else []
            pairs += [(k.arg, k.value) for k in call.keywords]
        elif (
            isinstance(stmt, ast.AugAssign)
            and isinstance(stmt.op, ast.BitOr)
            and isinstance(stmt.target, ast.Name)
            and stmt.target.id == self.name
        ):
            pairs = self._pairs(stmt.value, stmt)
        else:
            return None
        return self._stores(pairs, stmt)

    def _pairs(self, value, call):
        if isinstance(value, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, (str, int)) for k in value.keys
        ):
            return [(k.value, v) for k, v in zip(value.keys, value.values)]
        if (
            isinstance(value, ast.Call)
            and self.source.resolver.resolve(value.func) is dict
            and not value.args
            and all(k.arg is not None for k in value.keywords)
        ):
            return [(k.arg, k.value) for k in value.keywords]
        raise self.method_bail(call if isinstance(call, ast.Call) else value)

    def _stores(self, pairs, stmt) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        later: list = []
        reads = len(pairs) > 1 and any(
            isinstance(n, ast.Name) and n.id == self.name for _, v in pairs for n in walk(v)
        )
        for key, value in pairs:
            if reads:  # d.update(a=d["b"], b=d["a"]): both read before either is stored
                temp = self._fresh(f"{self.name}_{key}_new")
                out.append(assign(temp, value, stmt))
                value = ast.Name(id=temp, ctx=ast.Load())
            target = ast.Subscript(
                value=ast.Name(id=self.name, ctx=ast.Load()),
                slice=ast.Constant(key),
                ctx=ast.Store(),
            )
            later.append(assign(target, value, stmt))
        return out + later

    def _fresh(self, base):
        text = "".join(c if c.isalnum() or c == "_" else "_" for c in base)
        name, n = text, 1
        while name in self.taken:
            n += 1
            name = f"{text}_{n}"
        self.taken.add(name)
        return name

    # -- calls and tests decided by the keys ---------------------------------------------
    def known_call(self, call):
        """`len(d)` as a constant, `d.get("k", default)` as `d["k"]` or the default,
        `sum(d.values())` (list, tuple, sum, max, min of a view, which they read at
        once) as the call of a list display of the values; else None."""
        func = self.source.resolver.resolve(call.func)
        if func in _CONSUMERS and call.args:
            listed = self.listed(call.args[0])
            if listed is not None and func in _COPIES and len(call.args) == 1:
                return listed if func is list else ast.Tuple(elts=listed.elts, ctx=ast.Load())
            if listed is not None:
                return ast.Call(
                    func=call.func, args=[listed, *call.args[1:]], keywords=call.keywords
                )
        copied = self.copied(call, func)
        if copied is not None:
            return copied
        if func is len and len(call.args) == 1:
            path = self.base_path(call.args[0])
            if path is not None:
                where = self._node(path)
                if where.kind in ("dict", "list", "tuple", "record"):
                    return ast.Constant(len(where.keys))
            return None
        f = call.func
        if not (isinstance(f, ast.Attribute) and f.attr == "get" and 1 <= len(call.args) <= 2):
            return None
        path = self.base_path(f.value)
        key = call.args[0]
        if path is None or call.keywords:
            return None
        if not (isinstance(key, ast.Constant) and isinstance(key.value, (str, int))):
            raise self.dynamic_bail(call)
        where = self._node(path)
        if where.kind != "dict":
            return None
        if where.child(key.value) is not None:
            return self.element((*path, (False, key.value)))[1]
        return call.args[1] if len(call.args) == 2 else ast.Constant(None)

    def copied(self, call, func):
        """`dict(d)` / `d.copy()` of a dict of leaves as the display of its current
        values (a nested dict is refused: its copy would share the inner dicts)."""
        f = call.func
        if func is dict and len(call.args) == 1 and not call.keywords:
            path = self.base_path(call.args[0])
        elif isinstance(f, ast.Attribute) and f.attr == "copy" and not call.args:
            path = self.base_path(f.value)
        else:
            return None
        if path is None:
            return None
        where = self._node(path)
        if where.kind != "dict" or any(c.kind not in ("leaf", "constant") for c in where.children):
            return None
        return self._display(where)

    def listed(self, node):
        """`d.values()`, `d.keys()` or `d` (its keys) as a list display, else None."""
        walk = self.iteration(node)
        if walk is None or isinstance(node, ast.Call) and node.func.attr == "items":
            return None
        if any(how not in ("const", "value") for how, _ in walk[0]):
            return None
        items = [ast.Constant(v) if how == "const" else v for how, v in walk[0]]
        return ast.List(elts=items, ctx=ast.Load())

    def membership(self, node):
        """`"k" in d` / `not in` as a constant, else None."""
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.In, ast.NotIn)):
            return None
        path = self.base_path(node.comparators[0])
        if path is None or not isinstance(node.left, ast.Constant):
            return None
        where = self._node(path)
        if where.kind != "dict":
            return None
        found = where.child(node.left.value) is not None
        return ast.Constant(found == isinstance(node.ops[0], ast.In))

    def passed_elsewhere(self, call):
        """A method of the dict called, or the dict given to a function that is not the
        user's: the reason (Bail); else nothing."""
        f = call.func
        if isinstance(f, ast.Attribute) and self.base_path(f.value) is not None:
            if self._node(self.base_path(f.value)).kind == "dict":
                raise self.method_bail(call)
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(arg, ast.Starred):
                arg = arg.value
            path = self.base_path(arg)
            if path is not None and self._node(path).kind not in ("leaf", "constant"):
                raise Bail(
                    arg,
                    f"pass the dict {self.name} to {ast.unparse(f)}, which is not a "
                    "function of yours",
                    f'pass it the values it needs ({self.name}["a"], or a list of them: '
                    f'[{self.name}["a"], {self.name}["b"]]), or call a function of yours with '
                    f"{self.name}: srcdiff gives it the dict's values",
                )

    # -- reasons --------------------------------------------------------------------
    def method_bail(self, call) -> Bail:
        attr = call.func.attr if isinstance(call.func, ast.Attribute) else "update"
        hint = _METHOD_HINTS.get(attr, _GENERIC_HINT).format(n=self.name)
        if attr in ("items", "values", "keys"):
            hint = (
                f"loop over it (for k, v in {self.name}.items(): ...), or write the values "
                f'out: [{self.name}["a"], {self.name}["b"]]'
            )
        return Bail(call, f"call .{attr}() of the dict {self.name} here", hint)

    def dynamic_bail(self, node) -> Bail:
        return Bail(
            node,
            f"read the dict {self.name} with a key known only as the code runs",
            f'use a constant key ({self.name}["a"]), or loop over the dict (for k, v in '
            f'{self.name}.items()) or over its keys written out (for k in ("a", "b")): '
            "those loops are unrolled; values chosen by a number belong in a list or array",
        )


def _start(call):
    """enumerate's start (0 when not given) if it is a constant, else None."""
    for k in call.keywords:
        if k.arg != "start":
            return None
        v = k.value
        return v.value if isinstance(v, ast.Constant) and type(v.value) is int else None
    return 0

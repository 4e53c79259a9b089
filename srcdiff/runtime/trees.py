"""Containers of parameters ("pytrees"): flattening them into leaves and back.

A pytree is a dict, list, tuple, NamedTuple, dataclass instance or a registered type
(`register_pytree_node`) whose children are pytrees or leaves.  A *leaf* is anything
else: a float, an array, an int, a string, None -- and, as srcdiff has always taken them
as one argument, a list or tuple of plain numbers (so `coeffs[i]` with a loop index still
reads one argument).  `tree_flatten(tree) -> (leaves, treedef)`; `tree_unflatten(treedef,
leaves)` builds the same structure (same container types, keys, fields) around new
leaves: how a gradient gets its argument's shape.

Dict keys keep their insertion order (not sorted as JAX sorts them): the gradient of
`{"w": ..., "b": ...}` is `{"w": dw, "b": db}`, in the order the user wrote.

Pure data and functions (NumPy only): the compiler reads a TreeDef's structure, the API
flattens values, and built modules can copy this file.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple

import numpy as np

# cls -> (flatten(obj) -> (children, aux), unflatten(aux, children) -> obj, names(aux) or
# None): registered container types; `names` gives the children's attribute names when
# `obj.name` reads them (dataclasses), else children are read by position only
_REGISTRY: dict[type, tuple[Callable, Callable, Callable | None]] = {}


class TreeDef(NamedTuple):
    """The structure of a pytree: a node's type, its keys (dict keys, field names,
    positions), its auxiliary data (hashable), and its children's TreeDefs; a leaf is
    TreeDef(LEAF, (), None, ())."""

    kind: Any  # LEAF, or the container type
    keys: tuple
    aux: Hashable
    children: tuple

    @property
    def is_leaf(self) -> bool:
        return self.kind is LEAF

    @property
    def num_leaves(self) -> int:
        if self.is_leaf:
            return 1
        return sum(c.num_leaves for c in self.children)

    def child(self, key: object) -> TreeDef | None:
        """The child at dict key / field name / index `key`, or None."""
        for k, c in zip(self.keys, self.children):
            if k == key and type(k) is type(key):
                return c
        if isinstance(key, int) and not isinstance(key, bool) and self.by_position:
            n = len(self.children)
            if -n <= key < n:
                return self.children[key]
        return None

    @property
    def by_position(self) -> bool:
        """Children read by index (`ws[0]`): lists, tuples, NamedTuples."""
        return isinstance(self.kind, type) and issubclass(self.kind, (list, tuple))

    @property
    def by_attribute(self) -> bool:
        """Children read as attributes (`p.w`): NamedTuples, dataclasses, registered types
        with names."""
        if not isinstance(self.kind, type):
            return False
        if issubclass(self.kind, tuple) and hasattr(self.kind, "_fields"):
            return True
        if self.kind in _REGISTRY:
            return _REGISTRY[self.kind][2] is not None
        return self.aux in ("dataclass", "object")

    def __repr__(self) -> str:
        return f"TreeDef({self.describe()})"

    def describe(self) -> str:
        """`dict{'w': leaf, 'b': leaf}`: for messages."""
        if self.is_leaf:
            return "leaf"
        name = getattr(self.kind, "__name__", str(self.kind))
        inner = ", ".join(f"{k!r}: {c.describe()}" for k, c in zip(self.keys, self.children))
        return f"{name}{{{inner}}}"


class _Leaf:
    def __repr__(self):
        return "LEAF"


LEAF = _Leaf()
_LEAF_DEF = TreeDef(LEAF, (), None, ())


def _plain_numbers(value) -> bool:
    return all(
        isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_))
        for v in value
    )


def is_node(value: object) -> bool:
    """Whether `value` is a container srcdiff looks inside (see the module docstring)."""
    t = type(value)
    if t in (float, int, bool, str, np.ndarray, np.float64, type(None)):
        return False
    if t in _REGISTRY or t is dict:
        return True
    if isinstance(value, tuple) and hasattr(t, "_fields"):
        return True  # a NamedTuple: always by field, even of plain numbers
    if isinstance(value, (list, tuple)):
        return bool(value) and not _plain_numbers(value)
    if isinstance(value, dict):
        return True
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def register_pytree_node(
    cls: type,
    flatten: Callable[[Any], tuple[Iterable, Hashable]],
    unflatten: Callable[[Hashable, Iterable], Any],
    names: Callable[[Hashable], Iterable[str]] | None = None,
) -> None:
    """Make `cls` a container srcdiff looks inside, as `jax.tree_util.register_pytree_node`:
    `flatten(obj) -> (children, aux)` (aux hashable: whatever else unflatten needs),
    `unflatten(aux, children) -> obj`.  `names(aux)`, if given, are the attribute names
    the children are read by inside differentiated code (`obj.w`)."""
    if not isinstance(cls, type):
        raise TypeError(f"register_pytree_node takes a class, not {cls!r}")
    _REGISTRY[cls] = (flatten, unflatten, names)


def registered(cls: object) -> tuple[Callable, Callable, Callable | None] | None:
    """(flatten, unflatten, names) of a type given to register_pytree_node, else None."""
    try:
        return _REGISTRY.get(cls)  # type: ignore[call-overload]
    except TypeError:  # unhashable
        return None


def tree_flatten(tree: object, *, as_object: bool = False) -> tuple[list, TreeDef]:
    """(leaves in order, structure).  `as_object`: `tree` itself, if it is an instance of
    a plain class, is a node whose children are its attributes (`vars(tree)`): the `self`
    of a bound method, so `self.w` reads a leaf."""
    leaves: list = []
    if as_object and not is_node(tree) and hasattr(tree, "__dict__"):
        names = tuple(vars(tree))
        children = tuple(_flatten(getattr(tree, n), leaves) for n in names)
        return leaves, TreeDef(type(tree), names, "object", children)
    return leaves, _flatten(tree, leaves)


def _flatten(value, leaves) -> TreeDef:
    if not is_node(value):
        leaves.append(value)
        return _LEAF_DEF
    t = type(value)
    if t in _REGISTRY:
        flatten, _, names = _REGISTRY[t]
        children, aux = flatten(value)
        children = list(children)
        keys = tuple(names(aux)) if names is not None else tuple(range(len(children)))
        return TreeDef(t, keys, aux, tuple(_flatten(c, leaves) for c in children))
    if isinstance(value, dict):
        keys = tuple(value)
        return TreeDef(t, keys, None, tuple(_flatten(value[k], leaves) for k in keys))
    if isinstance(value, tuple) and hasattr(t, "_fields"):
        keys = tuple(t._fields)
        return TreeDef(t, keys, None, tuple(_flatten(v, leaves) for v in value))
    if isinstance(value, (list, tuple)):
        keys = tuple(range(len(value)))
        return TreeDef(t, keys, None, tuple(_flatten(v, leaves) for v in value))
    fields = [f.name for f in dataclasses.fields(value)]
    return TreeDef(
        t,
        tuple(fields),
        "dataclass",
        tuple(_flatten(getattr(value, f), leaves) for f in fields),
    )


def tree_unflatten(treedef: TreeDef, leaves: Iterable) -> object:
    """The structure `treedef` around `leaves` (in tree_flatten's order)."""
    it = iter(leaves)
    result = _build(treedef, it)
    rest = list(it)
    if rest:
        raise ValueError(f"tree_unflatten: {len(rest)} leaves too many for {treedef.describe()}")
    return result


def _build(treedef, it):
    if treedef.is_leaf:
        try:
            return next(it)
        except StopIteration:
            raise ValueError("tree_unflatten: too few leaves") from None
    children = [_build(c, it) for c in treedef.children]
    t = treedef.kind
    if t in _REGISTRY:
        return _REGISTRY[t][1](treedef.aux, children)
    if issubclass(t, dict):
        out = t() if t is not dict else {}
        for k, v in zip(treedef.keys, children):
            out[k] = v
        return out
    if issubclass(t, tuple) and hasattr(t, "_fields"):
        return t(*children)
    if issubclass(t, (list, tuple)):
        return t(children)
    obj = object.__new__(t)  # a dataclass or object: fields set without running __init__
    for name, v in zip(treedef.keys, children):
        object.__setattr__(obj, name, v)
    return obj


def tree_leaves(tree: object) -> list:
    """The leaves of `tree`, in order."""
    return tree_flatten(tree)[0]


def tree_map(fn: Callable, tree: object, *rest: object) -> object:
    """`fn` applied to every leaf (and the matching leaves of `rest`), same structure."""
    leaves, treedef = tree_flatten(tree)
    others = [tree_flatten(r)[0] for r in rest]
    return tree_unflatten(treedef, [fn(*xs) for xs in zip(leaves, *others)])


def flatten_like(treedef: TreeDef, value: object) -> list:
    """The leaves of `value` read by `treedef`'s structure (a list where the structure has
    a list is a container, whatever it holds); ValueError saying where the two differ."""
    leaves: list = []
    _flatten_like(treedef, value, leaves, "")
    return leaves


def _flatten_like(td, value, leaves, where):
    if td.is_leaf:
        leaves.append(value)
        return
    t = td.kind
    here = where or "the top"
    if issubclass(t, dict):
        if not isinstance(value, dict) or set(value) != set(td.keys):
            got = f"keys {list(value)}" if isinstance(value, dict) else type(value).__name__
            raise ValueError(f"at {here}: expected a dict with keys {list(td.keys)}, got {got}")
        for k, c in zip(td.keys, td.children):
            _flatten_like(c, value[k], leaves, f"{where}[{k!r}]")
        return
    if t in (list, tuple):
        if type(value) not in (list, tuple) or len(value) != len(td.children):
            got = (
                f"{type(value).__name__} of {len(value)}"
                if isinstance(value, (list, tuple))
                else type(value).__name__
            )
            raise ValueError(f"at {here}: expected a {t.__name__} of {len(td.children)}, got {got}")
        for i, c in enumerate(td.children):
            _flatten_like(c, value[i], leaves, f"{where}[{i}]")
        return
    if type(value) is not t:
        raise ValueError(f"at {here}: expected a {t.__name__}, got {type(value).__name__}")
    if t in _REGISTRY:  # its children as its own flatten gives them
        children = list(_REGISTRY[t][0](value)[0])
        if len(children) != len(td.children):
            raise ValueError(
                f"at {here}: expected {len(td.children)} children, got {len(children)}"
            )
        for k, c, v in zip(td.keys, td.children, children):
            _flatten_like(c, v, leaves, f"{where}.{k}" if isinstance(k, str) else f"{where}[{k}]")
        return
    for k, c in zip(td.keys, td.children):
        _flatten_like(c, getattr(value, k), leaves, f"{where}.{k}")


def structure_of(value):
    """The nesting a function built by `srcdiff build` for a container argument checks
    before reading it: a dict's keys, a list's or tuple's items (each with their own
    nesting), None for a leaf (a number, an array, a tuple of numbers).  Code unrolled over
    a container's keys is only right for the structure it was built for.  A NamedTuple or
    dataclass gives (its class, {field: nesting})."""
    if isinstance(value, dict):
        return {k: structure_of(v) for k, v in value.items()}
    t = type(value)
    if isinstance(value, tuple) and hasattr(t, "_fields"):  # a NamedTuple: class and fields
        return (t, {f: structure_of(getattr(value, f)) for f in t._fields})
    if hasattr(t, "__dataclass_fields__"):  # a dataclass (no import: built modules copy this)
        names = [f for f in t.__dataclass_fields__ if hasattr(value, f)]
        return (t, {f: structure_of(getattr(value, f)) for f in names})
    if isinstance(value, (list, tuple)) and not all(
        isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in value
    ):
        items = [structure_of(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return None


def leaf_spellings(td: TreeDef, expr: str) -> list[str]:
    """How each leaf of a container `expr` holds is read: params["w"], p.w, ws[0] (the
    names error messages and check_grad's rows give the flat view's parameters)."""
    if td.is_leaf:
        return [expr]
    out: list[str] = []
    for k, c in zip(td.keys, td.children):
        if td.by_attribute and isinstance(k, str):
            out += leaf_spellings(c, f"{expr}.{k}")
        else:
            out += leaf_spellings(c, f"{expr}[{key_literal(k)}]")
    return out


def key_literal(key: object) -> str:
    """A key as ruff format writes it: "w" in double quotes."""
    if isinstance(key, str) and '"' not in key and "\\" not in key:
        return f'"{key}"'
    return repr(key)

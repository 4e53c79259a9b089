"""Containers of parameters in the API: flatten the arguments, differentiate the flat view,
give each gradient its argument's structure.

A call whose arguments include a dict, a list or tuple of arrays, a NamedTuple, a
dataclass instance or a registered container (runtime/trees.py) is answered by the same
derivative of the function's flat view (compiler/trees.py: one parameter per leaf), made
once per structure: `grad(loss)(params, x)` is `grad(loss_flat, wrt=(params_w,
params_b))(w, b, x)`, whose two gradients become `{"w": dw, "b": db}`.

Leaves that carry no derivative -- ints, bools, strings, None, integer arrays -- get None
in the gradient (JAX gives float0 zeros; None says plainly that nothing was computed).
Integer arguments that are not inside a container are differentiated as the floats they
equal, as before.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from ..compiler.analysis import ARRAY, SCALAR, SEQ, kind_of_value
from ..compiler.trees import FlatView, flat_view
from ..errors import ArgumentError
from ..runtime.trees import TreeDef, is_node, tree_flatten, tree_unflatten


def has_containers(values) -> bool:
    """Whether any of `values` is a container srcdiff looks inside (cheap: per call)."""
    return any(type(v) not in _PLAIN and is_node(v) for v in values)


_PLAIN = {float, int, bool, np.ndarray, np.float64, str, type(None)}


def differentiable(leaf) -> bool:
    """A float, a float array or a list of floats: a leaf that gets a gradient."""
    return kind_of_value(leaf) in (SCALAR, ARRAY, SEQ) and not (
        isinstance(leaf, (int, np.integer, bool, np.bool_))
    )


class Flattened:
    """One call's arguments, flattened for `func`'s flat view."""

    def __init__(self, func, values):
        self.params = [p for p in inspect.signature(func).parameters]
        self.values = tuple(values)
        defs: dict[str, TreeDef] = {}
        self.leaves: dict[str, list] = {}
        for p, v in zip(self.params, values):
            if is_node(v):
                self.leaves[p], defs[p] = tree_flatten(v)
        self.view: FlatView = flat_view(func, defs)
        self.flat_values = []
        for p, v in zip(self.params, values):
            self.flat_values += self.leaves[p] if p in self.leaves else [v]
        self.flat_values = tuple(self.flat_values)

    @property
    def key(self):
        return tuple(sorted((p, td) for p, td in self.view.treedefs.items()))

    def flat_wrt(self, names) -> tuple[str, ...]:
        """The flat parameters differentiated for `names`: a container's float leaves."""
        out = []
        for p in names:
            if p in self.leaves:
                out += [n for n, v in zip(self.view.leaves[p], self.leaves[p]) if differentiable(v)]
            else:
                out.append(p)
        return tuple(out)

    def regroup(self, names, grads) -> tuple:
        """Gradients of the flat wrt (in flat_wrt's order) -> one per name in `names`,
        containers rebuilt around their leaves' gradients (None where none)."""
        by_flat = dict(zip(self.flat_wrt(names), grads))
        out = []
        for p in names:
            if p in self.leaves:
                td = self.view.treedefs[p]
                out.append(tree_unflatten(td, [by_flat.get(n) for n in self.view.leaves[p]]))
            else:
                out.append(by_flat[p])
        return tuple(out)

    def label(self, flat_name: str) -> str:
        """`params['w']` for the flat parameter params_w (check_grad's rows)."""
        for p, names in self.view.leaves.items():
            if flat_name in names:
                path = _paths(self.view.treedefs[p])[names.index(flat_name)]
                return p + "".join(f"[{k!r}]" for k in path)
        return flat_name


def _paths(td, prefix=()):
    if td.is_leaf:
        return [prefix]
    out = []
    for k, c in zip(td.keys, td.children):
        out += _paths(c, (*prefix, k))
    return out


def gradient_call(
    func, names, output, make: Callable[[Callable, tuple], Callable]
) -> Callable:
    """What grad & co. call for arguments with containers: `make(flat_func, flat_wrt)`
    is the same derivative of the flat view (grad, value_and_grad, ...), made once per
    structure; its gradients are regrouped (`output` says where they are)."""
    made: dict = {}
    at = {"value_and_grad": 1, "grad_aux": 0, "value_and_grad_aux": 1}.get(output)

    def call(*values, **keyword_only):
        # (the dispatcher passes keyword-only parameters by keyword, in order)
        flat = Flattened(func, values + tuple(keyword_only.values()))
        wrt = flat.flat_wrt(names)
        if not wrt:
            raise ArgumentError(
                f"nothing to differentiate: the containers given for "
                f"{', '.join(names)} have no float leaves",
                hint="give floats or float arrays where the derivative is wanted "
                "(ints, strings and None carry none)",
            )
        key = (flat.key, wrt)
        inner = made.get(key)
        if inner is None:
            inner = made[key] = make(flat.view.func, wrt)
        result = inner(*flat.flat_values)
        grads = result if at is None else result[at]
        regrouped = flat.regroup(names, grads)
        g = regrouped[0] if len(names) == 1 else regrouped
        if at is None:
            return g
        parts = list(result)
        parts[at] = g
        return tuple(parts)

    return call

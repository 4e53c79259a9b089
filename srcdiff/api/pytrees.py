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
from ..compiler.results import COMPUTED, result_tree
from ..compiler.trees import FlatView, flat_view
from ..errors import ArgumentError, SourceUnavailableError
from ..runtime.trees import (
    TreeDef,
    flatten_like,
    is_node,
    key_literal,
    leaf_spellings,
    structure_of,
    tree_flatten,
    tree_unflatten,
)
from .finite import is_complex


def has_containers(values) -> bool:
    """Whether any of `values` is a container srcdiff looks inside (cheap: per call)."""
    return any(type(v) not in _PLAIN and is_node(v) for v in values)


_PLAIN = {float, int, bool, np.ndarray, np.float64, str, type(None)}


def returns_container(func) -> bool:
    """Whether `func` returns a dict, NamedTuple or dataclass (compiler/results.py): jvp,
    vjp and jacobian then differentiate its flat view, which returns the leaves."""
    if not inspect.isfunction(func):
        return False
    try:
        return result_tree(func) is not None
    except SourceUnavailableError:
        return False  # (the derivative itself reports it)


def structured_result(flat: Flattened, leaves, fill=COMPUTED):
    """The flat view's result (one computed leaf, or a tuple of them) in the function's
    result structure: constant leaves are themselves, or `fill` (tangents, Jacobians:
    None) if one is given."""
    result = flat.view.result
    if result is None:
        return leaves
    computed = iter((leaves,) if result.computed == 1 else tuple(leaves))
    values = [
        next(computed) if c is COMPUTED else (c if fill is COMPUTED else fill)
        for c in result.constants
    ]
    return tree_unflatten(result.treedef, values)


def flat_cotangent(flat: Flattened, cotangent, func_name: str):
    """A cotangent of the result's structure -> the flat view's (its computed leaves);
    ArgumentError naming the structure expected where it differs."""
    result = flat.view.result
    if result is None:
        return cotangent
    try:
        leaves = flatten_like(result.treedef, cotangent)
    except ValueError as exc:
        raise ArgumentError(
            f"the cotangent for {func_name}'s result must have the result's structure "
            f"({result.describe()}): {exc}",
            hint="give the pullback a container like the function's result (one cotangent "
            "per leaf, each of its leaf's shape; anything for leaves that are constants)",
        ) from None
    computed = [ct for ct, c in zip(leaves, result.constants) if c is COMPUTED]
    return computed[0] if len(computed) == 1 else tuple(computed)


def differentiable(leaf) -> bool:
    """A float, a float array or a list of floats: a leaf that gets a gradient."""
    t = type(leaf)
    if t is float or t is np.float64:
        return True
    if t is np.ndarray:
        return leaf.dtype.kind == "f"
    if t in (int, bool, str, type(None)):
        return False
    return kind_of_value(leaf) in (SCALAR, ARRAY, SEQ) and not (
        isinstance(leaf, (int, np.integer, bool, np.bool_))
    )


def _parameters(func) -> tuple[str, ...]:
    """Every parameter of `func`, in order (cached: asked on every call)."""
    key = (func, getattr(func, "__code__", None))
    found = _PARAMS.get(key)
    if found is None:
        found = _PARAMS[key] = tuple(inspect.signature(func).parameters)
    return found


_PARAMS: dict = {}


class Flattened:
    """One call's arguments, flattened for `func`'s flat view."""

    def __init__(self, func, values, objects=frozenset(), results=False, keep=frozenset()):
        # (`keep`: parameters passed as they are, not flattened -- srcdiff build's data
        # tuples, whose built code then takes any length)
        self.params = list(_parameters(func))
        self.values = tuple(values)
        self._wrt: dict = {}
        defs: dict[str, TreeDef] = {}
        self.leaves: dict[str, list] = {}
        for p, v in zip(self.params, values):
            if p in keep:
                continue
            if is_node(v) or (p in objects and hasattr(v, "__dict__")):
                self.leaves[p], defs[p] = tree_flatten(v, as_object=p in objects)
        self.view: FlatView = flat_view(func, defs, results)
        self.flat_values = []
        for p, v in zip(self.params, values):
            self.flat_values += self.leaves[p] if p in self.leaves else [v]
        self.flat_values = tuple(self.flat_values)
        self._refuse_complex_leaves(func)

    def _refuse_complex_leaves(self, func) -> None:
        """Real values only (requests.check_differentiable), named as the caller passed
        them (`c[0]`, not the flat parameter c_0)."""
        for p, leaves in self.leaves.items():
            for flat_name, leaf in zip(self.view.leaves[p], leaves):
                if is_complex(leaf):
                    raise ArgumentError(
                        f"{func.__name__}'s argument {p!r} holds a complex value at "
                        f"{self.label(flat_name)} ({getattr(leaf, 'dtype', type(leaf).__name__)}); "
                        "srcdiff differentiates real values only",
                        hint="pass the real and imaginary parts as separate real leaves "
                        "(x.real, x.imag) and carry them as two real values inside the function",
                    )

    @property
    def key(self):
        return tuple(self.view.treedefs.items())

    def flat_wrt(self, names) -> tuple[str, ...]:
        """The flat parameters differentiated for `names`: a container's float leaves."""
        if names in self._wrt:
            return self._wrt[names]
        out = []
        for p in names:
            if p in self.leaves:
                out += [n for n, v in zip(self.view.leaves[p], self.leaves[p]) if differentiable(v)]
            else:
                out.append(p)
        self._wrt[names] = found = tuple(out)
        return found

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
                return leaf_spellings(self.view.treedefs[p], p)[names.index(flat_name)]
        return flat_name


def gradient_call(
    func, names, output, make: Callable[[Callable, tuple], Callable], objects=frozenset()
) -> Callable:
    """What grad & co. call for arguments with containers: `make(flat_func, flat_wrt)`
    is the same derivative of the flat view (grad, value_and_grad, ...), made once per
    structure; its gradients are regrouped (`output` says where they are)."""
    made: dict = {}
    at = {"value_and_grad": 1, "grad_aux": 0, "value_and_grad_aux": 1}.get(output)

    def call(*values, **keyword_only):
        # (the dispatcher passes keyword-only parameters by keyword, in order)
        flat = Flattened(func, values + tuple(keyword_only.values()), objects)
        wrt = flat.flat_wrt(names)
        if not wrt:
            given = ", ".join(
                f"{p!r} ({type(flat.values[flat.params.index(p)]).__name__})" for p in names
            )
            raise ArgumentError(
                f"cannot differentiate {func.__name__} with respect to {given}: "
                "nothing given for it has float leaves",
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


def flat_tangents(flat: Flattened, tangents) -> tuple:
    """jvp's tangents for the flat view: a container's tangent is a container of the same
    structure (or None: no tangent); leaves that carry no derivative get None."""
    out: list = []
    for p, t in zip(flat.params, tangents):
        if p not in flat.leaves:
            out.append(t)
            continue
        primal_leaves = flat.leaves[p]
        if t is None:
            out += [None] * len(primal_leaves)
            continue
        # read by the primal's structure, keys by name (a tangent of another structure
        # with as many leaves was read in order: {"b": 1.0, "a": 0.0} for {"a": .., "b": ..}
        # gave the tangent along a)
        try:
            leaves = flatten_like(flat.view.treedefs[p], t)
        except ValueError as exc:
            raise ArgumentError(
                f"the tangent for {p} must have its primal's structure "
                f"({flat.view.treedefs[p].describe()}): {exc}",
                hint="give a container like the primal (one tangent per leaf, each of its "
                "leaf's shape), or None for no tangent",
            ) from None
        out += [t if differentiable(v) else None for t, v in zip(leaves, primal_leaves)]
    return tuple(out)


def regroup_all(flat: Flattened, values_by_flat: dict) -> tuple:
    """One value per original parameter from values of flat parameters (missing: None),
    containers rebuilt."""
    out = []
    for p in flat.params:
        if p in flat.leaves:
            td = flat.view.treedefs[p]
            out.append(tree_unflatten(td, [values_by_flat.get(n) for n in flat.view.leaves[p]]))
        else:
            out.append(values_by_flat.get(p))
    return tuple(out)


def hessian_blocks(flat: Flattened, name: str, grad_code: Callable, jvp: Callable):
    """The Hessian of the flat view with respect to the leaves of container `name`, as
    JAX gives it: a container of containers of blocks, H[i][j] of shape leaf_i.shape +
    leaf_j.shape (None where a leaf carries no derivative).  `grad_code` is the compiled
    gradient with respect to those leaves; one forward pass over it per element of each
    leaf (forward over reverse)."""
    wrt = flat.flat_wrt((name,))
    values = dict(zip(flat.view.func.__code__.co_varnames, flat.flat_values))
    flat_params = list(inspect.signature(flat.view.func).parameters)
    shapes = {n: np.shape(values[n]) for n in wrt}
    blocks: dict[str, dict] = {i: {} for i in wrt}
    for j in wrt:
        columns = []
        for k in np.ndindex(shapes[j]):
            tangents: list = [None] * len(flat_params)
            e = np.zeros(shapes[j])
            e[k] = 1.0
            tangents[flat_params.index(j)] = e if shapes[j] else 1.0
            _, t = jvp(grad_code, flat.flat_values, tangents)
            t = t if len(wrt) > 1 else (t,)
            columns.append([np.asarray(ti, dtype=float) for ti in t])
        for a, i in enumerate(wrt):
            col = [c[a] for c in columns]
            block = np.stack(col, axis=-1) if col else np.zeros(shapes[i] + (0,))
            blocks[i][j] = block.reshape(shapes[i] + shapes[j])
            if not shapes[i] and not shapes[j]:
                blocks[i][j] = float(blocks[i][j])
    td = flat.view.treedefs[name]
    leaves = flat.view.leaves[name]
    rows = [
        tree_unflatten(td, [blocks[i].get(j) for j in leaves]) if i in blocks else None
        for i in leaves
    ]
    return tree_unflatten(td, rows)


def readable(gen, flat: Flattened, names, output, guard=False):
    """Generated code of the flat view with a function of the original signature in front:
    it reads the leaves (`params["w"]`), calls the flat code (renamed `<entry>_leaves`) and
    returns gradients in the arguments' structure (`{"w": dparams_w, "b": dparams_b}`).
    Gradients only ("grad", "value_and_grad"); otherwise, or for a registered container
    type, the flat code unchanged."""
    import dataclasses
    import re

    if output not in ("grad", "value_and_grad"):
        return gen
    bindings = dict(gen.bindings)
    glob = flat.view.original.__globals__

    def cls_name(cls):
        name = cls.__name__
        if glob.get(name) is cls or bindings.get(name) is cls:
            return name
        return None

    def display(td, leaves):
        if td.is_leaf:
            return next(leaves)
        parts = [display(c, leaves) for c in td.children]
        kind = td.kind
        if kind is dict:
            return "{" + ", ".join(f"{key_literal(k)}: {v}" for k, v in zip(td.keys, parts)) + "}"
        if kind is list:
            return "[" + ", ".join(parts) + "]"
        if kind is tuple:
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        name = cls_name(kind)
        if name is None:
            raise LookupError(kind)
        if hasattr(kind, "_fields"):
            return f"{name}({', '.join(parts)})"
        if td.aux == "dataclass" and all(f.init for f in dataclasses.fields(kind)):
            return f"{name}({', '.join(f'{k}={v}' for k, v in zip(td.keys, parts))})"
        raise LookupError(kind)

    flat_params = list(inspect.signature(flat.view.func).parameters)
    wrt = flat.flat_wrt(names)
    leaves_entry = f"{gen.entry}_leaves"
    if re.search(rf"\b{leaves_entry}\b", gen.text):
        return gen
    args = []
    for p in flat.params:
        if p in flat.leaves:
            args += leaf_spellings(flat.view.treedefs[p], p)
        else:
            args.append(p)
    grads = [f"d{n}" for n in wrt]
    try:
        results = []
        for p in names:
            if p in flat.leaves:
                by = dict(zip(wrt, grads))
                it = iter([by.get(n, "None") for n in flat.view.leaves[p]])
                results.append(display(flat.view.treedefs[p], it))
            else:
                results.append(f"d{p}")
    except LookupError:
        return gen
    if any(g in flat_params for g in grads):
        return gen
    got = ", ".join(grads)  # (one gradient: the leaves function returns it bare)
    what = "Gradient" if output == "grad" else "Value and gradient"
    lines = [
        f"def {gen.entry}({', '.join(_with_defaults(flat.view.original, flat.params))}):",
        f'    """{what} of {flat.view.original.__name__} with respect to {", ".join(names)}, '
        f'in their structure."""',
    ]
    if guard:  # srcdiff build: the code is right only for the structures it was built for
        checker = "structure_of"
        taken = {*flat_params, *flat.params}
        if checker in taken or re.search(rf"\b{checker}\b", gen.text):
            return gen
        bindings[checker] = structure_of
        for p in flat.params:
            if p in flat.leaves:
                try:
                    want = _structure_text(flat.view.treedefs[p], cls_name)
                except LookupError:
                    return gen
                lines.append(f"    if {checker}({p}) != {want}:")
                lines.append(
                    f'        raise ValueError("{gen.entry} was built for another structure of '
                    f'{p} (keys, lengths); rebuild it with an `at` of this one")'
                )
    target = got if output == "grad" else f"value, {got}" if len(grads) == 1 else f"value, ({got})"
    lines += _wrapped(f"    {target} = {leaves_entry}(", args, ")")
    result = results[0] if len(results) == 1 else "(" + ", ".join(results) + ")"
    if len(names) == 1 and len(results) == 1:
        dname = f"d{names[0]}"
        if dname not in flat_params and dname not in grads:
            td = flat.view.treedefs.get(names[0])
            if td is not None and td.kind in (dict, list, tuple) and len(result) > 80:
                brackets = {dict: "{}", list: "[]", tuple: "()"}[td.kind]
                opening, closing = brackets[0], brackets[1]
                lines += _wrapped(f"    {dname} = {opening}", _top_items(result), closing)
            else:
                lines.append(f"    {dname} = {result}")
            result = dname
    lines.append(f"    return {result}" if output == "grad" else f"    return value, {result}")
    text = re.sub(rf"\bdef {re.escape(gen.entry)}\(", f"def {leaves_entry}(", gen.text, count=1)
    return dataclasses.replace(gen, text=text + "\n\n\n" + "\n".join(lines), bindings=bindings)


def _structure_text(td, cls_name=lambda cls: None) -> str:
    """What runtime.trees.structure_of gives for values of structure `td`, as source
    (`cls_name`: how the module spells a NamedTuple's or dataclass's class, or None)."""
    if td.is_leaf:
        return "None"
    parts = [_structure_text(c, cls_name) for c in td.children]
    if td.kind is dict:
        return "{" + ", ".join(f"{key_literal(k)}: {v}" for k, v in zip(td.keys, parts)) + "}"
    if td.kind is tuple:
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    if td.kind is list:
        return "[" + ", ".join(parts) + "]"
    name = cls_name(td.kind)
    if name is not None and (hasattr(td.kind, "_fields") or td.aux == "dataclass"):
        fields = ", ".join(f"{key_literal(k)}: {v}" for k, v in zip(td.keys, parts))
        return f"({name}, {{{fields}}})"
    raise LookupError(td.kind)  # (a registered type: structure_of can't read it)


def _with_defaults(func, params) -> list:
    """`params` as the wrapper's signature lists them: with the original's defaults where
    each is a literal or a module global of the same value (`data=DATA`), so the shown or
    built function is called as the original is; none if any default is something else."""
    import ast

    from ..compiler.source import FunctionSource

    args = FunctionSource(func).tree.args
    if args.kwonlyargs or args.vararg or args.kwarg or not args.defaults:
        return list(params)
    values = func.__defaults__ or ()
    named = [a.arg for a in (*args.posonlyargs, *args.args)]
    if len(values) != len(args.defaults) or named != list(params):
        return list(params)
    texts = []
    for node, value in zip(args.defaults, values):
        if isinstance(node, ast.Constant):
            texts.append(ast.unparse(node))
        elif isinstance(node, ast.Name) and func.__globals__.get(node.id) is value:
            texts.append(node.id)
        else:
            return list(params)
    first = len(params) - len(texts)
    return [*params[:first], *(f"{p}={t}" for p, t in zip(params[first:], texts))]


def _wrapped(head: str, items: list, close: str, width: int = 100) -> list:
    """`head` + items + `close` as ruff format would lay it out: one line if it fits,
    else the items on an indented line of their own, else one per line."""
    one = head + ", ".join(items) + close
    if len(one) <= width:
        return [one]
    indent = " " * (len(head) - len(head.lstrip()) + 4)
    inner = indent + ", ".join(items)
    if len(inner) <= width:
        return [head, inner, indent[:-4] + close]
    return [head, *(f"{indent}{item}," for item in items), indent[:-4] + close]


def _top_items(display: str) -> list:
    """The top-level items of a container display `{a: b, c: [d, e]}`, as text."""
    items, depth, start = [], 0, 1
    for i, ch in enumerate(display[1:-1], start=1):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(display[start:i].strip())
            start = i + 1
    items.append(display[start:-1].strip())
    return [item for item in items if item]


def containers_read(func, params) -> list:
    """Parameters the function reads as containers (`params["w"]`, `p.w` for an attribute
    no array has): code can't be generated for them without example values."""
    import ast

    from ..compiler.source import FunctionSource

    tree = FunctionSource(func).tree
    found = []
    for node in ast.walk(tree):
        base = getattr(node, "value", None)
        if not isinstance(base, ast.Name) or base.id not in params or base.id in found:
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if isinstance(node.slice.value, str):
                found.append(base.id)
        elif isinstance(node, ast.Attribute) and not hasattr(np.ndarray, node.attr):
            found.append(base.id)
    return [p for p in params if p in found]

"""Container results: a function returning a dict, NamedTuple or dataclass (nested, with
lists and tuples inside) is differentiated as one returning the tuple of its leaves.

    return {"a": x ** 2, "b": [np.sin(x), y]}

becomes `return (x ** 2, np.sin(x), y)` in the function's flat view (compiler/trees.py),
and the API (api/pytrees.py) gives values, tangents and Jacobians the structure
`{"a": ., "b": [., .]}` again, and reads cotangents of that structure.  The structure is
read from the return statements themselves -- displays (`{...}`, `dict(a=...)`, `[...]`,
`(...)`) and calls of NamedTuple and dataclass classes -- so it is known before the
function runs, and every return must give the same one.  A container held in a variable
(`out = {...}; out["k"] = v; return out`) is first rewritten into one variable per leaf
and a display at the return (compiler/held.py).  Inside such a result a list or
tuple display is a container (as in JAX), whatever its items hold; a plain tuple or list
of values with no dict, NamedTuple or dataclass in it stays what it always was (several
results).

Constant leaves that are not numbers (`None`, strings, booleans) are kept out of the
flat tuple: they come back as they are in the value, and as None in tangents and
Jacobians (they carry no derivative).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import types
from dataclasses import dataclass

from ..errors import NonScalarOutputError, UnsupportedSyntaxError
from ..runtime.trees import LEAF, TreeDef, registered
from .astutil import own_statements
from .held import hoist_held_results
from .source import FunctionSource

_LEAF = TreeDef(LEAF, (), None, ())


class Computed:
    """The marker of a leaf the function computes (not a constant of the display)."""

    def __repr__(self) -> str:
        return "COMPUTED"


COMPUTED = Computed()


@dataclass(frozen=True)
class ResultTree:
    """The structure of a container result: its TreeDef, and per leaf (in tree_flatten's
    order) COMPUTED or the constant the return statements give it."""

    treedef: TreeDef
    constants: tuple

    @property
    def computed(self) -> int:
        """How many leaves the flat view returns (a bare value if one, else a tuple)."""
        return sum(c is COMPUTED for c in self.constants)

    def describe(self) -> str:
        return self.treedef.describe()


def container_display(td, items: list, class_name) -> ast.expr | None:
    """The expression that builds a container of structure `td` from `items`, its
    children's expressions: a dict, list or tuple display, or a record class called with
    its fields by keyword, `class_name(cls)` being a name the function's module binds to
    the class (or None).  None where it can't be written so (no such name, a type given
    to register_pytree_node)."""
    if td.kind is dict:
        return ast.Dict(keys=[ast.Constant(k) for k in td.keys], values=items)
    if td.kind in (list, tuple):
        display = ast.List if td.kind is list else ast.Tuple
        return display(elts=items, ctx=ast.Load())
    name = class_name(td.kind)
    if name is None or registered(td.kind) is not None:
        return None
    fields = [ast.keyword(arg=str(k), value=v) for k, v in zip(td.keys, items)]
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[], keywords=fields)


def result_tree(func: types.FunctionType) -> ResultTree | None:
    """The structure of `func`'s container result, or None if it returns no container
    (cached per code object).  Raises UnsupportedSyntaxError naming the return statement
    where returns disagree or a container can't be read."""
    key = (func, getattr(func, "__code__", None))
    if key not in _TREES:
        source = FunctionSource(func)
        _TREES[key] = read_result(source, hoist_held_results(source, source.tree))
    return _TREES[key]


_TREES: dict = {}


def check_scalar_result(func: types.FunctionType, has_aux: bool) -> None:
    """grad and value_and_grad need a scalar: a container result (or, with has_aux, a
    container as the first of the pair) is a NonScalarOutputError at its return."""
    source = FunctionSource(func)
    for ret in _returns(hoist_held_results(source, source.tree)):
        value = ret.value
        if has_aux and isinstance(value, ast.Tuple) and len(value.elts) == 2:
            value = value.elts[0]
        if value is not None and _is_structured(source, value):
            what = _kind_name(source, value)
            raise NonScalarOutputError(
                f"{func.__name__} returns {what}; grad needs a scalar output",
                node=value,
                source=source,
                hint="use srcdiff.jacobian, srcdiff.jvp or srcdiff.vjp for a container of "
                "results (they keep its structure), or has_aux=True to return "
                "(loss, aux) with the container as aux",
            )


def rewrite_returns(source: FunctionSource, tree: ast.FunctionDef, result: ResultTree) -> None:
    """Replace every return value of `tree` (the function's own returns, not nested
    functions') by the tuple of its computed leaves, in place."""
    for ret in _returns(tree):
        leaves: list = []
        _structure(source, ret.value, leaves)
        exprs = [e for e, c in zip(leaves, result.constants) if c is COMPUTED]
        if len(exprs) == 1:
            ret.value = exprs[0]
        else:
            ret.value = ast.copy_location(ast.Tuple(elts=exprs, ctx=ast.Load()), ret.value)


# -- reading the structure --------------------------------------------------------------
def read_result(source: FunctionSource, tree: ast.FunctionDef) -> ResultTree | None:
    """The structure `tree`'s return statements give (None if they return no container):
    the user's tree, or the flat view's rewritten one (where comprehensions over
    containers of parameters are displays already, and branches decided by the
    arguments' structure are folded)."""
    found = None
    first = None
    for ret in _returns(tree):
        if ret.value is None or not _is_structured(source, ret.value):
            if found is not None:
                raise _disagree(source, ret, found, first, "nothing of that structure")
            continue
        leaves: list = []
        td = _structure(source, ret.value, leaves)
        constants = tuple(_constant_of(e) for e in leaves)
        here = ResultTree(td, constants)
        if here.computed == 0:
            raise source.error(
                UnsupportedSyntaxError,
                "srcdiff cannot differentiate a result with no computed values",
                ret.value,
                "return at least one float or array",
            )
        if found is None:
            found, first = here, ret
        elif here != found:
            raise _disagree(source, ret, found, first, here.describe())
    if found is not None:
        for ret in _returns(tree):
            if ret.value is None or not _is_structured(source, ret.value):
                raise _disagree(source, ret, found, first, "nothing of that structure")
    return found


def _disagree(source, ret, found, first, got):
    line = getattr(first, "lineno", 0) + source.first_line - 1
    return source.error(
        UnsupportedSyntaxError,
        f"srcdiff cannot differentiate a function whose returns give different "
        f"structures: {found.describe()} at line {line}, {got} here",
        ret.value if ret.value is not None else ret,
        "return the same keys and fields from every return statement (0.0 "
        "where a branch has no value)",
    )


def _constant_of(expr):
    if isinstance(expr, ast.Constant) and (
        expr.value is None or isinstance(expr.value, (str, bool, bytes))
    ):
        return expr.value
    return COMPUTED


def _returns(tree: ast.FunctionDef):
    """The function's own return statements, in order (not those of nested functions)."""
    for node in own_statements(tree.body, in_order=True):
        if isinstance(node, ast.Return):
            yield node


def _record(source, node):
    """The NamedTuple or dataclass class a call makes, or None."""
    if not isinstance(node, ast.Call):
        return None
    cls = source.resolver.resolve(node.func)
    if isinstance(cls, type) and (
        (issubclass(cls, tuple) and hasattr(cls, "_fields")) or dataclasses.is_dataclass(cls)
    ):
        return cls
    return None


def _registered_class(source, node):
    """The class a call makes, if it is a type given to register_pytree_node, else None."""
    if not isinstance(node, ast.Call):
        return None
    cls = source.resolver.resolve(node.func)
    return cls if isinstance(cls, type) and registered(cls) is not None else None


class _Probe:
    """A stand-in for one argument of a registered type's constructor (see
    _registered_structure)."""

    def __init__(self, index):
        self.index = index

    def __repr__(self) -> str:
        return f"<argument {self.index}>"


def _is_dict_call(source, node) -> bool:
    return isinstance(node, ast.Call) and source.resolver.resolve(node.func) is dict


def _is_structured(source, node) -> bool:
    """Whether a return value is (or holds, through displays) a dict or a record."""
    if isinstance(node, ast.Dict) or _is_dict_call(source, node):
        return True
    if _record(source, node) is not None or _registered_class(source, node) is not None:
        return True
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(_is_structured(source, e) for e in node.elts)
    return False


def _kind_name(source, node) -> str:
    if isinstance(node, ast.Dict) or _is_dict_call(source, node):
        return "a dict"
    cls = _record(source, node) or _registered_class(source, node)
    if cls is not None:
        return f"a {cls.__name__}"
    return "a container"


def _structure(source, node, leaves: list) -> TreeDef:
    """The TreeDef of a return value; its leaves' expressions appended to `leaves`."""

    def refuse(what, at, hint):
        return source.error(UnsupportedSyntaxError, f"srcdiff cannot {what}", at, hint)

    if isinstance(node, ast.Dict):
        keys = []
        for k in node.keys:
            if not (isinstance(k, ast.Constant) and isinstance(k.value, (str, int))):
                raise refuse(
                    "return a dict whose keys are not constants",
                    k if k is not None else node,
                    'write the keys out: return {"a": ..., "b": ...}',
                )
            keys.append(k.value)
        if len(set(keys)) != len(keys):
            raise refuse("return a dict display with a repeated key", node, "drop the repeat")
        children = tuple(_structure(source, v, leaves) for v in node.values)
        return TreeDef(dict, tuple(keys), None, children)
    if _is_dict_call(source, node):
        if node.args or any(k.arg is None for k in node.keywords):
            raise refuse(
                "read the keys of this dict(...)",
                node,
                'write the keys out: return dict(a=..., b=...) or {"a": ..., "b": ...}',
            )
        children = tuple(_structure(source, k.value, leaves) for k in node.keywords)
        return TreeDef(dict, tuple(k.arg for k in node.keywords), None, children)
    cls = _record(source, node)
    if cls is not None:
        return _record_structure(source, node, cls, leaves, refuse)
    cls = _registered_class(source, node)
    if cls is not None:
        return _registered_structure(source, node, cls, leaves, refuse)
    if isinstance(node, (ast.Tuple, ast.List)):
        for e in node.elts:
            if isinstance(e, ast.Starred):
                raise refuse(
                    "read the structure of a starred item in a container result",
                    e,
                    "write the items out",
                )
        kind = tuple if isinstance(node, ast.Tuple) else list
        children = tuple(_structure(source, e, leaves) for e in node.elts)
        return TreeDef(kind, tuple(range(len(children))), None, children)
    leaves.append(node)
    return _LEAF


def _record_structure(source, node, cls, leaves, refuse) -> TreeDef:
    """A NamedTuple's or dataclass's call: its arguments bound to its fields (missing ones
    take their constant defaults), in field order."""
    named = issubclass(cls, tuple)
    if named:
        fields = list(cls._fields)
        defaults = dict(getattr(cls, "_field_defaults", {}))
    else:
        fs = dataclasses.fields(cls)
        if not all(f.init for f in fs):
            raise refuse(
                f"return a {cls.__name__}: it has fields its constructor does not set",
                node,
                "return a dict, or a dataclass whose fields are all init=True",
            )
        fields = [f.name for f in fs]
        defaults = {f.name: f.default for f in fs if f.default is not dataclasses.MISSING}
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        raise refuse(
            f"read the fields of this {cls.__name__}(...)",
            node,
            f"pass each field by name: {cls.__name__}({fields[0]}=...)",
        )
    try:
        bound = inspect.signature(cls).bind(*node.args, **{k.arg: k.value for k in node.keywords})
    except (TypeError, ValueError) as exc:
        raise refuse(f"read this {cls.__name__}(...): {exc}", node, None) from None
    children = []
    for name in fields:
        if name in bound.arguments:
            children.append(_structure(source, bound.arguments[name], leaves))
            continue
        default = defaults.get(name, dataclasses.MISSING)
        if default is dataclasses.MISSING or not isinstance(
            default, (int, float, str, bool, type(None))
        ):
            raise refuse(
                f"return a {cls.__name__} without its field {name}",
                node,
                f"pass {name}= explicitly",
            )
        leaves.append(ast.copy_location(ast.Constant(default), node))
        children.append(_LEAF)
    aux = None if named else "dataclass"
    return TreeDef(cls, tuple(fields), aux, tuple(children))


def _registered_structure(source, node, cls, leaves, refuse) -> TreeDef:
    """A registered type's call: which argument becomes which child is learnt by calling
    the constructor once with a stand-in per argument and flattening the object with the
    registered flatten.  Each child must be one argument, as given, and each argument a
    child (the aux data must not hold one): then the children are the arguments'
    expressions, in flatten's order, and the structure is known before the code runs."""
    hint = (
        f"register {cls.__name__} with a flatten that returns the constructor's arguments "
        "as they were given, or return a dict, NamedTuple or dataclass"
    )
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        raise refuse(f"read the children of this {cls.__name__}(...)", node, hint)
    exprs = [*node.args, *(k.value for k in node.keywords)]
    # (a constant that is no number -- a label, None -- is passed as itself: it may be aux)
    probes = [
        e.value if _constant_of(e) is not COMPUTED else _Probe(i) for i, e in enumerate(exprs)
    ]
    computed = [i for i, p in enumerate(probes) if isinstance(p, _Probe)]
    entry = registered(cls)
    assert entry is not None  # (_registered_class found it)
    flatten, _, names = entry
    try:
        obj = cls(
            *probes[: len(node.args)],
            **dict(zip((k.arg for k in node.keywords), probes[len(node.args) :])),
        )
        children, aux = flatten(obj)
        children = list(children)
        hash(aux)
    except Exception as exc:  # the constructor computes with its arguments, or flatten fails
        raise refuse(
            f"read the children of this {cls.__name__}(...): building one from stand-ins "
            f"for its arguments raised {type(exc).__name__}: {exc}",
            node,
            hint,
        ) from None
    stand_ins = [p for p in probes if isinstance(p, _Probe)]
    found = [next((p.index for p in stand_ins if c is p), None) for c in children]
    order = [i for i in found if i is not None]
    if len(order) != len(found) or sorted(order) != computed or _holds_probe(aux, stand_ins):
        raise refuse(
            f"read the children of this {cls.__name__}(...): its flatten does not give each "
            "argument back as one child",
            node,
            hint,
        )
    kids = tuple(_structure(source, exprs[i], leaves) for i in order)
    keys = tuple(names(aux)) if names is not None else tuple(range(len(kids)))
    return TreeDef(cls, keys, aux, kids)


def _holds_probe(value, probes, depth=0) -> bool:
    if any(value is p for p in probes):
        return True
    if depth > 8:
        return False
    if isinstance(value, (tuple, list, frozenset, set)):
        return any(_holds_probe(v, probes, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_holds_probe(v, probes, depth + 1) for v in (*value.keys(), *value.values()))
    return False

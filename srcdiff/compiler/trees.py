"""A pytree function's flat view: containers of parameters become one parameter per leaf.

`loss(params, x)` called with `params = {"w": w, "b": b}` is differentiated as

    def loss(params_w, params_b, x): ...

with every read of a leaf by a constant key -- `params["w"]`, `params["layer1"]["b"]`,
`p.w` of a dataclass or NamedTuple, `ws[0]` -- replaced by the leaf's parameter.  The
rest of the compiler then sees an ordinary function of floats and arrays, and the API
(api/pytrees.py) flattens arguments and builds gradients of the arguments' structure.
The view is specialised to the structure (TreeDef) of each container argument, as code
is to kinds and ranks.

Besides constant-key reads, the rewrite understands what is decided by the structure
alone: `len(params)`, `isinstance(p, Params)`, `for` loops and comprehensions over a
container, its `.values()`, `.keys()`, `.items()`, `enumerate(...)` and `zip(...)` of
them (unrolled over the known keys, the key a constant in each copy), `name =
params["layer1"]` (an alias, read through), `w, b = params["layer"]`, a list of leaves
used as a value (`np.stack(ws)`: a list display of the leaves) and user helpers called
with containers (`predict(params, x)`: the helper's own flat view, called with the
leaves).  Anything else a container is used for -- a dynamic key, a method call, storing
into it, returning it -- is refused with the construct's position.

The flat view is a real function, compiled from the rewritten tree with the user's
globals and closure cells; its parse is the rewritten tree placed at the user's file and
lines (`source.adopt`), so errors point at the user's code.
"""

from __future__ import annotations

import ast
import builtins
import copy
import inspect
import keyword
import types
from dataclasses import dataclass

from ..errors import UnsupportedSyntaxError
from ..runtime.trees import LEAF, TreeDef, leaf_spellings
from .astutil import Transformer
from .held import hoist_held_results
from .literal_loops import unroll_literal_loops
from .naming import stem_of
from .results import ResultTree, container_display, read_result, rewrite_returns
from .source import FunctionSource, adopt, parsed
from .unrolling import OnePass, own_jumps

# (root parameter, path of keys) of a subtree or leaf
Path = tuple[str, tuple]


@dataclass(frozen=True, eq=False)
class FlatView:
    """`func` with its container parameters flattened (see the module docstring)."""

    original: types.FunctionType
    func: types.FunctionType  # the flat function: every parameter positional, no defaults
    params: tuple[str, ...]  # the original's parameters, in order
    treedefs: dict  # parameter -> TreeDef (container parameters only)
    leaves: dict  # parameter -> its leaf parameters' names, in tree_flatten order
    result: ResultTree | None = None  # a container result, returned as its leaves' tuple

    def flat_names(self, param: str) -> tuple[str, ...]:
        """The flat parameters a parameter became (itself if not a container)."""
        return tuple(self.leaves.get(param, (param,)))


_VIEWS: dict = {}


def flat_view(func: types.FunctionType, treedefs: dict, results: bool = False) -> FlatView:
    """The flat view of `func` for these container parameters' structures (cached);
    `results`: a container result is returned as the tuple of its leaves
    (compiler/results.py)."""
    key = (func, func.__code__, tuple(treedefs.items()), results)  # (in parameter order)
    view = _VIEWS.get(key)
    if view is None:
        if key in _BUILDING:  # a recursive call: the view being built, through a cell
            return _BUILDING[key]
        view = _build_view(func, dict(treedefs), key, results)
        _VIEWS[key] = view
    return view


@dataclass(frozen=True, eq=False)
class _Pending:
    """A flat view still being built (for a recursive call in its own body): its leaves,
    and the cell its function will be in."""

    leaves: dict
    func: types.CellType


_BUILDING: dict = {}


def _build_view(func, treedefs, key, results=False) -> FlatView:
    parse = parsed(func)
    source = FunctionSource(func)
    # for name in ("w", "b"): params[name] -- the keys written out, one copy per key
    tree = unroll_literal_loops(source, copy.deepcopy(parse.tree))
    if results:  # `out = {...}; return out`: a variable per leaf, a display returned
        tree = hoist_held_results(source, tree)
    ordered = _ordered_args(tree.args)
    params = [a.arg for a in ordered]
    variadic = {a.arg for a in (tree.args.vararg, tree.args.kwarg) if a is not None}
    if not variadic <= set(treedefs):
        raise source.error(
            UnsupportedSyntaxError,
            f"srcdiff cannot flatten the containers passed to {func.__name__}, "
            "which takes *args or **kwargs",
            tree,
            "give it named parameters",
        )
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | set(params)
    leaves: dict[str, list[str]] = {}
    names: dict[Path, str] = {}
    for p, td in treedefs.items():
        leaves[p] = []
        for path in _leaf_paths(td):
            base = "_".join([p, *(_ident(k) for k in path)])
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}_{n}"
            taken.add(name)
            names[(p, path)] = name
            leaves[p].append(name)
    cells: dict[str, object] = {}
    rewriter = _Rewriter(source, treedefs, names, cells, taken)
    cell = types.CellType()
    _BUILDING[key] = _Pending({p: tuple(v) for p, v in leaves.items()}, cell)
    try:
        tree.body = rewriter.block(tree.body)
    finally:
        del _BUILDING[key]
    # a container result: read from the rewritten returns (a comprehension over a
    # container is a display there), returned as the tuple of its leaves
    result = read_result(source, tree) if results else None
    if result is not None:
        rewrite_returns(source, tree, result)
    flat_args = []
    for a in ordered:
        if a.arg in treedefs:
            flat_args += [ast.copy_location(ast.arg(arg=n), a) for n in leaves[a.arg]]
        else:
            flat_args.append(a)
    tree.args = ast.arguments(
        posonlyargs=[],
        args=flat_args,
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )
    for a in flat_args:
        a.annotation = None
    tree.returns = None
    ast.fix_missing_locations(tree)
    flat = compile_like(func, tree, parse.first_line, cells)
    # refusals quote the leaves as the user reads them, params["w"], not params_w
    flat.srcdiff_spellings = {
        name: spelled
        for p, td in treedefs.items()
        for name, spelled in zip(leaves[p], leaf_spellings(td, p))
    }
    cell.cell_contents = flat
    adopt(flat, tree, parse)
    return FlatView(
        func, flat, tuple(params), treedefs, {p: tuple(v) for p, v in leaves.items()}, result
    )


def _ordered_args(args: ast.arguments) -> list:
    """Every parameter in the order a call binds them: *args after the positional ones,
    **kwargs last."""
    return [
        *args.posonlyargs,
        *args.args,
        *([args.vararg] if args.vararg else []),
        *args.kwonlyargs,
        *([args.kwarg] if args.kwarg else []),
    ]


def variadic_call(func: types.FunctionType, call: ast.Call):
    """For a call to a function taking *args / **kwargs, with named arguments only: (the
    function's flat view for this call's extra arguments -- `args` a tuple of them,
    `kwargs` a dict -- and the call's keywords for that view: `x=x, args_0=y,
    kwargs_scale=2.0`), or None if `func` takes neither or the call can't be bound."""
    sig = inspect.signature(func)
    star = [p.name for p in sig.parameters.values() if p.kind is p.VAR_POSITIONAL]
    double = [p.name for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD]
    if not star and not double:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    try:
        bound = sig.bind(*call.args, **{str(k.arg): k.value for k in call.keywords})
    except TypeError:
        return None
    defs = {}
    leaf = TreeDef(LEAF, (), None, ())
    for name in star:
        items = bound.arguments.get(name, ())
        defs[name] = TreeDef(tuple, tuple(range(len(items))), None, (leaf,) * len(items))
    for name in double:
        items = bound.arguments.get(name, {})
        defs[name] = TreeDef(dict, tuple(items), None, (leaf,) * len(items))
    view = flat_view(func, defs)
    keywords = []
    for p, value in bound.arguments.items():
        if p in star:
            values = list(value)
        elif p in double:
            values = list(value.values())
        else:
            keywords.append(ast.keyword(arg=p, value=value))
            continue
        keywords += [ast.keyword(arg=n, value=v) for n, v in zip(view.leaves[p], values)]
    for p, default in unbound_defaults(sig, bound):
        if default is None:
            return None
        keywords.append(ast.keyword(arg=p, value=default))
    return view.func, ast.copy_location(ast.Call(func=call.func, args=[], keywords=keywords), call)


CONSTANT_DEFAULTS = (int, float, complex, str, bool, bytes, type(None))


def unbound_defaults(signature: inspect.Signature, bound: inspect.BoundArguments):
    """(parameter, its default as a constant node) for each parameter a call leaves to
    its default: a flat view has no defaults of its own (its parameters are the leaves),
    so every call of one passes them.  Yields (parameter, None) for a default that is no
    constant (the caller refuses or falls back: it can't be written into the call)."""
    for param in signature.parameters.values():
        if param.name in bound.arguments or param.kind in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        ):
            continue
        if isinstance(param.default, CONSTANT_DEFAULTS):
            yield param.name, ast.Constant(param.default)
        else:
            yield param.name, None


def _leaf_paths(td: TreeDef, prefix=()):
    if td.is_leaf:
        yield prefix
        return
    for k, c in zip(td.keys, td.children):
        yield from _leaf_paths(c, (*prefix, k))


def _ident(key) -> str:
    text = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in str(key)) or "_"
    return text if not keyword.iskeyword(text) else text + "_"


def compile_like(func, tree, first_line, cells):
    """The function object for the rewritten `tree`: the user's globals, closure cells
    (and `cells`, the helpers' flat views) as its free variables."""
    free = {**{n: c for n, c in zip(func.__code__.co_freevars, func.__closure__ or ())}}
    for name, obj in cells.items():
        free[name] = obj if isinstance(obj, types.CellType) else types.CellType(obj)
    placed = copy.deepcopy(tree)
    ast.increment_lineno(placed, first_line - 1)  # tracebacks show the user's lines
    # Named apart inside the factory: under the function's own name, the factory would
    # bind that name, and a call of the function in its body (recursion, or
    # `partial(f, ...)`) would read the factory's local, not the module's global.
    placed.name = "_srcdiff_flat"
    factory = ast.FunctionDef(
        name="_srcdiff_factory",
        args=ast.arguments(
            posonlyargs=[],
            args=[ast.arg(arg=n) for n in sorted(free)],
            vararg=None,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=None,
            defaults=[],
        ),
        body=[placed, ast.Return(value=ast.Name(id=placed.name, ctx=ast.Load()))],
        decorator_list=[],
        returns=None,
    )
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    code = compile(module, func.__code__.co_filename, "exec")
    fcode = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in fcode.co_consts if isinstance(c, types.CodeType))
    inner = inner.replace(co_name=tree.name)
    if hasattr(inner, "co_qualname"):  # Python 3.11+
        inner = inner.replace(co_qualname=getattr(func, "__qualname__", tree.name))
    closure = tuple(free[n] for n in inner.co_freevars)
    flat = types.FunctionType(inner, func.__globals__, func.__name__, None, closure or None)
    flat.__qualname__ = getattr(func, "__qualname__", func.__name__)
    flat.__module__ = func.__module__
    return flat


class _Rewriter:
    """The rewrite of one function's body for its containers' structures."""

    def __init__(self, source, treedefs, names, cells, taken):
        self.source = source
        # (copies: a starred name adds a root of its own, `rest` in `w, *rest = params`)
        self.treedefs = dict(treedefs)
        self.names = dict(names)  # leaf path -> its parameter
        self.cells = cells  # extra free variables: helpers' flat views
        self.taken = taken
        self.env: dict[str, Path] = {p: (p, ()) for p in treedefs}  # names of subtrees
        self.consts: dict[str, object] = {}  # loop variables bound to a key in a copy
        self.stores = _store_counts(source.tree)
        self.local_functions = _local_functions(source.tree)

    # -- structure --------------------------------------------------------------------
    def node_at(self, path: Path) -> TreeDef:
        td = self.treedefs[path[0]]
        for k in path[1]:
            td = td.child(k)
        return td

    def refuse(self, node, what, hint):
        return self.source.error(UnsupportedSyntaxError, f"srcdiff cannot {what}", node, hint)

    def resolve(self, node) -> Path | None:
        """The subtree or leaf an expression reads, or None if it reads none."""
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            return self.env.get(node.id)
        if isinstance(node, ast.Subscript):
            base = self.resolve(node.value)
            if base is None or self.node_at(base).is_leaf:
                return None
            if isinstance(node.slice, ast.Slice):
                return None  # a slice of a list or tuple: sliced(), not a path
            key = self.constant(node.slice)
            if key is _NOT_CONSTANT:
                raise self.refuse(
                    node,
                    f"read {ast.unparse(node)}: the key of a container of parameters must be "
                    "a constant",
                    "use a constant key (params['w']), or loop over params.items() / "
                    "params.values() or over the keys written out (for k in ('w', 'b')), "
                    "which srcdiff unrolls",
                )
            return self.child(node, base, key, f"[{key!r}]")
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is None or self.node_at(base).is_leaf:
                return None
            td = self.node_at(base)
            if td.by_attribute and node.attr in td.keys:
                return self.child(node, base, node.attr, f".{node.attr}")
            return None
        return None

    def constant(self, node):
        if isinstance(node, ast.Name) and node.id in self.consts:
            return self.consts[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            left, right = self.constant(node.left), self.constant(node.right)
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and not (isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0)
            ):
                return _ARITHMETIC[type(node.op)](left, right)
            return _NOT_CONSTANT
        return _constant(node)

    def sliced(self, node):
        """(path of the list or tuple, its keys `node` selects) for `ws[1:]`, `ws[::-1]`
        of a container with constant bounds, else None."""
        if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)):
            return None
        base = self.resolve(node.value)
        if base is None or not self.node_at(base).by_position:
            return None
        bounds = []
        for part in (node.slice.lower, node.slice.upper, node.slice.step):
            value = None if part is None else self.constant(part)
            if value is not None and not isinstance(value, int):
                raise self.refuse(
                    node,
                    f"slice {ast.unparse(node)}: the bounds of a slice of a container of "
                    "parameters must be constants",
                    "use constant bounds (ws[1:], ws[:-1]), or loop over the container "
                    "with enumerate",
                )
            bounds.append(value)
        keys = self.node_at(base).keys
        return base, keys[slice(*bounds)]

    def child(self, node, base, key, spelled) -> Path:
        td = self.node_at(base)
        found = td.child(key)
        if found is None:
            raise self.refuse(
                node,
                f"read {ast.unparse(node)}: the {td.describe()} it was called with has no "
                f"{spelled}",
                "read only the keys the argument has",
            )
        if isinstance(key, int) and key < 0:
            key += len(td.children)
        if isinstance(key, int) and not isinstance(key, bool) and key not in td.keys:
            key = td.keys[key]
        return (base[0], (*base[1], key))

    def leaf_name(self, node, path) -> ast.Name:
        return ast.copy_location(ast.Name(id=self.names[path], ctx=ast.Load()), node)

    # -- statements --------------------------------------------------------------------
    def block(self, stmts, top=True):
        out = []
        for stmt in stmts:
            out += self.statement(stmt, top)
            if out and isinstance(out[-1], ast.Return):
                break  # what follows a return is never run (a folded `if` may end so)
        return out

    def folded_if(self, stmt):
        """The branch an `if` takes when its test is decided by the arguments' structure
        (`isinstance(p, list)`, `"b" in params`, `len(ws) > 2`), else None: the branch not
        taken is dropped unread, so it may read keys this structure doesn't have."""
        if not (isinstance(stmt, ast.If) and self.mentions_container(stmt.test)):
            return None
        value = _truth(self.expr(copy.deepcopy(stmt.test)))
        if value is None:
            return None
        return self.block(stmt.body if value else stmt.orelse, top=False)

    def mentions_container(self, node):
        return any(
            isinstance(n, ast.Name) and (n.id in self.env or n.id in self.consts)
            for n in ast.walk(node)
        )

    def statement(self, stmt, top):
        folded = self.folded_if(stmt)
        if folded is not None:
            return folded
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            aliased = self.alias(stmt, top)
            if aliased is not None:
                return aliased
        if isinstance(stmt, ast.For):
            items = self.iteration(stmt.iter)
            if items is None:
                items = self.range_keys(stmt.iter, stmt.target, stmt.body)
            if items is not None:
                return self.unroll(stmt, items)
        if isinstance(stmt, ast.FunctionDef):
            return [self.nested_function(stmt)]
        for n in ast.walk(stmt):  # writes to a container or its name
            target = None
            if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
                target = n.value
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in self.env:
                target = n
            if target is not None and self.resolve_load(target) is not None:
                raise self.refuse(
                    n,
                    f"assign to {ast.unparse(n)}, a container of parameters",
                    "build a new value in a local variable instead",
                )
        if isinstance(stmt, (ast.If, ast.While, ast.For, ast.With, ast.Try)):
            new = copy.copy(stmt)
            for field in ("test", "iter", "target"):
                if hasattr(stmt, field):
                    setattr(new, field, self.expr(getattr(stmt, field)))
            if isinstance(stmt, ast.With):
                new.items = [self.expr(item) for item in stmt.items]
            for field in ("body", "orelse", "finalbody"):
                if hasattr(stmt, field):
                    setattr(new, field, self.block(getattr(stmt, field), top=False))
            if isinstance(stmt, ast.Try):
                new.handlers = [
                    ast.copy_location(
                        ast.ExceptHandler(type=h.type, name=h.name, body=self.block(h.body, False)),
                        h,
                    )
                    for h in stmt.handlers
                ]
            return [new]
        return [self.expr(stmt)]

    def nested_function(self, stmt: ast.FunctionDef) -> ast.FunctionDef:
        """A def in the function's body, its reads of containers rewritten as the
        function's own are (`params["change"]` -> the leaf): the containers of
        parameters are never assigned, so a closure reads the same leaves wherever it
        is called.  Refused where the def binds one of their names itself (a parameter
        `params` of its own, say), which would make its reads another value."""
        self.refuse_shadowing(stmt, f"the nested function {stmt.name}", f"define {stmt.name}")
        new = copy.copy(stmt)
        new.args = self.expr(stmt.args)  # defaults may read leaves too
        new.body = self.block(stmt.body, top=False)
        return new

    def refuse_shadowing(self, node, what, define):
        """Refused: a def or lambda that binds a container's name has its own value
        under it.  A function of the module's called with the container is
        differentiated through (its own flat view), so that is the advice."""
        for bound in _bound_names(node):
            if bound.id in self.env or bound.id in self.consts:
                raise self.refuse(
                    bound,
                    f"read the container {bound.id} inside {what}, which binds the name "
                    f"{bound.id} itself",
                    f"{define} at module level and call it with {bound.id} (srcdiff "
                    "differentiates through your functions called with containers)",
                )

    def resolve_load(self, node):
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        load = copy.deepcopy(node)
        for n in ast.walk(load):
            if hasattr(n, "ctx"):
                n.ctx = ast.Load()
        try:
            return self.resolve(load)
        except UnsupportedSyntaxError:
            return None

    def alias(self, stmt, top):
        """`layer = params["layer1"]` (dropped: `layer` reads through), `w = params["w"]`
        (a leaf: an ordinary assignment), `w, b = params["layer"]`; None if `stmt` is none
        of these."""
        target, value = stmt.targets[0], stmt.value
        path = self.resolve(value)
        if path is None:
            return None
        pairs = self.match(target, ("tree", path), stmt)
        if pairs is None:
            return None
        out = []
        for name_node, (what, item) in pairs:
            if not isinstance(name_node, ast.Name):  # unpacking a leaf: an ordinary assignment
                return None
            name = name_node.id
            if what == "tree" and self.node_at(item).is_leaf:
                out.append(
                    ast.copy_location(
                        ast.Assign(targets=[name_node], value=self.leaf_name(value, item)), stmt
                    )
                )
                continue
            if not top or self.stores.get(name, 0) != 1:
                built = self.rebuilt(value, item) if what == "tree" else None
                if built is not None:  # `state = s0` before `state = step(state)`
                    out.append(
                        ast.copy_location(ast.Assign(targets=[name_node], value=built), stmt)
                    )
                    continue
                raise self.refuse(
                    stmt,
                    f"give {name} a container of parameters here: it is assigned elsewhere "
                    "too, or inside a branch or loop",
                    "read the leaves you need with constant keys, or name the container once, "
                    "at the top of the function",
                )
            if what == "tree":
                self.env[name] = item
            else:
                self.consts[name] = item
        return out

    def rebuilt(self, node, path):
        """The container at `path` written out from its leaves -- a dict, list or tuple
        display, a NamedTuple called with its fields -- for a variable that is
        assigned again (`state = s0`, then `state = step(state)` in a loop): a local
        container, which the rest of the compiler takes apart as it does one built in
        the function.  None where it can't be written so (a dataclass, a class the
        function's globals don't name)."""
        td = self.node_at(path)
        if td.is_leaf:
            return self.leaf_name(node, path)
        parts = [self.rebuilt(node, (path[0], (*path[1], k))) for k in td.keys]
        if any(p is None for p in parts):
            return None
        return container_display(td, parts, self.record_name)

    def record_name(self, cls) -> str | None:
        """The name of NamedTuple `cls` where the function's globals bind it to it.  A
        dataclass isn't rebuilt: its `__init__` or `__post_init__` need not give back the
        fields it is called with, so the copy could differ from the argument."""
        if not (issubclass(cls, tuple) and hasattr(cls, "_fields")):
            return None
        name = ast.Name(id=cls.__name__, ctx=ast.Load())
        return cls.__name__ if self.source.resolver.resolve(name) is cls else None

    def match(self, target, element, node):
        """[(Name target, element)] binding `target` to `element` (("tree", path) or
        ("const", value) or ("tuple", [elements])), or None if it can't be split."""
        if isinstance(target, ast.Name):
            if element[0] == "tuple":
                return None
            return [(target, element)]
        if isinstance(target, (ast.Tuple, ast.List)):
            if element[0] == "tree" and self.node_at(element[1]).is_leaf:
                return [(target, element)]  # a leaf holding a tuple of numbers: x, y = leaf
            if any(isinstance(e, ast.Starred) for e in target.elts):
                return self.match_starred(target, element, node)
            if element[0] == "tuple":
                parts = element[1]
            elif element[0] == "tree" and self.node_at(element[1]).by_position:
                td = self.node_at(element[1])
                parts = [("tree", (element[1][0], (*element[1][1], k))) for k in td.keys]
            else:
                return None
            if len(parts) != len(target.elts):
                raise self.refuse(
                    node,
                    f"unpack {len(parts)} values into {len(target.elts)} names",
                    "unpack as many names as the container has items",
                )
            out = []
            for t, e in zip(target.elts, parts):
                sub = self.match(t, e, node)
                if sub is None:
                    return None
                out += sub
            return out
        return None

    def match_starred(self, target, element, node):
        """`w, *rest = params` of a list or tuple of parameters: `w` the first item, `rest`
        a list of the others -- a root of its own whose leaves are the same parameters, so
        loops over it, `len(rest)`, `rest[0]` and helpers given it work as for `params`."""
        if element[0] != "tree" or not self.node_at(element[1]).by_position:
            return None
        td = self.node_at(element[1])
        if hasattr(td.kind, "_fields"):
            return None  # (a NamedTuple: its fields by name)
        elts = target.elts
        star = next(i for i, e in enumerate(elts) if isinstance(e, ast.Starred))
        after = len(elts) - star - 1
        if len(td.keys) < len(elts) - 1:
            raise self.refuse(
                node,
                f"unpack {len(td.keys)} values into at least {len(elts) - 1} names",
                "unpack no more names than the container has items",
            )
        base = element[1]
        keys = list(td.keys)
        middle = keys[star : len(keys) - after]
        starred = elts[star].value
        if not isinstance(starred, ast.Name):
            return None
        root = f"{starred.id}*"
        children = tuple(td.child(k) for k in middle)
        self.treedefs[root] = TreeDef(list, tuple(range(len(middle))), None, children)
        for i, k in enumerate(middle):
            src = (base[0], (*base[1], k))
            for path in _leaf_paths(self.node_at(src)):
                self.names[(root, (i, *path))] = self.names[(src[0], (*src[1], *path))]
        parts = [("tree", (base[0], (*base[1], k))) for k in keys[:star]]
        parts.append(("tree", (root, ())))
        parts += [("tree", (base[0], (*base[1], k))) for k in keys[len(keys) - after :]]
        out = []
        plain = [*elts[:star], starred, *elts[star + 1 :]]
        for t, e in zip(plain, parts):
            sub = self.match(t, e, node)
            if sub is None:
                return None
            out += sub
        return out

    # -- loops over containers ------------------------------------------------------------
    def iteration(self, node):
        """The elements a loop over `node` visits, if `node` is a container (or its
        .values(), .keys(), .items(), enumerate or zip of such), else None."""
        if isinstance(node, ast.Call) and not node.keywords:
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in ("values", "keys", "items"):
                path = self.resolve(f.value)
                if path is not None and not node.args:
                    td = self.node_at(path)
                    if not issubclass_dict(td.kind):
                        raise self.refuse(node, f"call .{f.attr}() of a {td.describe()}", None)
                    children = [("tree", (path[0], (*path[1], k))) for k in td.keys]
                    keys = [("const", k) for k in td.keys]
                    if f.attr == "values":
                        return children
                    if f.attr == "keys":
                        return keys
                    return [("tuple", [k, c]) for k, c in zip(keys, children)]
            builtin = self.builtin(f)
            if builtin in (list, tuple) and len(node.args) == 1:  # list(params.items())
                return self.iteration(node.args[0])
            if builtin is enumerate and len(node.args) == 1:
                inner = self.iteration(node.args[0])
                if inner is not None:
                    return [("tuple", [("const", i), e]) for i, e in enumerate(inner)]
            if builtin is zip and node.args:
                parts = [self.iteration(a) for a in node.args]
                if all(p is not None for p in parts):
                    n = min(len(p) for p in parts)
                    return [("tuple", [p[i] for p in parts]) for i in range(n)]
                if any(p is not None for p in parts):
                    raise self.refuse(
                        node,
                        "zip a container of parameters with a sequence of unknown length",
                        "zip containers with containers, or index the sequence with "
                        "enumerate's counter",
                    )
            return None
        cut = self.sliced(node)
        if cut is not None:
            base, keys = cut
            return [("tree", (base[0], (*base[1], k))) for k in keys]
        path = self.resolve(node)
        if path is None:
            return None
        td = self.node_at(path)
        if td.is_leaf:
            return None
        if issubclass_dict(td.kind):
            return [("const", k) for k in td.keys]
        if td.by_position:
            return [("tree", (path[0], (*path[1], k))) for k in td.keys]
        raise self.refuse(node, f"iterate over a {td.describe()}", "read its fields by name")

    def range_keys(self, node, target, body):
        """`for i in range(len(ws)): ... ws[i] ...`: the loop is unrolled (its counter a
        constant in each copy) when its counter indexes a container and its bounds are
        known from the structure, else None."""
        if not (
            isinstance(node, ast.Call)
            and isinstance(target, ast.Name)
            and not node.keywords
            and self.source.resolver.resolve(node.func) is range
        ):
            return None
        if not any(
            isinstance(n, ast.Subscript)
            and any(isinstance(m, ast.Name) and m.id == target.id for m in ast.walk(n.slice))
            and self.resolve_load(n.value) is not None
            for stmt in body
            for n in ast.walk(stmt)
        ):
            return None
        bounds = [_constant(self.expr(copy.deepcopy(a))) for a in node.args]
        if not bounds or not all(isinstance(b, int) for b in bounds):
            return None
        return [("const", i) for i in range(*bounds)]

    def builtin(self, f):
        obj = self.source.resolver.resolve(f)
        return obj if obj in (enumerate, zip, len, isinstance, list, tuple) else None

    def unroll(self, stmt, items):
        if stmt.orelse:
            raise self.refuse(stmt, "unroll a for-else loop over a container", "drop the else")
        # break / continue: each copy a loop of one pass (unrolling.OnePass)
        plan = OnePass(stmt.body, stmt, self.taken) if any(own_jumps(stmt.body)) else None
        loop_body = plan.body if plan else stmt.body
        out = plan.start() if plan else []
        for element in items:
            pairs = self.match(stmt.target, element, stmt)
            if pairs is None:
                raise self.refuse(stmt.target, "bind this loop target", None)
            saved_env, saved_consts = dict(self.env), dict(self.consts)
            prologue = []
            for name_node, (what, item) in pairs:
                if not isinstance(name_node, ast.Name):  # `x, y` bound to a leaf: unpack it
                    for n in ast.walk(name_node):
                        if isinstance(n, ast.Name):
                            self.env.pop(n.id, None)
                            self.consts.pop(n.id, None)
                    prologue.append(
                        ast.copy_location(
                            ast.Assign(
                                targets=[copy.deepcopy(name_node)],
                                value=self.leaf_name(stmt.iter, item),
                            ),
                            stmt,
                        )
                    )
                    continue
                name = name_node.id
                if self.stores.get(name, 0) > 1 and what != "tree":
                    raise self.refuse(
                        name_node,
                        f"assign to the loop variable {name} of a loop over a container",
                        "use another name for the new value",
                    )
                if what == "const":
                    self.consts[name] = item
                elif self.node_at(item).is_leaf:
                    self.env.pop(name, None)
                    self.consts.pop(name, None)
                    target = ast.copy_location(ast.Name(id=name, ctx=ast.Store()), name_node)
                    prologue.append(
                        ast.copy_location(
                            ast.Assign(targets=[target], value=self.leaf_name(stmt.iter, item)),
                            stmt,
                        )
                    )
                else:
                    self.env[name] = item
            body = self.block(copy.deepcopy(loop_body), top=False)
            out += plan.guarded(prologue + body) if plan else prologue + body
            self.env, self.consts = saved_env, saved_consts
        if not out:
            out.append(ast.copy_location(ast.Pass(), stmt))
        return out

    # -- expressions ------------------------------------------------------------------
    def expr(self, node):
        return _Expressions(self).visit(node)


def _bound_names(node) -> list[ast.Name]:
    """Every name `node` (a def or lambda) binds anywhere inside it: its parameters and
    those of the defs and lambdas it holds (as Name nodes placed at them), names it
    assigns, and those it declares nonlocal or global."""
    found = []
    for n in ast.walk(node):
        if isinstance(n, (ast.FunctionDef, ast.Lambda)):
            a = n.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                if arg is not None:
                    found.append(ast.copy_location(ast.Name(id=arg.arg, ctx=ast.Store()), arg))
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            found.append(n)
        elif isinstance(n, (ast.Nonlocal, ast.Global)):
            found += [ast.copy_location(ast.Name(id=x, ctx=ast.Store()), n) for x in n.names]
    return found


def _local_functions(tree) -> frozenset:
    """The names of the functions `tree` defines in its body (a nested def, a lambda
    assigned to a name), which normalization inlines where they are called."""
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return frozenset(names)


class _Expressions(Transformer):
    def __init__(self, rw: _Rewriter):
        self.rw = rw

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.rw.consts:
            return ast.copy_location(ast.Constant(self.rw.consts[node.id]), node)
        if isinstance(node.ctx, ast.Load) and node.id in self.rw.env:
            return self.tree_value(node, self.rw.env[node.id])
        return node

    def visit_Subscript(self, node):
        return self.read(node)

    def visit_Attribute(self, node):
        return self.read(node)

    def read(self, node):
        cut = self.rw.sliced(node) if isinstance(node.ctx, ast.Load) else None
        if cut is not None:
            base, keys = cut
            elts = [self.tree_value(node, (base[0], (*base[1], k))) for k in keys]
            kind = self.rw.node_at(base).kind
            display = ast.List if issubclass(kind, list) else ast.Tuple
            return ast.copy_location(display(elts=elts, ctx=ast.Load()), node)
        if isinstance(node.ctx, ast.Load):
            path = self.rw.resolve(node)
            if path is not None:
                return self.tree_value(node, path)
        return self.generic_visit(node)

    def tree_value(self, node, path):
        """A leaf read becomes its parameter; a list or tuple of values becomes a display
        of them; any other use of a container is refused."""
        td = self.rw.node_at(path)
        if td.is_leaf:
            return self.rw.leaf_name(node, path)
        if td.by_position and not hasattr(td.kind, "_fields"):
            elts = [self.tree_value(node, (path[0], (*path[1], k))) for k in td.keys]
            display = ast.List if issubclass(td.kind, list) else ast.Tuple
            return ast.copy_location(display(elts=elts, ctx=ast.Load()), node)
        raise self.rw.refuse(
            node,
            f"use {ast.unparse(node)}, a container of parameters ({td.describe()}), "
            "as a value here",
            "read its leaves with constant keys (params['w'], p.w), loop over it, or pass "
            "it to a function of yours; a container can't be returned or stored",
        )

    def visit_Compare(self, node):
        """`"b" in params` of a dict: a constant, as `len(params)` is."""
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            path = self.rw.resolve(node.comparators[0])
            key = self.rw.constant(node.left)
            if path is not None and key is not _NOT_CONSTANT:
                td = self.rw.node_at(path)
                if issubclass_dict(td.kind):
                    found = key in td.keys
                    return ast.copy_location(
                        ast.Constant(found if isinstance(node.ops[0], ast.In) else not found),
                        node,
                    )
        return self.generic_visit(node)

    def visit_IfExp(self, node):
        if self.rw.mentions_container(node.test):
            value = _truth(self.visit(copy.deepcopy(node.test)))
            if value is not None:
                return self.visit(node.body if value else node.orelse)
        return self.generic_visit(node)

    def visit_Call(self, node):
        rw = self.rw
        node = self.expand_starred(node)
        f = node.func
        builtin = rw.builtin(f)
        if builtin in (list, tuple) and len(node.args) == 1 and not node.keywords:
            items = rw.iteration(node.args[0])
            if items is not None:  # list(params.values()): a display of the leaves
                display = ast.List if builtin is list else ast.Tuple
                elts = [self.element(node, e) for e in items]
                return ast.copy_location(display(elts=elts, ctx=ast.Load()), node)
        if builtin is len and len(node.args) == 1 and not node.keywords:
            path = rw.resolve(node.args[0])
            if path is not None and not rw.node_at(path).is_leaf:
                return ast.copy_location(ast.Constant(len(rw.node_at(path).children)), node)
        if builtin is isinstance and len(node.args) == 2 and not node.keywords:
            path = rw.resolve(node.args[0])
            if path is not None and not rw.node_at(path).is_leaf:
                cls = rw.source.resolver.resolve(node.args[1])
                if isinstance(cls, type) or (
                    isinstance(cls, tuple) and all(isinstance(c, type) for c in cls)
                ):
                    td = rw.node_at(path)
                    return ast.copy_location(ast.Constant(issubclass(td.kind, cls)), node)
        if isinstance(f, ast.Attribute) and f.attr in ("values", "keys", "items"):
            items = rw.iteration(node)
            if items is not None and all(e[0] != "tuple" for e in items):
                elts = [self.element(node, e) for e in items]
                return ast.copy_location(ast.List(elts=elts, ctx=ast.Load()), node)
        helper = rw.source.resolver.resolve(f)
        if isinstance(helper, types.FunctionType) and any(
            self.is_container(a) for a in [*node.args, *(k.value for k in node.keywords)]
        ):
            return self.helper_call(node, helper)
        if (
            isinstance(f, ast.Name)
            and f.id in rw.local_functions
            and any(self.is_container(a) for a in node.args)
        ):
            raise rw.refuse(
                node,
                f"pass a container of parameters to {f.id}, a function defined in this one "
                "(srcdiff inlines it where it is called, and the inlined code can't hold "
                "the container)",
                f"define {f.id} at module level, passing it what it reads of this "
                "function's variables: srcdiff differentiates a call of a module-level "
                "function of yours with a container",
            )
        called = rw.resolve(f)
        if called is not None and not rw.node_at(called).is_leaf:
            method = _method(rw.node_at(called).kind, "__call__")
            if method is not None:  # model(x): __call__'s flat view, model flattened
                dunder = ast.Attribute(value=f, attr="__call__", ctx=ast.Load())
                call = ast.Call(func=dunder, args=[f, *node.args], keywords=node.keywords)
                return self.helper_call(ast.copy_location(call, node), method)
        if isinstance(f, ast.Attribute):
            path = rw.resolve(f.value)
            got = self.dict_get(node, path) if path is not None else None
            if got is not None:
                return got
            if path is not None and not rw.node_at(path).is_leaf:
                method = _method(rw.node_at(path).kind, f.attr)
                if method is not None:  # self.predict(x): predict's flat view, self flattened
                    call = ast.Call(func=f, args=[f.value, *node.args], keywords=node.keywords)
                    return self.helper_call(ast.copy_location(call, node), method)
                static = _static_method(rw.node_at(path).kind, f.attr)
                if static is not None:  # self.squash(z): the class's function, no self
                    call = ast.Call(func=self.bound_name(static, f), args=node.args)
                    call.keywords = node.keywords
                    return self.generic_visit(ast.copy_location(call, node))
                raise rw.refuse(
                    node,
                    f"call {ast.unparse(f)}() on a container of parameters",
                    "read its leaves with constant keys, or loop over .items() / .values()",
                )
        return self.generic_visit(node)

    def dict_get(self, node, path):
        """`params.get("w")` / `params.get("w", default)` of a dict of parameters with a
        constant key: the leaf or subtree there, or the default where the structure has
        no such key (the structure is known, so is the answer)."""
        rw = self.rw
        td = rw.node_at(path)
        if (
            node.func.attr != "get"
            or td.is_leaf
            or not issubclass_dict(td.kind)
            or node.keywords
            or not 1 <= len(node.args) <= 2
        ):
            return None
        key = rw.constant(node.args[0])
        if key is _NOT_CONSTANT:
            return None  # (refused below as a method call on the container)
        if td.child(key) is None:
            default = node.args[1] if len(node.args) == 2 else ast.Constant(None)
            return self.visit(default)
        read = ast.Subscript(value=node.func.value, slice=node.args[0], ctx=ast.Load())
        return self.visit(ast.copy_location(read, node))

    def expand_starred(self, node):
        """`h(*args, **kwargs)` with `args` and `kwargs` containers: their items."""
        rw = self.rw
        args, keywords, changed = [], [], False
        for a in node.args:
            path = rw.resolve(a.value) if isinstance(a, ast.Starred) else None
            td = rw.node_at(path) if path is not None else None
            if td is not None and not td.is_leaf and td.by_position:
                args += [self.tree_value(a, (path[0], (*path[1], k))) for k in td.keys]
                changed = True
            else:
                args.append(a)
        for k in node.keywords:
            path = rw.resolve(k.value) if k.arg is None else None
            td = rw.node_at(path) if path is not None else None
            if td is not None and not td.is_leaf and issubclass_dict(td.kind):
                keywords += [
                    ast.keyword(
                        arg=str(key), value=self.tree_value(k.value, (path[0], (*path[1], key)))
                    )
                    for key in td.keys
                ]
                changed = True
            else:
                keywords.append(k)
        if not changed:
            return node
        return ast.copy_location(ast.Call(func=node.func, args=args, keywords=keywords), node)

    def element(self, node, e):
        if e[0] == "const":
            return ast.copy_location(ast.Constant(e[1]), node)
        if e[0] == "tuple":
            elts = [self.element(node, part) for part in e[1]]
            return ast.copy_location(ast.Tuple(elts=elts, ctx=ast.Load()), node)
        return self.tree_value(node, e[1])

    def is_container(self, arg):
        path = self.rw.resolve(arg) if not isinstance(arg, ast.Starred) else None
        return path is not None and not self.rw.node_at(path).is_leaf

    def bound_name(self, func, like):
        """A name the rewritten tree calls `func` by (bound in the cells the flat views
        are): its own name, or one numbered after it where that is taken."""
        rw = self.rw
        name, n = func.__name__, 1
        while name in rw.taken and rw.cells.get(name) is not func:
            n += 1
            name = f"{func.__name__}{n}"
        rw.taken.add(name)
        rw.cells[name] = func
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), like)

    def helper_call(self, node, helper):
        """`predict(params, x)` -> `predict(params_w=params_w, params_b=params_b, x=x)` of
        predict's flat view for the structures it is passed."""
        rw = self.rw
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise rw.refuse(node, "pass *args or **kwargs together with a container", None)
        try:
            bound = inspect.signature(helper).bind(
                *node.args, **{k.arg: k.value for k in node.keywords}
            )
        except TypeError as exc:
            raise rw.refuse(node, f"call {helper.__name__} this way: {exc}", None) from None
        defs = {}
        for p, arg in bound.arguments.items():
            if isinstance(arg, ast.AST) and self.is_container(arg):
                defs[p] = rw.node_at(rw.resolve(arg))
        view = flat_view(helper, defs)
        keywords = []
        for p, arg in bound.arguments.items():
            if p in defs:
                path = rw.resolve(arg)
                for leaf, sub in zip(view.leaves[p], _leaf_paths(defs[p])):
                    full = (path[0], (*path[1], *sub))
                    keywords.append(ast.keyword(arg=leaf, value=rw.leaf_name(arg, full)))
            else:
                keywords.append(ast.keyword(arg=p, value=self.visit(arg)))
        for p, default in unbound_defaults(inspect.signature(helper), bound):
            if default is None:
                raise rw.refuse(
                    node,
                    f"pass a container to {helper.__name__} leaving its parameter {p!r} to "
                    "a default that is not a constant",
                    f"pass {p}=... in the call",
                )
            keywords.append(ast.keyword(arg=p, value=default))
        stem = stem_of(helper.__name__)
        name = f"{stem}_flat"
        n = 1
        while name in rw.taken and rw.cells.get(name) is not view.func:
            n += 1
            name = f"{stem}_flat{n}"
        rw.taken.add(name)
        rw.cells[name] = view.func
        func = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node.func)
        return ast.copy_location(ast.Call(func=func, args=[], keywords=keywords), node)

    def comprehension(self, node):
        rw = self.rw
        if len(node.generators) != 1:
            for g in node.generators:
                if rw.iteration(g.iter) is not None:
                    raise rw.refuse(
                        g.iter,
                        "unroll a comprehension over a container with more than one `for`",
                        "write nested loops",
                    )
            return None
        gen = node.generators[0]
        items = rw.iteration(gen.iter)
        if items is None:
            items = rw.range_keys(gen.iter, gen.target, [node.elt, *gen.ifs])
        if items is None:
            return None
        if gen.is_async:
            raise rw.refuse(gen.iter, "unroll an async comprehension", None)
        elts = []
        for element in items:
            pairs = rw.match(gen.target, element, node)
            if pairs is None:
                raise rw.refuse(gen.target, "bind this comprehension target", None)
            saved_env, saved_consts = dict(rw.env), dict(rw.consts)
            for name_node, (what, item) in pairs:
                if not isinstance(name_node, ast.Name):
                    raise rw.refuse(
                        gen.target,
                        "unpack an item of a container of parameters in a comprehension "
                        "unrolled over it",
                        "write a for loop over the container, unpacking the item in its body",
                    )
                if what == "const":
                    rw.consts[name_node.id] = item
                else:
                    rw.env[name_node.id] = item
                    rw.consts.pop(name_node.id, None)
            if all(self.kept(cond) for cond in gen.ifs):
                if isinstance(node, ast.DictComp):
                    key = self.visit(copy.deepcopy(node.key))
                    if not isinstance(key, ast.Constant):
                        raise rw.refuse(
                            node.key,
                            "unroll a dict comprehension over a container whose keys depend "
                            "on values",
                            "make the keys the container's keys (`{k: ... for k, v in "
                            "params.items()}`) or constants",
                        )
                    elts.append((key, self.visit(copy.deepcopy(node.value))))
                else:
                    elts.append(self.visit(copy.deepcopy(node.elt)))
            rw.env, rw.consts = saved_env, saved_consts
        if isinstance(node, ast.DictComp):  # {k: v * 2 for k, v in params.items()}: a display
            keys = [k for k, _ in elts]
            if len({(type(k.value), k.value) for k in keys}) != len(keys):
                raise rw.refuse(node, "unroll a dict comprehension that repeats a key", None)
            values = [v for _, v in elts]
            return ast.copy_location(ast.Dict(keys=keys, values=values), node)
        return ast.copy_location(ast.List(elts=elts, ctx=ast.Load()), node)

    def kept(self, cond) -> bool:
        """Whether an `if` clause of a comprehension unrolled over a container keeps this
        element: it must be decided by the keys (`if k != "bias"`), not by values."""
        value = _truth(self.visit(copy.deepcopy(cond)))
        if value is None:
            raise self.rw.refuse(
                cond,
                "unroll a comprehension over a container with an `if` clause that depends "
                "on values (only one on the keys, such as `if k != 'b'`, can be unrolled)",
                "write a for loop over the container with the if inside its body",
            )
        return value

    def visit_ListComp(self, node):
        return self.comprehension(node) or self.generic_visit(node)

    def visit_GeneratorExp(self, node):
        return self.comprehension(node) or self.generic_visit(node)

    def visit_DictComp(self, node):
        return self.comprehension(node) or self.generic_visit(node)

    def visit_Lambda(self, node):
        """A lambda reads the containers' leaves as a nested def does (nested_function)."""
        if not self.rw.mentions_container(node):
            return node
        self.rw.refuse_shadowing(node, "a lambda", "write it as a function")
        return self.generic_visit(node)


def _method(cls, name):
    """The plain function `cls.name` is, if it is one (a method defined with `def`)."""
    if not isinstance(cls, type):
        return None
    try:
        found = inspect.getattr_static(cls, name)
    except AttributeError:
        return None
    return found if isinstance(found, types.FunctionType) else None


def _static_method(cls, name):
    """The plain function of the staticmethod `cls.name`, if it is one."""
    found = inspect.getattr_static(cls, name, None) if isinstance(cls, type) else None
    func = found.__func__ if isinstance(found, staticmethod) else None
    return func if isinstance(func, types.FunctionType) else None


def issubclass_dict(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, dict)


_NOT_CONSTANT = object()

_ARITHMETIC = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}


def _truth(node):
    """The truth of a test made of constants only (after the rewrite has replaced
    `isinstance`, `len` and `in` of containers by constants), else None."""
    try:
        value = _evaluate(node)
    except (_Unknown, TypeError, ValueError, ArithmeticError):
        return None
    return bool(value)


class _Unknown(Exception):
    pass


_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def _evaluate(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_evaluate(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _evaluate(node.operand)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return _ARITHMETIC[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.BoolOp):
        values = [_evaluate(v) for v in node.values]  # all constant, or unknown
        if isinstance(node.op, ast.And):
            return all(values)
        return any(values)
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        left = _evaluate(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = _evaluate(right_node)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    raise _Unknown


def _constant(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):  # params[("a", 1)]
        parts = [_constant(e) for e in node.elts]
        return _NOT_CONSTANT if _NOT_CONSTANT in parts else tuple(parts)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -node.operand.value
    return _NOT_CONSTANT


def _store_counts(tree):
    counts: dict[str, int] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            counts[n.id] = counts.get(n.id, 0) + 1
    return counts


_ = builtins  # (the resolver answers which builtins names denote)

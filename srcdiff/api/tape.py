"""`srcdiff.GradientTape`: TensorFlow's tape shape, answered by source transformation.

    with srcdiff.GradientTape() as tape:
        f = x**2 * y + y + 2
    tape.gradient(f, [x, y])            # [24.0, 10.0]

Nothing is recorded while the block runs, despite the name.  The tape notes where the
`with` statement is (file and line of the caller's frame) and the variables of that frame
when the block starts and ends.  When `gradient` is first called it reads the block's
source from the file, turns it into a function whose parameters are the sources

    def f(x, y):
        f = x**2 * y + y + 2
        return f

and differentiates that function with `srcdiff.grad` (reverse mode), at the sources'
values.  Other names the block reads have their values at the block's start: data as
parameters after the sources, functions and objects as closure values.  So the function
and its derivative code depend only on the block, and the next tape of the same block (in
a training loop) reuses them.

Which variable a value passed to `gradient` stands for is found by identity (`is`) among
the frame's variables, since a float or an array carries no name: a value two names hold
(`x = y = 3.0`), or none, is an error asking for the name as a string
(`tape.gradient(f, ["x", "y"])`), never a guess.  The function's parse is registered at
the block's own lines (`compiler.source.adopt`), so every error srcdiff raises about it
points at the user's file.

Refused with a `TapeError` (a `RuntimeError` too, as TensorFlow's are), rather than
answered wrongly: a block that assigns a source (the derivative would be with respect to
which value?), a block that uses a tape except for its own `watch` (nested tapes: use
`srcdiff.hessian`), a function called in the block that reads a source other than through
its arguments (a global or closure value srcdiff would treat as a constant), and a second
`gradient` of a tape that is not `persistent`.
"""

from __future__ import annotations

import ast
import copy
import dis
import linecache
import sys
import types
from dataclasses import dataclass

import numpy as np

from ..compiler.astutil import method_statement
from ..compiler.source import ParsedSource, adopt
from ..errors import SourceUnavailableError, TapeError
from .gradients import grad
from .gradients import source as generated_source
from .transforms import jacobian as make_jacobian
from .transforms import vjp

_UNSET = object()


class GradientTape:
    """A context manager with TensorFlow's `GradientTape` interface (`watch`, `gradient`,
    `jacobian`, `persistent=`) for plain floats and NumPy arrays.  `source()` shows the
    generated code."""

    def __init__(self, persistent: bool = False):
        self.persistent = persistent
        self._place: _Place | None = None
        self._entry: dict | None = None
        self._exit: dict | None = None
        self._globals: dict | None = None
        self._entry_is_globals = False
        self._watched: list = []
        self._used = False
        self._functions: dict[str, _Block] = {}
        self._last: tuple | None = None

    # -- recording where the block is ------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._place is not None:
            raise TapeError(
                "this GradientTape was already used in a `with` block",
                hint="make a new srcdiff.GradientTape() for each block",
            )
        frame = sys._getframe(1)
        self._place = _Place(frame.f_code.co_filename, frame.f_lineno, frame.f_code)
        self._entry = dict(frame.f_locals)
        self._globals = frame.f_globals
        self._entry_is_globals = frame.f_locals is frame.f_globals
        del frame
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        frame = sys._getframe(1)
        self._exit = dict(frame.f_locals)
        if self._place is not None:
            self._place.end_line = frame.f_lineno
        del frame

    def watch(self, *values) -> None:
        """Mark variables as sources: values (found by identity in the frame, as
        `gradient`'s sources are) or names as strings (`tape.watch("x")`), which settle
        which name is meant when two names hold the same value.  Optional: whatever is
        passed to `gradient` is watched."""
        for value in values:
            if isinstance(value, (list, tuple)):
                self.watch(*value)
            else:
                self._watched.append(value)

    # -- derivatives --------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """The derivative of `target` (a value the block assigned, or its name) with
        respect to `sources`: one value, or a list or tuple of them (values or names);
        the result has the same structure.  A non-scalar target is summed, as in
        TensorFlow (or weighted by `output_gradients`).  A source the target does not
        depend on gets None (`unconnected_gradients="zero"`: zeros)."""
        if unconnected_gradients not in ("none", "zero"):
            raise TapeError(
                f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}"
            )
        self._check_usable("gradient")
        flat, rebuild = _flatten(sources)
        block, names, params, values = self._request(target, flat)
        scalar = output_gradients is None and np.ndim(self._exit_value(block.target)) == 0
        self._last = (block, params, values, "grad" if scalar else "vjp")
        by_name: dict[str, object] = {}
        if params:
            args = [*values, *block.extra_values]
            if scalar:
                result = block.derivative("grad", params)(*args)
                result = result if len(params) > 1 else (result,)
            else:
                cotangent = output_gradients
                if cotangent is None:
                    target_value = self._exit_value(block.target)
                    cotangent = np.ones_like(np.asarray(target_value, dtype=float))
                _, pullback = vjp(block.func, *args)
                result = pullback(cotangent)[: len(params)]
            by_name = dict(zip(params, result))
        self._used = True
        grads = [None if n is None else by_name[n] for n in names]
        if unconnected_gradients == "zero":
            grads = [
                _zeros_like(flat_value(self, s)) if g is None else g for g, s in zip(grads, flat)
            ]
        return rebuild(grads)

    def jacobian(self, target, sources, unconnected_gradients="none"):
        """The Jacobian of `target` with respect to `sources` (one value, or a list or
        tuple), shape `target.shape + source.shape` each, as TensorFlow's."""
        self._check_usable("jacobian")
        flat, rebuild = _flatten(sources)
        block, names, params, values = self._request(target, flat)
        self._last = (block, params, values, "vjp")
        args = [*values, *block.extra_values]
        results = []
        for name, source_value in zip(names, flat):
            if name is None:
                shape = np.shape(self._exit_value(block.target)) + np.shape(
                    flat_value(self, source_value)
                )
                results.append(np.zeros(shape) if unconnected_gradients == "zero" else None)
            else:
                func = block.derivative("jacobian", params.index(name))
                results.append(func(*args))
        self._used = True
        return rebuild(results)

    def source(self, target=_UNSET, sources=_UNSET) -> str:
        """The generated code: of the last `gradient` or `jacobian` request, or of
        `target` with respect to `sources` (the gradient for a scalar target, else the
        vector-Jacobian product).  Does not use up a non-persistent tape."""
        if target is _UNSET:
            if self._last is None:
                raise TapeError(
                    "tape.source() shows the code of the last gradient; none was computed yet",
                    hint="call tape.gradient(target, sources) first, or pass them: "
                    "tape.source(target, sources)",
                )
            block, params, values, output = self._last
        else:
            flat, _ = _flatten(sources)
            block, _, params, values = self._request(target, flat)
            scalar = np.ndim(self._exit_value(block.target)) == 0
            output = "grad" if scalar else "vjp"
        if not params:
            raise TapeError(
                "the target depends on none of the sources, so there is no code to show",
                hint="name a source the tape's block reads",
            )
        return generated_source(
            block.func,
            wrt=params if len(params) != 1 else params[0],
            at=(*values, *block.extra_values),
            output=output,
        )

    # -- the block as a function ------------------------------------------------------
    def _check_usable(self, what):
        if self._exit is None:
            raise TapeError(
                f"tape.{what}() was called inside the tape's `with` block",
                hint=f"call tape.{what}() after the block ends (srcdiff reads the whole "
                "block as a function)",
            )
        if self._used and not self.persistent:
            raise TapeError(
                "a non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)",
                hint="use srcdiff.GradientTape(persistent=True) to call gradient or "
                "jacobian more than once",
            )

    def _exit_value(self, name):
        assert self._exit is not None and self._globals is not None
        if name in self._exit:
            return self._exit[name]
        return self._globals[name]

    def _request(self, target, flat):
        """(the block's function returning `target`, the parameter name of each source or
        None where the block does not read it, the parameters (each source's name once,
        in order), their values)."""
        assert self._place is not None and self._exit is not None
        tree = self._tree()
        target_name = self._target_name(target, tree)
        names, given = [], {}
        for src in flat:
            name = self._source_name(src, tree)
            names.append(name)
            if name is not None:
                given.setdefault(name, self._exit_value(src) if isinstance(src, str) else src)
        params = tuple(given)
        self._check_reached(tree, flat, names)
        for name in params:
            if name in tree.assigned:
                line = tree.assigned[name]
                raise TapeError(
                    f"{self._place.filename}:{line}: the tape's block assigns {name!r}, "
                    "a source of the gradient: the derivative would be ambiguous (with "
                    "respect to its value before or after that line?)",
                    hint=f"give the new value another name (`{name}2 = ...`), or start the "
                    f"tape after {name!r} has its final value",
                )
        key = target_name + "(" + ",".join(params) + ")"
        if key not in self._functions:
            self._functions[key] = self._build(tree, target_name, params)
        return self._functions[key], names, params, [given[n] for n in params]

    def _check_reached(self, tree, flat, names):
        """Refuse a source the block reads through another name -- a container holding
        it (`params = [w]`), an array that is a view of it (`v = w[1:]`), an object's
        attribute -- or a name the block reads that is part of a source: that path's
        derivative would be missing (or the whole gradient None), silently."""
        assert self._entry is not None and self._globals is not None
        values = [self._exit_value(s) if isinstance(s, str) else s for s in flat]
        for read in sorted(tree.read):
            if read in self._entry:
                value = self._entry[read]
            elif read in self._globals:
                value = self._globals[read]
            else:
                continue
            if isinstance(value, _OPAQUE):
                continue
            for name, source in zip(names, values):
                if read == name or value is source:
                    continue
                if _contains(value, source) or _contains(source, value):
                    raise TapeError(
                        f"the tape's block reads {read!r}, which holds a source of the "
                        f"gradient or part of one ({_describe(source)}) as a container "
                        "item, an attribute or an array view (a number: or an equal "
                        "constant Python keeps as one object); its derivative through "
                        f"{read!r} would be missing",
                        hint=f"pass {read!r} itself as a source (tape.gradient(target, "
                        f"[{read}]): its gradient has its structure), or read the source by "
                        "its own name in the block",
                    )

    def _tree(self) -> _BlockTree:
        assert self._place is not None and self._exit is not None
        if self._place.tree is None:
            exits = self._exit
            own = frozenset(n for n, v in exits.items() if v is self)
            tapes = frozenset(n for n, v in exits.items() if isinstance(v, GradientTape))
            key = (self._place.code, self._place.line, own, tapes)
            tree = _TREES.get(key)
            if tree is None:
                tree = _read_block(self._place, own, tapes)
                if len(_TREES) >= _LIMIT:
                    del _TREES[next(iter(_TREES))]
                _TREES[key] = tree
            self._place.tree = tree
        return self._place.tree

    def _candidates(self, value):
        assert self._exit is not None and self._globals is not None
        names = [n for n, v in self._exit.items() if v is value]
        if not names and self._exit is not self._globals:
            names = [n for n, v in self._globals.items() if v is value]
        return names

    def _target_name(self, target, tree) -> str:
        if isinstance(target, str):
            names = [target] if target in (self._exit or {}) or target in tree.assigned else []
        else:
            names = self._candidates(target)
            if len(names) > 1:
                names = [n for n in names if n in tree.assigned] or names
        if len(names) == 1:
            return names[0]
        where = f"{self._place.filename}:{self._place.line}" if self._place else ""
        if not names:
            raise TapeError(
                f"the target of tape.gradient is not a variable of the tape's block ({where})"
                if not isinstance(target, str)
                else f"the target {target!r} is not a variable of the tape's block ({where})",
                hint="assign the target to a name inside the block (`loss = ...`) and pass "
                "that variable (or its name as a string) to tape.gradient",
            )
        raise TapeError(
            f"the target of tape.gradient is the value of several variables "
            f"({', '.join(sorted(names))}), so srcdiff can't tell which one is meant ({where})",
            hint="pass the target's name as a string: tape.gradient("
            + repr(sorted(names)[0])
            + ", ...)",
        )

    def _source_name(self, src, tree) -> str | None:
        """The name a source stands for, or None if the block does not read it."""
        if isinstance(src, str):
            names = [src]
        else:
            names = self._candidates(src)
            if len(names) > 1:
                watched = [w for w in self._watched if isinstance(w, str) and w in names]
                read = [n for n in names if n in tree.read]
                names = watched or read or names
        where = f"{self._place.filename}:{self._place.line}" if self._place else ""
        if len(names) > 1:
            listed = ", ".join(sorted(names))
            raise TapeError(
                f"a source of tape.gradient is the value of several variables ({listed}), "
                f"so srcdiff can't tell which one is meant ({where}); plain values have "
                "no identity of their own (equal constants are often one object)",
                hint=f"pass the source's name as a string: tape.gradient(target, "
                f"[{sorted(names)[0]!r}, ...]), or call tape.watch({sorted(names)[0]!r})",
            )
        if not names:
            raise TapeError(
                f"a source of tape.gradient ({_describe(src)}) is not a variable of the "
                f"frame the tape's block ran in ({where})",
                hint="pass the variable the block reads (tape.gradient(f, [x, y])) or its "
                "name as a string",
            )
        name = names[0]
        if isinstance(src, str) and name not in tree.read and name not in (self._exit or {}):
            raise TapeError(
                f"the source {name!r} is not a variable of the tape's block ({where})",
                hint="name a variable the block reads",
            )
        return name if name in tree.read else None

    def _build(self, tree: _BlockTree, target: str, params: tuple[str, ...]) -> _Block:
        """The block as a function of `params`, then of the data it reads (numbers,
        arrays, containers: their values when the block started, as extra parameters, so
        the function and its derivative code are reused by the next tape of the same
        block); functions, modules and other objects the frame holds are closure values;
        the module's globals are read as any function of that module reads them."""
        assert self._place is not None and self._entry is not None and self._globals is not None
        entry, module_level = self._entry, self._entry_is_globals
        extra, cells = [], {}
        for name in sorted(tree.read):
            if name in params:
                continue
            if name in tree.assigned:
                if name in entry:
                    extra.append(name)
            elif name in entry:
                if isinstance(entry[name], _DATA):
                    extra.append(name)
                elif not module_level:
                    cells[name] = entry[name]
        shared = self._globals if module_level else None  # sources are module globals
        _check_helpers(tree, {**self._globals, **entry}, params, self._place, shared)
        key = (
            self._place.code,
            tree.node.lineno,
            target,
            params,
            tuple(extra),
            tuple((n, id(v)) for n, v in cells.items()),
        )
        block = _BLOCKS.get(key)
        if block is None:
            block = _compile(
                self._place.filename, tree, target, params, extra, cells, self._globals
            )
            if len(_BLOCKS) >= _LIMIT:
                del _BLOCKS[next(iter(_BLOCKS))]
            _BLOCKS[key] = block
        return _Block(block.func, target, [entry[n] for n in extra], block.tree, block.derivatives)


# (frame's code, with line, the tape's names, names holding tapes) -> the block's parse
_TREES: dict[tuple, _BlockTree] = {}
# (frame's code, with line, target, sources, extra parameters, closure values' ids) ->
# the block's function; bounded, oldest dropped.  The closure holds its values, so their
# ids are not reused while an entry lives.
_BLOCKS: dict[tuple, _Block] = {}
_LIMIT = 256
_DATA = (int, float, complex, np.ndarray, np.generic, list, tuple, dict, str, type(None))


def _compile(filename, tree, target, params, extra, cells, module_globals) -> _Block:
    """`def target(*params, *extra): <block>; return target`, inside a factory whose
    parameters are the closure values, at the block's own lines in `filename`."""
    args = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=n) for n in (*params, *extra)],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    line, col = tree.node.lineno, tree.node.col_offset
    ret = ast.Return(value=ast.Name(id=target, ctx=ast.Load()))
    ret.lineno = ret.end_lineno = line
    ret.col_offset = ret.end_col_offset = col
    fdef = ast.FunctionDef(
        name=target,
        args=args,
        body=[*copy.deepcopy(tree.body), ret],
        decorator_list=[],
        returns=None,
        type_comment=None,
    )
    fdef.lineno = fdef.end_lineno = line
    fdef.col_offset = fdef.end_col_offset = col
    factory_args = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=n) for n in cells],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    factory = ast.FunctionDef(
        name="_tape_factory",
        args=factory_args,
        body=[fdef, ast.Return(value=ast.Name(id=target, ctx=ast.Load()))],
        decorator_list=[],
        returns=None,
        type_comment=None,
    )
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    namespace: dict = {}
    exec(compile(module, filename, "exec", dont_inherit=True), module_globals, namespace)
    func = namespace["_tape_factory"](*cells.values())
    adopt(func, fdef, parsed_like(filename, fdef))
    return _Block(func, target, [], fdef, {})


def flat_value(tape, src):
    return tape._exit_value(src) if isinstance(src, str) else src


def _zeros_like(value):
    if isinstance(value, np.ndarray):
        return np.zeros_like(value, dtype=float)
    return 0.0


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {value!r}"


def _flatten(sources):
    if isinstance(sources, (list, tuple)):
        kind = type(sources)
        return list(sources), lambda xs: kind(xs) if kind in (list, tuple) else list(xs)
    return [sources], lambda xs: xs[0]


@dataclass
class _Place:
    filename: str
    line: int
    code: types.CodeType
    end_line: int | None = None
    tree: _BlockTree | None = None


@dataclass
class _BlockTree:
    node: ast.With
    body: list[ast.stmt]
    read: set[str]
    assigned: dict[str, int]  # name -> first line assigning it


@dataclass
class _Block:
    func: types.FunctionType
    target: str
    extra_values: list
    tree: ast.FunctionDef
    derivatives: dict  # (what, wrt) -> what grad & co. returned, shared by every tape

    def derivative(self, what, wrt):
        """`grad(func, wrt)` or `jacobian(func, wrt)`, made once per block function."""
        key = (what, wrt)
        if key not in self.derivatives:
            if what == "grad":
                self.derivatives[key] = grad(self.func, wrt=wrt if len(wrt) > 1 else wrt[0])
            else:
                self.derivatives[key] = make_jacobian(self.func, wrt=wrt)
        return self.derivatives[key]


def parsed_like(filename, fdef):
    """A stand-in parse placed at line 1, column 0 of `filename`: the block's nodes carry
    the file's own line numbers and columns, so errors point at them."""
    return ParsedSource(filename, linecache.getlines(filename), 1, 0, fdef, frozenset())


class _Locator:
    def __init__(self, filename):
        self.filename = filename
        self.lines = linecache.getlines(filename)

    def locate(self, node):
        line, col = node.lineno, node.col_offset
        text = self.lines[line - 1].rstrip("\n") if 0 < line <= len(self.lines) else None
        return (self.filename, line, col, text)


def _read_block(place: _Place, tape_names: frozenset, tapes: frozenset) -> _BlockTree:
    """The `with` statement at `place` whose `as` name (or context name) is one of
    `tape_names`, and its statements but the tape's `watch` calls."""
    filename = place.filename
    lines = [] if filename.startswith("<") else linecache.getlines(filename)
    if not lines:
        raise SourceUnavailableError(
            f"the source of the GradientTape block at {filename}:{place.line} is not available",
            hint="put the `with srcdiff.GradientTape()` block in a .py file; code typed at "
            "the interactive prompt or run with exec() has no source to read",
        )
    try:
        module = ast.parse("".join(lines), filename)
    except SyntaxError as exc:
        raise SourceUnavailableError(
            f"could not parse {filename} to read the GradientTape block: {exc.msg}",
            hint="the file may have changed since it ran; run it again",
        ) from None
    found = []
    for node in ast.walk(module):
        if not isinstance(node, ast.With):
            continue
        for item in node.items:
            expr = item.context_expr
            if not expr.lineno <= place.line <= (expr.end_lineno or expr.lineno):
                continue
            named = isinstance(item.optional_vars, ast.Name) and item.optional_vars.id
            if (
                (named and named in tape_names)
                or (isinstance(expr, ast.Name) and expr.id in tape_names)
                or (not tape_names)
            ):
                found.append(node)
    if len(found) != 1:
        raise SourceUnavailableError(
            f"could not find the GradientTape's `with` statement at {filename}:{place.line}"
            + (" (several match)" if found else ""),
            hint="write `with srcdiff.GradientTape() as tape:` on a line of its own, in a "
            ".py file that has not changed since it ran",
        )
    node = found[0]
    locator = _Locator(filename)
    body = []
    for stmt in node.body:
        if _is_watch(stmt, tape_names):
            continue
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Name) and sub.id in tapes | tape_names:
                raise TapeError(
                    "srcdiff cannot differentiate a block that uses a GradientTape "
                    "(other than its own tape's watch)",
                    node=sub,
                    source=locator,
                    hint="call tape.gradient after the block; for second derivatives "
                    "use srcdiff.hessian",
                )
            if isinstance(
                sub, (ast.Global, ast.Nonlocal, ast.Return, ast.Yield, ast.YieldFrom, ast.Await)
            ):
                raise TapeError(
                    f"srcdiff cannot turn a tape's block containing `{type(sub).__name__.lower()}`"
                    " into a function",
                    node=sub,
                    source=locator,
                    hint="move the computation into a function and call it in the block",
                )
        body.append(stmt)
    if not body:
        raise TapeError(
            "the GradientTape block computes nothing",
            node=node,
            source=locator,
            hint="compute the target inside the block",
        )
    read, assigned = _names(body)
    return _BlockTree(node, body, read, assigned)


def _is_watch(stmt, tape_names):
    method = method_statement(stmt)
    return method is not None and method[1] == "watch" and method[0] in tape_names


def _names(body):
    read: set[str] = set()
    assigned: dict[str, int] = {}
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    read.add(node.id)
                else:
                    assigned.setdefault(node.id, node.lineno)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                assigned.setdefault(node.name, node.lineno)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    assigned.setdefault((alias.asname or alias.name).split(".")[0], node.lineno)
    return read, assigned


def _globals_read(code):
    names = {i.argval for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _globals_read(const)
    return names


_OPAQUE = (types.ModuleType, types.FunctionType, type, types.BuiltinFunctionType)
_ATOMS = (bool, int, str, bytes, type(None))  # interned: identity says nothing


def _contains(container, obj, budget=100_000) -> bool:
    """Whether `obj` is an item of `container` (lists, tuples, dicts, objects'
    attributes, nested), or `container` is an array viewing `obj`'s memory."""
    if isinstance(obj, _ATOMS):
        return False
    todo, seen = [container], set()
    while todo and budget > 0:
        value = todo.pop()
        budget -= 1
        if id(value) in seen or isinstance(value, _ATOMS + _OPAQUE):
            continue
        seen.add(id(value))
        if value is obj and value is not container:
            return True
        if isinstance(value, np.ndarray):
            base = value.base
            while isinstance(base, np.ndarray):
                if base is obj:
                    return True
                base = base.base
        elif isinstance(value, (list, tuple)):
            todo.extend(value)
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif hasattr(value, "__dict__") and not isinstance(value, float):
            todo.extend(vars(value).values())
    return False


def _check_helpers(tree, namespace, params, place, source_globals):
    """Refuse a block calling a function that reads a source other than through its
    arguments (a module global, a closure variable): srcdiff would take that read as a
    constant, and the derivative through it would be silently missing."""
    sources = {id(namespace[n]): n for n in params if n in namespace}
    seen: set[int] = set()
    todo = [namespace.get(n) for n in sorted(tree.read) if n not in params]
    while todo:
        func = todo.pop()
        if not isinstance(func, types.FunctionType) or id(func) in seen:
            continue
        seen.add(id(func))
        reads = {
            n: func.__globals__[n] for n in _globals_read(func.__code__) if n in func.__globals__
        }
        for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
            try:
                reads[name] = cell.cell_contents
            except ValueError:
                continue
        for name, value in sorted(reads.items()):
            same = id(value) in sources and not isinstance(value, (bool, int))
            if same or (func.__globals__ is source_globals and name in params):
                raise TapeError(
                    f"{place.filename}:{place.line}: {func.__qualname__} (called in the "
                    f"tape's block) reads {name!r}, a source of the gradient, as a "
                    "global or closure variable; srcdiff differentiates a function through "
                    "its arguments only, so that derivative would be missing",
                    hint=f"pass {name} to {func.__name__} as an argument",
                )
            todo.append(value)

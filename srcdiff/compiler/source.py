"""Stage 1: from a function object to its AST and a name resolver.

The resolver answers "which Python object does this name denote?" so that
derivative rules are looked up by object, not by spelling: `np.sin`,
`numpy.sin` and `from numpy import sin as s` all resolve to `numpy.sin`.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import os
import textwrap
import types
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import SourceUnavailableError, SrcDiffError, UnsupportedSyntaxError
from ..rules import RULES
from . import lambdas
from .guards import NameGuard, guard_for
from .naming import tree_names

_MISSING = object()


@dataclass(frozen=True, eq=False)
class ParsedSource:
    """What reading and parsing a function's source gives: the same for every function
    object with the same code object, so it is read once per code object (see `parsed`).

    Shared: nothing may change `tree` (stages that rewrite it work on a copy), and
    `memo` holds only results that are pure functions of this parse (normalize.py
    keeps its normalized trees there).
    """

    filename: str
    file_lines: list[str]
    first_line: int
    indent: int
    tree: ast.FunctionDef
    local_names: frozenset[str]
    memo: dict = field(default_factory=dict)


# id(code object) -> (weak reference to it, its ParsedSource); an entry goes when its
# code object does.  Keyed by identity: equal code objects may come from different files.
_PARSED: dict[int, tuple[weakref.ref, ParsedSource]] = {}


def parsed(func: types.FunctionType) -> ParsedSource:
    """`func`'s source, read with inspect and parsed with ast once per code object (so a
    function whose `__code__` is replaced is read again).  Errors are not cached."""
    # inspect follows __wrapped__ (the source of a decorated function is the wrapped
    # one's), so only a function without it is keyed by its code object alone
    if not isinstance(func, types.FunctionType) or hasattr(func, "__wrapped__"):
        return _parse(func)
    code = func.__code__
    entry = _PARSED.get(id(code))
    if entry is not None and entry[0]() is code:
        return entry[1]
    result = _parse(func)
    if func.__code__ is code:
        key = id(code)
        _PARSED[key] = (weakref.ref(code, lambda ref: _forget(key, ref)), result)
    return result


def _forget(key, ref):
    entry = _PARSED.get(key)
    if entry is not None and entry[0] is ref:
        del _PARSED[key]


def adopt(func: types.FunctionType, tree: ast.FunctionDef, like: ParsedSource) -> ParsedSource:
    """Give `func` (made by srcdiff from a rewritten copy of a user function's tree, as
    compiler/trees.py makes a pytree function's flat view) the parse `tree`, placed where
    `like` is: errors about it then point at the user's file and lines.  The caller keeps
    `func` alive (the entry goes with its code object)."""
    found = tree_names(tree)
    result = ParsedSource(
        like.filename,
        like.file_lines,
        like.first_line,
        like.indent,
        tree,
        found.bound,
        {"tree names": found},
    )
    code = func.__code__
    key = id(code)
    _PARSED[key] = (weakref.ref(code, lambda ref: _forget(key, ref)), result)
    return result


def _parse(func) -> ParsedSource:
    filename, file_lines, first_line, indent, text, module = _read_source(func)
    try:
        module = module or ast.parse(text)  # (the parse that found the block's end)
    except SyntaxError as exc:  # e.g. a lambda cut out of a larger expression
        raise SourceUnavailableError(
            f"could not parse the source of {func.__name__!r}: {exc.msg}",
            hint="define the function with `def` in a .py file",
        ) from None
    node = module.body[0] if module.body else None
    if (
        not isinstance(node, ast.FunctionDef)
        and func.__name__ != "<lambda>"
        and (func.__code__.co_filename.startswith("<"))
    ):  # a pseudo-file ("<string>" of exec) whose lines linecache holds for other code
        raise SourceUnavailableError(
            f"the source of {func.__qualname__!r} is not available "
            f"(defined in {func.__code__.co_filename!r})",
            hint="define the function in a .py file; functions typed at the interactive "
            "prompt or created with exec() have no source to read",
        )
    if not isinstance(node, ast.FunctionDef):
        kind = "a lambda" if func.__name__ == "<lambda>" else type(node).__name__
        raise SourceUnavailableError(
            f"srcdiff differentiates functions defined with `def`; got {kind}",
            hint="write the function with `def name(args): ...`",
        )
    node.decorator_list = []
    found = tree_names(node)  # (one walk: the resolver's locals, naming's questions)
    return ParsedSource(
        filename, file_lines, first_line, indent, node, found.bound, {"tree names": found}
    )


# a lambda -> the `def` it stands for (compiler/lambdas.py), kept while the lambda lives
_DEFS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def as_def(func, strict=True):
    """`func` itself, unless it is a lambda: then the ordinary function it stands for,
    with the lambda's positions in its file (made once per lambda).  A lambda that
    can't be read is a SourceUnavailableError, or (not `strict`) stays itself."""
    if not lambdas.is_lambda(func):
        return func
    made = _DEFS.get(func)
    if made is None:
        try:
            made, tree, filename, lines = lambdas.lambda_as_def(func)
        except SourceUnavailableError:
            if strict:
                raise
            return func
        adopt(made, tree, ParsedSource(filename, lines, 1, 0, tree, frozenset()))
        made.__srcdiff_from_lambda__ = True
        made = _DEFS[func] = made
    return made


def made_from_lambda(func) -> bool:
    """Whether `func` is the `def` as_def made for a lambda (its file holds the lambda,
    not a `def`: by_value.py sends the def's text instead).  Marked on the function: the
    lambda, and with it its _DEFS entry, may be gone (`grad(lambda x: x * x)`)."""
    return getattr(func, "__srcdiff_from_lambda__", False)


class FunctionSource:
    """A user function's parsed source, with a map back to file positions.

    Cheap to make: the parse is shared by every FunctionSource of the same code
    object (`parsed`); `tree` must not be changed.
    """

    def __init__(self, func: types.FunctionType):
        self.func = func
        parse = parsed(func)  # first: it refuses what is not a function with source
        self.name = func.__name__
        self.filename, self.file_lines = parse.filename, parse.file_lines
        self.first_line, self.indent = parse.first_line, parse.indent
        self.tree = parse.tree
        self.memo = parse.memo
        self.resolver = Resolver(func, set(parse.local_names))
        # a flat view's parameters -> the user's spelling of them (trees.py), for errors
        self.spellings: dict[str, str] = getattr(func, "srcdiff_spellings", None) or {}

    def locate(self, node: ast.AST | None) -> tuple[str, int, int, str | None]:
        """(filename, line, column, text of that line) for an AST node."""
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return (self.filename, self.first_line, 0, None)
        line = self.first_line + lineno - 1
        col = getattr(node, "col_offset", 0) + self.indent
        text = None
        if 0 < line <= len(self.file_lines):
            text = self.file_lines[line - 1].rstrip("\n")
        return (self.filename, line, col, text)

    def local_names(self):
        """Names bound inside the function: parameters and assignment targets."""
        return _local_names(self.tree)

    def error(
        self, cls: type[SrcDiffError], message: str, node: ast.AST | None, hint: str | None = None
    ) -> SrcDiffError:
        return cls(message, node=node, source=self, hint=hint)


def _local_names(tree):
    return set(tree_names(tree).bound)


def _source_lines(func):
    """(`inspect.getsourcelines(func)`, the parse of its dedented text or None): the end
    of a `def` found by the parser (`_block`) rather than by inspect's tokenizer pass,
    which took as long as parsing it twice."""
    func = inspect.unwrap(func)
    lines, lnum = inspect.findsource(func)
    block, module = _block(lines[lnum:])
    return block, lnum + 1, module


def _block(lines):
    """(`inspect.getblock(lines)`, the parse of its dedented text or None) for lines
    starting with a `def` whose body is on lines of its own: the lines up to the def's
    last statement.  The candidate block ends before the first line after it that starts
    code at the def's indentation or less; if that line is inside a string or brackets,
    the candidate does not parse, and inspect decides (as it does for decorators,
    lambdas and one-line bodies).  The block is the same as inspect's, and the
    candidate's parse is the block's: the lines after the block are blank or comments,
    and if one of them were less indented than the def, the dedented def would be
    indented and the candidate would not parse."""
    head = lines[0] if lines else ""
    indent = len(head) - len(head.lstrip())
    if not head.lstrip().startswith("def ") or len(lines) < 2:
        return inspect.getblock(lines), None
    end = len(lines)
    for k in range(1, len(lines)):
        stripped = lines[k].lstrip()
        if stripped and stripped[0] != "#" and len(lines[k]) - len(stripped) <= indent:
            end = k
            break
    try:
        module = ast.parse(textwrap.dedent("".join(lines[:end])))
    except (SyntaxError, ValueError):
        return inspect.getblock(lines), None
    node = module.body[0] if len(module.body) == 1 else None
    if not isinstance(node, ast.FunctionDef) or node.body[0].lineno == node.lineno:
        return inspect.getblock(lines), None
    return lines[: _last_line(lines, node, end)], module


def _last_line(lines, node, end):
    """How many lines inspect's block has: to the def's last statement, and on to the
    last comment line after it indented at least as far as the body (inspect keeps
    those; only blank and comment lines are between the statement and `end`)."""
    body = lines[node.body[0].lineno - 1]
    body_indent = len(body) - len(body.lstrip())
    last = node.end_lineno
    for k in range(last, end):
        stripped = lines[k].lstrip()
        if stripped.startswith("#") and len(lines[k]) - len(stripped) >= body_indent:
            last = k + 1
    return last


def _read_source(func):
    if isinstance(func, types.MethodType):
        raise SourceUnavailableError(
            f"srcdiff differentiates plain functions; got the bound method {func.__qualname__}",
            hint="write a module-level function that takes what the method reads from `self` "
            "as arguments, e.g. def loss(k, x): ...",
        )
    if hasattr(func, "srcdiff_recipe"):  # what grad & co. returned (api/pickling.py)
        raise SourceUnavailableError(
            f"{func!r} is a derivative srcdiff made; srcdiff differentiates source code",
            hint="for second derivatives use srcdiff.hessian(f) or srcdiff.hvp(f, ...)",
        )
    if not isinstance(func, types.FunctionType):
        what = type(func).__name__
        raise SourceUnavailableError(
            f"srcdiff needs a Python function with source; got {func!r} ({what})",
            hint="wrap builtins and C functions in a `def`, or register a rule with "
            "srcdiff.register_rule",
        )
    try:
        lines, first, module = _source_lines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
    except (OSError, TypeError):
        raise SourceUnavailableError(
            f"the source of {func.__qualname__!r} is not available "
            f"(defined in {func.__code__.co_filename!r})",
            hint="define the function in a .py file; functions typed at the interactive "
            "prompt or created with exec() have no source to read",
        ) from None
    import linecache

    file_lines = linecache.getlines(filename) or lines
    first = max(first, 1)
    raw = "".join(lines)
    text = textwrap.dedent(raw)
    first_code = next((ln for ln in lines if ln.strip()), "")
    indent = len(first_code) - len(first_code.lstrip())
    # Drop a leading decorator block so line numbers still match the file.
    return filename, file_lines, first, indent, text, module


class Resolver:
    """Maps free names of a function to the objects they denote."""

    def __init__(self, func: types.FunctionType, local_names: set[str]):
        self.func = func
        self.locals = local_names
        self.globals = func.__globals__
        code = func.__code__
        cells = func.__closure__ or ()
        self.cells = dict(zip(code.co_freevars, cells))
        self.guards: dict[str, NameGuard] = {}  # what the names looked up denoted (guards.py)
        # names srcdiff's rewrites call -> what made them (flatcalls.FlatCall: its `.func`)
        self.introduced: dict[str, Any] = {}

    def is_local(self, name):
        return name in self.locals

    def introduce(self, base: str, made: Any, taken: dict) -> str:
        """A fresh name for `made.func`, a function srcdiff made that its rewritten tree
        calls (flatcalls.FlatCall: a helper's flat view): `base`, or `base2`, ... -- no
        name the function or its module binds, nor one `taken` gives another function.
        The same base and function get the same name, so code is deterministic."""
        name, n = base, 1
        while (
            name in self.locals
            or name in self.cells
            or name in self.globals
            or hasattr(builtins, name)
            or (name in taken and taken[name].func is not made.func)
        ):
            n += 1
            name = f"{base}{n}"
        self.introduced[name] = made
        return name

    def lookup(self, name: str) -> object:
        """The object a free (non-local) name denotes, or _MISSING."""
        if name in self.locals:
            return _MISSING
        if name in self.introduced:
            return self.introduced[name].func
        if name in self.cells:
            try:
                value = self.cells[name].cell_contents
            except ValueError:
                return _MISSING
            self._guard(self.cells[name], name, value)
            return as_def(value, strict=False)
        if name in self.globals:
            value = self.globals[name]
            self._guard(self.globals, name, value)
            return as_def(value, strict=False)
        return getattr(builtins, name, _MISSING)

    def _guard(self, holder, name, value):
        if name not in self.guards:
            guard = guard_for(holder, name, value)
            if guard is not None:
                self.guards[name] = guard

    def resolve(self, node: ast.AST) -> object:
        """The object an expression made of names and attributes denotes, or _MISSING."""
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is _MISSING:
                return _MISSING
            if node.attr == "__class__":  # normalize.py calls a held object's methods so
                return type(base)
            if not isinstance(base, types.ModuleType) and not _is_static(base):
                return self._attribute(base, node.attr)
            return getattr(base, node.attr, _MISSING)
        return _MISSING

    def resolve_dotted(self, parts):
        """`resolve` of the expression `a.b.c` given as ("a", "b", "c")."""
        obj = self.lookup(parts[0])
        for attr in parts[1:]:
            if obj is _MISSING:
                return _MISSING
            if attr == "__class__":
                obj = type(obj)
            elif not isinstance(obj, types.ModuleType) and not _is_static(obj):
                obj = self._attribute(obj, attr)
            else:
                obj = getattr(obj, attr, _MISSING)
        return obj

    def _attribute(self, obj, attr):
        """`obj.attr` of an object a module or closure holds: a method with a rule, or
        what the object itself holds under `attr` where that is a function or an object
        of a user class (`model.act = np.tanh`, `model.inner`: `model.act(x)` is a call
        of np.tanh), guarded as names are; else _MISSING (data is read live)."""
        found = _ruled_method(obj, attr)
        if found is _MISSING:
            found = _held_attribute(obj, attr)
            guard = guard_for(vars(obj), attr, found) if found is not _MISSING else None
            if guard is not None:
                self.guards.setdefault(f"{id(obj)}.{attr}", guard)
        return found


def _held_attribute(obj, attr):
    """The function or user-class object in `obj.__dict__[attr]` (as_def of a lambda),
    where the class defines nothing of that name (no property, no descriptor); else
    _MISSING."""
    held = getattr(obj, "__dict__", None)
    if not isinstance(held, dict) or attr not in held:
        return _MISSING
    if inspect.getattr_static(type(obj), attr, _MISSING) is not _MISSING:
        return _MISSING
    value = held[attr]
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, np.ufunc)):
        return as_def(value, strict=False)
    cls = type(value)
    if isinstance(value, (types.ModuleType, type)) or cls.__module__ == "builtins":
        return _MISSING
    return _MISSING if cls.__module__.startswith("numpy") else value


def dotted_name(node):
    """("np", "linalg", "norm") for the expression `np.linalg.norm`; None for anything
    but names and attributes of them (which `Resolver.resolve` never resolves)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return tuple(reversed(parts))


def _ruled_method(obj, attr):
    """`obj.attr` for an object a module holds, when it is a method with a derivative rule
    (`scipy.stats.norm.pdf`: norm is an instance); else _MISSING.  Found through the
    class without running any property, so resolving a name has no side effects."""
    if not isinstance(inspect.getattr_static(type(obj), attr, None), types.FunctionType):
        return _MISSING
    method = getattr(obj, attr, _MISSING)
    return method if RULES.lookup(method) else _MISSING


def _is_static(obj):
    """Objects whose attributes are fixed namespaces (classes, e.g. np.linalg is a module)."""
    return isinstance(obj, type)


MISSING = _MISSING


def _library_folders():
    import site
    import sysconfig

    paths = sysconfig.get_paths()
    folders = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    try:
        folders |= set(site.getsitepackages()) | {site.getusersitepackages()}
    except AttributeError:  # (a virtualenv's old site module)
        pass
    return tuple(os.path.join(os.path.realpath(f), "") for f in folders if f)


_LIBRARY_FOLDERS: tuple[str, ...] | None = None


def is_library(func: object) -> bool:
    """Whether `func` is a Python function of an installed package (site-packages,
    dist-packages) or of the standard library: srcdiff reads only the user's own code as
    source, so such a function needs a rule (its source may use anything, and the user
    can't change it)."""
    global _LIBRARY_FOLDERS
    code = getattr(func, "__code__", None)
    if code is None:
        return False
    filename = code.co_filename
    if filename.startswith("<"):
        return False
    if _LIBRARY_FOLDERS is None:
        _LIBRARY_FOLDERS = _library_folders()
    path = os.path.realpath(filename)
    parts = path.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    return path.startswith(_LIBRARY_FOLDERS)


def unsupported(source, node, what, hint):
    return source.error(UnsupportedSyntaxError, f"srcdiff cannot differentiate {what}", node, hint)


def is_user_function(obj: object) -> bool:
    """A Python function srcdiff reads the source of: the user's (not a library's), and
    not one with a rule (the rule is what srcdiff differentiates: runtime helpers a
    rewrite calls, list_edits.py's `list_set`, are primitives, not helpers that may keep
    or push onto a list passed to them)."""
    if not isinstance(obj, types.FunctionType) or is_library(obj):
        return False
    from ..rules import RULES

    return not RULES.lookup(obj)

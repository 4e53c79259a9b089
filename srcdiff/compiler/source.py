"""Stage 1: from a function object to its AST and a name resolver.

The resolver answers "which Python object does this name denote?" so that
derivative rules are looked up by object, not by spelling: `np.sin`,
`numpy.sin` and `from numpy import sin as s` all resolve to `numpy.sin`.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import types

from ..errors import SourceUnavailableError, UnsupportedSyntaxError

_MISSING = object()


class FunctionSource:
    """A user function's parsed source, with a map back to file positions."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.filename, self.file_lines, self.first_line, self.indent, text = _read_source(func)
        try:
            module = ast.parse(text)
        except SyntaxError as exc:  # e.g. a lambda cut out of a larger expression
            raise SourceUnavailableError(
                f"could not parse the source of {self.name!r}: {exc.msg}",
                hint="define the function with `def` in a .py file",
            ) from None
        node = module.body[0] if module.body else None
        if not isinstance(node, ast.FunctionDef):
            kind = "a lambda" if func.__name__ == "<lambda>" else type(node).__name__
            raise SourceUnavailableError(
                f"srcdiff differentiates functions defined with `def`; got {kind}",
                hint="write the function with `def name(args): ...`",
            )
        node.decorator_list = []
        self.tree = node
        self.resolver = Resolver(func, self.local_names())

    def locate(self, node):
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
        names = {a.arg for a in _all_args(self.tree.args)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node is not self.tree:
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    names.add((alias.asname or alias.name).split(".")[0])
        return names

    def error(self, cls, message, node, hint=None):
        return cls(message, node=node, source=self, hint=hint)


def _all_args(args):
    return [*args.posonlyargs, *args.args, *args.kwonlyargs,
            *([args.vararg] if args.vararg else []), *([args.kwarg] if args.kwarg else [])]


def _read_source(func):
    if isinstance(func, types.MethodType):
        raise SourceUnavailableError(
            f"srcdiff differentiates plain functions; got the bound method {func.__qualname__}",
            hint="write a module-level function that takes what the method reads from `self` "
                 "as arguments, e.g. def loss(k, x): ...")
    if not isinstance(func, types.FunctionType):
        what = type(func).__name__
        raise SourceUnavailableError(
            f"srcdiff needs a Python function with source; got {func!r} ({what})",
            hint="wrap builtins and C functions in a `def`, or register a rule with "
                 "srcdiff.register_rule",
        )
    try:
        lines, first = inspect.getsourcelines(func)
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
    return filename, file_lines, first, indent, text


class Resolver:
    """Maps free names of a function to the objects they denote."""

    def __init__(self, func, local_names):
        self.func = func
        self.locals = local_names
        self.globals = func.__globals__
        code = func.__code__
        cells = func.__closure__ or ()
        self.cells = dict(zip(code.co_freevars, cells))

    def is_local(self, name):
        return name in self.locals

    def lookup(self, name):
        """The object a free (non-local) name denotes, or _MISSING."""
        if name in self.locals:
            return _MISSING
        if name in self.cells:
            try:
                return self.cells[name].cell_contents
            except ValueError:
                return _MISSING
        if name in self.globals:
            return self.globals[name]
        return getattr(builtins, name, _MISSING)

    def resolve(self, node):
        """The object an expression made of names and attributes denotes, or _MISSING."""
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is _MISSING or not isinstance(base, types.ModuleType) and not _is_static(base):
                return _MISSING
            return getattr(base, node.attr, _MISSING)
        return _MISSING


def _is_static(obj):
    """Objects whose attributes are fixed namespaces (classes, e.g. np.linalg is a module)."""
    return isinstance(obj, type)


MISSING = _MISSING


def unsupported(source, node, what, hint):
    return source.error(UnsupportedSyntaxError, f"srcdiff cannot differentiate {what}", node, hint)

"""`srcdiff build --no-import`: a function object without running its module.

Importing a module runs its top level: slow set-up, a GPU probe, a data
download, or code that fails on a CI machine.  A build step should not
depend on any of that, so with --no-import we construct the module's
globals from its source instead:

* the module's AST is read, and each module-level name is mapped to the
  last top-level statement that binds it;
* a name is resolved only when a function that srcdiff will read needs it:
  imports of other modules are really imported (the standard library,
  NumPy, installed packages), except the project's own modules, which are
  resolved the same static way; ``def`` statements are compiled alone with
  the real filename and line numbers (so `inspect.getsource` works);
  constants are evaluated when they are literals or arithmetic on literals
  and other constants;
* anything else a needed name is bound to (a call, a class, a binding
  inside ``if``/``try``/``for``) cannot be decided without running the
  module, and is reported with a hint to build without --no-import.

The result feeds the same generator as an importing build, so the output
is byte-identical whenever both succeed.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import contextlib
import copy
import importlib
import importlib.util
import operator
import os
import symtable
import sys
import types

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_UNARY = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}


class StaticResolutionError(Exception):
    """A name a function needs can't be decided without running its module."""


class _Unbound(Exception):
    """The module binds no such name (the caller falls back to builtins)."""


class _Binding:
    """The top-level statement that (last) binds a module-level name."""

    def __init__(self, kind, node, alias=None, why=None):
        self.kind = kind  # "def", "import", "from", "assign" or "undecidable"
        self.node = node
        self.alias = alias  # the ast.alias of an import
        self.why = why  # for "undecidable": what binds it


class _StaticModule(types.ModuleType):
    """A module object whose attributes are resolved from source on first access."""

    _info = None  # set on a per-module subclass, so the module's __dict__ stays clean

    def __getattr__(self, attr):
        info = type(self)._info
        if info is None or attr.startswith("__"):
            raise AttributeError(attr)
        try:
            return info.resolve(attr)
        except _Unbound:
            sub = info.project.submodule(info.dotted, attr)
            if sub is None:
                raise AttributeError(f"module {info.dotted!r} has no attribute {attr!r}") from None
            return sub


class _ModuleInfo:
    """One project module read statically: its bindings and its (growing) namespace."""

    def __init__(self, project, dotted, path, is_package):
        self.project = project
        self.dotted = dotted
        self.path = path  # None for a namespace package
        cls = type("StaticModule", (_StaticModule,), {"_info": self})
        self.module = cls(dotted)
        self.ns = self.module.__dict__
        self.ns["__builtins__"] = builtins
        self.ns["__package__"] = dotted if is_package else dotted.rpartition(".")[0]
        if is_package:
            self.ns["__path__"] = [
                os.path.dirname(path) if path else os.path.join(project.root, *dotted.split("."))
            ]
        self.bindings = {}
        self.stars = []
        self.flags = 0
        self.resolving = set()
        self.source = ""
        if path is not None:
            self.ns["__file__"] = path
            with open(path, encoding="utf-8") as fh:
                self.source = fh.read()
            try:
                tree = ast.parse(self.source, path)
            except SyntaxError as exc:
                raise StaticResolutionError(
                    f"{path}:{exc.lineno}: syntax error: {exc.msg}"
                ) from None
            self._collect(tree.body)
        self._symtable = None

    # -- reading the top level ------------------------------------------------------------
    def _collect(self, body):
        for stmt in body:
            if _is_main_guard(stmt):
                continue
            if isinstance(stmt, ast.FunctionDef):
                self._bind(stmt.name, _Binding("def", stmt))
            elif isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                for alias in stmt.names:
                    feature = getattr(__future__, alias.name, None)
                    self.flags |= getattr(feature, "compiler_flag", 0)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    if alias.name == "*":
                        self.stars.append(stmt)
                        continue
                    name = alias.asname or alias.name.split(".")[0]
                    kind = "import" if isinstance(stmt, ast.Import) else "from"
                    self._bind(name, _Binding(kind, stmt, alias))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and all(
                isinstance(t, ast.Name) for t in _targets(stmt)
            ):
                if stmt.value is not None:
                    for target in _targets(stmt):
                        self._bind(target.id, _Binding("assign", stmt))
            elif isinstance(stmt, (ast.Expr, ast.Pass)):
                continue  # evaluated for effect only; binds nothing
            else:
                what = _describe(stmt)
                for name in _names_bound_in(stmt):
                    self._bind(name, _Binding("undecidable", stmt, why=what))

    def _bind(self, name, binding):
        self.bindings[name] = binding

    # -- resolving names --------------------------------------------------------------------
    def resolve(self, name):
        """The value of module-level `name`; raises _Unbound if the module binds none."""
        if name in self.ns and name not in self.resolving:
            return self.ns[name]
        binding = self.bindings.get(name)
        if binding is None:
            return self._from_stars(name)
        if binding.kind == "undecidable":
            raise self._error(binding.node, name, f"it is bound by {binding.why}")
        if name in self.resolving:
            raise self._error(binding.node, name, "its definition refers to itself")
        self.resolving.add(name)
        try:
            if binding.kind == "def":
                value = self._def(binding.node, target=False)
            elif binding.kind in ("import", "from"):
                value = self._import(binding)
            else:
                value = self._evaluate(binding.node.value, binding.node, name)
        finally:
            self.resolving.discard(name)
        self.ns[name] = value
        return value

    def need(self, name):
        """Put `name` in the namespace if the module binds it (else it is a builtin or missing)."""
        try:
            self.resolve(name)
        except _Unbound:
            pass

    def _from_stars(self, name):
        for stmt in reversed(self.stars):
            module = self.project.import_module(self._absolute(stmt), self, stmt)
            try:
                return getattr(module, name)
            except AttributeError:
                continue
        raise _Unbound(name)

    def function(self, name):
        """The function `def name` at module level, compiled alone (decorators dropped)."""
        binding = self.bindings.get(name)
        if binding is None or binding.kind != "def":
            what = (
                "not defined at module level"
                if binding is None
                else f"bound by {binding.why or 'an assignment or import'}"
                f" (line {binding.node.lineno})"
            )
            raise StaticResolutionError(
                f"{self.path}: --no-import builds functions defined by a top-level `def`; "
                f"{name!r} is {what}. Build without --no-import."
            )
        if name not in self.ns:
            self.resolving.add(name)
            try:
                self.ns[name] = self._def(binding.node, target=True)
            finally:
                self.resolving.discard(name)
        return self.ns[name]

    def _def(self, node, target):
        if node.decorator_list and not target:
            raise self._error(node, node.name, "it is decorated, and decorators run code")
        if node.decorator_list:
            # Drop the decorators but start the code object where they start, as
            # Python does, so `inspect.getsource` returns the same text either way.
            first = node.decorator_list[0].lineno
            node = copy.copy(node)
            node.decorator_list = []
            node.lineno = first
        for name in sorted(_def_time_names(node, self.flags)):
            self.need(name)
        code = compile(
            ast.Module(body=[node], type_ignores=[]),
            self.path,
            "exec",
            flags=self.flags,
            dont_inherit=True,
        )
        exec(code, self.ns)  # noqa: S102 - runs only the `def` statement itself
        func = self.ns[node.name]
        for name in sorted(self._body_globals(node)):
            self.need(name)
        return func

    def _body_globals(self, node):
        """Global names the function's body (and its nested scopes) read."""
        if self._symtable is None:
            self._symtable = symtable.symtable(self.source, self.path, "exec")
        table = next(
            (
                t
                for t in self._symtable.get_children()
                if t.get_name() == node.name and t.get_lineno() == node.lineno
            ),
            None,
        )
        if table is None:  # e.g. type parameters add a scope: fall back to the AST
            return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        names = set()
        stack = [table]
        while stack:
            t = stack.pop()
            names |= {s.get_name() for s in t.get_symbols() if s.is_global()}
            stack += t.get_children()
        return names

    def _import(self, binding):
        alias, stmt = binding.alias, binding.node
        if isinstance(stmt, ast.Import):
            module = self.project.import_module(alias.name, self, stmt)
            if alias.asname:
                return module
            return self.project.import_module(alias.name.split(".")[0], self, stmt)
        base = self._absolute(stmt)
        module = self.project.import_module(base, self, stmt)
        info = self.project.infos.get(base)
        if info is not None:
            try:
                return info.resolve(alias.name)
            except _Unbound:
                pass
        elif hasattr(module, alias.name):
            return getattr(module, alias.name)
        sub = self.project.import_module(f"{base}.{alias.name}", self, stmt, missing_ok=True)
        if sub is None:
            raise self._error(
                stmt, alias.asname or alias.name, f"module {base!r} has no attribute {alias.name!r}"
            )
        return sub

    def _absolute(self, stmt):
        if not stmt.level:
            return stmt.module
        package = self.ns["__package__"].split(".") if self.ns["__package__"] else []
        if stmt.level - 1 > len(package):
            raise self._error(stmt, stmt.module or ".", "the relative import leaves the project")
        base = package[: len(package) - stmt.level + 1]
        return ".".join(base + ([stmt.module] if stmt.module else []))

    def _evaluate(self, expr, stmt, name):
        """Literals, and arithmetic on them and on other resolvable constants."""
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            items = [self._evaluate(e, stmt, name) for e in expr.elts]
            return {ast.Tuple: tuple, ast.List: list, ast.Set: set}[type(expr)](items)
        if isinstance(expr, ast.Dict) and None not in expr.keys:
            return {
                self._evaluate(k, stmt, name): self._evaluate(v, stmt, name)
                for k, v in zip(expr.keys, expr.values)
            }
        if isinstance(expr, ast.UnaryOp) and type(expr.op) in _UNARY:
            return _UNARY[type(expr.op)](self._evaluate(expr.operand, stmt, name))
        if isinstance(expr, ast.BinOp) and type(expr.op) in _BINOPS:
            return _BINOPS[type(expr.op)](
                self._evaluate(expr.left, stmt, name), self._evaluate(expr.right, stmt, name)
            )
        if isinstance(expr, ast.Name):
            try:
                return self.resolve(expr.id)
            except _Unbound:
                if hasattr(builtins, expr.id):
                    return getattr(builtins, expr.id)
                raise self._error(stmt, name, f"{expr.id!r} is not defined") from None
        if isinstance(expr, ast.Attribute):
            base = self._evaluate(expr.value, stmt, name)
            if isinstance(base, types.ModuleType) and hasattr(base, expr.attr):
                return getattr(base, expr.attr)
        raise self._error(
            stmt,
            name,
            f"its value `{ast.unparse(expr)}` is not a constant "
            "(only literals and arithmetic on constants are "
            "evaluated)",
        )

    def _error(self, node, name, why):
        where = f"{self.project.display(self.path)}:{getattr(node, 'lineno', 1)}"
        return StaticResolutionError(
            f"{where}: --no-import cannot tell what {name!r} is: {why}. "
            f"Build without --no-import (srcdiff then imports {self.dotted})."
        )


class StaticProject:
    """The project's modules, read statically; `function()` is the entry point."""

    def __init__(self, root, display=None):
        self.root = os.path.abspath(root)  # the folder imports are relative to
        self.infos = {}
        self.display = display or (lambda path: path)
        self._installed = None

    def function(self, dotted, name):
        """The function `name` of module `dotted` (a file under the root)."""
        info = self._info(dotted)
        if info is None or info.path is None:
            raise StaticResolutionError(f"no module {dotted!r} under {self.root}")
        return info.function(name)

    @contextlib.contextmanager
    def installed(self):
        """Register the static modules in sys.modules while the generator runs.

        The generator finds a helper's module through sys.modules (to read
        its globals as `module.name`); modules already imported for real
        are left as they are.
        """
        self._installed = []
        for info in self.infos.values():
            self._install(info)
        try:
            yield self
        finally:
            for name in self._installed:
                sys.modules.pop(name, None)
            self._installed = None

    def _install(self, info):
        if self._installed is not None and info.dotted not in sys.modules:
            sys.modules[info.dotted] = info.module
            self._installed.append(info.dotted)

    def _locate(self, dotted):
        base = os.path.join(self.root, *dotted.split("."))
        if os.path.isfile(base + ".py"):
            return base + ".py", False
        if os.path.isfile(os.path.join(base, "__init__.py")):
            return os.path.join(base, "__init__.py"), True
        if os.path.isdir(base) and _may_be_namespace(dotted):
            return None, True
        return False, False

    def _info(self, dotted):
        if dotted in self.infos:
            return self.infos[dotted]
        path, is_package = self._locate(dotted)
        if path is False:
            return None
        parent = None
        if "." in dotted:
            parent = self._info(dotted.rpartition(".")[0])
            if parent is None:
                return None
        info = self.infos[dotted] = _ModuleInfo(self, dotted, path, is_package)
        if parent is not None:
            parent.ns.setdefault(dotted.rpartition(".")[2], info.module)
        self._install(info)
        return info

    def submodule(self, dotted, attr):
        info = self._info(f"{dotted}.{attr}")
        return info.module if info is not None else None

    def import_module(self, dotted, importer, stmt, missing_ok=False):
        """A project module (static) or any other module (really imported)."""
        info = self._info(dotted)
        if info is not None:
            return info.module
        try:
            return importlib.import_module(dotted)
        except ImportError as exc:
            if missing_ok:
                return None
            raise importer._error(stmt, dotted, f"importing it failed: {exc}") from None


def _may_be_namespace(dotted):
    """A project folder without __init__.py is a namespace package unless a regular
    top-level module of that name is installed (which the import system prefers)."""
    if "." in dotted:
        return True
    try:
        spec = importlib.util.find_spec(dotted)
    except (ImportError, ValueError):
        return True
    return spec is None or spec.origin is None


def _targets(stmt):
    return stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]


def _is_main_guard(stmt):
    """`if __name__ == "__main__":` -- never runs on import, binds nothing we need."""
    return (
        isinstance(stmt, ast.If)
        and isinstance(stmt.test, ast.Compare)
        and isinstance(stmt.test.left, ast.Name)
        and stmt.test.left.id == "__name__"
        and len(stmt.test.comparators) == 1
        and isinstance(stmt.test.comparators[0], ast.Constant)
        and stmt.test.comparators[0].value == "__main__"
    )


def _describe(stmt):
    what = {
        ast.ClassDef: "a class statement",
        ast.AsyncFunctionDef: "an async def",
        ast.AugAssign: "an augmented assignment",
        ast.Delete: "a del statement",
        ast.Assign: "an unpacking assignment",
    }.get(type(stmt))
    if what is None:
        what = f"code inside a `{type(stmt).__name__.lower()}` statement"
    return f"{what} at line {stmt.lineno}"


def _names_bound_in(stmt):
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name.split(".")[0]) for a in node.names if a.name != "*"}
    return names


def _def_time_names(node, flags):
    """Names evaluated when the `def` itself runs: defaults, and annotations unless postponed."""
    exprs = list(node.args.defaults) + [d for d in node.args.kw_defaults if d is not None]
    if not flags & __future__.annotations.compiler_flag:
        args = node.args
        every = [
            *args.posonlyargs,
            *args.args,
            *args.kwonlyargs,
            *([args.vararg] if args.vararg else []),
            *([args.kwarg] if args.kwarg else []),
        ]
        exprs += [a.annotation for a in every if a.annotation is not None]
        if node.returns is not None:
            exprs.append(node.returns)
    return {n.id for e in exprs for n in ast.walk(e) if isinstance(n, ast.Name)}

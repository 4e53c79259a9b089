"""`srcdiff build`: derivative modules written ahead of time, checked in CI.

`srcdiff.grad` generates code when a program runs.  Some projects would
rather review, commit and ship that code: no srcdiff at run time, no
generation cost at start-up, diffs in code review when a model changes.
`srcdiff build` writes each configured derivative into a plain module:

* **self-contained** -- it imports only what the derivative code needs
  (stdlib, NumPy, the user's module for the globals it reads) and carries a
  copy of each `srcdiff.runtime` helper it calls;
* **deterministic** -- byte-identical on every run and machine, so that
  `srcdiff build --check` can tell a stale file by regenerating it and
  comparing, and the header records why (source, options or version);
* **configured** in ``[tool.srcdiff]`` of pyproject.toml, so a bare
  `srcdiff build` regenerates everything (docs/build.md).

The pieces: configuration (`Target`, TOML reading), loading functions
(importing, or statically with --no-import, see build_static.py),
assembling modules (`_ModuleText`), emitting finite-difference tests, and
the command itself (`cmd_build`).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import hashlib
import importlib
import inspect
import io
import json
import math
import numbers
import os
import random
import re
import sys
import tokenize
import types
from dataclasses import dataclass, field

OUTPUT_KINDS = ("grad", "value_and_grad", "vjp")
KINDS = ("scalar", "array", "int", "seq")
DEFAULT_BOX = (0.5, 1.5)
EXIT_OK, EXIT_STALE = 0, 1


def _usage(message):
    from .cli import UsageError  # imported late: cli imports this module
    return UsageError(message)


def _version():
    from . import __version__
    return __version__


# =====================================================================================
# Configuration
# =====================================================================================

@dataclass
class Target:
    """One function to differentiate, and where and how to write its derivatives."""

    file: str                   # the source file, relative to the project root (posix)
    function: str               # the function's name in that file
    output: str                 # the module to write, relative to the project root
    wrt: tuple = ()             # parameter names (empty: the first parameter)
    outputs: tuple = ("grad",)  # which derivative functions to generate
    mode: str = "reverse"
    at: dict | None = None      # example arguments: fix the parameter kinds, test points
    kinds: dict = field(default_factory=dict)   # explicit kinds, win over `at`
    box: dict | None = None     # emitted tests: parameter -> [low, high]
    samples: int = 3
    seed: int = 0
    rtol: float = 1e-5
    atol: float = 1e-6

    @property
    def spec(self):
        return f"{self.file}:{self.function}"


@dataclass
class Project:
    """Where paths are relative to, and where the project's modules import from."""

    root: str                   # absolute: the folder with pyproject.toml (or the cwd)
    source_root: str            # absolute: the folder imports are relative to
    config: dict                # the [tool.srcdiff] table
    pyproject: str | None

    def rel(self, path):
        return os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")

    def abs(self, rel):
        return os.path.normpath(os.path.join(self.root, *rel.split("/")))

    def is_module(self, dotted):
        """Is `dotted` one of the project's own modules (a file under the source root)?"""
        base = os.path.join(self.source_root, *dotted.split("."))
        return os.path.isfile(base + ".py") or os.path.isdir(base)

    def dotted(self, rel):
        """Import path of a project file: its path relative to the source root."""
        full = self.abs(rel)
        inner = os.path.relpath(full, self.source_root)
        if inner.startswith(".."):
            raise _usage(f"{rel} is outside the source root "
                         f"{self.rel(self.source_root) or '.'}; srcdiff build imports "
                         "modules by their path from there")
        parts = os.path.splitext(inner)[0].split(os.sep)
        if parts[-1] == "__init__":
            parts.pop()
        if not all(p.isidentifier() for p in parts):
            raise _usage(f"{rel} cannot be imported as a module: {'.'.join(parts)!r} is not "
                         "a dotted name of identifiers")
        return ".".join(parts)


def find_project(start):
    """The nearest pyproject.toml from `start` upwards; its folder is the project root."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            with open(candidate, "rb") as fh:
                text = fh.read().decode("utf-8")
            try:
                config = read_toml(text).get("tool", {}).get("srcdiff", {})
            except ValueError as exc:
                raise _usage(f"{candidate}: {exc}") from None
            root = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            candidate, config, root = None, {}, os.path.abspath(start)
            break
        folder = parent
    source_root = os.path.normpath(os.path.join(root, config.get("source-root", ".")))
    return Project(root=root, source_root=source_root, config=config, pyproject=candidate)


def read_toml(text):
    """Parse TOML with tomllib (3.11+) or tomli; else the small reader below."""
    try:
        import tomllib
    except ImportError:
        try:
            import tomli as tomllib
        except ImportError:
            return _MiniToml(text).parse()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None


class _MiniToml:
    """Enough TOML for ``[tool.srcdiff]`` on Python 3.10 without a dependency.

    Tables and arrays of tables whose name starts with ``tool.srcdiff``
    are parsed (strings, numbers, booleans, arrays, inline tables, dotted
    keys); every other table is skipped without being parsed.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*(\]\]?)\s*(#.*)?$")

    def __init__(self, text):
        self.lines = text.splitlines()

    def parse(self):
        data = {}
        table = None
        open_string = None      # delimiter of a multi-line string in a skipped table
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            i += 1
            stripped = line.strip()
            if open_string:
                if line.count(open_string) % 2 == 1:
                    open_string = None
                continue
            if not stripped or stripped.startswith("#"):
                continue
            header = self._HEADER.match(line)
            if header and stripped.startswith("["):
                keys = [k.strip().strip('"\'') for k in header.group(2).split(".")]
                table = None
                if keys[:2] == ["tool", "srcdiff"]:
                    table = self._open(data, keys, header.group(1) == "[[")
                continue
            if table is None:
                open_string = next((d for d in ('"""', "'''") if line.count(d) % 2 == 1), None)
                continue
            text = line
            while True:
                try:
                    key, value = _TomlValue(text).key_value()
                    break
                except _Incomplete:
                    if i >= len(self.lines):
                        raise ValueError(f"unterminated value: {line.strip()}") from None
                    text += "\n" + self.lines[i]
                    i += 1
            node = table
            for k in key[:-1]:
                node = node.setdefault(k, {})
            node[key[-1]] = value
        return data

    @staticmethod
    def _open(data, keys, array):
        node = data
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if isinstance(node, list):
                node = node[-1]
        if array:
            node.setdefault(keys[-1], []).append({})
            return node[keys[-1]][-1]
        return node.setdefault(keys[-1], {})


_TOML_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}


class _Incomplete(Exception):
    """The value continues on the next line."""


class _TomlValue:
    """Recursive-descent reader for one ``key = value`` line of the TOML subset."""

    _NUMBER = re.compile(r"[+-]?(inf|nan|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|"
                         r"[0-9_]+(\.[0-9_]+)?([eE][+-]?[0-9_]+)?)")

    def __init__(self, text):
        self.text = text
        self.pos = 0

    def key_value(self):
        key = self.key()
        self.skip()
        self.expect("=")
        value = self.value()
        self.skip()
        if self.pos < len(self.text):
            raise ValueError(f"unexpected text after a value: {self.text[self.pos:]!r}")
        return key, value

    def key(self):
        parts = []
        while True:
            self.skip(newlines=False)
            if self.peek() in "\"'":
                parts.append(self.string())
            else:
                m = re.compile(r"[A-Za-z0-9_-]+").match(self.text, self.pos)
                if not m:
                    raise ValueError(f"expected a key in {self.text.strip()!r}")
                parts.append(m.group())
                self.pos = m.end()
            self.skip(newlines=False)
            if self.peek() != ".":
                return parts
            self.pos += 1

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self, newlines=True):
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            elif c in " \t" or (newlines and c in "\r\n"):
                self.pos += 1
            else:
                return

    def expect(self, char):
        if self.peek() != char:
            if not self.peek():
                raise _Incomplete()
            raise ValueError(f"expected {char!r} in {self.text.strip()!r}")
        self.pos += 1

    def value(self):
        self.skip()
        c = self.peek()
        if not c:
            raise _Incomplete()
        if c in "\"'":
            return self.string()
        if c == "[":
            return self.sequence("]", lambda: self.value())
        if c == "{":
            table = {}

            def pair():
                key = self.key()
                self.skip()
                self.expect("=")
                node = table
                for k in key[:-1]:
                    node = node.setdefault(k, {})
                node[key[-1]] = self.value()
            self.sequence("}", pair)
            return table
        for word, value in (("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return value
        m = self._NUMBER.match(self.text, self.pos)
        if not m:
            raise ValueError(f"unsupported value in {self.text.strip()!r}")
        self.pos = m.end()
        raw = m.group().replace("_", "")
        if raw.lstrip("+-")[:2] in ("0x", "0o", "0b"):
            return int(raw, 0)
        return float(raw) if any(ch in raw for ch in ".eEn") else int(raw)

    def sequence(self, close, item):
        self.pos += 1
        items = []
        while True:
            self.skip()
            if not self.peek():
                raise _Incomplete()
            if self.peek() == close:
                self.pos += 1
                return items
            items.append(item())
            self.skip()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != close:
                if not self.peek():
                    raise _Incomplete()
                raise ValueError(f"expected ',' or {close!r} in {self.text.strip()!r}")

    def string(self):
        quote = self.peek()
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise ValueError(f"unterminated string in {self.text.strip()!r}")
            c = self.text[self.pos]
            self.pos += 1
            if c == quote:
                return "".join(out)
            if c == "\\" and quote == '"':
                e = self.text[self.pos]
                self.pos += 1
                if e in "uU":
                    n = 4 if e == "u" else 8
                    out.append(chr(int(self.text[self.pos:self.pos + n], 16)))
                    self.pos += n
                else:
                    out.append(_TOML_ESCAPES.get(e, e))
            else:
                out.append(c)


_TARGET_KEYS = {"function", "wrt", "output", "generate", "mode", "at", "kinds", "box",
                "samples", "seed", "rtol", "atol"}


def targets_from_config(project):
    """The `[[tool.srcdiff.targets]]` entries, checked and with defaults filled in."""
    entries = project.config.get("targets", [])
    where = project.rel(project.pyproject) if project.pyproject else "pyproject.toml"
    if not isinstance(entries, list):
        raise _usage(f"{where}: [tool.srcdiff] targets must be an array of tables "
                     "([[tool.srcdiff.targets]])")
    targets = []
    for n, entry in enumerate(entries, 1):
        label = f"{where}: target {n}"
        unknown = sorted(set(entry) - _TARGET_KEYS)
        if unknown:
            raise _usage(f"{label}: unknown key(s) {', '.join(unknown)}; known keys: "
                         f"{', '.join(sorted(_TARGET_KEYS))}")
        spec = entry.get("function")
        if not isinstance(spec, str) or ":" not in spec:
            raise _usage(f'{label}: function = "path/to/file.py:name" is required')
        file, _, name = spec.rpartition(":")
        file = project.rel(project.abs(file))
        output = entry.get("output") or _default_output(file)
        wrt = entry.get("wrt", ())
        wrt = (wrt,) if isinstance(wrt, str) else tuple(wrt)
        outputs = entry.get("generate", ["grad"])
        outputs = (outputs,) if isinstance(outputs, str) else tuple(outputs)
        targets.append(_checked(Target(
            file=file, function=name, output=project.rel(project.abs(output)), wrt=wrt,
            outputs=outputs, mode=entry.get("mode", "reverse"), at=entry.get("at"),
            kinds=dict(entry.get("kinds", {})), box=entry.get("box"),
            samples=int(entry.get("samples", 3)), seed=int(entry.get("seed", 0)),
            rtol=float(entry.get("rtol", 1e-5)), atol=float(entry.get("atol", 1e-6))), label))
    return targets


def targets_from_args(project, args):
    """Targets named on the command line (paths relative to the current directory)."""
    at = None
    if args.at:
        from .cli import parse_at
        at = parse_at(args.at)
    wrt = tuple(w.strip() for w in (args.wrt or "").split(",") if w.strip())
    outputs = _parse_outputs(args.output or "grad")
    targets = []
    for spec in args.targets:
        if ":" not in spec:
            raise _usage(f"expected FILE.py:FUNCTION, got {spec!r}")
        path, _, name = spec.rpartition(":")
        if not os.path.isfile(path):
            raise _usage(f"no such file: {path}")
        file = project.rel(path)
        output = project.rel(args.out) if args.out else _default_output(file)
        targets.append(_checked(Target(file=file, function=name, output=output, wrt=wrt,
                                       outputs=outputs, mode=args.mode, at=at), spec))
    return targets


def _parse_outputs(text):
    if text == "both":
        return ("grad", "value_and_grad")
    return tuple(o.strip() for o in text.split(",") if o.strip())


def _default_output(file):
    stem, _ = os.path.splitext(file)
    return f"{stem}_grad.py"


def _checked(target, label):
    if target.mode != "reverse":
        raise _usage(f"{label}: mode {target.mode!r} is not available yet; use mode 'reverse'")
    bad = [o for o in target.outputs if o not in OUTPUT_KINDS]
    if bad or not target.outputs:
        raise _usage(f"{label}: cannot generate {', '.join(bad) or 'nothing'}; choose from "
                     f"{', '.join(OUTPUT_KINDS)}")
    if len(set(target.outputs)) != len(target.outputs):
        raise _usage(f"{label}: generate names an output twice")
    bad = sorted(k for k, v in target.kinds.items() if v not in KINDS)
    if bad:
        raise _usage(f"{label}: kinds must be one of {', '.join(KINDS)} (see {', '.join(bad)})")
    if not target.output.endswith(".py"):
        raise _usage(f"{label}: output {target.output!r} must be a .py file")
    if not target.function.isidentifier():
        raise _usage(f"{label}: {target.function!r} is not a function name")
    return target


# =====================================================================================
# Loading the user's functions
# =====================================================================================

class _ImportingLoader:
    """Imports project modules by their dotted path from the source root.

    Importing by dotted path (not by file location) gives every module the
    same `__name__` it has in the user's program, which is what the built
    module imports.  The project's modules are removed from sys.modules
    afterwards, so repeated in-process builds see fresh sources.
    """

    def __init__(self, project):
        self.project = project

    @contextlib.contextmanager
    def session(self):
        before = set(sys.modules)
        sys.path.insert(0, self.project.source_root)
        importlib.invalidate_caches()
        try:
            yield self
        finally:
            sys.path.remove(self.project.source_root)
            for name in set(sys.modules) - before:
                if self._is_project_module(sys.modules[name]):
                    del sys.modules[name]

    def _is_project_module(self, module):
        path = getattr(module, "__file__", None)
        here = os.path.dirname(os.path.abspath(__file__))
        if not path or os.path.abspath(path).startswith(here + os.sep):
            return False
        return os.path.abspath(path).startswith(self.project.source_root + os.sep)

    def function(self, target):
        dotted = self.project.dotted(target.file)
        existing = sys.modules.get(dotted)
        expected = self.project.abs(target.file)
        if existing is not None and os.path.abspath(getattr(existing, "__file__", "") or "") \
                != expected:
            del sys.modules[dotted]     # a module of that name from elsewhere
        try:
            module = importlib.import_module(dotted)
        except SyntaxError as exc:
            raise _usage(f"{target.file}:{exc.lineno}: syntax error: {exc.msg}") from None
        except Exception as exc:    # noqa: BLE001 - the user's module failed to import
            raise _usage(f"importing {target.file} (as {dotted}) failed: "
                         f"{type(exc).__name__}: {exc}; fix it, or build with --no-import") \
                from None
        func = getattr(module, target.function, None)
        if not isinstance(func, types.FunctionType):
            defined = sorted(n for n, v in vars(module).items()
                             if isinstance(v, types.FunctionType) and v.__module__ == dotted)
            what = "no function" if func is None else f"no plain function (it is {func!r})"
            raise _usage(f"{target.file} has {what} {target.function!r}; functions defined "
                         f"there: {', '.join(defined) or '(none)'}")
        return func


class _StaticLoader:
    """--no-import: functions built from source without running their modules."""

    def __init__(self, project):
        from .build_static import StaticProject
        self.project = project
        self.static = StaticProject(project.source_root, display=project.rel)

    @contextlib.contextmanager
    def session(self):
        with self.static.installed():
            yield self

    def function(self, target):
        from .build_static import StaticResolutionError
        try:
            return self.static.function(self.project.dotted(target.file), target.function)
        except StaticResolutionError as exc:
            raise _usage(str(exc)) from None


# =====================================================================================
# Generating one target
# =====================================================================================

@dataclass
class _Built:
    """A target's generated units, with everything its header and tests need."""

    target: Target
    dotted: str
    func: object
    params: list
    wrt: tuple
    kinds: dict
    units: list                 # [(output kind, Generated)]
    source_text: str

    def header_line(self):
        kinds = ",".join(f"{k}:{v}" for k, v in sorted(self.kinds.items()))
        return (f"{self.target.spec} wrt={','.join(self.wrt)} kinds={kinds} "
                f"mode={self.target.mode} generate={','.join(self.target.outputs)}")

    def hash_input(self):
        return {"function": self.target.spec, "source": self.source_text, "wrt": self.wrt,
                "kinds": sorted(self.kinds.items()), "outputs": self.target.outputs,
                "mode": self.target.mode}


def _build_target(project, loader, target):
    from .analysis import INT, SCALAR
    from .api import _kinds_for_source, _parse_wrt, _prepare
    from .generate import generate_reverse
    func = loader.function(target)
    params = _prepare(func)
    wrt, _ = _parse_wrt(func, target.wrt or 0, params)
    at = _numpy_at(target.at)
    try:
        kinds = _kinds_for_source(func, params, at)
    except TypeError as exc:
        raise _usage(f"{target.spec}: `at` does not match {func.__name__}"
                     f"{inspect.signature(func)}: {exc}") from None
    unknown = sorted(set(target.kinds) - set(params))
    if unknown:
        raise _usage(f"{target.spec}: kinds names no parameter {', '.join(unknown)}")
    kinds.update(target.kinds)
    for w in wrt:
        if kinds[w] == INT:
            kinds[w] = SCALAR
    units = [(out, generate_reverse(func, wrt, dict(kinds), output=out))
             for out in target.outputs]
    return _Built(target=target, dotted=project.dotted(target.file), func=func, params=params,
                  wrt=wrt, kinds=kinds, units=units, source_text=inspect.getsource(func))


def _numpy_at(at):
    """Lists in `at` are arrays (as with `srcdiff show --at`), unless kinds says seq."""
    if at is None:
        return None
    import numpy as np
    out = {}
    for k, v in at.items():
        try:
            out[k] = np.array(v, dtype=float) if isinstance(v, list) else v
        except (TypeError, ValueError):
            raise _usage(f"`at` value for {k} is not a number or a list of numbers: {v!r}") \
                from None
    return out


# =====================================================================================
# Assembling a module
# =====================================================================================

class _ModuleText:
    """Merges generated units into one module namespace, then prints it.

    Every module-level name is claimed with a *key* saying what it is
    (``("module", "numpy")``, ``("from", "pkg.model", "SCALE")``,
    ``("const", "3.0")``, ``("def", text)``).  Two units may share a name
    only for the same key -- identical helper functions are written once
    -- otherwise the later unit's name is renamed (token-exactly, so the
    `# line N` comments stay put).
    """

    def __init__(self):
        self.names = {}         # module-level name -> key
        self.defs = []          # names of generated functions, in order
        self.runtime_defs = []  # names of copied runtime helpers, in order
        self.runtime = {}       # runtime function -> its name here

    # -- adding code ----------------------------------------------------------------------
    def add_unit(self, gen, user_module):
        def resolve(name):
            if name in gen.bindings:
                return self._binding_key(name, gen.bindings[name])
            if name in gen.globals:
                value = gen.globals[name]
                if isinstance(value, types.ModuleType):
                    return ("module", value.__name__)
                return ("from", user_module, name)
            if hasattr(builtins, name):
                return None
            raise _BuildError(f"the derivative of {gen.label} reads {name!r}, which "
                              f"{user_module} does not define")
        text = _drop_unused_bindings(_same_on_every_python(gen.text))
        self._add(text, resolve, entries={gen.entry}, runtime=False)

    def _binding_key(self, name, obj):
        if isinstance(obj, types.ModuleType):
            return ("module", obj.__name__)
        module = getattr(obj, "__module__", None) or ""
        if _is_runtime(module) and callable(obj):
            return ("name", self._add_runtime(obj))
        if module.split(".")[0] == "srcdiff" and callable(obj):
            raise _BuildError(f"generated code calls srcdiff's {obj.__qualname__}, which a "
                              "built module cannot import; it belongs in srcdiff.runtime")
        literal = _literal(obj)
        if literal is not None:
            return ("const", literal)
        qual = getattr(obj, "__qualname__", "")
        if module and qual.isidentifier() and module != "__main__":
            return ("from", module, qual)
        raise _BuildError(f"generated code refers to {obj!r} (as {name}), which cannot be "
                          "written into a module: it is neither a literal nor importable")

    def _add_runtime(self, func):
        if func in self.runtime:
            return self.runtime[func]
        runtime = sys.modules[func.__module__]
        text = inspect.getsource(func)
        _check_runtime_imports(func, text)

        def resolve(name):
            value = getattr(runtime, name, None)
            if isinstance(value, types.ModuleType):
                return ("module", value.__name__)
            if isinstance(value, types.FunctionType) and _is_runtime(value.__module__):
                return ("name", self._add_runtime(value))
            if _literal(value) is not None and hasattr(runtime, name):
                return ("const", _literal(value))
            if hasattr(builtins, name):
                return None
            raise _BuildError(f"{func.__module__}.{func.__name__} reads {name!r}, which a "
                              "built module cannot provide")
        self.runtime[func] = func.__name__     # provisional, for recursive helpers
        renames = self._add(text, resolve, entries=set(), runtime=True)
        self.runtime[func] = renames.get(func.__name__, func.__name__)
        return self.runtime[func]

    def _add(self, text, resolve, entries, runtime):
        chunks = _split_defs(text)
        defined = [name for name, _ in chunks]
        tokens = _name_tokens(text)
        renames = {}
        for name in sorted(_free_names(ast.parse(text)) - set(defined)):
            key = resolve(name)
            if key is None:
                continue
            actual = key[1] if key[0] == "name" else self._claim(name, key, tokens)
            if actual != name:
                renames[name] = actual
        while True:     # rename clashing functions until every one fits
            for name, chunk in chunks:
                new = renames.get(name, name)
                existing = self.names.get(new)
                if existing is None or (existing == ("def", _rename(chunk, renames))
                                        and name not in entries):
                    continue
                if name in entries:
                    raise _BuildError(f"two targets generate a function named {new!r} in "
                                      "the same module; give them separate output files")
                renames[name] = self._fresh(name, tokens)
                break
            else:
                break
        for name, chunk in chunks:
            new = renames.get(name, name)
            if new not in self.names:
                self.names[new] = ("def", _rename(chunk, renames))
                (self.runtime_defs if runtime else self.defs).append(new)
        return renames

    def _claim(self, name, key, tokens):
        if self.names.get(name, key) == key:
            self.names[name] = key
            return name
        fresh = self._fresh(name, tokens)
        self.names[fresh] = key
        return fresh

    def _fresh(self, name, tokens):
        n = 2
        while f"{name}_{n}" in self.names or f"{name}_{n}" in tokens:
            n += 1
        return f"{name}_{n}"

    # -- printing -------------------------------------------------------------------------------
    def render(self, header, is_project):
        consts = [f"{n} = {k[1]}" for n, k in sorted(self.names.items()) if k[0] == "const"]
        blocks = [header]
        imports = _import_block(self.names, is_project)
        if imports:
            blocks.append(imports)
        if consts:
            blocks.append("\n".join(consts))
        blocks += [self.names[n][1] for n in self.defs]
        if self.runtime_defs:
            blocks.append("# srcdiff runtime helpers, copied here so this module runs "
                          "without srcdiff\n\n\n" +
                          "\n\n\n".join(self.names[n][1].rstrip("\n")
                                       for n in self.runtime_defs))
        return "\n\n\n".join(b.rstrip("\n") for b in blocks) + "\n"


def _import_block(names, is_project):
    """Import statements laid out as ruff's isort rule (I001) wants them.

    Standard library, then third-party, each with `import x` before
    `from x import y`.  The project's own modules follow an `# isort: split`
    line: whether a linter counts them as first- or third-party depends on
    where it runs, and the split makes the block correct either way.
    """
    sections = {"stdlib": [], "third": [], "project": []}
    froms = {}
    for name, key in names.items():
        if key[0] == "module" and key[1].rpartition(".")[2] == name and "." in key[1]:
            key = ("from", key[1].rpartition(".")[0], name)    # `from a import b`, not `as b`
        if key[0] == "module":
            line = f"import {key[1]}" if key[1] == name else f"import {key[1]} as {name}"
            sections[_section(key[1], is_project)].append(((key[1].lower(), name), line))
        elif key[0] == "from":
            froms.setdefault(key[1], []).append(key[2] if key[2] == name
                                                else f"{key[2]} as {name}")
    for module, members in froms.items():
        members.sort(key=_member_order)
        line = f"from {module} import {', '.join(members)}"
        if len(line) > 88:
            line = f"from {module} import (\n" + "".join(f"    {m},\n" for m in members) + ")"
        sections[_section(module, is_project)].append(((module.lower(), "~from"), line))
    groups = []
    for section in ("stdlib", "third"):
        lines = sections[section]
        straight = sorted(item for item in lines if item[0][1] != "~from")
        from_lines = sorted(item for item in lines if item[0][1] == "~from")
        if lines:
            groups.append("\n".join(line for _, line in straight + from_lines))
    text = "\n\n".join(groups)
    project = sections["project"]
    if project:
        straight = sorted(item for item in project if item[0][1] != "~from")
        from_lines = sorted(item for item in project if item[0][1] == "~from")
        body = "\n".join(line for _, line in straight + from_lines)
        text = f"{text}\n\n# isort: split\n{body}" if text else body
    return text


def _section(module, is_project):
    top = module.split(".")[0]
    if is_project(module):
        return "project"
    return "stdlib" if top in sys.stdlib_module_names else "third"


def _member_order(member):
    """isort's order-by-type: CONSTANTS, then Classes, then everything else."""
    name = member.split(" as ")[0]
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return (kind, name.lower(), name)


def _is_runtime(module):
    """srcdiff.runtime and its siblings (runtime_numpy): helpers made to be copied."""
    return module == "srcdiff.runtime" or module.startswith("srcdiff.runtime_")


class _BuildError(Exception):
    """Generated code that can't be written as a self-contained module."""


def _same_on_every_python(text):
    """Drop the parentheses Python 3.10's `ast.unparse` puts around tuple targets.

    3.10 prints ``(a, b) = f()`` where 3.11+ print ``a, b = f()``; built
    files must not depend on the Python that built them.
    """
    edits = []
    for node in ast.walk(ast.parse(text)):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.For) else []
        for t in targets:
            if isinstance(t, ast.Tuple) and t.elts and t.lineno == t.end_lineno:
                edits.append((t.lineno, t.col_offset, t.end_col_offset))
    if not edits:
        return text
    lines = text.splitlines(keepends=True)
    for row, start, end in sorted(edits, reverse=True):
        line = lines[row - 1].encode()
        segment = line[start:end]
        if segment.startswith(b"(") and segment.endswith(b")"):
            lines[row - 1] = (line[:start] + segment[1:-1] + line[end:]).decode()
    return "".join(lines)


def _drop_unused_bindings(text):
    """`t6 = helper_fwd(_stack, y)` with `t6` never read becomes `helper_fwd(_stack, y)`.

    The call must still run (it pushes onto the stack); only the binding is
    dead, and linters flag it (F841).  Evaluation is kept exactly.
    """
    tree = ast.parse(text)
    edits = []
    for fdef in tree.body:
        if not isinstance(fdef, ast.FunctionDef):
            continue
        loads = {n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)
                 and isinstance(n.ctx, ast.Load)}
        params = {a.arg for a in ast.walk(fdef.args) if isinstance(a, ast.arg)}
        for node in ast.walk(fdef):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name) and \
                    node.targets[0].id not in loads | params and \
                    not isinstance(node.value, (ast.Name, ast.Constant, ast.Attribute)):
                edits.append((node.lineno, node.col_offset, node.targets[0].end_col_offset))
    lines = text.splitlines(keepends=True)
    for row, start, end in sorted(edits, reverse=True):
        line = lines[row - 1].encode()
        rest = re.match(rb"\s*=\s*", line[end:])
        if rest:
            lines[row - 1] = (line[:start] + line[end + rest.end():]).decode()
    return "".join(lines)


def _split_defs(text):
    """[(name, text)] of the top-level `def`s in generated text, in order."""
    chunks = []
    for line in text.splitlines(keepends=True):
        if line.startswith("def "):
            chunks.append([line[4:line.index("(")], line])
        elif chunks:
            chunks[-1][1] += line
    return [(name, chunk.rstrip() + "\n") for name, chunk in chunks]


def _name_tokens(text):
    return {tok.string for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type == tokenize.NAME}


def _rename(text, renames):
    """Rename names (not attributes, keywords or comments) token by token."""
    if not renames:
        return text
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    edits = []
    for i, tok in enumerate(toks):
        if tok.type != tokenize.NAME or tok.string not in renames:
            continue
        before = toks[i - 1].string if i else ""
        after = toks[i + 1].string if i + 1 < len(toks) else ""
        if before == "." or (after == "=" and before in ("(", ",")):
            continue
        edits.append((tok.start, tok.end, renames[tok.string]))
    lines = text.splitlines(keepends=True)
    for (row, col), (_, end), new in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "".join(lines)


def _free_names(tree):
    """Module-level names a module's functions read without binding them."""
    free = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            free |= _loads(node)
            continue
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                 *([args.vararg] if args.vararg else []), *([args.kwarg] if args.kwarg else [])]
        local = {a.arg for a in every}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                local.add(sub.id)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                local |= {(a.asname or a.name).split(".")[0] for a in sub.names}
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                local.add(sub.name)
        free |= set().union(*(_loads(s) for s in node.body)) - local
        outer = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
        outer += [a.annotation for a in every if a.annotation is not None]
        outer += [node.returns] if node.returns is not None else []
        outer += node.decorator_list
        for expr in outer:
            free |= _loads(expr)
    return free


def _loads(node):
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
            names.add(sub.id)
        elif isinstance(sub, ast.arg) and isinstance(sub.annotation, ast.Constant) and \
                isinstance(sub.annotation.value, str):
            try:    # a string annotation: linters resolve its names too
                names |= _loads(ast.parse(sub.annotation.value, mode="eval"))
            except SyntaxError:
                pass
    return names


def _literal(obj):
    """Source text for a constant (None if it is not one), stable across machines."""
    if obj is None or isinstance(obj, (bool, str, bytes)):
        return repr(obj)
    if isinstance(obj, numbers.Integral):
        return repr(int(obj))
    if isinstance(obj, numbers.Real):
        value = float(obj)
        return f'float("{value!r}")' if math.isnan(value) or math.isinf(value) else repr(value)
    if isinstance(obj, numbers.Complex):
        return repr(complex(obj))
    if isinstance(obj, tuple):
        parts = [_literal(o) for o in obj]
        if None not in parts:
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    return None


def _check_runtime_imports(func, text):
    """A copied helper may import srcdiff only inside try/except ImportError."""
    tree = ast.parse(text)
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError",
                                                                "ModuleNotFoundError")
                for h in node.handlers):
            guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in guarded:
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""]
            if any(m.split(".")[0] == "srcdiff" for m in mods):
                raise _BuildError(f"{func.__module__}.{func.__name__} imports srcdiff, so a "
                                  "module built with it would need srcdiff installed")


def _hash(items):
    payload = json.dumps({"srcdiff": _version(), "items": items}, sort_keys=True,
                         default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _header(title, files, hash_, targets):
    lines = [f"# Generated by srcdiff {_version()} from {', '.join(files)}. DO NOT EDIT.",
             "# Regenerate with `srcdiff build`; `srcdiff build --check` tells if it is stale.",
             f"# srcdiff-version: {_version()}",
             f"# srcdiff-input-hash: sha256:{hash_}"]
    lines += [f"# srcdiff-target: {t}" for t in targets]
    lines.append(f'"""{title}"""')
    return "\n".join(lines)


def render_module(project, built_list):
    """The text of one output module, for the targets written to it (in order)."""
    module = _ModuleText()
    for built in built_list:
        for _, gen in built.units:
            try:
                module.add_unit(gen, built.func.__module__)
            except _BuildError as exc:
                raise _usage(f"{built.target.spec}: {exc}") from None
    files = sorted({b.target.file for b in built_list})
    names = ", ".join(f"{b.target.function}" for b in built_list)
    title = (f"Derivatives of {names} ({', '.join(files)}), generated by srcdiff "
             f"(reverse mode).")
    header = _header(title, files, _hash([b.hash_input() for b in built_list]),
                     [b.header_line() for b in built_list])
    return module.render(header, project.is_module)


# =====================================================================================
# Emitted finite-difference tests
# =====================================================================================

_TEST_HELPERS = '''
def _fd_partial(f, point, name):
    """Central finite difference of f at `point` along parameter `name`."""
    x = point[name]
    if np.ndim(x) == 0:
        h = 1e-6 * max(1.0, abs(x))
        up = f(**{**point, name: x + h})
        down = f(**{**point, name: x - h})
        return (up - down) / (2 * h)
    base = np.array(x, dtype=float)
    out = np.zeros(base.shape)
    for i in np.ndindex(base.shape):
        h = 1e-6 * max(1.0, abs(base[i]))
        up, down = base.copy(), base.copy()
        up[i] += h
        down[i] -= h
        out[i] = (f(**{**point, name: _like(up, x)}) -
                  f(**{**point, name: _like(down, x)})) / (2 * h)
    return out


def _like(values, x):
    if isinstance(x, (list, tuple)):
        return type(x)(values.tolist())
    return values


def _check(got, want, rtol, atol, what):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                               rtol=rtol, atol=atol, err_msg=what)


def _check_target(f, derivative, output, wrt, points, rtol, atol, cotangent=None):
    for point in points:
        want = [_fd_partial(f, point, name) for name in wrt]
        if cotangent is not None:     # a vjp: its last parameter is the output's cotangent
            got = derivative(**point, **{cotangent: 1.25})
            want = [1.25 * w for w in want]
        else:
            got = derivative(**point)
        if output == "value_and_grad":
            value, got = got
            _check(value, f(**point), 1e-12, 0.0, f"value at {point}")
        if len(wrt) == 1:
            got = (got,)
        assert len(got) == len(wrt), f"expected {len(wrt)} derivatives, got {len(got)}"
        for name, g, w in zip(wrt, got, want):
            _check(g, w, rtol, atol, f"d/d{name} at {point}")
'''


def _points(built):
    """Test points: `at`, or `samples` random points in `box` (fixed seed)."""
    target = built.target
    sig = inspect.signature(built.func)
    required = [p for p in built.params if sig.parameters[p].default is inspect.Parameter.empty]
    at = dict(target.at or {})
    box = dict(target.box or {})
    if target.box is None and target.at is None:
        box = {p: list(DEFAULT_BOX) for p in required if built.kinds.get(p) == "scalar"}
    missing = [p for p in required if p not in at and p not in box]
    if missing:
        raise _usage(f"{target.spec}: emitted tests need a value for {', '.join(missing)}: "
                     "give `at` (example arguments) or `box` (ranges for scalars)")
    shapeless = [p for p in box if built.kinds.get(p) in ("array", "seq") and p not in at]
    if shapeless:
        raise _usage(f"{target.spec}: a `box` for {', '.join(shapeless)} needs `at` too, "
                     "to give the shape")
    if not box:
        return [{p: _as_kind(at[p], built.kinds.get(p)) for p in built.params if p in at}]
    rng = random.Random(target.seed)
    points = []
    for _ in range(target.samples):
        point = {}
        for p in built.params:
            if p in box:
                low, high = (float(v) for v in box[p])
                shape = _shape(at.get(p))
                count = math.prod(shape)
                values = [round(low + (high - low) * rng.random(), 6) for _ in range(count)]
                point[p] = _as_kind(values if shape else values[0], built.kinds.get(p), shape)
            elif p in at:
                point[p] = _as_kind(at[p], built.kinds.get(p))
        points.append(point)
    return points


def _shape(value):
    if isinstance(value, (list, tuple)):
        return (len(value),) + (_shape(value[0]) if value else ())
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else ()


def _as_kind(value, kind, shape=None):
    """A test-point value as the kind the derivative was built for."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if kind == "int":
        return int(value)
    if kind == "scalar":
        return float(value)
    if kind == "array":
        import numpy as np
        array = np.array(value, dtype=float)
        return _Array(array.reshape(shape).tolist() if shape else array.tolist())
    if kind == "seq":
        return [float(v) for v in value]
    return value


class _Array(list):
    """Printed as `np.array([...])` in the emitted test."""


def _value_text(value):
    if isinstance(value, _Array):
        return f"np.array({list(value)!r})"
    if isinstance(value, float):
        return _literal(value)
    return repr(value)


def render_tests(project, test_path, built_list):
    """A pytest module checking each built derivative against finite differences."""
    test_dir = os.path.dirname(project.abs(test_path))
    up = os.path.relpath(project.source_root, test_dir).replace(os.sep, "/")
    aliases = {}

    def alias(dotted):
        name = dotted.replace(".", "_")
        while name in aliases.values() and aliases.get(dotted) != name:
            name += "_"
        return aliases.setdefault(dotted, name)

    tests = []
    items = []
    for built in built_list:
        target = built.target
        user = alias(built.dotted)
        out = alias(project.dotted(target.output))
        points = _points(built)
        items.append({"target": built.header_line(), "points": repr(points),
                      "output": target.output, "rtol": target.rtol, "atol": target.atol})
        point_lines = "".join(
            f"        {{{', '.join(f'{k!r}: {_value_text(v)}' for k, v in p.items())}}},\n"
            for p in points)
        for output, gen in built.units:
            extra = ""
            if output == "vjp":
                entry = next(n for n in ast.parse(gen.text).body if n.name == gen.entry)
                extra = f", cotangent={entry.args.args[-1].arg!r}"
            tests.append(
                f"def test_{gen.entry}():\n"
                f'    """{gen.entry} ({target.output}) against finite differences of '
                f'{target.function}."""\n'
                f"    points = [\n{point_lines}    ]\n"
                f"    _check_target({user}.{target.function}, {out}.{gen.entry}, "
                f"{output!r}, {built.wrt!r},\n"
                f"                  points, rtol={target.rtol!r}, atol={target.atol!r}{extra})\n")
    files = sorted({b.target.output for b in built_list})
    header = _header(f"Finite-difference checks of {', '.join(files)}, emitted by "
                     "`srcdiff build --emit-tests`.", files, _hash(items),
                     [b.header_line() for b in built_list])
    modules = "".join(f"{name} = importlib.import_module({dotted!r})\n"
                      for dotted, name in aliases.items())
    setup = ("import importlib\nimport os\nimport sys\n\nimport numpy as np\n\n"
             f"_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),"
             f" *{up.split('/')!r}))\n"
             "if _ROOT not in sys.path:\n    sys.path.insert(0, _ROOT)\n\n" + modules)
    return "\n\n\n".join([header, setup.rstrip("\n"), _TEST_HELPERS.strip("\n")] +
                         [t.rstrip("\n") for t in tests]) + "\n"


# =====================================================================================
# The command
# =====================================================================================

_HEADER_FIELD = re.compile(r"^# srcdiff-([a-z-]+): (.*)$", re.MULTILINE)


def build_all(project, targets, no_import=False, emit_tests=None):
    """{relative path: text} of every output (and the emitted tests) for `targets`."""
    loader = (_StaticLoader if no_import else _ImportingLoader)(project)
    by_output = {}
    from .build_static import StaticResolutionError
    with loader.session():
        for target in targets:
            try:    # the static loader may meet an undecidable name while generating
                built = _build_target(project, loader, target)
            except StaticResolutionError as exc:
                raise _usage(str(exc)) from None
            by_output.setdefault(target.output, []).append(built)
        files = {path: render_module(project, built) for path, built in sorted(by_output.items())}
        if emit_tests:
            every = [b for path in sorted(by_output) for b in by_output[path]]
            files[emit_tests] = render_tests(project, emit_tests, every)
    sources = {t.file for t in targets}
    clash = sorted(sources & set(files))
    if clash:
        raise _usage(f"refusing to overwrite the source file {clash[0]} with generated code")
    return files


def stale_reason(old, new):
    """Why the file on disk (`old`, or None) differs from a fresh build (`new`)."""
    if old is None:
        return "missing"
    if old == new:
        return None
    before, after = _fields(old), _fields(new)
    if before.get("version") != after.get("version"):
        return (f"built by srcdiff {before.get('version', '(unknown)')}, this is "
                f"{after.get('version')}")
    if before.get("target") != after.get("target"):
        return "build options changed (targets, wrt, kinds, generate or mode)"
    if before.get("input-hash") != after.get("input-hash"):
        return "source changed"
    return "contents differ from a fresh build (edited by hand, or a function it calls changed)"


def _fields(text):
    fields = {}
    for key, value in _HEADER_FIELD.findall(text):
        fields.setdefault(key, [])
        fields[key].append(value)
    return {k: v[0] if k != "target" else v for k, v in fields.items()}


def cmd_build(args):
    """`srcdiff build`: write (or with --check, verify) the derivative modules."""
    project = find_project(os.getcwd())
    if project.pyproject is None and args.targets:
        # No pyproject.toml: the files' folder is the root (`m.py` imports as `m`).
        folders = {os.path.dirname(os.path.abspath(t.rpartition(":")[0])) for t in args.targets}
        if len(folders) == 1:
            folder = folders.pop()
            project = Project(root=folder, source_root=folder, config={}, pyproject=None)
    if args.targets:
        targets = targets_from_args(project, args)
    else:
        for option in ("wrt", "out", "at", "output"):
            if getattr(args, option):
                raise _usage(f"--{'o' if option == 'out' else option} applies to targets "
                             "named on the command line; configure [[tool.srcdiff.targets]] "
                             "in pyproject.toml instead")
        targets = targets_from_config(project)
        if not targets:
            where = project.pyproject or "pyproject.toml (none found)"
            raise _usage(f"nothing to build: name FILE.py:FUNCTION targets, or configure "
                         f"[[tool.srcdiff.targets]] in {where}")
    if args.emit_tests:
        emit = project.rel(args.emit_tests)
    elif not args.targets and project.config.get("emit-tests"):
        emit = project.rel(project.abs(project.config["emit-tests"]))
    else:
        emit = None
    files = build_all(project, targets, no_import=args.no_import, emit_tests=emit)
    cwd = os.getcwd()
    stale = 0
    for rel, text in files.items():
        path = project.abs(rel)
        shown = os.path.relpath(path, cwd)
        old = None
        if os.path.isfile(path):
            with open(path, encoding="utf-8", newline="") as fh:
                old = fh.read()
        reason = stale_reason(old, text)
        if args.check:
            if reason:
                stale += 1
                print(f"stale: {shown}: {reason}")
            continue
        if reason:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            print(f"wrote {shown}")
        else:
            print(f"up to date: {shown}")
    if args.check:
        if stale:
            print(f"srcdiff: {stale} of {len(files)} generated file(s) stale; "
                  "run `srcdiff build`", file=sys.stderr)
            return EXIT_STALE
        print(f"srcdiff: {len(files)} generated file(s) up to date")
    return EXIT_OK


def add_build_command(subparsers):
    """Register `srcdiff build` on the CLI's subparsers."""
    p = subparsers.add_parser(
        "build", help="write derivative modules ahead of time (docs/build.md)",
        description="Generate derivative modules that run without srcdiff. With no "
                    "targets, builds every [[tool.srcdiff.targets]] of pyproject.toml.")
    p.add_argument("targets", nargs="*", metavar="FILE.py:FUNCTION")
    p.add_argument("--wrt", help="comma-separated parameter names (default: the first)")
    p.add_argument("-o", "--out", metavar="FILE.py",
                   help="module to write (default: FILE_grad.py beside the source)")
    p.add_argument("--output", help="grad, value_and_grad, vjp, comma-separated, or 'both' "
                                    "(grad and value_and_grad); default grad")
    p.add_argument("--mode", default="reverse", choices=["reverse", "forward"])
    p.add_argument("--at", help="example arguments that fix their kinds, e.g. \"w=0.5, b=0\"")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 naming each stale output")
    p.add_argument("--no-import", action="store_true",
                   help="read the functions' modules statically instead of importing them")
    p.add_argument("--emit-tests", metavar="PATH",
                   help="also write a pytest file checking each derivative against finite "
                        "differences")
    p.set_defaults(run=cmd_build)
    return p


def main(argv=None):
    """`python -m srcdiff.build build ...`; the same as `srcdiff build ...`."""
    from .cli import UsageError
    from .errors import SrcDiffError
    parser = argparse.ArgumentParser(prog="srcdiff")
    sub = parser.add_subparsers(dest="command", required=True)
    add_build_command(sub)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"srcdiff: error: {exc}", file=sys.stderr)
    except SrcDiffError as exc:
        print(f"srcdiff: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""What the command line and `srcdiff build` are given: `FILE.py:FUNCTION` targets and
`--at "x=3, y=[1, 2]"` points.

A file inside a package (folders with `__init__.py`) is imported by its dotted name
from the package's root, so its relative imports work and it has the `__name__` it
has in the user's program; a lone file is imported from its folder.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import math
import os
import sys
import types

import numpy as np

from ..errors import UsageError
from .usage import counts


def load_function(target: str):
    """`path/to/file.py:func` (or `file.py:Class.method`) -> the function object.  A
    bare `file.py` names the one function defined there (else the error lists them)."""
    path, _, name = target.rpartition(":") if ":" in target else (target, "", "")
    if not os.path.isfile(path):
        if not name and not path.endswith(".py"):
            raise UsageError(f"expected FILE.py:FUNCTION, got {target!r}")
        if os.path.isdir(path):
            raise UsageError(f"{path} is a folder; name a file: FILE.py:FUNCTION")
        raise UsageError(f"no such file: {path}")
    module = load_module(path)
    available = _functions_of(module)
    if not name:
        if len(available) == 1:
            return getattr(module, available[0])
        raise UsageError(
            f"expected FILE.py:FUNCTION, got {target!r}; functions defined there: "
            f"{', '.join(available) or '(none)'}"
            + (f" (e.g. {path}:{available[0]})" if available else "")
        )
    listed = f"functions defined there: {', '.join(available) or '(none)'}"
    obj = module
    for part in name.split("."):
        if not hasattr(obj, part):
            if isinstance(obj, types.FunctionType):  # `outer.inner`: a local of outer's
                raise UsageError(
                    f"{path}: {part!r} is defined inside the function {obj.__name__}, "
                    "which only makes it when it runs; define it at the top level of "
                    f"{path} to name it ({listed})"
                )
            raise UsageError(f"{path} has no function {name!r}; {listed}")
        obj = getattr(obj, part)
    if not callable(obj) or isinstance(obj, types.ModuleType):
        raise UsageError(f"{path}:{name} is a {type(obj).__name__}, not a function; {listed}")
    return obj


def _functions_of(module: types.ModuleType) -> list[str]:
    """The names of the functions (and other callables) `module` itself defines."""
    return sorted(
        n
        for n, v in vars(module).items()
        if callable(v) and getattr(v, "__module__", None) == module.__name__
    )


def load_module(path: str) -> types.ModuleType:
    """Import the module in `path` (see the module docstring for how)."""
    root, dotted = package_root(path)
    return import_file(path, root, dotted)


def import_file(path: str, root: str, dotted: str, hint: str = "") -> types.ModuleType:
    """The module in file `path`, imported as `dotted` from folder `root` (put on
    sys.path): `srcdiff show` and `check` (root and name from `package_root`) and
    `srcdiff build` (from the project's source root) import modules the same way.

    A module of that name already imported from this file is reused; one from an older
    copy under `root` is imported again.  Errors become a UsageError naming the file
    (`hint` is added to it)."""
    path = os.path.abspath(path)
    existing = sys.modules.get(dotted)
    private = False  # a lone file named like a module from elsewhere (`math.py`)
    if existing is not None:
        where = os.path.abspath(getattr(existing, "__file__", None) or "")
        if where == path:
            return existing
        if where.startswith(os.path.abspath(root) + os.sep):
            del sys.modules[dotted]  # the same project's module, from another copy
        else:
            private = "." not in dotted
    if root not in sys.path:
        sys.path.insert(0, root)
    if "." in dotted:
        _forget_other_packages(dotted, root)
    try:
        if "." in dotted:  # a module in a package, by its name: relative imports work
            importlib.invalidate_caches()
            return importlib.import_module(dotted)
        spec = importlib.util.spec_from_file_location(dotted, path)
        assert spec is not None and spec.loader is not None  # a .py path always has both
        module = importlib.util.module_from_spec(spec)
        if not private:
            sys.modules[dotted] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            if not private:
                sys.modules.pop(dotted, None)
            raise
        return module
    except SyntaxError as exc:
        shown = (
            exc.filename
            if exc.filename and os.path.abspath(exc.filename) != path
            else os.path.relpath(path)
        )
        raise UsageError(f"{shown}:{exc.lineno}: syntax error: {exc.msg}{hint}") from None
    except Exception as exc:  # noqa: BLE001 - the user's module failed to import
        raise UsageError(
            f"importing {os.path.relpath(path)} (as {dotted}) failed: "
            f"{type(exc).__name__}: {exc}{hint}"
        ) from None


def _forget_other_packages(dotted: str, root: str) -> None:
    """Packages of `dotted`'s name imported from elsewhere (another project's `pkg`)
    would shadow this project's: they and their modules are imported again from `root`."""
    parts = dotted.split(".")
    for i in range(1, len(parts)):
        name = ".".join(parts[:i])
        package = sys.modules.get(name)
        if package is None:
            continue
        expected = os.path.join(os.path.abspath(root), *parts[:i])
        paths = [os.path.abspath(p) for p in getattr(package, "__path__", [])]
        if expected not in paths:
            for other in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[other]
        return


def package_root(path: str) -> tuple[str, str]:
    """(the folder to import from, the module's dotted name) for a .py file."""
    folder, filename = os.path.split(os.path.abspath(path))
    parts = [os.path.splitext(filename)[0]]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    if parts[-1] == "__init__":
        parts.pop()
    return folder, ".".join(parts)


def parse_at(text: str | list[str], names: dict | None = None) -> dict:
    """`"x=3, y=[1, 2]"` -> {"x": 3, "y": array([1., 2.])}: Python literals, `np` and
    `math` expressions; lists and tuples become float arrays (also inside dicts:
    `params={'w': [1.0, 2.0], 'b': 0.5}`).  `names`: the target module's globals, which
    values may use too (`self=Model(0.5)` for a method).  A list is what a repeated
    `--at` gives (`--at x=3 --at y=4`): its parts are read as one point."""
    if isinstance(text, list):
        text = ", ".join(text)
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        assert isinstance(call, ast.Call)
    except SyntaxError:
        raise UsageError(f'could not parse --at {text!r}; write it like "x=3, y=4"') from None
    if call.args:
        raise UsageError(f'--at takes name=value pairs, like "x=3, y=4"; got {text!r}')
    values = {}
    env = {**(names or {}), "np": np, "numpy": np, "math": math, "__builtins__": {}}
    for kw in call.keywords:
        if kw.arg is None:
            raise UsageError(f'--at takes name=value pairs, like "x=3, y=4"; got {text!r}')
        if kw.arg in values:
            raise UsageError(f"--at gives {kw.arg} twice; give each argument once")
        try:
            value = eval(compile(ast.Expression(kw.value), "<--at>", "eval"), env)  # noqa: S307
        except Exception as exc:
            raise UsageError(f"could not evaluate --at value for {kw.arg}: {exc}") from None
        values[kw.arg] = _arrays(value)
    return values


def counts_as_integers(at: dict, func) -> dict:
    """`at` with the float arrays `parse_at` made of lists of whole numbers given back as
    integer arrays where `func` uses the parameter as counts or indices (usage.py):
    `--at "obs=[0, 1, 1]"` for `log_b[:, obs[t]]`, which a float array can't index."""
    out = dict(at)
    for p in counts(func) & set(at):
        v = at[p]
        if isinstance(v, np.ndarray) and v.dtype == float and np.all(v == np.round(v)):
            out[p] = v.astype(int)
    return out


def _arrays(value):
    """Lists and tuples of numbers become float arrays, also inside dicts, lists and
    tuples of them (containers of parameters: `{'w': [1.0, 2.0], 'b': 0.5}`); a
    NamedTuple keeps its type, and a list of arrays of several shapes (a list of
    layers' weights) its items."""
    if isinstance(value, dict):
        return {k: _arrays(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple: field by field
        return type(value)(*(_arrays(v) for v in value))
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, dict) for v in value):  # (a list of lists: a 2-D array)
            return type(value)(_arrays(v) for v in value)
        try:
            return np.array(value, dtype=float)
        except (TypeError, ValueError):  # ragged (arrays of several shapes), or objects
            return type(value)(_arrays(v) for v in value)
    return value

"""The Numba forms of the runtime helpers a `--backend numba` module copies.

A built module copies the Python text of each `srcdiff.runtime` helper its code calls
(module.py), but `@numba.njit` code cannot call a Python function: in-process, the
Numba backend registers a Numba form of each such helper (runtime/numba_forms.py,
runtime/numba_array_forms.py: a `numba.extending.overload` picking, from the argument
types, the branch the Python helper takes).  So a module built for Numba copies those
forms too, below the helpers they overload, with what they read: the kernels and
type tests of the forms' modules, and their imports of numba and numpy.  The module
then runs compiled with nothing from srcdiff installed.

A helper compiled code calls that has no Numba form is refused when the module is
built (`MissingForm`): the module would otherwise fail at its first call with Numba's
"Untyped global name".
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
import sys
import types

_DECORATOR = re.compile(r"^@overload\((\w+)\.(\w+)\)$", re.MULTILINE)


class MissingForm(Exception):
    """A runtime helper the compiled code calls has no Numba form."""


def copy_numba_forms(module, helpers) -> None:
    """Copy into `module` (build/module.py's module text) the Numba form of every
    runtime helper in `helpers` (called from compiled code), each after the copied
    helper it overloads; a helper without one is a `MissingForm`."""
    from ..runtime import numba_array_forms, numba_forms

    forms = {**numba_forms.FORMS, **numba_array_forms.ARRAY_FORMS}
    copier = _Copier(module)
    for helper in dict.fromkeys(helpers):
        form = forms.get(helper)
        if form is None:
            raise MissingForm(
                f"the Numba backend's code calls srcdiff's {helper.__name__}, which has no "
                "Numba form to copy into the module; build this target with --backend python"
            )
        copier.form(helper, form)


class _Copier:
    """Copies forms and the functions of the forms' modules they read, once each."""

    def __init__(self, module):
        self.module = module
        self.copied: dict = {}  # a form or a function of a forms module -> its name here

    def form(self, helper, form) -> None:
        if form in self.copied:
            return
        text = inspect.getsource(form)
        match = _DECORATOR.search(text)
        if match is None or getattr(sys.modules[form.__module__], match[1], None) is None:
            raise MissingForm(f"{form.__module__}.{form.__name__} is not an @overload form")
        local = self.module.add_runtime(helper)
        text = text[: match.start()] + f"@overload({local})" + text[match.end() :]
        self.copied[form] = form.__name__
        renames = self.module.add_text(
            text, self._resolver(form, {local}), entries=set(), runtime=True
        )
        self.copied[form] = renames.get(form.__name__, form.__name__)

    def function(self, func) -> str:
        """The name in the module of a function of a forms module (a type test, or a
        kernel: a `numba.njit` dispatcher, copied with its decorator)."""
        if func in self.copied:
            return self.copied[func]
        py_func = getattr(func, "py_func", func)
        self.copied[func] = py_func.__name__  # (provisional, for recursion)
        renames = self.module.add_text(
            inspect.getsource(py_func), self._resolver(py_func), entries=set(), runtime=True
        )
        self.copied[func] = renames.get(py_func.__name__, py_func.__name__)
        return self.copied[func]

    def _resolver(self, func, local=frozenset()):
        """How the names `func`'s text reads are written in the module."""
        home = sys.modules[func.__module__]
        imported = _imports_of(home)

        def resolve(name):
            if name in local:
                return ("name", name)
            if name in imported:
                return imported[name]
            value = getattr(home, name, None)
            if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] != "srcdiff":
                return ("module", value.__name__)
            if _from_runtime(value) and value.__module__.rpartition(".")[2].startswith("numba"):
                return ("name", self.function(value))
            if _from_runtime(value) and callable(value):
                return ("name", self.module.add_runtime(value))
            if hasattr(builtins, name):
                return None
            raise MissingForm(
                f"{func.__module__}.{func.__name__} reads {name!r}, which a built module "
                "cannot provide"
            )

        return resolve


def _from_runtime(value) -> bool:
    module = getattr(getattr(value, "py_func", value), "__module__", None) or ""
    return module.startswith("srcdiff.runtime.")


def _imports_of(module) -> dict:
    """The keys (build/module.py's) of the names `module` imports from outside srcdiff
    at its top level, as it spells them (`from numba.extending import overload`)."""
    keys: dict[str, tuple] = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                keys[alias.asname or alias.name] = ("module", alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
            for alias in node.names:
                keys[alias.asname or alias.name] = ("from", node.module, alias.name)
    return keys

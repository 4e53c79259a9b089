"""One target's derivatives: its function, loaded, and the units generated from it.

A function is loaded by importing its module (`ImportingLoader`) or, with
--no-import, built from source without running the module (`StaticLoader`,
see build_static.py).  Either way the same generator then writes its
derivative units, so both loaders give byte-identical modules.  `Built`
keeps what assembling the module, its header and its tests need.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import sys
import types
from dataclasses import dataclass

from ..api.loading import import_file
from ..errors import UsageError
from .config import Target


class ImportingLoader:
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
        module = import_file(
            self.project.abs(target.file),
            self.project.source_root,
            dotted,
            hint="; fix it, or build with --no-import",
        )
        func = getattr(module, target.function, None)
        if not isinstance(func, types.FunctionType):
            defined = sorted(
                n
                for n, v in vars(module).items()
                if isinstance(v, types.FunctionType) and v.__module__ == dotted
            )
            what = "no function" if func is None else f"no plain function (it is {func!r})"
            raise UsageError(
                f"{target.file} has {what} {target.function!r}; functions defined "
                f"there: {', '.join(defined) or '(none)'}"
            )
        return func


class StaticLoader:
    """--no-import: functions built from source without running their modules."""

    def __init__(self, project):
        from .static import StaticProject

        self.project = project
        self.static = StaticProject(project.source_root, display=project.rel)

    @contextlib.contextmanager
    def session(self):
        with self.static.installed():
            yield self

    def function(self, target):
        from .static import StaticResolutionError

        try:
            return self.static.function(self.project.dotted(target.file), target.function)
        except StaticResolutionError as exc:
            raise UsageError(str(exc)) from None


@dataclass
class Built:
    """A target's generated units, with everything its header and tests need."""

    target: Target
    dotted: str
    func: object
    params: list
    wrt: tuple
    kinds: dict
    units: list  # [(output kind, Generated)]
    source_text: str

    def header_line(self):
        """The `# srcdiff-target:` line: the options that shaped this target's code."""
        kinds = ",".join(f"{k}:{v}" for k, v in sorted(self.kinds.items()))
        line = (
            f"{self.target.spec} wrt={','.join(self.wrt)} kinds={kinds} "
            f"mode={self.target.mode} generate={','.join(self.target.outputs)}"
        )
        if self.target.checkpoint is not None:
            line += f" checkpoint={self.target.checkpoint}"
        return line

    def hash_input(self):
        """What the header's input hash covers for this target (source and options)."""
        return {
            "function": self.target.spec,
            "source": self.source_text,
            "wrt": self.wrt,
            "kinds": sorted(self.kinds.items()),
            "outputs": self.target.outputs,
            "mode": self.target.mode,
        } | ({"checkpoint": self.target.checkpoint} if self.target.checkpoint else {})


def build_target(project, loader, target):
    """Load `target`'s function with `loader` and generate each of its outputs."""
    from ..api.requests import kinds_for_source, parameters, parse_wrt
    from ..compiler.analysis import INT, SCALAR
    from ..compiler.derive import generate

    func = loader.function(target)
    params = parameters(func)
    wrt, _ = parse_wrt(func, target.wrt or 0, params)
    at = _numpy_at(target.at)
    try:
        kinds = kinds_for_source(func, params, at)
    except TypeError as exc:
        raise UsageError(
            f"{target.spec}: `at` does not match {func.__name__}{inspect.signature(func)}: {exc}"
        ) from None
    unknown = sorted(set(target.kinds) - set(params))
    if unknown:
        raise UsageError(f"{target.spec}: kinds names no parameter {', '.join(unknown)}")
    kinds.update(target.kinds)
    for w in wrt:
        if kinds[w] == INT:
            kinds[w] = SCALAR
    if target.mode == "symbolic":  # closed forms (compiler/symbolic/): numbers only
        from ..compiler.symbolic import generate as generate_symbolic

        units = [(out, generate_symbolic(func, wrt, out)) for out in target.outputs]
    else:
        units = [
            (out, generate(func, wrt, dict(kinds), output=out, checkpoint=target.checkpoint))
            for out in target.outputs
        ]
    return Built(
        target=target,
        dotted=project.dotted(target.file),
        func=func,
        params=params,
        wrt=wrt,
        kinds=kinds,
        units=units,
        source_text=inspect.getsource(func),
    )


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
            raise UsageError(
                f"`at` value for {k} is not a number or a list of numbers: {v!r}"
            ) from None
    return out

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
from ..errors import SrcDiffError, UsageError
from ..runtime.trees import is_node
from .config import Target
from .finite import checked_unit


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
    trees: tuple = ()  # parameters given as containers (their kinds are their leaves')

    def header_line(self):
        """The `# srcdiff-target:` line: the options that shaped this target's code."""
        kinds = ",".join(f"{k}:{v}" for k, v in sorted(self.kinds.items()))
        line = (
            f"{self.target.spec} wrt={','.join(self.wrt)} kinds={kinds} "
            f"mode={self.target.mode} generate={','.join(self.target.outputs)}"
        )
        if self.target.checkpoint is not None:
            line += f" checkpoint={self.target.checkpoint}"
        if self.target.backend != "python":
            line += f" backend={self.target.backend}"
        if self.target.aot:
            line += " aot"
        if self.target.types:
            line += " types=" + ",".join(f"{k}:{v}" for k, v in sorted(self.target.types.items()))
        return line

    def hash_input(self):
        """What the header's input hash covers for this target (source and options)."""
        return (
            {
                "function": self.target.spec,
                "source": self.source_text,
                "wrt": self.wrt,
                "kinds": sorted(self.kinds.items()),
                "outputs": self.target.outputs,
                "mode": self.target.mode,
            }
            | ({"checkpoint": self.target.checkpoint} if self.target.checkpoint else {})
            | ({"backend": self.target.backend} if self.target.backend != "python" else {})
            | ({"types": sorted(self.target.types.items())} if self.target.types else {})
        )


def build_target(project, loader, target):
    """Load `target`'s function with `loader` and generate each of its outputs."""
    from ..api.requests import parameters, parse_wrt
    from ..api.static_args import built_for_every_value

    func = loader.function(target)
    params = parameters(func)
    wrt, _ = parse_wrt(func, target.wrt or 0, params)
    at = _numpy_at(target.at)
    if target.types:  # NamedTuples and dataclasses, built from their tables in `at`
        at = _typed_at(at, target, func)
    if at and any(is_node(v) for v in at.values()):  # containers of parameters
        return _build_tree_target(project, target, func, params, wrt, at)
    every_value, decided = built_for_every_value(func, at)
    try:
        return _build_plain_target(project, target, func, params, wrt, at, decided)
    except SrcDiffError as exc:  # (raised in a branch in-process code would leave out)
        if every_value is None:
            raise
        raise exc.with_hint(every_value) from None
    except UsageError as exc:
        if every_value is None:
            raise
        raise UsageError(f"{exc}; {every_value}") from None


def _build_plain_target(project, target, func, params, wrt, at, decided=frozenset()):
    """build_target's Built for a function of numbers, arrays and lists.  `decided`:
    parameters deciding branches by None-ness, type or value (`ax.plot(y)` under
    `if ax is not None:` is a method call, not a container read)."""
    from ..api.pytrees import containers_read
    from ..api.requests import kinds_for_source
    from ..compiler.analysis import ARRAY, INT, OTHER, SCALAR, SEQ
    from ..compiler.derive import generate

    read = [p for p in containers_read(func, params) if not (at and p in at) and p not in decided]
    if read:  # (taken for an array, params["w"] would be nonsense)
        raise UsageError(
            f"{target.spec}: {func.__name__} reads {', '.join(read)} as a container of "
            "parameters; its structure comes from example arguments: give `at` for every "
            f"argument (in pyproject.toml: at = {{{read[0]} = {{w = [0.1, 0.2], b = 0.0}}, "
            f"...}}, or --at \"{read[0]}={{'w': [0.1, 0.2], 'b': 0.0}}, ...\""
        )
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
        if kinds[w] not in (SCALAR, ARRAY, SEQ):
            what = type(at[w]).__name__ if at and w in at else kinds[w]
            raise UsageError(
                f"{target.spec}: cannot build the derivative with respect to {w!r}, "
                f"given {what}: srcdiff build takes floats, float arrays and lists of floats"
                + (
                    " (a container of parameters is built from its example value in `at`: "
                    "a dict, nested as the argument is; docs/build.md)"
                    if what in ("dict", "list", "tuple") or kinds[w] == OTHER
                    else ""
                )
            )
    if target.mode == "symbolic":  # closed forms (compiler/symbolic/): numbers only
        from ..compiler.symbolic import generate as generate_symbolic

        if target.backend == "numba":
            raise UsageError(f"{target.spec}: backend numba applies to reverse and forward mode")
        units = [(out, generate_symbolic(func, wrt, out)) for out in target.outputs]
    else:
        numba = {"backend": "numba", "cache": True} if target.backend == "numba" else {}
        units = [
            (
                out,
                generate(func, wrt, dict(kinds), output=out, checkpoint=target.checkpoint, **numba),
            )
            for out in target.outputs
        ]
    own = (project.dotted(target.file), params)
    units = [(out, checked_unit(gen, out, func.__name__, wrt, own)) for out, gen in units]
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


def _build_tree_target(project, target, func, params, wrt, at):
    """A target whose `at` gives containers (dicts, lists of them): the derivative of the
    function's flat view (compiler/trees.py), behind a function of the original signature
    that reads the leaves (`params["w"]`) and returns gradients in the arguments'
    structure (api/pytrees.readable) -- plain code, so the module needs no srcdiff."""
    from ..api.pytrees import Flattened, readable
    from ..api.requests import bound_values, kinds_for_source
    from ..compiler.analysis import SEQ2, kind_of_value
    from ..compiler.derive import generate

    where = target.spec
    containers = sorted(p for p, v in at.items() if is_node(v))
    unsupported = [out for out in target.outputs if out not in ("grad", "value_and_grad")]
    if unsupported or target.mode != "reverse" or target.backend != "python":
        what = ", ".join(unsupported) or f"mode {target.mode}, backend {target.backend}"
        raise UsageError(
            f"{where}: with containers of parameters ({', '.join(containers)}) srcdiff build "
            f"generates grad and value_and_grad in reverse mode with the Python backend, not "
            f"{what}; use srcdiff.jvp / srcdiff.vjp at run time for those"
        )
    if target.kinds:
        raise UsageError(f"{where}: `kinds` can't be given with containers of parameters")
    if target.box is not None and set(target.box) & set(containers):
        raise UsageError(
            f"{where}: a `box` can't be given for the containers {', '.join(containers)}; "
            "the emitted tests use the `at` values"
        )
    missing = [p for p in params if p not in at and p not in _defaults(func)]
    if missing:
        raise UsageError(
            f"{where}: with containers of parameters `at` needs every argument (their "
            f"structure and kinds come from it); missing: {', '.join(missing)}"
        )
    try:
        values = bound_values(func, at)
    except SrcDiffError as exc:
        raise UsageError(f"{where}: {exc}") from None
    # data the function only reads (tuples of tuples of numbers) stays one argument, as
    # for plain targets; the containers are flattened, and the built function checks
    # their structure
    keep = frozenset(p for p, v in zip(params, values) if p not in wrt and kind_of_value(v) == SEQ2)
    flat = Flattened(func, values, keep=keep)
    flat_func = flat.view.func
    flat_params = list(inspect.signature(flat_func).parameters)
    flat_wrt = flat.flat_wrt(wrt)
    kinds = kinds_for_source(flat_func, flat_params, flat.flat_values)
    units = []
    for out in target.outputs:
        gen = generate(flat_func, flat_wrt, dict(kinds), output=out, checkpoint=target.checkpoint)
        shown = readable(gen, flat, wrt, out, guard=True)
        if shown is gen:
            raise UsageError(
                f"{where}: the gradient of {func.__name__} with respect to its containers "
                "can't be written as code reading them (a container type srcdiff can't "
                "name in a module, or a name clash); give plain arguments"
            )
        own = (project.dotted(target.file), params)
        checked = checked_unit(shown, out, func.__name__, wrt, own)
        units.append((out, checked))
    return Built(
        target=target,
        dotted=project.dotted(target.file),
        func=func,
        params=params,
        wrt=wrt,
        kinds=kinds,
        units=units,
        source_text=inspect.getsource(func),
        trees=tuple(p for p in containers if p not in keep),
    )


def _typed_at(at, target, func):
    """`at` with each table `types` names built into its class: `types = {params =
    "Params"}` and `at = {params = {w = [...], b = 0.0}}` give `Params(w=array, b=0.0)`
    (innermost paths first, so "params.layer" is built before "params")."""
    import dataclasses
    import importlib

    at = dict(at)
    for path in sorted(target.types, key=lambda p: -p.count(".")):
        spelled = target.types[path]
        module, _, name = spelled.rpartition(":")
        try:
            where = importlib.import_module(module).__dict__ if module else func.__globals__
        except ImportError as exc:
            raise UsageError(f"{target.spec}: types: {spelled}: {exc}") from None
        cls = where.get(name)
        if cls is None:
            raise UsageError(
                f"{target.spec}: types: {spelled} is not defined in "
                f"{module or target.file} as srcdiff loaded it (--no-import runs no module, "
                "so it builds no class: build without --no-import)"
            )
        if not (
            isinstance(cls, type)
            and (
                (issubclass(cls, tuple) and hasattr(cls, "_fields"))
                or dataclasses.is_dataclass(cls)
            )
        ):
            raise UsageError(
                f"{target.spec}: types: {spelled} is not a NamedTuple or dataclass "
                f"{'in ' + module if module else 'in ' + target.file}"
            )
        parts = path.split(".")
        holder = at
        for part in parts[:-1]:
            inner = dict(holder[part])
            holder[part] = inner
            holder = inner
        try:
            holder[parts[-1]] = cls(**holder[parts[-1]])
        except TypeError as exc:
            raise UsageError(f"{target.spec}: at.{path} does not build a {name}: {exc}") from None
    return at


def _defaults(func):
    return {
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.default is not inspect.Parameter.empty
    }


def _numpy_at(at):
    """Lists in `at` are arrays (as with `srcdiff show --at`), unless kinds says seq;
    inside dicts too (containers of parameters: `params = {w = [0.1, 0.2], b = 0.0}`), and
    a list holding dicts is a list of containers."""
    if at is None:
        return None
    return {k: _numpy_value(k, v) for k, v in at.items()}


def _numpy_value(k, v):
    import numpy as np

    if isinstance(v, dict):
        return {key: _numpy_value(k, item) for key, item in v.items()}
    if isinstance(v, list) and any(isinstance(item, dict) for item in v):
        return [_numpy_value(k, item) for item in v]
    try:
        return np.array(v, dtype=float) if isinstance(v, list) else v
    except (TypeError, ValueError):
        raise UsageError(
            f"`at` value for {k} is not a number or a list of numbers: {v!r}"
        ) from None

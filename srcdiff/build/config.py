"""What `srcdiff build` builds: the targets, from pyproject.toml or the command line.

A `Target` is one function and the module its derivatives go to; a
`Project` says where relative paths start and where the project's modules
import from.  Targets come from ``[[tool.srcdiff.targets]]`` (read with
tomllib, or tomli on Python 3.10) or from the command line, and
are checked here, so that a mistake is reported as a usage error naming
its source before anything is generated.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

if sys.version_info >= (3, 11):
    import tomllib
else:  # a declared dependency on 3.10
    import tomli as tomllib

from ..api.loading import parse_at
from ..errors import SrcDiffError, UsageError

OUTPUT_KINDS = ("grad", "value_and_grad", "vjp", "jvp")
KINDS = ("scalar", "array", "int", "seq")


@dataclass
class Target:
    """One function to differentiate, and where and how to write its derivatives."""

    file: str  # the source file, relative to the project root (posix)
    function: str  # the function's name in that file
    output: str  # the module to write, relative to the project root
    wrt: tuple = ()  # parameter names (empty: the first parameter)
    outputs: tuple = ("grad",)  # which derivative functions to generate
    mode: str = "reverse"
    at: dict | None = None  # example arguments: fix the parameter kinds, test points
    kinds: dict = field(default_factory=dict)  # explicit kinds, win over `at`
    box: dict | None = None  # emitted tests: parameter -> [low, high]
    samples: int = 3
    seed: int = 0
    rtol: float = 1e-5
    atol: float = 1e-6
    checkpoint: str | None = None  # grad's checkpoint=, as "binomial:S" or "uniform:S"
    backend: str = "python"  # or "numba": @numba.njit(cache=True) functions
    aot: bool = False  # numba only: also compiled ahead of time (numba.pycc; build/aot.py)
    # `at` values that are NamedTuples or dataclasses: "params" or "params.layer" (a dict
    # of `at` by its path) -> "Class" (in the target's module) or "pkg.mod:Class"
    types: dict = field(default_factory=dict)

    @property
    def spec(self):
        return f"{self.file}:{self.function}"


@dataclass
class Project:
    """Where paths are relative to, and where the project's modules import from."""

    root: str  # absolute: the folder with pyproject.toml (or the cwd)
    source_root: str  # absolute: the folder imports are relative to
    config: dict  # the [tool.srcdiff] table
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
            raise UsageError(
                f"{rel} is outside the source root "
                f"{self.rel(self.source_root) or '.'}; srcdiff build imports "
                "modules by their path from there"
            )
        parts = os.path.splitext(inner)[0].split(os.sep)
        if parts[-1] == "__init__":
            parts.pop()
        if not all(p.isidentifier() for p in parts):
            raise UsageError(
                f"{rel} cannot be imported as a module: {'.'.join(parts)!r} is not "
                "a dotted name of identifiers"
            )
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
                config = tomllib.loads(text).get("tool", {}).get("srcdiff", {})
            except tomllib.TOMLDecodeError as exc:
                raise UsageError(f"{candidate}: {exc}") from None
            root = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            candidate, config, root = None, {}, os.path.abspath(start)
            break
        folder = parent
    source_root = os.path.normpath(os.path.join(root, config.get("source-root", ".")))
    return Project(root=root, source_root=source_root, config=config, pyproject=candidate)


_TARGET_KEYS = {
    "function",
    "wrt",
    "output",
    "generate",
    "mode",
    "at",
    "kinds",
    "box",
    "samples",
    "seed",
    "rtol",
    "atol",
    "checkpoint",
    "backend",
    "aot",
    "types",
}


def targets_from_config(project):
    """The `[[tool.srcdiff.targets]]` entries, checked and with defaults filled in."""
    entries = project.config.get("targets", [])
    where = project.rel(project.pyproject) if project.pyproject else "pyproject.toml"
    if not isinstance(entries, list):
        raise UsageError(
            f"{where}: [tool.srcdiff] targets must be an array of tables ([[tool.srcdiff.targets]])"
        )
    targets = []
    for n, entry in enumerate(entries, 1):
        label = f"{where}: target {n}"
        unknown = sorted(set(entry) - _TARGET_KEYS)
        if unknown:
            raise UsageError(
                f"{label}: unknown key(s) {', '.join(unknown)}; known keys: "
                f"{', '.join(sorted(_TARGET_KEYS))}"
            )
        spec = entry.get("function")
        if not isinstance(spec, str) or ":" not in spec:
            raise UsageError(f'{label}: function = "path/to/file.py:name" is required')
        file, _, name = spec.rpartition(":")
        file = project.rel(project.abs(file))
        output = entry.get("output") or _default_output(file)
        wrt = _names(entry.get("wrt", ()))
        default = ["jvp"] if entry.get("mode") == "forward" else ["grad"]
        outputs = _names(entry.get("generate", default))
        targets.append(
            _checked(
                Target(
                    file=file,
                    function=name,
                    output=project.rel(project.abs(output)),
                    wrt=wrt,
                    outputs=outputs,
                    mode=entry.get("mode", "reverse"),
                    at=entry.get("at"),
                    kinds=dict(entry.get("kinds", {})),
                    box=entry.get("box"),
                    samples=int(entry.get("samples", 3)),
                    seed=int(entry.get("seed", 0)),
                    rtol=float(entry.get("rtol", 1e-5)),
                    atol=float(entry.get("atol", 1e-6)),
                    checkpoint=entry.get("checkpoint"),
                    backend=entry.get("backend", "python"),
                    aot=entry.get("aot", False),
                    types=dict(entry.get("types", {})),
                ),
                label,
            )
        )
    return targets


def targets_from_args(project, args):
    """Targets named on the command line (paths relative to the current directory)."""
    at = None
    if args.at:
        at = parse_at(args.at)
    wrt = tuple(w.strip() for w in (args.wrt or "").split(",") if w.strip())
    outputs = _parse_outputs(args.output or ("jvp" if args.mode == "forward" else "grad"))
    targets = []
    for spec in args.targets:
        if ":" not in spec:
            raise UsageError(f"expected FILE.py:FUNCTION, got {spec!r}")
        path, _, name = spec.rpartition(":")
        if not os.path.isfile(path):
            raise UsageError(f"no such file: {path}")
        file = project.rel(path)
        output = project.rel(args.out) if args.out else _default_output(file)
        targets.append(
            _checked(
                Target(
                    file=file,
                    function=name,
                    output=output,
                    wrt=wrt,
                    outputs=outputs,
                    mode=args.mode,
                    at=at,
                    checkpoint=args.checkpoint,
                    backend=getattr(args, "backend", None) or "python",
                    aot=bool(getattr(args, "aot", False)),
                ),
                spec,
            )
        )
    return targets


def _names(value):
    """A TOML name or array of names as a tuple: `wrt = "w"` means `wrt = ["w"]`."""
    return (value,) if isinstance(value, str) else tuple(value)


def _parse_outputs(text):
    """--output: comma-separated output kinds, or 'both' (grad and value_and_grad)."""
    if text == "both":
        return ("grad", "value_and_grad")
    return tuple(o.strip() for o in text.split(",") if o.strip())


def _default_output(file):
    """`pkg/model.py` -> `pkg/model_grad.py`, beside the source."""
    stem, _ = os.path.splitext(file)
    return f"{stem}_grad.py"


def _checked(target, label):
    """`target`, if every option is one srcdiff can build; else a usage error at `label`."""
    if target.mode not in ("reverse", "forward", "symbolic"):
        raise UsageError(
            f"{label}: mode must be 'reverse', 'forward' or 'symbolic', not {target.mode!r}"
        )
    if target.mode == "forward" and target.outputs != ("jvp",):
        raise UsageError(f"{label}: forward mode generates jvp functions only")
    if target.mode == "symbolic" and not set(target.outputs) <= {"grad", "value_and_grad"}:
        raise UsageError(f"{label}: symbolic mode generates grad and value_and_grad only")
    if target.mode == "symbolic" and target.checkpoint is not None:
        raise UsageError(f"{label}: checkpoint applies to reverse mode")
    bad = [o for o in target.outputs if o not in OUTPUT_KINDS]
    if bad or not target.outputs:
        raise UsageError(
            f"{label}: cannot generate {', '.join(bad) or 'nothing'}; choose from "
            f"{', '.join(OUTPUT_KINDS)}"
        )
    if len(set(target.outputs)) != len(target.outputs):
        raise UsageError(f"{label}: generate names an output twice")
    bad = sorted(k for k, v in target.kinds.items() if v not in KINDS)
    if bad:
        raise UsageError(f"{label}: kinds must be one of {', '.join(KINDS)} (see {', '.join(bad)})")
    if not target.output.endswith(".py"):
        raise UsageError(f"{label}: output {target.output!r} must be a .py file")
    if target.checkpoint is not None:
        from ..api.gradients import checked_checkpoint

        try:
            target.checkpoint = str(checked_checkpoint(target.checkpoint, target.mode))
        except SrcDiffError as exc:
            raise UsageError(f"{label}: {exc}") from None
    if target.backend not in ("python", "numba"):
        raise UsageError(f"{label}: backend must be 'python' or 'numba', not {target.backend!r}")
    if not isinstance(target.aot, bool):
        raise UsageError(f"{label}: aot must be true or false, not {target.aot!r}")
    if target.aot and target.backend != "numba":
        raise UsageError(
            f"{label}: aot compiles the Numba backend's module ahead of time; give "
            'backend = "numba" (--backend numba) too'
        )
    if not target.function.isidentifier():
        raise UsageError(f"{label}: {target.function!r} is not a function name")
    for path, name in target.types.items():
        if not isinstance(name, str) or not all(
            part.isidentifier() for part in name.replace(":", ".").split(".")
        ):
            raise UsageError(
                f'{label}: types = {{{path} = ...}} takes a class name ("Params", or '
                f'"pkg.model:Params"), not {name!r}'
            )
        if target.at is None or _at_item(target.at, path) is None:
            raise UsageError(
                f"{label}: types names {path}, which `at` does not give as a table "
                f"(e.g. at = {{{path.split('.')[0]} = {{w = [0.1, 0.2], b = 0.0}}}})"
            )
    return target


def _at_item(at, path):
    """The dict at `path` ("params.layer") in `at`, or None."""
    value = at
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, dict) else None

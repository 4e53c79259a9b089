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

This module is the command: its arguments, which targets to build, and
writing or (--check) comparing the files.  The pieces it drives:

* config.py -- targets and the project, from pyproject.toml (tomllib, or
  tomli on Python 3.10) or the command line;
* target.py -- loading a target's function (importing it, or static.py
  with --no-import) and generating its derivatives;
* module.py -- assembling a module's text (imports.py lays out
  its imports, build_source.py edits generated source exactly);
* build_tests.py -- the --emit-tests finite-difference checks;
* build_header.py -- the provenance header, written and read back;
* aot.py -- --aot: the Numba module compiled ahead of time (numba.pycc) into a C
  extension, and the wrapper module in front of it.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..api.loading import package_root
from ..errors import SrcDiffError, UsageError
from . import aot
from .config import (
    Project,
    find_project,
    targets_from_args,
    targets_from_config,
)
from .header import stale_reason
from .module import render_module
from .progress import progress
from .target import ImportingLoader, StaticLoader, build_target
from .tests import render_tests

EXIT_OK, EXIT_STALE = 0, 1


def build_all(project, targets, no_import=False, emit_tests=None):
    """{relative path: text} of every output (and the emitted tests) for `targets`."""
    return build_outputs(project, targets, no_import, emit_tests)[0]


def build_outputs(project, targets, no_import=False, emit_tests=None):
    """`build_all`'s files, and the `aot.AotModule` of each output built with --aot
    (its wrapper module is among the files; its extension is compiled by cmd_build)."""
    loader = (StaticLoader if no_import else ImportingLoader)(project)
    by_output = {}
    compiled = []
    from .static import StaticResolutionError

    with loader.session():
        for target in targets:
            try:  # the static loader may meet an undecidable name while generating
                with progress(f"differentiating {target.spec} ({target.mode})"):
                    built = build_target(project, loader, target)
            except StaticResolutionError as exc:
                raise UsageError(str(exc)) from None
            by_output.setdefault(target.output, []).append(built)
        files = {path: render_module(project, built) for path, built in sorted(by_output.items())}
        for path, built_list in sorted(by_output.items()):
            if not any(b.target.aot for b in built_list):
                continue
            if not all(b.target.aot for b in built_list):
                raise UsageError(
                    f"{path}: some of its targets are built with aot and some without; "
                    "give them all the same aot setting, or separate output files"
                )
            planned = aot.plan(project, path, files[path], built_list)
            files[planned.wrapper_rel] = aot.render_wrapper(planned, built_list)
            compiled.append(planned)
        if emit_tests:
            every = [b for path in sorted(by_output) for b in by_output[path]]
            files[emit_tests] = render_tests(project, emit_tests, every)
    sources = {t.file for t in targets}
    clash = sorted(sources & set(files))
    if clash:
        raise UsageError(f"refusing to overwrite the source file {clash[0]} with generated code")
    return files, compiled


def cmd_build(args):
    """`srcdiff build`: write (or with --check, verify) the derivative modules."""
    project = _project(args)
    targets = _targets(project, args)
    files, compiled = build_outputs(
        project, targets, no_import=args.no_import, emit_tests=_emit_path(project, args)
    )
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
    for planned in compiled:  # --aot: the extensions, compiled from the modules just written
        shown = os.path.relpath(project.abs(planned.extension_rel), cwd)
        found = aot.extension_hash(project, planned)
        if found == planned.module_hash:
            if not args.check:
                print(f"up to date: {shown}")
            continue
        if args.check:
            stale += 1
            why = "missing" if found is None else "compiled from another version of the module"
            print(f"stale: {shown}: {why}")
            continue
        with ImportingLoader(project).session():
            module = os.path.relpath(project.abs(planned.numba_rel), cwd)
            with progress(f"compiling {module} ahead of time (numba.pycc)"):
                aot.compile_extension(project, planned)
        print(f"wrote {shown}")
    if args.check:
        total = len(files) + len(compiled)
        if stale:
            print(
                f"srcdiff: {stale} of {total} generated file(s) stale; run `srcdiff build`",
                file=sys.stderr,
            )
            return EXIT_STALE
        print(f"srcdiff: {total} generated file(s) up to date")
    return EXIT_OK


def _project(args):
    """The project around the current directory.

    Without a pyproject.toml, targets named on the command line from one
    folder make that folder the root, so `m.py` imports as `m` -- or, for a
    file in a package, the folder above the package (`pkg/m.py` imports as
    `pkg.m`, as with `srcdiff show` and `check`).
    """
    project = find_project(os.getcwd())
    if project.pyproject is None and args.targets:
        folders = {package_root(t.rpartition(":")[0])[0] for t in args.targets}
        if len(folders) == 1:
            folder = folders.pop()
            project = Project(root=folder, source_root=folder, config={}, pyproject=None)
    return project


def _targets(project, args):
    """The targets named on the command line, or else those of pyproject.toml."""
    if args.targets:
        return targets_from_args(project, args)
    for option in ("wrt", "out", "at", "output", "aot"):
        if getattr(args, option):
            raise UsageError(
                f"--{'o' if option == 'out' else option} applies to targets "
                "named on the command line; configure [[tool.srcdiff.targets]] "
                "in pyproject.toml instead"
            )
    targets = targets_from_config(project)
    if not targets:
        where = project.pyproject or "pyproject.toml (none found)"
        raise UsageError(
            f"nothing to build: name FILE.py:FUNCTION targets, or configure "
            f"[[tool.srcdiff.targets]] in {where}"
        )
    return targets


def _emit_path(project, args):
    """Where --emit-tests (or the configured emit-tests of a bare build) writes; or None."""
    if args.emit_tests:
        return project.rel(args.emit_tests)
    if not args.targets and project.config.get("emit-tests"):
        return project.rel(project.abs(project.config["emit-tests"]))
    return None


def add_build_command(subparsers):
    """Register `srcdiff build` on the CLI's subparsers."""
    p = subparsers.add_parser(
        "build",
        help="write derivative modules ahead of time (docs/build.md)",
        description="Generate derivative modules that run without srcdiff. With no "
        "targets, builds every [[tool.srcdiff.targets]] of pyproject.toml.",
    )
    p.add_argument("targets", nargs="*", metavar="FILE.py:FUNCTION")
    p.add_argument("--wrt", help="comma-separated parameter names (default: the first)")
    p.add_argument(
        "-o",
        "--out",
        metavar="FILE.py",
        help="module to write (default: FILE_grad.py beside the source)",
    )
    p.add_argument(
        "--output",
        help="grad, value_and_grad, vjp, jvp, comma-separated, or "
        "'both' (grad and value_and_grad); default grad (jvp with "
        "--mode forward)",
    )
    p.add_argument(
        "--mode",
        default="reverse",
        choices=["reverse", "forward", "symbolic"],
        help="reverse (default), forward or symbolic; forward mode generates jvp functions "
        "only, symbolic mode (closed forms from SymPy, scalar code) grad and value_and_grad",
    )
    p.add_argument(
        "--at", action="append", help='example arguments that fix their kinds, e.g. "w=0.5, b=0"'
    )
    p.add_argument(
        "--checkpoint",
        metavar="S",
        help="checkpoint the outermost loops with at most S snapshots each (binomial "
        "checkpointing; uniform:S for evenly spaced snapshots)",
    )
    p.add_argument(
        "--backend",
        choices=["python", "numba"],
        default=None,
        help="numba: every function @numba.njit(cache=True), Numba then the module's only "
        "extra dependency (default: python)",
    )
    p.add_argument(
        "--aot",
        action="store_true",
        help="with --backend numba: also compile the module ahead of time (numba.pycc) into "
        "a C extension, and write FILE_aot.py calling it: imports without Numba",
    )
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 naming each stale output"
    )
    p.add_argument(
        "--no-import",
        action="store_true",
        help="read the functions' modules statically instead of importing them",
    )
    p.add_argument(
        "--emit-tests",
        metavar="PATH",
        help="also write a pytest file checking each derivative against finite differences",
    )
    p.set_defaults(run=cmd_build)
    return p


def main(argv=None):
    """`python -m srcdiff.build build ...` (see __main__.py); the same as `srcdiff build ...`."""
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

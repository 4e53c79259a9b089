"""Command line: `srcdiff show` prints derivative source, `srcdiff check` verifies it.

User errors (missing file or function, bad --at, unsupported code) are
printed to stderr as one paragraph, exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import math
import os
import sys

import numpy as np

from .errors import SrcDiffError

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line itself."""


def load_function(target):
    """`path/to/file.py:func` -> the function object (the module is imported)."""
    if ":" not in target:
        raise UsageError(f"expected FILE.py:FUNCTION, got {target!r}")
    path, _, name = target.rpartition(":")
    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    module_name = os.path.splitext(os.path.basename(path))[0]
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(module_name, module)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise UsageError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:  # the user's module failed to import
        raise UsageError(f"importing {path} failed: {type(exc).__name__}: {exc}") from None
    obj = module
    for part in name.split("."):
        if not hasattr(obj, part):
            available = sorted(n for n, v in vars(module).items()
                               if callable(v) and getattr(v, "__module__", None) == module.__name__)
            raise UsageError(f"{path} has no function {name!r}; functions defined there: "
                             f"{', '.join(available) or '(none)'}")
        obj = getattr(obj, part)
    return obj


def parse_at(text):
    """`"x=3, y=[1, 2]"` -> {"x": 3.0, "y": array([1., 2.])}."""
    try:
        call = ast.parse(f"f({text})", mode="eval").body
    except SyntaxError:
        raise UsageError(f"could not parse --at {text!r}; write it like \"x=3, y=4\"") from None
    if call.args:
        raise UsageError(f"--at takes name=value pairs, like \"x=3, y=4\"; got {text!r}")
    values = {}
    env = {"np": np, "numpy": np, "math": math, "__builtins__": {}}
    for kw in call.keywords:
        try:
            value = eval(compile(ast.Expression(kw.value), "<--at>", "eval"), env)  # noqa: S307
        except Exception as exc:
            raise UsageError(f"could not evaluate --at value for {kw.arg}: {exc}") from None
        if isinstance(value, (list, tuple)):
            value = np.array(value, dtype=float)
        values[kw.arg] = value
    return values


def _wrt(args, func):
    if not args.wrt:
        return 0
    names = tuple(w.strip() for w in args.wrt.split(",") if w.strip())
    return names[0] if len(names) == 1 else names


def _highlight(text):
    if not sys.stdout.isatty():
        return text
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return text
    return highlight(text, PythonLexer(), TerminalFormatter())


def cmd_show(args):
    from .api import source
    func = load_function(args.target)
    at = parse_at(args.at) if args.at else None
    text = source(func, wrt=_wrt(args, func), mode=args.mode, at=at)
    sys.stdout.write(_highlight(text))
    return EXIT_OK


def cmd_check(args):
    from .api import _parse_wrt, _prepare
    from .check import check_grad
    from .errors import GradientCheckError
    func = load_function(args.target)
    at = parse_at(args.at)
    params = _prepare(func)
    try:
        bound = inspect.signature(func).bind(**at)
    except TypeError as exc:
        raise UsageError(f"--at does not match {func.__name__}{_sig(func)}: {exc}") from None
    bound.apply_defaults()
    values = tuple(bound.arguments[p] for p in params)
    # by default: every float (or float array) argument; integers are counts, not inputs
    wrt = _wrt(args, func) if args.wrt else tuple(
        p for p, v in zip(params, values)
        if isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f"))
    if not wrt:
        raise UsageError("no float argument to differentiate; name one with --wrt")
    names, _ = _parse_wrt(func, wrt, params)
    try:
        report = check_grad(func, *values, wrt=names, rtol=args.rtol, atol=args.atol)
    except GradientCheckError as exc:
        print(exc, file=sys.stderr)
        return EXIT_MISMATCH
    print(report)
    print("OK: srcdiff agrees with finite differences")
    return EXIT_OK


def _sig(func):
    return str(inspect.signature(func))


def build_parser():
    parser = argparse.ArgumentParser(
        prog="srcdiff", description="Source-to-source automatic differentiation for Python.")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the generated derivative source")
    show.add_argument("target", help="FILE.py:FUNCTION")
    show.add_argument("--wrt", help="comma-separated parameter names (default: the first)")
    show.add_argument("--mode", default="reverse", choices=["reverse", "forward"])
    show.add_argument("--at", help="example arguments that fix their types, e.g. \"x=3, y=[1,2]\"")
    show.set_defaults(run=cmd_show)
    check = sub.add_parser("check", help="compare the derivative with finite differences")
    check.add_argument("target", help="FILE.py:FUNCTION")
    check.add_argument("--at", required=True, help="the point, e.g. \"x=3, y=4\"")
    check.add_argument("--wrt", help="comma-separated parameter names (default: all float ones)")
    check.add_argument("--rtol", type=float, default=1e-5)
    check.add_argument("--atol", type=float, default=1e-7)
    check.set_defaults(run=cmd_check)
    from .build import add_build_command
    add_build_command(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"srcdiff: error: {exc}", file=sys.stderr)
    except SrcDiffError as exc:
        print(f"srcdiff: {exc}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())

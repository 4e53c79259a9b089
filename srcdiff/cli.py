"""Command line: `srcdiff show` prints derivative source, `srcdiff check` verifies it,
`srcdiff compare` sets it beside symbolic differentiation and finite differences.

User errors (missing file or function, bad --at, unsupported code) are
printed to stderr as one paragraph, exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys

from .api.loading import counts_as_integers, load_function, parse_at
from .build.progress import label, progress
from .errors import SrcDiffError, UsageError
from .version import __version__

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2


def _wrt(args, func):
    if not args.wrt:
        return 0
    names = tuple(w.strip() for w in args.wrt.split(",") if w.strip())
    return names[0] if len(names) == 1 else names


def _use_color(choice, stream):
    """--color: "always", "never", or "auto" (a terminal, and NO_COLOR not set)."""
    if choice == "auto":
        return not os.environ.get("NO_COLOR") and stream.isatty()
    return choice == "always"


def _highlight(text, color="auto", stream=None):
    """`text` colored for a terminal with Pygments, if --color and NO_COLOR allow it."""
    if not _use_color(color, stream or sys.stdout):
        return text
    try:
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        if color == "always":
            print(
                "srcdiff: --color always needs Pygments: pip install 'srcdiff[color]'",
                file=sys.stderr,
            )
        return text
    return highlight(text, PythonLexer(), TerminalFormatter())


KIND_WORDS = {
    "scalar": "float",
    "array": "array",
    "int": "int",
    "seq": "list",
    "seq2": "list of tuples",
}


def cmd_show(args):
    from .api.gradients import generated
    from .build.standalone import standalone_text

    func = load_function(args.target)
    at = parse_at(args.at, vars(sys.modules[func.__module__])) if args.at else None
    at = counts_as_integers(at, func) if at else at
    _needs_instance(args.target, func, at)
    with progress(label(func, args.mode)):
        gen, kinds = generated(
            func, wrt=_wrt(args, func), mode=args.mode, at=at, checkpoint=args.checkpoint
        )
    notes = []
    facts, decided = _static_facts(func, at) if args.mode != "symbolic" else ([], set())
    if args.mode == "symbolic":  # the code is for numbers, whatever --at says
        notes.append("symbolic mode: the arguments are numbers")
    elif at is None:  # "x, y float (not used as an array), n int (its default)"
        groups = {}
        for p, (kind, why) in kinds.items():
            if p not in decided:
                groups.setdefault((KIND_WORDS.get(kind, kind), why), []).append(p)
        notes.append(_assumed_note(groups, facts))
    elif facts:  # branches the --at values decide were left out
        notes.append(f"assumed: {', '.join(facts)} (from --at)")
    path = args.target.rpartition(":")[0]
    text = standalone_text(gen, sys.modules[func.__module__], path, notes)
    sys.stdout.write(_highlight(text, args.color))
    return EXIT_OK


def _needs_instance(target, func, at):
    """`FILE.py:Class.method` reads `self`'s attributes: srcdiff needs an instance."""
    name = target.rpartition(":")[2]
    params = list(inspect.signature(func).parameters) if callable(func) else []
    if "." in name and params and params[0] == "self" and (at is None or "self" not in at):
        cls = name.rsplit(".", 1)[0]
        raise UsageError(
            f"{name} reads the attributes of self: give an instance with --at, e.g. "
            f'--at "self={cls}(...), {", ".join(f"{p}=..." for p in params[1:])}" '
            f"(--at values may use the names {target.rpartition(':')[0]} defines)"
        )


def _static_facts(func, at):
    """(what the code assumed about the arguments that decided a branch -- `ax is
    None` --, those parameters): from --at, else the defaults (api/static_args.py)."""
    from .api.requests import bound_values
    from .api.static_args import assumptions, decided_parameters, default_values

    values = bound_values(func, at) if at is not None else default_values(func)
    return assumptions(func, values), decided_parameters(func, values)


def _assumed_note(groups, facts=()):
    """`assumed: x, y float (...); pass --at ...` on one line if it fits, else one line
    per kind under a heading (a sentence broken across comment lines reads badly).
    `facts`: what the defaults decided (`ax is None`), shown as `(its default)`."""
    parts = [f"{', '.join(ps)} {kind} ({why})" for (kind, why), ps in groups.items()]
    parts += [f"{fact} (its default)" for fact in facts]
    one_line = f"assumed: {', '.join(parts)}; pass --at to fix them"
    if len(one_line) <= 86 or not parts:
        return one_line
    rows = [f"  {', '.join(ps)}: {kind} ({why})" for (kind, why), ps in groups.items()]
    rows += [f"  {fact} (its default)" for fact in facts]
    return "\n".join(["assumed (pass --at to fix them):", *rows])


def cmd_check(args):
    from .api.check import check_grad
    from .api.gradients import grad
    from .errors import GradientCheckError

    func = load_function(args.target)
    values, names = _point(args, func)
    with progress(label(func, "reverse")):  # generate the code check_grad runs
        grad(func, wrt=tuple(names)).specialize(*values)
    try:
        report = check_grad(func, *values, wrt=names, rtol=args.rtol, atol=args.atol)
    except GradientCheckError as exc:
        print(exc, file=sys.stderr)
        return EXIT_MISMATCH
    print(report)
    print("OK: srcdiff agrees with finite differences")
    return EXIT_OK


def cmd_compare(args):
    from .api.compare import compare
    from .api.requests import parameters

    func = load_function(args.target)
    values, names = _point(args, func)
    point = dict(zip(parameters(func), values))
    with progress(label(func, "every method")):
        report = compare(func, wrt=names, **point)
    print(report)
    if args.plot:
        report.plot(args.plot)
        print(f"\nwrote {args.plot}")
    return EXIT_OK


def _point(args, func):
    """(every parameter's value, the names to differentiate) from --at and --wrt, as
    `srcdiff check` and `srcdiff compare` read them."""
    from .api.requests import default_wrt, parameters, parse_wrt

    at = counts_as_integers(parse_at(args.at, vars(sys.modules[func.__module__])), func)
    _needs_instance(args.target, func, at)
    params = parameters(func)
    try:
        bound = inspect.signature(func).bind(**at)
    except TypeError as exc:
        raise UsageError(f"--at does not match {func.__name__}{_sig(func)}: {exc}") from None
    bound.apply_defaults()
    values = tuple(bound.arguments[p] for p in params)
    # by default: every float, float array and integer that is not a count (CHECK_HELP)
    wrt = _wrt(args, func) if args.wrt else default_wrt(func, values)
    if not wrt:
        ints = [
            p
            for p, v in zip(params, values)
            if getattr(v, "dtype", None) is not None and v.dtype.kind in "iub" and v.ndim
        ]
        also = (
            f"; integer arrays carry no derivative: write {', '.join(ints)} as a list "
            "(--at lists are float arrays) or with dtype=float"
            if ints
            else ""
        )
        raise UsageError(
            "no argument to differentiate (floats, float arrays, integers "
            f"that are not counts){also}; or name one with --wrt"
        )
    names, _ = parse_wrt(func, wrt, params)
    return values, names


CHECK_HELP = """Compare srcdiff's gradient with central finite differences at the point --at.
Integers are numbers like any other: --at "x=3, y=4" is the point (3.0, 4.0). Without
--wrt, every float, float array and integer argument is differentiated, except integers
the function uses as counts: bounds of range(), indices, shapes, sizes, axes or exponents
(x ** n), and parameters annotated `int` or with an integer default (--at "x=0.5, steps=10" with
`for _ in range(steps)` differentiates x only). Integer arrays are never differentiated."""


COMPARE_HELP = """Compare the four ways to a derivative at the point --at: symbolic
differentiation (where srcdiff has a closed form), forward and central finite differences
(a sweep of steps: the best one and the textbook one), forward mode and reverse mode. One
row per method: the values, the error against the exact derivative, evaluations of the
function or passes, and time; the lessons under the table come from the measured figures.
--at and --wrt work as for `srcdiff check`."""


def _sig(func):
    return str(inspect.signature(func))


def build_parser():
    parser = argparse.ArgumentParser(
        prog="srcdiff", description="Source-to-source automatic differentiation for Python."
    )
    parser.add_argument("--version", action="version", version=f"srcdiff {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the generated derivative source")
    show.add_argument("target", help="FILE.py:FUNCTION")
    show.add_argument("--wrt", help="comma-separated parameter names (default: the first)")
    show.add_argument("--mode", default="reverse", choices=["reverse", "forward", "symbolic"])
    show.add_argument(
        "--at", action="append", help='example arguments that fix their types, e.g. "x=3, y=[1,2]"'
    )
    show.add_argument(
        "--checkpoint",
        metavar="S",
        help="checkpoint the outermost loops with at most S snapshots each (binomial "
        "checkpointing; uniform:S for evenly spaced snapshots)",
    )
    show.add_argument(
        "--color",
        default="auto",
        choices=["auto", "always", "never"],
        help="color the code with Pygments: auto (the default) colors on a "
        "terminal unless the NO_COLOR environment variable is set",
    )
    show.set_defaults(run=cmd_show)
    check = sub.add_parser(
        "check", help="compare the derivative with finite differences", description=CHECK_HELP
    )
    check.add_argument("target", help="FILE.py:FUNCTION")
    check.add_argument(
        "--at",
        action="append",
        required=True,
        help='the point, e.g. "x=3, y=4" (or --at x=3 --at y=4)',
    )
    check.add_argument(
        "--wrt",
        help="comma-separated parameter names (default: every float "
        "or integer that is not a count, and float arrays)",
    )
    check.add_argument("--rtol", type=float, default=1e-5)
    check.add_argument("--atol", type=float, default=1e-7)
    check.set_defaults(run=cmd_check)
    comp = sub.add_parser(
        "compare",
        help="the four ways to a derivative side by side: symbolic, finite differences, "
        "forward and reverse mode",
        description=COMPARE_HELP,
    )
    comp.add_argument("target", help="FILE.py:FUNCTION")
    comp.add_argument("--at", action="append", required=True, help='the point, e.g. "x=3, y=4"')
    comp.add_argument("--wrt", help="comma-separated parameter names (default: as for check)")
    comp.add_argument(
        "--plot",
        metavar="PATH",
        help="write a PNG of finite differences' error against step size (needs matplotlib: "
        'pip install "srcdiff[plot]")',
    )
    comp.set_defaults(run=cmd_compare)
    from .build.command import add_build_command

    add_build_command(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `srcdiff show ... | head`: the reader has gone, not an error
        sys.stderr.close()
        return 0
    except UsageError as exc:
        print(f"srcdiff: error: {_relative(exc)}", file=sys.stderr)
    except SrcDiffError as exc:
        print(f"srcdiff: {_relative(exc)}", file=sys.stderr)
    return EXIT_USAGE


def _relative(exc):
    """An error's message with the files under the current folder named relative to it
    (`model.py:2:5`, as the user typed the target, not `/home/.../model.py:2:5`)."""
    return str(exc).replace(os.path.join(os.getcwd(), ""), "")


if __name__ == "__main__":
    sys.exit(main())

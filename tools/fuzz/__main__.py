"""`python -m tools.fuzz --seed S -n N [--jobs J]`: run N random programs, print a summary.

Each program is checked by `oracle.check` (reverse = forward = finite
differences, value, shapes, inputs untouched, a Hessian on a sample).  Scalar
programs are also differentiated with `mode="symbolic"` (compared with reverse
mode; `NotSymbolicError` is "refused", a module over the size or time limit
"skipped"), and one program in `--numba-every K` (scalar or NumPy) with
`backend="numba"` (compared with the Python backend; `BackendError` is "refused").  One program in
`--containers-every K` passes some parameters in a dict or a NamedTuple
(`params["x"]` / `params.x` in place of `x`): its gradient must have the
container's structure and leaves that agree with finite differences of the leaves
("pytree" row).  One program in `--families-every K` is drawn from the templates of
tools/fuzz/families.py (rank-3 broadcasting, piecewise chains, while/break, helpers
with keywords in loops, slice updates, matmul chains, stack-then-index, dicts of
parameters, and container_families.py's dicts passed to helpers, helpers returning
containers, `state = step(state)` loops, lists of dicts, NamedTuple/dataclass
parameters, comprehensions and `sum`; "family" row).  One program in
`--transforms-every K` is also differentiated with `jvp`, `vjp`, `jacobian` (all its
parameters at once, forward and reverse) and, where it has a Hessian, the other Hessian
modes, each compared with the checked gradient or Hessian (tools/fuzz/transforms.py;
"transforms" and "hessian-modes" rows).  Each of these has its own row in the summary.
Failures are minimised (`--minimize`) and written to `--out` as regression
files that `tests/test_fuzz_regressions.py` runs.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import re
import sys
import time

from . import families
from .minimize import is_transform as _is_transform

BASE_MODES = ("reverse", "forward", "fd", "hessian")


def _one(task):
    import warnings

    warnings.simplefilter("ignore")
    from .generator import containerize, generate
    from .oracle import check

    seed, numba_every, containers_every, symbolic, families_every, family, transforms_every = task
    if family or (families_every and seed % families_every == 1 % families_every):
        case = families.generate(seed, family)
    else:
        case = generate(seed)
        if containers_every and seed % containers_every == containers_every - 1:
            case = containerize(case, seed) or case
    modes = BASE_MODES + (("symbolic",) if symbolic else ())
    if numba_every and seed % numba_every == 0:
        modes += ("numba",)
    if transforms_every and seed % transforms_every == 2 % transforms_every:
        modes += ("transforms",)
    start = time.perf_counter()
    verdict = check(case, modes)
    return seed, case, verdict, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz", description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("-n", type=int, default=100, help="number of programs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show", type=int, default=5, help="failures to print in full")
    parser.add_argument("--minimize", action="store_true", help="minimise failures")
    parser.add_argument("--out", default=None, help="folder for minimised failures")
    parser.add_argument(
        "--numba-every",
        type=int,
        default=20,
        metavar="K",
        help="also check backend='numba' on one program in K (0: never)",
    )
    parser.add_argument(
        "--containers-every",
        type=int,
        default=4,
        metavar="K",
        help="pass parameters in a dict or NamedTuple in one program in K (0: never)",
    )
    parser.add_argument(
        "--families-every",
        type=int,
        default=4,
        metavar="K",
        help="draw one program in K from tools/fuzz/families.py (0: never)",
    )
    parser.add_argument(
        "--transforms-every",
        type=int,
        default=3,
        metavar="K",
        help="also check jvp, vjp, jacobian and the other Hessian modes on one program in K "
        "(tools/fuzz/transforms.py; 0: never)",
    )
    parser.add_argument(
        "--family",
        choices=families.FAMILIES,
        default=None,
        help="draw every program from this family of tools/fuzz/families.py",
    )
    parser.add_argument(
        "--no-symbolic", action="store_true", help="skip the mode='symbolic' comparison"
    )
    args = parser.parse_args(argv)

    seeds = range(args.seed, args.seed + args.n)
    tasks = [
        (
            s,
            args.numba_every,
            args.containers_every,
            not args.no_symbolic,
            args.families_every,
            args.family,
            args.transforms_every,
        )
        for s in seeds
    ]
    counts = collections.Counter()
    by_profile = collections.Counter()
    failures = []
    signatures = collections.Counter()
    start = time.time()
    compared = kinks = 0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, maxtasksperchild=50) as pool:
        for seed, case, verdict, _ in pool.imap_unordered(_one, tasks, chunksize=4):
            counts[verdict.status] += 1
            profile = "numpy" if "np." in case.source.split("def f(")[1] else "scalar"
            if case.containers:
                profile = "pytree"
            if case.source.startswith(families.MARK):
                profile = "family"
            by_profile[(profile, verdict.status)] += 1
            if verdict.check in ("symbolic", "numba", "symbolic-shape", "numba-shape"):
                by_profile[(verdict.check.split("-")[0], verdict.status)] += 1
            if _is_transform(verdict.check):
                row = "hessian-modes" if verdict.check.startswith("hessian ") else "transforms"
                by_profile[(row, verdict.status)] += 1
            for sub, (status, why) in verdict.sub.items():
                by_profile[(sub, status)] += 1
                if status != "ok":
                    why = re.sub(r"^\S+:\d+:\d+: ", "", why)  # the case file's position
                    signatures[(f"{sub} {status}", why[:90], "", "")] += 1
            compared += verdict.compared
            kinks += verdict.kinks
            if verdict.status in ("wrong", "crash"):
                failures.append((seed, case, verdict))
                signatures[
                    (
                        verdict.status,
                        verdict.check,
                        verdict.extra.get("exc_type", ""),
                        verdict.extra.get("where", ""),
                    )
                ] += 1
            elif verdict.status == "refused":
                signatures[
                    (
                        "refused",
                        verdict.check,
                        verdict.detail.split("\n")[0].split(": ", 1)[-1][:90],
                        "",
                    )
                ] += 1
    elapsed = time.time() - start
    statuses = ["ok", "refused", "wrong", "crash", "invalid", "skipped"]
    print(
        f"\n{args.n} programs from seed {args.seed} in {elapsed:.0f} s "
        f"({compared} finite-difference comparisons, {kinks} kinks skipped)\n"
    )
    print(f"{'profile':<10}" + "".join(f"{s:>9}" for s in statuses))
    rows = ("scalar", "numpy", "pytree", "family", "symbolic", "numba", "transforms")
    for profile in rows + ("hessian-modes",):
        print(f"{profile:<10}" + "".join(f"{by_profile[(profile, s)]:>9}" for s in statuses))
    print(f"{'all':<10}" + "".join(f"{counts[s]:>9}" for s in statuses))
    print(
        "(symbolic, numba, transforms, hessian-modes: programs checked again that way, "
        "counted above too)"
    )
    if signatures:
        print("\nby kind:")
        for sig, n in signatures.most_common():
            print(f"  {n:5d}  {' | '.join(x for x in sig if x)}")
    failures.sort(key=lambda f: f[0])
    for seed, case, verdict in failures[: args.show]:
        print(f"\n--- seed {seed}: {verdict.status} ({verdict.check}) {verdict.detail[:600]}")
        print(f"args {case.args}  wrt {case.wrt}")
        print(case.source)
        if verdict.status == "crash":
            print(verdict.extra.get("traceback", "")[-1500:])
    if args.minimize and failures:
        from .minimize import minimize, write_regression

        out = args.out or "fuzz_failures"
        os.makedirs(out, exist_ok=True)
        seen = set()
        for seed, case, verdict in failures:
            sig = verdict.signature
            small, small_verdict = minimize(case, verdict)
            path = write_regression(out, seed, small, small_verdict)
            print(f"minimised seed {seed} -> {path}")
            seen.add(sig)
    return 1 if counts["wrong"] or counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())

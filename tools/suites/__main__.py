"""`python -m tools.suites`: other projects' AD test functions through srcdiff.

Options: `[--suite autograd|tangent|jax|all] [-k TEXT] [--limit N] [--show N] [--hessian]`.

Runs the cases translated from other projects' test suites through
`tools.fuzz.oracle.check` and prints: counts per status per suite, the
failures grouped by kind (refusals by the first line of srcdiff's message),
and the full text of `--show N` wrong/crash cases.  Exit status 1 if any case
is wrong or crashes.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import re
import sys
import time
import traceback

STATUSES = ["ok", "refused", "wrong", "crash", "invalid"]
_CASES = {}


def _one(job):
    import warnings

    warnings.simplefilter("ignore")
    from tools.fuzz.oracle import Verdict, check

    suite, index, hessian = job
    case = _CASES[suite][index]
    start = time.perf_counter()
    try:
        verdict = check(case.oracle_case(hessian), modes=case.modes)
    except Exception as exc:  # noqa: BLE001 - the oracle itself failed: report, don't stop
        verdict = Verdict(
            "invalid",
            "oracle",
            f"{type(exc).__name__}: {exc}",
            extra={"traceback": traceback.format_exc()[-3000:]},
        )
    return suite, index, verdict, time.perf_counter() - start


def refusal_kind(detail):
    """The first line of a SrcDiffError without its file:line:col prefix."""
    first = detail.split("\n")[0]
    return re.sub(r"^.*?\.py:\d+:\d+: ", "", first)[:110]


def failure_kind(verdict):
    if verdict.status == "refused":
        return f"refused | {refusal_kind(verdict.detail)}"
    parts = [
        verdict.status,
        verdict.check,
        verdict.extra.get("exc_type", ""),
        verdict.extra.get("where", ""),
    ]
    if verdict.status == "invalid":
        parts.append(verdict.detail.split("\n")[0][:80])
    return " | ".join(p for p in parts if p)


def select(suites, substring):
    return {name: [c for c in cases if substring in c.name] for name, cases in suites.items()}


def spread(suites, limit):
    """At most `limit` of the cases (None: all), evenly spaced over every suite's cases."""
    every = [(name, c) for name, cases in suites.items() for c in cases]
    if limit is None or limit >= len(every):
        return suites
    if limit < 1:
        raise SystemExit("--limit must be at least 1")
    chosen = {every[i * len(every) // limit][1].name for i in range(limit)}
    return {name: [c for c in cases if c.name in chosen] for name, cases in suites.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tools.suites",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--suite", default="all", choices=["all", "autograd", "tangent", "jax"])
    parser.add_argument("-k", default="", help="only cases whose name contains this text")
    parser.add_argument("--show", type=int, default=5, help="wrong/crash cases to print in full")
    parser.add_argument("--hessian", action="store_true", help="also check Hessians")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="run only N of the selected cases, spread evenly over them "
        "(a quick sample; the full corpus takes about a minute)",
    )
    parser.add_argument("--list", action="store_true", help="list the selected cases and stop")
    parser.add_argument(
        "--out",
        default=None,
        help="write one line per case (name, status, check, detail) to this file",
    )
    args = parser.parse_args(argv)

    from tools.suites import load

    _CASES.update(spread(select(load(args.suite), args.k), args.limit))
    if args.list:
        for suite, cases in _CASES.items():
            for c in cases:
                print(f"{suite:10} {c.name}")
        return 0
    jobs = [(suite, i, args.hessian) for suite, cases in _CASES.items() for i in range(len(cases))]
    counts = collections.Counter()
    kinds = collections.Counter()
    failures = []
    compared = kinks = 0
    slow = []
    rows = []
    start = time.time()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, maxtasksperchild=100) as pool:
        for suite, index, verdict, seconds in pool.imap_unordered(_one, jobs, chunksize=2):
            counts[(suite, verdict.status)] += 1
            compared += verdict.compared
            kinks += verdict.kinks
            slow.append((seconds, _CASES[suite][index].name))
            first = verdict.detail.splitlines()[0] if verdict.detail else ""
            rows.append(
                "\t".join(
                    [
                        _CASES[suite][index].name,
                        verdict.status,
                        verdict.check,
                        refusal_kind(first) if verdict.status == "refused" else first,
                    ]
                )
            )
            if verdict.status != "ok":
                kinds[(suite, failure_kind(verdict))] += 1
            if verdict.status in ("wrong", "crash", "invalid"):
                failures.append((suite, index, verdict))
    elapsed = time.time() - start
    if args.out:
        with open(args.out, "w") as fh:
            fh.write("\n".join(sorted(rows)) + "\n")

    print(
        f"\n{len(jobs)} cases in {elapsed:.0f} s ({compared} finite-difference comparisons, "
        f"{kinks} kinks skipped{', Hessians on' if args.hessian else ''})\n"
    )
    print(f"{'suite':<10}" + "".join(f"{s:>9}" for s in STATUSES) + f"{'total':>9}")
    for suite in _CASES:
        row = [counts[(suite, s)] for s in STATUSES]
        print(f"{suite:<10}" + "".join(f"{n:>9}" for n in row) + f"{sum(row):>9}")
    total = [sum(counts[(suite, s)] for suite in _CASES) for s in STATUSES]
    print(f"{'all':<10}" + "".join(f"{n:>9}" for n in total) + f"{sum(total):>9}")

    order = {"wrong": 0, "crash": 1, "invalid": 2, "refused": 3}
    if kinds:
        print("\nby kind:")
        for (suite, kind), n in sorted(
            kinds.items(), key=lambda kv: (order.get(kv[0][1].split(" |")[0], 9), -kv[1], kv[0])
        ):
            print(f"  {n:5d}  {suite:<9} {kind}")
    failures.sort(key=lambda f: (order[f[2].status], _CASES[f[0]][f[1]].name))
    if failures:
        print("\nwrong / crash / invalid cases:")
        for suite, index, verdict in failures:
            print(
                f"  {verdict.status:8} {_CASES[suite][index].name}: "
                f"{verdict.detail.splitlines()[0][:150] if verdict.detail else ''}"
            )
    shown = [f for f in failures if f[2].status in ("wrong", "crash")][: args.show]
    for suite, index, verdict in shown:
        case = _CASES[suite][index]
        print(f"\n--- {case.name}: {verdict.status} ({verdict.check})")
        print(f"origin: {case.origin}" + (f"\nnote: {case.note}" if case.note else ""))
        print(f"detail: {verdict.detail[:1500]}")
        print(f"wrt {case.wrt}  args {_short(case.args())}")
        print(case.source)
        if verdict.status == "crash":
            print(verdict.extra.get("traceback", "")[-2000:])
    slow.sort(reverse=True)
    print("\nslowest: " + ", ".join(f"{name} {s:.1f}s" for s, name in slow[:3]))
    bad = sum(counts[(suite, s)] for suite in _CASES for s in ("wrong", "crash"))
    return 1 if bad else 0


def _short(args):
    import numpy as np

    with np.printoptions(precision=4, threshold=12, edgeitems=2):
        return {
            k: (np.array2string(v, separator=", ") if isinstance(v, np.ndarray) else v)
            for k, v in args.items()
        }


if __name__ == "__main__":
    sys.exit(main())

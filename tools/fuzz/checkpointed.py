"""Differential test of checkpointing: on the random programs of generator.py,
`value_and_grad(f, checkpoint=...)` must give the plain gradient (to rounding), for
both schemes and few snapshots (so that loops really are rerun), or be refused.

python -m tools.fuzz.checkpointed --seed 7000000 -n 500

Prints a summary (ok / refused / skipped: the plain gradient fails / wrong / crash) and
each wrong or crashing seed; exit 1 if there is one.
"""

from __future__ import annotations

import argparse
import ast
import sys
import warnings

import numpy as np

import srcdiff
from srcdiff.errors import SrcDiffError

from .generator import generate
from .oracle import _clone, load, unload

CHECKPOINTS = ("binomial:1", "binomial:2", "uniform:2", "binomial:3")


def _flat(result):
    value, grads = result
    grads = grads if isinstance(grads, tuple) else (grads,)
    return [np.asarray(value, dtype=float)] + [np.asarray(g, dtype=float) for g in grads]


def check_seed(seed):
    """("ok" | "refused" | "skipped" | "wrong" | "crash", detail)."""
    case = generate(seed)
    if not any(isinstance(n, (ast.For, ast.While)) for n in ast.walk(ast.parse(case.source))):
        return "skipped", "no loop"
    module = load(case.source, tag="ck")
    func = getattr(module, case.entry)
    try:
        with np.errstate(all="ignore"):
            plain = _flat(srcdiff.value_and_grad(func, wrt=case.wrt)(**_clone(case.args)))
    except Exception as exc:  # noqa: BLE001 - the plain gradient's failures are not ours
        unload(module)
        return "skipped", f"plain: {type(exc).__name__}"
    status = "ok"
    for checkpoint in CHECKPOINTS:
        try:
            with np.errstate(all="ignore"):
                vg = srcdiff.value_and_grad(func, wrt=case.wrt, checkpoint=checkpoint)
                got = _flat(vg(**_clone(case.args)))
        except SrcDiffError as exc:
            status = "refused"
            detail = str(exc).splitlines()[0]
            continue
        except Exception as exc:  # noqa: BLE001
            unload(module)
            return "crash", f"{checkpoint}: {type(exc).__name__}: {exc}"
        for a, b in zip(got, plain, strict=True):
            if a.shape != b.shape or not np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True):
                unload(module)
                return "wrong", f"{checkpoint}: {a!r} != plain {b!r}"
    unload(module)
    return status, detail if status == "refused" else ""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz.checkpointed")
    parser.add_argument("--seed", type=int, default=7000000)
    parser.add_argument("-n", type=int, default=200)
    opts = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    counts: dict[str, int] = {}
    bad = 0
    for seed in range(opts.seed, opts.seed + opts.n):
        status, detail = check_seed(seed)
        counts[status] = counts.get(status, 0) + 1
        if status in ("wrong", "crash"):
            bad += 1
            print(f"seed {seed}: {status}: {detail[:500]}")
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

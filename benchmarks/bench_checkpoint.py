"""Checkpointed vs plain gradient of the pendulum loop: time and peak memory.

Run from the repo root:  python benchmarks/bench_checkpoint.py [--steps N] [--snapshots S]

The pendulum of bench_loops.py at 10^6 Euler steps (default), with respect to
(theta0, damping), by `srcdiff.grad(f)`, by `srcdiff.grad(f, checkpoint=S)` (binomial
checkpointing, S snapshots) and by `checkpoint="uniform:S"` (two-level: a snapshot
every n / S steps).  Each measurement runs in a fresh
process: the code is generated and compiled first, then one gradient call is traced
with `tracemalloc` (peak bytes allocated during the call), and, without tracing,
the best of 3 calls is timed (CPU time).  Targets (issue 11): memory <= 2 % of the plain
gradient's, time <= 3x it.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import srcdiff  # noqa: E402
from benchmarks.bench_loops import pendulum  # noqa: E402
from benchmarks.common import header, markdown_table, rel_diff  # noqa: E402

ARGS = (1.2, 0.3, 0.0, 9.81, 1e-6)


def measure(kind, steps, snapshots):
    """{time, peak, grad} of one configuration, in this process."""
    args = (*ARGS, steps)
    if kind == "function":
        fn = pendulum
    else:
        checkpoint = None if kind == "plain" else f"{kind}:{snapshots}"
        fn = srcdiff.grad(pendulum, wrt=(0, 1), checkpoint=checkpoint)
        fn = fn.specialize(*args)  # generated and compiled before anything is measured
    result = fn(*args)
    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(3):
        start = time.process_time()
        fn(*args)
        times.append(time.process_time() - start)
    grads = list(result) if kind != "function" else []
    return {"time": min(times), "peak": peak, "grad": grads}


def in_fresh_process(kind, steps, snapshots):
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--steps", str(steps)]
        + ["--snapshots", str(snapshots)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10**6)
    parser.add_argument("--snapshots", type=int, default=100)
    parser.add_argument("--child", choices=["function", "plain", "binomial", "uniform"])
    opts = parser.parse_args()
    if opts.child:
        print(json.dumps(measure(opts.child, opts.steps, opts.snapshots)))
        return
    n, s = opts.steps, opts.snapshots
    header(f"bench_checkpoint: pendulum, {n} steps, checkpoint={s} vs plain gradient")
    f = in_fresh_process("function", n, s)
    plain = in_fresh_process("plain", n, s)
    rows = [
        ["plain function", f["time"], f["time"] / plain["time"], f["peak"] / 1e6, "", ""],
        ["srcdiff grad", plain["time"], 1.0, plain["peak"] / 1e6, "100 %", ""],
    ]
    for scheme in ("binomial", "uniform"):
        ckpt = in_fresh_process(scheme, n, s)
        label = f"checkpoint={s}" if scheme == "binomial" else f'checkpoint="uniform:{s}"'
        rows.append(
            [
                f"srcdiff grad, {label}",
                ckpt["time"],
                ckpt["time"] / plain["time"],
                ckpt["peak"] / 1e6,
                f"{100 * ckpt['peak'] / plain['peak']:.2f} %",
                f"{rel_diff(ckpt['grad'], plain['grad']):.1e}",
            ]
        )
    markdown_table(
        [
            "",
            "CPU time (s)",
            "time / plain grad",
            "peak memory (MB)",
            "memory / plain grad",
            "max rel. diff vs plain",
        ],
        rows,
    )


if __name__ == "__main__":
    main()

"""What reverse mode records: bytes per loop step, gradient/function time by step count,
and the peak memory of an array gradient relative to the function.

Run from the repo root:  python benchmarks/bench_tape.py   (about a minute)

* **Bytes per step**: the peak memory (tracemalloc) of one gradient call at 2n steps minus
  that at n steps, divided by n: everything the forward sweep keeps per step (stack slots,
  the float objects or typed-array entries, tuples), with the stack's over-allocation; at
  n = 2,000 and at n = 20,000 -- a loop pushing fewer than 2^15 floats gets a list, a
  longer one `array('d')` (runtime `float_stack`), so the two can differ.
* **gradient / function** at 10^2 ... 10^6 steps (CPU time, `benchmarks.common.time_calls`,
  fewer repeats for large n): `pendulum` (explicit Euler, inline) and `rk4` (RK4 through the
  helper `rk4_step`), both from bench_loops.py.
* **Rosenbrock peak memory**: tracemalloc peak of `grad(rosenbrock)(x)` / that of
  `rosenbrock(x)`, each measured in a fresh process (`python -c ...`), N = 10^5 and 10^6;
  and the median CPU time of 21 calls in that fresh process (glibc malloc not settled, so
  freed temporaries may be page-faulted in again on every call).
"""

import os
import subprocess
import sys
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import srcdiff  # noqa: E402
from benchmarks.bench_loops import pendulum, rk4  # noqa: E402
from benchmarks.common import header, markdown_table, time_calls  # noqa: E402

#          name        f         args(n)                                        wrt
CASES = [
    ("pendulum", pendulum, lambda n: (1.2, 0.3, 0.0, 9.81, 1e-3, n), (0, 1)),
    ("rk4 (helper)", rk4, lambda n: (9.81, 0.3, 1.2, 0.0, 1e-3, n), (0, 1)),
]
STEPS = [10**2, 10**3, 10**4, 10**5, 10**6]


def peak_bytes(fn, args):
    """Peak traced memory of one call, in bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def bytes_per_step(df, make_args, n=20_000):
    df(*make_args(10))  # code generation outside the measurement
    return (peak_bytes(df, make_args(2 * n)) - peak_bytes(df, make_args(n))) / n


def ratios(f, df, make_args):
    """gradient time / function time at each step count."""
    out = []
    for n in STEPS:
        args = make_args(n)
        repeat = 15 if n <= 10**4 else 5 if n <= 10**5 else 3
        t_f, t_g = time_calls([(f, args), (df, args)], repeat=repeat, min_time=0.05)
        out.append(t_g / t_f)
    return out


ROSENBROCK = """
import sys, time, tracemalloc
sys.path.insert(0, {root!r})
import numpy as np
import srcdiff
from samples.rosenbrock import rosenbrock
x = np.linspace(-1.0, 1.0, {n})
fn = srcdiff.grad(rosenbrock) if {grad} else rosenbrock
if {grad}:
    fn(x[:3].copy())  # code generation outside the measurement
times = []
for _ in range(21):
    t = time.process_time()
    fn(x)
    times.append(time.process_time() - t)
tracemalloc.start()
fn(x)
print(tracemalloc.get_traced_memory()[1], sorted(times)[10])
"""


def rosenbrock_peak(n, grad):
    """(peak traced bytes, median CPU seconds of 21 calls) in a fresh process."""
    code = ROSENBROCK.format(root=ROOT, n=n, grad=grad)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak, seconds = out.stdout.split()[-2:]
    return int(peak), float(seconds)


def main():
    header("bench_tape: what reverse mode records")
    rows = []
    for name, f, make_args, wrt in CASES:
        df = srcdiff.grad(f, wrt=wrt).specialize(*make_args(10))
        short, long = bytes_per_step(df, make_args, 2_000), bytes_per_step(df, make_args)
        rows.append([name, short, long, *ratios(f, df, make_args)])
    markdown_table(
        [
            "case",
            "bytes / step, n = 2k-4k",
            "n = 20k-40k",
            *(f"grad / f, n = 10^{len(str(n)) - 1}" for n in STEPS),
        ],
        rows,
    )
    print()
    rows = []
    for n in (10**5, 10**6):
        (f_peak, f_time), (g_peak, g_time) = rosenbrock_peak(n, False), rosenbrock_peak(n, True)
        rows.append(
            [f"{n:,}", f_peak / (8 * n), g_peak / (8 * n), g_peak / f_peak, g_time / f_time]
        )
    markdown_table(
        [
            "Rosenbrock N",
            "f peak (arrays of N)",
            "grad peak (arrays of N)",
            "peak grad / f",
            "time grad / f (fresh process)",
        ],
        rows,
    )


if __name__ == "__main__":
    main()

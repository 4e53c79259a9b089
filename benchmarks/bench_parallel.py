"""Many derivatives at once: serial vs worker processes (README "Many derivatives at once").

    python benchmarks/bench_parallel.py [--workers 2]

Wall-clock seconds (parallelism is about wall time; the other benchmarks report CPU time)
for three patterns, each checked against its serial result (every figure the fastest of
three runs: on a shared machine other processes only ever slow a run down):

* per-sample gradients: `srcdiff.grad` of a small recurrent model, one gradient per
  sample, `ProcessPoolExecutor.map` in chunks (the derivative is defined in this script's
  `__main__`, so it travels by value, from its source);
* ensemble: `joblib.Parallel` (loky), one member per task, each a few gradient steps of
  `srcdiff.value_and_grad` on its own data;
* sweep: samples/sweep's built module on a Dask LocalCluster, one grid row per task.

And what travelling costs: the pickled size, and the time a worker takes to make a
derivative again (generating its code: once per worker process).
"""

import argparse
import logging
import multiprocessing
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

REPEAT = 3  # each figure: the fastest of 3 runs
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "samples", "sweep")]

import srcdiff  # noqa: E402


def sequence_loss(w, xs, y):
    """A one-unit recurrent model over a sequence: squared error of its last state."""
    h = 0.0
    for t in range(len(xs)):
        h = np.tanh(w[0] * h + w[1] * xs[t] + w[2])
    return (h - y) ** 2


def per_sample(args):
    g, w, chunk = args
    return [g(w, xs, y) for xs, y in chunk]


def member(seed, steps=100):
    """One ensemble member: gradient steps on the oscillator model from its own data."""
    from oscillator.model import misfit, observations

    observed = observations(n=1000, seed=seed)
    vg = srcdiff.value_and_grad(misfit, wrt=(0, 1))
    k, c = 3.0, 0.1
    for _ in range(steps):
        value, (dk, dc) = vg(k, c, observed, 0.005)
        k, c = k - 2.0 * dk, c - 2.0 * dc
    return value, k, c


def spin(n):
    total = 0
    for i in range(n):
        total += i
    return total


def bench_ceiling(workers):
    """What the machine gives right now: a pure-Python loop, serial vs in worker processes
    (on a shared machine, other processes' load caps every speed-up below)."""
    n = 3_000_000
    _, t1 = timed(lambda: [spin(n) for _ in range(2 * workers)], REPEAT)
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(spin, [1] * workers))
        _, tp = timed(lambda: list(pool.map(spin, [n] * (2 * workers))), REPEAT)
    return "ceiling: a loop with no derivative", "ProcessPoolExecutor", t1, tp


def timed(fn, repeat=1):
    """(fn(), its wall-clock seconds): the fastest of `repeat` runs, since other processes
    on a shared machine only ever make a run slower."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return result, best


def bench_per_sample(workers):
    rng = np.random.default_rng(0)
    samples = [(rng.standard_normal(200), rng.standard_normal()) for _ in range(1600)]
    w = np.array([0.5, 0.8, -0.1])
    g = srcdiff.grad(sequence_loss)
    chunks = [samples[i : i + 100] for i in range(0, len(samples), 100)]
    serial, t1 = timed(lambda: per_sample((g, w, samples)), REPEAT)
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(per_sample, [(g, w, samples[:1])] * workers))  # workers up
        parallel, tp = timed(
            lambda: sum(pool.map(per_sample, [(g, w, c) for c in chunks]), []), REPEAT
        )
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel))
    return "per-sample gradients, 1,600 sequences of 200 steps", "ProcessPoolExecutor", t1, tp


def bench_ensemble(workers):
    import joblib

    seeds = list(range(8))
    serial, t1 = timed(lambda: [member(s) for s in seeds], REPEAT)
    run = joblib.Parallel(n_jobs=workers, backend="loky")
    run(joblib.delayed(member)(s, steps=1) for s in seeds[:workers])  # workers up
    parallel, tp = timed(lambda: run(joblib.delayed(member)(s) for s in seeds), REPEAT)
    assert serial == parallel
    return "ensemble, 8 members x 100 gradient steps", "joblib (loky)", t1, tp


def timed_row(k, cs, observed):
    """run_sweep.row, and how long it took where it ran."""
    from run_sweep import row

    (result, _), seconds = timed(lambda: row(k, cs, observed))
    return result, seconds


def bench_sweep(workers):
    """The sample's sweep; also the time its tasks took inside the workers, which tells
    shipping costs (small) from CPUs shared with other processes (tasks run slower)."""
    from dask.distributed import Client, LocalCluster
    from run_sweep import DT, observations, sweep_serial

    observed = observations(dt=DT)
    ks, cs = np.linspace(2.0, 6.0, 16), np.linspace(0.0, 0.6, 16)
    serial, t1 = timed(lambda: sweep_serial(ks, cs, observed), REPEAT)
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,  # (a worker's heartbeat may race the shutdown)
        ) as cluster,
        Client(cluster) as client,
    ):
        shared = client.scatter(observed, broadcast=True, hash=False)
        client.gather(client.map(timed_row, ks[: 2 * workers], cs=cs, observed=shared))
        rows, tp = timed(
            lambda: client.gather(client.map(timed_row, ks, cs=cs, observed=shared, pure=False)),
            REPEAT,
        )
    assert np.array_equal(serial, np.array([r for r, _ in rows]))
    busy = sum(seconds for _, seconds in rows)
    print(f"(sweep: its tasks took {busy:.2f} s inside the workers, {t1:.2f} s serially)")
    return "sweep, 16 x 16 grid, built module", "Dask LocalCluster", t1, tp


def travel_costs():
    g = srcdiff.grad(sequence_loss)
    xs = np.linspace(-1, 1, 200)
    w = np.array([0.5, 0.8, -0.1])
    data = pickle.dumps(g)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        first = pool.submit(_time_first_call, data, w, xs).result()
    return len(data), first


def _nothing(x):
    return x


def per_task_overheads(workers):
    """Seconds per task of a task that does nothing: what the engine itself costs."""
    from dask.distributed import Client, LocalCluster

    n = 2000
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_nothing, range(workers)))
        _, t_pool = timed(lambda: list(pool.map(_nothing, range(n))))
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,  # (a worker's heartbeat may race the shutdown)
        ) as cluster,
        Client(cluster) as client,
    ):
        client.gather(client.map(_nothing, range(workers), pure=False))
        _, t_dask = timed(lambda: client.gather(client.map(_nothing, range(n), pure=False)))
    return t_pool / n, t_dask / n


def _time_first_call(data, w, xs):
    start = time.perf_counter()
    g = pickle.loads(data)
    g(w, xs, 0.3)
    first = time.perf_counter() - start
    start = time.perf_counter()
    pickle.loads(data)(w, xs, 0.3)
    return first, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print(f"| pattern | executor | serial | {args.workers} workers | speed-up |")
    print("|---|---|---|---|---|")
    for bench in (bench_ceiling, bench_per_sample, bench_ensemble, bench_sweep):
        name, executor, t1, tp = bench(args.workers)
        print(f"| {name} | {executor} | {t1:.2f} s | {tp:.2f} s | {t1 / tp:.1f}x |")
    size, (first, again) = travel_costs()
    print(
        f"\npickled grad of a __main__ function (by value): {size} bytes; in a fresh worker, "
        f"load + first call {first * 1e3:.0f} ms, loaded again + call {again * 1e3:.1f} ms"
    )
    pool, dask = per_task_overheads(args.workers)
    print(
        f"a task that does nothing: {pool * 1e6:.0f} us (ProcessPoolExecutor), "
        f"{dask * 1e6:.0f} us (Dask)"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

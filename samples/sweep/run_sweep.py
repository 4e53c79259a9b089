"""A parameter sweep of a built gradient module over a Dask LocalCluster.

    python samples/sweep/run_sweep.py [--grid 16] [--workers 2]

Evaluates the misfit of a damped oscillator and its gradient with respect to stiffness
k and damping c (oscillator/model_grad.py, written by `srcdiff build` from
oscillator/model.py) at every point of a grid, once serially and once on a LocalCluster
of worker processes; checks that both give the same numbers and prints the times.

The workers import NumPy and the built module, not srcdiff: each task is one row of the
grid, and the observations are sent to every worker once (scatter), so what a task
costs to send is a few numbers.
"""

import argparse
import logging
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from oscillator.model import observations  # noqa: E402
from oscillator.model_grad import misfit_value_and_grad  # noqa: E402

DT = 0.005


def row(k, cs, observed):
    """Misfit and gradient at (k, c) for every c: one task.  Also says whether this
    process imported srcdiff (a worker should not need it)."""
    values = [misfit_value_and_grad(k, c, observed, DT) for c in cs]
    return [(v, dk, dc) for v, (dk, dc) in values], "srcdiff" in sys.modules


def sweep_serial(ks, cs, observed):
    return np.array([row(k, cs, observed)[0] for k in ks])


def sweep_dask(client, ks, cs, observed):
    """One task per row of the grid; `observed` goes to each worker once."""
    shared = client.scatter(observed, broadcast=True, hash=False)
    futures = client.map(row, ks, cs=cs, observed=shared, pure=False)
    rows = client.gather(futures)
    return np.array([r for r, _ in rows]), any(imported for _, imported in rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=16, help="points per axis (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    observed = observations(dt=DT)
    ks = np.linspace(2.0, 6.0, args.grid)
    cs = np.linspace(0.0, 0.6, args.grid)
    points = args.grid * args.grid
    print(f"sweep: {args.grid} x {args.grid} = {points} points of the misfit and its gradient")
    print(f"       ({len(observed)} Euler steps each; oscillator/model_grad.py)")

    start = time.perf_counter()
    serial = sweep_serial(ks, cs, observed)
    t_serial = time.perf_counter() - start
    print(f"serial:          {t_serial:6.2f} s   ({t_serial / points * 1e3:.1f} ms a point)")

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,  # (a worker's heartbeat may race the shutdown)
        ) as cluster,
        Client(cluster) as client,
    ):
        t_start = time.perf_counter() - start
        start = time.perf_counter()
        parallel, imported = sweep_dask(client, ks, cs, observed)
        t_parallel = time.perf_counter() - start
    print(
        f"{args.workers} workers (Dask): {t_parallel:6.2f} s   ({t_serial / t_parallel:.1f}x;"
        f" starting the cluster took {t_start:.1f} s more)"
    )
    same = np.array_equal(serial, parallel)
    print(f"same numbers as serial: {'yes' if same else 'NO'}")
    print(f"workers imported srcdiff: {'yes' if imported else 'no'}")
    i, j = np.unravel_index(np.argmin(serial[:, :, 0]), serial.shape[:2])
    value, dk, dc = serial[i, j]
    print(
        f"best grid point: k = {ks[i]:.3f}, c = {cs[j]:.3f}: misfit {value:.3g}, "
        f"gradient ({dk:.3g}, {dc:.3g})"
    )
    return 0 if same and not imported else 1


if __name__ == "__main__":
    sys.exit(main())

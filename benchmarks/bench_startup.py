"""Start-up of a built gradient: a fresh process's time to its first gradient.

The pendulum of bench_loops.py (1,000 Euler steps) is built three ways with
`srcdiff build`: the Python backend's module, `--backend numba` (`@numba.njit(cache=True)`,
Numba's cache warmed by one run first) and `--backend numba --aot` (the same module
compiled ahead of time by numba.pycc: `loops_grad_aot.py` in front of a C extension).
Each is then imported and called once in fresh processes, RUNS times; the table gives
the median (and fastest) of

* "process start -> first gradient": from just before the parent spawns
  `python first.py` to the moment the child's first gradient returns (wall clock), so
  interpreter start-up is included;
* "after import numpy -> first gradient": in the child, from after `import numpy` to
  the first gradient returned: what the derivative module itself costs (its import,
  Numba's import and cache loading, the first call);
* "later calls": the fastest of 5 x 20 calls after the first (wall clock), for scale.

A bare `python -c "import numpy"` process is the floor.  Run from the repo root:
``python benchmarks/bench_startup.py`` (needs numba, setuptools and a C compiler; the
--aot build takes 5-15 s).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

RUNS = 9
HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = "1.2, 0.3, 0.0, 9.81, 0.001, 1000"

_FIRST = textwrap.dedent(
    """
    import json, sys, time
    t_start = time.perf_counter()
    import numpy
    t_numpy = time.perf_counter()
    sys.path.insert(0, sys.argv[1])
    module = __import__(sys.argv[2])
    t_import = time.perf_counter()
    g = module.pendulum_grad(ARGS)
    t_done = time.perf_counter()
    reps = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(20):
            module.pendulum_grad(ARGS)
        reps.append((time.perf_counter() - t0) / 20)
    print(json.dumps({"steady": min(reps),
        "wall_done": time.time(), "numpy": t_numpy - t_start, "import": t_import - t_numpy,
        "call": t_done - t_import, "after_numpy": t_done - t_numpy, "grad": list(g),
        "numba": "numba" in sys.modules,
    }))
""".replace("ARGS", ARGS)
)


def build(tmp, *options, out):
    env = {**os.environ, "PYTHONPATH": os.path.dirname(HERE)}
    subprocess.run(
        [sys.executable, "-m", "srcdiff", "build", "loops.py:pendulum", "--wrt",
         "theta0,damping", "--at", "theta0=1.2, damping=0.3, omega0=0.0, g=9.81, "
         "dt=0.001, n=1000", *options, "-o", out],
        cwd=tmp, env=env, check=True, capture_output=True,
    )  # fmt: skip


def fresh(tmp, module):
    """One fresh process: (spawn -> first gradient, after numpy -> first gradient, info)."""
    script = os.path.join(tmp, "first.py")
    spawned = time.time()
    proc = subprocess.run(
        [sys.executable, script, tmp, module], cwd=tmp, check=True, capture_output=True, text=True
    )
    t = json.loads(proc.stdout)
    return t["wall_done"] - spawned, t["after_numpy"], t


def floor(code):
    """A process that only runs `code`: spawn -> exit."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return times


def main():
    print("# bench_startup: a fresh process's first gradient of a built module")
    print(f"python {sys.version.split()[0]}, load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(HERE, "bench_loops.py")) as src:
            code = src.read().split("\n#        name")[0] + "\n"
        with open(os.path.join(tmp, "loops.py"), "w") as dst:
            dst.write(code)
        with open(os.path.join(tmp, "first.py"), "w") as out:
            out.write(_FIRST)
        build(tmp, out="py_grad.py")
        build(tmp, "--backend", "numba", out="nb_grad.py")
        started = time.perf_counter()
        build(tmp, "--backend", "numba", "--aot", out="aot_grad.py")
        aot_build = time.perf_counter() - started
        fresh(tmp, "nb_grad")  # compiles and writes Numba's cache
        variants = [
            ("Python backend module", "py_grad"),
            ("--backend numba, cache warm", "nb_grad"),
            ("--backend numba --aot", "aot_grad_aot"),
        ]
        runs = {label: [] for label, _ in variants}
        for _ in range(RUNS):  # interleaved, so that a change of load hits all alike
            for label, module in variants:
                runs[label].append(fresh(tmp, module))
        rows, grads = [], {}
        for label, _ in variants:
            spawn = [r[0] * 1e3 for r in runs[label]]
            after = [r[1] * 1e3 for r in runs[label]]
            numpy = [r[2]["numpy"] * 1e3 for r in runs[label]]
            info = runs[label][-1][2]
            steady = min(r[2]["steady"] for r in runs[label]) * 1e6
            grads[label] = info["grad"]
            rows.append(
                f"| {label} | {statistics.median(spawn):.1f} ({min(spawn):.1f}) | "
                f"{statistics.median(numpy):.1f} | "
                f"{statistics.median(after):.1f} ({min(after):.1f}) | {steady:.1f} | "
                f"{info['numba']} |"
            )
        bare = [t * 1e3 for t in floor("import numpy")]
        empty = [t * 1e3 for t in floor("pass")]
    print(f"--aot build (generate + numba.pycc): {aot_build:.1f} s")
    print()
    print(
        "| module | process start -> first gradient, ms: median (min) | import numpy, ms | "
        "after import numpy -> first gradient, ms: median (min) | later calls, us | "
        "numba imported |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| (floor: `python -c 'import numpy'`, spawn -> exit) | "
          f"{statistics.median(bare):.1f} ({min(bare):.1f}) | | | | |")  # fmt: skip
    print(f"| (floor: `python -c pass`, spawn -> exit) | "
          f"{statistics.median(empty):.1f} ({min(empty):.1f}) | | | | |")  # fmt: skip
    ref = grads["Python backend module"]
    worst = max(abs(a - b) / abs(b) for g in grads.values() for a, b in zip(g, ref))
    print(f"\nmax rel. difference of the gradients from the Python backend's: {worst:.1e}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

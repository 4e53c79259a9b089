"""The Numba backend: gradients of scalar loops against jax.jit, the njit-compiled function
itself and srcdiff's Python backend, in one run; compile times; first calls with and
without Numba's on-disk cache.

Run from the repo root:  python benchmarks/bench_numba.py

Needs numba (``pip install "srcdiff[numba]"``); jax.jit's rows appear where jax is
importable (float64: ``jax_enable_x64``), with its loops written as ``lax.fori_loop``
(the form jax.jit compiles without unrolling).  Cases: the pendulum (1,000 Euler steps)
and RK4 (200 steps through a helper) of bench_loops.py, the same source under every
tool but JAX.  Rosenbrock (arrays) is in the last table.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import srcdiff  # noqa: E402
from benchmarks.bench_loops import pendulum, rk4, rk4_step  # noqa: E402
from benchmarks.common import header, markdown_table, rel_diff, time_calls  # noqa: E402

PENDULUM = (1.2, 0.3, 0.0, 9.81, 0.001, 1000)
RK4 = (9.81, 0.3, 1.2, 0.0, 0.01, 200)
WRT = (0, 1)


def jax_versions():
    """jax.jit(jax.grad(...)) of the two cases written with lax.fori_loop, or None."""
    try:
        import jax
        import jax.numpy as jnp
        from jax import lax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    def pendulum_j(theta0, damping, omega0, g, dt, n):
        decay = jnp.exp(-damping * dt)

        def body(i, state):
            th, om = state
            acc = -g * jnp.sin(th)
            return th + dt * om, om * decay + dt * acc

        th, om = lax.fori_loop(0, n, body, (theta0, omega0))
        return 0.5 * om * om + g * (1.0 - jnp.cos(th))

    def rk4_step_j(th, om, dt, g, c):
        k1t = om
        k1o = -g * jnp.sin(th) - c * om
        k2t = om + 0.5 * dt * k1o
        k2o = -g * jnp.sin(th + 0.5 * dt * k1t) - c * k2t
        k3t = om + 0.5 * dt * k2o
        k3o = -g * jnp.sin(th + 0.5 * dt * k2t) - c * k3t
        k4t = om + dt * k3o
        k4o = -g * jnp.sin(th + dt * k3t) - c * k4t
        th_new = th + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        om_new = om + dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o)
        return th_new, om_new

    def rk4_j(g, c, th0, om0, dt, n):
        th, om = lax.fori_loop(0, n, lambda i, s: rk4_step_j(s[0], s[1], dt, g, c), (th0, om0))
        return th * th + jnp.exp(-om * om)

    def make(f):
        jitted = jax.jit(jax.grad(f, argnums=WRT), static_argnums=(5,))

        def call(*args):
            return jax.block_until_ready(jitted(*args))

        return call

    return {"pendulum": make(pendulum_j), "rk4": make(rk4_j)}


def njit_function(f):
    """numba.njit of the function itself (its helper compiled too): the floor."""
    import types

    import numba

    env = dict(f.__globals__)
    env["rk4_step"] = numba.njit(types.FunctionType(rk4_step.__code__, env, "rk4_step"))
    return numba.njit(types.FunctionType(f.__code__, env, f.__name__))


def first_call(fn, args):
    """Seconds of the first call (code generation and compilation included)."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def bench_case(name, f, args, jax_grad):
    grad_py = srcdiff.grad(f, wrt=WRT)
    grad_nb = srcdiff.grad(f, wrt=WRT, backend="numba")
    f_nb = njit_function(f)
    compile_nb = first_call(grad_nb, args)
    compile_f = first_call(f_nb, args)
    ref = grad_py(*args)
    calls = [(f, args), (f_nb, args), (grad_py, args), (grad_nb, args)]
    compile_jax = None
    if jax_grad is not None:
        compile_jax = first_call(jax_grad, args)
        calls.append((jax_grad, args))
    times = time_calls(calls)
    t_f, t_fnb, t_py, t_nb = times[:4]
    rows = [
        [name, "plain function (Python)", t_f, "", "", ""],
        [name, "njit-compiled function", t_fnb, "", f"{compile_f:.2f} s", ""],
        [name, "srcdiff grad, Python backend", t_py, t_py / t_fnb, "", ""],
        [
            name,
            "srcdiff grad, backend='numba'",
            t_nb,
            t_nb / t_fnb,
            f"{compile_nb:.2f} s",
            f"{rel_diff(grad_nb(*args), ref):.1e}",
        ],
    ]
    if jax_grad is not None:
        t_jax = times[4]
        rows.append(
            [
                name,
                "jax.jit(jax.grad) (fori_loop)",
                t_jax,
                t_jax / t_fnb,
                f"{compile_jax:.2f} s",
                f"{rel_diff([float(v) for v in jax_grad(*args)], ref):.1e}",
            ]
        )
        rows.append([name, "numba backend speed-up vs jax.jit", f"{t_jax / t_nb:.1f}x", "", "", ""])
    else:
        rows.append([name, "jax.jit", "not installed", "", "", ""])
    return rows


_FIRST_CALL = textwrap.dedent("""
    import json, sys, time
    start = time.perf_counter()
    sys.path.insert(0, sys.argv[1])
    from loops_grad import pendulum_grad
    imported = time.perf_counter()
    pendulum_grad(1.2, 0.3, 0.0, 9.81, 0.001, 1000)
    done = time.perf_counter()
    print(json.dumps({"import": imported - start, "first call": done - imported}))
""")


def cache_rows():
    """`srcdiff build --backend numba`: a fresh process's import and first call, with
    Numba's cache cold (compiles, writes __pycache__/*.nbi) and warm (loads it)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "loops.py")
        with open(os.path.join(here, "bench_loops.py")) as src, open(source, "w") as dst:
            dst.write(src.read().split("\n#        name")[0] + "\n")
        env = {**os.environ, "PYTHONPATH": os.path.dirname(here)}
        subprocess.run(
            [sys.executable, "-m", "srcdiff", "build", "loops.py:pendulum", "--wrt",
             "theta0,damping", "--at", "theta0=1.2, damping=0.3, omega0=0.0, g=9.81, "
             "dt=0.001, n=1000", "--backend", "numba", "-o", "loops_grad.py"],
            cwd=tmp, env=env, check=True, capture_output=True,
        )  # fmt: skip
        script = os.path.join(tmp, "first.py")
        with open(script, "w") as out:
            out.write(_FIRST_CALL)
        rows = []
        for label in ("cache cold", "cache warm"):
            proc = subprocess.run(
                [sys.executable, script, tmp], cwd=tmp, check=True, capture_output=True, text=True
            )
            t = json.loads(proc.stdout)
            rows.append([f"built module, {label}", t["import"] * 1e3, t["first call"] * 1e3])
    return rows


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def jax_rosenbrock():
    """jax.jit(jax.grad) of Rosenbrock (float64), or None without jax."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)

    def rosenbrock_j(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    jitted = jax.jit(jax.grad(rosenbrock_j))
    return lambda x: jax.block_until_ready(jitted(x))


def minor_faults(fn, args, calls=20):
    """Minor page faults per call (resource.getrusage ru_minflt), after a warm-up call."""
    import resource

    fn(*args)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn(*args)
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def rosenbrock_rows():
    """Rosenbrock's gradient at N = 1,000, 100,000 and 1,000,000: the numba backend's
    fused loop (compiler/fuse.py) against the Python backend and jax.jit; page faults."""
    rows = []
    g_jax = jax_rosenbrock()
    for n in (1_000, 100_000, 1_000_000):
        x = np.linspace(-1.0, 1.5, n)
        g_py = srcdiff.grad(rosenbrock)
        g_nb = srcdiff.grad(rosenbrock, backend="numba")
        compile_nb = first_call(g_nb, (x,))
        calls = [(rosenbrock, (x,)), (g_py, (x,)), (g_nb, (x,))]
        if g_jax is not None:
            g_jax(x)
            calls.append((g_jax, (x,)))
        times = time_calls(calls, repeat=9)
        t_f, t_py, t_nb = times[:3]
        t_jax = times[3] if g_jax is not None else None
        diff = float(np.max(np.abs(g_nb(x) - g_py(x)) / np.maximum(np.abs(g_py(x)), 1e-300)))
        faults = [minor_faults(g, (x,)) for g in (g_py, g_nb)]
        rows.append(
            [f"Rosenbrock N = {n:,}", t_f, t_py, t_nb, t_py / t_nb, t_jax,
             t_jax / t_nb if t_jax else None, f"{faults[0]:.0f} / {faults[1]:.0f}",
             f"{compile_nb:.1f} s", f"{diff:.1e}"]
        )  # fmt: skip
    return rows


def main():
    header("bench_numba: srcdiff's Numba backend vs jax.jit and the njit-compiled function")
    jax = jax_versions()
    rows = bench_case("pendulum, 1000 steps", pendulum, PENDULUM, jax and jax["pendulum"])
    rows += bench_case("RK4 + helper, 200 steps", rk4, RK4, jax and jax["rk4"])
    markdown_table(
        ["case", "tool", "time (us)", "time / njit f", "first call", "max rel. diff"], rows
    )
    print()
    markdown_table(["pendulum gradient", "import (ms)", "first call (ms)"], cache_rows())
    print()
    markdown_table(
        ["array case", "f (us)", "Python backend (us)", "numba backend (us)", "speed-up",
         "jax.jit (us)", "jax / numba", "page faults (py / numba)", "compile",
         "max rel. diff"],
        rosenbrock_rows(),
    )  # fmt: skip


if __name__ == "__main__":
    main()

"""Code generation time vs function size (issue target: <= 20 ms per 100 source lines, linear).

Run from the repo root:  python benchmarks/bench_codegen.py [--quick]

Each case is a freshly made function (so no cache answers), differentiated by
`srcdiff.grad(f, wrt=...)` and called once: that is parsing, normalisation, analysis,
both sweeps, tidying, printing and `compile()`.  CPU time (`time.process_time`), the
best of a few runs.  Shapes of program:

* `local`: statement i reads statement i-1 (short live ranges);
* `far`: every statement reads the first one, and the return reads every 20th
  (long live ranges: what made dead-code elimination quadratic);
* `loop body`: a `for` loop whose body has that many statements (up to 1,000);
* the seed example and `rk4` (200 RK4 steps through a helper) of bench_loops.

With jax installed, `jax.jit(jax.grad(f))`'s trace-and-compile time of the same
straight-line functions is measured beside it (the nearest thing a tracing tool has to
code generation).
"""

from __future__ import annotations

import linecache
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import srcdiff  # noqa: E402
from benchmarks.common import header, markdown_table  # noqa: E402

_made = 0


def make_function(n, shape, module=math):
    """A function of x, y with `n` statements of the given shape, from real source."""
    global _made
    _made += 1
    lines = ["def f(x, y):", "    a0 = x * y"]
    if shape == "loop body":
        lines = ["def f(x, y):", "    a0 = x * y", "    for i in range(3):"]
        for k in range(1, n):
            lines.append(f"        a{k} = a{k - 1} * 0.5 + math.sin(a{k - 1}) - y")
        lines.append(f"        a0 = a{n - 1}")
        lines.append("    return a0")
    else:
        for k in range(1, n):
            reads = "a0" if shape == "far" else f"a{k - 1}"
            lines.append(f"    a{k} = {reads} * 0.5 + math.sin(a{k - 1}) - y")
        tail = " + ".join(f"a{k}" for k in range(0, n, 20)) if shape == "far" else "0.0"
        lines.append(f"    return a{n - 1} + {tail}")
    text = "\n".join(lines) + "\n"
    filename = f"<bench_codegen {_made}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace = {"math": module}
    exec(compile(text, filename, "exec"), namespace)
    return namespace["f"]


def generation_time(make, wrt, args, runs=3):
    """Best CPU time, in ms, of generating (and compiling) the gradient of a fresh function."""
    best = math.inf
    for _ in range(runs):
        f = make()
        start = time.process_time()
        srcdiff.grad(f, wrt=wrt)(*args)
        best = min(best, time.process_time() - start)
    return best * 1e3


def jax_time(n, shape):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return "not installed"
    jax.config.update("jax_enable_x64", True)
    best = math.inf
    for _ in range(2):
        f = make_function(n, shape, module=jnp)
        start = time.process_time()
        jax.jit(jax.grad(f, argnums=(0, 1)))(0.3, 0.2)
        best = min(best, time.process_time() - start)
    return best * 1e3


def main(quick=False):
    header("bench_codegen: code generation time (target <= 20 ms per 100 lines, linear)")
    sizes = (10, 100, 1000) if quick else (10, 100, 1000, 3000)
    rows = []
    for shape in ("local", "far", "loop body"):
        for n in sizes:
            if shape == "loop body" and n > 1000:
                continue
            ms = generation_time(
                lambda n=n, shape=shape: make_function(n, shape), ("x", "y"), (0.3, 0.2)
            )
            peer = jax_time(n, shape) if shape != "loop body" and n <= 1000 else "-"
            rows.append([shape, str(n), ms, ms / n * 100, peer])
    markdown_table(
        ["shape", "statements", "srcdiff (ms)", "ms per 100 lines", "jax.jit(grad)"], rows
    )
    print()
    from benchmarks.bench_loops import rk4
    from samples.seed import f as seed

    fixed = [
        ["seed x**2*y + y + 2", generation_time(lambda: _fresh(seed), ("x", "y"), (3.0, 4.0))],
        [
            "rk4 (200 steps, helper)",
            generation_time(lambda: _fresh(rk4), ("g", "c"), (9.81, 0.3, 0.5, 0.0, 0.01, 200)),
        ],
    ]
    markdown_table(["case", "srcdiff (ms)"], fixed)


def _fresh(func):
    """A copy of `func` with its own code object, so srcdiff's cache does not answer."""
    import types

    code = func.__code__.replace()
    return types.FunctionType(code, func.__globals__, func.__name__, func.__defaults__)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)

"""Forward mode and higher order: the forward/reverse crossover of `srcdiff.jacobian`,
and Hessian-vector products compared with JAX and autograd.

Run from the repo root:  python benchmarks/bench_higher.py

(a) Jacobians of f: R^n -> R^m with `jacobian(f, wrt="x", mode="forward")`
    (one jvp pass per input element: cost ~ n passes) and `mode="reverse"`
    (one forward sweep, then one backward sweep per output element: cost
    ~ m passes), over n in {1 .. 64} with m = 16, and m in {1 .. 64} with
    n = 16, for two functions:
      * `layer(A, x) = tanh(A @ x)`, A of shape (m, n);
      * `deep(x, A, Ws, D)`: tanh(A @ x), then 3 tanh layers of width 32 in a
        `for W in Ws` loop, then D @ h (m outputs).
    Both Jacobians are checked against each other (and `layer` against its
    closed form diag(1 - y**2) A).  The last column says which mode "auto"
    picks (`srcdiff.api.transforms.auto_mode`: forward when x.size < 2 * out.size) and
    whether it is the faster one.
(b) Hessian-vector products of Rosenbrock, N = 1,000: `srcdiff.hvp`
    (forward over reverse) against JAX `jax.jvp(jax.grad(f), (x,), (v,))`
    (eager, no jit, x64), autograd forward-over-reverse
    (`make_jvp(grad(f))(x)(v)`) and reverse-over-reverse (`make_hvp`), and
    PyTorch double backward (extra), all checked against the closed-form
    tridiagonal Hessian of Rosenbrock.

Timing as in bench_numpy.py (`time_calls2`: interleaved runs, CPU and wall
clocks, malloc settled first).  Options: --run-time SECONDS (default 0.02),
--repeat N (default 15).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

import srcdiff
from benchmarks.bench_numpy import (
    enable_jax_x64,
    max_rel_diff,
    rebind,
    rosenbrock,
    rosenbrock_torch,
    settle_malloc,
    time_calls2,
)
from benchmarks.common import header, markdown_table
from srcdiff.api.transforms import auto_mode

SIZES = (1, 2, 4, 8, 16, 32, 64)
FIXED = 16
WIDTH = 32
RUN_TIME = 0.02
REPEAT = 15


# ----------------------------------------------------------------------------------------
# (a) R^n -> R^m functions, as a user would write them
# ----------------------------------------------------------------------------------------
def layer(A, x):
    return np.tanh(A @ x)


def deep(x, A, Ws, D):
    h = np.tanh(A @ x)
    for W in Ws:
        h = np.tanh(W @ h)
    return D @ h


def layer_args(n, m, rng):
    return (rng.normal(size=(m, n)) / np.sqrt(n), rng.normal(size=n))


def deep_args(n, m, rng):
    return (
        rng.normal(size=n),
        rng.normal(size=(WIDTH, n)) / np.sqrt(n),
        rng.normal(size=(3, WIDTH, WIDTH)) / np.sqrt(WIDTH),
        rng.normal(size=(m, WIDTH)) / np.sqrt(WIDTH),
    )


def layer_exact(A, x):
    return (1.0 - np.tanh(A @ x) ** 2)[:, None] * A


FUNCS = [
    ("tanh(A @ x)", layer, layer_args, layer_exact),
    ("deep: 4 tanh layers (loop) + linear", deep, deep_args, None),
]


def crossover_rows(name, f, make_args, exact):
    rng = np.random.default_rng(0)
    grid = [(n, FIXED) for n in SIZES] + [(FIXED, m) for m in SIZES if m != FIXED]
    jf = srcdiff.jacobian(f, wrt="x", mode="forward")
    jr = srcdiff.jacobian(f, wrt="x", mode="reverse")
    rows, points, failures = [], [], []
    for n, m in grid:
        args = make_args(n, m, rng)
        try:
            Jf = jf(*args)
            Jr = jr(*args)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"srcdiff FAILED on {name} (n={n}, m={m}): {type(exc).__name__}: {exc}")
            rows.append([name, str(n), str(m), "FAILED", "FAILED", None, None, None, None, "", ""])
            continue
        check = max_rel_diff(Jf, Jr)
        if exact is not None:
            check = max(check, max_rel_diff(Jf, exact(*args)), max_rel_diff(Jr, exact(*args)))
        t_f, t_fw, t_r = time_calls2(
            [(f, args), (jf, args), (jr, args)], run_time=RUN_TIME, repeat=REPEAT
        )[0]
        faster = "forward" if t_fw < t_r else "reverse"
        auto = auto_mode(n, m)
        rows.append(
            [
                name,
                str(n),
                str(m),
                t_f,
                t_fw,
                t_r,
                t_fw / t_r,
                faster,
                f"{auto} ({'ok' if auto == faster else 'slower'})",
                f"{check:.1e}",
            ]
        )
        points.append((n, m, t_fw, t_r))
    return rows, points, failures


def fit_line(xs, ys):
    """Least-squares a + b * x."""
    b, a = np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)
    return a, b


def summarize(name, points):
    """Fit forward ~ a + b n (m fixed) and reverse ~ c + d m (n fixed); report the crossover."""
    lines = []
    sweep_n = [(n, tf, tr) for n, m, tf, tr in points if m == FIXED]
    sweep_m = [(m, tf, tr) for n, m, tf, tr in points if n == FIXED]
    if len(sweep_n) < 2 or len(sweep_m) < 2:
        return [f"{name}: not enough points to fit"]
    a, b = fit_line([p[0] for p in sweep_n], [p[1] for p in sweep_n])
    c, d = fit_line([p[0] for p in sweep_m], [p[2] for p in sweep_m])
    lines.append(
        f"{name}: forward ~ {a:.0f} + {b:.1f} us x n (m = {FIXED}); "
        f"reverse ~ {c:.0f} + {d:.1f} us x m (n = {FIXED}); "
        f"one forward pass costs {b / d:.2f}x one backward pass."
    )
    cheaper_n = [n for n, tf, tr in sweep_n if tf < tr]
    cheaper_m = [m for m, tf, tr in sweep_m if tf < tr]
    lines.append(
        f"  m = {FIXED}: forward is cheaper for n in {cheaper_n or 'none'}; "
        f"n = {FIXED}: forward is cheaper for m in {cheaper_m or 'none'}."
    )
    rev_at_fixed = c + d * FIXED
    lines.append(
        f"  fitted crossover at m = {FIXED}: n* = {(rev_at_fixed - a) / b:.1f} "
        f"(forward cheaper below; theory for equal per-pass costs: n* = m = {FIXED})."
    )
    return lines


# ----------------------------------------------------------------------------------------
# (b) Hessian-vector products of Rosenbrock
# ----------------------------------------------------------------------------------------
def rosenbrock_hvp_exact(x, v):
    """H v for the tridiagonal Hessian of Rosenbrock."""
    diag = np.zeros_like(x)
    diag[:-1] += 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    diag[1:] += 200.0
    off = -400.0 * x[:-1]
    hv = diag * v
    hv[:-1] += off * v[1:]
    hv[1:] += off * v[:-1]
    return hv


def hvp_peers(x, v):
    """[(label, zero-argument callable or 'not installed'/'FAILED: ...')]."""
    peers = []
    try:
        jax = enable_jax_x64()
        import jax.numpy as jnp
    except ImportError:
        peers.append(("JAX eager jvp(grad) (no jit)", "not installed"))
    else:
        fj = rebind(rosenbrock, np=jnp)
        gj = jax.grad(fj)
        xj, vj = jnp.asarray(x), jnp.asarray(v)
        peers.append(
            (
                "JAX eager jvp(grad) (no jit)",
                lambda: jax.block_until_ready(jax.jvp(gj, (xj,), (vj,))[1]),
            )
        )
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        peers.append(("autograd make_jvp(grad) (fwd-over-rev)", "not installed"))
        peers.append(("autograd make_hvp (rev-over-rev)", "not installed"))
    else:
        fa = rebind(rosenbrock, np=anp)
        ga = autograd.grad(fa)
        peers.append(
            ("autograd make_jvp(grad) (fwd-over-rev)", lambda: autograd.make_jvp(ga)(x)(v)[1])
        )
        peers.append(("autograd make_hvp (rev-over-rev)", lambda: autograd.make_hvp(fa)(x)[0](v)))
    try:
        import torch
    except ImportError:
        peers.append(("PyTorch double backward (extra)", "not installed"))
    else:
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        vt = torch.from_numpy(v.copy())

        ft = rebind(rosenbrock_torch, torch=torch)

        def torch_hvp():
            (g,) = torch.autograd.grad(ft(xt), xt, create_graph=True)
            return torch.autograd.grad(g, xt, vt)[0]

        peers.append(("PyTorch double backward (extra)", torch_hvp))
    return peers


def hvp_rows(n=1_000):
    rng = np.random.default_rng(1)
    x = rng.uniform(-2.0, 2.0, n)
    v = rng.standard_normal(n)
    exact = rosenbrock_hvp_exact(x, v)
    name = f"Rosenbrock N={n:,}"
    calls = [("plain function f", rosenbrock, (x,))]
    notes = {}
    failures = []
    try:
        g = srcdiff.grad(rosenbrock)
        g(x)
        calls.append(("srcdiff grad(f) (for scale)", g, (x,)))
    except Exception as exc:  # noqa: BLE001
        failures.append(f"srcdiff grad FAILED on {name}: {type(exc).__name__}: {exc}")
    try:
        hv = srcdiff.hvp(rosenbrock, (x,), v)
        notes["srcdiff hvp"] = f"{max_rel_diff(hv, exact):.1e}"
        calls.append(("srcdiff hvp", srcdiff.hvp, (rosenbrock, (x,), v)))
    except Exception as exc:  # noqa: BLE001
        failures.append(f"srcdiff hvp FAILED on {name}: {type(exc).__name__}: {exc}")
        notes["srcdiff hvp"] = "FAILED"
    extra_rows = []
    for label, run in hvp_peers(x, v):
        if isinstance(run, str):
            extra_rows.append([name, label, run, None, None, None, None, ""])
            continue
        try:
            notes[label] = f"{max_rel_diff(run(), exact):.1e}"
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{label} FAILED: {type(exc).__name__}: {exc}")
            extra_rows.append([name, label, "FAILED", None, None, None, None, ""])
            continue
        calls.append((label, run, ()))
    cpu, wall = time_calls2([(fn, a) for _, fn, a in calls], run_time=RUN_TIME, repeat=REPEAT)
    t = {label: (c, w) for (label, _, _), c, w in zip(calls, cpu, wall)}
    t_f = t["plain function f"][0]
    t_h, t_hw = t.get("srcdiff hvp", (None, None))
    rows = []
    for label, _, _ in calls:
        c, w = t[label]
        peer = label not in ("plain function f", "srcdiff grad(f) (for scale)", "srcdiff hvp")
        rows.append(
            [
                name,
                label,
                c,
                w,
                c / t_f,
                speedup(c, t_h) if peer else "",
                speedup(w, t_hw) if peer else "",
                notes.get(label, ""),
            ]
        )
    return rows + extra_rows, failures


def speedup(peer_time, srcdiff_time):
    if not srcdiff_time:
        return ""
    r = peer_time / srcdiff_time
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def main():
    global RUN_TIME, REPEAT
    if "--run-time" in sys.argv:
        RUN_TIME = float(sys.argv[sys.argv.index("--run-time") + 1])
    if "--repeat" in sys.argv:
        REPEAT = int(sys.argv[sys.argv.index("--repeat") + 1])
    settle_malloc()
    header("bench_higher: forward/reverse crossover and Hessian-vector products")

    print("### (a) jacobian(f, wrt='x'): mode='forward' vs mode='reverse' (CPU time, us)\n")
    rows, summary, failures = [], [], []
    for name, f, make_args, exact in FUNCS:
        r, points, fails = crossover_rows(name, f, make_args, exact)
        rows += r
        failures += fails
        summary += summarize(name, points)
    for line in failures:
        print(line)
    markdown_table(
        [
            "f",
            "n",
            "m",
            "f (us)",
            "forward (us)",
            "reverse (us)",
            "fwd / rev",
            "faster",
            "auto picks",
            "max rel. diff (fwd vs rev vs exact)",
        ],
        rows,
    )
    print()
    for line in summary:
        print(line)

    print("\n### (b) Hessian-vector products, forward over reverse\n")
    rows, failures = hvp_rows()
    for line in failures:
        print(line)
    markdown_table(
        [
            "case",
            "tool",
            "CPU (us)",
            "wall (us)",
            "CPU / f",
            "srcdiff speedup (CPU)",
            "srcdiff speedup (wall)",
            "max rel. diff vs exact H v",
        ],
        rows,
    )
    print("\nsrcdiff speedup = peer time / srcdiff.hvp time (> 1: srcdiff is faster).")


if __name__ == "__main__":
    main()

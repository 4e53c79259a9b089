"""NumPy arrays in reverse mode: gradient time / function time (target <= 2.5x),
vs autograd, JAX (eager, no jit) and PyTorch (eager), all in float64.

Run from the repo root:  python benchmarks/bench_numpy.py

Cases:

* N-dimensional Rosenbrock, N = 10, 1,000 and 100,000;
* an MLP 784-128-10 (tanh hidden layer, softmax cross-entropy, batch 64),
  gradient with respect to its 4 parameter arrays.

autograd and JAX run the *same* source (the functions are re-bound with `np`
pointing at `autograd.numpy` or `jax.numpy`); PyTorch runs a line-by-line
transcription with the same operations (`torch.max(...).values` etc.).  Peer
inputs (jax arrays, leaf tensors) are made once, outside the timed call, and
their results stay in the peer's array type (no conversion is timed).  JAX
results are `block_until_ready()`-ed inside the timed call.

Timing (`time_calls2` below): the protocol of `benchmarks.common.time_calls`
(runs of all functions of a case interleaved, median of the fastest third of
15 runs) with ~30 ms runs, reading two clocks: "CPU" = process CPU time, as in
the other benchmarks -- it adds up all threads, so work that OpenBLAS /
PyTorch / XLA spread over both cores counts twice -- and "wall" =
`time.perf_counter` (noisier on a shared machine).  Ratios and speedups are
given for both.  Before timing, glibc's malloc is brought to its steady state
(`settle_malloc`); the fresh-process cost is printed on a separate line.

Options: --run-time SECONDS (length of one timed run, default 0.03);
--repeat N (timed runs per function, default 15);
--only WORD (only the cases whose name contains WORD, e.g. --only mlp).
"""

import os
import statistics
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

import srcdiff
from benchmarks.common import header, markdown_table


# ----------------------------------------------------------------------------------------
# The functions, as a user would write them
# ----------------------------------------------------------------------------------------
def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def mlp_loss(W1, b1, W2, b2, X, labels):
    """Mean softmax cross-entropy of a tanh MLP; `labels` holds integer classes."""
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    picked = log_probs[np.arange(X.shape[0]), labels]
    return -np.mean(picked)


torch = None  # the PyTorch transcriptions below are re-bound to the real module by torch_peer


def rosenbrock_torch(x):
    return torch.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def mlp_loss_torch(W1, b1, W2, b2, X, labels):
    h = torch.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    shifted = logits - torch.max(logits, dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.sum(torch.exp(shifted), dim=1, keepdim=True))
    picked = log_probs[torch.arange(X.shape[0]), labels]
    return -torch.mean(picked)


RUN_TIME = 0.03
REPEAT = 15


# ----------------------------------------------------------------------------------------
# Utilities (shared with bench_higher.py)
# ----------------------------------------------------------------------------------------
def time_calls2(calls, repeat=15, run_time=0.02, pause=0.01):
    """Per-call (CPU, wall) times in microseconds of each ``(fn, args)`` in `calls`.

    The protocol of `benchmarks.common.time_calls` -- runs of every function
    interleaved, each clock's median of the fastest third of `repeat` runs --
    but each run lasts ~`run_time` seconds instead of the >= 0.2 s that
    `timeit.Timer.autorange` gives (`time_calls` takes 3-8 s per function,
    too long for ~25 functions in a 2-minute budget), and both clocks are read
    around the same runs: the process CPU time (all threads added up, as in
    `time_calls`) and the wall clock (`time.perf_counter`).

    Each run starts after a `pause` (untimed sleep), a precaution: PyTorch's
    OpenMP threads and XLA's thread pool may keep spinning for a while after
    an operation, and on a 2-core machine that would slow the next function's
    two-thread BLAS call (the plain NumPy function is timed right after
    PyTorch in each round).
    """
    numbers = []
    for fn, args in calls:
        fn(*args)  # warm up (code generation, caches)
        number = 1
        while True:
            t = time.perf_counter()
            for _ in range(number):
                fn(*args)
            elapsed = time.perf_counter() - t
            if elapsed >= run_time:
                break
            number = max(number + 1, int(number * 1.2 * run_time / max(elapsed, 1e-9)))
        numbers.append(number)
    cpu_runs = [[] for _ in calls]
    wall_runs = [[] for _ in calls]
    for _ in range(repeat):
        for (fn, args), number, cpu, wall in zip(calls, numbers, cpu_runs, wall_runs):
            time.sleep(pause)  # let the previous run's spinning worker threads go idle
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(number):
                fn(*args)
            w1, c1 = time.perf_counter(), time.process_time()
            cpu.append((c1 - c0) / number)
            wall.append((w1 - w0) / number)

    def stat(times):
        return statistics.median(sorted(times)[: max(1, repeat // 3)]) * 1e6

    return [stat(c) for c in cpu_runs], [stat(w) for w in wall_runs]


def settle_malloc():
    """Allocate and free 32 MB once, which raises glibc's dynamic mmap threshold
    (and trim threshold) to their maximum.  Until then, arrays of >= 128 kB are
    mmap-ed / trimmed and page-faulted in afresh on every call: measured
    in a fresh process, Rosenbrock N=100,000 takes ~0.9 ms (f) and ~7 ms
    (srcdiff gradient, ~3,000 minor page faults per call) instead of ~0.16 ms
    and ~0.6 ms.  Importing JAX/PyTorch or running any large computation
    reaches the same state, so without this the numbers would depend on
    which benchmark ran first.  See `fresh_process_note`.
    """
    block = np.ones(4_000_000)
    del block


def fresh_process_note():
    """Times and page faults of Rosenbrock N=100,000 before `settle_malloc`
    (call first thing in a fresh process).  Returns a printable line."""
    try:
        import resource
    except ImportError:
        return ""
    _, f, _, args, _ = rosenbrock_case(100_000)
    parts = []
    try:
        g = srcdiff.grad(f).specialize(*args)
    except Exception as exc:  # noqa: BLE001
        g = None
        parts.append(f"srcdiff failed: {type(exc).__name__}: {exc}")
    for label, fn in (("f", f), ("srcdiff .specialize", g)):
        if fn is None:
            continue
        fn(*args)
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.process_time()
        for _ in range(20):
            fn(*args)
        t1, r1 = time.process_time(), resource.getrusage(resource.RUSAGE_SELF)
        parts.append(
            f"{label} {(t1 - t0) / 20 * 1e6:.0f} us CPU, "
            f"{(r1.ru_minflt - r0.ru_minflt) / 20:.0f} minor page faults/call"
        )
    return (
        "Fresh-process glibc malloc state (before `settle_malloc`), Rosenbrock "
        "N=100,000: " + "; ".join(parts) + "."
    )


def to_numpy_list(out):
    """A gradient (array or tuple of arrays, of any library) as a list of float64 ndarrays."""
    items = out if isinstance(out, (tuple, list)) else (out,)
    result = []
    for a in items:
        if hasattr(a, "detach"):
            a = a.detach().cpu().numpy()
        result.append(np.asarray(a, dtype=np.float64))
    return result


def max_rel_diff(a, b):
    """Largest |a - b| over all gradient entries, relative to the largest |b| entry
    of the same array (a normwise measure: entries near zero after cancellation
    do not blow it up), maximized over the arrays."""
    a, b = to_numpy_list(a), to_numpy_list(b)
    assert len(a) == len(b) and all(x.shape == y.shape for x, y in zip(a, b)), "shape mismatch"
    return max(
        float(np.max(np.abs(x - y))) / max(float(np.max(np.abs(y))), 1e-300) for x, y in zip(a, b)
    )


def fd_directional(f, args, wrt, grads, h=1e-6, seed=3):
    """Relative error of <grad, v> against a central difference of f along a random v."""
    rng = np.random.default_rng(seed)
    grads = to_numpy_list(grads)
    vs = [rng.standard_normal(np.shape(args[i])) for i in wrt]
    scale = max(float(np.max(np.abs(args[i]))) if np.size(args[i]) else 1.0 for i in wrt)
    step = h * max(1.0, scale)

    def moved(sign):
        new = list(args)
        for i, v in zip(wrt, vs):
            new[i] = args[i] + sign * step * v
        return new

    fd = (f(*moved(1)) - f(*moved(-1))) / (2 * step)
    exact = sum(float(np.sum(g * v)) for g, v in zip(grads, vs))
    return abs(fd - exact) / max(abs(exact), abs(fd), 1e-300)


def rebind(f, **names):
    """A copy of `f` whose module globals are overridden by `names` (e.g. np=jax.numpy)."""
    env = dict(f.__globals__, **names)
    return types.FunctionType(f.__code__, env, f.__name__, f.__defaults__)


def enable_jax_x64():
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


# ----------------------------------------------------------------------------------------
# Peers: each returns a zero-argument callable computing the gradient
# ----------------------------------------------------------------------------------------
def autograd_peer(f, args, wrt):
    import autograd
    import autograd.numpy as anp

    g = autograd.grad(rebind(f, np=anp), wrt if len(wrt) > 1 else wrt[0])
    return lambda: g(*args)


def jax_peer(f, args, wrt):
    jax = enable_jax_x64()
    import jax.numpy as jnp

    g = jax.grad(rebind(f, np=jnp), argnums=wrt if len(wrt) > 1 else wrt[0])
    jargs = [jnp.asarray(a) for a in args]

    def run():
        return jax.block_until_ready(g(*jargs))

    return run


def torch_peer(f_torch, args, wrt):
    import torch

    f_torch = rebind(f_torch, torch=torch)
    targs = [torch.from_numpy(np.ascontiguousarray(a)) for a in args]
    for i in wrt:
        targs[i].requires_grad_(True)
    leaves = [targs[i] for i in wrt]

    def run():
        return torch.autograd.grad(f_torch(*targs), leaves)

    return run


PEERS = [
    ("autograd", lambda f, ft, a, w: autograd_peer(f, a, w)),
    ("JAX eager (no jit)", lambda f, ft, a, w: jax_peer(f, a, w)),
    ("PyTorch eager", lambda f, ft, a, w: torch_peer(ft, a, w)),
]


# ----------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------
def rosenbrock_case(n):
    rng = np.random.default_rng(n)
    x = rng.uniform(-2.0, 2.0, n)
    return f"Rosenbrock N={n:,}", rosenbrock, rosenbrock_torch, (x,), (0,)


def mlp_case():
    rng = np.random.default_rng(0)
    d, hidden, k, batch = 784, 128, 10, 64
    W1 = rng.normal(scale=1 / np.sqrt(d), size=(d, hidden))
    b1 = rng.normal(scale=0.1, size=hidden)
    W2 = rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, k))
    b2 = rng.normal(scale=0.1, size=k)
    X = rng.normal(size=(batch, d))
    labels = rng.integers(0, k, size=batch)
    return (
        "MLP 784-128-10, batch 64",
        mlp_loss,
        mlp_loss_torch,
        (W1, b1, W2, b2, X, labels),
        (0, 1, 2, 3),
    )


def bench_case(name, f, f_torch, args, wrt):
    rows = []
    wrt_arg = wrt if len(wrt) > 1 else wrt[0]
    calls = [("plain function", f, args)]
    try:
        df = srcdiff.grad(f, wrt=wrt_arg)
        ref = df(*args)
        fast = df.specialize(*args)
        fd_err = fd_directional(f, args, wrt, ref)
        spec_diff = max_rel_diff(fast(*args), ref)
    except Exception as exc:  # noqa: BLE001 - a srcdiff bug: reported, not hidden
        print(f"srcdiff FAILED on {name}: {type(exc).__name__}: {exc}\n")
        ref = None
    else:
        calls += [("srcdiff grad(f)", df, args), ("srcdiff .specialize", fast, args)]
    peer_notes = {}
    for peer, make in PEERS:
        try:
            run = make(f, f_torch, args, wrt)
        except ImportError:
            peer_notes[peer] = "not installed"
            continue
        try:
            out = run()
            peer_notes[peer] = (
                f"{max_rel_diff(out, ref):.1e}"
                if ref is not None
                else f"{fd_directional(f, args, wrt, out):.1e} (directional FD)"
            )
        except Exception as exc:  # noqa: BLE001
            print(f"{peer} FAILED on {name}: {type(exc).__name__}: {exc}\n")
            peer_notes[peer] = "FAILED"
            continue
        calls.append((peer, run, ()))
    cpu, wall = time_calls2([(fn, a) for _, fn, a in calls], run_time=RUN_TIME, repeat=REPEAT)
    by = {label: (c, w) for (label, _, _), c, w in zip(calls, cpu, wall)}
    t_f, w_f = by["plain function"]
    t_s, w_s = by.get("srcdiff grad(f)", (None, None))
    for label, _, _ in calls:
        c, w = by[label]
        if label == "plain function":
            check = ""
        elif label == "srcdiff grad(f)":
            check = f"{fd_err:.1e} (directional FD)"
        elif label == "srcdiff .specialize":
            check = f"{spec_diff:.1e} (vs grad(f))"
        else:
            check = peer_notes[label]
        is_peer = label not in ("plain function", "srcdiff grad(f)", "srcdiff .specialize")
        rows.append(
            [
                name,
                label,
                c,
                c / t_f,
                w,
                w / w_f,
                f"{c / t_s:.2f}x" if is_peer and t_s else "",
                f"{w / w_s:.2f}x" if is_peer and w_s else "",
                check,
            ]
        )
    for peer, note in peer_notes.items():
        if note in ("not installed", "FAILED"):
            rows.append([name, peer, note, None, None, None, None, None, ""])
    if ref is None:
        rows.insert(1, [name, "srcdiff", "FAILED", None, None, None, None, None, ""])
        return rows, [f"{name}: srcdiff FAILED"]
    return rows, target_summary(name, by)


def target_summary(name, by):
    """One line per case: each target of the issue, met or not, on both clocks."""

    def ok(values, good):
        return (
            "met"
            if all(good(v) for v in values)
            else "MISSED"
            if not any(good(v) for v in values)
            else "met on one clock only"
        )

    parts = []
    f, g, s = by["plain function"], by["srcdiff grad(f)"], by["srcdiff .specialize"]
    for label, t in (("grad(f)", g), (".specialize", s)):
        r = [t[0] / f[0], t[1] / f[1]]
        parts.append(f"{label}/f = {r[0]:.2f} / {r[1]:.2f} (<= 2.5: {ok(r, lambda v: v <= 2.5)})")
    for peer, limit, text in (
        ("autograd", 1.0, "> 1"),
        ("JAX eager (no jit)", 1.0, "> 1"),
        ("PyTorch eager", 1 / 1.3, ">= 0.77"),
    ):
        if peer in by:
            r = [by[peer][0] / g[0], by[peer][1] / g[1]]
            met = ok(
                r,
                (lambda v, lim=limit: v > lim) if limit == 1.0 else (lambda v, lim=limit: v >= lim),
            )
            parts.append(f"speedup vs {peer} = {r[0]:.2f} / {r[1]:.2f} ({text}: {met})")
    return [f"{name} (CPU / wall): " + "; ".join(parts)]


def main():
    global RUN_TIME, REPEAT
    if "--run-time" in sys.argv:
        RUN_TIME = float(sys.argv[sys.argv.index("--run-time") + 1])
    if "--repeat" in sys.argv:
        REPEAT = int(sys.argv[sys.argv.index("--repeat") + 1])
    fresh = fresh_process_note()  # first: before anything big is allocated
    settle_malloc()
    header("bench_numpy: NumPy reverse mode, gradient time / function time (target <= 2.5x)")
    import platform

    versions = [f"numpy {np.__version__}"]
    for mod in ("autograd", "jax", "torch"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} not installed")
        except AttributeError:
            versions.append(f"{mod} (version unknown)")
    print(", ".join(versions), f"- {os.cpu_count()} CPUs, {platform.processor() or ''}\n")
    print(fresh + "\n")
    cases = [rosenbrock_case(10), rosenbrock_case(1_000), rosenbrock_case(100_000), mlp_case()]
    if "--only" in sys.argv:  # e.g. --only MLP  (case names containing the word)
        word = sys.argv[sys.argv.index("--only") + 1].lower()
        cases = [c for c in cases if word in c[0].lower()]
    rows, summary = [], []
    for case in cases:
        r, lines = bench_case(*case)
        rows += r
        summary += lines
    markdown_table(
        [
            "case",
            "tool",
            "CPU (us)",
            "CPU / f",
            "wall (us)",
            "wall / f",
            "srcdiff speedup (CPU)",
            "srcdiff speedup (wall)",
            "max rel. diff vs srcdiff",
        ],
        rows,
    )
    print("\nsrcdiff speedup = peer time / srcdiff grad(f) time (> 1: srcdiff is faster).\n")
    print(
        "Targets (gradient <= 2.5x f; faster than autograd and JAX eager; "
        "within 1.3x of PyTorch eager or faster):\n"
    )
    for line in summary:
        print("* " + line)


if __name__ == "__main__":
    main()

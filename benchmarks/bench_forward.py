"""Forward mode: time / function time of grad(mode="forward"), jvp and
jacobian(mode="forward") (targets: grad <= 3n x f for n scalar inputs, jvp <= 2.5x).

Run from the repo root:  python benchmarks/bench_forward.py [--repeat N]

Cases: the seed example, the 50-statement scalar function of bench_scalar.py (4 inputs),
the damped pendulum (1,000 Euler steps) and RK4 through a
helper (200 steps) of bench_scalar.py / bench_loops.py, all with n = 2 scalar inputs;
Rosenbrock N = 10 (an array input: batched tangents, compiler/batch.py); Rosenbrock
N = 10, 100, 1000 batched against one pass per element (the path before batching); and
the Jacobian of a small array function (tanh(W @ x + b), 8 outputs, 4 inputs) in
forward mode.

Columns: "grad fwd" is ``srcdiff.grad(f, wrt, mode="forward")`` (the public function,
dispatcher included: for numbers, one generated function computing every direction, the
primal code once -- compiler/unroll.py) and "target" its bound 3n; "separate passes" the
same gradient by one pass of each parameter's own tangent code (the alternative, and what
runs where a helper call keeps the directions apart, as in RK4); "reverse" is the
reverse-mode gradient for comparison; "jvp (public)" is ``srcdiff.jvp(f, primals,
tangents)`` (argument checks and the finiteness check included) and "jvp (code)" the
compiled tangent function it wraps, alone; "passes" is the number of tangent passes a
forward gradient or Jacobian makes (directions, for the merged function; chunks of
directions, for an array).
Every result is checked against reverse mode (max relative difference shown).  Peers
(autograd, JAX) are not installed here and not measured.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import srcdiff  # noqa: E402
from benchmarks.bench_loops import pendulum, rk4  # noqa: E402
from benchmarks.bench_numpy import rosenbrock  # noqa: E402
from benchmarks.bench_scalar import f50, seed  # noqa: E402
from benchmarks.common import header, markdown_table, rel_diff, time_calls  # noqa: E402
from srcdiff.api.forward import specializer  # noqa: E402


def layer(W, b, x):
    """A dense tanh layer: 8 outputs of 4 inputs (the Jacobian w.r.t. x is 8 x 4)."""
    return np.tanh(W @ x + b)


RNG = np.random.default_rng(0)
#        name                         f           args                                  wrt
CASES = [
    ("seed x**2*y + y + 2", seed, (3.0, 4.0), (0, 1)),
    ("50-statement scalar", f50, (0.3, -0.7, 1.1, 0.5), (0, 1, 2, 3)),
    ("pendulum Euler, 1000 steps", pendulum, (1.2, 0.3, 0.0, 9.81, 0.001, 1000), (0, 1)),
    ("RK4 + helper, 200 steps", rk4, (9.81, 0.3, 1.2, 0.0, 0.01, 200), (0, 1)),
    ("Rosenbrock N=10", rosenbrock, (np.linspace(-1.0, 1.0, 10),), (0,)),
]
JAC_CASE = (
    "tanh(W @ x + b), 8x4",
    layer,
    (RNG.normal(size=(8, 4)), RNG.normal(size=8), RNG.normal(size=4)),
    2,
)


def _flat(values):
    return [float(v) for g in values for v in np.ravel(g)]


def _separate_passes(f, names, args):
    """For numbers: the gradient by one pass of each parameter's own tangent code (what
    grad(mode="forward") runs where the directions can't share one function): the
    alternative to the merged directions, measured side by side."""
    if not all(type(a) in (float, int) for a in args):
        return lambda *a: None
    fns = [specializer(f, (n,)).compiled(args) for n in names]
    return lambda *a: tuple(fn(*a, 1.0)[1] for fn in fns)


def _passes(x):
    """Tangent passes forward mode makes for argument x: one for a number, one per chunk
    of directions for an array (batched tangents, api/forward.py)."""
    from srcdiff.api import forward

    if not isinstance(x, np.ndarray):
        return 1
    return -(-x.size // min(forward.chunk_size(x.size), x.size))


def gradient_rows(repeat):
    rows = []
    for name, f, args, wrt in CASES:
        fwd = srcdiff.grad(f, wrt=wrt, mode="forward")
        rev = srcdiff.grad(f, wrt=wrt)
        tangents = [None] * len(args)
        for i in wrt:
            tangents[i] = np.ones_like(args[i]) if isinstance(args[i], np.ndarray) else 1.0
        params = specializer(f, ()).params
        code = specializer(f, tuple(params[i] for i in wrt)).compiled(args)
        dts = [t for t in tangents if t is not None]
        passes_fn = _separate_passes(f, [params[i] for i in wrt], args)
        diff = rel_diff(_flat(fwd(*args)), _flat(rev(*args)))
        t_f, t_g, t_r, t_j, t_c, t_p = time_calls(
            [
                (f, args),
                (fwd, args),
                (rev, args),
                (srcdiff.jvp, (f, args, tangents)),
                (code, (*args, *dts)),
                (passes_fn, args),
            ],
            repeat=repeat,
        )
        n = sum(np.size(args[i]) for i in wrt)
        passes = sum(_passes(args[i]) for i in wrt)
        rows.append(
            [
                name,
                str(len(wrt)) if all(np.ndim(args[i]) == 0 for i in wrt) else f"array ({n})",
                t_f,
                t_g / t_f,
                t_p / t_f if all(np.ndim(args[i]) == 0 for i in wrt) else None,
                f"{3 * n}x",
                t_r / t_f,
                t_j / t_f,
                t_c / t_f,
                str(passes),
                f"{diff:.1e}",
            ]
        )
    return rows


def jacobian_rows(repeat):
    name, f, args, i = JAC_CASE
    fwd = srcdiff.jacobian(f, wrt=i, mode="forward")
    rev = srcdiff.jacobian(f, wrt=i, mode="reverse")
    auto = srcdiff.jacobian(f, wrt=i)
    diff = rel_diff(np.ravel(fwd(*args)), np.ravel(rev(*args)))
    t_f, t_fw, t_rv, t_au = time_calls(
        [(f, args), (fwd, args), (rev, args), (auto, args)], repeat=repeat
    )
    out = f(*args)
    return [
        [name, "forward", t_fw, t_fw / t_f, str(_passes(args[i])), f"{diff:.1e}"],
        [name, "reverse", t_rv, t_rv / t_f, str(np.size(out)), ""],
        [name, "auto (picks forward: 4 inputs < 8 outputs)", t_au, t_au / t_f, "", ""],
    ], t_f


def rosenbrock_rows(repeat, sizes=(10, 100, 1000)):
    """Rosenbrock of N inputs: grad(mode="forward") (batched tangents, chunks of
    forward.chunk_size(N) directions a pass) against one pass per element (the path
    before batching, forward.columns), and reverse mode, each / the function."""
    from srcdiff.api import forward

    rows = []
    for n in sizes:
        x = np.random.default_rng(n).uniform(-2.0, 2.0, n)
        fwd = srcdiff.grad(rosenbrock, mode="forward")
        rev = srcdiff.grad(rosenbrock)
        per_element = lambda x: forward.columns(rosenbrock, (x,), 0)  # noqa: E731
        diff = rel_diff(fwd(x), rev(x))
        t_f, t_b, t_p, t_r = time_calls(
            [(rosenbrock, (x,)), (fwd, (x,)), (per_element, (x,)), (rev, (x,))], repeat=repeat
        )
        chunk = min(forward.chunk_size(n), n)
        passes = -(-n // chunk)
        rows.append(
            [
                f"Rosenbrock N={n}",
                t_f,
                t_b / t_f,
                t_p / t_f,
                t_r / t_f,
                f"{passes} x {chunk}",
                f"{diff:.1e}",
            ]
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per function")
    opts = parser.parse_args()
    header('bench_forward: forward-mode time / function time (grad(mode="forward") <= 3n x f)')
    markdown_table(
        [
            "case",
            "n inputs",
            "f (us)",
            "grad fwd / f",
            "separate passes / f",
            "target",
            "reverse / f",
            "jvp (public) / f",
            "jvp (code) / f",
            "passes",
            "fwd vs rev",
        ],
        gradient_rows(opts.repeat),
    )
    print()
    print("Rosenbrock, an array input: batched tangents against one pass per element\n")
    markdown_table(
        [
            "case",
            "f (us)",
            "grad fwd (batched) / f",
            "per-element passes / f",
            "reverse / f",
            "passes x directions",
            "fwd vs rev",
        ],
        rosenbrock_rows(opts.repeat),
    )
    print()
    rows, t_f = jacobian_rows(opts.repeat)
    print(f"Jacobian of {JAC_CASE[0]} (f: {t_f:.2f} us)\n")
    markdown_table(["case", "mode", "time (us)", "time / f", "passes", "fwd vs rev"], rows)


if __name__ == "__main__":
    main()

"""Loops and helper calls: gradient time / function time (target <= 4x), vs autograd and PyTorch.

Run from the repo root:  python benchmarks/bench_loops.py

The peers run the *same* source: each function is re-bound with `math`
pointing at the peer's namespace (autograd.numpy, or torch functions), so
only the differentiation machinery differs.  PyTorch runs eagerly on float64
scalar tensors.
"""

import math
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import srcdiff  # noqa: E402
from benchmarks.common import header, markdown_table, rel_diff, time_call, time_calls  # noqa: E402
from srcdiff.api.check import numeric_grad  # noqa: E402


def pendulum(theta0, damping, omega0, g, dt, n):
    """Damped pendulum, explicit Euler; returns the final energy."""
    th = theta0
    om = omega0
    decay = math.exp(-damping * dt)
    for i in range(n):
        acc = -g * math.sin(th)
        th = th + dt * om
        om = om * decay + dt * acc
    return 0.5 * om * om + g * (1.0 - math.cos(th))


def rk4_step(th, om, dt, g, c):
    """One RK4 step of th'' = -g sin(th) - c th'."""
    k1t = om
    k1o = -g * math.sin(th) - c * om
    k2t = om + 0.5 * dt * k1o
    k2o = -g * math.sin(th + 0.5 * dt * k1t) - c * k2t
    k3t = om + 0.5 * dt * k2o
    k3o = -g * math.sin(th + 0.5 * dt * k2t) - c * k3t
    k4t = om + dt * k3o
    k4o = -g * math.sin(th + dt * k3t) - c * k4t
    th_new = th + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
    om_new = om + dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o)
    return th_new, om_new


def rk4(g, c, th0, om0, dt, n):
    """200 RK4 steps; returns a smooth function of the final state."""
    th = th0
    om = om0
    for i in range(n):
        th, om = rk4_step(th, om, dt, g, c)
    return th * th + math.exp(-om * om)


def rk4_inline(g, c, th0, om0, dt, n):
    """`rk4` with the step written out in the loop: measures the cost of the helper call."""
    th = th0
    om = om0
    for i in range(n):
        k1t = om
        k1o = -g * math.sin(th) - c * om
        k2t = om + 0.5 * dt * k1o
        k2o = -g * math.sin(th + 0.5 * dt * k1t) - c * k2t
        k3t = om + 0.5 * dt * k2o
        k3o = -g * math.sin(th + 0.5 * dt * k2t) - c * k3t
        k4t = om + dt * k3o
        k4o = -g * math.sin(th + dt * k3t) - c * k4t
        th = th + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
        om = om + dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o)
    return th * th + math.exp(-om * om)


#        name                      f         args                             wrt
CASES = [
    ("pendulum Euler, 1000 steps", pendulum, (1.2, 0.3, 0.0, 9.81, 0.001, 1000), (0, 1)),
    ("RK4 + helper, 200 steps", rk4, (9.81, 0.3, 1.2, 0.0, 0.01, 200), (0, 1)),
    ("RK4 inlined, 200 steps", rk4_inline, (9.81, 0.3, 1.2, 0.0, 0.01, 200), (0, 1)),
]


def rebind(namespace, f):
    """A copy of `f` (and of the module-level functions it calls) using `namespace` as `math`."""
    env = dict(globals(), math=namespace)
    for helper in (rk4_step, f):
        env[helper.__name__] = types.FunctionType(
            helper.__code__, env, helper.__name__, helper.__defaults__
        )
    return env[f.__name__]


def autograd_peer(f, args, wrt):
    """(gradient function, converter of its result to floats)."""
    import autograd
    import autograd.numpy as anp

    return autograd.grad(rebind(anp, f), wrt), lambda out: [float(x) for x in out]


def torch_peer(f, args, wrt):
    """Same, for PyTorch; the leaf tensors are made once, outside the timed call."""
    import torch

    ns = types.SimpleNamespace(sin=torch.sin, cos=torch.cos, exp=torch.exp)
    ft = rebind(ns, f)
    targs = [
        torch.tensor(a, dtype=torch.float64, requires_grad=i in wrt) if isinstance(a, float) else a
        for i, a in enumerate(args)
    ]
    leaves = [targs[i] for i in wrt]

    def grad_torch(*_):
        return torch.autograd.grad(ft(*targs), leaves)

    return grad_torch, lambda out: [float(x) for x in out]


def fd_grad(f, args, wrt):
    """Central finite differences (srcdiff's own), for a sanity check of srcdiff's result."""
    return [numeric_grad(f, args, i) for i in wrt]


def bench_case(name, f, args, wrt):
    """Table rows for one case: plain function, srcdiff, then each peer."""
    fd = fd_grad(f, args, wrt)
    try:
        df = srcdiff.grad(f, wrt=wrt)
        ref = list(df(*args))
        fast = df.specialize(*args)
    except Exception as exc:  # a srcdiff bug: reported, not hidden (see the README)
        print(f"srcdiff FAILED on {name}: {type(exc).__name__}: {exc}\n")
        t_f, t_s, ref, vs = time_call(f, *args), None, fd, " (vs finite diff.)"
        rows = [
            [name, "plain function", t_f, 1.0, "", ""],
            [name, "srcdiff", "FAILED", None, None, None],
        ]
    else:
        t_f, t_s, t_sp = time_calls([(f, args), (df, args), (fast, args)])
        vs = ""
        rows = [
            [name, "plain function", t_f, 1.0, "", ""],
            [
                name,
                "srcdiff grad(f)",
                t_s,
                t_s / t_f,
                "",
                f"{rel_diff(ref, fd):.1e} (vs finite diff.)",
            ],
            [name, "srcdiff .specialize", t_sp, t_sp / t_f, "", ""],
        ]
    for peer, make in (("autograd", autograd_peer), ("torch eager f64", torch_peer)):
        try:
            g, to_floats = make(f, args, wrt)
        except ImportError:
            rows.append([name, peer, "not installed", None, None, None])
            continue
        diff = rel_diff(ref, to_floats(g(*args)))
        t_p = time_call(g, *args)
        rows.append([name, peer, t_p, t_p / t_f, t_s and f"{t_p / t_s:.0f}x", f"{diff:.1e}{vs}"])
    return rows


def main():
    header("bench_loops: gradient time / function time (srcdiff target <= 4x)")
    rows = [row for case in CASES for row in bench_case(*case)]
    markdown_table(
        [
            "case",
            "tool",
            "time (us)",
            "time / f",
            "srcdiff speedup vs peer",
            "max rel. diff vs srcdiff",
        ],
        rows,
    )


if __name__ == "__main__":
    main()

"""Scalar straight-line code: gradient time / function time (target <= 3x).

Run from the repo root:  python benchmarks/bench_scalar.py
"""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import srcdiff  # noqa: E402
from benchmarks.common import header, markdown_table, rel_diff, time_calls  # noqa: E402
from srcdiff.api.check import numeric_grad  # noqa: E402


def seed(x, y):
    return x**2 * y + y + 2


def f50(a, b, c, d):
    t = a * b + c
    u = math.sin(t) - d / 2.0
    v = math.exp(0.5 * u)
    w = t * u - v
    t = math.tanh(w) + a
    s = math.sqrt(1.0 + t * t)
    r = s / (1.0 + v)
    q = math.log(1.0 + r * r)
    u = u * q + b
    v = v - u / s
    p = math.sin(v) * math.exp(-q)
    w = w + p * t
    e = a * a - w
    g = math.tanh(b * c) + e
    h = c / (2.0 + math.sin(d))
    k = math.sqrt(d * d + 1.0) - h
    t = math.tanh(t + e * g)
    s = math.exp(-t * t / 10.0)
    r = r * s + k
    q = math.log(2.0 + math.tanh(r))
    p = p - q * h + t
    u = math.sin(u + p) * g
    v = v * v / (1.0 + v * v)
    w = math.tanh(w - u * v)
    e = e / (1.0 + math.exp(w))
    g = g - e * s + math.sqrt(2.0 + math.sin(q))
    h = h * math.exp(-h * h) + w
    k = math.log(1.0 + k * k) - p / (2.0 + s)
    t = t + u - v * w
    s = math.tanh(s * g - h)
    r = math.sin(r) * math.sin(k) + r / 3.0
    q = q * q - r * t
    p = math.exp(math.tanh(p - q))
    u = u / (1.5 + math.sin(t * k))
    v = math.sqrt(1.0 + (v - u) * (v - u))
    w = w * p - s / v
    e = math.tanh(e + w * a)
    g = g * e - math.log(1.0 + g * g)
    h = h - math.exp(-b * b) * t
    k = k + math.sin(h) * c
    t = math.tanh(t * s + r)
    s = s - t * q / (1.0 + q * q)
    r = math.log(1.0 + math.exp(r - k))
    q = math.sqrt(q * q + p * p + 1.0)
    p = p * math.sin(d - t) + e
    u = u - v / q + g * h
    v = math.exp(-(w * w)) + s * r
    w = math.tanh(u * v - p)
    e = e * w + k / q
    return e + u * t - v / (1.0 + g * g)


CASES = [
    ("seed x**2*y + y + 2", seed, (3.0, 4.0), ("x", "y")),
    ("50-statement scalar", f50, (0.3, -0.7, 1.1, 0.5), ("a", "b", "c", "d")),
]


def fd_grad(f, args):
    """Central finite differences (srcdiff's own), for a sanity check of srcdiff's result."""
    return [numeric_grad(f, args, i) for i in range(len(args))]


def main():
    header("bench_scalar: gradient time / function time (target <= 3x)")
    rows = []
    for name, f, args, wrt in CASES:
        df = srcdiff.grad(f, wrt=wrt)
        fast = df.specialize(*args)
        err = rel_diff(df(*args), fd_grad(f, args))
        t_f, t_g, t_s = time_calls([(f, args), (df, args), (fast, args)])
        rows.append([name, t_f, t_g, t_g / t_f, t_s, t_s / t_f, f"{err:.1e}"])
    markdown_table(
        [
            "case",
            "f (us)",
            "grad(f) (us)",
            "ratio",
            "specialize (us)",
            "ratio",
            "rel. diff vs finite diff.",
        ],
        rows,
    )


if __name__ == "__main__":
    main()

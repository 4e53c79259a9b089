"""Finite-difference checking of generated derivatives.

Central differences with a step scaled to each input's magnitude
(h = cbrt(eps) * max(1, |x|)), which balances truncation error (O(h^2))
against rounding error (O(eps/h)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import GradientCheckError

_EPS_CBRT = np.finfo(float).eps ** (1 / 3)


@dataclass
class CheckReport:
    """Result of an agreeing check: worst absolute and relative differences."""

    max_abs_error: float
    max_rel_error: float
    rows: list   # (parameter, analytic, numeric, abs error)

    def __str__(self):
        return format_table(self.rows) + \
            f"\nmax abs error {self.max_abs_error:.3g}, max rel error {self.max_rel_error:.3g}"


def numeric_grad(func, args, index):
    """Central-difference gradient of scalar `func` with respect to args[index]."""
    x = args[index]
    if isinstance(x, np.ndarray):
        x = x.astype(float)
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            h = _EPS_CBRT * max(1.0, abs(x[i]))
            xp, xm = x.copy(), x.copy()
            xp[i] += h
            xm[i] -= h
            g[i] = (_call(func, args, index, xp) - _call(func, args, index, xm)) / (2 * h)
        return g
    if isinstance(x, (list, tuple)):
        arr = numeric_grad(func, args[:index] + (np.array(x, float),) + args[index + 1:], index)
        return type(x)(float(v) for v in arr)
    x = float(x)
    h = _EPS_CBRT * max(1.0, abs(x))
    return (_call(func, args, index, x + h) - _call(func, args, index, x - h)) / (2 * h)


def _call(func, args, index, value):
    original = args[index]
    if isinstance(original, (list, tuple)):
        value = type(original)(float(v) for v in value)
    return float(func(*args[:index], value, *args[index + 1:]))


def format_table(rows):
    header = f"{'parameter':<12} {'analytic':>22} {'numeric':>22} {'abs error':>12}"
    lines = [header, "-" * len(header)]
    for name, a, n, err in rows:
        lines.append(f"{name:<12} {a:>22.15g} {n:>22.15g} {err:>12.3g}")
    return "\n".join(lines)


def check_grad(func, *args, wrt=0, rtol=1e-5, atol=1e-7):
    """Compare srcdiff's gradient of `func` at `args` with central differences.

    Returns a CheckReport on agreement; raises GradientCheckError (whose
    message tables analytic against numeric values) otherwise.
    """
    from .gradients import grad
    from .requests import parameters, parse_wrt
    params = parameters(func)
    names, _ = parse_wrt(func, wrt, params)
    analytic = grad(func, wrt=tuple(names))(*args)
    rows, ok, max_abs, max_rel = [], True, 0.0, 0.0
    for name, a in zip(names, analytic):
        index = params.index(name)
        n = numeric_grad(func, tuple(args), index)
        a_arr, n_arr = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(n, float))
        for pos in np.ndindex(a_arr.shape):
            label = name if a_arr.size == 1 else f"{name}{list(pos)}"
            err = abs(a_arr[pos] - n_arr[pos])
            rows.append((label, float(a_arr[pos]), float(n_arr[pos]), err))
            max_abs = max(max_abs, err)
            max_rel = max(max_rel, err / max(abs(n_arr[pos]), 1e-300))
            if not err <= atol + rtol * abs(n_arr[pos]):
                ok = False
    if not ok:
        raise GradientCheckError(
            f"gradient of {func.__name__} disagrees with finite differences "
            f"(rtol={rtol}, atol={atol}):\n" + format_table(rows),
            hint="if the function is not smooth at this point (abs, max, a branch edge), "
                 "check at another point")
    return CheckReport(max_abs, max_rel, rows)

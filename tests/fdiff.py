"""Central finite differences, independent of srcdiff, for the forward-mode,
Jacobian and Hessian tests.

The step is h = cbrt(eps) * max(1, |x|) per input element (as srcdiff.check_grad
uses), which balances truncation error O(h^2) against rounding error O(eps/h).

Independent of srcdiff on purpose: srcdiff's own finite differences
(srcdiff.runtime.fd.numeric_grad, used by check_grad, `srcdiff check` and emitted
build tests) are tested in test_fd.py against known derivatives, and these serve
as an oracle that can't share their bugs.  They also do what numeric_grad doesn't:
Jacobians of array- and tuple-valued functions and directional derivatives.
"""

from __future__ import annotations

import numpy as np

EPS_CBRT = np.finfo(float).eps ** (1 / 3)


def _with(args, i, value):
    """args with args[i] replaced by `value` (an ndarray), in args[i]'s own form."""
    original = args[i]
    if isinstance(original, (list, tuple)):
        value = type(original)(float(v) for v in np.ravel(value))
    elif not isinstance(original, np.ndarray):
        value = float(value)
    return tuple(args[:i]) + (value,) + tuple(args[i + 1 :])


def _call(func, args):
    out = func(*args)
    if isinstance(out, tuple):
        return tuple(np.asarray(o, dtype=float) for o in out)
    return np.asarray(out, dtype=float)


def _sub_scale(a, b, s):
    if isinstance(a, tuple):
        return tuple(_sub_scale(p, q, s) for p, q in zip(a, b))
    return (a - b) / s


def fd_jacobian(func, args, i):
    """d func / d args[i] by central differences: shape out.shape + in.shape.

    `func` may return a scalar, an array or a list; args[i] may be a float, a
    list of floats or a float array.  Arguments are never modified.
    """
    args = tuple(args)
    x = np.array(args[i], dtype=float)
    out_shape = np.shape(_call(func, args))
    jac = np.zeros(out_shape + x.shape)
    for idx in np.ndindex(x.shape):
        h = EPS_CBRT * max(1.0, abs(x[idx]))
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        col = (_call(func, _with(args, i, xp)) - _call(func, _with(args, i, xm))) / (2 * h)
        jac[(Ellipsis,) + idx] = col
    return jac


def fd_grad(func, args, i):
    """Gradient of scalar `func` w.r.t. args[i] by central differences (an array of
    args[i]'s shape; a float for a scalar argument)."""
    g = fd_jacobian(func, args, i)
    return float(g) if g.ndim == 0 else g


def fd_directional(func, primals, tangents):
    """(func(p + h t) - func(p - h t)) / 2h; tangents are None for fixed arguments.
    Tuple outputs give a tuple of directional derivatives."""
    primals = tuple(primals)
    active = [(i, np.asarray(t, dtype=float)) for i, t in enumerate(tangents) if t is not None]
    xmax = max(
        [1.0]
        + [
            float(np.max(np.abs(np.asarray(primals[i], dtype=float)), initial=0.0))
            for i, _ in active
        ]
    )
    tmax = max([1e-300] + [float(np.max(np.abs(t), initial=0.0)) for _, t in active])
    h = EPS_CBRT * xmax / tmax
    plus, minus = list(primals), list(primals)
    for i, t in active:
        x = np.asarray(primals[i], dtype=float)
        plus[i] = _with(primals, i, x + h * t)[i]
        minus[i] = _with(primals, i, x - h * t)[i]
    return _sub_scale(_call(func, plus), _call(func, minus), 2 * h)


def assert_close(got, want, rtol, atol=0.0, what="value"):
    """Elementwise |got - want| <= atol + rtol * |want|, with matching shapes; tuples
    compared item by item.  `atol` is absolute; callers scale it to the data."""
    if isinstance(want, tuple):
        assert isinstance(got, (tuple, list)), f"{what}: expected a tuple, got {type(got).__name__}"
        assert len(got) == len(want), f"{what}: {len(got)} items, expected {len(want)}"
        for k, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, rtol, atol, f"{what}[{k}]")
        return
    g = np.asarray(got, dtype=float)
    w = np.asarray(want, dtype=float)
    assert g.shape == w.shape, f"{what}: shape {g.shape}, expected {w.shape}"
    err = np.abs(g - w)
    bound = atol + rtol * np.abs(w)
    if not np.all(err <= bound):
        k = np.unravel_index(np.argmax(err - bound), err.shape) if err.ndim else ()
        raise AssertionError(
            f"{what}: got {g[k]!r}, expected {w[k]!r} at index {k} "
            f"(abs error {err[k]:.3g}; rtol={rtol}, atol={atol:.3g})\ngot:\n{g}\nexpected:\n{w}"
        )


def scale_of(*values):
    """max(1, largest magnitude) over scalars, arrays, lists and tuples of them."""
    m = 1.0
    for v in values:
        if isinstance(v, tuple):
            m = max(m, scale_of(*v))
        else:
            m = max(m, float(np.max(np.abs(np.asarray(v, dtype=float)), initial=0.0)))
    return m

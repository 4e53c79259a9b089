"""Helpers that the NumPy derivative templates call (see rules/numpy_rules.py).

Same contract as runtime.py: `srcdiff build` copies the helpers a module
uses into it -- together with the helpers of this module they call -- so a
function here may refer only to `np`, `math`, builtins and functions of this
module.

Conventions shared by all helpers:

* a cotangent comes back with its input's exact shape and, when the input
  is a floating-point array, its dtype (float32 in, float32 out), as JAX
  does; a cotangent of a Python float is a NumPy scalar or 0-d array;
* `axis` may be None, an int, a negative int or a tuple, as in NumPy.
"""

import math

import numpy as np

__all__ = [
    "append_embed",
    "append_part",
    "asarray_vjp",
    "balanced_eq",
    "cholesky_jvp",
    "cholesky_jvp_dL",
    "cholesky_jvp_dL_t",
    "cholesky_vjp",
    "cholesky_vjp_dL",
    "cholesky_vjp_dL_t",
    "chooser_partials",
    "chooser_where",
    "clip_partials",
    "column_stack_vjp",
    "concatenate_vjp",
    "convolve_da",
    "convolve_db",
    "corrcoef_jvp",
    "corrcoef_vjp",
    "cov_jvp",
    "cov_vjp",
    "cross_da",
    "cross_db",
    "cumprod_d2",
    "cumprod_hess",
    "cumprod_jvp",
    "cumprod_vjp",
    "cumsum_vjp",
    "det_cofactor",
    "det_cofactor_jvp",
    "diag_vjp",
    "diagonal_vjp",
    "diff_vjp",
    "dot_axes",
    "einsum_vjp",
    "expand_reduced",
    "hstack_vjp",
    "inner_axes",
    "interp_slope",
    "interp_slope_vjp",
    "interp_vjp",
    "kron_da",
    "kron_db",
    "linspace_vjp",
    "matmul_da",
    "matmul_db",
    "matrix_power_jvp",
    "matrix_power_jvp_da",
    "norm_partials",
    "norm_partials_ds",
    "norm_partials_dx",
    "pad_vjp",
    "permutation_of",
    "pinv_jvp",
    "pinv_jvp_da",
    "pinv_vjp",
    "pinv_vjp_da",
    "prod_partials",
    "quantile_jvp",
    "quantile_vjp",
    "ptp_partials",
    "prod_partials_jvp",
    "reduced_size",
    "repeat_vjp",
    "rollaxis_vjp",
    "rows_of",
    "scale_matrices",
    "select_none",
    "select_vjp",
    "sinc_d1",
    "sinc_d2",
    "solve_da",
    "solve_db",
    "solve_jvp_a",
    "solve_tgb",
    "stack_vjp",
    "std_partials",
    "take_along_axis_vjp",
    "tensordot_da",
    "tensordot_db",
    "tile_vjp",
    "trace_vjp",
    "transpose_vjp",
    "trapezoid_vjp",
    "trapezoid_x_vjp",
    "var_partials",
    "vstack_vjp",
]

# Derivatives of the helpers above, used by their rules (rules/runtime_numpy_rules.py) for
# second order; they have no rules of their own (third derivatives are not supported).
SECOND_ORDER = (
    "cholesky_jvp_dL",
    "cholesky_jvp_dL_t",
    "cholesky_vjp_dL",
    "cholesky_vjp_dL_t",
    "cumprod_d2",
    "cumprod_hess",
    "det_cofactor_jvp",
    "matrix_power_jvp_da",
    "norm_partials_ds",
    "norm_partials_dx",
    "pinv_jvp_da",
    "pinv_vjp_da",
    "prod_partials_jvp",
    "sinc_d2",
    "solve_tgb",
)


# --- reductions --------------------------------------------------------------------
# A reduction's vjp spreads the output cotangent back over the reduced axes
# (`expand_reduced`) and multiplies by the partial derivative of each output
# element with respect to each input element of its group (`*_partials`); its
# jvp sums tangent times the same partials over the reduced axes.


def expand_reduced(g, a, axis=None, keepdims=False):
    """Cotangent `g` of a reduction of `a` over `axis`, broadcast back to `a`'s shape."""
    shape = np.shape(a)
    dtype = (
        a.dtype if isinstance(a, np.ndarray) and a.dtype.kind in "fc" else np.result_type(g, 0.0)
    )
    if not shape and not isinstance(a, np.ndarray):
        return g
    if not keepdims and axis is not None:
        g = np.expand_dims(g, _reduced_axes(len(shape), axis))
    out = np.empty(shape, dtype=dtype)
    out[...] = g  # a fresh, writable array (not a broadcast view)
    return out


def reduced_size(a, axis=None):
    """How many elements of `a` each output of a reduction over `axis` combines."""
    shape = np.shape(a)
    return math.prod(shape[ax] for ax in _reduced_axes(len(shape), axis))


def _as_float(a):
    """`a` as an array of a floating dtype (float32 stays float32; ints become float64)."""
    x = np.asarray(a)
    return x if x.dtype.kind in "fc" else x.astype(float)


def _reduced_axes(ndim, axis):
    """A reduction's `axis` (None, an int, a negative int or a tuple) as a sorted tuple of
    non-negative axes.  A 0-d input has none: NumPy's reductions (``np.sum``, ``np.max``)
    accept ``axis=0`` or ``axis=-1`` on a scalar and reduce nothing."""
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    return tuple(
        sorted({ax % ndim for ax in (axis if isinstance(axis, (tuple, list)) else (axis,))})
    )


def prod_partials(a, axis=None):
    """d prod / d a: for each element, the product of the others in its group.

    Computed from exclusive prefix and suffix products, never by dividing by
    the element, so it is exact when the group contains zeros.
    """
    x = _as_float(a)
    nd = x.ndim
    axes = list(_reduced_axes(nd, axis))
    if not axes:
        return np.ones_like(x)
    keep = [i for i in range(nd) if i not in axes]
    moved = np.transpose(x, keep + axes)
    n = math.prod(x.shape[i] for i in axes)
    flat = moved.reshape(moved.shape[: len(keep)] + (n,))
    left = np.ones_like(flat)
    right = np.ones_like(flat)
    if n > 1:
        left[..., 1:] = np.cumprod(flat[..., :-1], axis=-1)
        right[..., :-1] = np.flip(np.cumprod(np.flip(flat[..., 1:], -1), axis=-1), -1)
    others = (left * right).reshape(moved.shape)
    return np.transpose(others, np.argsort(keep + axes))


def chooser_partials(a, out, axis=None, keepdims=False):
    """d max / d a (or min): 1 where `a` attains the result, shared equally among ties.

    The JAX and autograd convention: with k tied maxima each receives 1/k of
    the cotangent, so the total is preserved.
    """
    x = np.asarray(a)
    dtype = x.dtype if x.dtype.kind in "fc" else np.dtype(float)
    nd = x.ndim
    axes = _reduced_axes(nd, axis)
    o = np.asarray(out)
    if not keepdims:
        o = np.expand_dims(o, axes)
    hit = x == o
    count = np.sum(hit, axis=axes, keepdims=True)
    return (hit / count).astype(dtype, copy=False)


def chooser_where(a, out, axis=None, keepdims=False, where=True):
    """chooser_partials over the elements `where` selects, for np.max(a, initial=...,
    where=...): none of them gets the derivative where `initial` is the result."""
    x = np.asarray(a)
    dtype = x.dtype if x.dtype.kind in "fc" else np.dtype(float)
    axes = _reduced_axes(x.ndim, axis)
    o = np.asarray(out)
    if not keepdims:
        o = np.expand_dims(o, axes)
    hit = (x == o) & np.broadcast_to(where, x.shape)
    count = np.maximum(np.sum(hit, axis=axes, keepdims=True), 1)
    return (hit / count).astype(dtype, copy=False)


def ptp_partials(a, axis=None):
    """d ptp / d a, ptp = max - min: the maxima's shares (chooser_partials) minus the
    minima's, so a group of equal elements (a length-1 axis) gets 0, as ptp is 0 there."""
    x = np.asarray(a)
    axes = _reduced_axes(x.ndim, axis)
    hi = chooser_partials(x, np.max(x, axis=axes, keepdims=True), axes, True)
    lo = chooser_partials(x, np.min(x, axis=axes, keepdims=True), axes, True)
    return hi - lo


def _refusal(message, hint):
    """srcdiff's error for a call the rules can't differentiate, found when the code runs
    (a ValueError where this module runs without srcdiff, copied into a built module)."""
    try:
        from srcdiff.errors import UnsupportedSyntaxError
    except ImportError:
        return ValueError(message)
    return UnsupportedSyntaxError(message, hint=hint)


def _quantile_weights(a, q, axis, method, overwrite_input):
    """np.quantile's linear interpolation as weights: the quantile q of n sorted values is
    s[lo] * (1 - f) + s[lo + 1] * f at position q * (n - 1) = lo + f, so its derivative
    goes to those one or two sorted elements.  Returns (a with the reduced axes moved
    last and flattened into one, the stable argsort along it, weights of shape
    q.shape + (n,) over the sorted order, the reduced axes).  Ties: equal values are
    interchangeable, so the derivative goes to them in their stable sorted order."""
    if method != "linear" or overwrite_input:
        what = f"method={method!r}" if method != "linear" else "overwrite_input=True"
        raise _refusal(
            f"srcdiff has no derivative rule for np.quantile / np.percentile / np.median "
            f"with {what}",
            "use the default method='linear' and leave overwrite_input False (it lets "
            "NumPy reorder the argument in place)",
        )
    x = np.asarray(a)
    axes = _reduced_axes(x.ndim, axis)
    keep = [i for i in range(x.ndim) if i not in axes]
    n = math.prod(x.shape[i] for i in axes)
    moved = np.reshape(np.transpose(x, keep + list(axes)), [x.shape[i] for i in keep] + [n])
    order = np.argsort(moved, axis=-1, kind="stable")
    pos = np.asarray(q, dtype=float) * (n - 1)
    lo = np.clip(np.floor(pos), 0, n - 1).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    frac = pos - lo
    slots = np.arange(n)
    w = (1 - frac)[..., None] * (slots == lo[..., None]) + frac[..., None] * (
        slots == hi[..., None]
    )
    return x, order, w.astype(x.dtype if x.dtype.kind in "fc" else float), axes


def quantile_jvp(t, a, q, axis=None, keepdims=False, method="linear", overwrite_input=False):
    """Tangent of np.quantile(a, q, axis, keepdims=keepdims) (median: q = 0.5; percentile:
    q / 100): the interpolated sorted elements' tangents (see _quantile_weights)."""
    x, order, w, axes = _quantile_weights(a, q, axis, method, overwrite_input)
    keep = [i for i in range(x.ndim) if i not in axes]
    T = np.broadcast_to(np.asarray(t), x.shape)
    moved = np.reshape(np.transpose(T, keep + list(axes)), order.shape)
    ts = np.take_along_axis(moved, order, axis=-1)
    r = np.tensordot(ts, w, axes=([-1], [-1]))  # rest + q.shape
    nq, nrest = w.ndim - 1, ts.ndim - 1
    r = np.moveaxis(r, list(range(nrest, nrest + nq)), list(range(nq)))  # q.shape + rest
    if keepdims:
        r = np.expand_dims(r, tuple(nq + i for i in axes))
    return _cast_like(np.asarray(r), a)


def quantile_vjp(g, a, q, axis=None, keepdims=False, method="linear", overwrite_input=False):
    """Transpose of quantile_jvp: g goes back to the one or two sorted elements each
    quantile interpolates, weighted as the interpolation weighs them."""
    x, order, w, axes = _quantile_weights(a, q, axis, method, overwrite_input)
    keep = [i for i in range(x.ndim) if i not in axes]
    nq = w.ndim - 1
    G = np.asarray(g)
    if keepdims:
        G = np.squeeze(G, axis=tuple(nq + i for i in axes))
    G = np.broadcast_to(G, w.shape[:-1] + order.shape[:-1])
    G = np.moveaxis(G, list(range(nq)), list(range(G.ndim - nq, G.ndim)))  # rest + q.shape
    cs = np.tensordot(G, w, axes=(list(range(G.ndim - nq, G.ndim)), list(range(nq))))
    moved = np.zeros(order.shape, dtype=_float_dtype(x, g))
    np.put_along_axis(moved, order, cs, axis=-1)
    shaped = np.reshape(moved, [x.shape[i] for i in keep] + [x.shape[i] for i in axes])
    return _cast_like(np.transpose(shaped, np.argsort(keep + list(axes))), a)


def var_partials(a, axis=None, ddof=0):
    """d var / d a = 2 (a - mean) / (N - ddof)."""
    x = _as_float(a)
    nd = x.ndim
    axes = _reduced_axes(nd, axis)
    n = math.prod(x.shape[i] for i in axes)
    return 2 * (x - np.mean(x, axis=axes, keepdims=True)) / (n - ddof)


def std_partials(a, out, axis=None, ddof=0, keepdims=False):
    """d std / d a = (a - mean) / ((N - ddof) std), taken as 0 where std is 0.

    std is not differentiable where all values of a group are equal (like
    |x| at 0); 0 is the smallest subgradient there (JAX gives nan).  "Equal" up
    to rounding: np.std of equal values is ~1e-17, not 0, and the deviations
    over it would be noise of order 1.
    """
    x = _as_float(a)
    nd = x.ndim
    axes = _reduced_axes(nd, axis)
    n = math.prod(x.shape[i] for i in axes)
    o = np.asarray(out, dtype=x.dtype)
    if not keepdims:
        o = np.expand_dims(o, axes)
    scale = np.max(np.abs(x), axis=axes, keepdims=True) if x.size else 0.0
    flat = o <= 16 * np.finfo(x.dtype).eps * scale
    safe = np.where(flat, 1, o)
    return np.where(flat, 0, (x - np.mean(x, axis=axes, keepdims=True)) / ((n - ddof) * safe))


def _norm_setup(x, out, ord, axis, keepdims):
    """What the norm helpers share: x as a float array, its ndim, the reduced axes, whether
    it is a matrix norm, the norm `o` broadcastable against x, and `o` with zeros made 1."""
    X = _as_float(x)
    nd = X.ndim
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(ax % nd for ax in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    matrix = len(axes) == 2 and (axis is not None or ord is not None)
    o = np.asarray(out, dtype=X.dtype)
    if not keepdims:
        o = np.expand_dims(o, tuple(sorted(axes)))
    return X, nd, axes, matrix, o, np.where(o == 0, 1, o)


def norm_partials(x, out, ord=None, axis=None, keepdims=False):
    """d norm / d x for np.linalg.norm(x, ord, axis, keepdims), same shape as x.

    Vector norms: any ord (2, 1, inf, -inf, 0, p); matrix norms (axis a pair,
    or 2-D x with ord given): 'fro', 'nuc', 2, -2, 1, -1, inf, -inf.  Where
    the norm is not differentiable (at 0; ties of max/min) it takes 0 at 0
    and shares equally among ties.  Spectral and nuclear norms assume
    distinct (resp. nonzero) singular values.
    """
    X, nd, axes, matrix, o, safe = _norm_setup(x, out, ord, axis, keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ord is None or (isinstance(ord, str) and ord == "fro") or (ord == 2 and not matrix):
            d = np.where(o == 0, 0, X / safe)
        elif not matrix:
            if ord == 0:
                d = np.zeros_like(X)
            elif math.isinf(ord):
                hit = np.abs(X) == o
                d = np.sign(X) * hit / np.sum(hit, axis=axes, keepdims=True)
            else:
                d = np.where(o == 0, 0, np.sign(X) * (np.abs(X) / safe) ** (ord - 1))
        else:
            xm = np.moveaxis(X, axes, (-2, -1))
            om = np.moveaxis(o, axes, (-2, -1))  # both of size 1
            if isinstance(ord, str) or ord in (2, -2):
                u, _, vh = np.linalg.svd(xm, full_matrices=False)
                if isinstance(ord, str):  # 'nuc': sum of singular values
                    dm = np.matmul(u, vh)
                elif ord == 2:  # largest singular value
                    dm = np.matmul(u[..., :, :1], vh[..., :1, :])
                else:  # smallest singular value
                    dm = np.matmul(u[..., :, -1:], vh[..., -1:, :])
            else:
                along = -2 if ord in (1, -1) else -1  # 1: column sums, inf: row sums
                sums = np.sum(np.abs(xm), axis=along, keepdims=True)
                hit = sums == om
                dm = np.sign(xm) * hit / np.sum(hit, axis=(-2, -1), keepdims=True)
            d = np.moveaxis(dm, (-2, -1), axes)
    return d.astype(X.dtype, copy=False)


def cumsum_vjp(g, a, axis=None):
    """Transpose of np.cumsum: a reversed cumulative sum (flattened when axis is None)."""
    g = np.asarray(g)
    if axis is None:
        r = np.flip(np.cumsum(np.flip(g.ravel()))).reshape(np.shape(a))
    else:
        r = np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)
    if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
        return r.astype(a.dtype, copy=False)
    return r[()] if r.ndim == 0 else r


def cumprod_vjp(g, a, out, axis=None):
    """vjp of np.cumprod along `axis`, exact when `a` contains zeros.

    d_j = out_{j-1} * S_j with S_j = g_j + a_{j+1} S_{j+1} (a backward
    recurrence); without zeros this is revcumsum(g * out) / a, vectorised.
    """
    x = np.asarray(a)
    g = np.asarray(g)
    o = np.asarray(out)
    if axis is None:
        x, ax = x.ravel(), 0
    else:
        ax = axis % max(x.ndim, 1)
        x = x.reshape(x.shape or (1,))
    g = np.moveaxis(g.reshape(o.shape), ax, 0)
    xm, om = np.moveaxis(x, ax, 0), np.moveaxis(o, ax, 0)
    if np.all(xm != 0):
        r = np.flip(np.cumsum(np.flip(g * om, 0), axis=0), 0) / xm
    else:
        r = np.empty(np.broadcast_shapes(g.shape, xm.shape), dtype=np.result_type(g, xm))
        n = xm.shape[0]
        s = g[n - 1]
        for j in range(n - 1, -1, -1):
            if j < n - 1:
                s = g[j] + xm[j + 1] * s
            r[j] = s * om[j - 1] if j > 0 else s
    r = np.moveaxis(r, 0, ax).reshape(np.shape(a))
    if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
        return r.astype(a.dtype, copy=False)
    return r[()] if r.ndim == 0 else r


def cumprod_jvp(t, a, out, axis=None):
    """jvp of np.cumprod: T_i = T_{i-1} a_i + out_{i-1} t_i, exact with zeros."""
    x = np.asarray(a)
    t = np.broadcast_to(np.asarray(t), x.shape)
    o = np.asarray(out)
    if axis is None:
        x, t, ax = x.ravel(), t.ravel(), 0
    else:
        ax = axis % max(x.ndim, 1)
        x, t = x.reshape(x.shape or (1,)), t.reshape(x.shape or (1,))
    xm, tm, om = np.moveaxis(x, ax, 0), np.moveaxis(t, ax, 0), np.moveaxis(o, ax, 0)
    if np.all(xm != 0):
        r = om * np.cumsum(tm / xm, axis=0)
    else:
        r = np.empty(np.broadcast_shapes(tm.shape, xm.shape), dtype=np.result_type(tm, xm))
        acc = tm[0]
        r[0] = acc
        for i in range(1, xm.shape[0]):
            acc = acc * xm[i] + om[i - 1] * tm[i]
            r[i] = acc
    return np.moveaxis(r, 0, ax)


# --- elementwise ---------------------------------------------------------------------


def balanced_eq(x, z, y):
    """Share of max/min(x, y) == z that goes to x: 1 if x alone attains z, 1/2 at a tie.

    The JAX and autograd convention for np.maximum / np.minimum.  Returned in
    z's floating dtype, so float32 cotangents stay float32.
    """
    z = np.asarray(z)
    dtype = z.dtype if z.dtype.kind in "fc" else np.dtype(float)
    hit = np.asarray(x == z, dtype=dtype)
    return hit / (1 + np.asarray(x == y, dtype=dtype))


def clip_partials(a, a_min, a_max, wrt):
    """Partial of np.clip(a, a_min, a_max) w.r.t. `wrt` ("a", "a_min" or "a_max").

    np.clip is min(max(a, a_min), a_max) (as in JAX): the derivative goes to
    whichever bound or `a` is selected, and is shared half and half at a tie
    (a == a_min or a == a_max).  A bound that is None does not apply.
    """
    x = np.asarray(a)
    dtype = np.result_type(x, *(b for b in (a_min, a_max) if b is not None), 0.0)
    if dtype.kind not in "fc":
        dtype = np.dtype(float)
    one = np.ones((), dtype=dtype)
    m = x if a_min is None else np.maximum(x, a_min)
    out = m if a_max is None else np.minimum(m, a_max)
    # d max(a, lo)
    if a_min is None:
        dm_da, dm_dlo = one, 0 * one
    else:
        dm_da = np.asarray(x == m, dtype) / (1 + np.asarray(x == a_min, dtype))
        dm_dlo = np.asarray(a_min == m, dtype) / (1 + np.asarray(x == a_min, dtype))
    # d min(m, hi)
    if a_max is None:
        do_dm, do_dhi = one, 0 * one
    else:
        do_dm = np.asarray(m == out, dtype) / (1 + np.asarray(m == a_max, dtype))
        do_dhi = np.asarray(a_max == out, dtype) / (1 + np.asarray(m == a_max, dtype))
    if wrt == "a":
        return do_dm * dm_da
    if wrt == "a_min":
        return do_dm * dm_dlo
    return do_dhi


# --- linear algebra --------------------------------------------------------------------


def dot_axes(a, b):
    """np.dot(a, b) as a tensordot: contract a's last axis with b's second-to-last."""
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return ((), ())
    return ((na - 1,), (max(nb - 2, 0),))


def inner_axes(a, b):
    """np.inner(a, b) as a tensordot: contract the last axes of both."""
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return ((), ())
    return ((na - 1,), (nb - 1,))


def _tensordot_axes(A, B, axes):
    """np.tensordot's `axes` (an int or a pair) as (a's contracted, b's contracted,
    a's free, b's free) axis lists, all non-negative."""
    if isinstance(axes, (int, np.integer)):
        ax_a, ax_b = list(range(A.ndim - axes, A.ndim)), list(range(axes))
    else:
        ax_a, ax_b = ([v] if isinstance(v, (int, np.integer)) else list(v) for v in axes)
    ax_a, ax_b = [v % A.ndim for v in ax_a], [v % B.ndim for v in ax_b]
    a_free = [i for i in range(A.ndim) if i not in ax_a]
    b_free = [j for j in range(B.ndim) if j not in ax_b]
    return ax_a, ax_b, a_free, b_free


def _cast_like(r, x):
    """`r` with x's float dtype (float32 stays float32), or a scalar if 0-d."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
        return r.astype(x.dtype, copy=False)
    return r[()] if r.ndim == 0 else r


def tensordot_da(g, a, b, axes=2):
    """Cotangent of `a` in np.tensordot(a, b, axes) (axes an int or a pair)."""
    A, B = np.asarray(a), np.asarray(b)
    ax_a, ax_b, a_free, b_free = _tensordot_axes(A, B, axes)
    g = np.asarray(g, dtype=A.dtype if A.dtype.kind in "fc" else None)
    r = np.tensordot(g, B, axes=(list(range(len(a_free), g.ndim)), b_free))
    # r's axes: a's free axes, then b's contracted axes in increasing order
    source = a_free + [ax_a[ax_b.index(j)] for j in sorted(ax_b)]
    return _cast_like(np.transpose(r, np.argsort(source)), a)


def tensordot_db(g, a, b, axes=2):
    """Cotangent of `b` in np.tensordot(a, b, axes) (axes an int or a pair)."""
    A, B = np.asarray(a), np.asarray(b)
    ax_a, ax_b, a_free, b_free = _tensordot_axes(A, B, axes)
    g = np.asarray(g, dtype=B.dtype if B.dtype.kind in "fc" else None)
    r = np.tensordot(A, g, axes=(a_free, list(range(len(a_free)))))
    # r's axes: a's contracted axes (their b partners) in increasing order, then b's free axes
    source = [ax_b[ax_a.index(i)] for i in sorted(ax_a)] + b_free
    return _cast_like(np.transpose(r, np.argsort(source)), b)


def matmul_da(g, a, b):
    """Cotangent of `a` in a @ b: g @ b^T, for 1-D operands and broadcast batches."""
    A, B, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if B.ndim == 1:
        g = g[..., None]
    if A.ndim == 1:
        g = g[..., None, :]
    A2 = A[None, :] if A.ndim == 1 else A
    B2 = B[:, None] if B.ndim == 1 else B
    r = np.matmul(g, np.swapaxes(B2, -1, -2))
    extra = r.ndim - A2.ndim  # sum broadcast batch dimensions away
    if extra:
        r = np.sum(r, axis=tuple(range(extra)))
    ones = tuple(i for i, n in enumerate(A2.shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    r = r.reshape(A.shape)
    return r.astype(A.dtype, copy=False) if A.dtype.kind in "fc" else r


def matmul_db(g, a, b):
    """Cotangent of `b` in a @ b: a^T @ g, for 1-D operands and broadcast batches."""
    A, B, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if B.ndim == 1:
        g = g[..., None]
    if A.ndim == 1:
        g = g[..., None, :]
    A2 = A[None, :] if A.ndim == 1 else A
    B2 = B[:, None] if B.ndim == 1 else B
    r = np.matmul(np.swapaxes(A2, -1, -2), g)
    extra = r.ndim - B2.ndim
    if extra:
        r = np.sum(r, axis=tuple(range(extra)))
    ones = tuple(i for i, n in enumerate(B2.shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    r = r.reshape(B.shape)
    return r.astype(B.dtype, copy=False) if B.dtype.kind in "fc" else r


def einsum_vjp(g, subscripts, index, *operands):
    """Cotangent of operand `index` of np.einsum(subscripts, *operands).

    It is another einsum: the output cotangent contracted with the other
    operands, producing the operand's own subscripts.  Implicit output,
    '...', labels summed only within this operand (broadcast back with a
    ones vector) and repeated labels such as 'ii' (written through an
    identity matrix onto the diagonal) are handled.
    """
    ops = [np.asarray(o) for o in operands]
    x = ops[index]
    dtype = x.dtype if x.dtype.kind in "fc" else np.result_type(g, 0.0)
    spec = subscripts.replace(" ", "")
    ins, out = spec.split("->") if "->" in spec else (spec, None)
    ins = ins.split(",")
    pool = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in spec]
    # Make '...' explicit: fresh labels, right-aligned across operands.
    ranks = [op.ndim - (len(s) - 3) for s, op in zip(ins, ops) if "..." in s]
    ell = "".join(pool[: max(ranks, default=0)])
    pool = pool[len(ell) :]
    ins = [
        s.replace("...", ell[len(ell) - (op.ndim - (len(s) - 3)) :]) if "..." in s else s
        for s, op in zip(ins, ops)
    ]
    if out is None:  # implicit mode: labels used once, in ASCII order, after '...'
        body = "".join(ins)
        out = ell + "".join(sorted(c for c in set(body) if body.count(c) == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    sizes = {}
    for s, op in zip(ins, ops):
        for c, n in zip(s, op.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    terms = [out] + [s for k, s in enumerate(ins) if k != index]
    args = [np.asarray(g, dtype=dtype)] + [op for k, op in enumerate(ops) if k != index]
    target, seen = "", set()
    for c in ins[index]:
        if c in seen:  # repeated label: a fresh one, tied to c by an identity
            d = pool.pop(0)
            terms.append(c + d)
            args.append(np.eye(sizes[c], dtype=dtype))
            target += d
        else:
            seen.add(c)
            target += c
    present = set("".join(terms))
    for c in sorted(set(target) - present):  # summed only inside this operand
        terms.append(c)
        args.append(np.ones(sizes[c], dtype=dtype))
    r = np.asarray(np.einsum(",".join(terms) + "->" + target, *args))
    ones = tuple(i for i, n in enumerate(x.shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    if isinstance(operands[index], np.ndarray):
        return r.astype(dtype, copy=False)
    return r[()] if r.ndim == 0 else r


def trace_vjp(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of np.trace: g placed on the (offset) diagonal of axes axis1, axis2."""
    A = np.asarray(a)
    dtype = A.dtype if A.dtype.kind in "fc" else np.result_type(g, 0.0)
    ax1, ax2 = axis1 % A.ndim, axis2 % A.ndim
    eye = np.eye(A.shape[ax1], A.shape[ax2], k=offset, dtype=dtype)
    if ax1 > ax2:
        eye = eye.T
    shape = [1] * A.ndim
    shape[ax1], shape[ax2] = A.shape[ax1], A.shape[ax2]
    return np.expand_dims(np.asarray(g, dtype=dtype), (min(ax1, ax2), max(ax1, ax2))) * eye.reshape(
        shape
    )


def det_cofactor(a):
    """Cofactor matrix of (a stack of) square matrices: d det(a) / d a.

    From the SVD a = U diag(s) Vh: cof(a) = det(U) det(Vh) U diag(prod_{j!=i} s_j) Vh,
    which, unlike det(a) * inv(a).T, stays exact for singular matrices.
    """
    A = np.asarray(a)
    if A.dtype.kind not in "fc":
        A = A.astype(float)
    u, s, vh = np.linalg.svd(A)
    left, right = np.ones_like(s), np.ones_like(s)
    if s.shape[-1] > 1:
        left[..., 1:] = np.cumprod(s[..., :-1], axis=-1)
        right[..., :-1] = np.flip(np.cumprod(np.flip(s[..., 1:], -1), axis=-1), -1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * np.matmul(u * (left * right)[..., None, :], vh)


def scale_matrices(g, m):
    """g[..., None, None] * m: a cotangent of one number per matrix, times a matrix."""
    return np.asarray(g, dtype=m.dtype)[..., None, None] * m


def solve_da(g, a, b, out):
    """Cotangent of `a` in x = np.linalg.solve(a, b): -solve(a^T, g) x^T."""
    A, B, g, x = np.asarray(a), np.asarray(b), np.asarray(g), np.asarray(out)
    at = np.swapaxes(A, -1, -2)
    if B.ndim == 1:  # b (and x) are vectors
        gb = np.linalg.solve(at, g[..., None])[..., 0]
        r = -gb[..., :, None] * x[..., None, :]
    else:
        gb = np.linalg.solve(at, g)
        r = -np.matmul(gb, np.swapaxes(x, -1, -2))
    extra = r.ndim - A.ndim
    if extra:
        r = np.sum(r, axis=tuple(range(extra)))
    ones = tuple(i for i, n in enumerate(A.shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    return r.astype(A.dtype, copy=False) if A.dtype.kind in "fc" else r


def solve_db(g, a, b):
    """Cotangent of `b` in np.linalg.solve(a, b): solve(a^T, g)."""
    A, B, g = np.asarray(a), np.asarray(b), np.asarray(g)
    at = np.swapaxes(A, -1, -2)
    if B.ndim == 1:
        r = np.linalg.solve(at, g[..., None])[..., 0]
    else:
        r = np.linalg.solve(at, g)
    extra = r.ndim - B.ndim
    if extra:
        r = np.sum(r, axis=tuple(range(extra)))
    ones = tuple(i for i, n in enumerate(B.shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    return r.astype(B.dtype, copy=False) if B.dtype.kind in "fc" else r


def solve_jvp_a(t, a, b, out):
    """Tangent of np.linalg.solve(a, b) from a's tangent: -solve(a, t x)."""
    if np.ndim(b) == 1:
        return -np.linalg.solve(a, np.matmul(t, np.asarray(out)[..., None]))[..., 0]
    return -np.linalg.solve(a, np.matmul(t, out))


# --- shape operations ------------------------------------------------------------------


def transpose_vjp(g, axes=None):
    """Transpose of np.transpose(., axes): the inverse permutation."""
    if axes is None:
        return np.transpose(g)
    nd = np.ndim(g)
    return np.transpose(g, np.argsort([ax % nd for ax in axes]))


def tile_vjp(g, a, reps):
    """Transpose of np.tile: sum the tiled copies."""
    shape = np.shape(a)
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    d = max(len(shape), len(reps))
    s = (1,) * (d - len(shape)) + tuple(shape)
    r = (1,) * (d - len(reps)) + reps
    g = np.asarray(g).reshape([n for pair in zip(r, s) for n in pair])
    res = np.sum(g, axis=tuple(range(0, 2 * d, 2))).reshape(shape)
    if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
        return res.astype(a.dtype, copy=False)
    return res[()] if res.ndim == 0 else res


def repeat_vjp(g, a, repeats, axis=None):
    """Transpose of np.repeat: each element's copies summed (repeats an int or per element)."""
    A, g = np.asarray(a), np.asarray(g)
    if axis is None:
        n, ax, gm = A.size, 0, g.reshape(-1)
    else:
        ax = axis % A.ndim
        n, gm = A.shape[ax], np.moveaxis(g, ax, 0)
    if np.ndim(repeats) == 0 or np.size(repeats) == 1:
        k = int(np.reshape(repeats, -1)[0]) if np.ndim(repeats) else int(repeats)
        res = np.sum(gm.reshape((n, k) + gm.shape[1:]), axis=1)
    else:
        res = np.zeros((n,) + gm.shape[1:], dtype=gm.dtype)
        np.add.at(res, np.repeat(np.arange(n), repeats), gm)
    res = res.reshape(A.shape) if axis is None else np.moveaxis(res, 0, ax)
    if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
        return res.astype(a.dtype, copy=False)
    return res[()] if res.ndim == 0 else res


def asarray_vjp(g, a):
    """Cotangent of np.asarray(a) / np.array(a): back to a's shape (ndmin) and dtype."""
    r = np.asarray(np.reshape(g, np.shape(a)))
    if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
        return r.astype(a.dtype, copy=False)
    return r[()] if r.ndim == 0 else r


def _joined_like(pieces, seq):
    """Cotangents of the arrays a join took from `seq`, from the pieces of its cotangent:
    a list, one per array, each in its array's shape and float dtype -- or, when `seq` is
    one array (NumPy then joins its rows), an array of its shape and dtype."""
    parts = [_cast_like(np.asarray(np.reshape(p, np.shape(x))), x) for p, x in zip(pieces, seq)]
    if isinstance(seq, np.ndarray):
        return _cast_like(np.reshape(np.stack(parts), seq.shape), seq)
    return rows_of(parts)


def rows_of(parts):
    """The cotangents `parts` of a sequence's items as a sequence's adjoint is held in
    generated code: an array indexed like the sequence -- the parts stacked where they
    share one shape and dtype, an array of objects otherwise.  A list would be joined,
    not added, by the `+` that accumulates a list's adjoint (`drows + stack_vjp(...)`
    where `rows` is joined twice), and unpacking (`g1, g2 = ...`) reads either alike."""
    arrays = [np.asarray(p) for p in parts]
    if not arrays:
        return np.zeros(0)
    if len({(a.shape, a.dtype) for a in arrays}) == 1:
        return np.stack(arrays)
    out = np.empty(len(arrays), dtype=object)
    for i, p in enumerate(parts):
        out[i] = p
    return out


def concatenate_vjp(g, arrays, axis=0):
    """Cotangents of the arrays joined by np.concatenate (see _joined_like)."""
    g = np.asarray(g)
    if axis is None:
        sizes = [np.size(x) for x in arrays]
        return _joined_like(np.split(g, np.cumsum(sizes)[:-1]), arrays)
    ax = axis % g.ndim
    sizes = [np.shape(x)[ax] for x in arrays]
    return _joined_like(np.split(g, np.cumsum(sizes)[:-1], axis=ax), arrays)


def stack_vjp(g, arrays, axis=0):
    """Cotangents of the arrays joined by np.stack (see _joined_like)."""
    g = np.asarray(g)
    return _joined_like([np.take(g, i, axis=axis) for i in range(len(arrays))], arrays)


def hstack_vjp(g, tup):
    """Cotangents of the arrays joined by np.hstack (see _joined_like)."""
    g = np.asarray(g)
    ax = 0 if np.ndim(tup[0]) <= 1 else 1
    sizes = [np.shape(np.atleast_1d(x))[ax] for x in tup]
    return _joined_like(np.split(g, np.cumsum(sizes)[:-1], axis=ax), tup)


def vstack_vjp(g, tup):
    """Cotangents of the arrays joined by np.vstack (see _joined_like)."""
    g = np.asarray(g)
    sizes = [np.shape(np.atleast_2d(x))[0] for x in tup]
    return _joined_like(np.split(g, np.cumsum(sizes)[:-1], axis=0), tup)


# --- array creation ---------------------------------------------------------------------


def linspace_vjp(g, start, stop, num=50, endpoint=True, axis=0, wrt="start"):
    """Cotangent of `start` or `stop` (per `wrt`) in np.linspace: out = start + w (stop - start)."""
    g = np.asarray(g)
    gm = np.moveaxis(g, axis, 0)
    w = np.linspace(0.0, 1.0, num, endpoint=endpoint).astype(gm.dtype, copy=False)
    d_stop = np.tensordot(w, gm, axes=1)
    r = d_stop if wrt == "stop" else np.sum(gm, axis=0) - d_stop
    x = stop if wrt == "stop" else start
    shape = np.shape(x)
    extra = np.ndim(r) - len(shape)
    if extra:
        r = np.sum(r, axis=tuple(range(extra)))
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
        return np.asarray(r).astype(x.dtype, copy=False)
    return r


# --- structural helpers (issue 13) -------------------------------------------------------


def _float_dtype(x, g):
    """The dtype a cotangent of `x` is built in: x's float dtype, else g's (at least float)."""
    X = np.asarray(x)
    return X.dtype if X.dtype.kind in "fc" else np.result_type(g, 0.0)


def _sum_to(r, shape):
    """`r` summed over the axes broadcasting added to `shape` (leading axes, and axes of
    length 1 there), then reshaped to it."""
    extra = r.ndim - len(shape)
    if extra:
        r = np.sum(r, axis=tuple(range(extra)))
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and r.shape[i] != 1)
    if ones:
        r = np.sum(r, axis=ones, keepdims=True)
    return np.reshape(r, shape)


def diff_vjp(g, a, n=1, axis=-1):
    """Transpose of np.diff(., n, axis): the transpose of one difference is minus the
    difference of g padded with a zero at both ends, so n of them are (-1)^n times the
    n-th difference of g padded with n zeros at both ends."""
    g = np.asarray(g, dtype=_float_dtype(a, g))
    ax = axis % np.ndim(a)
    width = [(0, 0)] * g.ndim
    width[ax] = (n, n)
    r = np.diff(np.pad(g, width), n, axis=ax)
    return _cast_like(r if n % 2 == 0 else -r, a)


def diagonal_vjp(g, a, offset=0, axis1=0, axis2=1):
    """Transpose of np.diagonal(., offset, axis1, axis2): g written on that diagonal of a
    zero array shaped like `a` (np.diagonal puts the diagonal last)."""
    A = np.asarray(a)
    r = np.zeros(A.shape, _float_dtype(A, g))
    view = np.moveaxis(r, (axis1, axis2), (-2, -1))
    g = np.asarray(g)
    i = np.arange(g.shape[-1])
    view[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return _cast_like(r, a)


def diag_vjp(g, v, k=0):
    """Transpose of np.diag(., k): for a 1-D `v` (diag builds a matrix) the k-th diagonal
    of g, for a 2-D `v` (diag reads its diagonal) g written on that diagonal."""
    if np.ndim(v) == 1:
        return _cast_like(np.asarray(np.diag(g, k)), v)
    return diagonal_vjp(g, v, k, 0, 1)


def permutation_of(out, a, axis=-1):
    """Indices with np.take_along_axis(a, idx, axis) == out, for `out` a permutation of
    `a` along `axis` (np.partition's result): the j-th smallest element of out is the j-th
    smallest of a (equal elements in order; axis None: both flattened)."""
    if axis is None:
        a, out, axis = np.ravel(a), np.ravel(out), 0
    ia = np.argsort(a, axis=axis, kind="stable")
    io = np.argsort(out, axis=axis, kind="stable")
    idx = np.empty_like(ia)
    np.put_along_axis(idx, io, ia, axis)
    return idx


def take_along_axis_vjp(g, arr, indices, axis=-1):
    """Transpose of np.take_along_axis: g added back where its elements were taken from
    (a repeated index accumulates; arr's length-1 axes take the sum of the broadcast)."""
    A = np.asarray(arr)
    r = np.zeros(A.shape, _float_dtype(A, g))
    g = np.asarray(g, dtype=r.dtype)
    idx = np.asarray(indices)
    if axis is None:
        flat = r.reshape(-1)
        np.add.at(flat, idx, g)
        return _cast_like(flat.reshape(A.shape), arr)
    ax = axis % A.ndim
    where = []
    for d in range(A.ndim):
        if d == ax:
            where.append(idx)
        elif A.shape[d] == 1:
            where.append(np.zeros((1,) * A.ndim, dtype=np.intp))
        else:
            shape = [1] * A.ndim
            shape[d] = A.shape[d]
            where.append(np.arange(A.shape[d]).reshape(shape))
    np.add.at(r, tuple(where), g)
    return _cast_like(r, arr)


def trapezoid_vjp(g, y, x=None, dx=1.0, axis=-1):
    """Transpose of np.trapezoid in y: each sample weighs half the widths of the intervals
    either side of it (spacing dx, or the differences of x along `axis`)."""
    Y = np.asarray(y)
    ax = axis % Y.ndim
    n = Y.shape[ax]
    if x is None:
        d = np.full(n - 1, dx)
    else:
        X = np.asarray(x)
        d = np.diff(X) if X.ndim == 1 else np.diff(X, axis=ax)
    if d.ndim == 1:
        shape = [1] * Y.ndim
        shape[ax] = n - 1
        d = d.reshape(shape)
    half = 0.5 * d
    lo, hi = [(0, 0)] * d.ndim, [(0, 0)] * d.ndim
    lo[ax], hi[ax] = (0, 1), (1, 0)
    w = np.pad(half, lo) + np.pad(half, hi)
    r = np.broadcast_to(np.expand_dims(np.asarray(g), ax) * w, Y.shape)
    return _cast_like(np.array(r, dtype=_float_dtype(Y, g)), y)


def trapezoid_x_vjp(g, y, x, axis=-1):
    """Transpose of np.trapezoid in the sample points x (it is linear in x too: the sum
    of (x[i+1] - x[i]) * (y[i] + y[i+1]) / 2): point i gets the mean height of the
    interval before it minus that of the interval after it."""
    Y = np.asarray(y)
    ax = axis % Y.ndim
    Ym = np.moveaxis(Y, ax, -1)
    mid = 0.5 * (Ym[..., 1:] + Ym[..., :-1])
    cd = np.expand_dims(np.asarray(g), -1) * mid  # the cotangent of each interval width
    X = np.asarray(x)
    if X.ndim == 1:
        cd = np.sum(cd, axis=tuple(range(cd.ndim - 1)))
        r = np.pad(cd, (1, 0)) - np.pad(cd, (0, 1))
    else:
        edge = [(0, 0)] * (cd.ndim - 1)
        r = np.pad(cd, [*edge, (1, 0)]) - np.pad(cd, [*edge, (0, 1)])
        r = _sum_to(np.moveaxis(r, -1, ax), X.shape)
    return _cast_like(np.array(r, dtype=_float_dtype(X, g)), x)


def column_stack_vjp(g, tup):
    """Cotangents of the arrays joined by np.column_stack (1-D ones became columns; see
    _joined_like)."""
    g = np.asarray(g)
    sizes = [1 if np.ndim(x) < 2 else np.shape(x)[1] for x in tup]
    return _joined_like(np.split(g, np.cumsum(sizes)[:-1], axis=1), tup)


def _cross_parts(g, a, b, axisa, axisb, axisc, axis):
    """np.cross's operands and cotangent with their vector axes last, 2-vectors padded to
    3 with a zero z (and the cotangent of a 2-vector cross product, a number, as the z of
    a 3-vector), so that one triple-product identity gives both cotangents."""
    if axis is not None:
        axisa = axisb = axisc = axis
    A = np.moveaxis(np.asarray(a), axisa, -1)
    B = np.moveaxis(np.asarray(b), axisb, -1)
    g = np.asarray(g, dtype=np.result_type(A, B, 0.0))
    if A.shape[-1] == 2 and B.shape[-1] == 2:
        G = np.stack([np.zeros_like(g), np.zeros_like(g), g], axis=-1)
    else:
        G = np.moveaxis(g, axisc, -1)
    return A, B, G, axisa, axisb


def _pad3(v):
    if v.shape[-1] == 3:
        return v
    return np.concatenate([v, np.zeros(v.shape[:-1] + (1,), dtype=v.dtype)], axis=-1)


def cross_da(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cotangent of `a` in np.cross(a, b, ...): <g, a x b> = <a, b x g>."""
    A, B, G, axisa, _ = _cross_parts(g, a, b, axisa, axisb, axisc, axis)
    r = np.cross(_pad3(B), G)[..., : A.shape[-1]]
    return _cast_like(np.moveaxis(_sum_to(r, A.shape), -1, axisa), a)


def cross_db(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cotangent of `b` in np.cross(a, b, ...): <g, a x b> = <b, g x a>."""
    A, B, G, _, axisb = _cross_parts(g, a, b, axisa, axisb, axisc, axis)
    r = np.cross(G, _pad3(A))[..., : B.shape[-1]]
    return _cast_like(np.moveaxis(_sum_to(r, B.shape), -1, axisb), b)


def _kron_parts(g, a, b):
    """np.kron's operands with the same number of axes (leading 1s, as kron pads them) and
    its cotangent with each output axis split into (a's index, b's index)."""
    A, B = np.asarray(a), np.asarray(b)
    nd = max(A.ndim, B.ndim)
    A = A.reshape((1,) * (nd - A.ndim) + A.shape)
    B = B.reshape((1,) * (nd - B.ndim) + B.shape)
    G = np.reshape(g, [n for pair in zip(A.shape, B.shape) for n in pair])
    return A, B, G, nd


def kron_da(g, a, b):
    """Cotangent of `a` in np.kron(a, b): each block of g, weighted by b, summed."""
    A, B, G, nd = _kron_parts(g, a, b)
    r = np.tensordot(G, B, axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
    return _cast_like(np.reshape(r, np.shape(a)), a)


def kron_db(g, a, b):
    """Cotangent of `b` in np.kron(a, b): the blocks of g weighted by a's elements, summed."""
    A, B, G, nd = _kron_parts(g, a, b)
    r = np.tensordot(A, G, axes=(list(range(nd)), list(range(0, 2 * nd, 2))))
    return _cast_like(np.reshape(r, np.shape(b)), b)


def _full_convolution(g, n, m, mode):
    """The cotangent of np.convolve's full result, from that of its 'same' or 'valid'
    part (a slice of it: from (min(n, m) - 1) // 2, resp. min(n, m) - 1)."""
    g = np.asarray(g)
    if mode == "full":
        return g
    start = (min(n, m) - 1) // 2 if mode == "same" else min(n, m) - 1
    full = np.zeros(n + m - 1, dtype=np.result_type(g, 0.0))
    full[start : start + g.shape[0]] = g
    return full


def convolve_da(g, a, b, mode="full"):
    """Cotangent of `a` in np.convolve(a, b, mode): the full cotangent correlated with b."""
    full = _full_convolution(g, np.size(a), np.size(b), mode)
    return _cast_like(np.correlate(full, np.ravel(b), "valid"), a)


def convolve_db(g, a, b, mode="full"):
    """Cotangent of `b` in np.convolve(a, b, mode): the full cotangent correlated with a."""
    full = _full_convolution(g, np.size(a), np.size(b), mode)
    return _cast_like(np.correlate(full, np.ravel(a), "valid"), b)


# --- more structural helpers: pad, rollaxis, interp; sinc --------------------------------------


def pad_vjp(g, array, pad_width):
    """Transpose of np.pad(., pad_width) (mode 'constant', zeros): the unpadded middle."""
    A = np.asarray(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.intp), (A.ndim, 2))
    g = np.asarray(g)
    middle = tuple(slice(int(lo), int(lo) + n) for (lo, _), n in zip(widths, A.shape))
    return _cast_like(np.array(g[middle], dtype=_float_dtype(A, g)), array)


def rollaxis_vjp(g, a, axis, start=0):
    """Transpose of np.rollaxis(., axis, start): the inverse permutation of the axes."""
    n = np.ndim(a)
    axes = list(range(n))
    ax = axis % n
    st = start + n if start < 0 else start
    if ax < st:
        st -= 1
    axes.remove(ax)
    axes.insert(st, ax)
    return np.transpose(g, np.argsort(axes))


def interp_vjp(g, x, xp, fp, left=None, right=None):
    """Transpose of np.interp(x, xp, .) in fp: each point's cotangent split between the two
    samples around it in proportion to its position between them; points outside [xp[0],
    xp[-1]] give theirs to the end sample, unless a `left` / `right` value replaces it."""
    X = np.ravel(np.asarray(x, dtype=float))
    G = np.ravel(np.broadcast_to(np.asarray(g), np.shape(x)))
    XP = np.asarray(xp, dtype=float)
    n = XP.shape[0]
    r = np.zeros(n, dtype=_float_dtype(fp, g))
    inside = (X >= XP[0]) & (X <= XP[-1])
    if n == 1:
        r[0] += np.sum(G[inside])
    else:
        j = np.clip(np.searchsorted(XP, X, side="right") - 1, 0, n - 2)
        w = (X - XP[j]) / (XP[j + 1] - XP[j])
        np.add.at(r, j[inside], (G * (1 - w))[inside])
        np.add.at(r, j[inside] + 1, (G * w)[inside])
    if left is None:
        r[0] += np.sum(G[X < XP[0]])
    if right is None:
        r[-1] += np.sum(G[X > XP[-1]])
    return _cast_like(r, fp)


def _segments(x, xp):
    """For np.interp's points `x` (flattened) and samples `xp`: the segment j each point
    lies in (the one to its right at a sample, the last at xp[-1]), and whether it lies
    inside [xp[0], xp[-1]] (outside, the value is an end sample or a constant)."""
    X = np.ravel(np.asarray(x, dtype=float))
    XP = np.asarray(xp, dtype=float)
    j = np.clip(np.searchsorted(XP, X, side="right") - 1, 0, max(XP.shape[0] - 2, 0))
    return X, XP, j, (X >= XP[0]) & (X <= XP[-1]) & (XP.shape[0] > 1)


def interp_slope(x, xp, fp):
    """d np.interp(x, xp, fp) / dx: the slope of the segment each point lies in, 0
    outside the samples (piecewise constant in x; at a sample the right segment's, as
    np.searchsorted(side="right") places it)."""
    X, XP, j, inside = _segments(x, xp)
    FP = np.asarray(fp)
    if XP.shape[0] < 2:
        return _cast_like(np.zeros(np.shape(x), dtype=_float_dtype(fp, 0.0)), fp)
    slope = (FP[j + 1] - FP[j]) / (XP[j + 1] - XP[j])
    slope = np.where(inside, slope, 0.0).astype(_float_dtype(fp, 0.0), copy=False)
    return slope.reshape(np.shape(x))[()] if np.ndim(x) == 0 else slope.reshape(np.shape(x))


def interp_slope_vjp(g, x, xp, fp):
    """Transpose of interp_slope(x, xp, .) in fp: each inside point's g over its
    segment's width, added to the sample on its right and taken from the one on its left."""
    X, XP, j, inside = _segments(x, xp)
    G = np.ravel(np.broadcast_to(np.asarray(g), np.shape(x)))
    r = np.zeros(XP.shape[0], dtype=_float_dtype(fp, g))
    if XP.shape[0] > 1:
        share = (G / (XP[j + 1] - XP[j]))[inside]
        np.add.at(r, j[inside] + 1, share)
        np.add.at(r, j[inside], -share)
    return _cast_like(r, fp)


def sinc_d1(x):
    """d np.sinc / dx = (cos(pi x) - sinc(x)) / x; by its series near 0 (0 at 0)."""
    X, pi2 = np.asarray(x), math.pi * math.pi
    small = np.abs(X) < 1e-3
    safe = np.where(small, 1.0, X)
    direct = (np.cos(math.pi * safe) - np.sinc(safe)) / safe
    series = X * (-pi2 / 3 + pi2 * pi2 * X * X / 30)
    r = np.where(small, series, direct)
    return r[()] if r.ndim == 0 else r


def sinc_d2(x):
    """d2 np.sinc / dx2 = -pi^2 sinc(x) - 2 sinc'(x) / x; by its series near 0."""
    X, pi2 = np.asarray(x), math.pi * math.pi
    small = np.abs(X) < 1e-3
    safe = np.where(small, 1.0, X)
    direct = -pi2 * np.sinc(safe) - 2 * sinc_d1(safe) / safe
    x2 = X * X
    series = -pi2 / 3 + pi2 * pi2 * x2 / 10 - pi2 * pi2 * pi2 * x2 * x2 / 168
    r = np.where(small, series, direct)
    return r[()] if r.ndim == 0 else r


def _append_sizes(arr, values, axis):
    """Where np.append(arr, values, axis) splits: arr's length along the joined axis (of
    the flattened arrays when axis is None)."""
    if axis is None:
        return np.size(arr), 0
    ax = axis % np.ndim(arr)
    return np.shape(arr)[ax], ax


def append_part(g, arr, values, axis=None, wrt="arr"):
    """Cotangent of `arr` or `values` (per `wrt`) in np.append(arr, values, axis): its
    part of g, in its shape."""
    n, ax = _append_sizes(arr, values, axis)
    g = np.asarray(g)
    head, tail = np.split(np.ravel(g) if axis is None else g, [n], axis=ax)
    x = arr if wrt == "arr" else values
    part = head if wrt == "arr" else tail
    return _cast_like(np.array(np.reshape(part, np.shape(x)), dtype=_float_dtype(x, g)), x)


def append_embed(t, arr, values, axis=None, wrt="arr"):
    """Tangent of np.append(arr, values, axis) from that of `arr` or `values` (per `wrt`):
    t where it goes, zeros for the other (the transpose of append_part)."""
    t = np.asarray(t)
    if wrt == "arr":
        return np.append(t, np.zeros(np.shape(values), dtype=t.dtype), axis)
    return np.append(np.zeros(np.shape(arr), dtype=t.dtype), t, axis)


def select_none(condlist):
    """Where none of np.select's conditions holds (so the default is chosen)."""
    chosen = np.zeros(np.broadcast_shapes(*[np.shape(c) for c in condlist]), dtype=bool)
    for c in condlist:
        chosen = chosen | np.asarray(c, dtype=bool)
    return ~chosen


def select_vjp(g, condlist, choicelist):
    """Cotangents of np.select's choices: g where a choice is the first whose condition
    holds, 0 elsewhere, each summed back to its choice's shape (as `rows_of` holds a
    sequence's cotangents)."""
    g = np.asarray(g)
    taken = np.zeros(g.shape, dtype=bool)
    parts = []
    for c, x in zip(condlist, choicelist):
        mine = np.asarray(c, dtype=bool) & ~taken
        taken = taken | mine
        parts.append(_cast_like(_sum_to(g * mine, np.shape(x)), x))
    return rows_of(parts)


# --- covariance and correlation ----------------------------------------------------------------
# np.cov is quadratic in its variables: with Xc the centred rows and f = N - ddof,
# C = Xc Xc^T / f.  Its tangent and cotangent helpers are linear in each of their two
# array arguments (y's rows, when given, are constant), which gives their own rules.


def _cov_rows(m, y, rowvar):
    """np.cov's variables as rows: m's, then y's; and how many are m's."""
    X = np.atleast_2d(np.asarray(m))
    if not rowvar and X.shape[0] != 1:
        X = X.T
    k = X.shape[0]
    if y is not None:
        Y = np.atleast_2d(np.asarray(y))
        if not rowvar and Y.shape[0] != 1:
            Y = Y.T
        X = np.concatenate((X, Y), axis=0)
    return X, k


def _cov_centred(m, y, rowvar, bias, ddof):
    X, k = _cov_rows(m, y, rowvar)
    X = X.astype(np.result_type(X, np.float64))  # np.cov computes in float64
    if ddof is None:
        ddof = 0 if bias else 1
    return X - np.mean(X, axis=1, keepdims=True), k, X.shape[1] - ddof


def cov_jvp(u, m, y=None, rowvar=True, bias=False, ddof=None):
    """Tangent of np.cov(m, y, rowvar, bias, ddof) from m's tangent u:
    (Uc Xc^T + Xc Uc^T) / f (y's rows have no tangent)."""
    Xc, k, f = _cov_centred(m, y, rowvar, bias, ddof)
    Uc, _, _ = _cov_centred(u, None if y is None else np.zeros_like(y), rowvar, bias, ddof)
    d = (np.matmul(Uc, Xc.T) + np.matmul(Xc, Uc.T)) / f
    return np.squeeze(d)


def cov_vjp(v, m, y=None, rowvar=True, bias=False, ddof=None):
    """Cotangent of m in np.cov(m, y, ...): m's rows of (V + V^T) Xc / f, in m's layout."""
    Xc, k, f = _cov_centred(m, y, rowvar, bias, ddof)
    V = np.reshape(v, (Xc.shape[0], Xc.shape[0]))
    r = (np.matmul(V + V.T, Xc) / f)[:k]
    if not rowvar and np.atleast_2d(np.asarray(m)).shape[0] != 1:
        r = r.T
    return _cast_like(np.reshape(r, np.shape(m)), m)


def _corr_parts(x, y, rowvar):
    C = np.atleast_2d(np.cov(x, y, rowvar))
    d = np.diag(C)
    s = np.sqrt(np.outer(d, d))
    return C, d, s, C / s


def corrcoef_jvp(u, x, y=None, rowvar=True):
    """Tangent of R = np.corrcoef(x, y, rowvar), R_ij = C_ij / sqrt(C_ii C_jj):
    dC / s - R (dd_i / d_i + dd_j / d_j) / 2, with d = diag(C)."""
    if np.ndim(np.cov(x, y, rowvar)) == 0:  # one variable: R = 1
        return np.zeros(())
    C, d, s, R = _corr_parts(x, y, rowvar)
    dC = np.atleast_2d(cov_jvp(u, x, y, rowvar))
    q = np.diag(dC) / d
    return dC / s - 0.5 * R * (q[:, None] + q[None, :])


def corrcoef_vjp(v, x, y=None, rowvar=True):
    """Cotangent of x in np.corrcoef(x, y, rowvar), the transpose of corrcoef_jvp."""
    if np.ndim(np.cov(x, y, rowvar)) == 0:
        return _cast_like(np.zeros(np.shape(x)), x)
    C, d, s, R = _corr_parts(x, y, rowvar)
    V = np.asarray(v)
    VR = V * R
    gC = V / s - np.diag((np.sum(VR, axis=1) + np.sum(VR, axis=0)) / (2 * d))
    return cov_vjp(gC, x, y, rowvar)


# --- linear algebra of issue 13: cholesky, matrix_power, pinv ------------------------------
# Linear in the tangent / cotangent.  For Hessians, the derivatives of cholesky's and
# pinv's helpers in the factor (the matrix) follow them; matrix_power_jvp has none, so
# a Hessian through matrix_power is refused.


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _halve_diagonal(x):
    """tril(x) with its diagonal halved: the map Phi of the Cholesky derivative."""
    n = x.shape[-1]
    return np.tril(x) - 0.5 * x * np.eye(n, dtype=x.dtype)


def cholesky_jvp(t, L):
    """Tangent of L = np.linalg.cholesky(a) (which reads a's lower triangle): with S the
    symmetric matrix of t's lower triangle, dL = L Phi(L^-1 S L^-T) (Murray, 2016)."""
    t = np.asarray(t, dtype=L.dtype)
    S = np.tril(t) + _mT(np.tril(t, -1))
    X = _mT(np.linalg.solve(L, _mT(np.linalg.solve(L, S))))
    return np.matmul(L, _halve_diagonal(X))


def cholesky_vjp(g, L):
    """Cotangent of a in L = np.linalg.cholesky(a), the transpose of cholesky_jvp: with
    M = L^-T Phi(L^T g) L^-1, the lower triangle of M + M^T (only that triangle is read)."""
    g = np.asarray(g, dtype=L.dtype)
    P = _halve_diagonal(np.matmul(_mT(L), g))
    M = _mT(np.linalg.solve(_mT(L), _mT(np.linalg.solve(_mT(L), P))))
    return np.tril(M) + np.tril(_mT(M), -1)


def matrix_power_jvp(t, a, n):
    """Tangent of np.linalg.matrix_power(a, n): sum_k a^k t a^(n-1-k), for n < 0 with
    b = inv(a) in place of a and -b t b in place of t.  The cotangent is the same sum in
    a^T (matrix_power_jvp(g, a^T, n))."""
    A = np.asarray(a)
    t = np.asarray(t, dtype=A.dtype if A.dtype.kind in "fc" else None)
    if n == 0:
        return np.zeros(np.broadcast_shapes(A.shape, t.shape), dtype=t.dtype)
    if n < 0:
        A = np.linalg.inv(A)
        t = -np.matmul(A, np.matmul(t, A))
        n = -n
    powers = [np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape)]
    for _ in range(n - 1):
        powers.append(np.matmul(powers[-1], A))
    return sum(np.matmul(powers[k], np.matmul(t, powers[n - 1 - k])) for k in range(n))


def matrix_power_jvp_da(s, u, a, n):
    """The derivative of matrix_power_jvp(u, a, n) along a's tangent s: the second
    derivative of a^n in the directions u and s (symmetric in them), the sum over k of
    d(a^k) u a^(n-1-k) + a^k u d(a^(n-1-k)); for n < 0 that of b^-n, b = inv(a), whose
    tangents are -b u b and -b s b."""
    A = np.asarray(a)
    dtype = A.dtype if A.dtype.kind in "fc" else None
    s, u = np.asarray(s, dtype=dtype), np.asarray(u, dtype=dtype)
    if n == 0:
        return np.zeros(np.broadcast_shapes(A.shape, s.shape, u.shape), dtype=u.dtype)
    if n < 0:
        B = np.linalg.inv(A)
        sB, uB = -np.matmul(B, np.matmul(s, B)), -np.matmul(B, np.matmul(u, B))
        d_uB = -np.matmul(sB, np.matmul(u, B)) - np.matmul(B, np.matmul(u, sB))
        return matrix_power_jvp_da(sB, uB, B, -n) + matrix_power_jvp(d_uB, B, -n)
    powers = [np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape)]
    for _ in range(n - 1):
        powers.append(np.matmul(powers[-1], A))
    return sum(
        np.matmul(matrix_power_jvp(s, A, k), np.matmul(u, powers[n - 1 - k]))
        + np.matmul(powers[k], np.matmul(u, matrix_power_jvp(s, A, n - 1 - k)))
        for k in range(n)
    )


def pinv_jvp(t, a, p):
    """Tangent of p = np.linalg.pinv(a) at fixed rank (Golub and Pereyra, 1973):
    -p t p + p p^T t^T (I - a p) + (I - p a) t^T p^T p."""
    t = np.asarray(t, dtype=p.dtype)
    eye_m, eye_n = np.eye(a.shape[-2], dtype=p.dtype), np.eye(a.shape[-1], dtype=p.dtype)
    return (
        -np.matmul(p, np.matmul(t, p))
        + np.matmul(np.matmul(p, _mT(p)), np.matmul(_mT(t), eye_m - np.matmul(a, p)))
        + np.matmul(eye_n - np.matmul(p, a), np.matmul(_mT(t), np.matmul(_mT(p), p)))
    )


def pinv_vjp(g, a, p):
    """Cotangent of a in p = np.linalg.pinv(a), the transpose of pinv_jvp:
    -p^T g p^T + (I - a p) g^T p p^T + p^T p g^T (I - p a)."""
    g = np.asarray(g, dtype=p.dtype)
    eye_m, eye_n = np.eye(a.shape[-2], dtype=p.dtype), np.eye(a.shape[-1], dtype=p.dtype)
    return (
        -np.matmul(_mT(p), np.matmul(g, _mT(p)))
        + np.matmul(eye_m - np.matmul(a, p), np.matmul(_mT(g), np.matmul(p, _mT(p))))
        + np.matmul(np.matmul(_mT(p), p), np.matmul(_mT(g), eye_n - np.matmul(p, a)))
    )


# pinv: the derivatives of pinv_jvp and pinv_vjp in the matrix a, p = pinv(a) moving
# with it (p is a zero parameter of their rules: always pinv(a) of the same a).  Written
# with the projectors P = I - a p and Q = I - p a, whose derivatives are
# dP = -(P s p + (P s p)^T) and dQ = -(p s Q + (p s Q)^T): differentiating the helpers'
# polynomials in a and p separately would subtract large terms that cancel (I - a p is
# 0 for an invertible a, its two partial derivatives are not), which loses all digits
# for an ill-conditioned matrix.


def _like(x, shape, dtype):
    return np.broadcast_to(np.asarray(x, dtype=dtype), shape)


def _pinv_moves(s, a, p):
    """dp = pinv_jvp(s, a, p) and P, Q, dP, dQ."""
    s = _like(s, np.shape(a), p.dtype)
    a = np.asarray(a, dtype=p.dtype)
    P = np.eye(a.shape[-2], dtype=p.dtype) - np.matmul(a, p)
    Q = np.eye(a.shape[-1], dtype=p.dtype) - np.matmul(p, a)
    Psp = np.matmul(P, np.matmul(s, p))
    psQ = np.matmul(p, np.matmul(s, Q))
    return pinv_jvp(s, a, p), P, Q, -(Psp + _mT(Psp)), -(psQ + _mT(psQ))


def pinv_jvp_da(s, u, a, p):
    """The derivative of pinv_jvp(u, a, pinv(a)) along a's tangent s: the second derivative
    of pinv at a in the directions u and s (symmetric in them)."""
    u = _like(u, np.shape(a), p.dtype)
    dp, P, Q, dP, dQ = _pinv_moves(s, a, p)
    ut = _mT(u)
    return (
        -np.matmul(dp, np.matmul(u, p))
        - np.matmul(p, np.matmul(u, dp))
        + np.matmul(np.matmul(dp, _mT(p)) + np.matmul(p, _mT(dp)), np.matmul(ut, P))
        + np.matmul(np.matmul(p, _mT(p)), np.matmul(ut, dP))
        + np.matmul(dQ, np.matmul(ut, np.matmul(_mT(p), p)))
        + np.matmul(Q, np.matmul(ut, np.matmul(_mT(dp), p) + np.matmul(_mT(p), dp)))
    )


def pinv_vjp_da(s, v, a, p):
    """The derivative of pinv_vjp(v, a, pinv(a)) along a's tangent s: the Hessian of
    <v, pinv(a)> times s, so its own transpose (and the transpose of pinv_jvp_da in s:
    <h, pinv_jvp_da(s, u)> = <pinv_vjp_da(u, h), s>)."""
    v = _like(v, np.shape(p), p.dtype)
    dp, P, Q, dP, dQ = _pinv_moves(s, a, p)
    vt = _mT(v)
    return (
        -np.matmul(_mT(dp), np.matmul(v, _mT(p)))
        - np.matmul(_mT(p), np.matmul(v, _mT(dp)))
        + np.matmul(dP, np.matmul(vt, np.matmul(p, _mT(p))))
        + np.matmul(P, np.matmul(vt, np.matmul(dp, _mT(p)) + np.matmul(p, _mT(dp))))
        + np.matmul(np.matmul(_mT(dp), p) + np.matmul(_mT(p), dp), np.matmul(vt, Q))
        + np.matmul(np.matmul(_mT(p), p), np.matmul(vt, dQ))
    )


# cholesky's helpers in the factor L (Hessians through np.linalg.cholesky): with
# X = L^-1 S L^-T, d(L^-1) = -L^-1 r L^-1 gives dX = -L^-1 r X - X r^T L^-T; Phi is a
# mask (lower triangle, diagonal halved), so it is its own transpose.


def _solve_right(x, L):
    """x L^-1."""
    return _mT(np.linalg.solve(_mT(L), _mT(x)))


def _solve_right_t(x, L):
    """x L^-T."""
    return _mT(np.linalg.solve(L, _mT(x)))


def cholesky_jvp_dL(r, u, L):
    """The derivative of cholesky_jvp(u, L) in L along r: r Phi(X) + L Phi(dX)."""
    u = np.asarray(u, dtype=L.dtype)
    r = _like(r, np.shape(L), L.dtype)
    S = np.tril(u) + _mT(np.tril(u, -1))
    X = _solve_right_t(np.linalg.solve(L, S), L)
    dX = -np.linalg.solve(L, np.matmul(r, X)) - _solve_right_t(np.matmul(X, _mT(r)), L)
    return np.matmul(r, _halve_diagonal(X)) + np.matmul(L, _halve_diagonal(dX))


def cholesky_jvp_dL_t(h, u, L):
    """The transpose of cholesky_jvp_dL in r: h Phi(X)^T - L^-T (W + W^T) X, with
    W = Phi(L^T h)."""
    u = np.asarray(u, dtype=L.dtype)
    h = _like(h, np.shape(L), L.dtype)
    S = np.tril(u) + _mT(np.tril(u, -1))
    X = _solve_right_t(np.linalg.solve(L, S), L)
    W = _halve_diagonal(np.matmul(_mT(L), h))
    return np.matmul(h, _mT(_halve_diagonal(X))) - np.linalg.solve(_mT(L), np.matmul(W + _mT(W), X))


def _cholesky_vjp_m(v, L):
    """M = L^-T Phi(L^T v) L^-1 of cholesky_vjp."""
    P = _halve_diagonal(np.matmul(_mT(L), v))
    return _solve_right(np.linalg.solve(_mT(L), P), L)


def cholesky_vjp_dL(r, v, L):
    """The derivative of cholesky_vjp(v, L) in L along r: the lower triangle of dM + dM^T,
    dM = L^-T Phi(r^T v) L^-1 - L^-T r^T M - M r L^-1."""
    v = np.asarray(v, dtype=L.dtype)
    r = _like(r, np.shape(L), L.dtype)
    M = _cholesky_vjp_m(v, L)
    dM = (
        _solve_right(np.linalg.solve(_mT(L), _halve_diagonal(np.matmul(_mT(r), v))), L)
        - np.linalg.solve(_mT(L), np.matmul(_mT(r), M))
        - _solve_right(np.matmul(M, r), L)
    )
    return np.tril(dM) + np.tril(_mT(dM), -1)


def cholesky_vjp_dL_t(h, v, L):
    """The transpose of cholesky_vjp_dL in r: with H = tril(h) + tril(h, -1)^T,
    v Phi(L^-1 H L^-T)^T - M H^T L^-T - M^T H L^-T."""
    v = np.asarray(v, dtype=L.dtype)
    h = _like(h, np.shape(L), L.dtype)
    M = _cholesky_vjp_m(v, L)
    H = np.tril(h) + _mT(np.tril(h, -1))
    Z = _halve_diagonal(_solve_right_t(np.linalg.solve(L, H), L))
    return np.matmul(v, _mT(Z)) - _solve_right_t(np.matmul(M, _mT(H)) + np.matmul(_mT(M), H), L)


# --- second-order helpers ------------------------------------------------------------
# Derivatives of the helpers above, called by the rules in rules/runtime_numpy_rules.py
# (Hessians: forward over reverse, reverse over reverse, forward over forward).  They live
# here, not in the rules module, so that `srcdiff build` can copy them into a built module;
# private because they have no rules of their own (no third derivatives).


def prod_partials_jvp(t, a, axis=None):
    """Directional derivative of prod_partials(a, axis) along t: for each element i,
    sum over the others k of its group of t_k * prod_{j != i, k} a_j (the Hessian of
    np.prod times t; symmetric, so also its transpose).  Exact with zeros."""
    x = _as_float(a)
    tt = np.broadcast_to(np.asarray(t, dtype=x.dtype), x.shape)
    nd = x.ndim
    axes = list(_reduced_axes(nd, axis))
    if not axes:
        return np.zeros_like(x)
    keep = [i for i in range(nd) if i not in axes]
    n = math.prod(x.shape[i] for i in axes)
    moved = np.transpose(x, keep + axes)
    flat = moved.reshape(moved.shape[: len(keep)] + (n,))
    tflat = np.transpose(tt, keep + axes).reshape(flat.shape)
    if np.all(flat != 0):
        q = tflat / flat
        left = np.ones_like(flat)
        right = np.ones_like(flat)
        if n > 1:
            left[..., 1:] = np.cumprod(flat[..., :-1], axis=-1)
            right[..., :-1] = np.flip(np.cumprod(np.flip(flat[..., 1:], -1), axis=-1), -1)
        d = left * right * (np.sum(q, axis=-1, keepdims=True) - q)
    else:
        # prefix/suffix products and their tangents, by recurrence (no division)
        left, dleft = np.ones_like(flat), np.zeros_like(flat)
        right, dright = np.ones_like(flat), np.zeros_like(flat)
        for i in range(1, n):
            left[..., i] = left[..., i - 1] * flat[..., i - 1]
            dleft[..., i] = (
                dleft[..., i - 1] * flat[..., i - 1] + left[..., i - 1] * tflat[..., i - 1]
            )
            j = n - 1 - i
            right[..., j] = right[..., j + 1] * flat[..., j + 1]
            dright[..., j] = (
                dright[..., j + 1] * flat[..., j + 1] + right[..., j + 1] * tflat[..., j + 1]
            )
        d = dleft * right + left * dright
    return np.transpose(d.reshape(moved.shape), np.argsort(keep + axes))


def cumprod_d2(u, s, a, out, axis=None):
    """Second directional derivative of np.cumprod at `a` along u and s (symmetric in
    u, s), shaped like np.cumprod(a, axis); `out` is np.cumprod(a, axis).  Exact with zeros."""
    x = _as_float(a)
    uu = np.broadcast_to(np.asarray(u, dtype=x.dtype), x.shape)
    ss = np.broadcast_to(np.asarray(s, dtype=x.dtype), x.shape)
    o = np.asarray(out)
    if axis is None:
        x, uu, ss, ax = x.ravel(), uu.ravel(), ss.ravel(), 0
    else:
        ax = axis % max(x.ndim, 1)
        x, uu, ss = (v.reshape(x.shape or (1,)) for v in (x, uu, ss))
    xm, um, sm = (np.moveaxis(v, ax, 0) for v in (x, uu, ss))
    om = np.moveaxis(o.reshape(x.shape), ax, 0)
    if np.all(xm != 0):
        p, q = um / xm, sm / xm
        r = om * (np.cumsum(p, axis=0) * np.cumsum(q, axis=0) - np.cumsum(p * q, axis=0))
    else:
        r = np.empty(xm.shape, dtype=np.result_type(xm, um, sm))
        prev_o, prev_u, prev_s, prev_b = np.ones_like(xm[0]), 0 * xm[0], 0 * xm[0], 0 * xm[0]
        for i in range(xm.shape[0]):
            b = prev_b * xm[i] + prev_u * sm[i] + prev_s * um[i]
            cu = prev_u * xm[i] + prev_o * um[i]
            cs = prev_s * xm[i] + prev_o * sm[i]
            r[i] = b
            prev_o, prev_u, prev_s, prev_b = om[i], cu, cs, b
    return np.moveaxis(r, 0, ax).reshape(o.shape)


def cumprod_hess(s, g, a, out, axis=None):
    """<g, d2 cumprod(a)[s, .]>: the Hessian of <g, np.cumprod(a, axis)> times s,
    shaped like `a` (symmetric in s); `out` is np.cumprod(a, axis).  Exact with zeros."""
    x = _as_float(a)
    ss = np.broadcast_to(np.asarray(s, dtype=x.dtype), x.shape)
    o = np.asarray(out)
    if axis is None:
        x, ss, ax = x.ravel(), ss.ravel(), 0
    else:
        ax = axis % max(x.ndim, 1)
        x, ss = x.reshape(x.shape or (1,)), ss.reshape(x.shape or (1,))
    gm = np.moveaxis(np.broadcast_to(np.asarray(g), o.shape).reshape(x.shape), ax, 0)
    xm, sm = np.moveaxis(x, ax, 0), np.moveaxis(ss, ax, 0)
    om = np.moveaxis(o.reshape(x.shape), ax, 0)
    if np.all(xm != 0):
        c = np.cumsum(sm / xm, axis=0)
        go = gm * om
        rev_gc = np.flip(np.cumsum(np.flip(go * c, 0), axis=0), 0)  # reversed cumsums
        rev_g = np.flip(np.cumsum(np.flip(go, 0), axis=0), 0)
        r = (rev_gc - sm / xm * rev_g) / xm
    else:
        n = xm.shape[0]
        # forward: the tangent S of cumprod along s; backward: the adjoint of <g, S>
        tan = np.empty(np.broadcast_shapes(xm.shape, sm.shape), dtype=np.result_type(xm, sm))
        acc = 0 * xm[0]
        for i in range(n):
            acc = acc * xm[i] + (om[i - 1] if i else 1) * sm[i]
            tan[i] = acc
        r = np.empty(np.broadcast_shapes(gm.shape, xm.shape), dtype=np.result_type(gm, xm, sm))
        bar_s, bar_o = gm[n - 1] + 0 * xm[0], 0 * xm[0]
        for i in range(n - 1, -1, -1):
            if i < n - 1:
                bar_s, bar_o = gm[i] + bar_s * xm[i + 1], bar_o * xm[i + 1] + bar_s * sm[i + 1]
            r[i] = bar_s * (tan[i - 1] if i else 0) + bar_o * (om[i - 1] if i else 1)
    r = np.moveaxis(r, 0, ax).reshape(np.shape(a))
    if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
        return r.astype(a.dtype, copy=False)
    return r[()] if r.ndim == 0 else r


def norm_partials_dx(t, x, out, ord=None, axis=None, keepdims=False):
    """Derivative of norm_partials(x, out, ...) along t with `out` held fixed (for
    the SVD-based matrix norms, where the partials do not read `out`, the Hessian of
    the norm).  Symmetric in t, so also its own transpose.  0 where the partials are
    piecewise constant (ord 0, +-inf, matrix 1 / -1 / +-inf); singular values are
    assumed distinct (and nonzero) for ord 2, -2 and 'nuc', as in norm_partials."""
    X, nd, axes, matrix, o, safe = _norm_setup(x, out, ord, axis, keepdims)
    T = np.broadcast_to(np.asarray(t, dtype=X.dtype), X.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ord is None or (isinstance(ord, str) and ord == "fro") or (ord == 2 and not matrix):
            d = np.where(o == 0, 0, T / safe)
        elif not matrix:
            if ord == 0 or math.isinf(ord):
                d = np.zeros_like(X)
            else:
                ax = np.abs(X)
                scale = (ord - 1) * (np.where(ax == 0, 1, ax) / safe) ** (ord - 2) / safe
                d = np.where((o == 0) | (ax == 0), 0, scale) * T
        elif isinstance(ord, str) or ord in (2, -2):
            xm = np.moveaxis(X, axes, (-2, -1))
            tm = np.moveaxis(T, axes, (-2, -1))
            u, s, vh = np.linalg.svd(xm, full_matrices=False)
            v = np.swapaxes(vh, -1, -2)
            ut = np.swapaxes(u, -1, -2)
            k = s.shape[-1]
            p = np.matmul(ut, np.matmul(tm, v))  # U^T T V
            s2 = s * s
            diff = s2[..., None, :] - s2[..., :, None]  # s_j^2 - s_i^2
            eye = np.eye(k, dtype=bool)
            f = np.where(eye, 0, 1 / np.where(eye, 1, diff))
            pt = np.swapaxes(p, -1, -2)
            du = (
                np.matmul(u, f * (p * s[..., None, :] + s[..., :, None] * pt))
                + np.matmul(tm - np.matmul(u, np.matmul(ut, tm)), v) / s[..., None, :]
            )
            dv = (
                np.matmul(v, f * (s[..., :, None] * p + pt * s[..., None, :]))
                + np.matmul(
                    np.swapaxes(tm, -1, -2) - np.matmul(v, np.matmul(vh, np.swapaxes(tm, -1, -2))),
                    u,
                )
                / s[..., None, :]
            )
            sel = np.ones(k, dtype=X.dtype)
            if not isinstance(ord, str):
                sel = np.zeros(k, dtype=X.dtype)
                sel[0 if ord == 2 else -1] = 1
            dm = np.matmul(du * sel, vh) + np.matmul(u * sel, np.swapaxes(dv, -1, -2))
            d = np.moveaxis(dm, (-2, -1), axes)
        else:
            d = np.zeros_like(X)
    return np.asarray(d).astype(X.dtype, copy=False)


def norm_partials_ds(x, out, ord=None, axis=None, keepdims=False):
    """c with d norm_partials(x, out, ...) / d out along ts = c * ts (ts broadcast back
    over the reduced axes), shaped like x.  Nonzero only for the vector norms whose
    partials read `out`: ord None / 2 / 'fro' and finite p != 0 (c = -(p - 1) d / out)."""
    X, nd, axes, matrix, o, safe = _norm_setup(x, out, ord, axis, keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):
        if ord is None or (isinstance(ord, str) and ord == "fro") or (ord == 2 and not matrix):
            c = np.where(o == 0, 0, -X / (safe * safe))
        elif not matrix and ord != 0 and not math.isinf(ord):
            ax = np.abs(X)
            d = np.sign(X) * (np.where(ax == 0, 1, ax) / safe) ** (ord - 1)
            c = np.where((o == 0) | (ax == 0), 0, -(ord - 1) * d / safe)
        else:
            c = np.zeros_like(X)
    return np.asarray(c).astype(X.dtype, copy=False)


def det_cofactor_jvp(t, a):
    """Derivative of det_cofactor(a) along t: the Hessian of det(a) times t (symmetric,
    so also its transpose).  From the SVD a = U S Vh, with P = U^T t Vh^T:
    d cof = det(U) det(Vh) U D Vh, D_ii = sum_{k != i} Q_ik P_kk, D_ij = -Q_ij P_ji,
    Q_ik the product of the singular values other than s_i and s_k.  No inverse, so
    exact for singular and repeated-singular-value matrices too."""
    A = np.asarray(a)
    if A.dtype.kind not in "fc":
        A = A.astype(float)
    T = np.asarray(t, dtype=A.dtype)
    u, s, vh = np.linalg.svd(A)
    n = s.shape[-1]
    p = np.matmul(np.swapaxes(u, -1, -2), np.matmul(T, np.swapaxes(vh, -1, -2)))
    eye = np.eye(n, dtype=bool)
    # rows[..., i, l] = s_l, with 1 at l == i
    rows = np.where(eye, 1, s[..., None, :] + np.zeros((n, 1), dtype=s.dtype))
    left, right = np.ones_like(rows), np.ones_like(rows)
    if n > 1:
        left[..., 1:] = np.cumprod(rows[..., :-1], axis=-1)
        right[..., :-1] = np.flip(np.cumprod(np.flip(rows[..., 1:], -1), axis=-1), -1)
    q = np.where(eye, 0, left * right)  # Q_ik, zero on the diagonal
    d = -q * np.swapaxes(p, -1, -2)
    diag = np.sum(q * np.diagonal(p, axis1=-2, axis2=-1)[..., None, :], axis=-1)
    d = np.where(eye, diag[..., :, None], d)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * np.matmul(u, np.matmul(d, vh))


def solve_tgb(t, v, a, b):
    """t^T solve(a^T, v), not summed over broadcast batches: with gb the cotangent of b
    in x = np.linalg.solve(a, b) (v that of x), d gb along a's tangent t is
    -solve(a^T, solve_tgb(t, v, a, b)).  Shaped like x."""
    at = np.swapaxes(np.asarray(a), -1, -2)
    tt = np.swapaxes(np.asarray(t), -1, -2)
    if np.ndim(b) == 1:
        return np.matmul(tt, np.linalg.solve(at, np.asarray(v)[..., None]))[..., 0]
    return np.matmul(tt, np.linalg.solve(at, v))

"""Helpers for linear NumPy functions whose transposes need more than one NumPy call
(rules/gather_rules.py): np.pad in its gathering modes, np.gradient's difference
stencils, and np.r_[...] / np.c_[...] of arrays.

Same contract as runtime/arrays.py: `srcdiff build` copies the helpers a module uses
into it, so a function here refers only to `np`, builtins, functions of this module and
runtime/arrays.py's `rows_of` (the form of a list's cotangents).
A cotangent comes back with its input's shape and floating dtype (float32 stays
float32).
"""

import numpy as np

from .arrays import rows_of

__all__ = [
    "c_join",
    "c_join_jvp",
    "c_join_vjp",
    "dstack_jvp",
    "dstack_vjp",
    "gradient_jvp",
    "gradient_vjp",
    "pad_mode_jvp",
    "pad_mode_vjp",
    "r_join",
    "r_join_jvp",
    "r_join_vjp",
    "take_jvp",
    "take_vjp",
]


def _error(message, hint):
    try:
        from srcdiff.errors import UnsupportedSyntaxError
    except ImportError:
        return ValueError(message)
    return UnsupportedSyntaxError(message, hint=hint)


def _float(x):
    x = np.asarray(x)
    return np.result_type(x.dtype, np.float32)


# --- np.pad: every padded element is a copy of one element of the array (or a constant) -----
_GATHERING = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_sources(shape, pad_width, mode, reflect_type):
    """For each element of np.pad(array, pad_width, mode): the flat index of the array
    element it copies, or -1 where it is a constant."""
    if mode not in _GATHERING or (mode in ("reflect", "symmetric") and reflect_type != "even"):
        what = f"mode={mode!r}" + (
            f", reflect_type={reflect_type!r}" if reflect_type != "even" else ""
        )
        raise _error(
            f"srcdiff has no derivative rule for np.pad with {what}",
            "pad with mode 'constant', 'edge', 'reflect', 'symmetric' or 'wrap' (reflect_type "
            "'even'), or build the padding from slices and np.concatenate",
        )
    index = np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)
    if mode == "constant":
        return np.pad(index, pad_width, mode="constant", constant_values=-1)
    if mode in ("reflect", "symmetric"):
        return np.pad(index, pad_width, mode=mode, reflect_type="even")
    return np.pad(index, pad_width, mode=mode)


def pad_mode_jvp(t, array, pad_width, mode="constant", reflect_type="even"):
    """Tangent of np.pad(array, pad_width, mode, ...) along t: t gathered the same way (the
    constants of mode 'constant' have tangent 0)."""
    A = np.asarray(array)
    t = np.broadcast_to(np.asarray(t, dtype=_float(A)), A.shape)
    sources = _pad_sources(A.shape, pad_width, mode, reflect_type)
    flat = np.concatenate([np.ravel(t), np.zeros(1, dtype=t.dtype)])
    return flat[sources]  # -1: the appended zero


def pad_mode_vjp(g, array, pad_width, mode="constant", reflect_type="even"):
    """Cotangent of array in np.pad(array, pad_width, mode, ...): each padded element's
    cotangent added to the element it copies."""
    A = np.asarray(array)
    sources = _pad_sources(A.shape, pad_width, mode, reflect_type)
    g = np.ravel(np.broadcast_to(np.asarray(g, dtype=_float(A)), sources.shape))
    sources = sources.ravel()
    keep = sources >= 0
    total = np.bincount(sources[keep], weights=g[keep], minlength=A.size)
    return total.astype(_float(A), copy=False).reshape(A.shape)


# --- np.gradient: one difference stencil per axis -------------------------------------------


def _gradient_axes(f, axis):
    nd = np.ndim(f)
    if axis is None:
        return list(range(nd)), nd == 1
    if isinstance(axis, (int, np.integer)):
        return [int(axis) % nd], True
    return [int(a) % nd for a in axis], False


def _gradient_call(f, spacing, axis, edge_order, out):
    """The axes np.gradient(f, spacing, axis=axis, edge_order=edge_order) differentiates,
    and whether it returns one array -- checked against the call's own result `out`, so
    that a call with several spacings (which srcdiff's rule doesn't bind) is refused."""
    try:
        axes, single = _gradient_axes(f, axis)
        again = np.gradient(np.asarray(f), spacing, axis=axis, edge_order=edge_order)
    except (TypeError, ValueError, IndexError):  # (AxisError is both of the last two)
        axes, single, again = [], True, None
    same = (
        again is not None
        and isinstance(again, np.ndarray) == isinstance(out, np.ndarray)
        and len(axes) == (1 if isinstance(out, np.ndarray) else len(out))
        and all(
            np.array_equal(a, b, equal_nan=True)
            for a, b in zip([again] if single else again, [out] if single else out)
        )
    )
    if not same:
        raise _error(
            "srcdiff's rule for np.gradient takes one spacing (a number, or the coordinates "
            "along the one axis differentiated), passed after f",
            "call np.gradient once per axis: np.gradient(f, dx, axis=0), "
            "np.gradient(f, dy, axis=1)",
        )
    return axes, single


def _stencil(n, spacing, edge_order, dtype):
    """The n x n matrix D of np.gradient along one axis: D @ f is its derivative."""
    return np.gradient(np.eye(n, dtype=dtype), spacing, axis=0, edge_order=edge_order)


def gradient_jvp(t, f, spacing=1.0, axis=None, edge_order=1, out=None):
    """Tangent of np.gradient(f, spacing, axis=..., edge_order=...): np.gradient of t."""
    _gradient_call(f, spacing, axis, edge_order, out)
    t = np.broadcast_to(np.asarray(t, dtype=_float(f)), np.shape(f))
    return np.gradient(t, spacing, axis=axis, edge_order=edge_order)


def gradient_vjp(g, f, spacing=1.0, axis=None, edge_order=1, out=None):
    """Cotangent of f in np.gradient(f, ...): along each axis differentiated, the
    transposed stencil applied to that result's cotangent."""
    axes, single = _gradient_call(f, spacing, axis, edge_order, out)
    F = np.asarray(f)
    dtype = _float(F)
    total = np.zeros(F.shape, dtype=dtype)
    for k, ax in enumerate(axes):
        gk = np.broadcast_to(np.asarray(g if single else g[k], dtype=dtype), F.shape)
        D = _stencil(F.shape[ax], spacing, edge_order, dtype)
        moved = np.tensordot(D.T, np.moveaxis(gk, ax, 0), axes=1)
        total = total + np.moveaxis(moved, 0, ax)
    return total


# --- np.r_[a, b, ...] and np.c_[a, b, ...] of arrays and numbers ---------------------------


def r_join(items):
    """np.r_[a, b, ...]: numbers and arrays joined along the first axis."""
    return np.r_[tuple(items)]


def c_join(items):
    """np.c_[a, b, ...]: 1-D arrays as columns, arrays joined along the last axis."""
    return np.c_[tuple(items)]


def _pieces(g, items, axis):
    """The items' cotangents: g split along `axis` (0 for np.r_, -1 for np.c_) at the
    items' widths there, each reshaped to its item (as `rows_of` holds a sequence's
    cotangents)."""
    g = np.asarray(g)
    arrays = [np.asarray(x) for x in items]
    if axis == 0:  # np.r_: a number is one row
        sizes = [1 if x.ndim == 0 else x.shape[0] for x in arrays]
    else:  # np.c_: a number or a 1-D array is one column
        sizes = [1 if x.ndim <= 1 else x.shape[-1] for x in arrays]
    parts = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    out = []
    for part, x in zip(parts, arrays):
        part = np.reshape(part, x.shape).astype(_float(x), copy=False)
        out.append(part if x.ndim else part[()])
    return rows_of(out)


def dstack_jvp(t, tup):
    """Tangent of np.dstack(tup): the items' tangents (0.0 for constants) stacked alike."""
    return np.dstack([_tangent(u, x) for u, x in zip(t, tup)])


def dstack_vjp(g, tup):
    """Cotangents of the arrays of np.dstack(tup): the slices of g along its third axis,
    each in its array's shape (np.dstack makes them 3-D first)."""
    g = np.asarray(g)
    arrays = [np.asarray(x) for x in tup]
    sizes = [np.atleast_3d(x).shape[2] for x in arrays]
    parts = np.split(g, np.cumsum(sizes)[:-1], axis=2)
    return rows_of(
        [np.reshape(p, x.shape).astype(_float(x), copy=False) for p, x in zip(parts, arrays)]
    )


def r_join_vjp(g, items):
    """Cotangents of the items of np.r_[...]: the slices of g along the first axis."""
    return _pieces(g, items, 0)


def c_join_vjp(g, items):
    """Cotangents of the items of np.c_[...]: the slices of g along the last axis."""
    return _pieces(g, items, -1)


def r_join_jvp(t, items):
    """Tangent of np.r_[items]: the items' tangents (0.0 for constants) joined alike."""
    return r_join([_tangent(u, x) for u, x in zip(t, items)])


def c_join_jvp(t, items):
    """Tangent of np.c_[items]: the items' tangents (0.0 for constants) joined alike."""
    return c_join([_tangent(u, x) for u, x in zip(t, items)])


def _tangent(u, x):
    x = np.asarray(x)
    return np.broadcast_to(np.asarray(u, dtype=_float(x)), x.shape)


# --- np.take: each result element is one element of `a` (indices may repeat) ---------------
def _take_positions(a, indices, axis, mode):
    """np.take's indices along `axis` (None: of the flattened a) as positions that exist:
    "wrap" taken modulo the length, "clip" clipped, "raise" as NumPy checked them."""
    n = np.size(a) if axis is None else np.shape(a)[axis]
    idx = np.asarray(indices)
    if mode == "wrap":
        return np.mod(idx, n)
    if mode == "clip":
        return np.clip(idx, 0, n - 1)
    return np.where(idx < 0, idx + n, idx)


def take_jvp(t, a, indices, axis=None, mode="raise"):
    """The tangent of np.take(a, indices, axis, mode=mode): the same elements of t."""
    t = np.broadcast_to(np.asarray(t, dtype=_float(a)), np.shape(a))
    return np.take(t, indices, axis, mode=mode)


def take_vjp(g, a, indices, axis=None, mode="raise"):
    """The cotangent of `a` in np.take(a, indices, axis, mode=mode): each element of g
    added back to the element it was taken from (repeated indices add up)."""
    a = np.asarray(a)
    pos = _take_positions(a, indices, axis, mode)
    r = np.zeros(np.size(a) if axis is None else np.shape(a), dtype=_float(a))
    if axis is None:
        np.add.at(r, pos, np.asarray(g, dtype=r.dtype))
        return r.reshape(np.shape(a))
    axis = axis % a.ndim
    moved = np.moveaxis(r, axis, 0)  # a view: adding into it adds into r
    gm = np.moveaxis(
        np.asarray(g, dtype=r.dtype).reshape(a.shape[:axis] + np.shape(pos) + a.shape[axis + 1 :]),
        list(range(axis, axis + np.ndim(pos))),
        list(range(np.ndim(pos))),
    )
    np.add.at(moved, pos, gm)
    return r

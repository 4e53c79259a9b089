"""Numba forms of the runtime helpers that look at their arguments' types and shapes.

`unbroadcast(g, x)`, `zeros_like(x)`, `expand_reduced(g, a, axis)` ... decide at run time
what to do from `np.shape` and `isinstance`; Numba cannot compile that, but it knows
every argument's type (number or array, its rank and dtype) when it compiles a call.
Each helper here gets an `numba.extending.overload`: given the argument types, it picks
the implementation that the Python helper's branch for those types computes, written
with explicit loops over flat indices (any rank, runtime shapes).  Where the types fall
outside what the Python helper's result would be reproduced for (a list, an integer
cotangent, a 0-d array), the overload offers no implementation, so Numba reports a
typing error and the backend refuses the code (a `BackendError`), never computing
something else.

Imported only by the Numba backend (compiler/njit.py), which needs Numba anyway;
imports nothing from srcdiff but the helpers it gives forms to.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

from . import arrays, core

__all__ = [
    "FORMS",
    "axes_mask",
    "flat_offsets",
    "is_float_array",
    "is_none",
    "is_number",
    "padded_shape",
]


def is_number(t) -> bool:
    return isinstance(t, (types.Float, types.Integer, types.Boolean))


def is_float_array(t) -> bool:
    return isinstance(t, types.Array) and isinstance(t.dtype, types.Float) and t.ndim > 0


def is_none(t) -> bool:
    return t is None or isinstance(t, (types.NoneType, types.Omitted))


def _is_number_list(t) -> bool:
    """A list of floats or integers (made in compiled code, or passed in)."""
    return isinstance(t, types.List) and is_number(t.dtype)


def _is_number_seq(t) -> bool:
    """A list or a tuple of numbers (of one type)."""
    return _is_number_list(t) or (isinstance(t, types.UniTuple) and is_number(t.dtype))


def _float_dtype(t):
    """The NumPy scalar type `np.result_type(x.dtype, np.float32)` of array type `t`."""
    return np.result_type(np.dtype(str(t.dtype)), np.float32).type


# -- kernels: C-order flat offsets of one shape broadcast into another ---------------------


@numba.njit(cache=False)
def flat_offsets(full, sub):
    """For each element of an array of shape `full` (C order), the flat (C order) offset
    of the element of an array of shape `sub` it corresponds to, broadcasting `sub` (of
    `full`'s length, 1 where it is stretched) over `full`."""
    n = len(full)
    size = 1
    for k in range(n):
        size *= full[k]
    strides = np.zeros(n, np.int64)
    step = 1
    for k in range(n - 1, -1, -1):
        strides[k] = 0 if sub[k] == 1 else step
        step *= sub[k]
    out = np.empty(size, np.int64)
    index = np.zeros(n, np.int64)
    offset = 0
    for i in range(size):
        out[i] = offset
        for k in range(n - 1, -1, -1):  # the next index in C order
            index[k] += 1
            offset += strides[k]
            if index[k] < full[k]:
                break
            offset -= strides[k] * index[k]
            index[k] = 0
    return out


@numba.njit(cache=False)
def padded_shape(shape, n):
    """`shape` (a tuple) as an int64 array of length `n`, 1s in front."""
    out = np.ones(n, np.int64)
    m = len(shape)
    for k in range(m):
        out[n - m + k] = shape[k]
    return out


@numba.njit(cache=False)
def _broadcast_dims(a, b):
    out = np.empty(len(a), np.int64)
    for k in range(len(a)):
        if a[k] == 1:
            out[k] = b[k]
        elif b[k] == 1 or a[k] == b[k]:
            out[k] = a[k]
        else:
            raise ValueError("shapes do not broadcast")
    return out


@numba.njit(cache=False)
def _sum_to(g, shape, n):
    """`g` (an array) summed down to `shape` (a tuple; NumPy broadcasting undone), as a
    new C-contiguous array of g's dtype; `n`: the larger rank."""
    gd = padded_shape(g.shape, n)
    xd = padded_shape(shape, n)
    full = _broadcast_dims(gd, xd)
    gmap = flat_offsets(full, gd)
    xmap = flat_offsets(full, xd)
    flat = np.ascontiguousarray(g).ravel()
    size = 1
    for k in range(len(shape)):
        size *= shape[k]
    out = np.zeros(size, g.dtype)
    for i in range(len(gmap)):
        out[xmap[i]] += flat[gmap[i]]
    return out.reshape(shape)


# -- the forms ---------------------------------------------------------------------


@overload(core.unbroadcast)
def _unbroadcast(g, x):
    if is_number(x):
        if is_number(g):
            return lambda g, x: g
        if is_float_array(g):
            return lambda g, x: np.sum(g)
        return None
    if not isinstance(x, types.Array) or x.ndim == 0:
        return None
    if is_number(g):
        return lambda g, x: g  # (a zero made explicit: it adds as it is)
    if not is_float_array(g):
        return None
    n = max(g.ndim, x.ndim)
    if g.ndim == x.ndim:

        def same_rank(g, x):
            if g.shape == x.shape:
                return np.asarray(g)
            return _sum_to(g, x.shape, n)

        return same_rank
    return lambda g, x: _sum_to(g, x.shape, n)


@overload(core.check_scalar)
def _check_scalar(out, name):
    if is_number(out) or (isinstance(out, types.Array) and out.ndim == 0):
        return lambda out, name: None
    if isinstance(out, types.Array):

        def not_scalar(out, name):
            raise ValueError("grad needs a scalar result")  # (run again in Python: its error)

        return not_scalar
    return None


@overload(core.zeros_like)
def _zeros_like(x):
    if is_number(x):
        return lambda x: 0.0
    if isinstance(x, types.RangeType) or _is_number_seq(x):
        return lambda x: np.zeros(len(x))  # (a list of numbers: seq_zeros's float array)
    if isinstance(x, types.Array) and x.ndim > 0:
        dtype = _float_dtype(x)
        return lambda x: np.zeros(x.shape, dtype)
    return None


@overload(core.owned)
def _owned(g, x):
    if is_number(x):
        return lambda g, x: g
    if not (isinstance(x, types.Array) and x.ndim > 0):
        return None
    dtype = _float_dtype(x)
    if is_number(g):

        def filled(g, x):
            out = np.empty(x.shape, dtype)
            out[...] = g
            return out

        return filled
    if isinstance(g, types.Array) and g.ndim <= x.ndim:
        n = x.ndim

        def copied(g, x):
            out = np.empty(x.shape, dtype)
            flat = out.reshape(out.size)
            src = np.ascontiguousarray(g).ravel()
            gmap = flat_offsets(padded_shape(x.shape, n), padded_shape(g.shape, n))
            for i in range(len(gmap)):
                flat[i] = src[gmap[i]]
            return out

        return copied
    return None


@overload(core.like)
def _like(g, x):
    if is_number(x):
        return lambda g, x: g
    if _is_number_list(x):  # (a list's gradient: a list of floats, one per item)
        if is_number(g):
            return lambda g, x: [float(g) for _ in range(len(x))]
        if isinstance(g, types.Array) and g.ndim == 1:

            def listed(g, x):
                if len(g) != len(x):
                    raise ValueError("a list's adjoint of another length")
                return [float(v) for v in g]

            return listed
        return None
    if not (isinstance(x, types.Array) and x.ndim > 0):
        return None
    if is_number(g):
        return lambda g, x: np.zeros_like(x) + g
    if isinstance(g, types.Array) and g.ndim == x.ndim:

        def same_rank(g, x):
            if g.shape == x.shape:
                return g
            return np.zeros_like(x) + g

        return same_rank
    if isinstance(g, types.Array) and g.ndim < x.ndim:
        return lambda g, x: np.zeros_like(x) + g
    return None


@overload(core.broadcast_like)
def _broadcast_like(t, x):
    if is_number(x):
        return lambda t, x: t
    if not (isinstance(x, types.Array) and x.ndim > 0):
        return None
    n = x.ndim
    if is_number(t):
        return lambda t, x: np.full(x.shape, t)
    if isinstance(t, types.Array) and t.ndim <= x.ndim and isinstance(t.dtype, types.Float):

        def stretched(t, x):
            if t.shape == x.shape:
                return np.asarray(t)
            out = np.empty(x.shape, t.dtype)
            flat = out.reshape(out.size)
            src = np.ascontiguousarray(t).ravel()
            gmap = flat_offsets(padded_shape(x.shape, n), padded_shape(t.shape, n))
            for i in range(len(gmap)):
                flat[i] = src[gmap[i]]
            return out

        return stretched
    return None


def axes_mask(axis, ndim):
    """`axis` (a type: None, an integer, a tuple of integers) -> a function of the axis
    value giving a 0/1 int64 mask of the reduced axes, or None if unsupported."""
    if is_none(axis):
        return lambda axis: np.ones(ndim, np.int64)
    if isinstance(axis, types.Integer):

        def one(axis):
            mask = np.zeros(ndim, np.int64)
            mask[axis % ndim] = 1
            return mask

        return one
    if isinstance(axis, types.UniTuple) and isinstance(axis.dtype, types.Integer):

        def several(axis):
            mask = np.zeros(ndim, np.int64)
            for ax in axis:
                mask[ax % ndim] = 1
            return mask

        return several
    return None


@overload(arrays.reduced_size)
def _reduced_size(a, axis=None):
    if is_number(a) and is_none(axis):
        return lambda a, axis=None: 1
    if not (isinstance(a, types.Array) and a.ndim > 0):
        return None
    mask_of = axes_mask(axis, a.ndim)
    if mask_of is None:
        return None
    mask_fn = numba.njit(mask_of)

    def size(a, axis=None):
        mask = mask_fn(axis)
        n = 1
        for k in range(a.ndim):
            if mask[k]:
                n *= a.shape[k]
        return n

    return size


def _reduced_shape_fn(ndim):
    @numba.njit
    def kept(shape, mask):
        out = np.empty(ndim, np.int64)
        for k in range(ndim):
            out[k] = 1 if mask[k] else shape[k]
        return out

    return kept


@overload(arrays.expand_reduced)
def _expand_reduced(g, a, axis=None, keepdims=False):
    if is_number(a) and not isinstance(a, types.Array):
        return lambda g, a, axis=None, keepdims=False: g
    if not (isinstance(a, types.Array) and a.ndim > 0):
        return None
    mask_of = axes_mask(axis, a.ndim)
    if mask_of is None:
        return None
    if isinstance(a.dtype, types.Float):
        dtype = np.dtype(str(a.dtype)).type
    elif is_number(g):
        dtype = np.float64
    elif isinstance(g, types.Array) and isinstance(g.dtype, types.Float):
        dtype = np.dtype(str(g.dtype)).type
    else:
        return None
    n = a.ndim
    mask_fn = numba.njit(mask_of)
    kept = _reduced_shape_fn(n)
    if is_number(g):

        def filled(g, a, axis=None, keepdims=False):
            out = np.empty(a.shape, dtype)
            out[...] = g
            return out

        return filled
    if not (isinstance(g, types.Array) and g.ndim <= n):
        return None

    def expanded(g, a, axis=None, keepdims=False):
        # g has a's shape with the reduced axes of length 1 (keepdims) or left out
        gd = kept(a.shape, mask_fn(axis))
        if g.size != gd.prod():
            raise ValueError("a reduction's cotangent of the wrong size")
        out = np.empty(a.shape, dtype)
        flat = out.reshape(out.size)
        src = np.ascontiguousarray(g).ravel()
        gmap = flat_offsets(padded_shape(a.shape, n), gd)
        for i in range(len(gmap)):
            flat[i] = src[gmap[i]]
        return out

    return expanded


@overload(arrays.chooser_partials)
def _chooser_partials(a, out, axis=None, keepdims=False):
    if not (isinstance(a, types.Array) and a.ndim > 0):
        return None
    mask_of = axes_mask(axis, a.ndim)
    if mask_of is None:
        return None
    dtype = np.dtype(str(a.dtype)).type if isinstance(a.dtype, types.Float) else np.float64
    n = a.ndim
    mask_fn = numba.njit(mask_of)
    kept = _reduced_shape_fn(n)
    if not (is_number(out) or isinstance(out, types.Array)):
        return None

    def shares(a, out, axis=None, keepdims=False):
        od = kept(a.shape, mask_fn(axis))
        omap = flat_offsets(padded_shape(a.shape, n), od)
        src = np.ascontiguousarray(np.asarray(out)).ravel()
        x = np.ascontiguousarray(a).ravel()
        count = np.zeros(src.size, np.int64)
        for i in range(x.size):
            if x[i] == src[omap[i]]:
                count[omap[i]] += 1
        res = np.zeros(x.size, dtype)
        for i in range(x.size):
            if x[i] == src[omap[i]]:
                res[i] = 1.0 / count[omap[i]]
        return res.reshape(a.shape)

    return shares


def _basic_index(t) -> bool:
    """An integer, a slice, or a tuple of them: indexing NumPy and Numba agree on, where
    `dx[index] += g` adds each element once."""
    if isinstance(t, (types.Integer, types.SliceType)):
        return True
    if isinstance(t, types.BaseTuple):
        return all(isinstance(e, (types.Integer, types.SliceType)) for e in getattr(t, "types", ()))
    return False


@overload(core.add_at)
def _add_at(dx, x, index, g):
    """`dx[index] += g`, allocating dx like `x` on first use; a 1-D array of integer
    indices accumulates repeated ones in order, as np.add.at does."""
    if isinstance(x, types.Array) and x.ndim > 0:
        dtype = _float_dtype(x)

        def fresh(x):
            return np.zeros(x.shape, dtype)

    elif _is_number_seq(x):

        def fresh(x):
            return np.zeros(len(x))

    else:
        return None
    fresh = numba.njit(fresh)
    owned = isinstance(dx, types.Array)
    if not (owned or is_number(dx) or is_none(dx)):
        return None
    if _basic_index(index):

        def basic(dx, x, index, g):
            out = dx if owned else fresh(x)
            out[index] += g
            return out

        return basic
    if (
        isinstance(index, types.Array)
        and index.ndim == 1
        and isinstance(index.dtype, types.Integer)
        and (isinstance(x, types.Array) and x.ndim == 1 or _is_number_seq(x))
        and (is_number(g) or isinstance(g, types.Array) and g.ndim == 1)
    ):
        scalar = is_number(g)

        def gathered(dx, x, index, g):
            out = dx if owned else fresh(x)
            if not scalar and len(g) != len(index):
                raise ValueError("an index's cotangent of another length")
            for k in range(len(index)):
                out[index[k]] += g if scalar else g[k]
            return out

        return gathered
    if (
        isinstance(index, types.Array)
        and isinstance(index.dtype, types.Boolean)
        and isinstance(x, types.Array)
        and index.ndim == x.ndim
        and (is_number(g) or isinstance(g, types.Array) and g.ndim == 1)
    ):
        scalar = is_number(g)

        def masked(dx, x, index, g):  # (a mask picks each element once, in C order)
            out = dx if owned else fresh(x)
            if index.shape != out.shape:
                raise ValueError("a mask of another shape")
            flat = out.reshape(out.size)
            picks = np.ascontiguousarray(index).ravel()
            k = 0
            for i in range(picks.size):
                if picks[i]:
                    flat[i] += g if scalar else g[k]
                    k += 1
            if not scalar and k != len(g):
                raise ValueError("a mask's cotangent of another length")
            return out

        return masked
    return None


@overload(core.scalar_like)
def _scalar_like(g, x):
    if isinstance(x, types.Float) or isinstance(x, (types.Integer, types.Boolean)):
        return lambda g, x: float(g)
    return None


@overload(core.stored_in)
def _stored_in(t, y):
    if isinstance(y, types.Array) and isinstance(y.dtype, (types.Integer, types.Boolean)):
        if is_number(t):
            return lambda t, y: 0.0
        return lambda t, y: np.zeros(np.shape(t))
    if isinstance(y, types.Array) and isinstance(y.dtype, types.Float):
        return lambda t, y: t
    return None


@overload(core.stop_gradient)
def _stop_gradient(x):
    return lambda x: x


#: the helpers with a Numba form here, and the forms (build/numba_copy.py copies them)
FORMS = {
    core.unbroadcast: _unbroadcast,
    core.check_scalar: _check_scalar,
    core.zeros_like: _zeros_like,
    core.owned: _owned,
    core.like: _like,
    core.add_at: _add_at,
    core.broadcast_like: _broadcast_like,
    core.scalar_like: _scalar_like,
    core.stored_in: _stored_in,
    core.stop_gradient: _stop_gradient,
    arrays.reduced_size: _reduced_size,
    arrays.expand_reduced: _expand_reduced,
    arrays.chooser_partials: _chooser_partials,
}

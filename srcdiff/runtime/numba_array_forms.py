"""Numba forms of the array helpers whose Python versions look at ranks and options.

`matmul_da(g, a, b)` reshapes by `ndim`, `prod_partials` and `std_partials` transpose
over tuples of axes, `clip_partials` tests its bounds against None, and NumPy's own
`np.mean` / `np.max` / `np.min` take no `axis` in Numba.  As in numba_forms.py, each
form picks, from the argument types Numba compiles a call for, the branch of the
Python helper those types take, and offers nothing (so Numba reports a typing error
and the backend refuses the code) outside the cases it reproduces: ranks above 2 for
matmul, std and norms over some axes only, matrix norms.

`reduce_axis(fn, a, axis)` is the spelling compiler/njit.py gives `np.mean(a, axis=k)`
(and `np.max`, `np.min`, `np.prod`) with one integer axis: `fn` is NumPy's function, which Numba
passes as a type whose key is that function.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload
from numba.np.unsafe.ndarray import to_fixed_tuple

from . import arrays, spellings
from .numba_forms import (
    axes_mask,
    flat_offsets,
    is_float_array,
    is_none,
    is_number,
    padded_shape,
)

__all__ = ["ARRAY_FORMS"]


@numba.njit(cache=False)
def _contiguous(a):
    """`a` in C order (Numba's `@` warns on other layouts, and is slower)."""
    return np.ascontiguousarray(a)


def _matrix_ranks(g, a, b):
    """(a.ndim, b.ndim) where a form reproduces matmul's cotangents: float arrays of
    rank 1 or 2, and `g` of the product's rank (a number for two vectors); else None."""
    if not (is_float_array(a) and is_float_array(b)) or max(a.ndim, b.ndim) > 2:
        return None
    rank = a.ndim + b.ndim - 2
    if rank == 0:
        return (1, 1) if is_number(g) else None
    return (a.ndim, b.ndim) if is_float_array(g) and g.ndim == rank else None


@overload(arrays.matmul_da)
def _matmul_da(g, a, b):
    ranks = _matrix_ranks(g, a, b)
    if ranks == (2, 2):
        return lambda g, a, b: _contiguous(g) @ _contiguous(b.T)
    if ranks == (2, 1):
        return lambda g, a, b: np.outer(g, b)
    if ranks == (1, 2):
        return lambda g, a, b: _contiguous(b) @ _contiguous(g)
    if ranks == (1, 1):
        return lambda g, a, b: g * b
    return None


@overload(arrays.matmul_db)
def _matmul_db(g, a, b):
    ranks = _matrix_ranks(g, a, b)
    if ranks in ((2, 2), (2, 1)):
        return lambda g, a, b: _contiguous(a.T) @ _contiguous(g)
    if ranks == (1, 2):
        return lambda g, a, b: np.outer(a, g)
    if ranks == (1, 1):
        return lambda g, a, b: g * a
    return None


# -- whole-array reductions ---------------------------------------------------------


@overload(arrays.prod_partials)
def _prod_partials(a, axis=None):
    """For each element, the product of the others in its group, from exclusive prefix
    and suffix products in C order: the multiplications of the Python helper's cumprods,
    in its order, so the results agree exactly (and stay exact with zeros)."""
    if not is_float_array(a):
        return None
    mask_of = axes_mask(axis, a.ndim)
    if mask_of is None:
        return None
    mask_fn = numba.njit(mask_of)
    n = a.ndim

    def partials(a, axis=None):
        kept = padded_shape(a.shape, n)
        mask = mask_fn(axis)
        for k in range(n):
            if mask[k]:
                kept[k] = 1
        groups = flat_offsets(padded_shape(a.shape, n), kept)
        x = _contiguous(a).ravel()
        run = np.ones(kept.prod(), x.dtype)
        left = np.empty(x.size, x.dtype)
        for i in range(x.size):
            left[i] = run[groups[i]]
            run[groups[i]] *= x[i]
        run[:] = 1.0
        out = np.empty(x.size, x.dtype)
        for i in range(x.size - 1, -1, -1):
            out[i] = left[i] * run[groups[i]]
            run[groups[i]] *= x[i]
        return out.reshape(a.shape)

    return partials


@overload(arrays.std_partials)
def _std_partials(a, out, axis=None, ddof=0, keepdims=False):
    """(a - mean) / ((N - ddof) std), 0 where std is 0 to rounding (the Python helper's
    test: std <= 16 eps max|a|)."""
    if not (is_float_array(a) and is_number(out) and is_none(axis) and is_number(ddof)):
        return None
    eps = float(np.finfo(np.dtype(str(a.dtype))).eps)

    def whole(a, out, axis=None, ddof=0, keepdims=False):
        if keepdims:
            raise ValueError("std_partials: keepdims of a whole array's std")
        scale = np.max(np.abs(a)) if a.size else 0.0
        if out <= 16 * eps * scale:
            return np.zeros(a.shape, a.dtype)
        return (a - np.mean(a)) / ((a.size - ddof) * out)

    return whole


@overload(arrays.norm_partials)
def _norm_partials(x, out, ord=None, axis=None, keepdims=False):
    """The 2-norm of the whole array (ord and axis None): x / norm, 0 at 0."""
    if not (is_float_array(x) and is_number(out) and is_none(ord) and is_none(axis)):
        return None

    def whole(x, out, ord=None, axis=None, keepdims=False):
        if keepdims:
            raise ValueError("norm_partials: keepdims of a whole array's norm")
        if out == 0:
            return np.zeros(x.shape, x.dtype)
        return x / out

    return whole


# -- clip ------------------------------------------------------------------------------


@numba.njit(cache=False)
def _larger(x, y):
    """np.maximum of two numbers (a NaN wins)."""
    return x if x != x or x >= y else y


@numba.njit(cache=False)
def _smaller(x, y):
    return x if x != x or x <= y else y


@numba.njit(cache=False)
def _clip_partial(x, lo, hi, has_lo, has_hi, wrt):
    """One element of clip_partials: the share of min(max(x, lo), hi) that goes to `wrt`
    (0: x, 1: lo, 2: hi), halved at ties, as the Python helper's arrays compute it."""
    m = _larger(x, lo) if has_lo else x
    out = _smaller(m, hi) if has_hi else m
    dm_da, dm_dlo = 1.0, 0.0
    if has_lo:
        tie = 1.0 + (x == lo)
        dm_da, dm_dlo = (x == m) / tie, (lo == m) / tie
    do_dm, do_dhi = 1.0, 0.0
    if has_hi:
        tie = 1.0 + (m == hi)
        do_dm, do_dhi = (m == out) / tie, (hi == out) / tie
    if wrt == 0:
        return do_dm * dm_da
    if wrt == 1:
        return do_dm * dm_dlo
    return do_dhi


def _bound_reader(bound, a):
    """How the form reads one bound: a number, None (absent), or an array of `a`'s rank
    (checked to have a's shape when called); None if unsupported."""
    if is_none(bound):
        return lambda bound, i: 0.0
    if is_number(bound):
        return lambda bound, i: bound
    if is_float_array(bound) and is_float_array(a) and bound.ndim == a.ndim:
        return lambda bound, i: bound.ravel()[i]
    return None


@overload(arrays.clip_partials)
def _clip_partials(a, a_min, a_max, wrt):
    if not (is_float_array(a) or is_number(a)):
        return None
    lo_of, hi_of = _bound_reader(a_min, a), _bound_reader(a_max, a)
    if lo_of is None or hi_of is None:
        return None
    lo_of, hi_of = numba.njit(lo_of), numba.njit(hi_of)
    has_lo, has_hi = not is_none(a_min), not is_none(a_max)
    lo_array = isinstance(a_min, numba.types.Array)
    hi_array = isinstance(a_max, numba.types.Array)

    def which(wrt):
        if wrt == "a":
            return 0
        if wrt == "a_min":
            return 1
        return 2

    which = numba.njit(which)
    if is_number(a):
        return lambda a, a_min, a_max, wrt: _clip_partial(
            float(a), lo_of(a_min, 0), hi_of(a_max, 0), has_lo, has_hi, which(wrt)
        )

    def partials(a, a_min, a_max, wrt):
        if (lo_array and a_min.shape != a.shape) or (hi_array and a_max.shape != a.shape):
            raise ValueError("clip_partials: a bound of another shape")
        x = _contiguous(a).ravel()
        lo = _contiguous(a_min) if lo_array else a_min
        hi = _contiguous(a_max) if hi_array else a_max
        k = which(wrt)
        res = np.empty(x.size, np.float64)
        for i in range(x.size):
            res[i] = _clip_partial(x[i], lo_of(lo, i), hi_of(hi, i), has_lo, has_hi, k)
        return res.reshape(a.shape)

    return partials


# -- reductions over one axis ----------------------------------------------------------


def _reducer(kind):
    """The loop folding one element into a group's running value, and its start."""
    if kind == "max":
        return numba.njit(lambda acc, v: v if v > acc or v != v else acc), -np.inf
    if kind == "min":
        return numba.njit(lambda acc, v: v if v < acc or v != v else acc), np.inf
    if kind == "prod":
        return numba.njit(lambda acc, v: acc * v), 1.0
    return numba.njit(lambda acc, v: acc + v), 0.0


@overload(spellings.reduce_axis)
def _reduce_axis(fn, a, axis):
    kinds = {np.mean: "mean", np.max: "max", np.min: "min", np.prod: "prod"}
    kind = kinds.get(getattr(fn, "typing_key", None))
    if kind is None or not is_float_array(a) or not isinstance(axis, numba.types.Integer):
        return None
    n = a.ndim
    if n == 1:
        whole = {"mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod}[kind]
        return lambda fn, a, axis: whole(a)
    fold, start = _reducer(kind)
    mean = kind == "mean"
    rank = n - 1  # (a constant: to_fixed_tuple's length)

    def reduce(fn, a, axis):
        ax = axis % n
        if a.shape[ax] == 0 and not mean:
            raise ValueError("zero-size array to reduction operation")
        kept = padded_shape(a.shape, n)
        kept[ax] = 1
        groups = flat_offsets(padded_shape(a.shape, n), kept)
        x = _contiguous(a).ravel()
        acc = np.full(kept.prod(), start, a.dtype)
        for i in range(x.size):
            acc[groups[i]] = fold(acc[groups[i]], x[i])
        if mean:
            acc = acc / a.shape[ax]
        shape = np.empty(rank, np.int64)
        k = 0
        for d in range(n):
            if d != ax:
                shape[k] = a.shape[d]
                k += 1
        return acc.reshape(to_fixed_tuple(shape, rank))

    return reduce


#: the helpers with a Numba form here, and the forms
@overload(spellings.is_float64)
def _is_float64(a):
    if isinstance(a, types.Array) and a.dtype == types.float64 and a.ndim > 0:
        return lambda a: True
    return lambda a: False


ARRAY_FORMS = {
    spellings.is_float64: _is_float64,
    arrays.matmul_da: _matmul_da,
    arrays.matmul_db: _matmul_db,
    arrays.prod_partials: _prod_partials,
    arrays.std_partials: _std_partials,
    arrays.norm_partials: _norm_partials,
    arrays.clip_partials: _clip_partials,
    spellings.reduce_axis: _reduce_axis,
}

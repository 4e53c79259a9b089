"""NumPy calls as the Numba backend spells them, where Numba's own take fewer options.

compiler/njit.py rewrites `np.mean(a, axis=k)` (np.max, np.min, np.prod) into
`reduce_axis(np.mean, a, k)`, whose Numba form (runtime/numba_array_forms.py) loops over
the axis; compiler/fuse.py's fused loops run where `is_float64(y)` holds of every array
not certainly float64 (Numba has no `y.dtype == np.float64`).  The Python functions here
are what those forms overload, and what a built module copies beside them; they are never
differentiated: the Numba rewrite and the fused loops are the last change made to
generated code, so no rule is needed for them (the rule of `np.mean` with an axis has
already been applied).
"""

from __future__ import annotations

__all__ = ["is_float64", "reduce_axis"]


def reduce_axis(fn, a, axis):
    """`fn(a, axis=axis)`, for `fn` np.mean, np.max, np.min or np.prod and one integer
    `axis`."""
    return fn(a, axis=axis)


def is_float64(a):
    """Is `a` an array of dtype float64?"""
    return getattr(a, "dtype", None) == "float64" and getattr(a, "ndim", 0) > 0

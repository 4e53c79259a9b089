"""NumPy calls as the Numba backend spells them, where Numba's own take fewer options.

compiler/njit.py rewrites `np.mean(a, axis=k)` (np.max, np.min, np.prod) into
`reduce_axis(np.mean, a, k)`, whose Numba form (runtime/numba_array_forms.py) loops over
the axis.  The Python function here is what that form overloads, and what a built
module copies beside it; it is never differentiated: the Numba rewrite is the last
change made to generated code, so no rule is needed for it (the rule of `np.mean` with
an axis has already been applied).
"""

from __future__ import annotations

__all__ = ["reduce_axis"]


def reduce_axis(fn, a, axis):
    """`fn(a, axis=axis)`, for `fn` np.mean, np.max, np.min or np.prod and one integer
    `axis`."""
    return fn(a, axis=axis)

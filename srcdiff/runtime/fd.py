"""Finite differences: the one implementation srcdiff estimates derivatives with.

`check_grad` (and so `srcdiff check`) and the test files `srcdiff build
--emit-tests` writes all call `numeric_grad`.

Why here, in the runtime layer: an emitted test file, like a built module,
imports only NumPy, the generated modules and the user's modules
(docs/build.md), so it runs in a CI job where srcdiff isn't installed and keeps
checking what it checked when it was written.  `srcdiff build` copies these
functions into each emitted test file the way it copies runtime helpers into
built modules (srcdiff.build.module.runtime_copies), which is what this layer
is for: no imports from srcdiff, NumPy and builtins only, no module-level
constants computed at import time (a copied constant must print the same on
every machine).

Method: central differences, one input element at a time, with the step
scaled to the element, h = cbrt(eps) * max(1, |x|), which balances the
truncation error O(h^2) against rounding error O(eps / h).  The denominator is
the step actually taken, (x + h) - (x - h) as rounded.  With
`richardson=True`, the estimates at h and h / 2 are extrapolated (the h^2 term
cancels), with h = eps ** (1/5) * max(1, |x|), the step that suits a
fourth-order estimate: more accurate on smooth functions, but it samples
further from the point, so it sees a kink or domain edge nearby sooner.

Inputs are evaluated in float64 whatever their dtype (float32 arrays, NumPy
scalars, ints, lists of floats): an increment of 6e-6 is lost in float32's
rounding, so the estimate is of the derivative at the float32 point, in double
precision.  The caller's arguments are never modified, nor handed to `func`:
every call gets fresh copies of the arrays and lists, so a function that
changes an argument in place can't disturb the next evaluation.
"""

import numpy as np

__all__ = ["numeric_grad"]


def numeric_grad(func, args, wrt=0, *, richardson=False):
    """Gradient of scalar `func` with respect to one argument, by central differences.

    `args` holds the arguments: a tuple or list (positional; `wrt` is an
    index) or a dict (keywords; `wrt` is a name).  The differentiated
    argument may be a float, a float array of any shape and dtype, or a list
    or tuple of floats (or of equally shaped arrays).  The gradient has its
    form: a float, a float64 array of its shape, a list or tuple like it.
    """
    x = args[wrt]
    base = np.array(x, dtype=np.float64)  # a copy, in float64
    eps = float(np.finfo(np.float64).eps)
    rel = eps ** (1 / 5) if richardson else eps ** (1 / 3)
    grad = np.zeros(base.shape)
    for i in np.ndindex(base.shape):
        xi = float(base[i])
        h = rel * max(1.0, abs(xi))
        estimates = []
        for step in (h, h / 2) if richardson else (h,):
            up, down = base.copy(), base.copy()
            up[i] = xi + step
            down[i] = xi - step
            width = float(up[i] - down[i])  # the step taken, after rounding
            diff = _fd_call(func, args, wrt, _fd_like(up, x)) - _fd_call(
                func, args, wrt, _fd_like(down, x)
            )
            estimates.append((diff / width, width / 2))
        if richardson:  # D(h) = f' + c h^2: eliminate c between the two estimates
            (d1, h1), (d2, h2) = estimates
            grad[i] = (h1 * h1 * d2 - h2 * h2 * d1) / (h1 * h1 - h2 * h2)
        else:
            grad[i] = estimates[0][0]
    return _fd_like(grad, x)


def _fd_call(func, args, wrt, value):
    """func's value, as a float, with args[wrt] replaced by `value` (and fresh copies of
    every other array or list argument)."""
    if isinstance(args, dict):
        call = {k: _fd_fresh(v) for k, v in args.items()}
        call[wrt] = value
        out = func(**call)
    else:
        call = [_fd_fresh(v) for v in args]
        call[wrt] = value
        out = func(*call)
    out = np.asarray(out, dtype=np.float64)
    if out.size != 1:
        raise TypeError(f"finite differences need a scalar function; it returned shape {out.shape}")
    return float(out.reshape(()))


def _fd_fresh(value):
    """A copy of an array, or of a list or tuple holding arrays; anything else as it is."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_fd_fresh(v) for v in value)
    return value


def _fd_like(values, template):
    """float64 `values` in the form of `template`: a float, an array, a list or tuple."""
    if isinstance(template, np.ndarray):
        return np.array(values, dtype=np.float64)
    if isinstance(template, (list, tuple)):
        items = [_fd_like(v, t) for v, t in zip(values, template)]
        return tuple(items) if isinstance(template, tuple) else items
    return float(values)

"""Rules for NumPy: ufuncs, reductions, linear algebra, shapes, array creation.

One entry per primitive, looked up by the object `np.xxx` denotes (so
aliases such as np.absolute / np.abs or np.concat / np.concatenate share
an entry).  Elementwise functions give their partial derivatives and get
their cotangents summed back to each input's shape by the transformer;
everything else gives its linear map (jvp) and its transpose (vjp), using
helpers from srcdiff/runtime_numpy.py where one NumPy expression can't say
it.  Every vjp returns a cotangent of its input's exact shape.

Parameter names follow NumPy's own, so keyword calls bind (`np.sum(x,
axis=0)`); positional slots NumPy has but srcdiff ignores are still listed
(e.g. `dtype`) so that positional arguments bind to the right parameter.
NumPy's `out=` slot is spelled `out_` because `out` means the result in a
template; passing `out=` therefore finds no rule, which is what we want.

Conventions at non-differentiable points (documented where they apply):

* np.abs: sign(x), so 0 at 0 -- the minimum-norm subgradient, as in
  autograd, PyTorch and srcdiff's own builtin abs (JAX takes +1 at 0).
* np.maximum / np.minimum / np.fmax / np.fmin at a tie: half to each
  argument (JAX and autograd, `balanced_eq`).
* np.clip: min(max(a, a_min), a_max), as JAX defines it, so at a bound the
  cotangent is shared half and half between `a` and the bound.
* np.max / np.min / np.amax / np.amin over several equal maxima: shared
  equally among them (JAX and autograd); np.ptp (max - min) likewise, so 0 where
  all of a group are equal.
* np.median / np.quantile / np.percentile (method 'linear'): the derivative goes
  to the one or two sorted elements the value interpolates; tied elements take
  it in their stable sorted order (the value is the same whichever is chosen).
* np.sqrt / np.cbrt at 0: inf, like JAX.  np.linalg.norm, np.hypot and np.std
  where the result is 0: 0 (JAX gives nan).
* np.sign, np.floor, np.round, ...: no derivative (zero almost everywhere);
  they are non-differentiable rules, so nothing flows through them.
* np.mod / np.fmod at a jump: d/dy = -q with q the quotient NumPy computed there
  (JAX, autograd: the jumps themselves are ignored).
* np.sort and np.partition at ties: equal elements keep their order (a stable
  argsort); np.select: the first condition that holds takes the derivative.
* np.nan_to_num: 0 where a NaN or an infinity is replaced; np.sinc'(0) = 0.
* np.linalg.cholesky reads the lower triangle only (the upper one gets 0, as the
  function ignores it); np.linalg.pinv: the derivative at fixed rank (autograd, JAX).
* np.interp: points outside the samples give their cotangent to the end sample
  (or to nothing, where a `left` / `right` value replaces it); in x the derivative is
  the slope of the segment a point lies in (the right one at a sample, as JAX), 0 outside.

Functions that take a list of arrays (np.concatenate, np.stack, np.hstack,
np.vstack, np.column_stack, np.select's choicelist, np.linalg.multi_dot, np.dstack,
np.r_ / np.c_) have vjps returning the cotangents one per array, in the form
`runtime.rows_of` gives a sequence's adjoint (an array indexed like the list: a
Python list would be joined, not added, where the list is read twice), and jvps
taking a list of tangents.

Functions returning several arrays (np.split, np.linalg.svd / eigh / slogdet, ...)
are in linalg_rules.py; np.pad with a mode, np.gradient and np.r_ / np.c_ in
gather_rules.py.
"""

import ast
import copy
import math
from typing import Any

import numpy as np

from ..runtime import arrays as runtime_numpy
from ..runtime import core as runtime
from .core import RULES, Rule, make_rule, nondiff_rule

NS = {
    "np": np,
    "copy": copy,
    "math": math,
    "pow_dexp": runtime.pow_dexp,
    "pow_dbase": runtime.pow_dbase,
    "unbroadcast": runtime.unbroadcast,
    "zeros_like": runtime.zeros_like,
    **{
        name: obj
        for name, obj in vars(runtime_numpy).items()
        if callable(obj)
        and not name.startswith("_")
        and getattr(obj, "__module__", None) == runtime_numpy.__name__
    },
}


#: Every rule this module registers, in order (lets tests tell NumPy rules from scalar ones).
REGISTERED: list[Rule] = []


def _add(rule):
    REGISTERED.append(rule)
    RULES.add(rule)


def partials(func, params, result="same", **parts):
    _add(make_rule(func, params, partials=parts, namespace=NS, result=result))


def linear(func, params, jvp, vjp, result="array", by_rank=None, by_constants=None):
    """`result="reduce"`: a scalar unless `axis` or `keepdims` is given (see analysis);
    `by_rank`, `by_constants`: spellings for known ranks of the parameters and for
    constant arguments (core.Rule)."""
    _add(
        make_rule(
            func,
            params,
            jvp=jvp,
            vjp=vjp,
            namespace=NS,
            result=result,
            by_rank=by_rank,
            by_constants=by_constants,
        )
    )


def nondiff(func, result):
    _add(nondiff_rule(func, result))


# --- elementwise (ufuncs) -----------------------------------------------------------
# Partials use `math` constants, never np.log(2) & co: a NumPy float64 scalar
# would promote float32 arrays to float64, a Python float does not.
partials(np.sin, "x", x="np.cos(x)")
partials(np.cos, "x", x="-np.sin(x)")
partials(np.tan, "x", x="1 + out * out")
partials(np.arcsin, "x", x="1 / np.sqrt(1 - x * x)")
partials(np.arccos, "x", x="-1 / np.sqrt(1 - x * x)")
partials(np.arctan, "x", x="1 / (1 + x * x)")
partials(np.arctan2, "y, x", y="x / (x * x + y * y)", x="-y / (x * x + y * y)")
partials(np.sinh, "x", x="np.cosh(x)")
partials(np.cosh, "x", x="np.sinh(x)")
partials(np.tanh, "x", x="1 - out * out")
partials(np.arcsinh, "x", x="1 / np.sqrt(x * x + 1)")
partials(np.arccosh, "x", x="1 / np.sqrt(x * x - 1)")
partials(np.arctanh, "x", x="1 / (1 - x * x)")
partials(np.exp, "x", x="out")
partials(np.expm1, "x", x="out + 1")
partials(np.exp2, "x", x="out * math.log(2)")
partials(np.log, "x", x="1 / x")
partials(np.log2, "x", x="1 / (x * math.log(2))")
partials(np.log10, "x", x="1 / (x * math.log(10))")
partials(np.log1p, "x", x="1 / (1 + x)")
partials(np.logaddexp, "x, y", x="np.exp(x - out)", y="np.exp(y - out)")
partials(np.logaddexp2, "x, y", x="np.exp2(x - out)", y="np.exp2(y - out)")
partials(np.sqrt, "x", x="0.5 / out")
partials(np.cbrt, "x", x="1 / (3 * out * out)")
partials(np.square, "x", x="2 * x")
partials(np.abs, "x", x="np.sign(x)")  # np.absolute is np.abs; 0 at 0
partials(np.fabs, "x", x="np.sign(x)")
partials(np.negative, "x", x="-1")
partials(np.positive, "x", x="1")
partials(np.reciprocal, "x", x="-out * out")
partials(np.power, "x, y", x="pow_dbase(x, y)", y="pow_dexp(out, x)")  # np.pow too
# 0 at (0, 0), as math.hypot and np.linalg.norm; the inner where keeps 0 / 0 out of the
# branch not taken, so its derivative (a Hessian) is not nan there either
partials(
    np.hypot,
    "x, y",
    x="np.where(out == 0, 0.0, x / np.where(out == 0, 1.0, out))",
    y="np.where(out == 0, 0.0, y / np.where(out == 0, 1.0, out))",
)
# x1 * 2**x2 for an integer exponent x2: no derivative in it (NumPy takes integers there
# only), even where it comes from a differentiated value (np.frexp's exponent)
_add(
    make_rule(
        np.ldexp,
        "x1, x2",
        partials={"x1": "np.ldexp(np.ones_like(x1), x2)"},
        namespace=NS,
        zero=("x2",),
    )
)
_f: Any  # the primitive each loop below registers
# np.radians / np.degrees are separate objects from np.deg2rad / np.rad2deg in NumPy 2
for _f in (np.deg2rad, np.radians):
    partials(_f, "x", x="math.pi / 180")
for _f in (np.rad2deg, np.degrees):
    partials(_f, "x", x="180 / math.pi")
partials(np.add, "x, y", x="1", y="1")
partials(np.subtract, "x, y", x="1", y="-1")
partials(np.multiply, "x, y", x="y", y="x")
partials(np.divide, "x, y", x="1 / y", y="-out / y")  # np.true_divide is np.divide
# x - y * q with the quotient q piecewise constant: d/dx = 1, d/dy = -q, ignoring the
# jumps where q changes (JAX, autograd).  np.remainder is np.mod (q = floor(x / y));
# np.fmod truncates (q = trunc(x / y), an integer: recovered exactly by rounding (x - out) / y).
partials(np.mod, "x, y", x="1", y="-np.floor_divide(x, y)")
partials(np.fmod, "x, y", x="1", y="-np.round((x - out) / y)")
# Real inputs; complex ones are not supported (np.conjugate is the identity on reals).
partials(np.conjugate, "x", x="1")
# Ties: half to each side (JAX, autograd).  fmax/fmin differ only for NaN,
# where the non-NaN argument is the one that equals the result.
for _f in (np.maximum, np.minimum, np.fmax, np.fmin):
    partials(_f, "x, y", x="balanced_eq(x, out, y)", y="balanced_eq(y, out, x)")
partials(
    np.clip,
    "a, a_min=None, a_max=None",
    a="clip_partials(a, a_min, a_max, 'a')",
    a_min="clip_partials(a, a_min, a_max, 'a_min')",
    a_max="clip_partials(a, a_min, a_max, 'a_max')",
)
# np.where always returns an array (0-d for scalar arguments).
# (the condition is truthy, not 1: an integer or float condition selects where nonzero)
partials(np.where, "condition, x, y", x="condition != 0", y="condition == 0", result="array")

# --- reductions ------------------------------------------------------------------------
# vjp: spread g back over the reduced axes, times d(output)/d(element);
# jvp: the tangent times the same partials, reduced the same way.
_RED = "a, axis=None, dtype=None, out_=None, keepdims=False"
_SPREAD = "expand_reduced(g, a, axis, keepdims)"


def _spread_spelling(mean=False, factor=None):
    """A reduction's cotangent as a person writes it when axis and keepdims are constants
    and `a` is an array of known rank: np.sum's `np.full_like(a, g)`, with the axes taken
    away put back first (`np.expand_dims(g, 1)`) and np.mean's known divisor (`mean`);
    where the template multiplies the spread by `factor`, an array of a's shape
    (np.max's chooser_partials), g times it: broadcasting spreads g."""

    def spell(mode, param, constants, ranks):
        made = factor(constants) if callable(factor) and ranks.get("a") else factor
        if callable(factor) and callable(made) or made is None and factor is not None:
            return None  # (spelled for arrays of known rank: `a.dtype` must exist)
        if mode == "jvp":
            inner = f"t * {made}" if made else "t"
            return _reduced_tangent(constants, "np.mean" if mean else "np.sum", inner)
        if not ranks.get("a") or "axis" not in constants:
            return None
        axis, keep = constants["axis"], constants.get("keepdims")
        axes = (axis,) if type(axis) is int else axis
        if not isinstance(keep, bool) or not (
            axis is None or (isinstance(axes, tuple) and axes and {type(k) for k in axes} == {int})
        ):
            return None
        g = "g" if axis is None or keep else f"np.expand_dims(g, {axis!r})"
        if mean:
            sizes = ["a.size"] if axis is None else [f"a.shape[{k}]" for k in axes]
            g += f" / {sizes[0]}" if len(sizes) == 1 else f" / ({' * '.join(sizes)})"
        return f"{g} * {made}" if made else f"np.full_like(a, {g})"

    return spell


def _ties_spelling(constants):
    """np.max's / np.min's partials (chooser_partials) as NumPy says it, for a constant
    axis and keepdims: the elements equal to the result, each 1/k of k ties -- the count
    summed in a's dtype, so a float32 gradient stays float32."""
    axis, keep = constants.get("axis", _MISSING), constants.get("keepdims", False)
    if axis is _MISSING or not isinstance(keep, bool):
        return None
    axes = (axis,) if type(axis) is int else axis
    if axis is not None and not (
        isinstance(axes, tuple) and axes and all(type(k) is int for k in axes)
    ):
        return None
    out = "out" if axis is None or keep else f"np.expand_dims(out, {axis!r})"
    words = "" if axis is None else f"axis={axis!r}, keepdims=True, "
    return f"(a == {out}) / np.sum(a == {out}, {words}dtype=a.dtype)"


def _reduced_tangent(constants, func, inner):
    """A reduction's tangent without the arguments a person leaves out: `np.sum(t)`
    rather than `np.sum(t, axis=None, keepdims=False)`."""
    axis, keep = constants.get("axis", _MISSING), constants.get("keepdims", _MISSING)
    if axis is _MISSING or not isinstance(keep, bool):
        return None
    words = ([f"axis={axis!r}"] if axis is not None else []) + (["keepdims=True"] if keep else [])
    return f"{func}({', '.join([inner, *words])})"


_MISSING = object()


def weighted_reduction(func, params, partial, by_constants=None):
    """A reduction whose derivative is `partial`, an array of a's shape (np.prod's
    prod_partials, np.max's chooser_partials, ...): the tangent is t times it, reduced
    the same way; the cotangent is g spread back over a's shape, times it."""
    linear(
        func,
        params,
        jvp={"a": f"np.sum(t * {partial}, axis=axis, keepdims=keepdims)"},
        vjp={"a": f"{_SPREAD} * {partial}"},
        result="reduce",
        by_constants=by_constants,
    )


linear(
    np.sum,
    _RED,
    jvp={"a": "np.sum(t, axis=axis, keepdims=keepdims)"},
    vjp={"a": _SPREAD},
    result="reduce",
    by_constants=_spread_spelling(mean=False),
)
linear(
    np.mean,
    _RED,
    jvp={"a": "np.mean(t, axis=axis, keepdims=keepdims)"},
    vjp={"a": _SPREAD + " / reduced_size(a, axis)"},
    result="reduce",
    by_constants=_spread_spelling(mean=True),
)
# prod_partials: product of the other elements, exact with zeros (no division).
weighted_reduction(
    np.prod,
    _RED,
    "prod_partials(a, axis)",
    by_constants=_spread_spelling(factor="prod_partials(a, axis)"),
)
_CHOOSER = "chooser_partials(a, out, axis, keepdims)"
for _f in (np.max, np.min, np.amax, np.amin):
    weighted_reduction(
        _f,
        "a, axis=None, out_=None, keepdims=False",
        _CHOOSER,
        by_constants=_spread_spelling(factor=_ties_spelling),
    )
# np.ptp = max - min: the two choosers' shares, ties shared as np.max / np.min share them
weighted_reduction(
    np.ptp,
    "a, axis=None, out_=None, keepdims=False",
    "ptp_partials(a, axis)",
    by_constants=_spread_spelling(factor="ptp_partials(a, axis)"),
)
# np.quantile / np.percentile / np.median with the default linear method: the derivative
# goes to the one or two sorted elements the value interpolates (quantile_jvp/_vjp; tied
# elements take it in their stable sorted order).  Other methods and overwrite_input are
# refused when the code runs; `q` has no derivative (refused when active).
_QUANTILE = "a, q, axis=None, out_=None, overwrite_input=False, method='linear', keepdims=False"
_QARGS = "axis, keepdims, method, overwrite_input"
linear(
    np.quantile,
    _QUANTILE,
    jvp={"a": f"quantile_jvp(t, a, q, {_QARGS})"},
    vjp={"a": f"quantile_vjp(g, a, q, {_QARGS})"},
)
linear(
    np.percentile,
    _QUANTILE,
    jvp={"a": f"quantile_jvp(t, a, np.true_divide(q, 100), {_QARGS})"},
    vjp={"a": f"quantile_vjp(g, a, np.true_divide(q, 100), {_QARGS})"},
)
linear(
    np.median,
    "a, axis=None, out_=None, overwrite_input=False, keepdims=False",
    jvp={"a": "quantile_jvp(t, a, 0.5, axis, keepdims, 'linear', overwrite_input)"},
    vjp={"a": "quantile_vjp(g, a, 0.5, axis, keepdims, 'linear', overwrite_input)"},
    result="reduce",
)
_VAR = "a, axis=None, dtype=None, out_=None, ddof=0, keepdims=False"
weighted_reduction(np.var, _VAR, "var_partials(a, axis, ddof)")
weighted_reduction(np.std, _VAR, "std_partials(a, out, axis, ddof, keepdims)")
# --- NaN-ignoring reductions: a NaN element has no derivative (it is left out of the
# value); the others' as for the plain reduction over the elements that are not NaN.
# Written with ruled functions only (np.where, np.isnan, np.nanmean, np.sum), so the
# Hessian modes go through them too.
_KEPT = "~np.isnan(a)"
_COUNT = "np.sum(~np.isnan(a), axis=axis, keepdims=True)"
_FILLED0 = "np.where(np.isnan(a), 0.0, t)"
linear(
    np.nansum,
    _RED,
    jvp={"a": f"np.sum({_FILLED0}, axis=axis, keepdims=keepdims)"},
    vjp={"a": f"{_SPREAD} * {_KEPT}"},
    result="reduce",
)
linear(
    np.nanmean,
    _RED,
    jvp={
        "a": f"np.sum({_FILLED0}, axis=axis, keepdims=keepdims)"
        " / np.sum(~np.isnan(a), axis=axis, keepdims=keepdims)"
    },
    vjp={"a": f"{_SPREAD} * {_KEPT} / expand_reduced({_COUNT}, a, axis, True)"},
    result="reduce",
)
_NANPROD = "prod_partials(np.where(np.isnan(a), 1.0, a), axis) * ~np.isnan(a)"
weighted_reduction(np.nanprod, _RED, _NANPROD)
for _f in (np.nanmax, np.nanmin):  # a NaN never equals the result: chooser_partials skips it
    weighted_reduction(_f, "a, axis=None, out_=None, keepdims=False", _CHOOSER)
_DEVIATION = "np.where(np.isnan(a), 0.0, a - np.nanmean(a, axis=axis, keepdims=True))"
_NANVAR = f"2 * {_DEVIATION} / ({_COUNT} - ddof)"
# as std_partials: 0 where the group's values are equal (std 0 up to rounding, like |x| at
# 0), among them a group of one value
_STD = "expand_reduced(out, a, axis, keepdims)"
_FLAT = f"({_STD} <= 3.6e-15 * np.nanmax(np.abs(a), axis=axis, keepdims=True))"
_NANSTD = (
    f"np.where({_FLAT}, 0.0, {_DEVIATION} / (({_COUNT} - ddof) * np.where({_FLAT}, 1.0, {_STD})))"
)
for _f, _partial in ((np.nanvar, _NANVAR), (np.nanstd, _NANSTD)):
    weighted_reduction(_f, _VAR, _partial)
linear(
    np.cumsum,
    "a, axis=None, dtype=None, out_=None",
    jvp={"a": "np.cumsum(t, axis=axis)"},
    vjp={"a": "cumsum_vjp(g, a, axis)"},
)
linear(
    np.cumprod,
    "a, axis=None, dtype=None, out_=None",
    jvp={"a": "cumprod_jvp(t, a, out, axis)"},
    vjp={"a": "cumprod_vjp(g, a, out, axis)"},
)


def _product_by_rank(x, y, extra=0):
    """Cotangents of x @ y (or np.dot(x, y)) for vectors and matrices; `extra`: ranks of
    the rule's further parameters (np.dot's out_), all unknown."""
    pad = (None,) * extra
    return {
        (2, 2, *pad): {"vjp": {x: f"g @ {y}.T", y: f"{x}.T @ g"}},
        (1, 2, *pad): {"vjp": {x: f"{y} @ g", y: f"np.outer({x}, g)"}},
        (2, 1, *pad): {"vjp": {x: f"np.outer(g, {y})", y: f"{x}.T @ g"}},
        (1, 1, *pad): {"vjp": {x: f"g * {y}", y: f"g * {x}"}},
    }


# --- linear algebra -------------------------------------------------------------------------
# dot and inner are tensordots with particular axes (dot_axes / inner_axes
# also cover 0-d operands, where they are plain products).
linear(
    np.dot,
    "a, b, out_=None",
    jvp={"a": "np.dot(t, b)", "b": "np.dot(a, t)"},
    vjp={
        "a": "tensordot_da(g, a, b, dot_axes(a, b))",
        "b": "tensordot_db(g, a, b, dot_axes(a, b))",
    },
    by_rank=_product_by_rank("a", "b", extra=1),
)
linear(
    np.inner,
    "a, b",
    jvp={"a": "np.inner(t, b)", "b": "np.inner(a, t)"},
    vjp={
        "a": "tensordot_da(g, a, b, inner_axes(a, b))",
        "b": "tensordot_db(g, a, b, inner_axes(a, b))",
    },
)
linear(
    np.tensordot,
    "a, b, axes=2",
    jvp={"a": "np.tensordot(t, b, axes)", "b": "np.tensordot(a, t, axes)"},
    vjp={"a": "tensordot_da(g, a, b, axes)", "b": "tensordot_db(g, a, b, axes)"},
)
# np.outer flattens its inputs.
linear(
    np.outer,
    "a, b, out_=None",
    jvp={"a": "np.outer(t, b)", "b": "np.outer(a, t)"},
    vjp={
        "a": "np.reshape(np.dot(g, np.ravel(b)), np.shape(a))",
        "b": "np.reshape(np.dot(np.ravel(a), g), np.shape(b))",
    },
)
# np.matmul and the @ operator (looked up by ast.MatMult with parameters x, y).  For
# vectors and matrices (no batch axes to sum away) the cotangents are the products a
# person writes; matmul_da/matmul_db cover the rest (batches, unknown ranks).
_PRODUCT_BY_RANK = _product_by_rank("x", "y")
_MATMUL = dict(
    jvp={"x": "np.matmul(t, y)", "y": "np.matmul(x, t)"},
    vjp={"x": "matmul_da(g, x, y)", "y": "matmul_db(g, x, y)"},
    by_rank=_PRODUCT_BY_RANK,
)
linear(np.matmul, "x, y", **_MATMUL)
linear(ast.MatMult, "x, y", **_MATMUL)
# np.einsum(subscripts, *operands) with one to four operands; the interleaved
# form einsum(op, sublist, ...) is not supported.
_EINSUM_OPS = ("a", "b", "c", "d")
for _n in range(1, len(_EINSUM_OPS) + 1):
    _ops = _EINSUM_OPS[:_n]
    linear(
        np.einsum,
        "subscripts, " + ", ".join(_ops) + ", optimize=False",
        jvp={
            p: "np.einsum(subscripts, "
            + ", ".join("t" if q == p else q for q in _ops)
            + ", optimize=optimize)"
            for p in _ops
        },
        vjp={
            p: f"einsum_vjp(g, subscripts, {k}, " + ", ".join(_ops) + ")"
            for k, p in enumerate(_ops)
        },
    )
linear(
    np.trace,
    "a, offset=0, axis1=0, axis2=1, dtype=None, out_=None",
    jvp={"a": "np.trace(t, offset, axis1, axis2)"},
    vjp={"a": "trace_vjp(g, a, offset, axis1, axis2)"},
)
linear(
    np.linalg.norm,
    "x, ord=None, axis=None, keepdims=False",
    jvp={
        "x": "np.sum(t * norm_partials(x, out, ord, axis, keepdims), axis=axis, keepdims=keepdims)"
    },
    vjp={"x": "expand_reduced(g, x, axis, keepdims) * norm_partials(x, out, ord, axis, keepdims)"},
)
# d inv(A) = -inv(A) dA inv(A); transposed: -inv(A)^T g inv(A)^T (batched).
linear(
    np.linalg.inv,
    "a",
    jvp={"a": "-np.matmul(out, np.matmul(t, out))"},
    vjp={"a": "-np.matmul(np.swapaxes(out, -1, -2), np.matmul(g, np.swapaxes(out, -1, -2)))"},
)
# d det(A) = sum(cof(A) * dA): the cofactor matrix, exact for singular A too.
linear(
    np.linalg.det,
    "a",
    jvp={"a": "np.sum(det_cofactor(a) * t, axis=(-2, -1))"},
    vjp={"a": "scale_matrices(g, det_cofactor(a))"},
)
# x = solve(A, b): dx = solve(A, db - dA x); transposed: gb = solve(A^T, g), gA = -gb x^T.
linear(
    np.linalg.solve,
    "a, b",
    jvp={"a": "solve_jvp_a(t, a, b, out)", "b": "np.linalg.solve(a, t)"},
    vjp={"a": "solve_da(g, a, b, out)", "b": "solve_db(g, a, b)"},
)

# Cholesky reads a's lower triangle (the upper one gets a zero cotangent); upper=True
# finds no rule.  matrix_power: n an integer.  pinv: at fixed rank (autograd, JAX), so at
# a rank-deficient matrix it is the derivative along matrices of the same rank.
linear(
    np.linalg.cholesky,
    "a",
    jvp={"a": "cholesky_jvp(t, out)"},
    vjp={"a": "cholesky_vjp(g, out)"},
)
linear(
    np.linalg.matrix_power,
    "a, n",
    jvp={"a": "matrix_power_jvp(t, a, n)"},
    vjp={"a": "matrix_power_jvp(g, np.swapaxes(a, -1, -2), n)"},
)
linear(
    np.linalg.pinv,
    "a, rcond=None, hermitian=False",
    jvp={"a": "pinv_jvp(t, a, out)"},
    vjp={"a": "pinv_vjp(g, a, out)"},
)

# --- more of issue 13 -----------------------------------------------------------------------
# sinc'(0) = 0; sinc_d1 uses the series near 0, where (cos(pi x) - sinc(x)) / x cancels.
partials(np.sinc, "x", x="sinc_d1(x)")
# 1 where x is kept, 0 where NaN or +-inf is replaced by a constant
partials(np.nan_to_num, "x, copy=True, nan=0.0, posinf=None, neginf=None", x="np.isfinite(x)")
# where= and initial= on sums and means (initial adds a constant)
linear(
    np.sum,
    _RED + ", initial=None, where=True",
    jvp={"a": "np.sum(t, axis=axis, keepdims=keepdims, where=where)"},
    vjp={"a": _SPREAD + " * where"},
    result="reduce",
)
linear(
    np.mean,
    _RED + ", where=True",
    jvp={"a": "np.mean(t, axis=axis, keepdims=keepdims, where=where)"},
    vjp={
        "a": _SPREAD + " * where / expand_reduced(np.sum(np.broadcast_to(where, np.shape(a)), "
        "axis=axis, keepdims=keepdims), a, axis, keepdims)"
    },
    result="reduce",
)
# initial= and where= on the other reductions: where= leaves elements out (no derivative),
# initial= is a constant (np.max's may win: then no element gets the derivative)
for _f in (np.max, np.min, np.amax, np.amin):
    weighted_reduction(
        _f,
        "a, axis=None, out_=None, keepdims=False, initial=None, where=True",
        "chooser_where(a, out, axis, keepdims, where)",
    )
# np.prod's initial multiplies the product (its default, 1, as NumPy's)
_PROD_WHERE = "initial * prod_partials(np.where(where, a, 1.0), axis) * where"
weighted_reduction(np.prod, _RED + ", initial=1.0, where=True", _PROD_WHERE)
_W_COUNT = "np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=True)"
_W_DEVIATION = "(a - np.mean(a, axis=axis, keepdims=True, where=where)) * where"
_W_FLAT = f"({_STD} <= 3.6e-15 * np.max(np.abs(a), axis=axis, keepdims=True))"
for _f, _partial in (
    (np.var, f"2 * {_W_DEVIATION} / ({_W_COUNT} - ddof)"),
    (
        np.std,
        f"np.where({_W_FLAT}, 0.0, {_W_DEVIATION} / (({_W_COUNT} - ddof) * "
        f"np.where({_W_FLAT}, 1.0, {_STD})))",
    ),
):
    weighted_reduction(_f, _VAR + ", where=True", _partial)
# zero padding only (mode= and constant_values= find no rule)
linear(
    np.pad,
    "array, pad_width",
    jvp={"array": "np.pad(t, pad_width)"},
    vjp={"array": "pad_vjp(g, array, pad_width)"},
)
linear(
    np.rollaxis,
    "a, axis, start=0",
    jvp={"a": "np.rollaxis(t, axis, start)"},
    vjp={"a": "rollaxis_vjp(g, a, axis, start)"},
)
# linear in fp, in x the segment's slope (xp and period= have no rule); a `left` /
# `right` value is a constant
_ENDS = "None if left is None else 0.0, None if right is None else 0.0"
linear(
    np.interp,
    "x, xp, fp, left=None, right=None",
    jvp={"x": "t * interp_slope(x, xp, fp)", "fp": f"np.interp(x, xp, t, {_ENDS})"},
    vjp={"x": "g * interp_slope(x, xp, fp)", "fp": "interp_vjp(g, x, xp, fp, left, right)"},
)
# the first choice whose condition holds, else the default: piecewise in the conditions
linear(
    np.select,
    "condlist, choicelist, default=0",
    jvp={"choicelist": "np.select(condlist, t)", "default": "t * select_none(condlist)"},
    vjp={
        "choicelist": "select_vjp(g, condlist, choicelist)",
        "default": "unbroadcast(g * select_none(condlist), default)",
    },
)
# in m / x only (an active y, fweights= and aweights= find no rule)
_COV = "m, y, rowvar, bias, ddof"
linear(
    np.cov,
    "m, y=None, rowvar=True, bias=False, ddof=None",
    jvp={"m": f"cov_jvp(t, {_COV})"},
    vjp={"m": f"cov_vjp(g, {_COV})"},
)
linear(
    np.corrcoef,
    "x, y=None, rowvar=True",
    jvp={"x": "corrcoef_jvp(t, x, y, rowvar)"},
    vjp={"x": "corrcoef_vjp(g, x, y, rowvar)"},
)
_APPEND = "arr, values, axis"
linear(
    np.append,
    "arr, values, axis=None",
    jvp={
        "arr": f"append_embed(t, {_APPEND}, 'arr')",
        "values": f"append_embed(t, {_APPEND}, 'values')",
    },
    vjp={
        "arr": f"append_part(g, {_APPEND}, 'arr')",
        "values": f"append_part(g, {_APPEND}, 'values')",
    },
)
if hasattr(np, "row_stack"):  # deprecated in NumPy 2.0: np.vstack under another name
    linear(np.row_stack, "tup", jvp={"tup": "np.vstack(t)"}, vjp={"tup": "vstack_vjp(g, tup)"})

# --- shape operations (linear: jvp is the same op on t, vjp its inverse) ------------------------
# order='A' / 'K' follow the memory layout of `a`; the cotangent is C-ordered,
# so reshape/ravel are exact for order 'C' and 'F' (and for C-contiguous `a`).
linear(
    np.reshape,
    "a, shape=None, order='C', newshape=None, copy=None",
    jvp={"a": "np.reshape(t, np.shape(out), order=order)"},
    vjp={"a": "np.reshape(g, np.shape(a), order=order)"},
)
linear(
    np.ravel,
    "a, order='C'",
    jvp={"a": "np.ravel(t, order=order)"},
    vjp={"a": "np.reshape(g, np.shape(a), order=order)"},
)
linear(
    np.transpose,
    "a, axes=None",
    jvp={"a": "np.transpose(t, axes)"},
    vjp={"a": "transpose_vjp(g, axes)"},
)
linear(
    np.swapaxes,
    "a, axis1, axis2",
    jvp={"a": "np.swapaxes(t, axis1, axis2)"},
    vjp={"a": "np.swapaxes(g, axis1, axis2)"},
)
linear(
    np.moveaxis,
    "a, source, destination",
    jvp={"a": "np.moveaxis(t, source, destination)"},
    vjp={"a": "np.moveaxis(g, destination, source)"},
)
linear(
    np.expand_dims,
    "a, axis",
    jvp={"a": "np.expand_dims(t, axis)"},
    vjp={"a": "np.reshape(g, np.shape(a))"},
)
linear(
    np.squeeze,
    "a, axis=None",
    jvp={"a": "np.squeeze(t, axis)"},
    vjp={"a": "np.reshape(g, np.shape(a))"},
)
linear(
    np.broadcast_to,
    "array, shape, subok=False",
    jvp={"array": "np.broadcast_to(t, shape)"},
    vjp={"array": "unbroadcast(g, array)"},
)
linear(np.tile, "A, reps", jvp={"A": "np.tile(t, reps)"}, vjp={"A": "tile_vjp(g, A, reps)"})
linear(
    np.repeat,
    "a, repeats, axis=None",
    jvp={"a": "np.repeat(t, repeats, axis)"},
    vjp={"a": "repeat_vjp(g, a, repeats, axis)"},
)
linear(np.flip, "m, axis=None", jvp={"m": "np.flip(t, axis)"}, vjp={"m": "np.flip(g, axis)"})
linear(np.copy, "a, order='K', subok=False", jvp={"a": "np.copy(t)"}, vjp={"a": "g"})
# copy.copy / copy.deepcopy of a number or an array: the same value in new memory, of the
# same type (np.copy would make a Python int a 0-d array); the tangent is copied likewise.
linear(copy.copy, "x", jvp={"x": "copy.copy(t)"}, vjp={"x": "g"}, result="same")
linear(copy.deepcopy, "x, memo=None", jvp={"x": "copy.deepcopy(t)"}, vjp={"x": "g"}, result="same")
# Identity on float arrays; the cotangent returns to the input's shape and
# dtype (np.asarray(x, np.float32) of a float64 x gives a float64 cotangent).
linear(
    np.asarray,
    "a, dtype=None, order=None",
    jvp={"a": "np.asarray(t, dtype=dtype)"},
    vjp={"a": "asarray_vjp(g, a)"},
)
linear(
    np.array,
    "object, dtype=None, copy=True, order='K', subok=False, ndmin=0",
    jvp={"object": "np.array(t, dtype=dtype, ndmin=ndmin)"},
    vjp={"object": "asarray_vjp(g, object)"},
)
# np.float64(s), np.float32(s): casts, so identity for derivatives (as x.astype(dtype),
# JAX's convert_element_type and autograd): the tangent is cast as the value is (a
# float32 value gets a float32 tangent, which NumPy keeps float32 in arithmetic with
# Python floats), the cotangent goes back to the input's dtype.  The rounding itself has
# no derivative; tests compare with finite differences of the float64 computation.
linear(np.float64, "x", jvp={"x": "np.float64(t)"}, vjp={"x": "asarray_vjp(g, x)"})
linear(np.float32, "x", jvp={"x": "np.float32(t)"}, vjp={"x": "asarray_vjp(g, x)"})
# Joining a list of arrays: cotangents are lists (see module docstring).
linear(
    np.concatenate,
    "arrays, axis=0",
    jvp={"arrays": "np.concatenate(t, axis=axis)"},
    vjp={"arrays": "concatenate_vjp(g, arrays, axis)"},
)
linear(
    np.stack,
    "arrays, axis=0",
    jvp={"arrays": "np.stack(t, axis=axis)"},
    vjp={"arrays": "stack_vjp(g, arrays, axis)"},
)
linear(np.hstack, "tup", jvp={"tup": "np.hstack(t)"}, vjp={"tup": "hstack_vjp(g, tup)"})
linear(np.vstack, "tup", jvp={"tup": "np.vstack(t)"}, vjp={"tup": "vstack_vjp(g, tup)"})

# --- more linear and bilinear functions (issue 13) -------------------------------------------
# Self-transposing or inverse pairs: the jvp is the op on t, the vjp its transpose on g.
# (a 1-D `m` is taken as a row repeated into a square matrix: its cotangent is summed back)
for _f in (np.tril, np.triu):
    linear(
        _f,
        "m, k=0",
        jvp={"m": f"np.{_f.__name__}(t, k)"},
        vjp={"m": f"unbroadcast(np.{_f.__name__}(g, k), m)"},
    )
for _f in (np.flipud, np.fliplr):
    linear(_f, "m", jvp={"m": f"np.{_f.__name__}(t)"}, vjp={"m": f"np.{_f.__name__}(g)"})
linear(
    np.rot90,
    "m, k=1, axes=(0, 1)",
    jvp={"m": "np.rot90(t, k, axes)"},
    vjp={"m": "np.rot90(g, -k, axes)"},
)
linear(
    np.roll,
    "a, shift, axis=None",
    jvp={"a": "np.roll(t, shift, axis)"},
    vjp={"a": "np.roll(g, np.negative(shift), axis)"},
)
# one array only: with several, atleast_Nd returns a tuple (not supported)
for _f in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
    linear(
        _f, "ary", jvp={"ary": f"np.{_f.__name__}(t)"}, vjp={"ary": "np.reshape(g, np.shape(ary))"}
    )
# np.real is the identity on real input (a view); np.imag and np.angle of real input are
# constant (0, and 0 or pi by the sign).  Complex inputs are not supported.
linear(np.real, "val", jvp={"val": "np.real(t)"}, vjp={"val": "g"})
nondiff(np.imag, "array")
# np.real_if_close of real input returns the input itself
linear(np.real_if_close, "a, tol=100", jvp={"a": "t"}, vjp={"a": "g"})
nondiff(np.angle, "same")
# n-th differences (prepend= / append= find no rule: refused)
linear(
    np.diff,
    "a, n=1, axis=-1",
    jvp={"a": "np.diff(t, n, axis)"},
    vjp={"a": "diff_vjp(g, a, n, axis)"},
)
linear(np.diag, "v, k=0", jvp={"v": "np.diag(t, k)"}, vjp={"v": "diag_vjp(g, v, k)"})
linear(
    np.diagonal,
    "a, offset=0, axis1=0, axis2=1",
    jvp={"a": "np.diagonal(t, offset, axis1, axis2)"},
    vjp={"a": "diagonal_vjp(g, a, offset, axis1, axis2)"},
)
linear(
    np.take_along_axis,
    "arr, indices, axis=-1",
    jvp={"arr": "np.take_along_axis(t, indices, axis)"},
    vjp={"arr": "take_along_axis_vjp(g, arr, indices, axis)"},
)
# np.sort is a permutation of `a`: the one a stable argsort gives, so among equal elements
# each keeps its own derivative in order (any assignment is a valid derivative at a tie).
_SORTED = "np.argsort(a, axis=axis, kind='stable')"
linear(
    np.sort,
    "a, axis=-1, kind=None, order=None",
    jvp={"a": f"np.take_along_axis(t, {_SORTED}, axis)"},
    vjp={"a": f"take_along_axis_vjp(g, a, {_SORTED}, axis)"},
)
# np.partition's arrangement of the non-kth elements is its own: the permutation is read
# back from the result (permutation_of), not recomputed with np.argpartition
_PERM = "permutation_of(out, a, axis)"
linear(
    np.partition,
    "a, kth, axis=-1, kind='introselect', order=None",
    jvp={"a": f"np.take_along_axis(t, {_PERM}, axis)"},
    vjp={"a": f"take_along_axis_vjp(g, a, {_PERM}, axis)"},
)
linear(
    np.column_stack,
    "tup",
    jvp={"tup": "np.column_stack(t)"},
    vjp={"tup": "column_stack_vjp(g, tup)"},
)
# bilinear in y and the sample points x (the widths x[i+1] - x[i] are linear in x); not
# in the spacing dx (refused when it is active).  np.trapezoid is NumPy 2's name (np.trapz
# before)
_f = getattr(np, "trapezoid", None) or getattr(np, "trapz", None)
linear(
    _f,
    "y, x=None, dx=1.0, axis=-1",
    jvp={"y": f"np.{_f.__name__}(t, x, dx, axis)", "x": f"np.{_f.__name__}(y, t, dx, axis)"},
    vjp={"y": "trapezoid_vjp(g, y, x, dx, axis)", "x": "trapezoid_x_vjp(g, y, x, axis)"},
)
# sum_i p_i x^(N-1-i): linear in p; in x, the derivative polynomial
linear(
    np.polyval,
    "p, x",
    jvp={"p": "np.polyval(t, x)", "x": "t * np.polyval(np.polyder(p), x)"},
    vjp={
        "p": "np.dot(np.ravel(g), np.vander(np.ravel(x), np.size(p)))",
        "x": "g * np.polyval(np.polyder(p), x)",
    },
)
linear(
    np.vdot,
    "a, b",
    jvp={"a": "np.vdot(t, b)", "b": "np.vdot(a, t)"},
    vjp={
        "a": "np.reshape(g * np.ravel(b), np.shape(a))",
        "b": "np.reshape(g * np.ravel(a), np.shape(b))",
    },
    result="scalar",
)
# bilinear: each operand's cotangent is the other operand applied to g transposed
_CROSS = "axisa=-1, axisb=-1, axisc=-1, axis=None"
_CROSS_ARGS = "axisa, axisb, axisc, axis"
linear(
    np.cross,
    "a, b, " + _CROSS,
    jvp={"a": f"np.cross(t, b, {_CROSS_ARGS})", "b": f"np.cross(a, t, {_CROSS_ARGS})"},
    vjp={"a": f"cross_da(g, a, b, {_CROSS_ARGS})", "b": f"cross_db(g, a, b, {_CROSS_ARGS})"},
)
linear(
    np.kron,
    "a, b",
    jvp={"a": "np.kron(t, b)", "b": "np.kron(a, t)"},
    vjp={"a": "kron_da(g, a, b)", "b": "kron_db(g, a, b)"},
)
linear(
    np.convolve,
    "a, v, mode='full'",
    jvp={"a": "np.convolve(t, v, mode)", "v": "np.convolve(a, t, mode)"},
    vjp={"a": "convolve_da(g, a, v, mode)", "v": "convolve_db(g, a, v, mode)"},
)

# --- array creation -----------------------------------------------------------------------------
# The fill value and the end points carry a derivative; marking these
# functions non-differentiable would silently drop it (np.full(n, x)).
linear(
    np.full,
    "shape, fill_value, dtype=None, order='C'",
    jvp={"fill_value": "np.full(shape, t, dtype=dtype, order=order)"},
    vjp={"fill_value": "unbroadcast(g, fill_value)"},
)
# full_like(a, v): only a's shape and dtype matter, so a gets a zero cotangent.
# The price: the analysis marks the result active whenever `a` is, so
# np.full_like(x, 2.0) gets (useless) adjoint code until rules can declare
# parameters that carry no derivative (then `a` would be one of them).
linear(
    np.full_like,
    "a, fill_value, dtype=None, order='K', subok=True, shape=None",
    jvp={
        "a": "np.zeros_like(out)",
        "fill_value": "np.full_like(a, t, dtype=dtype, order=order, subok=subok, shape=shape)",
    },
    vjp={"a": "zeros_like(a)", "fill_value": "unbroadcast(g, fill_value)"},
)
# linspace is linear in (start, stop): out = start + w * (stop - start).
# retstep=True (a tuple result) is not supported.
linear(
    np.linspace,
    "start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0",
    jvp={
        "start": "np.linspace(t, 0 * stop, num, endpoint=endpoint, axis=axis)",
        "stop": "np.linspace(0 * start, t, num, endpoint=endpoint, axis=axis)",
    },
    vjp={
        "start": "linspace_vjp(g, start, stop, num, endpoint, axis, 'start')",
        "stop": "linspace_vjp(g, start, stop, num, endpoint, axis, 'stop')",
    },
)

# --- no derivative --------------------------------------------------------------------------------
for _f in (
    np.zeros,
    np.ones,
    np.empty,
    np.eye,
    np.identity,
    np.arange,
    np.zeros_like,
    np.ones_like,
    np.empty_like,
):
    nondiff(_f, "array")
# Piecewise constant: derivative zero almost everywhere.
for _f in (
    np.floor,
    np.ceil,
    np.round,
    np.around,
    np.rint,
    np.trunc,
    np.fix,
    np.sign,
    np.floor_divide,
):
    nondiff(_f, "same")
for _f in (
    np.shape,
    np.ndim,
    np.size,
    np.argmax,
    np.argmin,
    np.argsort,
    np.nonzero,
    np.count_nonzero,
    np.isnan,
    np.isclose,
    np.allclose,
    np.isinf,
    np.isfinite,
    np.all,
    np.any,
    np.equal,
    np.not_equal,
    np.less,
    np.less_equal,
    np.greater,
    np.greater_equal,
    np.logical_and,
    np.logical_or,
    np.logical_not,
    np.logical_xor,
    # predicates and index lookups: bools and integers (a scalar test, a bin's index)
    np.isscalar,
    np.iscomplexobj,
    np.isrealobj,
    np.isreal,
    np.iscomplex,
    np.isneginf,
    np.isposinf,
    np.signbit,
    np.array_equal,
    np.array_equiv,
    np.searchsorted,
    np.digitize,
    np.argwhere,
    np.flatnonzero,
    np.argpartition,
    np.lexsort,
    np.isin,
    # index tuples of an array's diagonal or triangles (`a[np.diag_indices_from(a)]`)
    np.diag_indices_from,
    np.tril_indices_from,
    np.triu_indices_from,
):
    nondiff(_f, "int")
# integer casts (np.int64(x)): integers, which carry no derivative, as int(x)
for _f in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
    nondiff(_f, "int")

# --- results that may share memory with an argument (views) -------------------------------
# Everything else in this table returns a new array (see aliasing.py).
for _f, _p in (
    (np.reshape, "a"),
    (np.ravel, "a"),
    (np.transpose, "a"),
    (np.swapaxes, "a"),
    (np.moveaxis, "a"),
    (np.expand_dims, "a"),
    (np.squeeze, "a"),
    (np.broadcast_to, "array"),
    (np.asarray, "a"),
    (np.flip, "m"),
    (np.flipud, "m"),
    (np.fliplr, "m"),
    (np.rot90, "m"),
    (np.atleast_1d, "ary"),
    (np.atleast_2d, "ary"),
    (np.atleast_3d, "ary"),
    (np.real, "val"),
    (np.real_if_close, "a"),
    (np.diag, "v"),
    (np.diagonal, "a"),
    (np.rollaxis, "a"),
):
    for _rule in RULES.lookup(_f):
        _rule.shares = (_p,)

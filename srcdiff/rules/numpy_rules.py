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
  equally among them (JAX and autograd).
* np.sqrt / np.cbrt at 0: inf, like JAX.  np.linalg.norm, np.hypot and np.std
  where the result is 0: 0 (JAX gives nan).
* np.sign, np.floor, np.round, ...: no derivative (zero almost everywhere);
  they are non-differentiable rules, so nothing flows through them.

Functions that take a list of arrays (np.concatenate, np.stack, np.hstack,
np.vstack) have vjps returning a *list* of cotangents, one per array, and
jvps taking a list of tangents; the transformer needs list support for
active arguments before it can use them.
"""

import ast
import math
from typing import Any

import numpy as np

from ..runtime import arrays as runtime_numpy
from ..runtime import core as runtime
from .core import RULES, Rule, make_rule, nondiff_rule

NS = {
    "np": np,
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


def linear(func, params, jvp, vjp, result="array", by_rank=None):
    """`result="reduce"`: a scalar unless `axis` or `keepdims` is given (see analysis);
    `by_rank`: spellings for known ranks of the parameters (core.make_rule)."""
    _add(make_rule(func, params, jvp=jvp, vjp=vjp, namespace=NS, result=result, by_rank=by_rank))


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
partials(np.deg2rad, "x", x="math.pi / 180")  # np.radians
partials(np.rad2deg, "x", x="180 / math.pi")  # np.degrees
partials(np.add, "x, y", x="1", y="1")
partials(np.subtract, "x, y", x="1", y="-1")
partials(np.multiply, "x, y", x="y", y="x")
partials(np.divide, "x, y", x="1 / y", y="-out / y")  # np.true_divide is np.divide
# Ties: half to each side (JAX, autograd).  fmax/fmin differ only for NaN,
# where the non-NaN argument is the one that equals the result.
_f: Any  # the primitive each loop below registers
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
partials(np.where, "condition, x, y", x="condition", y="np.logical_not(condition)", result="array")

# --- reductions ------------------------------------------------------------------------
# vjp: spread g back over the reduced axes, times d(output)/d(element);
# jvp: the tangent times the same partials, reduced the same way.
_RED = "a, axis=None, dtype=None, out_=None, keepdims=False"
_SPREAD = "expand_reduced(g, a, axis, keepdims)"
linear(
    np.sum,
    _RED,
    jvp={"a": "np.sum(t, axis=axis, keepdims=keepdims)"},
    vjp={"a": _SPREAD},
    result="reduce",
)
linear(
    np.mean,
    _RED,
    jvp={"a": "np.mean(t, axis=axis, keepdims=keepdims)"},
    vjp={"a": _SPREAD + " / reduced_size(a, axis)"},
    result="reduce",
)
# prod_partials: product of the other elements, exact with zeros (no division).
linear(
    np.prod,
    _RED,
    jvp={"a": "np.sum(t * prod_partials(a, axis), axis=axis, keepdims=keepdims)"},
    vjp={"a": _SPREAD + " * prod_partials(a, axis)"},
    result="reduce",
)
for _f in (np.max, np.min, np.amax, np.amin):
    linear(
        _f,
        "a, axis=None, out_=None, keepdims=False",
        jvp={
            "a": "np.sum(t * chooser_partials(a, out, axis, keepdims), axis=axis, "
            "keepdims=keepdims)"
        },
        vjp={"a": _SPREAD + " * chooser_partials(a, out, axis, keepdims)"},
        result="reduce",
    )
_VAR = "a, axis=None, dtype=None, out_=None, ddof=0, keepdims=False"
linear(
    np.var,
    _VAR,
    jvp={"a": "np.sum(t * var_partials(a, axis, ddof), axis=axis, keepdims=keepdims)"},
    vjp={"a": _SPREAD + " * var_partials(a, axis, ddof)"},
    result="reduce",
)
linear(
    np.std,
    _VAR,
    jvp={
        "a": "np.sum(t * std_partials(a, out, axis, ddof, keepdims), axis=axis, keepdims=keepdims)"
    },
    vjp={"a": _SPREAD + " * std_partials(a, out, axis, ddof, keepdims)"},
    result="reduce",
)
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
):
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
):
    for _rule in RULES.lookup(_f):
        _rule.shares = (_p,)

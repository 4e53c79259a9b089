"""Rules for the helpers in srcdiff/runtime_numpy.py, so generated NumPy code can be
differentiated again (Hessians: forward over reverse, reverse over reverse, forward
over forward).

Most helpers are linear in their first argument (a cotangent or a tangent): the jvp
is the same helper applied to the tangent, the vjp its transpose -- usually the NumPy
function the helper is the vjp of, or the sibling helper (matmul_da <-> matmul_db).
Arguments read only for their shape, dtype or axes are listed in ``zero=``.

Helpers that compute partial derivatives of primal values fall in two groups:

* piecewise constant (masks of ties and bounds: chooser_partials, balanced_eq,
  clip_partials) or integer valued (reduced_size, dot_axes, inner_axes): no
  derivative, as np.sign or np.floor;
* smooth (prod_partials, var_partials, std_partials, norm_partials, det_cofactor,
  the cumprod and solve helpers): real second derivatives.  Where no NumPy
  expression or existing helper can say them, runtime_numpy defines one (private,
  under "second-order helpers", so `srcdiff build` can copy it; this module binds
  it under its public name below).

Each helper is registered under its own parameter names in positional order,
renamed where runtime_numpy uses a reserved template name: the cotangent `g`
becomes `v`, a tangent `t` becomes `u`, a primal result `out` becomes `o`, `x` or
`s`.  Binding is positional, so generated calls bind whatever the names.

`o` (the result of np.cumprod) is a zero parameter of the cumprod helpers: it is
always np.cumprod(a) of the same `a`, so the jvp/vjp for `a` give the total
derivative, exact with zeros, and `o` carries no derivative of its own.
"""

import math

import numpy as np

from ..runtime import arrays as rn
from ..runtime import core as runtime
from .core import RULES, Rule, make_rule, nondiff_rule

# --- second-order helpers (the derivatives of runtime.arrays helpers) -----------------
# Defined in runtime.arrays (so `srcdiff build` can copy them); they have no rules of
# their own (third derivatives of these are not supported).
prod_partials_jvp = rn.prod_partials_jvp
cumprod_d2 = rn.cumprod_d2
cumprod_hess = rn.cumprod_hess
norm_partials_dx = rn.norm_partials_dx
norm_partials_ds = rn.norm_partials_ds
det_cofactor_jvp = rn.det_cofactor_jvp
sinc_d2 = rn.sinc_d2
solve_tgb = rn.solve_tgb
cholesky_jvp_dL = rn.cholesky_jvp_dL
cholesky_jvp_dL_t = rn.cholesky_jvp_dL_t
cholesky_vjp_dL = rn.cholesky_vjp_dL
cholesky_vjp_dL_t = rn.cholesky_vjp_dL_t
pinv_jvp_da = rn.pinv_jvp_da
pinv_vjp_da = rn.pinv_vjp_da
matrix_power_jvp_da = rn.matrix_power_jvp_da

# --- the rule table ------------------------------------------------------------------------

NS = {
    "np": np,
    "math": math,
    "unbroadcast": runtime.unbroadcast,
    **{
        name: obj
        for name, obj in vars(rn).items()
        if callable(obj)
        and not name.startswith("_")
        and getattr(obj, "__module__", None) == rn.__name__
    },
    "prod_partials_jvp": prod_partials_jvp,
    "cumprod_d2": cumprod_d2,
    "cumprod_hess": cumprod_hess,
    "norm_partials_dx": norm_partials_dx,
    "norm_partials_ds": norm_partials_ds,
    "det_cofactor_jvp": det_cofactor_jvp,
    "sinc_d2": sinc_d2,
    "solve_tgb": solve_tgb,
    "cholesky_jvp_dL": cholesky_jvp_dL,
    "cholesky_jvp_dL_t": cholesky_jvp_dL_t,
    "cholesky_vjp_dL": cholesky_vjp_dL,
    "cholesky_vjp_dL_t": cholesky_vjp_dL_t,
    "pinv_jvp_da": pinv_jvp_da,
    "pinv_vjp_da": pinv_vjp_da,
    "matrix_power_jvp_da": matrix_power_jvp_da,
}

#: Every rule this module registers, in order.
REGISTERED: list[Rule] = []


def rule(func, params, result="array", zero=(), **templates):
    r = make_rule(func, params, namespace=NS, result=result, zero=zero, **templates)
    REGISTERED.append(r)
    RULES.add(r)


def nondiff(func, result):
    r = nondiff_rule(func, result)
    REGISTERED.append(r)
    RULES.add(r)


# --- reductions --------------------------------------------------------------------------
# expand_reduced broadcasts v over the reduced axes; its transpose sums them again.
rule(
    rn.expand_reduced,
    "v, a, axis=None, keepdims=False",
    zero="a",
    jvp={"v": "expand_reduced(t, a, axis, keepdims)"},
    vjp={"v": "unbroadcast(np.sum(g, axis=axis, keepdims=keepdims), v)"},
)
nondiff(rn.reduced_size, "int")  # an element count: an integer
rule(
    rn.prod_partials,
    "a, axis=None",  # polynomial in a: the Hessian of np.prod
    jvp={"a": "prod_partials_jvp(t, a, axis)"},
    vjp={"a": "prod_partials_jvp(g, a, axis)"},
)
nondiff(rn.chooser_partials, "array")  # a mask of ties shared 1/k: piecewise constant
nondiff(rn.chooser_where, "array")  # the same over the elements where= selects
nondiff(rn.ptp_partials, "array")  # two such masks subtracted: piecewise constant
# linear in the tangent / cotangent; `a` gives only the sorted order (piecewise constant)
_QPARAMS = "a, q, axis=None, keepdims=False, method='linear', overwrite_input=False"
_QARGS = "a, q, axis, keepdims, method, overwrite_input"
rule(
    rn.quantile_jvp,
    "u, " + _QPARAMS,
    zero=("a", "q"),
    jvp={"u": f"quantile_jvp(t, {_QARGS})"},
    vjp={"u": f"quantile_vjp(g, {_QARGS})"},
)
rule(
    rn.quantile_vjp,
    "v, " + _QPARAMS,
    zero=("a", "q"),
    jvp={"v": f"quantile_vjp(t, {_QARGS})"},
    vjp={"v": f"quantile_jvp(g, {_QARGS})"},
)
# 2 (a - mean) / (N - ddof) is linear in a, and symmetric (a centring)
rule(
    rn.var_partials,
    "a, axis=None, ddof=0",
    jvp={"a": "var_partials(t, axis, ddof)"},
    vjp={"a": "var_partials(g, axis, ddof)"},
)
# (a - mean) / ((N - ddof) s): linear in a for fixed s; -partials / s in s
rule(
    rn.std_partials,
    "a, s, axis=None, ddof=0, keepdims=False",
    jvp={
        "a": "std_partials(t, s, axis, ddof, keepdims)",
        "s": "-std_partials(a, s, axis, ddof, keepdims) * "
        "expand_reduced(t / np.where(s == 0, 1, s), a, axis, keepdims)",
    },
    vjp={
        "a": "std_partials(g, s, axis, ddof, keepdims)",
        "s": "-np.sum(std_partials(a, s, axis, ddof, keepdims) * g, axis=axis, "
        "keepdims=keepdims) / np.where(s == 0, 1, s)",
    },
)
# smooth for ord None / 2 / 'fro' / p / 'nuc' / +-2; piecewise constant for the others
rule(
    rn.norm_partials,
    "x, s, ord=None, axis=None, keepdims=False",
    jvp={
        "x": "norm_partials_dx(t, x, s, ord, axis, keepdims)",
        "s": "norm_partials_ds(x, s, ord, axis, keepdims) * expand_reduced(t, x, axis, keepdims)",
    },
    vjp={
        "x": "norm_partials_dx(g, x, s, ord, axis, keepdims)",
        "s": "np.sum(norm_partials_ds(x, s, ord, axis, keepdims) * g, axis=axis, "
        "keepdims=keepdims)",
    },
)
# reversed cumulative sum: linear, the transpose of np.cumsum
rule(
    rn.cumsum_vjp,
    "v, a, axis=None",
    zero="a",
    jvp={"v": "cumsum_vjp(t, a, axis)"},
    vjp={"v": "np.cumsum(g, axis=axis)"},
)
# linear in v and u; in a, second derivatives of np.cumprod (o = np.cumprod(a): zero)
rule(
    rn.cumprod_vjp,
    "v, a, o, axis=None",
    zero="o",
    jvp={"v": "cumprod_vjp(t, a, o, axis)", "a": "cumprod_hess(t, v, a, o, axis)"},
    vjp={"v": "cumprod_jvp(g, a, o, axis)", "a": "cumprod_hess(g, v, a, o, axis)"},
)
rule(
    rn.cumprod_jvp,
    "u, a, o, axis=None",
    zero="o",
    jvp={"u": "cumprod_jvp(t, a, o, axis)", "a": "cumprod_d2(u, t, a, o, axis)"},
    vjp={"u": "cumprod_vjp(g, a, o, axis)", "a": "cumprod_hess(u, g, a, o, axis)"},
)

# --- elementwise ------------------------------------------------------------------------------
nondiff(rn.balanced_eq, "same")  # 1, 1/2 or 0 by comparisons: piecewise constant
nondiff(rn.clip_partials, "same")  # selects a, a bound or half of each: piecewise constant

# --- linear algebra ------------------------------------------------------------------------------
nondiff(rn.dot_axes, "other")  # axes: tuples of integers
nondiff(rn.inner_axes, "other")  # axes: tuples of integers
# bilinear: in the cotangent v and the other operand; the own operand gives only its shape
rule(
    rn.tensordot_da,
    "v, a, b, axes=2",
    zero="a",
    jvp={"v": "tensordot_da(t, a, b, axes)", "b": "tensordot_da(v, a, t, axes)"},
    vjp={"v": "np.tensordot(g, b, axes)", "b": "tensordot_db(v, g, b, axes)"},
)
rule(
    rn.tensordot_db,
    "v, a, b, axes=2",
    zero="b",
    jvp={"v": "tensordot_db(t, a, b, axes)", "a": "tensordot_db(v, t, b, axes)"},
    vjp={"v": "np.tensordot(a, g, axes)", "a": "tensordot_da(v, a, g, axes)"},
)
rule(
    rn.matmul_da,
    "v, a, b",
    zero="a",
    jvp={"v": "matmul_da(t, a, b)", "b": "matmul_da(v, a, t)"},
    vjp={"v": "np.matmul(g, b)", "b": "matmul_db(v, g, b)"},
)
rule(
    rn.matmul_db,
    "v, a, b",
    zero="b",
    jvp={"v": "matmul_db(t, a, b)", "a": "matmul_db(v, t, b)"},
    vjp={"v": "np.matmul(a, g)", "a": "matmul_da(v, a, g)"},
)
# einsum_vjp(v, subscripts, index, *operands), one rule per operand count (as np.einsum):
# multilinear in v and the operands other than operands[index], which gives only its
# shape -- `index` is known only at run time, hence `* (index != k)` and `g if index == k`.
_OPS = ("a", "b", "c", "d")
for _n in range(1, len(_OPS) + 1):
    _ops = _OPS[:_n]

    def _args(k, sub, ops=_ops):
        return ", ".join(sub if j == k else q for j, q in enumerate(ops))

    _with_g = ", ".join(f"(g if index == {j} else {q})" for j, q in enumerate(_ops))
    rule(
        rn.einsum_vjp,
        "v, subscripts, index, " + ", ".join(_ops),
        jvp={
            "v": f"einsum_vjp(t, subscripts, index, {', '.join(_ops)})",
            **{
                q: f"einsum_vjp(v, subscripts, index, {_args(k, 't')}) * (index != {k})"
                for k, q in enumerate(_ops)
            },
        },
        vjp={
            "v": f"np.einsum(subscripts, {_with_g})",
            **{
                q: f"einsum_vjp(v, subscripts, {k}, {_with_g}) * (index != {k})"
                for k, q in enumerate(_ops)
            },
        },
    )
rule(
    rn.trace_vjp,
    "v, a, offset=0, axis1=0, axis2=1",
    zero="a",
    jvp={"v": "trace_vjp(t, a, offset, axis1, axis2)"},
    vjp={"v": "np.trace(g, offset, axis1, axis2)"},
)
# the cofactor matrix is polynomial in a: the Hessian of det
rule(rn.det_cofactor, "a", jvp={"a": "det_cofactor_jvp(t, a)"}, vjp={"a": "det_cofactor_jvp(g, a)"})
rule(
    rn.scale_matrices,
    "v, m",
    jvp={"v": "scale_matrices(t, m)", "m": "scale_matrices(v, t)"},
    vjp={"v": "unbroadcast(np.sum(g * m, axis=(-2, -1)), v)", "m": "scale_matrices(v, g)"},
)
# solve helpers: linear in the cotangent/tangent and in x; rational in a; b gives its ndim.
# With gb = solve(a^T, v): solve_db = sum(gb), solve_da = -sum(gb x^T),
# solve_jvp_a = -solve(a, u x); d gb = -solve(a^T, solve_tgb(t, v, a, b)).
rule(
    rn.solve_db,
    "v, a, b",
    zero="b",
    jvp={"v": "solve_db(t, a, b)", "a": "solve_db(-solve_tgb(t, v, a, b), a, b)"},
    vjp={"v": "np.linalg.solve(a, g)", "a": "solve_da(v, a, b, np.linalg.solve(a, g))"},
)
rule(
    rn.solve_da,
    "v, a, b, x",
    zero="b",
    jvp={
        "v": "solve_da(t, a, b, x)",
        "x": "solve_da(v, a, b, t)",
        "a": "-solve_da(solve_tgb(t, v, a, b), a, b, x)",
    },
    vjp={
        "v": "solve_jvp_a(g, a, b, x)",
        "x": "-solve_tgb(g, v, a, b)",
        "a": "solve_da(v, a, b, solve_jvp_a(g, a, b, x))",
    },
)
rule(
    rn.solve_jvp_a,
    "u, a, b, x",
    zero="b",
    jvp={
        "u": "solve_jvp_a(t, a, b, x)",
        "x": "solve_jvp_a(u, a, b, t)",
        "a": "solve_jvp_a(t, a, b, solve_jvp_a(u, a, b, x))",
    },
    vjp={
        "u": "solve_da(g, a, b, x)",
        "x": "-solve_tgb(u, g, a, b)",
        "a": "solve_da(g, a, b, solve_jvp_a(u, a, b, x))",
    },
)

# linear in the tangent / cotangent, each the other's transpose; cholesky's also in the
# factor L (runtime.arrays gives those derivatives and their transposes); matrix_power's
# also in the matrix: matrix_power_jvp_da, the second derivative of a^n (symmetric in its
# two directions), whose transpose in s is the derivative of the vjp,
# matrix_power_jvp(g, a^T, n), in a along u: matrix_power_jvp_da(u^T, g, a^T, n)
rule(
    rn.cholesky_jvp,
    "u, L",
    jvp={"u": "cholesky_jvp(t, L)", "L": "cholesky_jvp_dL(t, u, L)"},
    vjp={"u": "cholesky_vjp(g, L)", "L": "cholesky_jvp_dL_t(g, u, L)"},
)
rule(
    rn.cholesky_vjp,
    "v, L",
    jvp={"v": "cholesky_vjp(t, L)", "L": "cholesky_vjp_dL(t, v, L)"},
    vjp={"v": "cholesky_jvp(g, L)", "L": "cholesky_vjp_dL_t(g, v, L)"},
)
rule(
    rn.matrix_power_jvp,
    "u, a, n",
    jvp={"u": "matrix_power_jvp(t, a, n)", "a": "matrix_power_jvp_da(t, u, a, n)"},
    vjp={
        "u": "matrix_power_jvp(g, np.swapaxes(a, -1, -2), n)",
        "a": "matrix_power_jvp_da(np.swapaxes(u, -1, -2), g, np.swapaxes(a, -1, -2), n)",
    },
)
# pinv's helpers: p is always pinv(a) of the same a (a zero parameter, as cumprod's o):
# the rules for a give the total derivative, the second derivative of pinv
# (pinv_jvp_da, symmetric in its two directions) and the Hessian of <v, pinv(a)> times a
# direction (pinv_vjp_da, its own transpose)
rule(
    rn.pinv_jvp,
    "u, a, p",
    zero="p",
    jvp={"u": "pinv_jvp(t, a, p)", "a": "pinv_jvp_da(t, u, a, p)"},
    vjp={"u": "pinv_vjp(g, a, p)", "a": "pinv_vjp_da(u, g, a, p)"},
)
rule(
    rn.pinv_vjp,
    "v, a, p",
    zero="p",
    jvp={"v": "pinv_vjp(t, a, p)", "a": "pinv_vjp_da(t, v, a, p)"},
    vjp={"v": "pinv_jvp(g, a, p)", "a": "pinv_vjp_da(g, v, a, p)"},
)

# --- shape operations: linear; the transpose is the NumPy function they undo ----------------------
rule(
    rn.transpose_vjp,
    "v, axes=None",
    jvp={"v": "transpose_vjp(t, axes)"},
    vjp={"v": "np.transpose(g, axes)"},
)
rule(
    rn.tile_vjp,
    "v, a, reps",
    zero="a",
    jvp={"v": "tile_vjp(t, a, reps)"},
    vjp={"v": "np.tile(g, reps)"},
)
rule(
    rn.repeat_vjp,
    "v, a, repeats, axis=None",
    zero="a",
    jvp={"v": "repeat_vjp(t, a, repeats, axis)"},
    vjp={"v": "np.repeat(g, repeats, axis)"},
)
rule(
    rn.asarray_vjp,
    "v, a",
    zero="a",
    jvp={"v": "asarray_vjp(t, a)"},
    vjp={"v": "np.reshape(g, np.shape(v))"},
)
# these return cotangents one per joined array (an array indexed like the list,
# rows_of); their transposes join them
rule(rn.rows_of, "parts", jvp={"parts": "rows_of(t)"}, vjp={"parts": "g"})
rule(
    rn.concatenate_vjp,
    "v, arrays, axis=0",
    zero="arrays",
    jvp={"v": "concatenate_vjp(t, arrays, axis)"},
    vjp={"v": "np.concatenate(g, axis=axis)"},
)
rule(
    rn.stack_vjp,
    "v, arrays, axis=0",
    zero="arrays",
    jvp={"v": "stack_vjp(t, arrays, axis)"},
    vjp={"v": "np.stack(g, axis=axis)"},
)
rule(
    rn.hstack_vjp, "v, tup", zero="tup", jvp={"v": "hstack_vjp(t, tup)"}, vjp={"v": "np.hstack(g)"}
)
rule(
    rn.vstack_vjp, "v, tup", zero="tup", jvp={"v": "vstack_vjp(t, tup)"}, vjp={"v": "np.vstack(g)"}
)

# --- structural helpers of issue 13: linear in v; the transpose is the op they undo ------------
rule(
    rn.diff_vjp,
    "v, a, n=1, axis=-1",
    zero="a",
    jvp={"v": "diff_vjp(t, a, n, axis)"},
    vjp={"v": "np.diff(g, n, axis)"},
)
rule(
    rn.diagonal_vjp,
    "v, a, offset=0, axis1=0, axis2=1",
    zero="a",
    jvp={"v": "diagonal_vjp(t, a, offset, axis1, axis2)"},
    vjp={"v": "np.diagonal(g, offset, axis1, axis2)"},
)
rule(rn.diag_vjp, "v, w, k=0", zero="w", jvp={"v": "diag_vjp(t, w, k)"}, vjp={"v": "np.diag(g, k)"})
rule(
    rn.take_along_axis_vjp,
    "v, arr, indices, axis=-1",
    zero="arr",
    jvp={"v": "take_along_axis_vjp(t, arr, indices, axis)"},
    vjp={"v": "np.take_along_axis(g, indices, axis)"},
)
_TRAPZ = "trapezoid" if hasattr(np, "trapezoid") else "trapz"  # NumPy 2 / 1
# bilinear in v and the sample points x (the spacing dx: no derivative here, refused if
# active); trapezoid_x_vjp is bilinear in v and y, x giving only its shape.  The four
# transposes pair up: <trapezoid_vjp(v, y, x), g> = <v, trapezoid(g, x)>.
rule(
    rn.trapezoid_vjp,
    "v, y, x=None, dx=1.0, axis=-1",
    zero="y",
    jvp={"v": "trapezoid_vjp(t, y, x, dx, axis)", "x": "trapezoid_vjp(v, y, t, dx, axis)"},
    vjp={"v": f"np.{_TRAPZ}(g, x, dx, axis)", "x": "trapezoid_x_vjp(v, g, x, axis)"},
)
rule(
    rn.trapezoid_x_vjp,
    "v, y, x, axis=-1",
    zero="x",
    jvp={"v": "trapezoid_x_vjp(t, y, x, axis)", "y": "trapezoid_x_vjp(v, t, x, axis)"},
    vjp={"v": f"np.{_TRAPZ}(y, g, 1.0, axis)", "y": "trapezoid_vjp(v, y, g, 1.0, axis)"},
)
rule(
    rn.column_stack_vjp,
    "v, tup",
    zero="tup",
    jvp={"v": "column_stack_vjp(t, tup)"},
    vjp={"v": "np.column_stack(g)"},
)
# bilinear, as tensordot_da/db: in v and the other operand; the own operand gives its shape
_BILINEAR = (
    (rn.cross_da, rn.cross_db, "np.cross", ", axisa=-1, axisb=-1, axisc=-1, axis=None"),
    (rn.kron_da, rn.kron_db, "np.kron", ""),
    (rn.convolve_da, rn.convolve_db, "np.convolve", ", mode='full'"),
)
for _da, _db, _op, _extra in _BILINEAR:
    _rest = ", ".join(p.split("=")[0].strip() for p in _extra.split(",") if p.strip())
    _rest = ", " + _rest if _rest else ""
    _na, _nb = _da.__name__, _db.__name__
    rule(
        _da,
        "v, a, b" + _extra,
        zero="a",
        jvp={"v": f"{_na}(t, a, b{_rest})", "b": f"{_na}(v, a, t{_rest})"},
        vjp={"v": f"{_op}(g, b{_rest})", "b": f"{_nb}(v, g, b{_rest})"},
    )
    rule(
        _db,
        "v, a, b" + _extra,
        zero="b",
        jvp={"v": f"{_nb}(t, a, b{_rest})", "a": f"{_nb}(v, t, b{_rest})"},
        vjp={"v": f"{_op}(a, g{_rest})", "a": f"{_na}(v, a, g{_rest})"},
    )

rule(
    rn.pad_vjp,
    "v, array, pad_width",
    zero="array",
    jvp={"v": "pad_vjp(t, array, pad_width)"},
    vjp={"v": "np.pad(g, pad_width)"},
)
rule(
    rn.rollaxis_vjp,
    "v, a, axis, start=0",
    zero="a",
    jvp={"v": "rollaxis_vjp(t, a, axis, start)"},
    vjp={"v": "np.rollaxis(g, axis, start)"},
)
rule(
    rn.interp_vjp,
    "v, x, xp, fp, left=None, right=None",
    zero="fp",
    # in x: each inside point's share moves between its two samples at v over the width
    jvp={"v": "interp_vjp(t, x, xp, fp, left, right)", "x": "interp_slope_vjp(v * t, x, xp, fp)"},
    vjp={
        "v": "np.interp(x, xp, g, None if left is None else 0.0, None if right is None else 0.0)",
        "x": "v * interp_slope(x, xp, g)",
    },
)
# the slope is piecewise constant in x, linear in fp
rule(
    rn.interp_slope,
    "x, xp, fp",
    zero="x",
    jvp={"fp": "interp_slope(x, xp, t)"},
    vjp={"fp": "interp_slope_vjp(g, x, xp, fp)"},
)
rule(
    rn.interp_slope_vjp,
    "v, x, xp, fp",
    zero=("x", "fp"),
    jvp={"v": "interp_slope_vjp(t, x, xp, fp)"},
    vjp={"v": "interp_slope(x, xp, g)"},
)
# cov_jvp / cov_vjp: linear in each array argument (y's rows, constant, become zeros)
_Z = "None if y is None else np.zeros_like(y)"
_C = "rowvar, bias, ddof"
rule(
    rn.cov_jvp,
    "u, m, y=None, rowvar=True, bias=False, ddof=None",
    jvp={"u": f"cov_jvp(t, m, y, {_C})", "m": f"cov_jvp(u, t, {_Z}, {_C})"},
    vjp={"u": f"cov_vjp(g, m, y, {_C})", "m": f"cov_vjp(g, u, {_Z}, {_C})"},
)
rule(
    rn.cov_vjp,
    "v, m, y=None, rowvar=True, bias=False, ddof=None",
    jvp={"v": f"cov_vjp(t, m, y, {_C})", "m": f"cov_vjp(v, t, {_Z}, {_C})"},
    vjp={"v": f"cov_jvp(g, m, y, {_C})", "m": f"cov_vjp(v, g, {_Z}, {_C})"},
)
# linear in the tangent / cotangent; no derivative in x (Hessians through corrcoef refused)
rule(
    rn.corrcoef_jvp,
    "u, x, y=None, rowvar=True",
    jvp={"u": "corrcoef_jvp(t, x, y, rowvar)"},
    vjp={"u": "corrcoef_vjp(g, x, y, rowvar)"},
)
rule(
    rn.corrcoef_vjp,
    "v, x, y=None, rowvar=True",
    jvp={"v": "corrcoef_vjp(t, x, y, rowvar)"},
    vjp={"v": "corrcoef_jvp(g, x, y, rowvar)"},
)
nondiff(rn.permutation_of, "array")  # indices: integer valued
nondiff(rn.select_none, "array")  # a mask from the conditions: piecewise constant
rule(
    rn.select_vjp,
    "v, condlist, choicelist",
    zero="choicelist",
    jvp={"v": "select_vjp(t, condlist, choicelist)"},
    vjp={"v": "np.select(condlist, g)"},
)
# the two are each other's transpose; arr and values give shapes only
for _f, _g in ((rn.append_part, "append_embed"), (rn.append_embed, "append_part")):
    rule(
        _f,
        "v, arr, values, axis=None, wrt='arr'",
        zero="arr, values",
        jvp={"v": f"{_f.__name__}(t, arr, values, axis, wrt)"},
        vjp={"v": f"{_g}(g, arr, values, axis, wrt)"},
    )
# sinc'' (sinc_d2 has no rule: third derivatives are refused)
rule(rn.sinc_d1, "x", result="same", partials={"x": "sinc_d2(x)"})

# --- array creation -----------------------------------------------------------------------------
# linear in v; the transpose is linspace from g (wrt 'start') or to g (wrt 'stop')
rule(
    rn.linspace_vjp,
    "v, start, stop, num=50, endpoint=True, axis=0, wrt='start'",
    zero="start, stop",
    jvp={"v": "linspace_vjp(t, start, stop, num, endpoint, axis, wrt)"},
    vjp={
        "v": "(np.linspace(g, 0 * stop, num, endpoint=endpoint, axis=axis) "
        "if wrt == 'start' else "
        "np.linspace(0 * start, g, num, endpoint=endpoint, axis=axis))"
    },
)

# They may return an argument itself, or a view of it (see aliasing.py).
for _rule in RULES.all():
    if getattr(_rule.func, "__module__", "") == rn.__name__:
        _rule.shares = tuple(p for p in _rule.params if p not in _rule.zero)

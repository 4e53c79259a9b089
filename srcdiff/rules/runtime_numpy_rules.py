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
  expression or existing helper can say them, this module defines one (below, in
  the style of runtime_numpy: each self-contained, NumPy and math only).

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

from .. import runtime
from .. import runtime_numpy as rn
from .core import RULES, make_rule, nondiff_rule

# --- second-order helpers (the derivatives of runtime_numpy helpers) -----------------

def prod_partials_jvp(t, a, axis=None):
    """Directional derivative of prod_partials(a, axis) along t: for each element i,
    sum over the others k of its group of t_k * prod_{j != i, k} a_j (the Hessian of
    np.prod times t; symmetric, so also its transpose).  Exact with zeros."""
    x = np.asarray(a)
    if x.dtype.kind not in "fc":
        x = x.astype(float)
    tt = np.broadcast_to(np.asarray(t, dtype=x.dtype), x.shape)
    nd = x.ndim
    if axis is None:
        axes = list(range(nd))
    else:
        axes = sorted({ax % nd for ax in (axis if isinstance(axis, (tuple, list)) else (axis,))})
    if not axes:
        return np.zeros_like(x)
    keep = [i for i in range(nd) if i not in axes]
    n = math.prod(x.shape[i] for i in axes)
    moved = np.transpose(x, keep + axes)
    flat = moved.reshape(moved.shape[:len(keep)] + (n,))
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
            dleft[..., i] = (dleft[..., i - 1] * flat[..., i - 1]
                             + left[..., i - 1] * tflat[..., i - 1])
            j = n - 1 - i
            right[..., j] = right[..., j + 1] * flat[..., j + 1]
            dright[..., j] = (dright[..., j + 1] * flat[..., j + 1]
                              + right[..., j + 1] * tflat[..., j + 1])
        d = dleft * right + left * dright
    return np.transpose(d.reshape(moved.shape), np.argsort(keep + axes))


def cumprod_d2(u, s, a, out, axis=None):
    """Second directional derivative of np.cumprod at `a` along u and s (symmetric in
    u, s), shaped like np.cumprod(a, axis); `out` is np.cumprod(a, axis).  Exact with zeros."""
    x = np.asarray(a)
    if x.dtype.kind not in "fc":
        x = x.astype(float)
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
    x = np.asarray(a)
    if x.dtype.kind not in "fc":
        x = x.astype(float)
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
        rev_gc = np.flip(np.cumsum(np.flip(go * c, 0), axis=0), 0)      # reversed cumsums
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
    X = np.asarray(x)
    if X.dtype.kind not in "fc":
        X = X.astype(float)
    T = np.broadcast_to(np.asarray(t, dtype=X.dtype), X.shape)
    nd = X.ndim
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(ax % nd for ax in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    matrix = len(axes) == 2 and (axis is not None or ord is not None)
    o = np.asarray(out, dtype=X.dtype)
    if not keepdims:
        o = np.expand_dims(o, tuple(sorted(axes)))
    safe = np.where(o == 0, 1, o)
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
            p = np.matmul(ut, np.matmul(tm, v))                          # U^T T V
            s2 = s * s
            diff = s2[..., None, :] - s2[..., :, None]                   # s_j^2 - s_i^2
            eye = np.eye(k, dtype=bool)
            f = np.where(eye, 0, 1 / np.where(eye, 1, diff))
            pt = np.swapaxes(p, -1, -2)
            du = np.matmul(u, f * (p * s[..., None, :] + s[..., :, None] * pt)) + \
                np.matmul(tm - np.matmul(u, np.matmul(ut, tm)), v) / s[..., None, :]
            dv = np.matmul(v, f * (s[..., :, None] * p + pt * s[..., None, :])) + \
                np.matmul(np.swapaxes(tm, -1, -2) - np.matmul(v, np.matmul(vh, np.swapaxes(
                    tm, -1, -2))), u) / s[..., None, :]
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
    X = np.asarray(x)
    if X.dtype.kind not in "fc":
        X = X.astype(float)
    nd = X.ndim
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(ax % nd for ax in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    matrix = len(axes) == 2 and (axis is not None or ord is not None)
    o = np.asarray(out, dtype=X.dtype)
    if not keepdims:
        o = np.expand_dims(o, tuple(sorted(axes)))
    safe = np.where(o == 0, 1, o)
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
    q = np.where(eye, 0, left * right)                     # Q_ik, zero on the diagonal
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


# --- the rule table ------------------------------------------------------------------------

NS = {"np": np, "math": math, "unbroadcast": runtime.unbroadcast,
      **{name: obj for name, obj in vars(rn).items()
         if callable(obj) and not name.startswith("_") and getattr(obj, "__module__", None)
         == rn.__name__},
      "prod_partials_jvp": prod_partials_jvp, "cumprod_d2": cumprod_d2,
      "cumprod_hess": cumprod_hess, "norm_partials_dx": norm_partials_dx,
      "norm_partials_ds": norm_partials_ds, "det_cofactor_jvp": det_cofactor_jvp,
      "solve_tgb": solve_tgb}

#: Every rule this module registers, in order.
REGISTERED = []


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
rule(rn.expand_reduced, "v, a, axis=None, keepdims=False", zero="a",
     jvp={"v": "expand_reduced(t, a, axis, keepdims)"},
     vjp={"v": "unbroadcast(np.sum(g, axis=axis, keepdims=keepdims), v)"})
nondiff(rn.reduced_size, "int")        # an element count: an integer
rule(rn.prod_partials, "a, axis=None",     # polynomial in a: the Hessian of np.prod
     jvp={"a": "prod_partials_jvp(t, a, axis)"}, vjp={"a": "prod_partials_jvp(g, a, axis)"})
nondiff(rn.chooser_partials, "array")  # a mask of ties shared 1/k: piecewise constant
# 2 (a - mean) / (N - ddof) is linear in a, and symmetric (a centring)
rule(rn.var_partials, "a, axis=None, ddof=0",
     jvp={"a": "var_partials(t, axis, ddof)"}, vjp={"a": "var_partials(g, axis, ddof)"})
# (a - mean) / ((N - ddof) s): linear in a for fixed s; -partials / s in s
rule(rn.std_partials, "a, s, axis=None, ddof=0, keepdims=False",
     jvp={"a": "std_partials(t, s, axis, ddof, keepdims)",
          "s": "-std_partials(a, s, axis, ddof, keepdims) * "
               "expand_reduced(t / np.where(s == 0, 1, s), a, axis, keepdims)"},
     vjp={"a": "std_partials(g, s, axis, ddof, keepdims)",
          "s": "-np.sum(std_partials(a, s, axis, ddof, keepdims) * g, axis=axis, "
               "keepdims=keepdims) / np.where(s == 0, 1, s)"})
# smooth for ord None / 2 / 'fro' / p / 'nuc' / +-2; piecewise constant for the others
rule(rn.norm_partials, "x, s, ord=None, axis=None, keepdims=False",
     jvp={"x": "norm_partials_dx(t, x, s, ord, axis, keepdims)",
          "s": "norm_partials_ds(x, s, ord, axis, keepdims) * "
               "expand_reduced(t, x, axis, keepdims)"},
     vjp={"x": "norm_partials_dx(g, x, s, ord, axis, keepdims)",
          "s": "np.sum(norm_partials_ds(x, s, ord, axis, keepdims) * g, axis=axis, "
               "keepdims=keepdims)"})
# reversed cumulative sum: linear, the transpose of np.cumsum
rule(rn.cumsum_vjp, "v, a, axis=None", zero="a",
     jvp={"v": "cumsum_vjp(t, a, axis)"}, vjp={"v": "np.cumsum(g, axis=axis)"})
# linear in v and u; in a, second derivatives of np.cumprod (o = np.cumprod(a): zero)
rule(rn.cumprod_vjp, "v, a, o, axis=None", zero="o",
     jvp={"v": "cumprod_vjp(t, a, o, axis)", "a": "cumprod_hess(t, v, a, o, axis)"},
     vjp={"v": "cumprod_jvp(g, a, o, axis)", "a": "cumprod_hess(g, v, a, o, axis)"})
rule(rn.cumprod_jvp, "u, a, o, axis=None", zero="o",
     jvp={"u": "cumprod_jvp(t, a, o, axis)", "a": "cumprod_d2(u, t, a, o, axis)"},
     vjp={"u": "cumprod_vjp(g, a, o, axis)", "a": "cumprod_hess(u, g, a, o, axis)"})

# --- elementwise ------------------------------------------------------------------------------
nondiff(rn.balanced_eq, "same")        # 1, 1/2 or 0 by comparisons: piecewise constant
nondiff(rn.clip_partials, "same")      # selects a, a bound or half of each: piecewise constant

# --- linear algebra ------------------------------------------------------------------------------
nondiff(rn.dot_axes, "other")          # axes: tuples of integers
nondiff(rn.inner_axes, "other")        # axes: tuples of integers
# bilinear: in the cotangent v and the other operand; the own operand gives only its shape
rule(rn.tensordot_da, "v, a, b, axes=2", zero="a",
     jvp={"v": "tensordot_da(t, a, b, axes)", "b": "tensordot_da(v, a, t, axes)"},
     vjp={"v": "np.tensordot(g, b, axes)", "b": "tensordot_db(v, g, b, axes)"})
rule(rn.tensordot_db, "v, a, b, axes=2", zero="b",
     jvp={"v": "tensordot_db(t, a, b, axes)", "a": "tensordot_db(v, t, b, axes)"},
     vjp={"v": "np.tensordot(a, g, axes)", "a": "tensordot_da(v, a, g, axes)"})
rule(rn.matmul_da, "v, a, b", zero="a",
     jvp={"v": "matmul_da(t, a, b)", "b": "matmul_da(v, a, t)"},
     vjp={"v": "np.matmul(g, b)", "b": "matmul_db(v, g, b)"})
rule(rn.matmul_db, "v, a, b", zero="b",
     jvp={"v": "matmul_db(t, a, b)", "a": "matmul_db(v, t, b)"},
     vjp={"v": "np.matmul(a, g)", "a": "matmul_da(v, a, g)"})
# einsum_vjp(v, subscripts, index, *operands), one rule per operand count (as np.einsum):
# multilinear in v and the operands other than operands[index], which gives only its
# shape -- `index` is known only at run time, hence `* (index != k)` and `g if index == k`.
_OPS = ("a", "b", "c", "d")
for _n in range(1, len(_OPS) + 1):
    _ops = _OPS[:_n]

    def _args(k, sub, ops=_ops):
        return ", ".join(sub if j == k else q for j, q in enumerate(ops))

    _with_g = ", ".join(f"(g if index == {j} else {q})" for j, q in enumerate(_ops))
    rule(rn.einsum_vjp, "v, subscripts, index, " + ", ".join(_ops),
         jvp={"v": f"einsum_vjp(t, subscripts, index, {', '.join(_ops)})",
              **{q: f"einsum_vjp(v, subscripts, index, {_args(k, 't')}) * (index != {k})"
                 for k, q in enumerate(_ops)}},
         vjp={"v": f"np.einsum(subscripts, {_with_g})",
              **{q: f"einsum_vjp(v, subscripts, {k}, {_with_g}) * (index != {k})"
                 for k, q in enumerate(_ops)}})
rule(rn.trace_vjp, "v, a, offset=0, axis1=0, axis2=1", zero="a",
     jvp={"v": "trace_vjp(t, a, offset, axis1, axis2)"},
     vjp={"v": "np.trace(g, offset, axis1, axis2)"})
# the cofactor matrix is polynomial in a: the Hessian of det
rule(rn.det_cofactor, "a", jvp={"a": "det_cofactor_jvp(t, a)"},
     vjp={"a": "det_cofactor_jvp(g, a)"})
rule(rn.scale_matrices, "v, m",
     jvp={"v": "scale_matrices(t, m)", "m": "scale_matrices(v, t)"},
     vjp={"v": "unbroadcast(np.sum(g * m, axis=(-2, -1)), v)", "m": "scale_matrices(v, g)"})
# solve helpers: linear in the cotangent/tangent and in x; rational in a; b gives its ndim.
# With gb = solve(a^T, v): solve_db = sum(gb), solve_da = -sum(gb x^T),
# solve_jvp_a = -solve(a, u x); d gb = -solve(a^T, solve_tgb(t, v, a, b)).
rule(rn.solve_db, "v, a, b", zero="b",
     jvp={"v": "solve_db(t, a, b)", "a": "solve_db(-solve_tgb(t, v, a, b), a, b)"},
     vjp={"v": "np.linalg.solve(a, g)", "a": "solve_da(v, a, b, np.linalg.solve(a, g))"})
rule(rn.solve_da, "v, a, b, x", zero="b",
     jvp={"v": "solve_da(t, a, b, x)", "x": "solve_da(v, a, b, t)",
          "a": "-solve_da(solve_tgb(t, v, a, b), a, b, x)"},
     vjp={"v": "solve_jvp_a(g, a, b, x)", "x": "-solve_tgb(g, v, a, b)",
          "a": "solve_da(v, a, b, solve_jvp_a(g, a, b, x))"})
rule(rn.solve_jvp_a, "u, a, b, x", zero="b",
     jvp={"u": "solve_jvp_a(t, a, b, x)", "x": "solve_jvp_a(u, a, b, t)",
          "a": "solve_jvp_a(t, a, b, solve_jvp_a(u, a, b, x))"},
     vjp={"u": "solve_da(g, a, b, x)", "x": "-solve_tgb(u, g, a, b)",
          "a": "solve_da(g, a, b, solve_jvp_a(u, a, b, x))"})

# --- shape operations: linear; the transpose is the NumPy function they undo ----------------------
rule(rn.transpose_vjp, "v, axes=None",
     jvp={"v": "transpose_vjp(t, axes)"}, vjp={"v": "np.transpose(g, axes)"})
rule(rn.tile_vjp, "v, a, reps", zero="a",
     jvp={"v": "tile_vjp(t, a, reps)"}, vjp={"v": "np.tile(g, reps)"})
rule(rn.repeat_vjp, "v, a, repeats, axis=None", zero="a",
     jvp={"v": "repeat_vjp(t, a, repeats, axis)"}, vjp={"v": "np.repeat(g, repeats, axis)"})
rule(rn.asarray_vjp, "v, a", zero="a",
     jvp={"v": "asarray_vjp(t, a)"}, vjp={"v": "np.reshape(g, np.shape(v))"})
# these return lists of cotangents (one per joined array); their transposes join them
rule(rn.concatenate_vjp, "v, arrays, axis=0", zero="arrays",
     jvp={"v": "concatenate_vjp(t, arrays, axis)"}, vjp={"v": "np.concatenate(g, axis=axis)"})
rule(rn.stack_vjp, "v, arrays, axis=0", zero="arrays",
     jvp={"v": "stack_vjp(t, arrays, axis)"}, vjp={"v": "np.stack(g, axis=axis)"})
rule(rn.hstack_vjp, "v, tup", zero="tup",
     jvp={"v": "hstack_vjp(t, tup)"}, vjp={"v": "np.hstack(g)"})
rule(rn.vstack_vjp, "v, tup", zero="tup",
     jvp={"v": "vstack_vjp(t, tup)"}, vjp={"v": "np.vstack(g)"})

# --- array creation -----------------------------------------------------------------------------
# linear in v; the transpose is linspace from g (wrt 'start') or to g (wrt 'stop')
rule(rn.linspace_vjp, "v, start, stop, num=50, endpoint=True, axis=0, wrt='start'",
     zero="start, stop",
     jvp={"v": "linspace_vjp(t, start, stop, num, endpoint, axis, wrt)"},
     vjp={"v": "(np.linspace(g, 0 * stop, num, endpoint=endpoint, axis=axis) "
               "if wrt == 'start' else "
               "np.linspace(0 * start, g, num, endpoint=endpoint, axis=axis))"})

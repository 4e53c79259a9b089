"""Rules for NumPy functions returning several arrays: numpy.linalg's slogdet, eigh,
eig, svd, qr and lstsq, np.frexp, np.modf, and np.split / array_split / hsplit / vsplit /
dsplit; and for np.linalg.multi_dot, which takes a list of arrays.

Such a rule is used where its call is unpacked (`w, v = np.linalg.eigh(a)`) or
indexed (`np.linalg.slogdet(a)[1]`).  Its templates see `out` as the tuple of results
and `g` as one cotangent per result (g[0], g[1], ...), and its jvp returns one tangent
per result; the helpers live in runtime/linalg.py.  Where the derivative does not
exist -- eigenvectors or singular vectors of coinciding eigenvalues or singular values,
the arbitrary extra columns of svd(a, full_matrices=True) of a non-square matrix,
complex eigenvalues of eig -- the helpers raise a DomainError saying so when the code
runs.

Second order: the helpers of slogdet, multi_dot and the splits, and the jvps and vjps of
eigh, eig, svd, qr and lstsq have rules (below), so Hessians through them work in every
mode (forward over forward differentiates the jvp helpers, the other modes the vjp
helpers).  np.linalg.qr of a wide matrix (R not square) has no derivative here, as in
JAX and PyTorch: a DomainError when the code runs.
"""

import math

import numpy as np

from ..runtime import linalg as rl
from .core import RULES, Rule, make_rule

NS = {
    "np": np,
    "math": math,
    **{name: getattr(rl, name) for name in rl.__all__},
}

#: Every rule this module registers, in order.
REGISTERED: list[Rule] = []


def _add(func, params, jvp, vjp, shares=(), several=True):
    rule = make_rule(func, params, jvp=jvp, vjp=vjp, namespace=NS, result="array")
    rule.shares = shares
    rule.several = several
    REGISTERED.append(rule)
    RULES.add(rule)


# --- np.frexp ----------------------------------------------------------------------------------
# (mantissa, exponent), x = mantissa * 2**exponent: the mantissa's derivative is
# 2**-exponent, the integer exponent's none (piecewise constant, as in JAX)
_FREXP_SCALE = "np.ldexp(np.ones_like(x), -out[1])"
_add(
    np.frexp,
    "x",
    jvp={"x": f"(t * {_FREXP_SCALE}, np.zeros(np.shape(out[1])))"},
    vjp={"x": f"g[0] * {_FREXP_SCALE}"},
)

# --- np.modf --------------------------------------------------------------------------------
# (fractional part, integral part): x = frac + whole, the integral part piecewise constant
# (no derivative, as np.trunc), so the fractional part's derivative is 1
_add(
    np.modf,
    "x",
    jvp={"x": "(t + np.zeros(np.shape(out[0])), np.zeros(np.shape(out[1])))"},
    vjp={"x": "g[0] + np.zeros(np.shape(x))"},
)

# --- numpy.linalg ---------------------------------------------------------------------------
_add(np.linalg.slogdet, "a", jvp={"a": "slogdet_jvp(t, a)"}, vjp={"a": "slogdet_vjp(g, a)"})
_add(
    np.linalg.eigh,
    "a, UPLO='L'",
    jvp={"a": "eigh_jvp(t, a, out, UPLO)"},
    vjp={"a": "eigh_vjp(g, a, out, UPLO)"},
)
_add(np.linalg.eig, "a", jvp={"a": "eig_jvp(t, a, out)"}, vjp={"a": "eig_vjp(g, a, out)"})
# (what generated code calls for np.linalg.eig: real arrays where NumPy 2.5 gives complex)
_add(rl.eig_real, "a", jvp={"a": "eig_jvp(t, a, out)"}, vjp={"a": "eig_vjp(g, a, out)"})
_add(
    np.linalg.svd,
    "a, full_matrices=True, compute_uv=True, hermitian=False",
    jvp={"a": "svd_jvp(t, a, out, full_matrices, compute_uv)"},
    vjp={"a": "svd_vjp(g, a, out, full_matrices, compute_uv)"},
)
_add(
    np.linalg.qr,
    "a, mode='reduced'",
    jvp={"a": "qr_jvp(t, a, out, mode)"},
    vjp={"a": "qr_vjp(g, a, out, mode)"},
)
_add(
    np.linalg.lstsq,
    "a, b, rcond=None",
    jvp={"a": "lstsq_jvp(t, None, a, b, out)", "b": "lstsq_jvp(None, t, a, b, out)"},
    vjp={"a": "lstsq_vjp_a(g, a, b, out)", "b": "lstsq_vjp_b(g, a, b, out)"},
)

# multi_dot of a list of arrays: its cotangents are a list (one per array)
_add(
    np.linalg.multi_dot,
    "arrays, out_=None",
    jvp={"arrays": "multi_dot_jvp(t, arrays)"},
    vjp={"arrays": "multi_dot_vjp(g, arrays)"},
    several=False,
)

# --- splits: linear; the pieces are views of the array ----------------------------------------
#: NumPy functions returning a new list of arrays (compiler/split_lists.py)
LIST_RESULTS = (np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
for _split in (np.split, np.array_split):
    _add(
        _split,
        "ary, indices_or_sections, axis=0",
        jvp={"ary": f"np.{_split.__name__}(t, indices_or_sections, axis)"},
        vjp={"ary": "split_vjp(g, ary, axis)"},
        shares=("ary",),
    )
for _f, _axis in (
    (np.hsplit, "1 if np.ndim(ary) > 1 else 0"),
    (np.vsplit, "0"),
    (np.dsplit, "2"),
):
    _add(
        _f,
        "ary, indices_or_sections",
        jvp={"ary": f"np.{_f.__name__}(t, indices_or_sections)"},
        vjp={"ary": f"split_vjp(g, ary, {_axis})"},
        shares=("ary",),
    )


# --- the helpers' own rules (second order) ---------------------------------------------------
def _helper(func, params, zero=(), several=False, **templates):
    """A runtime helper's own rule.  `several`: it returns a tuple or list of arrays, so
    the tangents of its parameters add per item (add_each), not with `+`, which would
    join the two sequences."""
    rule = make_rule(func, params, namespace=NS, result="array", zero=zero, **templates)
    rule.shares = tuple(p for p in rule.params if p not in rule.zero)
    rule.several = several
    REGISTERED.append(rule)
    RULES.add(rule)


# slogdet_vjp(v, a) = v[1] a^-T: linear in v (its transpose is slogdet_jvp); in a, the
# derivative along u is slogdet_vjp_da(u, v, a), which is its own transpose.
_helper(
    rl.slogdet_vjp,
    "v, a",
    jvp={"v": "slogdet_vjp(t, a)", "a": "slogdet_vjp_da(t, v, a)"},
    vjp={"v": "slogdet_jvp(g, a)", "a": "slogdet_vjp_da(g, v, a)"},
)
_helper(
    rl.slogdet_jvp,
    "u, a",
    jvp={"u": "slogdet_jvp(t, a)", "a": "slogdet_jvp_da(t, u, a)"},
    vjp={"u": "slogdet_vjp(g, a)", "a": "slogdet_vjp_da(u, g, a)"},
    several=True,
)
# eigh_vjp(v, a, o, UPLO) (o: the results (w, V)): linear in v, its transpose eigh_jvp;
# in o, eigh_vjp_do and its transpose eigh_vjp_do_t; it does not read a.
_helper(
    rl.eigh_vjp,
    "v, a, o, UPLO='L'",
    zero="a",
    jvp={"v": "eigh_vjp(t, a, o, UPLO)", "o": "eigh_vjp_do(t, v, o, UPLO)"},
    vjp={"v": "eigh_jvp(g, a, o, UPLO)", "o": "eigh_vjp_do_t(g, v, o, UPLO)"},
)
# eig_vjp(v, a, o) and svd_vjp(v, a, o, ...) (o: the results of eig(a), svd(a, ...)):
# linear in v, their transposes eig_jvp and svd_jvp.  o is a zero parameter: it is always
# the decomposition of the same a, so the rule for a gives the total derivative, as for
# the cumprod helpers -- the Hessian of <v, eig(a)> (<v, svd(a)>) times a direction,
# symmetric, so eig_vjp_da (svd_vjp_da) is its own transpose.
_helper(
    rl.eig_vjp,
    "v, a, o",
    zero="o",
    jvp={"v": "eig_vjp(t, a, o)", "a": "eig_vjp_da(t, v, a, o)"},
    vjp={"v": "eig_jvp(g, a, o)", "a": "eig_vjp_da(g, v, a, o)"},
)
_helper(
    rl.svd_vjp,
    "v, a, o, full_matrices=True, compute_uv=True",
    zero="o",
    jvp={
        "v": "svd_vjp(t, a, o, full_matrices, compute_uv)",
        "a": "svd_vjp_da(t, v, a, o, full_matrices, compute_uv)",
    },
    vjp={
        "v": "svd_jvp(g, a, o, full_matrices, compute_uv)",
        "a": "svd_vjp_da(g, v, a, o, full_matrices, compute_uv)",
    },
)
# qr_vjp(v, a, o, mode) (o: the results (Q, R)): linear in v, its transpose qr_jvp; o
# a zero parameter as for eig, the derivative in a (qr_vjp_da) its own transpose
_helper(
    rl.qr_vjp,
    "v, a, o, mode='reduced'",
    zero="o",
    jvp={"v": "qr_vjp(t, a, o, mode)", "a": "qr_vjp_da(t, v, a, o, mode)"},
    vjp={"v": "qr_jvp(g, a, o, mode)", "a": "qr_vjp_da(g, v, a, o, mode)"},
)
# lstsq_vjp_a and lstsq_vjp_b (v, a, b, o; o the results of lstsq(a, b), a zero parameter
# as above): linear in v, their transpose lstsq_jvp; in a and b, the blocks of the
# Hessian of <v, lstsq(a, b)> times a direction (lstsq_hvp), each block's transpose
# another block
_helper(
    rl.lstsq_vjp_a,
    "v, a, b, o",
    zero="o",
    jvp={
        "v": "lstsq_vjp_a(t, a, b, o)",
        "a": "lstsq_hvp(t, None, v, a, b, o)[0]",
        "b": "lstsq_hvp(None, t, v, a, b, o)[0]",
    },
    vjp={
        "v": "lstsq_jvp(g, None, a, b, o)",
        "a": "lstsq_hvp(g, None, v, a, b, o)[0]",
        "b": "lstsq_hvp(g, None, v, a, b, o)[1]",
    },
)
_helper(
    rl.lstsq_vjp_b,
    "v, a, b, o",
    zero="o",
    jvp={
        "v": "lstsq_vjp_b(t, a, b, o)",
        "a": "lstsq_hvp(t, None, v, a, b, o)[1]",
        "b": "lstsq_hvp(None, t, v, a, b, o)[1]",
    },
    vjp={
        "v": "lstsq_jvp(None, g, a, b, o)",
        "a": "lstsq_hvp(None, g, v, a, b, o)[0]",
        "b": "lstsq_hvp(None, g, v, a, b, o)[1]",
    },
)
# The jvp helpers (forward over forward), each linear in its tangent u, with the vjp
# helper as its transpose.  eigh_jvp(u, a, o, UPLO) as eigh_vjp: in o, eigh_jvp_do and
# its transpose eigh_jvp_do_t.  The others as their vjps: o a zero parameter, so the rule
# for a is the total derivative, the second derivative of the decomposition in the
# directions u and t (X_jvp_da, symmetric in them); its transpose in t is then the
# derivative of the vjp helper in a along u (X_vjp_da, lstsq_hvp): <g, D2[u, t]> is
# <X_vjp_da(u, g), t>.
_helper(
    rl.eigh_jvp,
    "u, a, o, UPLO='L'",
    zero="a",
    several=True,
    jvp={"u": "eigh_jvp(t, a, o, UPLO)", "o": "eigh_jvp_do(t, u, o, UPLO)"},
    vjp={"u": "eigh_vjp(g, a, o, UPLO)", "o": "eigh_jvp_do_t(g, u, o, UPLO)"},
)
_helper(
    rl.eig_jvp,
    "u, a, o",
    zero="o",
    several=True,
    jvp={"u": "eig_jvp(t, a, o)", "a": "eig_jvp_da(t, u, a, o)"},
    vjp={"u": "eig_vjp(g, a, o)", "a": "eig_vjp_da(u, g, a, o)"},
)
_helper(
    rl.svd_jvp,
    "u, a, o, full_matrices=True, compute_uv=True",
    zero="o",
    several=True,
    jvp={
        "u": "svd_jvp(t, a, o, full_matrices, compute_uv)",
        "a": "svd_jvp_da(t, u, a, o, full_matrices, compute_uv)",
    },
    vjp={
        "u": "svd_vjp(g, a, o, full_matrices, compute_uv)",
        "a": "svd_vjp_da(u, g, a, o, full_matrices, compute_uv)",
    },
)
_helper(
    rl.qr_jvp,
    "u, a, o, mode='reduced'",
    zero="o",
    several=True,
    jvp={"u": "qr_jvp(t, a, o, mode)", "a": "qr_jvp_da(t, u, a, o, mode)"},
    vjp={"u": "qr_vjp(g, a, o, mode)", "a": "qr_vjp_da(u, g, a, o, mode)"},
)
# lstsq_jvp(u_a, u_b, a, b, o): either direction may be None
_helper(
    rl.lstsq_jvp,
    "ua, ub, a, b, o",
    zero="o",
    several=True,
    jvp={
        "ua": "lstsq_jvp(t, None, a, b, o)",
        "ub": "lstsq_jvp(None, t, a, b, o)",
        "a": "lstsq_jvp_da(t, None, ua, ub, a, b, o)",
        "b": "lstsq_jvp_da(None, t, ua, ub, a, b, o)",
    },
    vjp={
        "ua": "lstsq_vjp_a(g, a, b, o)",
        "ub": "lstsq_vjp_b(g, a, b, o)",
        "a": "lstsq_hvp(ua, ub, g, a, b, o)[0]",
        "b": "lstsq_hvp(ua, ub, g, a, b, o)[1]",
    },
)
# multi_dot's helpers: linear in the (co)tangent, each the other's transpose; in the
# arrays, multi_dot_vjp_da (its own transpose) and multi_dot_jvp_da (with its transpose)
_helper(
    rl.multi_dot_vjp,
    "v, arrays",
    jvp={"v": "multi_dot_vjp(t, arrays)", "arrays": "multi_dot_vjp_da(t, v, arrays)"},
    vjp={"v": "multi_dot_jvp(g, arrays)", "arrays": "multi_dot_vjp_da(g, v, arrays)"},
)
_helper(
    rl.multi_dot_jvp,
    "u, arrays",
    jvp={"u": "multi_dot_jvp(t, arrays)", "arrays": "multi_dot_jvp_da(t, u, arrays)"},
    vjp={"u": "multi_dot_vjp(g, arrays)", "arrays": "multi_dot_jvp_da_t(g, u, arrays)"},
)
# split_vjp(v, ary, axis) joins the pieces v: its transpose splits g like them
_helper(
    rl.split_vjp,
    "v, ary, axis=0",
    zero="ary",
    jvp={"v": "split_vjp(t, ary, axis)"},
    vjp={"v": "split_pieces(g, v, axis)"},
)
_helper(
    rl.split_pieces,
    "h, v, axis=0",
    zero="v",
    jvp={"h": "split_pieces(t, v, axis)"},
    vjp={"h": "split_vjp(g, h, axis)"},
)

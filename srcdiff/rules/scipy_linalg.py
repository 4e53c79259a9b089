"""Rules for `scipy.linalg`: triangular, banded, general, Cholesky and Sylvester solves, inverse,
determinant, Cholesky factor, matrix exponential and square root.

Imported by the rule table once `scipy.linalg` is in sys.modules (rules/__init__.py),
never by `import srcdiff`.  Templates say `sla.xxx` (the module scipy.linalg) and call
the helpers of runtime/special.py, which have rules here, so Hessians work.

What each rule covers, and why no more:

* solve_triangular(a, b, trans, lower, unit_diagonal): only the triangle of `a` the
  solver reads gets a cotangent (without the diagonal for unit_diagonal=True); the
  rest of `a` is never read, so its derivative is 0, as for np.linalg.cholesky.
* cholesky(a, lower): scipy's default is the upper factor U (a = U^T U), read from a's
  upper triangle; lower=True gives np.linalg.cholesky's L from the lower triangle.
* solve(a, b), inv(a), det(a): the general matrix (no `assume_a=`, whose 'sym' / 'pos'
  read one triangle, nor `transposed=`).
* expm(A): the derivative along E is the Frechet derivative L(A, E), the top-right
  block of expm([[A, E], [0, A]]) (runtime/special.py); for real A the transpose of
  E -> L(A, E) is G -> L(A^T, G).
* `overwrite_a=` / `overwrite_b=` are not parameters of any rule: they would destroy
  an argument the backward sweep reads, so a call passing them is refused.
"""

import math

import numpy as np
import scipy.linalg as sla

from ..runtime import arrays as runtime_arrays
from ..runtime import special as rs
from .core import RULES, Rule, make_rule

NS = {
    "np": np,
    "math": math,
    "sla": sla,
    **{name: getattr(rs, name) for name in rs.__all__},
    **{
        name: getattr(runtime_arrays, name)
        for name in ("solve_jvp_a", "solve_da", "solve_db", "det_cofactor", "scale_matrices")
        + ("cholesky_jvp", "cholesky_vjp")
    },
}

#: Every rule this module registers, in order (tests walk it).
REGISTERED: list[Rule] = []


def linear(func, params, jvp, vjp, label, result="array", zero=()):
    rule = make_rule(
        func, params, jvp=jvp, vjp=vjp, namespace=NS, result=result, label=label, zero=zero
    )
    REGISTERED.append(rule)
    RULES.add(rule)
    return rule


# --- solve_triangular ---------------------------------------------------------------------
# x = op(A)^-1 b, op(A) = A or A^T by `trans`, A read through its triangle T(A):
#   dx = op(A)^-1 (db - op(T(dA)) x);   gb = op(A)^-T g,   gA = -T(op(gb x^T)).
_TRI = "a, b, trans=0, lower=False, unit_diagonal=False"
_GB = "sla.solve_triangular(a, g, 1 - is_transposed(trans), lower, unit_diagonal)"
linear(
    sla.solve_triangular,
    _TRI,
    jvp={
        "a": "-sla.solve_triangular(a, np.matmul(transposed_if(triangle(t, lower, "
        "unit_diagonal), trans), out), trans, lower, unit_diagonal)",
        "b": "sla.solve_triangular(a, t, trans, lower, unit_diagonal)",
    },
    vjp={
        "a": f"-triangle(transposed_if(outer_rows({_GB}, out), trans), lower, unit_diagonal)",
        "b": _GB,
    },
    label="scipy.linalg.solve_triangular",
)

# --- general solve, inverse, determinant (as numpy.linalg's) ------------------------------------
linear(
    sla.solve,
    "a, b",
    jvp={"a": "solve_jvp_a(t, a, b, out)", "b": "sla.solve(a, t)"},
    vjp={"a": "solve_da(g, a, b, out)", "b": "solve_db(g, a, b)"},
    label="scipy.linalg.solve",
)
linear(
    sla.inv,
    "a",
    jvp={"a": "-np.matmul(out, np.matmul(t, out))"},
    vjp={"a": "-np.matmul(np.swapaxes(out, -1, -2), np.matmul(g, np.swapaxes(out, -1, -2)))"},
    label="scipy.linalg.inv",
)
linear(
    sla.det,
    "a",
    # sla.det computes in float64 whatever the input: so does its tangent
    jvp={"a": "in_dtype_of(np.sum(det_cofactor(a) * t, axis=(-2, -1)), out)"},
    vjp={"a": "scale_matrices(g, det_cofactor(a))"},
    label="scipy.linalg.det",
)

# --- Cholesky: U = L(a^T)^T for the upper factor --------------------------------------------
_T = "np.swapaxes({}, -1, -2)"
linear(
    sla.cholesky,
    "a, lower=False",
    jvp={
        "a": "cholesky_jvp(t, out) if lower else "
        + _T.format(f"cholesky_jvp({_T.format('t')}, {_T.format('out')})")
    },
    vjp={
        "a": "cholesky_vjp(g, out) if lower else "
        + _T.format(f"cholesky_vjp({_T.format('g')}, {_T.format('out')})")
    },
    label="scipy.linalg.cholesky",
)

# --- cho_solve((c, lower), b), c from cho_factor: only the factor's triangle is read ------------
linear(
    sla.cho_solve,
    "c_and_lower, b",
    jvp={
        "c_and_lower": "-sla.cho_solve(c_and_lower, cho_product_jvp(t, c_and_lower, out))",
        "b": "sla.cho_solve(c_and_lower, t)",
    },
    vjp={
        "c_and_lower": "cho_factor_vjp(sla.cho_solve(c_and_lower, g), c_and_lower, out)",
        "b": "sla.cho_solve(c_and_lower, g)",
    },
    label="scipy.linalg.cho_solve",
)

# --- banded: x = A^-1 b with A = banded_to_full(ab); as solve, then back to ab's layout ----------
_GBAND = "np.linalg.solve(np.swapaxes(banded_to_full(l_and_u, ab), -1, -2), g)"
linear(
    sla.solve_banded,
    "l_and_u, ab, b",
    jvp={
        "ab": "-sla.solve_banded(l_and_u, ab, np.matmul(banded_to_full(l_and_u, t), out))",
        "b": "sla.solve_banded(l_and_u, ab, t)",
    },
    vjp={
        "ab": f"-banded_part(l_and_u, outer_rows({_GBAND}, out), ab)",
        "b": _GBAND,
    },
    label="scipy.linalg.solve_banded",
)

# --- Sylvester equations and the square root -------------------------------------------------
# X = solve_sylvester(A, B, Q) solves A X + X B = Q: dX = solve_sylvester(A, B, dQ - dA X - X dB);
# transposed, with Y = solve_sylvester(A^T, B^T, G): gQ = Y, gA = -Y X^T, gB = -X^T Y.
_Y = "sla.solve_sylvester(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), g)"
linear(
    sla.solve_sylvester,
    "a, b, q",
    jvp={
        "a": "sla.solve_sylvester(a, b, -np.matmul(t, out))",
        "b": "sla.solve_sylvester(a, b, -np.matmul(out, t))",
        "q": "sla.solve_sylvester(a, b, t)",
    },
    vjp={
        "a": f"-np.matmul({_Y}, np.swapaxes(out, -1, -2))",
        "b": f"-np.matmul(np.swapaxes(out, -1, -2), {_Y})",
        "q": _Y,
    },
    label="scipy.linalg.solve_sylvester",
)
# X = sqrtm(A), X X = A: X dX + dX X = dA, a Sylvester equation in dX
linear(
    sla.sqrtm,
    "A",
    jvp={"A": "sla.solve_sylvester(out, out, t)"},
    vjp={"A": "sla.solve_sylvester(np.swapaxes(out, -1, -2), np.swapaxes(out, -1, -2), g)"},
    label="scipy.linalg.sqrtm",
)

# --- expm: the Frechet derivative by one expm of a block matrix --------------------------------
linear(
    sla.expm,
    "A",
    jvp={"A": "frechet_corner(sla.expm(frechet_block(A, t)))"},
    vjp={"A": "frechet_corner(sla.expm(frechet_block(np.swapaxes(A, -1, -2), g)))"},
    label="scipy.linalg.expm",
)

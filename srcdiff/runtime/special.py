"""Helpers that the SciPy derivative templates call (rules/scipy_*.py).

NumPy only -- no SciPy import -- so that `import srcdiff` stays free of SciPy and
`srcdiff build` can copy a helper into a built module as it does runtime.arrays'.
Each helper is linear in its array arguments (or returns an integer flag), so its
rule (rules/scipy_linalg.py, rules/scipy_special.py) is the helper itself on the
tangent and its transpose on the cotangent: Hessians of expm, solve_triangular and
logsumexp go through them.
"""

import numpy as np

__all__ = [
    "broadcast_of",
    "frechet_block",
    "frechet_block_da",
    "frechet_corner",
    "in_dtype_of",
    "is_transposed",
    "outer_rows",
    "transposed_if",
    "triangle",
]


def broadcast_of(a, b):
    """`a` broadcast against `b` (a read-only view): logsumexp's weights `b` may give the
    result more elements than `a` has, and the derivative is taken over all of them."""
    return np.broadcast_to(a, np.broadcast_shapes(np.shape(a), np.shape(b)))


def in_dtype_of(v, x):
    """`v` in the floating dtype of `x` (float32 stays float32): a factor that depends only
    on float constants, such as betainc's 1 / B(a, b) for a and b floats, is a float64
    NumPy scalar, which would make a float32 derivative float64."""
    dtype = np.result_type(x, 0.0)
    if isinstance(x, np.ndarray) or np.ndim(v):
        return np.asarray(v).astype(dtype, copy=False)
    return dtype.type(v)


# --- scipy.linalg.solve_triangular -----------------------------------------------------
def is_transposed(trans):
    """Whether solve_triangular's `trans` (0, 1, 2, 'N', 'T' or 'C') solves with a^T: the
    conjugate transpose is the transpose on real matrices."""
    return trans in (1, 2, "T", "C")


def transposed_if(m, trans):
    """m^T where `trans` transposes (is_transposed), else m itself."""
    return np.swapaxes(m, -1, -2) if is_transposed(trans) else m


def triangle(m, lower, unit_diagonal=False):
    """The triangle of `m` solve_triangular reads: lower or upper, without the diagonal
    when it is taken as ones (`unit_diagonal`); the rest of `m` is never read."""
    if lower:
        return np.tril(m, -1 if unit_diagonal else 0)
    return np.triu(m, 1 if unit_diagonal else 0)


def outer_rows(u, v):
    """u v^T: the outer product of vectors, u @ v.T of matrices (the cotangent of a in
    x = solve(a, b) is -outer_rows(gb, x), for b a vector or a matrix)."""
    if np.ndim(u) == 1:
        return np.outer(u, v)
    return np.matmul(u, np.swapaxes(v, -1, -2))


# --- scipy.linalg.expm: the Frechet derivative from one expm of twice the size ------------
# expm([[A, E], [0, A]]) = [[expm(A), L(A, E)], [0, expm(A)]], L(A, E) the derivative of
# expm at A along E (Higham, "Functions of Matrices", 2008, eq. 3.16).
def frechet_block(a, e):
    """The block matrix [[a, e], [0, a]] (of stacks of n x n matrices)."""
    a, e = np.asarray(a), np.asarray(e)
    a, e = np.broadcast_arrays(a, e)
    zero = np.zeros_like(a)
    top = np.concatenate((a, e), axis=-1)
    bottom = np.concatenate((zero, a), axis=-1)
    return np.concatenate((top, bottom), axis=-2)


def frechet_corner(m):
    """The top-right n x n block of a 2n x 2n matrix m (the Frechet derivative)."""
    n = np.shape(m)[-1] // 2
    return np.array(m[..., :n, n:])


def frechet_block_da(g):
    """Cotangent of `a` in frechet_block(a, e): the sum of g's two diagonal blocks."""
    n = np.shape(g)[-1] // 2
    return g[..., :n, :n] + g[..., n:, n:]

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
    "along_components",
    "banded_part",
    "banded_to_full",
    "broadcast_of",
    "cho_factor_vjp",
    "cho_product_jvp",
    "centered",
    "embed_centered",
    "frechet_block",
    "frechet_block_da",
    "frechet_corner",
    "full_shape",
    "in_dtype_of",
    "is_transposed",
    "mvn_cov_jvp",
    "mvn_cov_vjp",
    "mvn_solve",
    "outer_rows",
    "sum_samples",
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


# --- scipy.linalg.cho_solve: x = A^-1 b, A = L L^T (lower) or U^T U from cho_factor ------
# Only the factor's triangle is read (cho_factor leaves the other one as it was).
def cho_product_jvp(t, c_and_lower, x):
    """dA x, with dA the tangent of A = F F^T (or F^T F, upper) along the tangent `t` of
    (c, lower): then the tangent of x = cho_solve((c, lower), b) is -A^-1 dA x."""
    c, lower = c_and_lower
    tc = t[0] if isinstance(t, (list, tuple)) else t
    f, df = triangle(c, lower), triangle(tc, lower)
    ft, dft = np.swapaxes(f, -1, -2), np.swapaxes(df, -1, -2)
    da = np.matmul(df, ft) + np.matmul(f, dft) if lower else np.matmul(dft, f) + np.matmul(ft, df)
    return np.matmul(da, x)


def cho_factor_vjp(gb, c_and_lower, x):
    """Cotangent of (c, lower) in x = cho_solve((c, lower), b), gb = A^-1 g being b's: with
    gA = -gb x^T and S = gA + gA^T, the triangle of S F (lower) or F S (upper); `lower`
    gets none."""
    c, lower = c_and_lower
    f = triangle(c, lower)
    ga = -outer_rows(gb, x)
    sym = ga + np.swapaxes(ga, -1, -2)
    gc = triangle(np.matmul(sym, f) if lower else np.matmul(f, sym), lower)
    return [np.asarray(gc, dtype=np.result_type(c, 0.0)), None]


# --- scipy.linalg.solve_banded: ab[u + i - j, j] = a[i, j] within the band ------------------
def _band_index(l_and_u, ab):
    """(rows of ab, columns) and (rows, columns of the full matrix) of the band's entries."""
    lower, upper = l_and_u
    n = np.shape(ab)[-1]
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    inside = (j - i <= upper) & (i - j <= lower)
    i, j = i[inside], j[inside]
    return (upper + i - j, j), (i, j)


def banded_to_full(l_and_u, ab):
    """The n x n matrix solve_banded(l_and_u, ab, b) solves with (entries of ab outside the
    band are never read)."""
    ab = np.asarray(ab)
    band, full = _band_index(l_and_u, ab)
    out = np.zeros((ab.shape[-1],) * 2, dtype=np.result_type(ab, 0.0))
    out[full] = ab[band]
    return out


def banded_part(l_and_u, m, ab):
    """Transpose of banded_to_full: the band of the n x n matrix `m` in ab's layout (shaped
    like `ab`; 0 where ab is not read)."""
    band, full = _band_index(l_and_u, ab)
    out = np.zeros(np.shape(ab), dtype=np.result_type(m, 0.0))
    out[band] = np.asarray(m)[full]
    return out


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


# --- scipy.signal.convolve: 'same' and 'valid' are centred parts of the full result ---------
def full_shape(in1, in2):
    """The shape of signal.convolve(in1, in2, 'full'): n1 + n2 - 1 along each axis."""
    return tuple(int(a + b - 1) for a, b in zip(np.shape(in1), np.shape(in2)))


def centered(m, shape):
    """The centred part of `m` of `shape`, as scipy.signal takes 'same' and 'valid' from
    the full convolution (start (n - k) // 2 along each axis)."""
    m = np.asarray(m)
    start = [(n - k) // 2 for n, k in zip(m.shape, shape)]
    return np.array(m[tuple(slice(s, s + k) for s, k in zip(start, shape))])


def embed_centered(v, shape):
    """`v` in the middle of zeros of `shape`, where `centered` takes it from: its
    transpose (the cotangent of the full convolution, from that of a centred part)."""
    v = np.asarray(v)
    out = np.zeros(shape, dtype=np.result_type(v, 0.0))
    start = [(n - k) // 2 for n, k in zip(shape, v.shape)]
    out[tuple(slice(s, s + k) for s, k in zip(start, v.shape))] = v
    return out


# --- scipy.stats.dirichlet: x's first axis holds the components, further axes samples -------
def along_components(alpha, x):
    """`alpha` (one value per component) shaped to broadcast against x (K, ...): scipy also
    accepts K - 1 components (the last then 1 - their sum), which these rules do not."""
    alpha, k = np.asarray(alpha), np.shape(x)[0] if np.ndim(x) else None
    if np.ndim(alpha) != 1 or k != alpha.shape[0]:
        message = (
            f"srcdiff's rule for scipy.stats.dirichlet takes x with one row per component "
            f"of alpha ({np.shape(alpha)}), not {np.shape(x)}: append the last component, "
            "1 - sum(x)"
        )
        try:
            from srcdiff.errors import UnsupportedSyntaxError
        except ImportError:
            raise ValueError(message) from None
        raise UnsupportedSyntaxError(message)
    return np.reshape(alpha, alpha.shape + (1,) * (np.ndim(x) - 1))


def sum_samples(m):
    """`m` (K, ...) summed over all axes but the first."""
    return np.sum(m, axis=tuple(range(1, np.ndim(m))))


# --- scipy.stats.multivariate_normal: cov read through its lower triangle (scipy's eigh) ----
def _lower_read(t):
    """The symmetric matrix a function reading only t's lower triangle sees: tril(t) +
    tril(t, -1)^T (scipy.stats.multivariate_normal's eigh(cov, lower=True))."""
    return np.tril(t) + np.swapaxes(np.tril(t, -1), -1, -2)


def _lower_read_vjp(g):
    """Transpose of _lower_read: g's diagonal, and g_ij + g_ji below it; 0 above."""
    return np.tril(g) + np.tril(np.swapaxes(g, -1, -2), -1)


def _spectrum(cov):
    """eigh of cov's lower triangle and scipy's cutoff for negligible eigenvalues."""
    s, u = np.linalg.eigh(np.asarray(cov), UPLO="L")
    factor = 1e3 if s.dtype == np.float32 else 1e6
    return s, u, factor * np.finfo(s.dtype).eps * np.max(np.abs(s))


def mvn_solve(dev, cov):
    """dev P (one row per sample), P the (pseudo-)inverse of cov as multivariate_normal
    uses it: from the eigenvalues above scipy's cutoff (all of them unless cov is
    singular).  Linear in dev; P is symmetric, so this is its own transpose."""
    s, u, eps = _spectrum(cov)
    keep = s > eps
    return np.matmul(dev, np.matmul(u[:, keep] / s[keep], u[:, keep].T))


def _regular_precision(cov):
    s, u, eps = _spectrum(cov)
    if np.any(s <= eps):
        message = (
            "srcdiff's rule for scipy.stats.multivariate_normal has no derivative with respect "
            "to a singular covariance matrix (its rank would change): pass a constant cov"
        )
        try:
            from srcdiff.errors import DomainError
        except ImportError:
            raise ValueError(message) from None
        raise DomainError(message)
    return np.matmul(u / s, u.T)


def mvn_cov_vjp(g, dev, cov):
    """Cotangent of cov in multivariate_normal.logpdf(x, mean, cov), dev = x - mean (one
    row per sample): with w = P dev, the gradient 0.5 (sum g w w^T - sum(g) P), read back
    through cov's lower triangle."""
    p = _regular_precision(cov)
    w = np.matmul(dev, p)
    g = np.asarray(g)
    w2 = np.atleast_2d(w)
    grad = 0.5 * (np.einsum("n,ni,nj->ij", np.reshape(g, -1), w2, w2) - np.sum(g) * p)
    return _lower_read_vjp(grad).astype(np.result_type(cov, 0.0), copy=False)


def mvn_cov_jvp(t, dev, cov):
    """Tangent of multivariate_normal.logpdf(x, mean, cov) along cov's tangent t:
    0.5 (w^T dS w - tr(P dS)), w = P dev, dS = _lower_read(t)."""
    p = _regular_precision(cov)
    w = np.matmul(dev, p)
    ds = _lower_read(t)
    return 0.5 * np.einsum("...i,ij,...j->...", w, ds, w) - 0.5 * np.sum(p * ds)

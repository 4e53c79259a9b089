"""Functions exercising srcdiff's rules for NumPy functions returning several arrays
(srcdiff/rules/linalg_rules.py), for tests/test_linalg_rules.py.

Each reduces the results to a number with fixed, non-uniform weights (`_w`), so every
result's cotangent is nonzero and differs from entry to entry.  Eigenvectors and
singular vectors are defined up to sign: the weights multiply their absolute values
or squares, which don't depend on it (and are smooth away from zero entries).
"""

import numpy as np


def _w(x):
    """Weights shaped like x: 0.6 + cos(1.7 k + 0.3) over its entries."""
    n = np.size(x)
    return (0.6 + np.cos(1.7 * np.arange(n) + 0.3)).reshape(np.shape(x))


def slogdet_unpacked(a):
    sign, logdet = np.linalg.slogdet(a)
    return np.sum(logdet * _w(logdet))


def slogdet_indexed(a):
    return np.sum(np.linalg.slogdet(a)[1] * _w(np.linalg.slogdet(a)[1]))


def slogdet_times_sign(a):
    sign, logdet = np.linalg.slogdet(a)
    return np.sum(sign * logdet)


def eigh_both(a):
    w, v = np.linalg.eigh(a)
    return np.sum(w * _w(w)) + np.sum(v * v * _w(v))


def eigh_upper(a):
    w, v = np.linalg.eigh(a, UPLO="U")
    return np.sum(w * _w(w)) + np.sum(v**2 * _w(v))


def eigh_values(a):
    w, _v = np.linalg.eigh(a)
    return np.sum(w * _w(w))


def eig_both(a):
    w, v = np.linalg.eig(a)
    return np.sum(w * _w(w)) + np.sum(v * v * _w(v))


def svd_thin(a):
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return np.sum(u * u * _w(u)) + np.sum(s * _w(s)) + np.sum(vt**2 * _w(vt))


def svd_full(a):
    u, s, vt = np.linalg.svd(a)
    return np.sum(u * u * _w(u)) + np.sum(s * _w(s)) + np.sum(vt**2 * _w(vt))


def svd_full_values(a):
    u, s, vt = np.linalg.svd(a)
    return np.sum(s * _w(s))


def svd_values(a):
    s = np.linalg.svd(a, compute_uv=False)
    return np.sum(s * _w(s))


def qr_both(a):
    q, r = np.linalg.qr(a)
    return np.sum(q * _w(q)) + np.sum(r * r * _w(r))


def qr_complete(a):
    q, r = np.linalg.qr(a, mode="complete")
    return np.sum(q * _w(q)) + np.sum(r * _w(r))


def qr_r_only(a):
    r = np.linalg.qr(a, mode="r")
    return np.sum(r * _w(r))


def lstsq_all(a, b):
    x, res, rank, s = np.linalg.lstsq(a, b, rcond=None)
    return np.sum(x * _w(x)) + np.sum(res * _w(res)) + np.sum(s * _w(s))


def lstsq_solution(a, b):
    return np.sum(np.linalg.lstsq(a, b, rcond=None)[0] ** 2)


def split_unpacked(x):
    a, b, c = np.split(x, 3)
    return np.sum(a * b * _w(a)) + np.sum(c**2)


def split_indices_axis(x):
    a, b = np.split(x, [1], axis=1)
    return np.sum(a**2 * _w(a)) + np.sum(np.sin(b) * _w(b))


def array_split_indexed(x):
    parts = np.array_split(x, 2, axis=-1)
    return np.sum(parts[0] ** 2 * _w(parts[0])) + np.sum(parts[1] * _w(parts[1]))


def array_split_one_used(x):
    first, _second, _third = np.array_split(x, 3)
    return np.sum(first**3)


def hsplit_vsplit_dsplit(x):
    a, b = np.hsplit(x, 2)
    c, d = np.vsplit(x, 2)
    e, f = np.dsplit(x, 2)
    return np.sum(a**2 * _w(a)) + np.sum(b * _w(b)) + np.sum(c * d * _w(c)) + np.sum(e * f * _w(e))


def hsplit_vector(x):
    a, b = np.hsplit(x, 2)
    return np.sum(a * b * _w(a))


def multi_dot_matrices(a, b):
    y = np.linalg.multi_dot([a, b, a.T])
    return np.sum(y * _w(y))


def multi_dot_vectors(a, b):
    # a first 1-D array is a row, a last one a column: the result is a number
    return np.linalg.multi_dot([b[0], a, a, b[1]]) ** 2


def multi_dot_chain(a, b, c):
    # a row, two matrices: each array enters once, so the Hessian couples the arrays
    return np.sum(np.linalg.multi_dot([a, b, c]) ** 2)


def frexp_unpacked(x):
    mantissa, exponent = np.frexp(x)  # the exponent carries no derivative
    return np.sum(mantissa * mantissa * exponent * _w(x))


def modf_unpacked(x):
    frac, whole = np.modf(x * 3.0)  # the integral part carries no derivative
    return np.sum(frac * frac * whole * _w(x))


def modf_indexed(x):
    return np.sum(np.sin(np.modf(x)[0]) * _w(x)) + np.modf(x[0, 0] * 2.5)[0] ** 2


def frexp_indexed(x):
    return np.sum(np.sin(np.frexp(x)[0]) * _w(x))

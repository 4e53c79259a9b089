"""Helpers for the derivatives of NumPy functions returning several arrays: the
decompositions of numpy.linalg (slogdet, eigh, eig, svd, lstsq) and the splits
(rules/linalg_rules.py); and np.linalg.multi_dot, which takes several.

Same contract as runtime/arrays.py: `srcdiff build` copies the helpers a module uses
into it, so a function here refers only to `np`, builtins and functions of this module
(or of runtime.arrays, imported below by their public names).

A rule for a function returning several values is used where the call is unpacked
(`u, s, vt = np.linalg.svd(a)`) or indexed (`np.linalg.slogdet(a)[1]`); its cotangent
`g` then holds one cotangent per result, indexable as g[0], g[1], ...: a list (zeros
for results the code doesn't use), or an array with one row per result.  Its tangent
is a tuple with one tangent per result.

The derivatives of eigenvectors and singular vectors divide by the gaps between
eigenvalues (singular values): where two coincide, those vectors are not functions of
the matrix and have no derivative.  The helpers then raise srcdiff's DomainError
saying so (a ValueError where srcdiff is not installed) -- never a NaN -- unless the
vectors' cotangent (tangent) is zero, when the eigenvalues alone are differentiated.
"""

import numpy as np

from .arrays import pinv_jvp, pinv_jvp_da, pinv_vjp, pinv_vjp_da, rows_of

__all__ = [
    "eig_jvp",
    "eig_jvp_da",
    "eig_real",
    "eig_vjp",
    "eig_vjp_da",
    "eigh_jvp",
    "eigh_jvp_do",
    "eigh_jvp_do_t",
    "eigh_vjp",
    "eigh_vjp_do",
    "eigh_vjp_do_t",
    "lstsq_hvp",
    "lstsq_jvp",
    "lstsq_jvp_da",
    "lstsq_vjp_a",
    "lstsq_vjp_b",
    "multi_dot_jvp",
    "multi_dot_jvp_da",
    "multi_dot_jvp_da_t",
    "multi_dot_vjp",
    "multi_dot_vjp_da",
    "qr_jvp",
    "qr_jvp_da",
    "qr_vjp",
    "qr_vjp_da",
    "slogdet_jvp",
    "slogdet_jvp_da",
    "slogdet_vjp",
    "slogdet_vjp_da",
    "split_pieces",
    "split_vjp",
    "svd_jvp",
    "svd_jvp_da",
    "svd_vjp",
    "svd_vjp_da",
]


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _part(g, i, like):
    """The i-th cotangent of a multi-result as an array shaped like `like` (a zero given
    as 0.0 becomes zeros), in `like`'s floating dtype."""
    like = np.asarray(like)
    dtype = np.result_type(like.dtype, np.float32)
    return np.broadcast_to(np.asarray(g[i], dtype=dtype), like.shape)


def _any(x):
    return bool(np.any(np.asarray(x) != 0))


def _domain_error(message, hint=None):
    try:
        from srcdiff.errors import DomainError
    except ImportError:
        return ValueError(message)
    return DomainError(
        message,
        hint=hint
        or "differentiate a function of the eigenvalues (singular values) alone, or "
        "move away from the point where they coincide",
    )


def _gap_inverse(w, what, func):
    """F[..., i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it; a DomainError where two
    of `w` coincide (to rounding), since then the vectors have no derivative."""
    w = np.asarray(w)
    diff = w[..., None, :] - w[..., :, None]
    n = w.shape[-1]
    off = ~np.eye(n, dtype=bool)
    scale = np.max(np.abs(w), axis=-1, keepdims=True)[..., None] if n else 1.0
    tiny = 16 * np.finfo(np.result_type(w.dtype, np.float32)).eps * np.maximum(scale, 1e-300)
    if np.any((np.abs(diff) <= tiny) & off):
        raise _domain_error(
            f"{func} has no derivative of its {what}s here: two {what}s coincide, so the "
            "vectors belonging to them are not determined by the matrix"
        )
    return np.where(off, 1.0 / np.where(off, diff, 1.0), 0.0).astype(diff.dtype, copy=False)


def _diag_embed(v):
    v = np.asarray(v)
    return v[..., :, None] * np.eye(v.shape[-1], dtype=v.dtype)


def _triangle(G, UPLO):
    """The cotangent of a symmetric matrix's one triangle (what eigh reads) from the
    cotangent G under symmetric perturbations: G + G^T off the diagonal, G on it."""
    if str(UPLO).upper() == "U":
        return np.triu(G) + np.triu(_mT(G), 1)
    return np.tril(G) + np.tril(_mT(G), -1)


def _symmetric(t, UPLO):
    """The symmetric matrix eigh sees when its input moves by t: t's triangle, mirrored."""
    t = np.asarray(t)
    if str(UPLO).upper() == "U":
        return np.triu(t) + _mT(np.triu(t, 1))
    return np.tril(t) + _mT(np.tril(t, -1))


# --- slogdet -----------------------------------------------------------------------------
# sign carries no derivative; d logdet = tr(a^-1 da), so g_a = g_logdet a^-T.


def slogdet_jvp(t, a):
    """Tangents of (sign, logabsdet) = np.linalg.slogdet(a): (0, tr(a^-1 t))."""
    A = np.asarray(a)
    t = np.asarray(t, dtype=np.result_type(A.dtype, np.float32))
    dlog = np.trace(np.linalg.solve(A, t), axis1=-2, axis2=-1)
    return np.zeros_like(dlog), dlog


def slogdet_vjp(g, a):
    """Cotangent of a in np.linalg.slogdet(a): g[1] a^-T (g[0], the sign's, adds nothing)."""
    A = np.asarray(a)
    gl = np.asarray(g[1], dtype=np.result_type(A.dtype, np.float32))
    return gl[..., None, None] * _mT(np.linalg.inv(A))


def slogdet_vjp_da(u, v, a):
    """The derivative of slogdet_vjp(v, a) in a along u, and its own transpose:
    -v[1] (a^-1 u a^-1)^T."""
    A = np.asarray(a)
    inv = np.linalg.inv(A)
    vl = np.asarray(v[1], dtype=inv.dtype)
    return -vl[..., None, None] * _mT(np.matmul(inv, np.matmul(u, inv)))


def slogdet_jvp_da(s, u, a):
    """The derivative of slogdet_jvp(u, a) in a along s: (0, -tr(a^-1 s a^-1 u))."""
    A = np.asarray(a)
    inv = np.linalg.inv(A)
    d = -np.trace(np.matmul(inv, np.matmul(s, np.matmul(inv, u))), axis1=-2, axis2=-1)
    return np.zeros_like(d), d


# --- eigh: a = V diag(w) V^T of a symmetric matrix (one triangle read) ---------------------


def eigh_jvp(t, a, out, UPLO="L"):
    """Tangents of (w, V) = np.linalg.eigh(a): with P = V^T S V (S the symmetric matrix of
    t's triangle), dw = diag(P) and dV = V (F o P), F_ij = 1 / (w_j - w_i)."""
    w, V = out[0], out[1]
    S = _symmetric(np.asarray(t, dtype=V.dtype), UPLO)
    P = np.matmul(_mT(V), np.matmul(S, V))
    dw = np.diagonal(P, axis1=-2, axis2=-1).copy()
    if not _any(P - _diag_embed(dw)):
        return dw, np.zeros_like(V)
    return dw, np.matmul(V, _gap_inverse(w, "eigenvalue", "np.linalg.eigh") * P)


def eigh_vjp(g, a, out, UPLO="L"):
    """Cotangent of a in (w, V) = np.linalg.eigh(a): the triangle eigh reads of
    V (diag(g_w) + F o (V^T g_V)) V^T."""
    w, V = out[0], out[1]
    gw, gV = _part(g, 0, w), _part(g, 1, V)
    inner = _diag_embed(gw)
    if _any(gV):
        inner = inner + _gap_inverse(w, "eigenvalue", "np.linalg.eigh") * np.matmul(_mT(V), gV)
    return _triangle(np.matmul(V, np.matmul(inner, _mT(V))), UPLO)


def _triangle_transpose(H, UPLO):
    """The transpose of _triangle: <H, _triangle(G)> = <_triangle_transpose(H), G>."""
    if str(UPLO).upper() == "U":
        return np.triu(H) + _mT(np.triu(H, 1))
    return np.tril(H) + _mT(np.tril(H, -1))


def _eigh_inner(v, w, V):
    """M = diag(g_w) + F o (V^T g_V) of eigh_vjp, and its pieces F and B = V^T g_V (None
    where g_V is zero)."""
    gw, gV = _part(v, 0, w), _part(v, 1, V)
    M = _diag_embed(gw)
    if not _any(gV):
        return M, None, None, gV
    F = _gap_inverse(w, "eigenvalue", "np.linalg.eigh")
    B = np.matmul(_mT(V), gV)
    return M + F * B, F, B, gV


def eigh_vjp_do(s, v, out, UPLO="L"):
    """The derivative of eigh_vjp(v, a, out, UPLO) along a tangent s = (s_w, s_V) of out:
    with G = V M V^T, dG = s_V M V^T + V M s_V^T + V dM V^T, where
    dM = dF o B + F o (s_V^T g_V) and dF_ij = -F_ij^2 (s_w_j - s_w_i)."""
    w, V = np.asarray(out[0]), np.asarray(out[1])
    sw, sV = _part(s, 0, w), _part(s, 1, V)
    M, F, B, gV = _eigh_inner(v, w, V)
    dG = np.matmul(sV, np.matmul(M, _mT(V))) + np.matmul(V, np.matmul(M, _mT(sV)))
    if F is not None:
        dF = -F * F * (sw[..., None, :] - sw[..., :, None])
        dM = dF * B + F * np.matmul(_mT(sV), gV)
        dG = dG + np.matmul(V, np.matmul(dM, _mT(V)))
    return _triangle(dG, UPLO)


def eigh_vjp_do_t(h, v, out, UPLO="L"):
    """The transpose of eigh_vjp_do in s: the cotangents (of w, of V) of out for the
    cotangent h of eigh_vjp's result."""
    w, V = np.asarray(out[0]), np.asarray(out[1])
    M, F, B, gV = _eigh_inner(v, w, V)
    Hs = _triangle_transpose(np.asarray(h, dtype=V.dtype), UPLO)
    cV = np.matmul(Hs, np.matmul(V, _mT(M))) + np.matmul(_mT(Hs), np.matmul(V, M))
    cw = np.zeros_like(w)
    if F is not None:
        Q = np.matmul(_mT(V), np.matmul(Hs, V))
        cV = cV + np.matmul(gV, _mT(F * Q))
        P = -Q * B * F * F
        cw = np.sum(P, axis=-2) - np.sum(P, axis=-1)
    return cw, cV


def _off_diagonal(P):
    """Whether square P has a nonzero entry off its diagonal."""
    return _any(P - _diag_embed(np.diagonal(P, axis1=-2, axis2=-1)))


def eigh_jvp_do(s, u, out, UPLO="L"):
    """The derivative of eigh_jvp(u, a, out, UPLO) along a tangent s = (s_w, s_V) of out:
    with P = V^T S V, dP = s_V^T S V + V^T S s_V, so d dw = diag(dP) and
    d dV = s_V (F o P) + V (dF o P + F o dP), dF_ij = -F_ij^2 (s_w_j - s_w_i)."""
    w, V = np.asarray(out[0]), np.asarray(out[1])
    sw, sV = _part(s, 0, w), _part(s, 1, V)
    S = _symmetric(np.asarray(u, dtype=V.dtype), UPLO)
    P = np.matmul(_mT(V), np.matmul(S, V))
    SsV = np.matmul(S, sV)
    dP = np.matmul(_mT(sV), np.matmul(S, V)) + np.matmul(_mT(V), SsV)
    ddw = np.diagonal(dP, axis1=-2, axis2=-1).copy()
    if not (_off_diagonal(P) or _off_diagonal(dP)):
        return ddw, np.zeros_like(V)
    F = _gap_inverse(w, "eigenvalue", "np.linalg.eigh")
    inner = _gap_inverse_jvp(F, sw) * P + F * dP
    return ddw, np.matmul(sV, F * P) + np.matmul(V, inner)


def eigh_jvp_do_t(h, u, out, UPLO="L"):
    """The transpose of eigh_jvp_do in s: the cotangents (of w, of V) of out for the
    cotangents h = (h_w, h_V) of eigh_jvp's results."""
    w, V = np.asarray(out[0]), np.asarray(out[1])
    hw, hV = _part(h, 0, w), _part(h, 1, V)
    S = _symmetric(np.asarray(u, dtype=V.dtype), UPLO)
    C = _diag_embed(hw)  # the cotangent of dP
    cV = np.zeros_like(V)
    cw = np.zeros_like(w)
    if _any(hV):
        F = _gap_inverse(w, "eigenvalue", "np.linalg.eigh")
        P = np.matmul(_mT(V), np.matmul(S, V))
        Q = np.matmul(_mT(V), hV)
        C = C + F * Q
        cV = np.matmul(hV, _mT(F * P))
        Rq = -Q * P * F * F
        cw = np.sum(Rq, axis=-2) - np.sum(Rq, axis=-1)
    return cw, cV + np.matmul(S, np.matmul(V, C + _mT(C)))


# --- eig: a = V diag(w) V^-1 of a real matrix with real eigenvalues -------------------------


def _real_eig(out):
    w, V = out[0], out[1]
    # NumPy 2.5 returns complex arrays even when every eigenvalue is real: those are real
    if np.iscomplexobj(w) and not np.any(np.imag(w)):
        w, V = np.real(w), np.real(V)
    if np.iscomplexobj(w) or np.iscomplexobj(V):
        raise _domain_error(
            "np.linalg.eig has complex eigenvalues here; srcdiff differentiates real "
            "eigenvalues and eigenvectors only (use np.linalg.eigh for a symmetric matrix)"
        )
    return np.asarray(w), np.asarray(V)


def eig_real(a):
    """np.linalg.eig(a), its arrays real where every eigenvalue is real: NumPy 2.5 returns
    complex arrays even then, whose zero imaginary parts made the derivative code complex
    (the tangent code differentiated again: the Hessian was refused as complex).
    Generated code calls this for the user's np.linalg.eig (split.py).  Complex
    eigenvalues come back as NumPy gives them (the derivative helpers refuse them)."""
    out = np.linalg.eig(a)
    w, V = out[0], out[1]
    if np.iscomplexobj(w) and not np.any(np.imag(w)):
        w, V = np.real(w).copy(), np.real(V).copy()
        return out._make((w, V)) if hasattr(out, "_make") else (w, V)
    return out


def eig_jvp(t, a, out):
    """Tangents of (w, V) = np.linalg.eig(a), V's columns of unit length: with
    P = V^-1 t V and X = F o P, dw = diag(P), dV = V X - V diag(diag(V^T V X))."""
    w, V = _real_eig(out)
    P = np.linalg.solve(V, np.matmul(np.asarray(t, dtype=V.dtype), V))
    dw = np.diagonal(P, axis1=-2, axis2=-1).copy()
    if not _any(P - _diag_embed(dw)):
        return dw, np.zeros_like(V)
    VX = np.matmul(V, _gap_inverse(w, "eigenvalue", "np.linalg.eig") * P)
    along = np.sum(V * VX, axis=-2)  # v_k . (V X)_k: keeps each column of unit length
    return dw, VX - V * along[..., None, :]


def eig_vjp(g, a, out):
    """Cotangent of a in np.linalg.eig(a), the transpose of eig_jvp:
    V^-T (diag(g_w) + F o (V^T g_V - V^T V diag(diag(V^T g_V)))) V^T."""
    w, V = _real_eig(out)
    gw, gV = _part(g, 0, w), _part(g, 1, V)
    inner = _diag_embed(gw)
    if _any(gV):
        VtgV = np.matmul(_mT(V), gV)
        d = np.diagonal(VtgV, axis1=-2, axis2=-1)
        H = VtgV - np.matmul(_mT(V), V) * d[..., None, :]
        inner = inner + _gap_inverse(w, "eigenvalue", "np.linalg.eig") * H
    return np.linalg.solve(_mT(V), np.matmul(inner, _mT(V)))


# --- svd: a = U diag(s) V^T (Townsend, "Differentiating the singular value decomposition") --


def _svd_parts(a, out, compute_uv, full_matrices):
    """(U, s, V) of the thin SVD, with k = min(m, n) columns; a DomainError for U or V
    of full_matrices=True on a non-square matrix, whose extra columns are arbitrary."""
    A = np.asarray(a)
    m, n = A.shape[-2], A.shape[-1]
    if not compute_uv:
        u, s, vt = np.linalg.svd(A, full_matrices=False)
        return u, np.asarray(out), _mT(vt), m, n
    u, s, vt = out[0], out[1], out[2]
    k = min(m, n)
    return u[..., :, :k], s, _mT(vt[..., :k, :]), m, n


def _svd_full_error():
    return _domain_error(
        "np.linalg.svd(a) of a non-square matrix with full_matrices=True: the extra "
        "columns of u (rows of vh) are an arbitrary basis, with no derivative; pass "
        "full_matrices=False"
    )


def _check_no_zero(s):
    """A non-square matrix's singular vectors divide by its singular values."""
    if np.any(s == 0):
        raise _domain_error(
            "np.linalg.svd of a non-square matrix has no derivative of its singular "
            "vectors where a singular value is 0"
        )


def _svd_cotangents(g, out, m, n, full_matrices):
    gu, gs, gvt = _part(g, 0, out[0]), _part(g, 1, out[1]), _part(g, 2, out[2])
    k = min(m, n)
    if full_matrices and m != n and (_any(gu[..., :, k:]) or _any(gvt[..., k:, :])):
        raise _svd_full_error()
    return gu[..., :, :k], gs, _mT(gvt[..., :k, :])


def svd_vjp(g, a, out, full_matrices=True, compute_uv=True):
    """Cotangent of a in np.linalg.svd(a, ...): with F_ij = 1 / (s_j^2 - s_i^2),
    J = F o (U^T gU), K = F o (V^T gV):
    U [(J + J^T) S + diag(gs) + S (K + K^T)] V^T + (I - U U^T) gU S^-1 V^T
    + U S^-1 gV^T (I - V V^T)."""
    U, s, V, m, n = _svd_parts(a, out, compute_uv, full_matrices)
    if not compute_uv:
        gs = np.asarray(g, dtype=s.dtype)
        return np.matmul(U * gs[..., None, :], _mT(V))
    gU, gs, gV = _svd_cotangents(g, out, m, n, full_matrices)
    inner = _diag_embed(gs)
    vectors = _any(gU) or _any(gV)
    if vectors:
        F = _gap_inverse(s * s, "singular value", "np.linalg.svd")
        J = F * np.matmul(_mT(U), gU)
        K = F * np.matmul(_mT(V), gV)
        inner = (
            inner + np.matmul(J + _mT(J), _diag_embed(s)) + np.matmul(_diag_embed(s), K + _mT(K))
        )
    grad = np.matmul(U, np.matmul(inner, _mT(V)))
    if vectors and m != n:
        _check_no_zero(s)
        inv_s = 1.0 / s
        if m > n:
            proj = gU - np.matmul(U, np.matmul(_mT(U), gU))
            grad = grad + np.matmul(proj * inv_s[..., None, :], _mT(V))
        else:
            proj = gV - np.matmul(V, np.matmul(_mT(V), gV))
            grad = grad + np.matmul(U * inv_s[..., None, :], _mT(proj))
    return grad


def svd_jvp(t, a, out, full_matrices=True, compute_uv=True):
    """Tangents of np.linalg.svd(a, ...): with P = U^T t V, ds = diag(P),
    dU = U (F o (P S + S P^T)) + (I - U U^T) t V S^-1,
    dV = V (F o (S P + P^T S)) + (I - V V^T) t^T U S^-1, and dvh = dV^T."""
    U, s, V, m, n = _svd_parts(a, out, compute_uv, full_matrices)
    t = np.asarray(t, dtype=U.dtype)
    P = np.matmul(_mT(U), np.matmul(t, V))
    ds = np.diagonal(P, axis1=-2, axis2=-1).copy()
    if not compute_uv:
        return ds
    if full_matrices and m != n:
        raise _svd_full_error()
    dU, dV = np.zeros_like(U), np.zeros_like(V)
    if _any(P - _diag_embed(ds)):
        F = _gap_inverse(s * s, "singular value", "np.linalg.svd")
        S = _diag_embed(s)
        PS, SP = np.matmul(P, S), np.matmul(S, P)
        dU = np.matmul(U, F * (PS + _mT(PS)))
        dV = np.matmul(V, F * (SP + _mT(SP)))
    if m != n and _any(t):
        _check_no_zero(s)
        inv_s = 1.0 / s
        if m > n:
            tv = np.matmul(t, V)
            dU = dU + (tv - np.matmul(U, np.matmul(_mT(U), tv))) * inv_s[..., None, :]
        else:
            tu = np.matmul(_mT(t), U)
            dV = dV + (tu - np.matmul(V, np.matmul(_mT(V), tu))) * inv_s[..., None, :]
    return dU, ds, _mT(dV)


# --- second order: the helpers' derivatives in the matrix ----------------------------
# eig_vjp(v, a, eig(a)) and svd_vjp(v, a, svd(a), ...) are the gradients of <v, eig(a)>
# and <v, svd(a)>: their (total) derivatives in a are those functions' Hessians times a
# direction, so each is its own transpose.  They are the helpers differentiated as dual
# numbers, with the results' tangents from eig_jvp / svd_jvp.


def _gap_inverse_jvp(F, dw):
    """The derivative of F_ij = 1 / (w_j - w_i) along dw: -F_ij^2 (dw_j - dw_i)."""
    return -F * F * (dw[..., None, :] - dw[..., :, None])


def eig_vjp_da(t, v, a, out):
    """The derivative of eig_vjp(v, a, eig(a)) along a's tangent t (its own transpose):
    with grad = V^-T M V^T, d grad = V^-T (d M V^T + M dV^T - dV^T grad)."""
    w, V = _real_eig(out)
    t = np.asarray(t, dtype=V.dtype)
    dw, dV = eig_jvp(t, a, out)
    gw, gV = _part(v, 0, w), _part(v, 1, V)
    M, dM = _diag_embed(gw), np.zeros_like(V)
    if _any(gV):
        F = _gap_inverse(w, "eigenvalue", "np.linalg.eig")
        VtgV = np.matmul(_mT(V), gV)
        d = np.diagonal(VtgV, axis1=-2, axis2=-1)
        VtV = np.matmul(_mT(V), V)
        H = VtgV - VtV * d[..., None, :]
        dVtgV = np.matmul(_mT(dV), gV)
        dd = np.diagonal(dVtgV, axis1=-2, axis2=-1)
        dVtV = np.matmul(_mT(dV), V) + np.matmul(_mT(V), dV)
        dH = dVtgV - dVtV * d[..., None, :] - VtV * dd[..., None, :]
        M = M + F * H
        dM = _gap_inverse_jvp(F, dw) * H + F * dH
    grad = np.linalg.solve(_mT(V), np.matmul(M, _mT(V)))
    inner = np.matmul(dM, _mT(V)) + np.matmul(M, _mT(dV)) - np.matmul(_mT(dV), grad)
    return np.linalg.solve(_mT(V), inner)


def eig_jvp_da(s, u, a, out):
    """The derivative of eig_jvp(u, a, eig(a)) along a's tangent s: the second derivative
    of eig at a in the directions u and s (symmetric in them).  eig_jvp's formula
    differentiated, with (s_w, s_V) = eig_jvp(s, ...) and d(V^-1) = -V^-1 s_V V^-1."""
    w, V = _real_eig(out)
    u = np.asarray(u, dtype=V.dtype)
    sw, sV = eig_jvp(s, a, out)
    P = np.linalg.solve(V, np.matmul(u, V))
    dP = np.linalg.solve(V, np.matmul(u, sV) - np.matmul(sV, P))
    ddw = np.diagonal(dP, axis1=-2, axis2=-1).copy()
    if not (_off_diagonal(P) or _off_diagonal(dP)):
        return ddw, np.zeros_like(V)
    F = _gap_inverse(w, "eigenvalue", "np.linalg.eig")
    X = F * P
    dX = _gap_inverse_jvp(F, sw) * P + F * dP
    VX = np.matmul(V, X)
    dVX = np.matmul(sV, X) + np.matmul(V, dX)
    along = np.sum(V * VX, axis=-2)
    d_along = np.sum(sV * VX + V * dVX, axis=-2)
    return ddw, dVX - sV * along[..., None, :] - V * d_along[..., None, :]


def svd_vjp_da(t, v, a, out, full_matrices=True, compute_uv=True):
    """The derivative of svd_vjp(v, a, svd(a, ...), ...) along a's tangent t (its own
    transpose): svd_vjp's formula differentiated, with dU, ds, dV from svd_jvp."""
    U, s, V, m, n = _svd_parts(a, out, compute_uv, full_matrices)
    t = np.asarray(t, dtype=U.dtype)
    dU, ds, dVt = svd_jvp(t, a, (U, s, _mT(V)), False, True)
    dV = _mT(dVt)
    if not compute_uv:
        gs = np.asarray(v, dtype=s.dtype)[..., None, :]
        return np.matmul(dU * gs, _mT(V)) + np.matmul(U * gs, dVt)
    gU, gs, gV = _svd_cotangents(v, out, m, n, full_matrices)
    inner = _diag_embed(gs)
    d_inner = np.zeros_like(inner)
    vectors = _any(gU) or _any(gV)
    if vectors:
        S, dS = _diag_embed(s), _diag_embed(ds)
        F = _gap_inverse(s * s, "singular value", "np.linalg.svd")
        dF = _gap_inverse_jvp(F, 2 * s * ds)
        UtgU, VtgV = np.matmul(_mT(U), gU), np.matmul(_mT(V), gV)
        J, K = F * UtgU, F * VtgV
        dJ = dF * UtgU + F * np.matmul(_mT(dU), gU)
        dK = dF * VtgV + F * np.matmul(_mT(dV), gV)
        inner = inner + np.matmul(J + _mT(J), S) + np.matmul(S, K + _mT(K))
        d_inner = (
            np.matmul(dJ + _mT(dJ), S)
            + np.matmul(J + _mT(J), dS)
            + np.matmul(dS, K + _mT(K))
            + np.matmul(S, dK + _mT(dK))
        )
    d_grad = (
        np.matmul(dU, np.matmul(inner, _mT(V)))
        + np.matmul(U, np.matmul(d_inner, _mT(V)))
        + np.matmul(U, np.matmul(inner, _mT(dV)))
    )
    if vectors and m != n:
        inv_s = 1.0 / s
        d_inv_s = -ds * inv_s * inv_s
        if m > n:
            proj = gU - np.matmul(U, np.matmul(_mT(U), gU))
            d_proj = -np.matmul(dU, np.matmul(_mT(U), gU)) - np.matmul(U, np.matmul(_mT(dU), gU))
            d_grad = (
                d_grad
                + np.matmul(d_proj * inv_s[..., None, :] + proj * d_inv_s[..., None, :], _mT(V))
                + np.matmul(proj * inv_s[..., None, :], _mT(dV))
            )
        else:
            proj = gV - np.matmul(V, np.matmul(_mT(V), gV))
            d_proj = -np.matmul(dV, np.matmul(_mT(V), gV)) - np.matmul(V, np.matmul(_mT(dV), gV))
            d_grad = (
                d_grad
                + np.matmul(dU * inv_s[..., None, :] + U * d_inv_s[..., None, :], _mT(proj))
                + np.matmul(U * inv_s[..., None, :], _mT(d_proj))
            )
    return d_grad


def _svd_gap_terms(P, dP, s, ds, U, dU):
    """The derivative of U (F o (P S + (P S)^T)), svd_jvp's gap term of dU (of dV, with
    P^T, dP^T and V, dV), along a's tangent: P -> dP, s -> ds, U -> dU."""
    F = _gap_inverse(s * s, "singular value", "np.linalg.svd")
    dF = _gap_inverse_jvp(F, 2 * s * ds)
    PS = P * s[..., None, :]
    dPS = dP * s[..., None, :] + P * ds[..., None, :]
    sym, d_sym = PS + _mT(PS), dPS + _mT(dPS)
    return np.matmul(dU, F * sym) + np.matmul(U, dF * sym + F * d_sym)


def _svd_projected_jvp(t, V, dV, U, dU, s, ds):
    """The derivative of (I - U U^T) t V S^-1, svd_jvp's term of dU for a tall matrix
    (of dV for a wide one, with t^T and U, V swapped), along a's tangent."""
    tv, dtv = np.matmul(t, V), np.matmul(t, dV)
    UtTv = np.matmul(_mT(U), tv)
    proj = tv - np.matmul(U, UtTv)
    d_proj = (
        dtv
        - np.matmul(dU, UtTv)
        - np.matmul(U, np.matmul(_mT(dU), tv))
        - np.matmul(U, np.matmul(_mT(U), dtv))
    )
    inv_s = 1.0 / s
    return d_proj * inv_s[..., None, :] - proj * (ds * inv_s * inv_s)[..., None, :]


def svd_jvp_da(s, u, a, out, full_matrices=True, compute_uv=True):
    """The derivative of svd_jvp(u, a, svd(a, ...), ...) along a's tangent s: the second
    derivative of svd at a in the directions u and s (symmetric in them).  svd_jvp's
    formula differentiated, with (s_U, s_s, s_V) from svd_jvp(s, ...)."""
    U, sv, V, m, n = _svd_parts(a, out, compute_uv, full_matrices)
    u = np.asarray(u, dtype=U.dtype)
    sU, ss, sVt = svd_jvp(s, a, (U, sv, _mT(V)), False, True)
    sV = _mT(sVt)
    P = np.matmul(_mT(U), np.matmul(u, V))
    dP = np.matmul(_mT(sU), np.matmul(u, V)) + np.matmul(_mT(U), np.matmul(u, sV))
    dds = np.diagonal(dP, axis1=-2, axis2=-1).copy()
    if not compute_uv:
        return dds
    if full_matrices and m != n:
        raise _svd_full_error()
    ddU, ddV = np.zeros_like(U), np.zeros_like(V)
    if _off_diagonal(P) or _off_diagonal(dP):
        ddU = _svd_gap_terms(P, dP, sv, ss, U, sU)
        ddV = _svd_gap_terms(_mT(P), _mT(dP), sv, ss, V, sV)
    if m != n and _any(u):
        _check_no_zero(sv)
        if m > n:
            ddU = ddU + _svd_projected_jvp(u, V, sV, U, sU, sv, ss)
        else:
            ddV = ddV + _svd_projected_jvp(_mT(u), U, sU, V, sV, sv, ss)
    return ddU, dds, _mT(ddV)


# --- lstsq: x = pinv(a) b, residuals |b - a x|^2 (where NumPy returns them), s of a --------


def _lstsq_b(b):
    B = np.asarray(b)
    return (B[..., None], True) if B.ndim == 1 else (B, False)


def lstsq_jvp(t_a, t_b, a, b, out):
    """Tangents of (x, residuals, rank, s) = np.linalg.lstsq(a, b) along (t_a, t_b), either
    None: dx = dpinv b + pinv db; d residuals = 2 r . (db - da x) per column (r = b - a x,
    and a^T r = 0 at the solution); ds = diag(U^T da V)."""
    A = np.asarray(a)
    B, vec = _lstsq_b(b)
    p = np.linalg.pinv(A)
    x = np.matmul(p, B)
    r = B - np.matmul(A, x)
    dx = np.zeros_like(x)
    dr = np.zeros_like(r)
    ds = np.zeros(min(A.shape), dtype=x.dtype)
    if t_a is not None:
        ta = np.asarray(t_a, dtype=x.dtype)
        dx = dx + np.matmul(pinv_jvp(ta, A, p), B)
        dr = dr - np.matmul(ta, x)
        ds = ds + svd_jvp(ta, A, np.linalg.svd(A, compute_uv=False), False, False)
    if t_b is not None:
        tb, _ = _lstsq_b(np.asarray(t_b, dtype=x.dtype))
        dx = dx + np.matmul(p, tb)
        dr = dr + tb
    res = np.asarray(out[1])
    dres = 2 * np.sum(r * dr, axis=0) if res.size else np.zeros_like(res, dtype=x.dtype)
    dres = dres[0] if vec and res.size else dres
    return (dx[..., 0] if vec else dx), dres, 0, ds


def _lstsq_cotangents(g, a, b, out):
    A = np.asarray(a)
    B, vec = _lstsq_b(b)
    p = np.linalg.pinv(A)
    x = np.matmul(p, B)
    gx = _part(g, 0, out[0])
    gx = gx[..., None] if vec else gx
    res = np.asarray(out[1])
    gres = _part(g, 1, res) if res.size else None
    r = B - np.matmul(A, x)
    # residuals' cotangent times r: one column per right-hand side
    rg = 2 * r * np.reshape(gres, (1, -1)) if gres is not None else np.zeros_like(r)
    return A, B, p, x, gx, rg, vec


def lstsq_vjp_a(g, a, b, out):
    """Cotangent of a in np.linalg.lstsq(a, b): the transpose of lstsq_jvp in t_a."""
    A, B, p, x, gx, rg, _ = _lstsq_cotangents(g, a, b, out)
    grad = pinv_vjp(np.matmul(gx, _mT(B)), A, p) - np.matmul(rg, _mT(x))
    gs = _part(g, 3, out[3])
    if _any(gs):
        grad = grad + svd_vjp(gs, A, np.linalg.svd(A, compute_uv=False), False, False)
    return grad


def lstsq_vjp_b(g, a, b, out):
    """Cotangent of b in np.linalg.lstsq(a, b): pinv^T g_x + 2 r g_residuals."""
    _, _, p, _, gx, rg, vec = _lstsq_cotangents(g, a, b, out)
    grad = np.matmul(_mT(p), gx) + rg
    return grad[..., 0] if vec else grad


def lstsq_hvp(t_a, t_b, v, a, b, out):
    """The derivatives of (lstsq_vjp_a, lstsq_vjp_b)(v, a, b, out) along (t_a, t_b), either
    None: the Hessian of <v, lstsq(a, b)> times the direction, so that each of its blocks
    transposes to another (out is lstsq(a, b) of the same a and b).  lstsq_vjp_a's and
    lstsq_vjp_b's formulas differentiated, with dp = pinv_jvp, dx = dp b + p db and
    dr = db - da x - a dx."""
    A, B, p, x, gx, rg, vec = _lstsq_cotangents(v, a, b, out)
    res = np.asarray(out[1])
    gres = np.reshape(_part(v, 1, res), (1, -1)) if res.size else None
    ta = np.zeros_like(A, dtype=x.dtype) if t_a is None else np.asarray(t_a, dtype=x.dtype)
    tb = (
        np.zeros_like(B, dtype=x.dtype)
        if t_b is None
        else _lstsq_b(np.asarray(t_b, dtype=x.dtype))[0]
    )
    M = np.matmul(gx, _mT(B))
    dp = pinv_jvp(ta, A, p)
    dx = np.matmul(dp, B) + np.matmul(p, tb)
    dr = tb - np.matmul(ta, x) - np.matmul(A, dx)
    drg = 2 * dr * gres if gres is not None else np.zeros_like(dr)
    d_grad_a = (
        pinv_vjp(np.matmul(gx, _mT(tb)), A, p)
        + pinv_vjp_da(ta, M, A, p)
        - np.matmul(drg, _mT(x))
        - np.matmul(rg, _mT(dx))
    )
    gs = _part(v, 3, out[3])
    if _any(gs):
        d_grad_a = d_grad_a + svd_vjp_da(
            ta, gs, A, np.linalg.svd(A, compute_uv=False), False, False
        )
    d_grad_b = np.matmul(_mT(dp), gx) + drg
    return d_grad_a, (d_grad_b[..., 0] if vec else d_grad_b)


def _lstsq_direction(t_a, t_b, A, B, dtype):
    """A direction (t_a, t_b) of lstsq's (a, b), None as zeros, b's as a matrix."""
    ta = np.zeros_like(A, dtype=dtype) if t_a is None else np.asarray(t_a, dtype=dtype)
    tb = np.zeros_like(B, dtype=dtype) if t_b is None else _lstsq_b(np.asarray(t_b, dtype))[0]
    return ta, tb


def lstsq_jvp_da(s_a, s_b, u_a, u_b, a, b, out):
    """The derivative of lstsq_jvp(u_a, u_b, a, b, lstsq(a, b)) along (s_a, s_b) (any of
    them None): the second derivative of lstsq at (a, b) in the directions u and s
    (symmetric in them).  lstsq_jvp's formula differentiated: it is the derivative
    itself wherever it is defined, since a^T r = 0 holds at every a, b."""
    A = np.asarray(a)
    B, vec = _lstsq_b(b)
    p = np.linalg.pinv(A)
    x = np.matmul(p, B)
    r = B - np.matmul(A, x)
    sa, sb = _lstsq_direction(s_a, s_b, A, B, x.dtype)
    ua, ub = _lstsq_direction(u_a, u_b, A, B, x.dtype)
    dp_s = pinv_jvp(sa, A, p)
    dx_s = np.matmul(dp_s, B) + np.matmul(p, sb)
    ddx = np.matmul(pinv_jvp(ua, A, p), sb) + np.matmul(dp_s, ub)
    ds = np.zeros(min(A.shape), dtype=x.dtype)
    if u_a is not None and s_a is not None:
        ddx = ddx + np.matmul(pinv_jvp_da(sa, ua, A, p), B)
        ds = svd_jvp_da(sa, ua, A, np.linalg.svd(A, compute_uv=False), False, False)
    res = np.asarray(out[1])
    if res.size:
        dr_s = sb - np.matmul(sa, x) - np.matmul(A, dx_s)  # r's tangent along s
        dres = 2 * np.sum(dr_s * (ub - np.matmul(ua, x)) - r * np.matmul(ua, dx_s), axis=0)
        dres = dres[0] if vec else dres
    else:
        dres = np.zeros_like(res, dtype=x.dtype)
    return (ddx[..., 0] if vec else ddx), dres, 0, ds


# --- splits: the cotangent of the pieces joined again ---------------------------------------


def split_vjp(g, ary, axis=0):
    """Cotangent of ary in np.split / np.array_split(ary, ..., axis) and their hsplit,
    vsplit, dsplit: the pieces' cotangents (arrays: zeros_like of unused pieces) joined
    along the axis."""
    A = np.asarray(ary)
    dtype = np.result_type(A.dtype, np.float32)
    return np.concatenate([np.asarray(p, dtype=dtype) for p in g], axis=axis)


def split_pieces(h, v, axis=0):
    """The transpose of split_vjp(v, ary, axis): h split at the widths of the pieces v,
    in v's form (a list, an array of pieces stacked, or of objects where they differ)."""
    h = np.asarray(h)
    sizes = [np.shape(p)[axis] for p in v]
    parts = np.split(h, np.cumsum(sizes)[:-1], axis=axis)
    parts = [p.astype(np.result_type(h.dtype, np.float32), copy=False) for p in parts]
    if isinstance(v, np.ndarray) and v.dtype == object:
        out = np.empty(len(parts), dtype=object)
        for i, p in enumerate(parts):
            out[i] = p
        return out
    if isinstance(v, np.ndarray):
        return np.stack(parts)
    return parts


# --- multi_dot: a product of matrices (a first 1-D array a row, a last one a column) -------


def _as_matrices(arrays):
    mats = [np.asarray(a) for a in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def _product(mats, n):
    """mats[0] @ ... @ mats[-1], or the n x n identity for no matrices."""
    if not mats:
        return np.eye(n)
    out = mats[0]
    for m in mats[1:]:
        out = np.matmul(out, m)
    return out


def multi_dot_jvp(t, arrays):
    """Tangent of np.linalg.multi_dot(arrays): the sum over the arrays with a tangent of
    the product with that array replaced by its tangent (0.0 for a constant)."""
    total = None
    for i, u in enumerate(t):
        if np.ndim(u) == 0 and not _any(u):
            continue
        parts = list(arrays)
        parts[i] = np.broadcast_to(np.asarray(u), np.shape(arrays[i]))
        term = np.linalg.multi_dot(parts)
        total = term if total is None else total + term
    if total is None:
        return np.zeros_like(np.linalg.multi_dot(list(arrays)))
    return total


def multi_dot_vjp(g, arrays):
    """Cotangents of the arrays of np.linalg.multi_dot(arrays): for the i-th,
    (product of those before it)^T g (product of those after it)^T, in its shape -- as
    `rows_of` holds a sequence's cotangents (a list would be joined, not added, where
    the list of arrays is read twice)."""
    return rows_of(_cotangents(g, arrays))


def _cotangents(g, arrays):
    """multi_dot_vjp's cotangents as a list."""
    mats = _as_matrices(arrays)
    G = np.reshape(np.asarray(g), (mats[0].shape[0], mats[-1].shape[1]))
    out = []
    for i, (a, m) in enumerate(zip(arrays, mats)):
        left = _product(mats[:i], m.shape[0])
        right = _product(mats[i + 1 :], m.shape[1])
        gi = np.matmul(_mT(left), np.matmul(G, _mT(right)))
        A = np.asarray(a)
        out.append(np.reshape(gi, A.shape).astype(np.result_type(A.dtype, np.float32)))
    return out


# multi_dot's helpers are multilinear in the arrays: a derivative in the arrays replaces
# one more array by its tangent.  multi_dot_vjp(v, arrays) is the gradient of
# <v, multi_dot(arrays)>, so its derivative in the arrays is its own transpose.


def _is_zero(u):
    return np.ndim(u) == 0 and not _any(u)


def _replaced(arrays, i, u):
    parts = list(arrays)
    parts[i] = np.broadcast_to(np.asarray(u), np.shape(arrays[i]))
    return parts


def _zeroed(cotangents, i, arrays):
    A = np.asarray(arrays[i])
    cotangents[i] = np.zeros(A.shape, dtype=np.result_type(A.dtype, np.float32))
    return cotangents


def _zeros_for(arrays):
    """Zero cotangents of the arrays, in their shapes and float dtypes."""
    return [_zeroed([None], 0, [a])[0] for a in arrays]


def _add_lists(total, terms):
    return terms if total is None else [a + b for a, b in zip(total, terms)]


def multi_dot_vjp_da(s, v, arrays):
    """The derivative of multi_dot_vjp(v, arrays) along the arrays' tangents s (its own
    transpose): for the i-th, the sum over j != i of its cotangent with array j replaced
    by s_j."""
    total = None
    for j, sj in enumerate(s):
        if not _is_zero(sj):
            terms = _zeroed(_cotangents(v, _replaced(arrays, j, sj)), j, arrays)
            total = _add_lists(total, terms)
    return rows_of(_zeros_for(arrays) if total is None else total)


def multi_dot_jvp_da(s, u, arrays):
    """The derivative of multi_dot_jvp(u, arrays) along the arrays' tangents s: the sum
    over i of multi_dot_jvp of s without s_i, array i replaced by u_i."""
    total = None
    for i, ui in enumerate(u):
        if not _is_zero(ui):
            others = list(s)
            others[i] = 0.0
            term = multi_dot_jvp(others, _replaced(arrays, i, ui))
            total = term if total is None else total + term
    if total is None:
        return np.zeros_like(np.linalg.multi_dot(list(arrays)))
    return total


def multi_dot_jvp_da_t(h, u, arrays):
    """The transpose of multi_dot_jvp_da in s: the cotangents of the arrays, summed over i
    of multi_dot_vjp(h, array i replaced by u_i) without its i-th."""
    total = None
    for i, ui in enumerate(u):
        if not _is_zero(ui):
            total = _add_lists(total, _zeroed(_cotangents(h, _replaced(arrays, i, ui)), i, arrays))
    return rows_of(_zeros_for(arrays) if total is None else total)


# --- QR ------------------------------------------------------------------------------------
def _qr_parts(a, out, mode):
    """(Q, R) of np.linalg.qr(a, mode) (for mode "r", which returns R alone, Q computed
    again), where its derivative is defined as these helpers compute it: R square."""
    mode = str(mode)
    if mode == "r":
        out = np.linalg.qr(a)
    Q, R = (out[0], out[1]) if mode in ("reduced", "complete", "r") else (None, None)
    if R is None or R.shape[-2] != R.shape[-1]:
        shape = "" if R is None else f" and R is {R.shape[-2]}x{R.shape[-1]}"
        raise _domain_error(
            "srcdiff differentiates np.linalg.qr(a) (modes 'reduced', 'complete' and 'r') "
            f"of a matrix with at least as many rows as columns; here mode={mode!r}{shape}",
            hint="for a wide matrix take the QR of its transpose, and use mode='reduced' "
            "(as JAX and PyTorch, srcdiff has no derivative of the other cases)",
        )
    return Q, R


def _qr_cotangents(g, mode):
    """The cotangents (of Q, of R) given for qr's results: mode "r" gives R's alone."""
    return (0.0, g) if str(mode) == "r" else g


def _right_solve(X, R):
    """X R^-1 (R upper triangular and invertible), as a solve of the transposed system."""
    return _mT(np.linalg.solve(_mT(R), _mT(X)))


def _right_solve_t(X, R):
    """X R^-T."""
    return _mT(np.linalg.solve(R, _mT(X)))


def qr_jvp(t, a, out, mode="reduced"):
    """Tangents of (Q, R) = np.linalg.qr(a) (of R alone for mode "r"): with X = t R^-1,
    C = Q^T X and W = tril(C, -1) - tril(C, -1)^T (skew), dQ = Q (W - C) + X and
    dR = (C - W) R."""
    Q, R = _qr_parts(a, out, mode)
    X = _right_solve(np.asarray(t, dtype=Q.dtype), R)
    C = np.matmul(_mT(Q), X)
    L = np.tril(C, -1)
    W = L - _mT(L)
    dR = np.matmul(C - W, R)
    return dR if str(mode) == "r" else (np.matmul(Q, W - C) + X, dR)


def _qr_inner(g, Q, R):
    """N = tril(K - K^T, -1) - K with K = Q^T g_Q - g_R R^T, and g_Q: qr_vjp is
    (g_Q + Q N) R^-T (the transpose of qr_jvp)."""
    gQ, gR = _part(g, 0, Q), _part(g, 1, R)
    K = np.matmul(_mT(Q), gQ) - np.matmul(gR, _mT(R))
    return np.tril(K - _mT(K), -1) - K, gQ, gR


def qr_vjp(g, a, out, mode="reduced"):
    """Cotangent of a in (Q, R) = np.linalg.qr(a): (g_Q + Q N) R^-T (see _qr_inner)."""
    Q, R = _qr_parts(a, out, mode)
    N, gQ, _ = _qr_inner(_qr_cotangents(g, mode), Q, R)
    return _right_solve_t(gQ + np.matmul(Q, N), R)


def qr_vjp_da(t, v, a, out, mode="reduced"):
    """The derivative of qr_vjp(v, a, qr(a)) along a's tangent t (its own transpose: the
    Hessian of <v, qr(a)>): qr_vjp's formula differentiated, dQ and dR from qr_jvp."""
    Q, R = _qr_parts(a, out, mode)
    dQ, dR = qr_jvp(t, a, (Q, R))
    N, gQ, gR = _qr_inner(_qr_cotangents(v, mode), Q, R)
    dK = np.matmul(_mT(dQ), gQ) - np.matmul(gR, _mT(dR))
    dN = np.tril(dK - _mT(dK), -1) - dK
    grad = _right_solve_t(gQ + np.matmul(Q, N), R)
    dG = np.matmul(dQ, N) + np.matmul(Q, dN)
    return _right_solve_t(dG - np.matmul(grad, _mT(dR)), R)


def qr_jvp_da(s, u, a, out, mode="reduced"):
    """The derivative of qr_jvp(u, a, qr(a), mode) along a's tangent s: the second
    derivative of qr at a in the directions u and s (symmetric in them).  qr_jvp's
    formula differentiated, with (s_Q, s_R) = qr_jvp(s, ...) and
    d(u R^-1) = -u R^-1 s_R R^-1."""
    Q, R = _qr_parts(a, out, mode)
    sQ, sR = qr_jvp(s, a, (Q, R))
    X = _right_solve(np.asarray(u, dtype=Q.dtype), R)
    C = np.matmul(_mT(Q), X)
    L = np.tril(C, -1)
    W = L - _mT(L)
    dX = -_right_solve(np.matmul(X, sR), R)
    dC = np.matmul(_mT(sQ), X) + np.matmul(_mT(Q), dX)
    dL = np.tril(dC, -1)
    dW = dL - _mT(dL)
    ddR = np.matmul(dC - dW, R) + np.matmul(C - W, sR)
    if str(mode) == "r":
        return ddR
    return np.matmul(sQ, W - C) + np.matmul(Q, dW - dC) + dX, ddR

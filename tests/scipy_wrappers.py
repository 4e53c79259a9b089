"""Module-level wrappers of scipy.special functions for tests/test_scipy_special.py.

srcdiff reads source, so every wrapper is a real `def` in a real file; each one's
parameters are named after the function's own.
"""

import numpy as np
from scipy import special


def gammasgn(x):
    return special.gammasgn(x)


def expit(x):
    return special.expit(x)


def logit(x):
    return special.logit(x)


def gammaln(x):
    return special.gammaln(x)


def digamma(x):
    return special.digamma(x)


def psi(x):
    return special.psi(x)


def gamma(x):
    return special.gamma(x)


def rgamma(x):
    return special.rgamma(x)


def erf(x):
    return special.erf(x)


def erfc(x):
    return special.erfc(x)


def erfinv(x):
    return special.erfinv(x)


def erfcinv(x):
    return special.erfcinv(x)


def ndtr(x):
    return special.ndtr(x)


def ndtri(x):
    return special.ndtri(x)


def log_ndtr(x):
    return special.log_ndtr(x)


def entr(x):
    return special.entr(x)


def i0(x):
    return special.i0(x)


def i1(x):
    return special.i1(x)


def i0e(x):
    return special.i0e(x)


def i1e(x):
    return special.i1e(x)


def j0(x):
    return special.j0(x)


def j1(x):
    return special.j1(x)


def y0(x):
    return special.y0(x)


def y1(x):
    return special.y1(x)


def beta(a, b):
    return special.beta(a, b)


def betaln(a, b):
    return special.betaln(a, b)


def xlogy(x, y):
    return special.xlogy(x, y)


def xlog1py(x, y):
    return special.xlog1py(x, y)


def polygamma(n, x):
    return special.polygamma(n, x)


def jv(v, x):
    return special.jv(v, x)


def jn(n, x):
    return special.jn(n, x)


def yv(v, x):
    return special.yv(v, x)


def yn(n, x):
    return special.yn(n, x)


def iv(v, x):
    return special.iv(v, x)


def ive(v, x):
    return special.ive(v, x)


def gammainc(a, x):
    return special.gammainc(a, x)


def gammaincc(a, x):
    return special.gammaincc(a, x)


def multigammaln(a, d):
    return special.multigammaln(a, d)


def betainc(a, b, x):
    return special.betainc(a, b, x)


def zeta(x, q):
    return special.zeta(x, q)


# --- reductions and softmax of arrays --------------------------------------------------------


def logsumexp(a):
    return special.logsumexp(a)


def logsumexp_axis0(a):
    return special.logsumexp(a, axis=0)


def logsumexp_axis1_keepdims(a):
    return special.logsumexp(a, axis=1, keepdims=True)


def logsumexp_axis_tuple(a):
    return special.logsumexp(a, axis=(0, 2))


def logsumexp_b(a, b):
    return special.logsumexp(a, b=b)


def logsumexp_b_axis1(a, b):
    return special.logsumexp(a, axis=1, b=b)


def logsumexp_b_broadcast(a, b):
    return special.logsumexp(a, axis=0, b=b, keepdims=True)


def logsumexp_return_sign(a):
    out, sign = special.logsumexp(a, return_sign=True)
    return out * sign


def softmax(x):
    return special.softmax(x)


def softmax_axis1(x):
    return special.softmax(x, axis=1)


def log_softmax(x):
    return special.log_softmax(x)


def log_softmax_axis0(x):
    return special.log_softmax(x, axis=0)


def cross_entropy(w, x, labels):
    """A small classifier loss: log_softmax of a linear map, picked by labels."""
    logits = x @ w
    return -np.sum(special.log_softmax(logits, axis=1) * labels)


# --- the functions of several arguments in their differentiated one, the others fixed ----------


def polygamma_in_x(x):
    return special.polygamma(1, x)


def jv_in_x(x):
    return special.jv(1.5, x)


def jn_in_x(x):
    return special.jn(2, x)


def yv_in_x(x):
    return special.yv(1.5, x)


def yn_in_x(x):
    return special.yn(2, x)


def iv_in_x(x):
    return special.iv(1.5, x)


def ive_in_x(x):
    return special.ive(1.5, x)


def gammainc_in_x(x):
    return special.gammainc(2.5, x)


def gammaincc_in_x(x):
    return special.gammaincc(2.5, x)


def betainc_in_x(x):
    return special.betainc(2.5, 1.5, x)


def multigammaln_in_a(a):
    return special.multigammaln(a, 2)


def zeta_in_q(q):
    return special.zeta(2, q)


def loggamma(x):
    return special.loggamma(x)


def poch(z, m):
    return special.poch(z, m)


def boxcox(x, lmbda):
    return special.boxcox(x, lmbda)


def boxcox_in_x(x):
    return special.boxcox(x, 0.7)


def boxcox1p(x, lmbda):
    return special.boxcox1p(x, lmbda)


def boxcox1p_in_x(x):
    return special.boxcox1p(x, -0.4)


def kl_div(x, y):
    return special.kl_div(x, y)


def rel_entr(x, y):
    return special.rel_entr(x, y)


def erfcx(x):
    return special.erfcx(x)


def dawsn(x):
    return special.dawsn(x)


def exp1(x):
    return special.exp1(x)


def expi(x):
    return special.expi(x)


def hyp2f1(a, b, c, z):
    return special.hyp2f1(a, b, c, z)


def hyp1f1(a, b, x):
    return special.hyp1f1(a, b, x)


def expn(n, x):
    return special.expn(n, x)


def hyp2f1_in_z(z):
    return special.hyp2f1(0.5, 1.5, 2.5, z)


def hyp1f1_in_x(x):
    return special.hyp1f1(0.5, 1.5, x)


def expn_in_x(x):
    return special.expn(2, x)


def boxcox_in_lmbda(lmbda):
    return special.boxcox(1.7, lmbda)


def boxcox1p_in_lmbda(lmbda):
    return special.boxcox1p(0.7, lmbda)


def owens_t(h, a):
    return special.owens_t(h, a)


def factorial(n):
    return special.factorial(n)


def factorial_complex(n):
    return special.factorial(n, extend="complex")


def sici_both(x):
    si, ci = special.sici(x)
    return si * 1.5 + ci * ci


def sici_si(x):
    return special.sici(x)[0]


def fresnel_both(x):
    s, c = special.fresnel(x)
    return s * c + s


def fresnel_c(x):
    return special.fresnel(x)[1]

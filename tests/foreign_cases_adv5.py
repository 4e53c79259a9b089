"""Numerical code written by others, adapted to NumPy as a new user would write it (for
tests/test_foreign_code_adv5.py): numpy-ml's activations, losses and layers, scipy.optimize's
test functions, Black-Scholes, Newton iterations, and the minimised programs that were
differentiated wrongly or refused.  Each function's source is what srcdiff reads."""

from __future__ import annotations

import math

import numpy as np
from scipy import special


# -- numpy-ml (neural_nets/activations, losses) -----------------------------------------
def leaky_relu_masked(z):
    """numpy-ml's LeakyReLU.fn: a copy changed where z < 0 (its Hessian was 1 + alpha
    where 2 alpha: the gradient code's `1.0 * _z` tangent shared memory with _z's)."""
    _z = z.copy()
    _z[z < 0] = _z[z < 0] * 0.3
    return np.sum(_z * z)


def gelu_tanh(z):
    """numpy-ml's GELU.fn (approximate): NumPy's functions under local names."""
    pi, sqrt, tanh = np.pi, np.sqrt, np.tanh
    return np.sum(0.5 * z * (1 + tanh(sqrt(2 / pi) * (z + 0.044715 * z**3))))


def gelu_tanh_in_branch(z, approximate=True):
    """Bound in a branch, the local names are not rewritten: refused, with the hint to
    call np.tanh(...) where tanh(...) is called (it was `register_rule(tanh, ...)`)."""
    if approximate:
        sqrt, tanh = np.sqrt, np.tanh
    return np.sum(0.5 * z * (1 + tanh(sqrt(2 / np.pi) * (z + 0.044715 * z**3))))


def gelu_tanh_advice(z, approximate=True):
    if approximate:
        sqrt = np.sqrt
    return np.sum(0.5 * z * (1 + np.tanh(sqrt(2 / np.pi) * (z + 0.044715 * z**3))))


def gelu_tanh_in_data_branch(z):
    """Bound in a branch the values decide (a flag's branch is pruned first: then the names
    are bound at the top level, as in gelu_tanh_in_branch), refused with the same hint."""
    if z[0] > -10.0:
        sqrt, tanh = np.sqrt, np.tanh
    return np.sum(0.5 * z * (1 + tanh(sqrt(2 / np.pi) * (z + 0.044715 * z**3))))


def gelu_tanh_in_data_branch_advice(z):
    if z[0] > -10.0:
        sqrt = np.sqrt
    return np.sum(0.5 * z * (1 + np.tanh(sqrt(2 / np.pi) * (z + 0.044715 * z**3))))


def vae_loss(y, y_pred, t_mean, t_log_var):
    eps = np.finfo(float).eps
    y_pred = np.clip(y_pred, eps, 1 - eps)
    rec_loss = -np.sum(y * np.log(y_pred) + (1 - y) * np.log(1 - y_pred), axis=1)
    kl_loss = -0.5 * np.sum(1 + t_log_var - t_mean**2 - np.exp(t_log_var), axis=1)
    return np.mean(kl_loss + rec_loss)


# -- minimised: a tangent simplified to another variable's, changed in place later ------
def scaled_copy_then_changed(z):
    """`v = 1.0 * w` is a new array: w changed afterwards leaves v as it was."""
    w = z * 1.0
    v = 1.0 * w
    w[1] = w[1] * 0.3
    return np.sum(v * z)


def plus_zero_then_changed(z):
    w = z * 1.0
    v = w + 0.0
    w[1] = w[1] * 0.3
    return np.sum(v * z)


def transposed_then_changed(z):
    """Through a temporary: `w.T` views w, `* 1.0` makes a new array."""
    w = z * 1.0
    v = w.T * 1.0
    w[1] = w[1] * 0.3
    return np.sum(v * z)


def changed_in_loop(z):
    w = z * 1.0
    v = 1.0 * w
    for i in range(2):
        w[i] = w[i] * 0.3
    return np.sum(v * z)


def self_scaled_item(z):
    """The Hessian's case: the gradient code restores w[1] after reading `1.0 * w`."""
    w = z * 1.0
    w[1] = w[1] * 0.3
    return np.sum(w * z)


# -- scipy.optimize's test functions, textbook code ----------------------------------------
def rosen_hess_prod(x, p):
    x = np.atleast_1d(x)
    hp = np.zeros(len(x), dtype=x.dtype)
    hp[0] = (1200 * x[0] ** 2 - 400 * x[1] + 2) * p[0] - 400 * x[0] * p[1]
    hp[1:-1] = (
        -400 * x[:-2] * p[:-2]
        + (202 + 1200 * x[1:-1] ** 2 - 400 * x[2:]) * p[1:-1]
        - 400 * x[1:-1] * p[2:]
    )
    hp[-1] = -400 * x[-2] * p[-2] + 200 * p[-1]
    return hp @ hp


def black_scholes(s, k, t, r, sigma):
    d1 = (math.log(s / k) + (r + 0.5 * sigma**2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    return s * _ncdf(d1) - k * math.exp(-r * t) * _ncdf(d2)


def _ncdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def newton_kepler(m, e):
    big_e = m
    for _ in range(50):
        step = (big_e - e * math.sin(big_e) - m) / (1 - e * math.cos(big_e))
        big_e -= step
        if abs(step) < 1e-14:
            break
    return big_e


# -- minimised: an elementwise result unpacked into rows --------------------------------
def gp_nll_unpacked(theta, x, y):
    """A GP's negative log marginal likelihood, hyperparameters unpacked from np.exp of
    one array (the gradient crashed: `[dt1 * 2 * ell, dsf2, dsn2] * (ell, sf2, sn2)`)."""
    ell, sf2, sn2 = np.exp(theta)
    d2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    k = sf2 * np.exp(-0.5 * d2 / ell**2) + sn2 * np.eye(len(x))
    chol = np.linalg.cholesky(k)
    z = np.linalg.solve(chol, y)
    return 0.5 * z @ z + np.sum(np.log(np.diag(chol)))


def tanh_rows(t):
    a, b = np.tanh(t)
    return np.sum(a * b + a)


def square_rows(t):
    """`g * 2 * x` of a list of cotangents repeated the list."""
    a, b = np.square(t)
    return np.sum(a * b * b + a)


def sqrt_rows(t):
    a, b = np.sqrt(t)
    return np.sum(a * b + a)


# -- numpy-ml's HMM forward pass, for the command line -----------------------------------
def hmm_forward(log_pi, log_a, log_b, obs):
    """log p(obs): `obs`'s items index log_b's columns (`--at "obs=[0, 1, 1]"` was made a
    float array, which can't index: IndexError from the generated code), and log_a is
    an argument of scipy's logsumexp (taken for a count: its source was read)."""
    alpha = log_pi + log_b[:, obs[0]]
    for t in range(1, len(obs)):
        alpha = special.logsumexp(alpha[:, None] + log_a, axis=0) + log_b[:, obs[t]]
    return special.logsumexp(alpha)


# -- minimised: a fold that made a copy a view --------------------------------------------
def view_of_scaled_then_changed(x):
    """`(w * 1.0).T` is a new array's transpose: it was generated `v = w.T`, a view of w,
    so w[0] = ... changed v (value_and_grad's value 2.63 for f's 2.50, both modes)."""
    w = x.copy()
    v = (w * 1.0).T
    w[0] = w[0] * 1.5
    return np.sum(v * w)


def reshaped_sum_then_changed(x):
    w = x * 2.0
    v = np.reshape(w + 0.0, (-1,))
    w[1] = 0.5
    return np.sum(v * w)


def reversed_scaled_then_changed(x):
    w = x.copy()
    v = (1 * w)[::-1]
    w[-1] += 1.5
    return np.sum(v * w)


# -- minimised: a tangent's negations cancelled into another tangent's memory ---------------
def negated_twice_then_changed(x):
    """`dv = --dw` was tidied to `dv = dw` (signs.py), so dw[0] = 0.0 changed dv."""
    w = x * 2.0
    v = -(-w)  # noqa: B002 (as written elsewhere)
    w[0] = 5.0
    return np.sum(v * w)


def negated_product_then_changed(x):
    """`-dw * -1.0` folded and simplified to `dw` (optimize's fold of a single use)."""
    w = x * 2.0
    v = -w * -1.0
    w[0] = 5.0
    return np.sum(v * w)

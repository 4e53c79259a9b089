"""Module-level functions for the forward-mode, jvp/vjp, Jacobian and Hessian tests
(tests/test_forward.py, tests/test_jacobians.py, tests/test_hessian.py).

srcdiff reads source, so every case is a real `def` in a real file.
"""

import math

import numpy as np

# === scalar formulas (Hessians are also checked against sympy) ========================


def s_poly(x, y):
    return x**3 * y + 2.0 * x * y**2 - x + 0.5 * y**4


def s_trig(x, y):
    return math.sin(x * y) + math.cos(x) ** 2 * y


def s_exp_log(x, y):
    return math.exp(x * y) * math.log(1.0 + x * x)


def s_rational(x, y):
    return x / (1.0 + y * y) + y / (2.0 + x) + 1.0 / (x * y)


def s_sqrt_tanh(x):
    return math.sqrt(1.0 + x * x) * math.tanh(x)


def s_pow(x, y):
    return x**y + y**2.5


def s_atan_sinh(x, y):
    return math.atan(x * y) + math.sinh(x - y) * math.cosh(y)


def v_formula(v):
    return v[0] ** 2 * v[1] + math.sin(v[1] * v[2]) + math.exp(v[0]) * v[2]


def v_log_formula(v):
    return math.log(v[0] ** 2 + v[1] ** 2 + 1.0) * v[2] + v[0] * v[1] * v[2] ** 3


def v_unpacked(v):
    a, b, c = v[0], v[1], v[2]
    r = a * b + math.cos(c) * a**3
    return r * r + math.exp(b * c)


# === control flow, helpers ============================================================


def h_pair(a, b):
    return a * b, math.sin(a) + b * b


def h_scale(a, k=2.0):
    return a * a * k


def cf_horner(x, n):
    s = 0.0
    for i in range(n):
        s = s * x + (i + 1.0)
    return s


def cf_branch(x):
    if x > 1.0:
        y = x**3 - x
    elif x > -1.0:
        y = math.sin(x) * x
    else:
        y = math.exp(x)
    return y * x


def cf_helper_tuple(x, y):
    p, q = h_pair(x, y)
    return p * q + h_scale(p) + h_scale(q, k=0.5)


def cf_while(x):
    s = x
    k = 0
    while k < 4:
        s = s * math.cos(s) + x
        k += 1
    return s


def cf_loop_list(xs, w):
    s = 0.0
    for v in xs:
        if v > 0:
            s += v * v * w
        else:
            s += math.sin(v * w)
    return s * w


def cf_loop_array(v, n):
    s = 0.0
    for i in range(n):
        s = s + v[i] * v[i + 1] + math.cos(v[i]) * s
    return s


def cf_break(x):
    y = x
    for i in range(10):
        y = y * 1.3 + math.sin(y)
        if i >= 3:
            break
    return y * y


# === NumPy ============================================================================


def np_rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def np_quadratic_form(x, A):
    return x @ A @ x


def np_quad_dot(x, A):
    return np.dot(x, np.dot(A, x)) + 0.5 * np.sum(x * x)


def np_logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def np_logsumexp_plain(x):
    return np.log(np.sum(np.exp(x)))


def np_mlp_loss(wvec, X, y):
    W1 = np.reshape(wvec[:8], (2, 4))
    b1 = wvec[8:12]
    w2 = wvec[12:16]
    h = np.tanh(X @ W1 + b1)
    pred = h @ w2
    return np.mean((pred - y) ** 2)


def np_logistic_loss(w, X, y):
    z = X @ w
    return np.sum(np.log1p(np.exp(-y * z))) + 0.05 * np.sum(w * w)


def np_softmax_xent(logits, target):
    z = logits - np.max(logits)
    logp = z - np.log(np.sum(np.exp(z)))
    return -np.sum(target * logp)


def np_det(A):
    return np.linalg.det(A)


def np_trig_mix(x):
    return np.sum(np.sin(x) * np.cos(x) ** 2) + np.prod(x) + np.sum(x) ** 3


def np_array_loop(x, A):
    y = x
    for i in range(3):
        y = np.tanh(A @ y + x)
    return np.sum(y * y)


def np_norm_cubed(x):
    return np.linalg.norm(x) ** 3 + np.sum(np.sqrt(x * x + 1.0))


# === vector-valued (Jacobians, jvp, vjp) ==============================================


def j_elementwise(x):
    return np.sin(x) * x + np.exp(0.5 * x)


def j_matvec(A, x):
    return A @ x


def j_matvec_tanh(A, x, b):
    return np.tanh(np.dot(A, x) + b)


def j_softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def j_scalar_to_vector(t):
    c = np.array([1.0, 2.0, -0.5, 3.0])
    return np.sin(c * t) + c * t * t


def j_vector_to_scalar(x):
    return np.sum(x**2 * np.cos(x))


def j_gram(X):
    return X @ X.T


def j_outer(x, y):
    return np.outer(x, y) * np.sum(x)


def j_scalar_scalar(x):
    return math.sin(x) * x**2


def j_cumsum_scaled(x, s):
    return np.cumsum(x) * s


def j_loop_vector(x, n):
    y = x
    for i in range(n):
        y = np.sin(y) + 0.5 * y
    return y


def j_two_outputs(x, y):
    return x * y + math.sin(x), y**3 - x


def j_array_pair(x, A):
    return A @ x, np.sum(np.exp(x))


def j_int_arg(x, n):
    s = x
    for i in range(n):
        s = s * x + 1.0
    return s


def j_array_int_arg(x, n):
    return np.sum(x**n) + np.sum(np.sin(x)) * n


# === smallest forms of forward-mode problems =============================================


def fw_overwrite(x, y):
    y = y * x
    return y


def fw_loop_dot(x, A):
    y = x
    for i in range(2):
        y = np.dot(A, y)
    return np.sum(y)


def fw_fill(x):
    n = np.shape(x)[0]
    y = np.zeros(n)
    for i in range(n):
        y[i] = x[i] ** (i + 1)
    return np.sum(y + np.exp(x))


def j_from_list(xs):
    x = np.array(xs)
    return np.sin(x) * x + x[0] * x[1]


def hs_sq(a):
    return a * a


def hs_helper(x):
    return hs_sq(x) * x


def hs_pow(a, n):
    if n == 0:
        return 1.0
    return a * hs_pow(a, n - 1)


def hs_recursive(x, n):
    return hs_pow(x, n)


def hs_sum_exp(x):
    return np.log(np.sum(np.exp(x)))


def hs_loop_break(a):
    for i in range(3):
        a = a * 1.1
        if a > 3.0:
            break
    return a * a


def hs_calls_loop_break(x):
    return hs_loop_break(x) * 2.0

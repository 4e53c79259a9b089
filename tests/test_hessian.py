"""Hessians (forward mode over the generated reverse-mode code) and hvp.

* ``hessian(f, wrt)(*args)`` for 30+ functions -- scalar formulas, loops,
  branches, helpers (also from cf_cases.py), NumPy programs (Rosenbrock,
  quadratic forms, log-sum-exp, an MLP loss w.r.t. its weight vector,
  logistic regression, softmax cross-entropy, det, ...) -- has shape
  ``in.shape + in.shape``, is symmetric and matches central differences of
  srcdiff's reverse-mode gradient;
* for scalar formulas (and the formulas sympy can take whole: Rosenbrock,
  the quadratic form, log-sum-exp) it also matches ``sympy.hessian`` of an
  expression built here, evaluated at the same point;
* ``hvp(f, primals, v, wrt) == hessian(f, wrt)(*primals) @ v``.

Reverse over reverse is not available yet and is not tested.
"""

from __future__ import annotations

import inspect

import cf_cases as cf
import hi_cases as H
import numpy as np
import pytest
import sympy as sp
from fdiff import assert_close, fd_jacobian, scale_of

import srcdiff

R = np.random.default_rng(20240613)


def U(*shape, lo=-1.0, hi=1.0):
    return R.uniform(lo, hi, size=shape)


# --- sympy versions of the formulas (built here, evaluated at the test point) -------------


def _sym_s_poly(x, y):
    return x**3 * y + 2 * x * y**2 - x + sp.Rational(1, 2) * y**4


def _sym_s_trig(x, y):
    return sp.sin(x * y) + sp.cos(x) ** 2 * y


def _sym_s_exp_log(x, y):
    return sp.exp(x * y) * sp.log(1 + x * x)


def _sym_s_rational(x, y):
    return x / (1 + y * y) + y / (2 + x) + 1 / (x * y)


def _sym_s_sqrt_tanh(x):
    return sp.sqrt(1 + x * x) * sp.tanh(x)


def _sym_s_pow(x, y):
    return x**y + y ** sp.Rational(5, 2)


def _sym_s_atan_sinh(x, y):
    return sp.atan(x * y) + sp.sinh(x - y) * sp.cosh(y)


def _sym_v_formula(v):
    return v[0] ** 2 * v[1] + sp.sin(v[1] * v[2]) + sp.exp(v[0]) * v[2]


def _sym_v_log_formula(v):
    return sp.log(v[0] ** 2 + v[1] ** 2 + 1) * v[2] + v[0] * v[1] * v[2] ** 3


def _sym_v_unpacked(v):
    a, b, c = v
    r = a * b + sp.cos(c) * a**3
    return r * r + sp.exp(b * c)


def _sym_rosenbrock(v):
    return sum(100 * (v[i + 1] - v[i] ** 2) ** 2 + (1 - v[i]) ** 2 for i in range(len(v) - 1))


def _sym_logsumexp(v):
    return sp.log(sum(sp.exp(t) for t in v))


def _sym_quadratic_form(A):
    def build(v):
        x = sp.Matrix(v)
        return (x.T * sp.Matrix(A.tolist()) * x)[0, 0]

    return build


# --- the table --------------------------------------------------------------------------

x4 = U(4)
A44 = U(4, 4)
X52 = U(5, 2)
y5 = U(5)
W16 = U(16)
Xlog = U(6, 3)
ylog = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
target = np.array([0.1, 0.2, 0.3, 0.4])
M33 = 2.0 * np.eye(3) + 0.4 * U(3, 3)


class HCase:
    """A Hessian to check: func, args, wrt (one parameter), and optionally the
    sympy expression builder taking the parameter's symbol(s) (the other
    arguments are substituted as numbers)."""

    def __init__(self, id_, func, args, wrt=0, sym=None):
        self.id, self.func, self.args, self.wrt, self.sym = id_, func, tuple(args), wrt, sym
        params = list(inspect.signature(func).parameters)
        self.params = params
        self.index = params.index(wrt) if isinstance(wrt, str) else wrt % len(params)
        self.name = params[self.index]

    def __str__(self):
        return self.id


CASES = [
    # scalar formulas: the sympy builder takes all parameters; wrt picks the diagonal entry
    HCase("s_poly-x", H.s_poly, (0.7, 1.3), "x", _sym_s_poly),
    HCase("s_poly-y", H.s_poly, (0.7, 1.3), "y", _sym_s_poly),
    HCase("s_trig-x", H.s_trig, (0.7, 1.3), "x", _sym_s_trig),
    HCase("s_trig-y", H.s_trig, (-0.4, 2.1), "y", _sym_s_trig),
    HCase("s_exp_log-x", H.s_exp_log, (0.7, 0.4), "x", _sym_s_exp_log),
    HCase("s_exp_log-y", H.s_exp_log, (0.7, 0.4), "y", _sym_s_exp_log),
    HCase("s_rational-x", H.s_rational, (0.7, 1.3), "x", _sym_s_rational),
    HCase("s_rational-y", H.s_rational, (0.7, 1.3), "y", _sym_s_rational),
    HCase("s_sqrt_tanh", H.s_sqrt_tanh, (0.7,), "x", _sym_s_sqrt_tanh),
    HCase("s_sqrt_tanh-neg", H.s_sqrt_tanh, (-1.9,), "x", _sym_s_sqrt_tanh),
    HCase("s_pow-x", H.s_pow, (0.7, 1.3), "x", _sym_s_pow),
    HCase("s_pow-y", H.s_pow, (0.7, 1.3), "y", _sym_s_pow),
    HCase("s_atan_sinh-x", H.s_atan_sinh, (0.7, 1.3), "x", _sym_s_atan_sinh),
    HCase("s_atan_sinh-y", H.s_atan_sinh, (0.7, 1.3), "y", _sym_s_atan_sinh),
    # formulas of a vector: full Hessians
    HCase("v_formula", H.v_formula, (np.array([0.3, 0.5, -0.2]),), 0, _sym_v_formula),
    HCase("v_formula-list", H.v_formula, ([0.3, 0.5, -0.2],), 0, _sym_v_formula),
    HCase("v_log_formula", H.v_log_formula, (np.array([0.8, -0.6, 1.1]),), 0, _sym_v_log_formula),
    HCase("v_unpacked", H.v_unpacked, (np.array([0.8, -0.6, 0.4]),), 0, _sym_v_unpacked),
    # control flow and helpers
    HCase("cf_horner", H.cf_horner, (0.7, 4), "x"),
    HCase("cf_branch-high", H.cf_branch, (1.5,), "x"),
    HCase("cf_branch-mid", H.cf_branch, (0.5,), "x"),
    HCase("cf_branch-low", H.cf_branch, (-1.5,), "x"),
    HCase("cf_helper_tuple-x", H.cf_helper_tuple, (0.7, 1.3), "x"),
    HCase("cf_helper_tuple-y", H.cf_helper_tuple, (0.7, 1.3), "y"),
    HCase("cf_while", H.cf_while, (0.7,), "x"),
    HCase("cf_loop_list-xs", H.cf_loop_list, ([0.5, -0.3, 0.8], 0.7), "xs"),
    HCase("cf_loop_list-w", H.cf_loop_list, ([0.5, -0.3, 0.8], 0.7), "w"),
    HCase("cf_loop_array", H.cf_loop_array, (np.array([0.5, -0.3, 0.8, 0.2, -0.9]), 3), "v"),
    HCase("cf_break", H.cf_break, (0.3,), "x"),
    HCase("cf.nested_carried", cf.nested_carried, (0.3, 2), "x"),
    HCase("cf.while_newton", cf.while_newton, (2.0,), "a"),
    HCase("cf.recursion_int", cf.recursion_int, (1.3, 4), "x"),
    HCase("cf.helper_early_return", cf.helper_early_return, (1.0,), "x"),
    HCase("cf.if_deep_elif", cf.if_deep_elif, (1.5,), "x"),
    HCase("cf.helper_rebind_pair", cf.helper_rebind_pair, (0.7,), "x"),
    HCase("cf.swap_loop", cf.swap_loop, (1.3, 0.7, 3), "y"),
    HCase("cf.carried_affine", cf.carried_affine, (0.5, 1.3, 0.2, 4), "y"),
    HCase("cf.acc_branch_in_loop", cf.acc_branch_in_loop, ([1.0, -2.0, 0.5, -0.1], 0.7), "xs"),
    # NumPy
    HCase("np_rosenbrock", H.np_rosenbrock, (np.array([0.3, -0.4, 0.9, 1.2]),), 0, _sym_rosenbrock),
    HCase("np_quadratic_form", H.np_quadratic_form, (x4, A44), "x", _sym_quadratic_form(A44)),
    HCase("np_quad_dot", H.np_quad_dot, (x4, A44), "x"),
    HCase("np_logsumexp", H.np_logsumexp, (U(5, lo=-2, hi=2),), 0, _sym_logsumexp),
    HCase("np_logsumexp_plain", H.np_logsumexp_plain, (U(5, lo=-2, hi=2),), 0, _sym_logsumexp),
    HCase("np_mlp_loss", H.np_mlp_loss, (W16, X52, y5), "wvec"),
    HCase("np_logistic_loss", H.np_logistic_loss, (U(3), Xlog, ylog), "w"),
    HCase("np_softmax_xent", H.np_softmax_xent, (U(4, lo=-2, hi=2), target), "logits"),
    HCase("np_det", H.np_det, (M33,), 0),
    HCase("np_trig_mix", H.np_trig_mix, (x4,), 0),
    HCase("np_array_loop-x", H.np_array_loop, (x4, 0.5 * A44), "x"),
    HCase("np_array_loop-A", H.np_array_loop, (x4, 0.5 * A44), "A"),
    HCase("np_norm_cubed", H.np_norm_cubed, (x4,), 0),
]


def test_at_least_twenty_functions():
    assert len({c.func for c in CASES}) >= 30
    assert len({c.func for c in CASES if c.sym is not None}) >= 12


def _in_shape(c):
    return np.shape(np.asarray(c.args[c.index], dtype=float))


def _n(c):
    return int(np.prod(_in_shape(c), dtype=int))


@pytest.mark.parametrize("c", CASES, ids=str)
def test_hessian_matches_finite_differences_of_the_gradient(c):
    Hm = srcdiff.hessian(c.func, wrt=c.wrt)(*c.args)
    shape = _in_shape(c)
    assert np.shape(Hm) == shape + shape, f"shape {np.shape(Hm)}, expected {shape + shape}"
    grad_fn = srcdiff.grad(c.func, wrt=c.name)
    numeric = fd_jacobian(lambda *a: np.asarray(grad_fn(*a), dtype=float), c.args, c.index)
    assert_close(
        Hm, numeric, 1e-6, 1e-7 * scale_of(numeric), "hessian vs finite differences of grad"
    )


@pytest.mark.parametrize("c", [c for c in CASES if _n(c) > 1], ids=str)
def test_hessian_is_symmetric(c):
    Hm = np.asarray(srcdiff.hessian(c.func, wrt=c.wrt)(*c.args), dtype=float).reshape(_n(c), _n(c))
    assert_close(Hm, Hm.T, 1e-10, 1e-12 * scale_of(Hm), "H vs H^T")


def _sympy_hessian(c):
    """sympy.hessian of the formula in the parameter(s) `wrt`, at the test point."""
    a = c.args[c.index]
    if np.ndim(a) or isinstance(a, list):  # a vector parameter: the full Hessian
        v = sp.symbols(f"v0:{len(a)}", real=True)
        expr = c.sym(v)
        Hs = sp.hessian(expr, v)
        values = {s: sp.Float(float(t), 30) for s, t in zip(v, np.ravel(a))}
        return np.array(Hs.subs(values).evalf(30).tolist(), dtype=float)
    syms = sp.symbols(" ".join(c.params), real=True)
    syms = syms if isinstance(syms, tuple) else (syms,)
    expr = c.sym(*syms)
    Hs = sp.hessian(expr, syms)
    values = {s: sp.Float(float(t), 30) for s, t in zip(syms, c.args)}
    return float(Hs[c.index, c.index].subs(values).evalf(30))


@pytest.mark.parametrize("c", [c for c in CASES if c.sym is not None], ids=str)
def test_hessian_matches_sympy(c):
    Hm = srcdiff.hessian(c.func, wrt=c.wrt)(*c.args)
    want = _sympy_hessian(c)
    assert np.shape(Hm) == np.shape(want)
    assert_close(Hm, want, 1e-11, 1e-13 * scale_of(want), "hessian vs sympy.hessian")


@pytest.mark.parametrize("c", CASES, ids=str)
def test_hvp_is_hessian_times_v(c):
    rng = np.random.default_rng(17)
    shape = _in_shape(c)
    a = c.args[c.index]
    v = rng.uniform(-1, 1, size=shape)
    v = float(v) if shape == () else (list(v) if isinstance(a, list) else v)
    hv = srcdiff.hvp(c.func, c.args, v, wrt=c.wrt)
    Hm = np.asarray(srcdiff.hessian(c.func, wrt=c.wrt)(*c.args), dtype=float)
    want = np.tensordot(Hm, np.asarray(v, dtype=float), axes=len(shape))
    assert np.shape(hv) == shape or (isinstance(a, list) and len(hv) == len(a)), (
        f"hvp has shape {np.shape(hv)}, expected {shape}"
    )
    assert_close(np.asarray(hv, dtype=float), want, 1e-10, 1e-12 * scale_of(want), "hvp vs H @ v")


# --- closed forms -----------------------------------------------------------------------


def test_hessian_of_a_quadratic_form_is_a_plus_a_transposed():
    Hm = srcdiff.hessian(H.np_quadratic_form, wrt="x")(x4, A44)
    assert_close(Hm, A44 + A44.T, 1e-14, 1e-15, "d2(x A x)/dx2")
    Hd = srcdiff.hessian(H.np_quad_dot, wrt="x")(x4, A44)
    assert_close(Hd, A44 + A44.T + np.eye(4), 1e-14, 1e-15, "d2(x.Ax + x.x/2)/dx2")
    v = np.array([1.0, -2.0, 0.5, 0.25])
    assert_close(
        srcdiff.hvp(H.np_quadratic_form, (x4, A44), v, wrt="x"),
        (A44 + A44.T) @ v,
        1e-14,
        1e-15,
        "hvp of the quadratic form",
    )


def test_hessian_of_logsumexp_is_diag_p_minus_p_p_transposed():
    x = np.array([0.3, -1.2, 2.0, 0.1, -0.5])
    p = np.exp(x) / np.sum(np.exp(x))
    want = np.diag(p) - np.outer(p, p)
    for func in (H.np_logsumexp, H.np_logsumexp_plain):
        assert_close(srcdiff.hessian(func)(x), want, 1e-12, 1e-15, func.__name__)


def test_hessian_of_newton_square_root_is_that_of_sqrt():
    for a in (2.0, 9.0):
        assert float(srcdiff.hessian(cf.while_newton)(a)) == pytest.approx(
            -0.25 * a**-1.5, rel=1e-6
        )


def test_hessian_of_logistic_regression_loss():
    w = np.array([0.3, -0.2, 0.5])
    z = Xlog @ w
    s = 1.0 / (1.0 + np.exp(ylog * z))  # sigma(-y z)
    want = Xlog.T @ np.diag(s * (1 - s)) @ Xlog + 0.1 * np.eye(3)
    assert_close(srcdiff.hessian(H.np_logistic_loss, wrt="w")(w, Xlog, ylog), want, 1e-12, 1e-14)


def test_hessian_of_scalar_formulas_with_known_closed_forms():
    x, y = 0.7, 1.3
    # d2/dx2 of x^3 y + 2 x y^2 - x + y^4/2 is 6 x y
    assert float(srcdiff.hessian(H.s_poly, wrt="x")(x, y)) == pytest.approx(6 * x * y, rel=1e-14)
    assert float(srcdiff.hessian(H.s_poly, wrt="y")(x, y)) == pytest.approx(
        4 * x + 6 * y * y, rel=1e-14
    )
    # d2/dx2 (x^4 + x^2 + x + 1) = 12 x^2 + 2
    assert float(srcdiff.hessian(H.j_int_arg, wrt="x")(x, 3)) == pytest.approx(
        12 * x * x + 2, rel=1e-14
    )
    assert float(srcdiff.hessian(cf.recursion_int)(1.3, 4)) == pytest.approx(12 * 1.3**2, rel=1e-14)
    assert float(srcdiff.hessian(cf.recursion_int)(1.3, 0)) == 0.0
    assert float(srcdiff.hessian(H.s_sqrt_tanh)(x)) == pytest.approx(
        float(sp.diff(_sym_s_sqrt_tanh(sp.Symbol("t")), sp.Symbol("t"), 2).subs(sp.Symbol("t"), x)),
        rel=1e-12,
    )


def test_hessian_of_an_mlp_loss_wrt_its_weight_vector():
    Hm = srcdiff.hessian(H.np_mlp_loss, wrt="wvec")(W16, X52, y5)
    assert Hm.shape == (16, 16)
    # the output-layer block: loss = mean((h @ w2 - y)^2), so d2/dw2^2 = 2/N h^T h
    W1 = W16[:8].reshape(2, 4)
    h = np.tanh(X52 @ W1 + W16[8:12])
    assert_close(Hm[12:, 12:], 2.0 / 5 * h.T @ h, 1e-12, 1e-14, "output-layer block")


def test_hessian_of_det_has_shape_in_plus_in():
    Hm = srcdiff.hessian(H.np_det)(M33)
    assert Hm.shape == (3, 3, 3, 3)
    # det is linear in each row: no second derivative within a row or within a column
    for i in range(3):
        assert_close(Hm[i, :, i, :], np.zeros((3, 3)), 0.0, 1e-13)
        assert_close(Hm[:, i, :, i], np.zeros((3, 3)), 0.0, 1e-13)


def test_hessian_takes_one_parameter():
    with pytest.raises(srcdiff.SrcDiffError):
        srcdiff.hessian(H.s_poly, wrt=("x", "y"))


def test_hessian_and_hvp_do_not_modify_their_arguments():
    xs = [0.5, -0.3, 0.8]
    x = x4.copy()
    A = A44.copy()
    srcdiff.hessian(H.cf_loop_list, wrt="xs")(xs, 0.7)
    srcdiff.hvp(H.cf_loop_list, (xs, 0.7), [1.0, 0.0, 2.0], wrt="xs")
    srcdiff.hessian(H.np_array_loop, wrt="x")(x, A)
    srcdiff.hvp(H.np_array_loop, (x, A), np.ones(4), wrt="x")
    assert xs == [0.5, -0.3, 0.8]
    assert np.array_equal(x, x4) and np.array_equal(A, A44)


def test_hessian_at_int_valued_arguments_equals_the_float_one():
    assert float(srcdiff.hessian(H.s_poly, wrt="x")(1, 2)) == 12.0
    assert float(srcdiff.hessian(H.s_poly, wrt="y")(1, 2)) == pytest.approx(4 + 6 * 4, rel=1e-15)
    assert float(srcdiff.hvp(H.s_poly, (1, 2), 2.0, wrt="x")) == 24.0


# --- the smallest forms of the problems the table shows ---------------------------------------


def test_hessian_through_a_helper_keeps_the_tangents_of_saved_values():
    # f = sq(x) * x = x^3; the helper's forward sweep saves `a` for its backward sweep
    for x in (0.7, -1.3):
        assert float(srcdiff.hessian(H.hs_helper)(x)) == pytest.approx(6 * x, rel=1e-14)
        assert float(srcdiff.hvp(H.hs_helper, (x,), 1.0)) == pytest.approx(6 * x, rel=1e-14)


def test_hessian_through_a_recursive_helper():
    # hs_pow(x, n) = x^n
    assert float(srcdiff.hessian(H.hs_recursive)(1.3, 3)) == pytest.approx(6 * 1.3, rel=1e-14)
    assert float(srcdiff.hvp(H.hs_recursive, (1.3, 3), 1.0)) == pytest.approx(6 * 1.3, rel=1e-14)


def test_hessian_of_numpy_code_using_srcdiff_runtime_helpers():
    # reverse mode of np.log(np.sum(...)) calls srcdiff.runtime_numpy.expand_reduced
    x = np.array([0.3, -0.5, 0.8])
    p = np.exp(x) / np.sum(np.exp(x))
    assert_close(srcdiff.hessian(H.hs_sum_exp)(x), np.diag(p) - np.outer(p, p), 1e-13, 1e-15)


def test_hessian_through_a_helper_whose_loop_breaks():
    # hs_loop_break multiplies by 1.1 until a > 3 (at most 3 times); f = 2 a^2
    assert float(srcdiff.hessian(H.hs_calls_loop_break)(1.0)) == pytest.approx(
        4 * 1.1**6, rel=1e-14
    )
    assert float(srcdiff.hessian(H.hs_calls_loop_break)(2.5)) == pytest.approx(
        4 * 1.1**4, rel=1e-14
    )
    assert float(srcdiff.hvp(H.hs_calls_loop_break, (1.0,), 0.5)) == pytest.approx(
        2 * 1.1**6, rel=1e-14
    )


def _comprehension_list_in_a_loop(x):
    acc = 0.0
    for k in range(2):
        ys = [np.sin(x * (i + 1)) for i in range(3)]
        last = ys.pop()
        ys.append(last * 2.0)
        acc = acc + np.sum(np.array(ys) ** 2) * (k + 1) + np.sum(last)
    return acc


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
def test_hessian_of_a_comprehension_list_changed_in_a_loop(mode):
    # reverse over reverse refused it: the comprehension was built in a list of its own
    # bound to `ys` after (`ys = items1`), a second name generated code kept reading
    x = np.array([0.3, -0.5])
    H = srcdiff.hessian(_comprehension_list_in_a_loop, mode=mode)(x)
    want = fd_jacobian(srcdiff.grad(_comprehension_list_in_a_loop), (x,), 0)
    assert_close(H, want, 1e-5, 1e-6 * scale_of(want))


def _rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@pytest.mark.parametrize("mode", srcdiff.api.transforms.HESSIAN_MODES)
def test_hessian_of_a_float32_input_is_float32(mode):
    # as grad's gradient and JAX's hessian (it came back float64)
    rosen = _rosen
    x = np.array([0.5, -0.3, 0.8])
    H32 = srcdiff.hessian(rosen, mode=mode)(x.astype(np.float32))
    assert H32.dtype == np.float32
    assert_close(H32.astype(float), srcdiff.hessian(rosen, mode=mode)(x), 1e-4, 1e-4)

"""vjp and jacobian (srcdiff/jacobians.py), against finite differences and each other.

* ``vjp(f, *primals) -> (out, vjp_fn)``: out is f's value; vjp_fn is linear
  in the cotangent and can be called repeatedly; it returns one cotangent per
  positional argument, None for integers; tuple outputs take tuple
  cotangents; ``vjp_fn(u)`` equals ``u . J`` from a finite-difference
  Jacobian and satisfies ``<u, J t> == <J^T u, t>`` with ``jvp``.
* ``jacobian(f, wrt, mode)``: shape ``out.shape + in.shape``; "auto",
  "forward" and "reverse" agree to 1e-10 and with central differences, for
  R^n -> R^m maps (elementwise, matrix-vector products, softmax, Gram
  matrices, loops), scalar -> vector, vector -> scalar, scalar -> scalar,
  and tuple `wrt`.
"""

from __future__ import annotations

import inspect
import math

import cf_cases as cf
import hi_cases as H
import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian, scale_of

import srcdiff

MODES = ("auto", "forward", "reverse")
R = np.random.default_rng(20240612)


def U(*shape, lo=-1.0, hi=1.0):
    return R.uniform(lo, hi, size=shape)


def _params(func):
    return list(inspect.signature(func).parameters)


# === jacobian ===========================================================================

x4 = U(4)
A34 = U(3, 4)
b3 = U(3)
X32 = U(3, 2)

# (id, func, args, wrt)
JAC_CASES = [
    ("elementwise", H.j_elementwise, (x4,), 0),
    ("list_input", H.j_from_list, ([0.3, -0.5, 0.8, 1.2, -0.1],), "xs"),
    ("matvec_wrt_x", H.j_matvec, (A34, x4), "x"),
    ("matvec_wrt_A", H.j_matvec, (A34, x4), "A"),
    ("matvec_tanh_wrt_x", H.j_matvec_tanh, (A34, x4, b3), "x"),
    ("matvec_tanh_wrt_A", H.j_matvec_tanh, (A34, x4, b3), 0),
    ("matvec_tanh_wrt_b", H.j_matvec_tanh, (A34, x4, b3), -1),
    ("softmax", H.j_softmax, (U(5, lo=-2, hi=2),), 0),
    ("scalar_to_vector", H.j_scalar_to_vector, (0.7,), 0),
    ("vector_to_scalar", H.j_vector_to_scalar, (x4,), 0),
    ("scalar_to_scalar", H.j_scalar_scalar, (0.7,), 0),
    ("gram_matrix", H.j_gram, (X32,), 0),
    ("outer_wrt_x", H.j_outer, (x4, b3), "x"),
    ("outer_wrt_y", H.j_outer, (x4, b3), "y"),
    ("cumsum_wrt_x", H.j_cumsum_scaled, (x4, 1.3), "x"),
    ("cumsum_wrt_scale", H.j_cumsum_scaled, (x4, 1.3), "s"),
    ("loop_with_int_arg", H.j_loop_vector, (x4, 3), "x"),
    ("array_with_int_arg_to_scalar", H.j_array_int_arg, (x4, 3), "x"),
    ("scalar_loop_int_arg", H.j_int_arg, (0.7, 3), "x"),
    ("array_loop", H.np_array_loop, (x4, 0.5 * U(4, 4)), "A"),
    ("mlp_loss", H.np_mlp_loss, (U(16), U(5, 2), U(5)), 0),
]
JAC_PARAMS = [pytest.param(*c[1:], id=c[0]) for c in JAC_CASES]


def _in_shape(func, args, wrt):
    params = _params(func)
    i = params.index(wrt) if isinstance(wrt, str) else wrt % len(params)
    return np.shape(np.asarray(args[i], dtype=float)), i


@pytest.mark.parametrize("func, args, wrt", JAC_PARAMS)
@pytest.mark.parametrize("mode", MODES)
def test_jacobian_shape_and_finite_differences(func, args, wrt, mode):
    J = srcdiff.jacobian(func, wrt=wrt, mode=mode)(*args)
    out_shape = np.shape(func(*args))
    in_shape, i = _in_shape(func, args, wrt)
    assert isinstance(J, np.ndarray), f"jacobian returned {type(J).__name__}"
    assert J.shape == out_shape + in_shape, f"shape {J.shape}, expected {out_shape + in_shape}"
    numeric = fd_jacobian(func, args, i)
    assert_close(
        J, numeric, 1e-6, 1e-8 * scale_of(numeric), f"jacobian ({mode}) vs finite differences"
    )


@pytest.mark.parametrize("func, args, wrt", JAC_PARAMS)
def test_jacobian_modes_agree(func, args, wrt):
    Js = {m: srcdiff.jacobian(func, wrt=wrt, mode=m)(*args) for m in MODES}
    for m in ("auto", "forward"):
        assert_close(
            Js[m],
            Js["reverse"],
            1e-10,
            1e-12 * scale_of(Js["reverse"]),
            f"jacobian mode={m} vs mode=reverse",
        )


def test_jacobian_of_a_matrix_vector_product_is_the_matrix():
    for mode in MODES:
        J = srcdiff.jacobian(H.j_matvec, wrt="x", mode=mode)(A34, x4)
        assert_close(J, A34, 1e-15, 1e-15, f"dAx/dx ({mode})")
        JA = srcdiff.jacobian(H.j_matvec, wrt="A", mode=mode)(A34, x4)
        want = np.einsum("ij,k->ijk", np.eye(3), x4)  # d(Ax)_i / dA_jk = delta_ij x_k
        assert_close(JA, want, 1e-15, 1e-15, f"dAx/dA ({mode})")


def test_jacobian_of_softmax_is_diag_p_minus_p_p_transposed():
    x = np.array([0.3, -1.2, 2.0, 0.1])
    p = np.exp(x - x.max()) / np.sum(np.exp(x - x.max()))
    want = np.diag(p) - np.outer(p, p)
    for mode in MODES:
        J = srcdiff.jacobian(H.j_softmax, mode=mode)(x)
        assert_close(J, want, 1e-12, 1e-15, f"softmax jacobian ({mode})")


def test_jacobian_of_an_elementwise_map_is_diagonal():
    x = np.array([0.3, -1.2, 2.0, 0.1, 0.7])
    want = np.diag(np.cos(x) * x + np.sin(x) + 0.5 * np.exp(0.5 * x))
    for mode in MODES:
        assert_close(srcdiff.jacobian(H.j_elementwise, mode=mode)(x), want, 1e-13, 1e-15, mode)


def test_jacobian_scalar_input_and_output_shapes():
    t = 0.7
    c = np.array([1.0, 2.0, -0.5, 3.0])
    for mode in MODES:
        Jt = srcdiff.jacobian(H.j_scalar_to_vector, mode=mode)(t)
        assert np.shape(Jt) == (4,)
        assert_close(Jt, c * np.cos(c * t) + 2 * c * t, 1e-13, 1e-15, f"scalar -> vector ({mode})")
        Js = srcdiff.jacobian(H.j_scalar_scalar, mode=mode)(t)
        assert np.shape(Js) == ()
        assert float(Js) == pytest.approx(math.cos(t) * t * t + 2 * t * math.sin(t), rel=1e-13)
        x = np.array([0.3, -1.2, 2.0])
        Jv = srcdiff.jacobian(H.j_vector_to_scalar, mode=mode)(x)
        assert np.shape(Jv) == (3,)
        assert_close(
            Jv, 2 * x * np.cos(x) - x * x * np.sin(x), 1e-13, 1e-15, f"vector -> scalar ({mode})"
        )


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_tuple_wrt(mode):
    args = (A34, x4, b3)
    Jt = srcdiff.jacobian(H.j_matvec_tanh, wrt=("x", "A", "b"), mode=mode)(*args)
    assert isinstance(Jt, tuple) and len(Jt) == 3
    assert [J.shape for J in Jt] == [(3, 4), (3, 3, 4), (3, 3)]
    for name, J in zip(("x", "A", "b"), Jt):
        single = srcdiff.jacobian(H.j_matvec_tanh, wrt=name, mode=mode)(*args)
        assert_close(J, single, 1e-15, 1e-15, f"tuple wrt, d/d{name}")
        numeric = fd_jacobian(H.j_matvec_tanh, args, _params(H.j_matvec_tanh).index(name))
        assert_close(J, numeric, 1e-6, 1e-8, f"tuple wrt, d/d{name} vs finite differences")
    # order follows wrt; indices work; a tuple of one name gives a 1-tuple
    Jr = srcdiff.jacobian(H.j_matvec_tanh, wrt=(2, 0), mode=mode)(*args)
    assert isinstance(Jr, tuple) and [J.shape for J in Jr] == [(3, 3), (3, 3, 4)]
    assert_close(Jr[0], Jt[2], 1e-15, 1e-15)
    J1 = srcdiff.jacobian(H.j_matvec_tanh, wrt=("x",), mode=mode)(*args)
    assert isinstance(J1, tuple) and len(J1) == 1 and J1[0].shape == (3, 4)
    # scalar and array parameters together
    Jc = srcdiff.jacobian(H.j_cumsum_scaled, wrt=("x", "s"), mode=mode)(x4, 1.3)
    assert [np.shape(J) for J in Jc] == [(4, 4), (4,)]
    assert_close(Jc[0], 1.3 * np.tril(np.ones((4, 4))), 1e-15, 1e-15)
    assert_close(Jc[1], np.cumsum(x4), 1e-15, 1e-15)


def test_jacobian_of_a_scalar_function_is_its_gradient():
    wvec, X, y = U(16), U(5, 2), U(5)
    g = srcdiff.grad(H.np_mlp_loss)(wvec, X, y)
    for mode in MODES:
        J = srcdiff.jacobian(H.np_mlp_loss, mode=mode)(wvec, X, y)
        assert_close(J, g, 1e-12, 1e-15, f"jacobian ({mode}) vs grad")


def keyword_scaled(x, *, s=2.0):
    return np.sin(x) * s


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_with_keyword_only_parameters(mode):
    # (it called f with every value by position: "takes 1 positional argument")
    x = np.array([0.1, 0.2, -0.4])
    for kw, s in (({}, 2.0), ({"s": 3.0}, 3.0)):
        got = srcdiff.jacobian(keyword_scaled, mode=mode)(x, **kw)
        assert_close(got, fd_jacobian(lambda v, s=s: keyword_scaled(v, s=s), (x,), 0), 1e-6)
    got_s = srcdiff.jacobian(keyword_scaled, wrt="s", mode=mode)(x, s=3.0)
    assert_close(got_s, fd_jacobian(lambda t: keyword_scaled(x, s=t), (3.0,), 0), 1e-6)


def test_jacobian_does_not_modify_its_arguments():
    A, x, b = A34.copy(), x4.copy(), b3.copy()
    for mode in MODES:
        srcdiff.jacobian(H.j_matvec_tanh, wrt=("A", "x", "b"), mode=mode)(A, x, b)
    assert np.array_equal(A, A34) and np.array_equal(x, x4) and np.array_equal(b, b3)


def _shifts_in_place(x):
    x -= np.cos(x)  # (the user's own in-place change of its argument)
    return np.sin(x) * 2.0


def _shifts_in_place_sum(x):
    x -= np.cos(x)
    return np.sum(np.sin(x))


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_a_function_changing_its_argument_in_place(mode):
    # jacobian called the function for its value's shape on the caller's array: the array
    # changed, and the passes after it differentiated at the moved point
    x = x4.copy()
    got = srcdiff.jacobian(_shifts_in_place, mode=mode)(x)
    assert np.array_equal(x, x4)
    assert_close(got, fd_jacobian(lambda v: _shifts_in_place(v.copy()), (x4,), 0), 1e-6, 1e-8)
    g = srcdiff.jacobian(_shifts_in_place_sum, mode=mode)(x)
    assert np.array_equal(x, x4)
    assert_close(g, fd_jacobian(lambda v: _shifts_in_place_sum(v.copy()), (x4,), 0), 1e-6, 1e-8)


def test_forward_value_and_jvp_without_direction_leave_the_argument_alone():
    x = x4.copy()
    value, g = srcdiff.value_and_grad(_shifts_in_place_sum, mode="forward")(x)
    assert np.array_equal(x, x4)
    assert_close(value, _shifts_in_place_sum(x4.copy()), 1e-12)
    assert_close(g, fd_jacobian(lambda v: _shifts_in_place_sum(v.copy()), (x4,), 0), 1e-6, 1e-8)
    value, tangent = srcdiff.jvp(_shifts_in_place_sum, (x,), (None,))
    assert np.array_equal(x, x4) and tangent == 0.0


# === vjp =================================================================================

# (id, func, primals)
VJP_CASES = [
    ("scalar", H.s_trig, (0.7, 1.3)),
    ("scalar_loop_int", H.j_int_arg, (0.7, 3)),
    ("cf_helper_tuple", H.cf_helper_tuple, (0.7, 1.3)),
    ("cf_list", H.cf_loop_list, ([0.5, -0.3, 0.8], 0.7)),
    ("cf_nested_carried_int", cf.nested_carried, (0.3, 2)),
    ("elementwise", H.j_elementwise, (U(4),)),
    ("matvec_tanh", H.j_matvec_tanh, (A34, x4, b3)),
    ("softmax", H.j_softmax, (U(5),)),
    ("gram", H.j_gram, (X32,)),
    ("scalar_to_vector", H.j_scalar_to_vector, (0.7,)),
    ("loop_vector_int", H.j_loop_vector, (x4, 3)),
    ("array_int_arg", H.j_array_int_arg, (x4, 3)),
    ("two_scalar_outputs", H.j_two_outputs, (0.7, 1.3)),
    ("array_and_scalar_outputs", H.j_array_pair, (x4, A34)),
    ("mlp_loss", H.np_mlp_loss, (U(16), U(5, 2), U(5))),
]
VJP_PARAMS = [pytest.param(*c[1:], id=c[0]) for c in VJP_CASES]


def _random_like(out, rng):
    """A random cotangent of the form of `out` (tuples item by item)."""
    if isinstance(out, tuple):
        return tuple(_random_like(o, rng) for o in out)
    if np.ndim(out):
        return rng.uniform(-1, 1, np.shape(out))
    return float(rng.uniform(-1, 1))


def _combine(a, u, b, v):
    if isinstance(u, tuple):
        return tuple(_combine(a, p, b, q) for p, q in zip(u, v))
    return a * u + b * v


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _pullback_fd(func, primals, u):
    """u . J for each differentiable argument, from finite-difference Jacobians."""
    outs = func(*primals)
    result = []
    for i, p in enumerate(primals):
        if _is_int(p):
            result.append(None)
            continue
        if isinstance(outs, tuple):
            total = 0.0
            for k in range(len(outs)):
                Jk = fd_jacobian(lambda *a, k=k: func(*a)[k], primals, i)
                total = total + np.tensordot(u[k], Jk, axes=np.ndim(outs[k]))
            result.append(total)
        else:
            J = fd_jacobian(func, primals, i)
            result.append(np.tensordot(u, J, axes=np.ndim(outs)))
    return tuple(result)


@pytest.mark.parametrize("func, primals", VJP_PARAMS)
def test_vjp_output_and_finite_differences(func, primals):
    out, vjp_fn = srcdiff.vjp(func, *primals)
    want = func(*primals)
    assert_close(out, want, 1e-14, 1e-300, "vjp primal output")
    u = _random_like(want, np.random.default_rng(5))
    cts = vjp_fn(u)
    assert isinstance(cts, tuple) and len(cts) == len(primals), (
        f"vjp_fn must return one cotangent per argument, got {cts!r}"
    )
    numeric = _pullback_fd(func, primals, u)
    for k, (c, n, p) in enumerate(zip(cts, numeric, primals)):
        if n is None:
            assert c is None, f"cotangent {k} of an integer argument is {c!r}, not None"
            continue
        assert np.shape(c) == np.shape(np.asarray(p, dtype=float)), (
            f"cotangent {k} has shape {np.shape(c)}, its argument {np.shape(np.asarray(p))}"
        )
        assert_close(c, n, 1e-6, 1e-8 * scale_of(n), f"vjp cotangent {k} vs finite differences")


@pytest.mark.parametrize("func, primals", VJP_PARAMS)
def test_vjp_fn_is_linear_and_reusable(func, primals):
    out, vjp_fn = srcdiff.vjp(func, *primals)
    rng = np.random.default_rng(9)
    u, v = _random_like(out, rng), _random_like(out, rng)
    a, b = 0.8, -2.5
    first_u = vjp_fn(u)
    gv = vjp_fn(v)
    combo = vjp_fn(_combine(a, u, b, v))
    again_u = vjp_fn(u)
    for k, (p, q, r, s) in enumerate(zip(first_u, gv, combo, again_u)):
        if p is None:
            assert q is None and r is None and s is None
            continue
        want = a * np.asarray(p, dtype=float) + b * np.asarray(q, dtype=float)
        assert_close(r, want, 1e-12, 1e-12 * scale_of(want), f"vjp_fn(a u + b v)[{k}]")
        assert_close(s, p, 1e-15, 1e-300, f"vjp_fn(u)[{k}] called again")
    zero = vjp_fn(_combine(0.0, u, 0.0, v))
    for k, z in enumerate(zero):
        if z is not None:
            assert_close(z, np.zeros(np.shape(z)), 0.0, 0.0, f"vjp_fn(0)[{k}]")


@pytest.mark.parametrize("func, primals", VJP_PARAMS)
def test_vjp_is_the_transpose_of_jvp(func, primals):
    """<u, J t> == sum_i <(J^T u)_i, t_i> over the differentiable arguments."""
    rng = np.random.default_rng(13)
    out, vjp_fn = srcdiff.vjp(func, *primals)
    u = _random_like(out, rng)
    tangents = tuple(
        None
        if _is_int(p)
        else (list(rng.uniform(-1, 1, len(p))) if isinstance(p, list) else _random_like(p, rng))
        for p in primals
    )
    _, jt = srcdiff.jvp(func, primals, tangents)
    left = sum(
        float(np.sum(np.asarray(uk) * np.asarray(jk)))
        for uk, jk in (zip(u, jt) if isinstance(out, tuple) else [(u, jt)])
    )
    cts = vjp_fn(u)
    right = sum(
        float(np.sum(np.asarray(c, dtype=float) * np.asarray(t, dtype=float)))
        for c, t in zip(cts, tangents)
        if t is not None
    )
    assert left == pytest.approx(right, rel=1e-11, abs=1e-13)


def test_vjp_none_for_integer_arguments():
    out, vjp_fn = srcdiff.vjp(H.j_int_arg, 0.7, 3)
    assert out == H.j_int_arg(0.7, 3)
    gx, gn = vjp_fn(1.0)
    assert gn is None
    assert gx == pytest.approx(4 * 0.7**3 + 2 * 0.7 + 1, rel=1e-14)
    gx2, gn2 = vjp_fn(-2.0)
    assert gn2 is None and gx2 == pytest.approx(-2 * gx, rel=1e-15)
    x = np.array([0.3, -0.5, 0.8])
    out, vjp_fn = srcdiff.vjp(H.j_loop_vector, x, 2)
    g, n = vjp_fn(np.ones(3))
    assert n is None and g.shape == (3,)
    y1 = np.sin(x) + 0.5 * x
    want = (np.cos(y1) + 0.5) * (np.cos(x) + 0.5)
    assert_close(g, want, 1e-14, 1e-15)
    out, vjp_fn = srcdiff.vjp(cf.range_start_stop, 1.3, 2, 6)
    cts = vjp_fn(1.0)
    assert len(cts) == 3 and cts[1] is None and cts[2] is None
    assert cts[0] == pytest.approx(math.prod(1 + 0.1 * i for i in range(2, 6)), rel=1e-14)


def test_vjp_of_a_scalar_function_equals_grad():
    args = (0.7, 1.3)
    _, vjp_fn = srcdiff.vjp(H.s_exp_log, *args)
    gx, gy = vjp_fn(1.0)
    want = srcdiff.grad(H.s_exp_log, wrt=("x", "y"))(*args)
    assert gx == pytest.approx(want[0], rel=1e-15) and gy == pytest.approx(want[1], rel=1e-15)
    gx3, gy3 = vjp_fn(3.0)
    assert gx3 == pytest.approx(3 * want[0], rel=1e-14) and gy3 == pytest.approx(
        3 * want[1], rel=1e-14
    )


def test_vjp_with_tuple_outputs():
    x, y = 0.7, 1.3
    out, vjp_fn = srcdiff.vjp(H.j_two_outputs, x, y)
    assert out == H.j_two_outputs(x, y)
    # outputs (x y + sin x, y^3 - x); cotangent (a, b)
    for a, b in [(1.0, 0.0), (0.0, 1.0), (0.4, -1.5)]:
        gx, gy = vjp_fn((a, b))
        assert gx == pytest.approx(a * (y + math.cos(x)) - b, rel=1e-14)
        assert gy == pytest.approx(a * x + b * 3 * y * y, rel=1e-14)
    xv, A = np.array([0.3, -0.5, 0.8, 0.1]), A34
    out, vjp_fn = srcdiff.vjp(H.j_array_pair, xv, A)
    assert isinstance(out, tuple) and out[0].shape == (3,) and np.ndim(out[1]) == 0
    u = np.array([1.0, -2.0, 0.5])
    gx, gA = vjp_fn((u, 0.3))
    assert_close(gx, A.T @ u + 0.3 * np.exp(xv), 1e-14, 1e-15, "d/dx")
    assert_close(gA, np.outer(u, xv), 1e-14, 1e-15, "d/dA")


def test_vjp_does_not_modify_its_arguments():
    xs = [0.5, -0.3, 0.8]
    A, x, b = A34.copy(), x4.copy(), b3.copy()
    _, fn1 = srcdiff.vjp(H.cf_loop_list, xs, 0.7)
    fn1(1.0)
    fn1(2.0)
    _, fn2 = srcdiff.vjp(H.j_matvec_tanh, A, x, b)
    fn2(np.ones(3))
    fn2(np.arange(3.0))
    assert xs == [0.5, -0.3, 0.8]
    assert np.array_equal(A, A34) and np.array_equal(x, x4) and np.array_equal(b, b3)


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_with_respect_to_an_int_valued_argument_takes_it_as_a_float(mode):
    """As grad does: an int passed for a parameter in `wrt` is differentiated as a float."""
    want = srcdiff.jacobian(H.j_scalar_to_vector, mode=mode)(2.0)
    got = srcdiff.jacobian(H.j_scalar_to_vector, mode=mode)(2)
    assert_close(got, want, 1e-15, 1e-300, f"jacobian at int 2 ({mode})")
    c = np.array([1.0, 2.0, -0.5, 3.0])
    assert_close(got, c * np.cos(2 * c) + 4 * c, 1e-13, 1e-15)


def test_auto_mode_weighs_a_forward_pass_at_half_a_backward_pass():
    """benchmarks/bench_higher.py (a): forward passes cost 0.4-0.5 of backward ones, so
    "auto" takes forward mode up to (not at) twice as many inputs as outputs."""
    from srcdiff.api.transforms import auto_mode

    assert auto_mode(1, 1) == "forward" and auto_mode(2, 1) == "reverse"
    assert auto_mode(31, 16) == "forward" and auto_mode(32, 16) == "reverse"
    assert auto_mode(16, 64) == "forward" and auto_mode(64, 16) == "reverse"


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_a_float32_input_is_float32(mode):
    # as grad's gradient and JAX's jacobian: a float32 argument, a float32 Jacobian (it
    # came back float64)
    x = x4.astype(np.float32)
    J = srcdiff.jacobian(H.j_matvec_tanh, wrt="x", mode=mode)(A34, x, b3)
    assert J.dtype == np.float32
    want = fd_jacobian(H.j_matvec_tanh, (A34, x4, b3), 1)
    assert_close(J.astype(float), want, 1e-5, 1e-5)

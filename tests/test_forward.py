"""Forward mode: the reverse-mode test tables run again with ``mode="forward"``.

* every control-flow case (tests/test_control_flow.py, functions in
  cf_cases.py) at every argument point: ``grad(f, wrt, mode="forward")``
  agrees with reverse mode to 1e-10 (same structure: tuple for a tuple
  `wrt`, list for a list argument) and with central differences;
  ``value_and_grad`` in forward mode returns the function's value; the
  forward source ``srcdiff.source(f, mode="forward")`` parses, compiles and,
  executed, computes the same tangent as ``jvp``;
* every NumPy gradient case (tests/test_numpy_rules.py, np_cases.py), with
  `wrt` as in the table and one parameter at a time;
* ``jvp`` against finite-difference directional derivatives for scalar
  code, loops, NumPy and helpers returning tuples, its linearity in the
  tangent, and None tangents for integer arguments.
"""

from __future__ import annotations

import ast
import inspect

import cf_cases as cf
import hi_cases as H
import numpy as np
import pytest
import test_control_flow as tcf
import test_numpy_rules as tnr
from fdiff import assert_close, fd_directional, fd_grad, scale_of

import srcdiff

FWD_RTOL = 1e-10  # forward vs reverse: the same derivative, different rounding
FD_RTOL, FD_ATOL = 1e-5, 1e-7  # srcdiff.check_grad's defaults


def _names(func, wrt):
    params = list(inspect.signature(func).parameters)
    items = list(wrt) if isinstance(wrt, (tuple, list)) else [wrt]
    return [params[w] if isinstance(w, int) else w for w in items], params


def _bound(func, args):
    """All parameters' values (defaults filled in), as the generated code takes them."""
    sig = inspect.signature(func)
    b = sig.bind(*args)
    b.apply_defaults()
    return tuple(b.arguments[p] for p in sig.parameters)


def _assert_form(got, wrt, func, args, path="grad"):
    """The gradient has the form of what it differentiates: a tuple (one entry per
    name) for a tuple `wrt`; per parameter a float for a float, a list for a list,
    an array of the same shape and dtype for an array."""
    names, params = _names(func, wrt)
    if isinstance(wrt, (tuple, list)):
        assert isinstance(got, tuple), f"{path}: expected a tuple, got {type(got).__name__} {got!r}"
        assert len(got) == len(names), f"{path}: {len(got)} items for wrt={wrt!r}"
    else:
        got = (got,)
    for name, g in zip(names, got):
        a = _bound(func, args)[params.index(name)]
        where = f"{path} d/d{name}"
        if isinstance(a, (list, tuple)):
            assert isinstance(g, type(a)), f"{where}: expected a {type(a).__name__}, got {g!r}"
            assert len(g) == len(a), f"{where}: length {len(g)}, the argument has {len(a)}"
        elif isinstance(a, np.ndarray):
            assert isinstance(g, np.ndarray), f"{where}: expected an array, got {type(g).__name__}"
            assert g.shape == a.shape, f"{where}: shape {g.shape}, the argument has {a.shape}"
            assert g.dtype == a.dtype, f"{where}: dtype {g.dtype}, the argument has {a.dtype}"
        else:
            assert isinstance(g, float) and np.ndim(g) == 0, (
                f"{where}: expected a float, got {type(g).__name__} {g!r}"
            )


def _as_tuple(g, wrt):
    return g if isinstance(wrt, (tuple, list)) else (g,)


# === control-flow table ===============================================================

CF_PARAMS = tcf._params()
CF_CASE_PARAMS = [pytest.param(c, c.points[0], id=tcf._case_id(c)) for c in tcf.CASES]


def test_tables_are_all_here():
    assert len(tcf.CASES) >= 160
    assert len(CF_PARAMS) >= 300
    assert len(tnr.CASES) >= 150


@pytest.mark.parametrize("case, args", CF_PARAMS)
def test_cf_forward_matches_reverse(case, args):
    call_args = tcf._copy(args)
    fwd = srcdiff.grad(case.func, wrt=case.wrt, mode="forward")(*call_args)
    assert call_args == tcf._copy(args), "forward mode modified its inputs"
    rev = srcdiff.grad(case.func, wrt=case.wrt)(*tcf._copy(args))
    _assert_form(fwd, case.wrt, case.func, args)
    assert_close(
        fwd,
        rev if not isinstance(rev, list) else np.asarray(rev),
        FWD_RTOL,
        1e-12 * scale_of(rev),
        "forward vs reverse gradient",
    )


@pytest.mark.parametrize("case, args", CF_PARAMS)
def test_cf_forward_matches_finite_differences(case, args):
    fwd = srcdiff.grad(case.func, wrt=case.wrt, mode="forward")(*tcf._copy(args))
    names, params = _names(case.func, case.wrt)
    fwd = _as_tuple(fwd, case.wrt)
    assert len(fwd) == len(names)
    for name, g in zip(names, fwd):
        numeric = fd_grad(case.func, tcf._copy(args), params.index(name))
        assert_close(g, numeric, FD_RTOL, FD_ATOL, f"d/d{name} (forward) vs finite differences")


@pytest.mark.parametrize("case, args", CF_PARAMS)
def test_cf_forward_value_and_grad(case, args):
    value, g = srcdiff.value_and_grad(case.func, wrt=case.wrt, mode="forward")(*tcf._copy(args))
    assert value == pytest.approx(case.func(*tcf._copy(args)), rel=1e-14, abs=1e-300)
    g2 = srcdiff.grad(case.func, wrt=case.wrt, mode="forward")(*tcf._copy(args))
    _assert_form(g, case.wrt, case.func, args)
    assert_close(g, g2, 1e-14, 1e-300)


@pytest.mark.parametrize("case", [c for c in tcf.CASES], ids=tcf._case_id)
def test_cf_forward_source_parses_without_example_arguments(case):
    text = srcdiff.source(case.func, wrt=case.wrt, mode="forward")
    tree = ast.parse(text)
    compile(tree, "<srcdiff forward>", "exec")
    assert f"def {case.func.__name__}_jvp(" in text


@pytest.mark.parametrize("case, args", CF_PARAMS)
def test_cf_forward_source_is_the_code_that_runs(case, args):
    """The text srcdiff.source shows, executed, gives jvp's value and tangent."""
    args = _bound(case.func, tcf._copy(args))
    text = srcdiff.source(case.func, wrt=case.wrt, mode="forward", at=args)
    compile(ast.parse(text), "<srcdiff forward>", "exec")
    names, params = _names(case.func, case.wrt)
    rng = np.random.default_rng(7)
    tangents = [None] * len(params)
    for n in names:
        a = args[params.index(n)]
        tangents[params.index(n)] = (
            rng.uniform(-1, 1, size=len(a))
            if isinstance(a, (list, tuple))
            else float(rng.uniform(-1, 1))
        )
    namespace = dict(vars(inspect.getmodule(case.func)))
    exec(compile(text, "<srcdiff forward>", "exec"), namespace)  # noqa: S102 - the shown code
    jvp_code = namespace[f"{case.func.__name__}_jvp"]
    out, t = jvp_code(*tcf._copy(args), *[tangents[params.index(n)] for n in names])
    out2, t2 = srcdiff.jvp(case.func, tcf._copy(args), tangents)
    assert out == pytest.approx(case.func(*tcf._copy(args)), rel=1e-14, abs=1e-300)
    assert out2 == pytest.approx(out, rel=1e-14, abs=1e-300)
    assert_close(t2, t, 1e-12, 1e-12 * scale_of(t))


# === NumPy table ======================================================================


def _np_args(c):
    return tnr.with_weights(c.func, c.args)


NP_PER_PARAM = [pytest.param(c, name, id=f"{c.id}-{name}") for c in tnr.CASES for name in c.wrt]


@pytest.mark.parametrize("c", tnr.CASES, ids=str)
def test_np_forward_matches_reverse(c):
    """`wrt` as the NumPy table gives it: a tuple of names, often of one."""
    args = _np_args(c)
    copies = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args)
    fwd = srcdiff.grad(c.func, wrt=c.wrt, mode="forward")(*args)
    for a, b in zip(args, copies):
        assert np.array_equal(a, b), "forward mode modified its inputs"
    rev = srcdiff.grad(c.func, wrt=c.wrt)(*args)
    _assert_form(fwd, c.wrt, c.func, args)
    assert_close(
        fwd,
        tuple(np.asarray(r) for r in rev),
        FWD_RTOL,
        1e-12 * scale_of(rev),
        "forward vs reverse gradient",
    )


@pytest.mark.parametrize("c, name", NP_PER_PARAM)
def test_np_forward_matches_reverse_per_parameter(c, name):
    args = _np_args(c)
    fwd = srcdiff.grad(c.func, wrt=name, mode="forward")(*args)
    rev = srcdiff.grad(c.func, wrt=name)(*args)
    _assert_form(fwd, name, c.func, args)
    assert_close(
        fwd, np.asarray(rev), FWD_RTOL, 1e-12 * scale_of(rev), f"d/d{name}: forward vs reverse"
    )


NP_FLOAT_PARAMS = [
    p
    for p in NP_PER_PARAM
    if type(
        p.values[0].args[list(inspect.signature(p.values[0].func).parameters).index(p.values[1])]
    )
    is float
]


@pytest.mark.parametrize("c, name", NP_FLOAT_PARAMS)
def test_np_gradient_for_a_float_parameter_is_a_float_in_both_modes(c, name):
    args = _np_args(c)
    for mode in ("forward", "reverse"):
        g = srcdiff.grad(c.func, wrt=name, mode=mode)(*args)
        assert isinstance(g, float) and np.ndim(g) == 0, (
            f"{mode} mode: d/d{name} is {type(g).__name__} {g!r}, not a float"
        )


@pytest.mark.parametrize("c, name", NP_PER_PARAM)
def test_np_forward_matches_finite_differences(c, name):
    args = _np_args(c)
    fwd = srcdiff.grad(c.func, wrt=name, mode="forward")(*args)
    params = list(inspect.signature(c.func).parameters)
    numeric = fd_grad(c.func, args, params.index(name))
    assert np.shape(fwd) == np.shape(args[params.index(name)])
    assert_close(fwd, numeric, c.rtol, c.atol, f"d/d{name} (forward) vs finite differences")


@pytest.mark.parametrize("c", tnr.CASES, ids=str)
def test_np_forward_source_compiles(c):
    args = _np_args(c)
    text = srcdiff.source(c.func, wrt=c.wrt, mode="forward", at=args)
    compile(ast.parse(text), "<srcdiff forward>", "exec")
    assert f"def {c.func.__name__}_jvp(" in text


@pytest.mark.parametrize("c", tnr.CASES, ids=str)
def test_np_forward_value_and_grad(c):
    args = _np_args(c)
    value, g = srcdiff.value_and_grad(c.func, wrt=c.wrt[0], mode="forward")(*args)
    assert value == pytest.approx(c.func(*args), rel=1e-14, abs=1e-300)
    rev = srcdiff.grad(c.func, wrt=c.wrt[0])(*args)
    assert_close(g, np.asarray(rev), FWD_RTOL, 1e-12 * scale_of(rev))


# === a one-name tuple wrt keeps reverse mode's form ==========================================


def test_forward_tuple_wrt_of_one_name_is_a_one_tuple():
    x = np.array([0.3, -0.7, 1.1])
    fwd = srcdiff.grad(H.j_vector_to_scalar, wrt=("x",), mode="forward")(x)
    rev = srcdiff.grad(H.j_vector_to_scalar, wrt=("x",))(x)
    assert isinstance(rev, tuple) and len(rev) == 1 and rev[0].shape == (3,)
    assert isinstance(fwd, tuple) and len(fwd) == 1, fwd
    assert isinstance(fwd[0], np.ndarray) and fwd[0].shape == (3,), fwd
    assert_close(fwd[0], rev[0], FWD_RTOL, 1e-12)
    s = srcdiff.grad(cf.if_simple, wrt=("x",), mode="forward")(1.5)
    assert s == (3.0,)
    value, g = srcdiff.value_and_grad(H.s_poly, wrt=("y",), mode="forward")(0.7, 1.3)
    assert value == H.s_poly(0.7, 1.3)
    assert isinstance(g, tuple) and len(g) == 1 and np.ndim(g[0]) == 0, g
    assert g[0] == pytest.approx(0.7**3 + 4 * 0.7 * 1.3 + 2 * 1.3**3, rel=1e-13)


# === regressions found by the tables, in their smallest form ======================================


def test_forward_tangent_of_an_overwritten_inactive_variable_uses_its_old_value():
    # y = y * x: dy = y_old * dx, not y_new * dx
    fwd = srcdiff.grad(H.fw_overwrite, wrt="x", mode="forward")(2.0, 3.0)
    assert fwd == pytest.approx(3.0, rel=1e-15), fwd
    out, t = srcdiff.jvp(H.fw_overwrite, (2.0, 3.0), (1.0, None))
    assert out == 6.0 and t == pytest.approx(3.0, rel=1e-15), t


def test_forward_zero_tangent_entering_a_loop_keeps_its_array_shape():
    x = np.array([0.3, -0.5, 0.8])
    A = np.array([[0.5, -0.2, 0.1], [0.3, 0.4, -0.6], [-0.1, 0.2, 0.7]])
    fwd = srcdiff.grad(H.fw_loop_dot, wrt="A", mode="forward")(x, A)
    rev = srcdiff.grad(H.fw_loop_dot, wrt="A")(x, A)
    assert_close(rev, fd_grad(H.fw_loop_dot, (x, A), 1), 1e-6, 1e-8)
    assert_close(fwd, rev, FWD_RTOL, 1e-12)


def test_forward_tangent_of_an_array_filled_by_index_in_a_loop():
    x = np.array([0.3, -0.5, 0.8])
    fwd = srcdiff.grad(H.fw_fill, mode="forward")(x)
    want = np.exp(x) + np.array([1.0, 2 * x[1], 3 * x[2] ** 2])
    assert_close(srcdiff.grad(H.fw_fill)(x), want, 1e-13, 1e-15)
    assert_close(fwd, want, 1e-13, 1e-15)


# === jvp ==============================================================================

_R = np.random.default_rng(20240611)
_x4 = _R.uniform(-1, 1, 4)
_A34 = _R.uniform(-1, 1, (3, 4))
_b3 = _R.uniform(-1, 1, 3)
_X52 = _R.uniform(-1, 1, (5, 2))
_y5 = _R.uniform(-1, 1, 5)

# (id, func, primals, tangents); None marks an argument without a tangent
JVP_CASES = [
    ("scalar_trig", H.s_trig, (0.7, 1.3), (0.4, -1.1)),
    ("scalar_rational", H.s_rational, (0.7, 1.3), (1.0, 0.0)),
    ("scalar_pow", H.s_pow, (0.7, 1.3), (-0.3, 0.9)),
    ("loop_horner_int_none", H.cf_horner, (0.7, 5), (1.0, None)),
    ("loop_while", H.cf_while, (0.7,), (1.0,)),
    ("loop_break", H.cf_break, (0.3,), (-2.0,)),
    ("loop_list", H.cf_loop_list, ([0.5, -0.3, 0.8], 0.7), ([0.2, -1.0, 0.4], 0.6)),
    ("loop_carried_cf", cf.nested_carried, (0.3, 2), (1.0, None)),
    ("range_stop_cf", cf.range_stop, (1.3, 5), (1.0, None)),
    ("branch", H.cf_branch, (0.5,), (1.0,)),
    ("helper_tuple_return", H.cf_helper_tuple, (0.7, 1.3), (0.5, -0.25)),
    ("helper_triple_cf", cf.helper_triple_chain, (0.7, 1.3), (1.0, 2.0)),
    ("helper_multi_return_cf", cf.helper_multi_return_unused, (1.3, -0.4), (0.0, 1.0)),
    ("returns_tuple", H.j_two_outputs, (0.7, 1.3), (1.0, 0.5)),
    (
        "returns_array_and_scalar",
        H.j_array_pair,
        (_x4, _A34),
        (_R.uniform(-1, 1, 4), _R.uniform(-1, 1, (3, 4))),
    ),
    (
        "np_matvec_tanh",
        H.j_matvec_tanh,
        (_A34, _x4, _b3),
        (_R.uniform(-1, 1, (3, 4)), _R.uniform(-1, 1, 4), None),
    ),
    ("np_softmax", H.j_softmax, (_x4,), (_R.uniform(-1, 1, 4),)),
    (
        "np_mlp_loss",
        H.np_mlp_loss,
        (_R.uniform(-1, 1, 16), _X52, _y5),
        (_R.uniform(-1, 1, 16), None, None),
    ),
    ("np_loop_int_none", H.j_loop_vector, (_x4, 3), (_R.uniform(-1, 1, 4), None)),
    ("np_scalar_to_vector", H.j_scalar_to_vector, (0.7,), (1.0,)),
    (
        "np_array_loop",
        H.np_array_loop,
        (_x4, 0.5 * _R.uniform(-1, 1, (4, 4))),
        (_R.uniform(-1, 1, 4), _R.uniform(-1, 1, (4, 4))),
    ),
]


@pytest.mark.parametrize(
    "func, primals, tangents", [pytest.param(*c[1:], id=c[0]) for c in JVP_CASES]
)
def test_jvp_matches_directional_finite_differences(func, primals, tangents):
    out, t = srcdiff.jvp(func, primals, tangents)
    want_out = func(*primals)
    assert_close(out, want_out, 1e-14, 1e-300, "jvp primal output")
    numeric = fd_directional(func, primals, tangents)
    if isinstance(want_out, tuple):
        assert isinstance(t, tuple) and len(t) == len(want_out), t
        for k, (ti, oi) in enumerate(zip(t, want_out)):
            assert np.shape(ti) == np.shape(oi), (
                f"tangent[{k}] shape {np.shape(ti)} vs {np.shape(oi)}"
            )
    else:
        assert np.shape(t) == np.shape(want_out), (
            f"tangent shape {np.shape(t)} vs {np.shape(want_out)}"
        )
    assert_close(t, numeric, 1e-6, 1e-8 * scale_of(numeric), "jvp tangent vs finite differences")


@pytest.mark.parametrize(
    "func, primals, tangents", [pytest.param(*c[1:], id=c[0]) for c in JVP_CASES]
)
def test_jvp_is_linear_in_the_tangent(func, primals, tangents):
    rng = np.random.default_rng(3)
    other = tuple(
        None
        if t is None
        else (
            rng.uniform(-1, 1, np.shape(t))
            if np.ndim(t)
            else (
                list(rng.uniform(-1, 1, len(t)))
                if isinstance(t, list)
                else float(rng.uniform(-1, 1))
            )
        )
        for t in tangents
    )
    a, b = 1.7, -0.6
    combo = tuple(
        None
        if t is None
        else (a * np.asarray(t, float) + b * np.asarray(u, float) if np.ndim(t) else a * t + b * u)
        for t, u in zip(tangents, other)
    )
    _, t1 = srcdiff.jvp(func, primals, tangents)
    _, t2 = srcdiff.jvp(func, primals, other)
    _, t3 = srcdiff.jvp(func, primals, combo)
    if isinstance(t1, tuple):
        want = tuple(a * np.asarray(p) + b * np.asarray(q) for p, q in zip(t1, t2))
    else:
        want = a * np.asarray(t1) + b * np.asarray(t2)
    assert_close(t3, want, 1e-12, 1e-12 * scale_of(want), "jvp(a t + b u) vs a jvp(t) + b jvp(u)")


def test_jvp_of_a_scalar_function_is_the_gradient_dotted_with_the_tangent():
    rng = np.random.default_rng(11)
    wvec = rng.uniform(-1, 1, 16)
    t = rng.uniform(-1, 1, 16)
    _, jt = srcdiff.jvp(H.np_mlp_loss, (wvec, _X52, _y5), (t, None, None))
    g = srcdiff.grad(H.np_mlp_loss)(wvec, _X52, _y5)
    assert np.ndim(jt) == 0
    assert float(jt) == pytest.approx(float(g @ t), rel=1e-12)
    for x, y in [(0.7, 1.3), (-0.4, 2.2)]:
        _, jt = srcdiff.jvp(H.s_exp_log, (x, y), (0.3, -0.8))
        gx, gy = srcdiff.grad(H.s_exp_log, wrt=(0, 1))(x, y)
        assert jt == pytest.approx(0.3 * gx - 0.8 * gy, rel=1e-12)


def test_jvp_tangent_for_an_int_argument_can_be_none():
    out, t = srcdiff.jvp(H.j_int_arg, (0.7, 3), (1.0, None))
    assert out == H.j_int_arg(0.7, 3)
    # s = ((x*x + 1) x + 1) x + 1 = x^4 + x^2 + x + 1
    assert t == pytest.approx(4 * 0.7**3 + 2 * 0.7 + 1, rel=1e-14)
    out, t = srcdiff.jvp(cf.range_stop, (1.3, 5), (1.0, None))
    assert t == pytest.approx(sum(i * 1.3 ** (i - 1) for i in range(1, 5)), rel=1e-14)
    x = np.array([0.3, -0.5, 0.8])
    v = np.array([1.0, 0.5, -2.0])
    out, t = srcdiff.jvp(H.j_array_int_arg, (x, 3), (v, None))
    assert out == pytest.approx(H.j_array_int_arg(x, 3), rel=1e-15)
    assert float(t) == pytest.approx(float(np.sum((3 * x**2 + 3 * np.cos(x)) * v)), rel=1e-13)
    # 0.0 for the integer works as well (the docstring allows None or 0.0)
    _, t0 = srcdiff.jvp(H.j_int_arg, (0.7, 3), (1.0, 0.0))
    assert t0 == pytest.approx(4 * 0.7**3 + 2 * 0.7 + 1, rel=1e-14)


def test_jvp_with_a_tangent_on_one_of_several_float_arguments():
    x, y = 0.7, 1.3
    _, tx = srcdiff.jvp(H.s_trig, (x, y), (1.0, None))
    _, ty = srcdiff.jvp(H.s_trig, (x, y), (None, 1.0))
    gx, gy = srcdiff.grad(H.s_trig, wrt=("x", "y"))(x, y)
    assert tx == pytest.approx(gx, rel=1e-13)
    assert ty == pytest.approx(gy, rel=1e-13)


def test_jvp_returns_tuple_tangents_for_tuple_outputs():
    out, t = srcdiff.jvp(H.j_two_outputs, (0.7, 1.3), (1.0, 0.5))
    assert isinstance(out, tuple) and isinstance(t, tuple) and len(t) == 2
    x, y = 0.7, 1.3
    assert t[0] == pytest.approx((y + np.cos(x)) * 1.0 + x * 0.5, rel=1e-14)
    assert t[1] == pytest.approx(3 * y * y * 0.5 - 1.0, rel=1e-14)


def _constant_then_break(x, n):
    for i in range(n):
        x = 2.0  # the tangent becomes zero here ...
        if i + 1 >= 1:
            break  # ... and the loop is left before the end of its body
    return x * x


def test_a_tangent_made_zero_before_a_break_is_zero_after_the_loop():
    # The explicit zero of a loop-carried tangent must come before the body's final
    # `if _break: break`, or the exit skips it and the stale tangent leaks out.
    for n, want in [(0, 2 * 0.7), (3, 0.0)]:
        _, t = srcdiff.jvp(_constant_then_break, (0.7, n), (1.0, None))
        assert t == pytest.approx(want, rel=1e-14, abs=0.0)
        assert srcdiff.grad(_constant_then_break, mode="forward")(0.7, n) == pytest.approx(
            srcdiff.grad(_constant_then_break)(0.7, n), rel=1e-14, abs=0.0
        )


def test_a_function_named_like_a_runtime_helper_keeps_its_own_jvp_name():
    # forward mode names its function cumprod_jvp; the rule's helper of that name is bound
    # under another name (it was shadowed, and the call crashed)
    x, w = np.array([0.5, -1.2, 0.7]), np.array([1.0, 2.0, 3.0])
    t = np.array([0.3, 1.0, -0.4])
    value, tangent = srcdiff.jvp(tnr.C.cumprod, (x, w), (t, np.zeros(3)))
    assert value == tnr.C.cumprod(x, w)
    g = srcdiff.grad(tnr.C.cumprod, wrt="x")(x, w)
    assert_close(tangent, np.dot(g, t), 1e-12, 1e-14, "jvp vs grad")

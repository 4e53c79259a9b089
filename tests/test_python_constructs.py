"""The Python people write (tests/pylang_cases.py): reductions of generators and
comprehensions, enumerate/zip, nested and starred unpacking, the walrus operator
and has_aux, in reverse mode, forward mode and `hessian`, against central finite
differences (tests/fdiff.py); and what stays refused, with hints that work.
"""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass

import numpy as np
import pylang_cases as P
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian, scale_of

import srcdiff

R = np.random.default_rng(20261202)
X3 = R.uniform(0.2, 1.4, size=3)
Y3 = R.uniform(-1.0, 1.0, size=3)
A33 = R.uniform(-1.0, 1.0, size=(3, 3))
A23 = R.uniform(-1.0, 1.0, size=(2, 3))
B23 = R.uniform(-1.0, 1.0, size=(2, 3))


@dataclass
class C:
    func: object
    args: tuple
    wrt: int = 0
    hessian: bool = True  # (False where the function is piecewise linear in wrt)

    @property
    def id(self):
        return f"{self.func.__name__}-{self.wrt}"


CASES = [
    C(P.sum_gen, (1.3, 4)),
    C(P.fsum_gen, (X3, Y3)),
    C(P.fsum_gen, (X3, Y3), 1),
    C(P.fsum_list_comp_if, (X3,)),
    C(P.fsum_of_list, (0.7, 1.3)),
    C(P.fsum_scaled, (X3,), hessian=False),
    C(P.fsum_of_list, (0.7, 1.3), 1),
    C(P.sum_gen_in_expr, (X3, Y3)),
    C(P.sum_gen_in_expr, (X3, Y3), 1),
    C(P.sum_gen_if, (X3, Y3)),
    C(P.sum_gen_if, (X3, Y3), 1),
    C(P.sum_list_comp, (X3,)),
    C(P.sum_start, (X3, 0.7)),
    C(P.sum_start, (X3, 0.7), 1),
    C(P.sum_start_keyword, (X3, 0.7), 1),
    C(P.sum_nested_for, (X3,)),
    C(P.sum_nested_sums, (A33,)),
    C(P.sum_of_sequence, (X3,)),
    C(P.sum_of_sequence, ([0.3, 0.9, -0.4],)),
    C(P.sum_of_display, (0.7, 1.3)),
    C(P.sum_of_display, (0.7, 1.3), 1),
    C(P.sum_of_array_list, (A23, B23), 0, hessian=False),
    C(P.sum_of_array_list, (A23, B23), 1, hessian=False),
    C(P.sum_of_array_list_in_helper, (A23, B23), 0),
    C(P.sum_of_array_list_in_helper, (A23, B23), 1),
    C(P.sum_zip_gen, (X3, Y3)),
    C(P.sum_zip_gen, ([0.3, 0.9], [1.5, -0.5]), 1),
    C(P.sum_enumerate_gen, (X3,)),
    C(P.sum_in_loop, (X3, 3)),
    C(P.sum_augmented, (X3,)),
    C(P.sum_var_clash, (X3,)),
    C(P.sum_reads_target, (X3,)),
    C(P.sum_ifexp_item, (np.array([0.5, -0.3, 1.2]),)),
    C(P.sum_of_arrays, (X3,)),
    C(P.prod_gen, (X3,)),
    C(P.max_gen, (X3,)),
    C(P.min_list_comp, (X3,)),
    C(P.max_default, (X3, 3)),
    C(P.max_default, (X3, 0)),
    C(P.max_of_sequence, (X3,)),
    C(P.max_of_sequence, ([0.3, 0.9, -0.4],)),
    C(P.any_all_conditions, (np.array([0.5, 1.5, 0.7]),)),
    C(P.any_all_conditions, (np.array([0.5, 0.6, 0.7]),)),
    C(P.any_all_conditions, (np.array([0.5, -0.6, 0.7]),)),
    C(P.any_all_assigned, (np.array([0.5, 1.5, 0.7]),)),
    C(P.any_all_assigned, (np.array([0.5, 0.6, 0.7]),), hessian=False),
    C(P.count_gen, (np.array([0.5, -1.5, 0.7]),), hessian=False),
    C(P.enumerate_zip, (X3, Y3)),
    C(P.enumerate_zip, ([0.3, 0.9], [1.5, -0.5]), 1),
    C(P.enumerate_start, (X3,)),
    C(P.enumerate_start, ([0.3, 0.9],)),
    C(P.enumerate_start_positional, (X3, 2)),
    C(P.reversed_list_of_enumerate, (X3,)),
    C(P.reversed_list_of_enumerate, ([0.3, 0.9, -0.4],)),
    C(P.reversed_list_of_zip, (X3, Y3)),
    C(P.reversed_list_of_zip, (X3, [1.5, -0.5]), 1),
    C(P.listed_pairs, (X3, Y3)),
    C(P.listed_pairs, ([0.3, 0.9], Y3), 1),
    C(P.zip_three, (X3, Y3, X3 * 2.0)),
    C(P.zip_three, (X3, Y3, X3 * 2.0), 2, hessian=False),
    C(P.zip_to_one_name, (X3, Y3)),
    C(P.enumerate_zip_one_name, (X3, Y3), 1),
    C(P.nested_unpack, (0.7, 1.3)),
    C(P.nested_unpack, (0.7, 1.3), 1),
    C(P.nested_unpack_swap, (0.7, 1.3)),
    C(P.starred_first, (0.7, 1.3, 0.4)),
    C(P.starred_first, (0.7, 1.3, 0.4), 2),
    C(P.starred_last, (0.7, 1.3, 0.4)),
    C(P.starred_middle, (0.7, 1.3, 0.4), 1),
    C(P.walrus_in_expr, (0.7,)),
    C(P.walrus_in_condition, (X3, 2)),
    C(P.walrus_in_condition, (X3, 5)),
    C(P.walrus_in_return, (0.7,)),
    C(P.walrus_in_iterable, (X3,)),
    C(P.walrus_in_ifexp_test, (0.7,)),
    C(P.walrus_in_ifexp_test, (0.2,)),
    C(P.walrus_in_generator, (0.7,)),
    C(P.lambda_called, (0.7,)),
    C(P.lambda_closure, (0.7, 1.3)),
    C(P.lambda_closure, (0.7, 1.3), 1),
    C(P.lambda_two_params, (0.7, 1.3)),
    C(P.lambda_two_params, (0.7, 1.3), 1),
    C(P.lambda_calls_lambda, (0.7,)),
    C(P.lambda_in_loop, (0.7, 3)),
    C(P.lambda_in_generator, (X3,)),
    C(P.lambda_in_condition, (0.7,)),
    C(P.lambda_in_condition, (1.7,), hessian=False),
    C(P.lambda_returns_tuple, (0.7, 1.3)),
    C(P.lambda_returns_tuple, (0.7, 1.3), 1),
    C(P.def_closure, (0.7, 1.3)),
    C(P.def_closure, (0.7, 1.3), 1),
    C(P.def_shadows_outer, (0.7,)),
    C(P.def_with_loop, (0.7, 3)),
    C(P.def_returns_tuple, (0.7,)),
    C(P.def_with_reductions, (X3, Y3)),
    C(P.def_with_reductions, (X3, Y3), 1),
    C(P.hinted_recursive_def, (0.7, 3)),
    C(P.hinted_starred_sequence, (X3,)),
    C(P.starred_of_sequence, (X3,)),
    C(P.starred_of_sequence, ([0.3, 0.9, -0.4, 1.1],)),
    C(P.starred_of_list_built, (0.7, 1.3)),
    C(P.starred_of_list_built, (0.7, 1.3), 1),
    C(P.hinted_fmean_of_generator, (X3,)),
    C(P.hinted_zip_value, (X3, Y3)),
    C(P.list_comp_value, (X3,)),
    C(P.varargs_passthrough, (0.7, 1.3)),
    C(P.varargs_passthrough, (0.7, 1.3), 1),
    C(P.varargs_reader, (0.7, 1.3)),
    C(P.varargs_reader, (0.7, 1.3), 1),
    C(P.spread_displays, (0.7, 1.3)),
    C(P.spread_displays, (0.7, 1.3), 1),
    C(P.isinstance_branch, (0.7, 3)),
    C(P.local_dict_items, (0.7, 1.3)),
    C(P.local_dict_items, (0.7, 1.3), 1),
]


def _args_with_float(c):
    """The arguments, with an int in wrt as a float (so finite differences can move it)."""
    return tuple(float(a) if i == c.wrt and isinstance(a, int) else a for i, a in enumerate(c.args))


def _tol(c):
    return 1e-6, 1e-7 * scale_of(*[a for a in c.args if not isinstance(a, int)])


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_matches_finite_differences(c, mode):
    args = _args_with_float(c)
    got = srcdiff.grad(c.func, wrt=c.wrt, mode=mode)(*args)
    rtol, atol = _tol(c)
    assert_close(got, fd_grad(c.func, args, c.wrt), rtol, atol, f"{mode} gradient")


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.id)
def test_value_and_grad_value_is_the_function_value(c):
    args = _args_with_float(c)
    value, _ = srcdiff.value_and_grad(c.func, wrt=c.wrt)(*args)
    # sum() is differentiated as the loop that adds left to right; Python 3.12's builtin
    # sum of floats compensates rounding, so the two may differ in the last bit
    assert value == pytest.approx(c.func(*args), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("c", [c for c in CASES if c.hessian], ids=lambda c: c.id)
def test_hessian_matches_finite_differences_of_the_gradient(c):
    args = _args_with_float(c)
    h = srcdiff.hessian(c.func, wrt=c.wrt)(*args)
    g = srcdiff.grad(c.func, wrt=c.wrt)

    def grad_array(*a):
        return np.asarray(g(*a), dtype=float)

    rtol, atol = _tol(c)
    assert_close(h, fd_jacobian(grad_array, args, c.wrt), 1e-5, 10 * atol, "hessian")


# --- what the rewrites look like -------------------------------------------------------


def _line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_a_sum_of_a_generator_becomes_the_loop_one_would_write():
    code = srcdiff.source(P.sum_gen_if, at=(X3, Y3))
    forward = code.split("# forward sweep")[1].split("# backward sweep")[0]
    assert "sum(" not in forward and "if cond1:" in forward
    assert "s = 0\n" in forward and "s = s + w[i] * x[i]" in forward  # accumulated in s
    line = _line_of(P.sum_gen_if, "s = sum(")
    assert f"# line {line}: s = sum(w[i] * x[i]" in code


def test_a_local_function_is_inlined_where_it_is_called():
    code = srcdiff.source(P.lambda_called, mode="forward")
    statements = [line for line in code.splitlines() if not line.strip().startswith("#")]
    assert not any("sq(" in line or "lambda " in line for line in statements), code
    assert "x * x" in code and "v1 = x + 1.0" in code  # (an argument evaluated once)
    code = srcdiff.source(P.def_shadows_outer)
    assert "inner" in code and "u1 = x + 1.0" in code  # its own u renamed


def test_a_comprehension_variable_does_not_overwrite_the_functions_own():
    code = srcdiff.source(P.sum_var_clash, at=(X3,))
    assert re.search(r"for k\d+ in", code), code


def test_max_of_an_empty_generator_raises_as_python_does():
    with pytest.raises(ValueError, match="empty"):
        P.max_gen(np.zeros(0))
    with pytest.raises(ValueError, match="empty"):
        srcdiff.grad(P.max_gen)(np.zeros(0))
    with pytest.raises(ValueError, match="empty"):  # (forward mode's grad makes no pass)
        srcdiff.jvp(P.max_gen, (np.zeros(0),), (np.zeros(0),))


def test_an_integer_count_stays_an_integer():
    assert isinstance(P.count_gen(np.array([0.5, -1.5])), float)
    g = srcdiff.grad(P.count_gen)(np.array([0.5, -1.5, 0.7]))
    assert_close(g, np.array([2.0, 0.0, 0.0]), 0.0, 0.0)


# --- has_aux and argnums -----------------------------------------------------------------

W2 = np.array([0.3, -0.2])
XM = R.uniform(-1.0, 1.0, size=(4, 2))
AUX_CASES = [
    (P.loss_with_predictions, (W2, XM), 0),
    (P.loss_with_predictions, (W2, XM), 1),
    (P.loss_with_metrics, (1.5, 2.0), 0),
    (P.loss_with_metrics, (1.5, 2.0), 1),
    (P.loss_with_overwritten_aux, (W2,), 0),
]


def _first(func):
    return lambda *a: func(*a)[0]


def _same(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    else:
        assert_close(got, want, 0.0, 0.0, "aux")


@pytest.mark.parametrize("func, args, wrt", AUX_CASES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_grad_has_aux_returns_gradient_and_aux(func, args, wrt, mode):
    g, aux = srcdiff.grad(func, wrt=wrt, mode=mode, has_aux=True)(*args)
    _same(aux, func(*args)[1])
    assert_close(g, fd_grad(_first(func), args, wrt), 1e-6, 1e-8, "gradient")


@pytest.mark.parametrize("func, args, wrt", AUX_CASES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_value_and_grad_has_aux_follows_jax(func, args, wrt, mode):
    (value, aux), g = srcdiff.value_and_grad(func, argnums=wrt, mode=mode, has_aux=True)(*args)
    assert value == func(*args)[0]
    _same(aux, func(*args)[1])
    assert_close(g, fd_grad(_first(func), args, wrt), 1e-6, 1e-8, "gradient")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_has_aux_with_a_tuple_wrt_and_an_integer_argument(mode):
    f = P.loss_with_metrics
    (value, aux), (da, db) = srcdiff.value_and_grad(f, argnums=(0, 1), has_aux=True, mode=mode)(
        1.5, 2
    )
    assert (value, aux) == f(1.5, 2)
    assert isinstance(db, float)
    assert_close(
        (da, db), (fd_grad(_first(f), (1.5, 2.0), 0), fd_grad(_first(f), (1.5, 2.0), 1)), 1e-6
    )
    (g,), aux = srcdiff.grad(f, wrt=(1,), has_aux=True, mode=mode)(1.5, 2.0)
    assert_close(g, db, 1e-12)


def test_argnums_is_wrt():
    f = P.sum_start
    assert srcdiff.grad(f, argnums=1)(X3, 0.7) == srcdiff.grad(f, wrt=1)(X3, 0.7)
    assert srcdiff.grad(argnums="c")(f)(X3, 0.7) == srcdiff.grad(f, wrt="c")(X3, 0.7)
    with pytest.raises(srcdiff.SrcDiffError, match="not both"):
        srcdiff.grad(f, wrt=1, argnums=1)


def test_has_aux_needs_a_pair_and_a_pair_needs_has_aux():
    with pytest.raises(srcdiff.NonScalarOutputError, match="has_aux=True") as info:
        srcdiff.grad(P.loss_with_metrics)(1.5, 2.0)
    assert "has_aux=True" in info.value.hint
    with pytest.raises(srcdiff.NonScalarOutputError, match=r"pair \(output, aux\)"):
        srcdiff.grad(P.sum_gen, has_aux=True)(1.3, 4)


def test_has_aux_derivatives_pickle():
    import pickle

    g = srcdiff.value_and_grad(P.loss_with_metrics, has_aux=True)
    assert pickle.loads(pickle.dumps(g))(1.5, 2.0) == g(1.5, 2.0)


# --- what stays refused, and the hints ---------------------------------------------------

REFUSED = [
    (P.refused_walrus_in_while, srcdiff.UnsupportedSyntaxError, "`while` test", "separate"),
    (P.refused_walrus_reads_first, srcdiff.UnsupportedSyntaxError, "reads x before", "separate"),
    (P.refused_unpack_count, srcdiff.UnsupportedSyntaxError, "unpacks 3 values", "as many"),
    (P.refused_fmean_of_generator, srcdiff.NoRuleError, "statistics.fmean", "write the loop"),
    (P.refused_zip_value, srcdiff.NoRuleError, "zip", "directly as a `for` loop"),
    (P.refused_lambda_as_key, srcdiff.UnsupportedSyntaxError, "a lambda other", "module level"),
    (P.refused_recursive_def, srcdiff.UnsupportedSyntaxError, "recursion", "module level"),
    (P.refused_local_as_value, srcdiff.UnsupportedSyntaxError, "used as a value", "module level"),
    (P.refused_lambda_default, srcdiff.UnsupportedSyntaxError, "default", "module level"),
    (P.refused_mutual_lambdas, srcdiff.UnsupportedSyntaxError, "called before", "module level"),
    (P.refused_walrus_in_lambda, srcdiff.UnsupportedSyntaxError, "`:=` in a lambda", "module"),
    # (the hint was "define it at module level", which can't keep the nonlocal total)
    (P.refused_nonlocal, srcdiff.UnsupportedSyntaxError, "changes 'total'", "total = add("),
]
HINTED = {  # the rewrite each hint suggests, which works (tested in CASES too)
    P.refused_fmean_of_generator: P.hinted_fmean_of_generator,
    P.refused_zip_value: P.hinted_zip_value,
    P.refused_recursive_def: P.hinted_recursive_def,
    P.refused_nonlocal: P.hinted_nonlocal,
}


def _refused_args(func):
    if func is P.refused_recursive_def:
        return (0.7, 3)
    return (X3,) * len(inspect.signature(func).parameters)


@pytest.mark.parametrize("func, cls, what, hint", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_refused_with_location_and_hint(func, cls, what, hint, mode):
    with pytest.raises(cls) as info:
        srcdiff.grad(func, mode=mode)(*_refused_args(func))
    err = info.value
    assert what in str(err) and hint in err.hint
    filename, line, _, _ = err.location
    assert filename.endswith("pylang_cases.py") and line in range(*_lines(func))
    assert f"pylang_cases.py:{line}:" in str(err)


def _lines(func):
    lines, first = inspect.getsourcelines(func)
    return first, first + len(lines)


@pytest.mark.parametrize("refused, hinted", HINTED.items(), ids=lambda v: v.__name__)
def test_following_the_hint_works(refused, hinted):
    args = _refused_args(refused)
    if refused is not P.refused_zip_value:  # (that one was never a valid program here)
        assert hinted(*args) == pytest.approx(refused(*args))
    for mode in ("reverse", "forward"):
        g = srcdiff.grad(hinted, mode=mode)(*args)
        assert_close(g, fd_grad(hinted, args, 0), 1e-6, 1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_starred_unpacking_of_too_short_a_sequence_raises_as_python_does(mode):
    with pytest.raises(ValueError, match="not enough values to unpack"):
        P.starred_too_few(np.array([1.0]))
    with pytest.raises(ValueError, match="not enough values to unpack"):
        srcdiff.grad(P.starred_too_few, mode=mode)(np.array([1.0]))
    g = srcdiff.grad(P.starred_too_few, mode=mode)(np.array([2.0, 3.0, 4.0]))
    np.testing.assert_allclose(g, [3.0, 2.0, 0.0])


def test_a_generator_into_a_function_without_a_rule_suggests_the_loop_not_a_rule():
    with pytest.raises(srcdiff.NoRuleError) as info:
        srcdiff.grad(P.refused_fmean_of_generator)(X3)
    assert "register_rule" not in info.value.hint
    assert "math.fsum" in info.value.hint
    assert math.isclose(P.refused_fmean_of_generator(X3), P.hinted_fmean_of_generator(X3))


def test_fsum_keeps_its_single_rounding():
    """math.fsum is not rewritten into a loop of `+`: the value is fsum's own, where
    left-to-right addition loses the small items (3e16 + 3.0 - 3e16 is 0.0)."""
    x = np.array([1e16, 1.0, -1e16])
    for mode in ("reverse", "forward"):
        value, g = srcdiff.value_and_grad(P.fsum_scaled, mode=mode)(x)
        assert value == P.fsum_scaled(x) == 3.0
        np.testing.assert_array_equal(g, [3.0, 3.0, 3.0])
    code = srcdiff.source(P.fsum_gen, mode="forward", at=(X3, Y3))
    assert "math.fsum(items1)" in code and "math.fsum(ditems1)" in code

"""Errors: unsupported code, missing rules, bad `wrt`, missing source, bad arguments.

Errors about the user's code must read like compiler diagnostics:

    path/to/file.py:LINE:COL: message
        offending source line
        ^   (caret under the construct)
    hint: what to do instead

The expected line and column are found by searching tests/err_cases.py for
the construct's text, never pasted in.
"""

from __future__ import annotations

import inspect
import math
import time

import cf_cases as cf
import err_cases as E
import numpy as np
import pytest

import srcdiff
from srcdiff import (
    ArgumentError,
    NoRuleError,
    SourceUnavailableError,
    SrcDiffError,
    UnsupportedSyntaxError,
    WrtError,
)

ERR_FILE = inspect.getsourcefile(E)


def locate(func, snippet):
    """(line number in the file, 0-based column, line text) of `snippet` inside `func`."""
    lines, first = inspect.getsourcelines(func)
    for offset, text in enumerate(lines):
        col = text.find(snippet)
        if col >= 0:
            return first + offset, col, text.rstrip("\n")
    raise AssertionError(f"{snippet!r} not found in {func.__name__}")


def assert_diagnostic(exc, func, snippet, fragment):
    line, col, text = locate(func, snippet)
    msg = str(exc)
    lines = msg.split("\n")
    head = f"{ERR_FILE}:{line}:{col + 1}: "
    assert lines[0].startswith(head), f"expected a message starting {head!r}, got:\n{msg}"
    assert fragment in lines[0], f"expected {fragment!r} in the first line:\n{msg}"
    assert f"    {text}" in lines, f"the offending line is not quoted:\n{msg}"
    i = lines.index(f"    {text}")
    assert i + 1 < len(lines) and lines[i + 1] == "    " + " " * col + "^", (
        f"expected a caret under column {col + 1}:\n{msg}"
    )
    assert any(ln.startswith("hint: ") and len(ln) > len("hint: ") for ln in lines), (
        f"no hint in:\n{msg}"
    )
    assert exc.location is not None
    assert exc.location[1] == line and exc.location[2] == col


# (function, error class, snippet the caret points at, fragment of the message)
AT_DECORATION = [
    (E.uses_yield, UnsupportedSyntaxError, "yield y", "`yield`"),
    (E.uses_yield_from, UnsupportedSyntaxError, "yield from", "`yield from`"),
    (E.uses_try, UnsupportedSyntaxError, "try:", "`try`"),
    (E.uses_with, UnsupportedSyntaxError, "with contextlib", "`with`"),
    (E.uses_class, UnsupportedSyntaxError, "class Box", "class"),
    (E.uses_global, UnsupportedSyntaxError, "global G", "`global`"),
    (E.uses_nonlocal_like_nested_def, UnsupportedSyntaxError, "def inner", "nested function"),
    (E.uses_lambda, UnsupportedSyntaxError, "lambda t", "local function"),
    (E.uses_lambda_argument, UnsupportedSyntaxError, "lambda v", "lambda"),
    (E.uses_del, UnsupportedSyntaxError, "del ys[:1]", "`del` of an item"),
    (E.uses_import, UnsupportedSyntaxError, "import os", "import"),
    (E.uses_walrus, UnsupportedSyntaxError, "x := x", ":="),
    (E.uses_varargs, UnsupportedSyntaxError, "rest", "*rest"),
    (E.uses_loop_else, UnsupportedSyntaxError, "for i in range(3)", "`else`"),
    (E.uses_match, UnsupportedSyntaxError, "match x", "`match`"),
]

AT_CALL = [
    (E.uses_ulp, NoRuleError, "math.ulp(y)", "math.ulp"),
    (E.uses_nextafter, NoRuleError, "math.nextafter(x, 0.0)", "math.nextafter"),
    (E.uses_time_active, NoRuleError, "time.localtime(x)", "time.localtime"),
    # errors inside a helper point into the helper
    (E.uses_helper_ulp, NoRuleError, "math.ulp(b)", "math.ulp", E.h_ulp),
    (E.uses_helper_try, UnsupportedSyntaxError, "try:", "`try`", E.h_try),
]
AT_CALL = [row if len(row) == 5 else (*row, row[0]) for row in AT_CALL]


def _ids(rows):
    return [r[0].__name__ for r in rows]


@pytest.mark.parametrize("func, cls, snippet, fragment", AT_DECORATION, ids=_ids(AT_DECORATION))
def test_unsupported_construct_reported_at_decoration(func, cls, snippet, fragment):
    with pytest.raises(cls) as info:
        srcdiff.grad(func)
    assert isinstance(info.value, SrcDiffError)
    assert_diagnostic(info.value, func, snippet, fragment)


@pytest.mark.parametrize("func, cls, snippet, fragment", AT_DECORATION, ids=_ids(AT_DECORATION))
def test_unsupported_construct_reported_by_every_entry_point(func, cls, snippet, fragment):
    for call in (
        lambda: srcdiff.value_and_grad(func),
        lambda: srcdiff.source(func),
        lambda: srcdiff.check_grad(func, 1.5),
        lambda: srcdiff.grad(wrt=0)(func),
    ):
        with pytest.raises(cls) as info:
            call()
        assert_diagnostic(info.value, func, snippet, fragment)


@pytest.mark.parametrize("func, cls, snippet, fragment, where", AT_CALL, ids=_ids(AT_CALL))
def test_error_reported_with_location(func, cls, snippet, fragment, where):
    # These may be found when the function is read or when code is generated.
    with pytest.raises(cls) as info:
        srcdiff.grad(func)(1.5)
    assert isinstance(info.value, SrcDiffError)
    assert_diagnostic(info.value, where, snippet, fragment)


@pytest.mark.parametrize("func, cls, snippet, fragment, where", AT_CALL, ids=_ids(AT_CALL))
def test_error_reported_by_source(func, cls, snippet, fragment, where):
    with pytest.raises(cls) as info:
        srcdiff.source(func)
    assert_diagnostic(info.value, where, snippet, fragment)


def test_no_rule_hint_names_existing_api():
    with pytest.raises(NoRuleError) as info:
        srcdiff.grad(E.uses_ulp)(1.5)
    hint = [ln for ln in str(info.value).split("\n") if ln.startswith("hint: ")][0]
    assert "register_rule" in hint
    # every srcdiff.<name> the hint recommends must exist
    import re

    for name in re.findall(r"srcdiff\.(\w+)", hint):
        assert hasattr(srcdiff, name), f"hint recommends srcdiff.{name}, which does not exist"


def test_error_does_not_chain_internal_exceptions():
    """The user sees srcdiff's diagnostic, not an internal KeyError it was raised under."""
    with pytest.raises(NoRuleError) as info:
        srcdiff.grad(E.uses_nextafter)(2.5)
    ctx = info.value.__context__
    assert ctx is None or isinstance(ctx, SrcDiffError) or info.value.__suppress_context__, (
        f"error chained to internal {type(ctx).__name__}: {ctx!r}"
    )


def test_functions_without_rule_but_inactive_arguments_work():
    assert srcdiff.grad(E.uses_ulp_inactive)(1.5) == pytest.approx(math.ulp(3.5), rel=1e-15)
    t0 = time.time()
    g = srcdiff.grad(E.uses_time_inactive)(1.5)
    t1 = time.time()
    assert t0 <= g <= t1


# --- wrt ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrt, fragments",
    [
        ("z", ["two_params", "'z'", "x, y"]),
        ("X", ["two_params", "'X'", "x, y"]),
        (2, ["two_params", "2", "out of range", "x, y"]),
        (-3, ["two_params", "-3", "out of range"]),
        (("x", "q"), ["two_params", "'q'", "x, y"]),
        (("x", 5), ["two_params", "5", "out of range"]),
        (("x", "x"), ["'x'", "twice"]),
        (("x", 0), ["'x'", "twice"]),
        ((), ["two_params", "empty"]),
        (True, ["True"]),
        (1.0, ["1.0"]),
        (None, ["None"]),
    ],
)
def test_bad_wrt(wrt, fragments):
    for entry in (
        lambda: srcdiff.grad(E.two_params, wrt=wrt),
        lambda: srcdiff.value_and_grad(E.two_params, wrt=wrt),
        lambda: srcdiff.source(E.two_params, wrt=wrt),
        lambda: srcdiff.check_grad(E.two_params, 1.0, 2.0, wrt=wrt),
    ):
        with pytest.raises(WrtError) as info:
            entry()
        assert isinstance(info.value, SrcDiffError) and isinstance(info.value, ValueError)
        msg = str(info.value)
        for frag in fragments:
            assert frag in msg, f"{frag!r} not in {msg!r}"


def test_bad_wrt_reported_before_any_call():
    # grad(...) itself must fail: not the first call of the result.
    with pytest.raises(WrtError):
        srcdiff.grad(E.two_params, wrt="nope")


def test_wrt_integer_parameter_used_as_integer():
    """Differentiating w.r.t. a parameter used as range()'s bound: 0 or a SrcDiffError,
    never a raw TypeError from inside generated code."""
    try:
        g = srcdiff.grad(cf.range_stop, wrt="n")(1.3, 5)
    except SrcDiffError as exc:
        assert "n" in str(exc)
    else:
        assert g == 0.0


# --- functions without source ----------------------------------------------------------------


@pytest.mark.parametrize(
    "func",
    [math.sin, abs, max, math.gamma, len, time.time],
    ids=["math.sin", "abs", "max", "math.gamma", "len", "time.time"],
)
def test_no_source_builtin(func):
    for entry in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.source):
        with pytest.raises(SourceUnavailableError) as info:
            entry(func)
        msg = str(info.value)
        assert isinstance(info.value, SrcDiffError)
        assert func.__name__ in msg
        assert "\nhint: " in msg


def test_no_source_exec():
    ns = {}
    exec("def h(x):\n    return x * x\n", ns)
    with pytest.raises(SourceUnavailableError) as info:
        srcdiff.grad(ns["h"])
    msg = str(info.value)
    assert "'h'" in msg and "<string>" in msg and "\nhint: " in msg


def test_no_source_lambda():
    """A lambda made by eval has no file to read (lambdas in files work: test_lambdas.py)."""
    with pytest.raises(SourceUnavailableError) as info:
        srcdiff.grad(eval("lambda x: x * x"))  # noqa: S307
    assert "\nhint: " in str(info.value)


def test_no_source_callable_object():
    with pytest.raises(SourceUnavailableError) as info:
        srcdiff.grad(math.sin.__call__)
    assert "\nhint: " in str(info.value)


# --- non-numeric arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, typename",
    [("abc", "str"), (None, "NoneType"), ({"a": "x"}, "dict"), (b"x", "bytes")],
    ids=["str", "None", "dict", "bytes"],
)
def test_non_numeric_wrt_argument(bad, typename):
    with pytest.raises(ArgumentError) as info:
        srcdiff.grad(E.one_string, wrt="s")(bad, 1.0)
    exc = info.value
    assert isinstance(exc, SrcDiffError) and isinstance(exc, TypeError)
    msg = str(exc)
    assert "one_string" in msg and "'s'" in msg and typename in msg
    assert "\nhint: " in msg


def test_a_list_display_appended_to_is_built_by_appends():
    # (once refused: "cannot differentiate through .append()")
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(E.uses_append, mode=mode)(2.0) == 1.0


def test_a_dict_of_floats_is_a_container_of_parameters():
    # (not a non-numeric argument: its gradient has its keys, here zero as s is unused)
    assert srcdiff.grad(E.one_string, wrt="s")({"a": 1.0}, 1.0) == {"a": 0.0}


@pytest.mark.parametrize(
    "value",
    [1.0 + 2.0j, np.complex64(1.0 - 1.0j), np.array([1.0 + 2.0j, 3.0j]), np.ones(2, np.complex64)],
    ids=["complex", "complex64", "complex128-array", "complex64-array"],
)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_complex_wrt_arguments_are_refused_in_both_modes(value, mode):
    """srcdiff differentiates real values only: a complex argument in wrt is refused,
    never given a derivative of its real part alone (it was, for complex arrays)."""
    with pytest.raises(ArgumentError, match="complex value") as info:
        srcdiff.grad(E.one_string, wrt="x", mode=mode)("s", value)
    assert "x.real, x.imag" in info.value.hint
    with pytest.raises(ArgumentError, match="complex value"):
        srcdiff.jvp(E.one_string, ("s", value), (None, value))


def test_non_numeric_argument_not_in_wrt_is_fine():
    assert srcdiff.grad(E.one_string, wrt="x")("abc", 1.5) == 2.0


def test_wrong_number_of_arguments():
    """grad(f) has f's own signature, so a bad call fails like calling f would:
    a TypeError naming the function and the parameter."""
    with pytest.raises(TypeError) as info:
        srcdiff.grad(E.two_params, wrt="x")(1.0)
    assert "two_params" in str(info.value) and "'y'" in str(info.value)
    with pytest.raises(TypeError, match="two_params"):
        srcdiff.grad(E.two_params, wrt="x")(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="two_params"):
        srcdiff.grad(E.two_params, wrt="x")(1.0, z=2.0)


def test_all_errors_derive_from_srcdiff_error():
    for cls in (
        UnsupportedSyntaxError,
        NoRuleError,
        WrtError,
        SourceUnavailableError,
        ArgumentError,
        srcdiff.NonScalarOutputError,
        srcdiff.GradientCheckError,
    ):
        assert issubclass(cls, SrcDiffError)
    assert issubclass(SrcDiffError, Exception)


def test_gradient_check_error():
    # a wrong registered gradient would show up as GradientCheckError; here the function
    # is not smooth at the point, so check_grad must disagree and say so
    with pytest.raises(srcdiff.GradientCheckError) as info:
        srcdiff.check_grad(cf.cond_chain, 2.0)
    msg = str(info.value)
    assert "cond_chain" in msg and "hint: " in msg
    assert isinstance(info.value, AssertionError)


def _ratio(x, y):
    return x / y


def _root(x):
    return math.sqrt(x)


@pytest.mark.parametrize(
    "call",
    [
        lambda: srcdiff.grad(_ratio)(1.0, 0.0),
        lambda: srcdiff.grad(_ratio)(1.0, 0.0),  # again: the dispatcher's cached line
        lambda: srcdiff.grad(_ratio, mode="forward")(1.0, 0.0),
        lambda: srcdiff.value_and_grad(_ratio)(1.0, 0.0),
        lambda: srcdiff.jvp(_ratio, (1.0, 0.0), (1.0, 0.0)),
        lambda: srcdiff.hessian(_ratio)(1.0, 0.0),
    ],
)
def test_an_error_of_the_function_itself_is_its_own_not_a_domain_error(call):
    # f(1, 0) raises ZeroDivisionError itself: the user gets that, as from calling f
    with pytest.raises(ZeroDivisionError) as info:
        call()
    assert not isinstance(info.value, srcdiff.SrcDiffError)


def test_a_derivative_that_fails_where_the_function_does_not_is_a_domain_error():
    assert _root(0.0) == 0.0
    for mode in ("reverse", "forward"):
        with pytest.raises(srcdiff.DomainError, match="0.5 / out"):
            srcdiff.grad(_root, mode=mode)(0.0)


@pytest.mark.parametrize(
    "func, what",
    [(E.returns_a_list, "returns a list or tuple"), (E.returns_a_string, "other than a number")],
)
def test_grad_of_a_list_or_a_string_is_refused_by_name(func, what):
    """(grad of `return [x * 2.0]` compiled `dx = 1.0[0]` and failed at run time; of a
    string it was 0.0, in both modes)"""
    with pytest.raises(srcdiff.NonScalarOutputError, match=what) as info:
        srcdiff.grad(func)(1.5)
    assert "jacobian" in info.value.hint
    with pytest.raises(srcdiff.NonScalarOutputError, match="jacobian"):
        srcdiff.grad(func, mode="forward")(1.5)


def complex_literal(x):
    z = x * (1.0 + 2.0j)
    return (z * z).real


def complex_meets_differentiated(r, z, n):
    for _ in range(n):
        z = z * z * 0.5 + r
    return z.real


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_complex_values_on_the_way_are_refused(mode):
    """Real values only: a complex literal made reverse mode's gradient complex (its
    imaginary part meaningless: 3.91-1.88j) and forward mode crash in float()."""
    with pytest.raises(UnsupportedSyntaxError, match="a complex number") as info:
        srcdiff.grad(complex_literal, mode=mode)(0.7)
    assert "1.0 + 2.0j" in str(info.value) and "two real values" in info.value.hint
    with pytest.raises(ArgumentError, match="'z' is a complex value"):
        srcdiff.grad(complex_meets_differentiated, wrt="r", mode=mode)(0.3, 0.9 - 0.1j, 6)
    with pytest.raises(ArgumentError, match="'z' is a complex value"):
        srcdiff.jvp(complex_meets_differentiated, (0.3, 0.9 - 0.1j, 6), (1.0, None, None))


def complex_by_hand(r, a, b, n):
    for _ in range(n):  # z = z * z * 0.5 + r, with z = a + b*i
        a, b = (a * a - b * b) * 0.5 + r, a * b
    return a


def test_the_complex_hint_followed_is_differentiated():
    z = 0.9 - 0.1j
    for _ in range(6):
        z = z * z * 0.5 + 0.3
    assert complex_by_hand(0.3, 0.9, -0.1, 6) == pytest.approx(z.real)
    h = 1e-6
    fd = (complex_by_hand(0.3 + h, 0.9, -0.1, 6) - complex_by_hand(0.3 - h, 0.9, -0.1, 6)) / (2 * h)
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(complex_by_hand, wrt="r", mode=mode)(
            0.3, 0.9, -0.1, 6
        ) == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_call_for_its_effects_given_a_differentiated_value_has_a_hint_that_works(mode):
    """(`ax.plot(y)` was refused with advice about building lists; the advice now is
    stop_gradient where the call only reads its arguments, and it works)"""
    for func, snippet in (
        (E.plots_while_computing, "ax.plot(y)"),
        (E.calls_back_while_computing, "callback(y)"),
    ):
        with pytest.raises(UnsupportedSyntaxError) as info:
            srcdiff.grad(func, wrt=0, mode=mode)(1.5, E.Recorder())
        assert_diagnostic(info.value, func, snippet, f"{snippet[:-3]} made for its side effects")
        assert "pass srcdiff.stop_gradient(y)" in str(info.value).splitlines()[-1]
    ax, seen = E.Recorder(), []
    assert srcdiff.grad(E.plots_a_stopped_value, mode=mode)(1.5, ax) == 3.0
    assert srcdiff.grad(E.calls_back_with_a_stopped_value, mode=mode)(1.5, seen.append) == 3.0
    assert [float(v) for v in ax.seen] == [2.25] and [float(v) for v in seen] == [2.25]


def test_a_library_call_that_changes_its_argument_is_not_told_to_stop_gradient():
    """(np.copyto(y, v) got the stop_gradient advice, which would lose the change)"""
    with pytest.raises(UnsupportedSyntaxError) as info:
        srcdiff.grad(E.copies_into_an_array)(np.array([1.5, 0.5]))
    hint = str(info.value).splitlines()[-1]
    assert "np.copyto may change y in place" in hint and "stop_gradient" not in hint
    x = np.array([1.5, 0.5])
    np.testing.assert_allclose(srcdiff.grad(E.copies_by_assignment)(x), 8 * x)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "make",
    [set, frozenset, iter, lambda ks: dict.fromkeys(ks).keys()],
    ids=["set", "frozenset", "iter", "keys"],
)
def test_an_argument_walked_but_not_indexable_is_refused_with_a_hint_that_works(make, mode):
    """(a set or an iterator passed in and looped over crashed inside generated code,
    which walks a sequence by position: 'set' object is not subscriptable)"""
    x = np.array([0.5, -1.0, 2.0, 0.3])
    with pytest.raises(ArgumentError, match="argument 'ks' is a") as info:
        srcdiff.grad(E.walks_indices, mode=mode)(x, make([0, 2]))
    assert "pass tuple(ks)" in info.value.hint
    got = srcdiff.grad(E.walks_indices, mode=mode)(x, tuple(make([0, 2])))
    np.testing.assert_allclose(got, [1.0, 0.0, 4.0, 0.0])
    if make is not iter:  # only tested for membership: passed on as it is
        got = srcdiff.grad(E.tests_membership, mode=mode)(x, make([0, 2]))
        np.testing.assert_allclose(got, [1.0, 0.0, 4.0, 0.0])

"""srcdiff's one finite-difference implementation, and check_grad's report.

* `numeric_grad` (srcdiff.runtime.fd) against known derivatives, with asserted
  accuracy, for float64 and float32 inputs, lists, tuples and keyword arguments,
  and never touching the caller's arguments;
* check_grad's report as text, as an HTML table (escaped) and as a short repr;
* check_grad catching a wrong registered rule, naming the parameter;
* check_grad, `srcdiff check` and emitted build tests all use that one function.
"""

from __future__ import annotations

import ast
import html.parser
import inspect
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

import srcdiff
from srcdiff import cli
from srcdiff.api import check
from srcdiff.api.check import CheckReport, CheckRow
from srcdiff.runtime import fd
from srcdiff.runtime.fd import numeric_grad

SAMPLE_TESTS = Path(__file__).resolve().parents[1] / "samples/build_demo/tests/test_model_grad.py"

PLAIN, RICHARDSON = 1e-9, 1e-11  # asserted accuracy, relative to max(1, |derivative|)


def _err(got, want):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    return float(
        np.max(np.abs(got - want), initial=0.0) / max(1.0, float(np.max(np.abs(want), initial=0.0)))
    )


def _random(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# -- numeric_grad against known derivatives ------------------------------------------------


@pytest.mark.parametrize("x", [0.0, 0.3, -1.7, 25.0, 1e3])
def test_polynomial(x):
    def f(x):
        return 3 * x**4 - 2 * x**2 + x - 7

    exact = 12 * x**3 - 4 * x + 1
    g = numeric_grad(f, (x,), 0)
    assert type(g) is float
    assert _err(g, exact) < PLAIN
    assert _err(numeric_grad(f, (x,), 0, richardson=True), exact) < RICHARDSON


def test_sin_of_an_array_of_any_shape():
    for shape in [(5,), (3, 4), (2, 2, 3), ()]:
        x = np.linspace(-3.0, 3.0, math.prod(shape)).reshape(shape)
        g = numeric_grad(lambda x: np.sum(np.sin(x)), (x,), 0)
        assert isinstance(g, np.ndarray) and g.shape == shape and g.dtype == np.float64
        assert _err(g, np.cos(x)) < PLAIN
        assert (
            _err(numeric_grad(lambda x: np.sum(np.sin(x)), (x,), 0, richardson=True), np.cos(x))
            < RICHARDSON
        )


@pytest.mark.parametrize(
    "name", ["trace(A @ A)", "log|det A|", "v' A v (w.r.t. A)", "v' A v (w.r.t. v)", "sum(inv(A))"]
)
def test_matrix_functions(name):
    a = _random((4, 4)) + 4 * np.eye(4)
    v = _random(4, seed=1)
    inv = np.linalg.inv(a)
    func, args, index, exact = {
        "trace(A @ A)": (lambda a: np.trace(a @ a), (a,), 0, 2 * a.T),
        "log|det A|": (lambda a: np.linalg.slogdet(a)[1], (a,), 0, inv.T),
        "v' A v (w.r.t. A)": (lambda v, a: v @ a @ v, (v, a), 1, np.outer(v, v)),
        "v' A v (w.r.t. v)": (lambda v, a: v @ a @ v, (v, a), 0, (a + a.T) @ v),
        "sum(inv(A))": (
            lambda a: np.sum(np.linalg.inv(a)),
            (a,),
            0,
            -(inv.T @ np.ones((4, 4)) @ inv.T),
        ),
    }[name]
    assert _err(numeric_grad(func, args, index), exact) < PLAIN
    assert _err(numeric_grad(func, args, index, richardson=True), exact) < RICHARDSON


def test_richardson_is_more_accurate_on_a_steep_function():
    def f(x):
        return math.exp(3 * x)

    exact = 3 * math.exp(6.0)
    plain, extrapolated = (
        _err(numeric_grad(f, (2.0,)), exact),
        _err(numeric_grad(f, (2.0,), richardson=True), exact),
    )
    assert extrapolated < RICHARDSON < plain < PLAIN


def test_float32_inputs_are_differenced_in_float64():
    x32 = _random((2, 3)).astype(np.float32)
    x = x32.astype(np.float64)  # the point the float32 array denotes

    def f(x):
        return np.sum(np.sin(x) * x**3)

    exact = np.cos(x) * x**3 + 3 * np.sin(x) * x**2
    g = numeric_grad(f, (x32,), 0)
    assert g.dtype == np.float64 and g.shape == (2, 3)
    assert _err(g, exact) < PLAIN
    assert _err(numeric_grad(f, (x32,), 0, richardson=True), exact) < RICHARDSON
    assert x32.dtype == np.float32 and np.array_equal(x32.astype(np.float64), x)
    # differencing in float32 would be hopeless: the step is below float32's resolution
    up, down = x32.copy(), x32.copy()
    up[0, 0] += np.float32(6e-6)
    down[0, 0] -= np.float32(6e-6)
    naive = (f(up) - f(down)) / (up[0, 0] - down[0, 0])
    assert _err(naive, exact[0, 0]) > 1e3 * PLAIN
    # a float32 scalar too
    s = np.float32(0.7)
    gs = numeric_grad(lambda x: x**3, (s,))
    assert type(gs) is float and _err(gs, 3 * float(s) ** 2) < PLAIN


def test_lists_tuples_and_keyword_arguments():
    def f(xs, c):
        return sum(x**2 for x in xs) * c

    g = numeric_grad(f, ([1.0, -2.0, 0.5], 3.0), 0)
    assert type(g) is list and all(type(v) is float for v in g)
    assert _err(g, [6.0, -12.0, 3.0]) < PLAIN
    g = numeric_grad(f, ((1.0, 2.0), 3.0), 0)
    assert type(g) is tuple and _err(g, [6.0, 12.0]) < PLAIN
    assert _err(numeric_grad(f, {"xs": [1.0, 2.0], "c": 3.0}, "c"), 5.0) < PLAIN
    # a list of arrays: each item an array again, gradient shaped like the list
    arrays = [np.array([1.0, 2.0]), np.array([3.0, -1.0])]
    g = numeric_grad(lambda xs: float(np.sum(xs[0] * xs[1])), (arrays,), 0)
    assert type(g) is list and all(isinstance(v, np.ndarray) for v in g)
    assert _err(g, [arrays[1], arrays[0]]) < PLAIN
    # an integer argument is differentiated as a float
    assert _err(numeric_grad(lambda n: n**2, (3,)), 6.0) < PLAIN


def test_the_callers_arguments_are_never_touched():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([0.5, -1.0, 2.0])
    items = [1.0, 2.0]
    before = (x.copy(), y.copy(), list(items))

    def f(x, y, items):
        y *= 2.0  # changes its arguments in place
        x[0] += 1.0
        items.append(0.0)
        return float(np.sum(x * y)) + sum(items)

    g = numeric_grad(f, (x, y, items), 0)
    # every evaluation saw fresh copies: d/dx of sum(x * 2 y) is 2 y
    assert _err(g, 2 * before[1]) < PLAIN
    assert _err(numeric_grad(f, (x, y, items), 1), 2 * (before[0] + [1.0, 0.0, 0.0])) < PLAIN
    assert np.array_equal(x, before[0]) and np.array_equal(y, before[1])
    assert items == before[2]


def test_a_function_that_is_not_scalar_is_refused():
    with pytest.raises(TypeError, match="scalar"):
        numeric_grad(lambda x: x * 2.0, (np.ones(3),))


# -- check_grad's report -------------------------------------------------------------------


def _seed(x, y):
    return x**2 * y + y + 2


def _cubes(w):
    return np.sum(w**3)


class _Table(html.parser.HTMLParser):
    """The cells of an HTML table, and its caption."""

    def __init__(self, text):
        super().__init__()
        self.rows, self.caption, self._in = [], "", None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th", "caption"):
            self._in = tag
            if tag != "caption":
                self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption"):
            self._in = None

    def handle_data(self, data):
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.rows[-1][-1] += data


def test_report_as_text_html_and_repr():
    report = srcdiff.check_grad(_seed, 3.0, 4.0, wrt=(0, 1))
    assert isinstance(report, CheckReport) and report.passed and report.failures == []
    assert [r.parameter for r in report.rows] == ["x", "y"]
    assert [r.analytic for r in report.rows] == [24.0, 10.0]
    assert [r.numeric for r in report.rows] == pytest.approx([24.0, 10.0], rel=1e-9)
    assert report.max_abs_error < 1e-8 and report.max_rel_error < 1e-9

    text = str(report)
    lines = text.splitlines()
    assert lines[0].startswith("gradient check of _seed: passed (rtol=1e-05, atol=1e-07)")
    assert lines[1].split() == [
        "parameter",
        "analytic",
        "numeric",
        "abs",
        "error",
        "rel",
        "error",
        "status",
    ]
    assert lines[3].split()[:2] == ["x", "24"] and lines[3].split()[-1] == "ok"
    assert lines[4].split()[:2] == ["y", "10"] and lines[4].split()[-1] == "ok"

    table = _Table(report._repr_html_())
    assert "gradient check of _seed: passed" in table.caption
    assert table.rows[0] == list(check.COLUMNS)
    assert [row[0] for row in table.rows[1:]] == ["x", "y"]
    assert [float(row[1]) for row in table.rows[1:]] == [24.0, 10.0]
    assert [float(row[2]) for row in table.rows[1:]] == pytest.approx([24.0, 10.0], rel=1e-9)
    assert [row[-1] for row in table.rows[1:]] == ["ok", "ok"]

    short = repr(report)
    assert "\n" not in short and len(short) < 100
    assert short.startswith("<CheckReport _seed: passed, 2 entries")


def test_report_of_an_array_names_elements():
    w = np.arange(6.0).reshape(2, 3)
    report = srcdiff.check_grad(_cubes, w)
    assert [r.parameter for r in report.rows] == [
        f"w[{i}, {j}]" for i in range(2) for j in range(3)
    ]
    assert [r.analytic for r in report.rows] == (3 * w**2).ravel().tolist()
    assert "w[1, 2]" in str(report) and "<td>w[1, 2]</td>" in report._repr_html_()


def test_html_is_escaped_and_failures_are_marked():
    rows = [CheckRow("a<b>&c", 1.0, 1.0, 0.0, 0.0, True), CheckRow("x", 2.0, 1.0, 1.0, 1.0, False)]
    report = CheckReport("<lambda>", rows, 1e-5, 1e-7)
    assert not report.passed and report.failures == ["x"]
    page = report._repr_html_()
    assert "<lambda>" not in page and "&lt;lambda&gt;" in page
    assert "a<b>" not in page and "a&lt;b&gt;&amp;c" in page
    table = _Table(page)
    assert table.rows[1][0] == "a<b>&c"  # the text a browser shows
    assert [row[-1] for row in table.rows[1:]] == ["ok", "FAIL"]
    assert "FAILED for x" in table.caption and "FAILED for x" in str(report)
    assert "FAILED for x" in repr(report)


def test_long_reports_show_the_worst_rows():
    rows = [CheckRow(f"w[{k}]", 1.0, 1.0, 0.0, 0.0, True) for k in range(100)]
    rows[77] = CheckRow("w[77]", 2.0, 1.0, 1.0, 1.0, False)
    report = CheckReport("f", rows, 1e-5, 1e-7)
    shown = report.shown_rows()
    assert len(shown) == CheckReport.MAX_ROWS and rows[77] in shown
    assert shown == sorted(shown, key=lambda r: int(r.parameter[2:-1]))  # in order
    assert "w[77]" in str(report) and "60 of 100 entries not shown" in str(report)
    assert "60 of 100 entries not shown" in report._repr_html_()


# -- check_grad catches a wrong registered rule --------------------------------------------


def _opaque(x):
    return math.sin(x) * x


# deliberately wrong: d/dx sin(x) x is cos(x) x + sin(x)
srcdiff.register_rule(_opaque, "x", partials={"x": "cos(x) * x"}, namespace={"cos": math.cos})


def _uses_opaque(a, b):
    return _opaque(a) + b * b


def test_check_grad_catches_a_wrong_registered_rule():
    with pytest.raises(srcdiff.GradientCheckError) as info:
        srcdiff.check_grad(_uses_opaque, 0.7, 1.3, wrt=(0, 1))
    message = str(info.value)
    assert "_uses_opaque disagrees with finite differences for a " in message
    report = info.value.report
    assert report.failures == ["a"] and not report.passed
    row_a, row_b = report.rows
    assert row_a.analytic == pytest.approx(math.cos(0.7) * 0.7)  # what the rule says
    assert row_a.numeric == pytest.approx(math.cos(0.7) * 0.7 + math.sin(0.7), rel=1e-8)
    assert row_b.ok and row_b.analytic == pytest.approx(2.6)
    assert "FAIL" in _Table(report._repr_html_()).rows[1]


def _keyword_only(x, y=2.0, *, scale=1.0, shift=0.0):
    return scale * x * x * y + shift * y


def test_check_grad_takes_keyword_arguments_for_keyword_only_parameters():
    """(check_grad had no way to pass a keyword-only parameter, and `srcdiff check`
    passed every value by position: a TypeError from inside srcdiff)"""
    report = srcdiff.check_grad(_keyword_only, 3.0, wrt=("x", "scale", "shift"), scale=0.5)
    analytic = {row.parameter: row.analytic for row in report.rows}
    assert analytic == pytest.approx({"x": 2 * 0.5 * 3.0 * 2.0, "scale": 18.0, "shift": 2.0})
    assert report.passed  # scale=0.5 reached both the gradient and finite differences


# -- one implementation everywhere ---------------------------------------------------------


def test_check_grad_uses_the_runtime_implementation(monkeypatch):
    assert check.numeric_grad is fd.numeric_grad
    calls = []

    def spy(func, args, index, **kw):
        calls.append(index)
        return fd.numeric_grad(func, args, index, **kw)

    monkeypatch.setattr(check, "numeric_grad", spy)
    srcdiff.check_grad(_seed, 3.0, 4.0, wrt=(0, 1))
    assert calls == [0, 1]


_CLI_MODULE = textwrap.dedent("""
    import math

    import srcdiff


    def opaque(x):
        return math.sin(x) * x


    srcdiff.register_rule(opaque, "x", partials={"x": "cos(x) * x"},
                          namespace={"cos": math.cos})


    def good(x, y):
        return x ** 2 * y + y


    def bad(a, b):
        return opaque(a) + b * b
""")


def test_the_cli_check_uses_the_same_function(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cli_target.py"
    path.write_text(_CLI_MODULE)
    calls = []

    def spy(func, args, index, **kw):
        calls.append((func.__name__, index))
        return fd.numeric_grad(func, args, index, **kw)

    monkeypatch.setattr(check, "numeric_grad", spy)

    assert cli.main(["check", f"{path}:good", "--at", "x=3.0, y=4.0"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert calls == [("good", 0), ("good", 1)]
    assert "gradient check of good: passed" in out and "parameter" in out
    assert "OK: srcdiff agrees with finite differences" in out

    calls.clear()
    assert cli.main(["check", f"{path}:bad", "--at", "a=0.7, b=1.3"]) == cli.EXIT_MISMATCH
    err = capsys.readouterr().err
    assert calls == [("bad", 0), ("bad", 1)]
    assert "disagrees with finite differences for a " in err and "FAIL" in err


def test_emitted_build_tests_carry_a_copy_of_it():
    """The committed sample's emitted test file (tests/test_build.py keeps it up to date):
    the runtime's functions verbatim, called by the checks, and no srcdiff import."""
    text = SAMPLE_TESTS.read_text()
    for func in (fd.numeric_grad, fd._fd_call, fd._fd_fresh, fd._fd_like):
        assert inspect.getsource(func) in text
    assert "numeric_grad(f, point, name)" in text
    tree = ast.parse(text)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "srcdiff" for name in imported)
    assert sum(isinstance(n, ast.FunctionDef) and n.name == "numeric_grad" for n in tree.body) == 1

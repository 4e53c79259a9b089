"""srcdiff.compare (srcdiff/api/compare.py) and its report (compare_report.py): the
numbers in every row, the lessons computed from them, the text and HTML views.

The symbolic row comes from `grad(f, mode="symbolic")`: where srcdiff has that mode and
the function is a formula, it is exact; otherwise the row is n/a with the reason.  The
tests accept either for the seed (so they hold with and without symbolic mode), and
require n/a for NumPy code, which symbolic mode doesn't take."""

import math
import re

import numpy as np
import pytest

import srcdiff
from srcdiff.api.compare_report import Comparison

TIMES = 0.02  # time budget: the tests check the numbers, not the speed


def seed(x, y):
    return x**2 * y + y + 2


def wiggle(x):
    return math.exp(x) * math.sin(1 / x)


def sum_of_squares(w):
    return np.sum(w**2)


@pytest.fixture(scope="module")
def report():
    return srcdiff.compare(seed, 3.0, 4.0, time_budget=TIMES)


def test_rows_in_order(report):
    assert isinstance(report, Comparison)
    assert [r.name for r in report.rows] == [
        "symbolic",
        "forward differences, best step",
        "forward differences, sqrt(eps) step",
        "central differences, best step",
        "central differences, cbrt(eps) step",
        "forward mode",
        "reverse mode",
    ]
    assert report.labels == ["x", "y"] and report.n == 2


def test_symbolic_row_is_exact_or_says_why_not(report):
    row = report.row("symbolic")
    if row.available:
        np.testing.assert_allclose(row.values, [24.0, 10.0], rtol=1e-12, atol=0)
        assert row.reference and report.reference == "symbolic"
    else:
        assert row.reason and row.values is None and row.abs_error is None
        assert report.reference == "reverse mode" and report.row("reverse mode").reference


def test_forward_and_reverse_mode_are_exact(report):
    for name in ("forward mode", "reverse mode"):
        row = report.row(name)
        np.testing.assert_allclose(row.values, [24.0, 10.0], rtol=1e-12, atol=0)
        assert row.abs_error <= 1e-12 * 24 and row.rel_error <= 1e-12
    np.testing.assert_allclose(report.exact, [24.0, 10.0], rtol=1e-12, atol=0)


def test_finite_differences_at_their_best_step(report):
    for scheme in ("forward", "central"):
        best = report.row(f"{scheme} differences, best step")
        assert best.rel_error < 1e-8
        assert best.step in report.sweep.scales
        np.testing.assert_allclose(best.values, [24.0, 10.0], rtol=1e-7)
        # the best step is the sweep's minimum, and no worse than the textbook step
        errs = report.errors_by_step(scheme)
        assert best.rel_error == min(errs)
        other = report.row(
            f"{scheme} differences, {'sqrt' if scheme == 'forward' else 'cbrt'}(eps) step"
        )
        assert best.rel_error <= other.rel_error


def test_textbook_steps(report):
    eps = np.finfo(float).eps
    fwd = report.row("forward differences, sqrt(eps) step")
    cen = report.row("central differences, cbrt(eps) step")
    assert fwd.step == pytest.approx(eps**0.5) and cen.step == pytest.approx(eps ** (1 / 3))
    # their values, recomputed by hand: h = step * max(1, |x|)
    h = fwd.step * 3.0
    assert fwd.values[0] == ((3.0 + h) ** 2 * 4 + 4 + 2 - 42.0) / ((3.0 + h) - 3.0)
    assert 1e-10 < fwd.rel_error < 1e-7  # forward differences: about sqrt(eps)
    assert cen.rel_error < 1e-10  # central: about eps ** (2/3)


def test_evaluation_counts(report):
    counts = {r.name: r.evaluations for r in report.rows}
    assert counts["forward differences, best step"] == 3  # n + 1
    assert counts["central differences, best step"] == 4  # 2n
    assert counts["forward mode"] == 2  # n
    assert counts["reverse mode"] == 2  # 1 + 1
    assert report.row("central differences, best step").cost == "2n = 4"
    assert report.row("reverse mode").cost == "1+1 = 2"


def test_times_are_measured(report):
    for row in report.rows:
        if row.available:
            assert row.seconds is not None and 0 < row.seconds < 0.1


def test_lessons_state_the_measured_figures(report):
    lessons = report.lessons()
    text = "\n".join(lessons)
    for scheme, textbook in (("forward", "sqrt(eps)"), ("central", "cbrt(eps)")):
        best = report.row(f"{scheme} differences, best step")
        book = report.row(f"{scheme} differences, {textbook} step")
        line = next(ln for ln in lessons if ln.startswith(f"{scheme} differences: best"))
        assert f"best relative error {_e(best.rel_error)} at h = {best.step:.0e}" in line
        assert f"{_e(book.rel_error)} at the textbook h = {textbook}" in line
        assert f"{best.cost} evaluations" in line
    assert "forward mode: relative error 0 (exact); n = 2 passes" in text
    assert "reverse mode:" in text and "1+1 = 2 passes" in text
    # the V of the forward differences: the error at the largest and the smallest step
    errs = report.errors_by_step("forward")
    assert f"relative error {_e(errs[0])} at h = 1e-01 (truncation)" in text
    assert f"back up to {_e(errs[-1])} at h = 1e-13 (rounding)" in text
    assert re.search(r"time per derivative: \w+ mode fastest at [\d.]+ [nmu]?s", text)
    assert text in str(report)


def _e(x):
    return "0" if x == 0 else f"{x:.2g}"


def test_text_table(report):
    text = str(report)
    lines = text.splitlines()
    assert lines[0].startswith("the four ways to a derivative of seed at x=3, y=4 (n = 2;")
    assert lines[1].split()[:3] == ["method", "x", "y"]
    reverse = next(ln for ln in lines if ln.startswith("reverse mode"))
    cells = reverse.replace(" (reference)", "").split()
    assert cells[2:9] == ["24", "10", "0", "0", "1+1", "=", "2"]
    central = next(ln for ln in lines if ln.startswith("central diff., h=cbrt(eps)"))
    assert central.split()[3:5] == ["24", "9.99999999998167"]
    if not report.row("symbolic").available:
        symbolic = next(ln for ln in lines if ln.startswith("symbolic"))
        assert f"n/a: {report.row('symbolic').reason}" in symbolic
    assert repr(report).startswith("<Comparison seed at x=3, y=4: 7 rows")


def test_html(report):
    page = report._repr_html_()
    assert page.startswith('<div class="srcdiff-comparison"><table>')
    assert page.count("<tr>") == 1 + len(report.rows)
    assert "<th>x</th><th>y</th>" in page and "1+1 = 2" in page
    assert "<caption>the four ways to a derivative of seed" in page
    assert page.count("<li>") == len(report.lessons())


def test_an_unknown_row_name():
    r = srcdiff.compare(wiggle, 0.3, time_budget=TIMES)
    with pytest.raises(KeyError, match="no row 'backward'; rows: symbolic"):
        r.row("backward")


def test_numpy_code_has_no_symbolic_row_and_arrays_work():
    w = np.linspace(-1.0, 1.0, 7)
    keep = w.copy()
    r = srcdiff.compare(sum_of_squares, w, time_budget=TIMES)
    np.testing.assert_array_equal(w, keep)  # never changed
    sym = r.row("symbolic")
    assert not sym.available and sym.reason
    assert r.reference == "reverse mode"
    assert r.labels == [f"w[{i}]" for i in range(7)]
    np.testing.assert_allclose(r.row("forward mode").values, 2 * w, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r.exact, 2 * w, rtol=1e-12, atol=1e-15)
    assert r.row("central differences, best step").rel_error < 1e-8
    counts = [
        r.row(n).evaluations
        for n in (
            "forward differences, best step",
            "central differences, best step",
            "forward mode",
            "reverse mode",
        )
    ]
    assert counts == [8, 14, 7, 2]
    text = str(r)
    assert "(7 entries: values not shown" in text and "w=<array of shape (7,)>" in text
    assert "n/a:" in text.splitlines()[3]
    assert f"symbolic: n/a here ({sym.reason})" in text


def test_several_scalars_and_an_array_together():
    def f(a, w, b):
        return a * np.sum(np.sin(w)) + b**3

    w = np.array([0.1, 0.2])
    r = srcdiff.compare(f, 2.0, w, 0.5, wrt=("a", "w", "b"), time_budget=TIMES)
    exact = [np.sum(np.sin(w)), 2 * np.cos(0.1), 2 * np.cos(0.2), 3 * 0.25]
    np.testing.assert_allclose(r.row("reverse mode").values, exact, rtol=1e-12)
    np.testing.assert_allclose(r.row("forward mode").values, exact, rtol=1e-12)
    assert r.labels == ["a", "w[0]", "w[1]", "b"]
    assert r.row("forward differences, best step").evaluations == 5
    assert r.row("central differences, best step").rel_error < 1e-9


def test_wrt_chooses_parameters_and_defaults_are_floats_and_not_counts():
    def f(x, n=3, scale=2.0):
        total = 0.0
        for _ in range(n):
            total = total + scale * x * x
        return total

    r = srcdiff.compare(f, 1.5, time_budget=TIMES)
    assert r.labels == ["x", "scale"]  # n is a count
    np.testing.assert_allclose(r.exact, [3 * 2 * 2.0 * 1.5, 3 * 1.5**2], rtol=1e-12)
    r = srcdiff.compare(f, 1.5, wrt="x", time_budget=TIMES)
    assert r.labels == ["x"] and r.point == {"x": 1.5, "n": 3, "scale": 2.0}


def test_keyword_only_parameters():
    def f(x, *, k):
        return k * x**2

    r = srcdiff.compare(f, 2.0, k=3.0, wrt="x", time_budget=TIMES)
    np.testing.assert_allclose(r.exact, [12.0], rtol=1e-12)
    assert r.row("central differences, best step").rel_error < 1e-9


def test_bad_arguments_are_clear_errors():
    with pytest.raises(
        srcdiff.WrtError, match="seed has no parameter 'z'; its parameters are: x, y"
    ):
        srcdiff.compare(seed, 3.0, 4.0, wrt="z")
    with pytest.raises(srcdiff.ArgumentError, match=r"do not match seed\(x, y\)"):
        srcdiff.compare(seed, 3.0)

    def counts(k):
        return np.sum(k) * 2.0

    with pytest.raises(srcdiff.WrtError, match="no argument to differentiate"):
        srcdiff.compare(counts, np.arange(3))  # integer arrays carry no derivative


def test_a_function_no_mode_can_differentiate_raises_its_error():
    def f(x):
        try:
            return x * 2.0
        except ValueError:
            return 0.0

    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="try"):
        srcdiff.compare(f, 1.0)


def test_steps_where_f_fails_give_nan_and_a_note():
    """log(x) at 0.05: x - h is negative at h = 0.1, so that central estimate is nan;
    the other steps still work, and the best is found among them."""

    def f(x):
        return math.log(x) * x

    r = srcdiff.compare(f, 0.05, time_budget=TIMES)
    central = r.sweep.estimates["central"]
    assert np.isnan(central[0, 0]) and np.isfinite(central[1:, 0]).all()
    assert np.isfinite(r.sweep.estimates["forward"]).all()
    assert r.failures == ["x near 0.05 (h = 1e-01): ValueError: math domain error"]
    best = r.row("central differences, best step")
    assert best.rel_error < 1e-9 and best.step != 0.1
    text = str(r)
    assert "f failed at 1 of the points tried, whose estimates are nan" in text
    first = _e(r.errors_by_step("central")[1])  # the largest step that worked
    assert f"central differences' V: relative error {first} at h = 1e-02 (truncation)" in text


def test_a_count_in_wrt_is_not_a_crash():
    """n is a count (range(n)): AD gives 0, finite differences can't move it."""

    def f(x, n):
        t = 0.0
        for _ in range(n):
            t = t + x * x
        return t

    r = srcdiff.compare(f, 1.5, 3, wrt=("x", "n"), time_budget=TIMES)
    np.testing.assert_array_equal(r.exact, [9.0, 0.0])
    assert r.point["n"] == 3
    assert np.isnan(r.row("central differences, best step").values[1])
    assert "TypeError" in r.failures[0] and "n near 3" in r.failures[0]
    assert "no step gave an estimate of every entry" in str(r)


def test_the_functions_own_error_is_raised():
    """f fails at the point itself (x / y at y = 0): the error calling f raises."""

    def f(x, y):
        return x / y

    with pytest.raises(ZeroDivisionError):
        srcdiff.compare(f, 1.0, 0.0)


def test_no_exact_value_raises_reverse_modes_error():
    """sqrt at 0: every AD mode refuses (DomainError), so there is nothing to measure the
    finite differences against: the error reverse mode raised is raised."""

    def f(x):
        return math.sqrt(x)

    with pytest.raises(srcdiff.DomainError):
        srcdiff.compare(f, 0.0)


def test_import_leaves_sympy_and_matplotlib_unloaded():
    import subprocess
    import sys

    code = "import sys, srcdiff; print('sympy' in sys.modules, 'matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False"], done.stderr

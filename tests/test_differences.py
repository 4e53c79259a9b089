"""srcdiff/api/differences.py: finite differences at a sweep of steps, and the errors
`srcdiff.compare` reports, checked against derivatives known in closed form."""

import math

import numpy as np
import pytest

from srcdiff.api.differences import (
    EPS,
    SCALES,
    TEXTBOOK,
    absolute_error,
    difference,
    entries,
    evaluations,
    relative_error,
    sweep,
)


def seed(x, y):
    return x**2 * y + y + 2


class Counting:
    """A function that counts its calls."""

    def __init__(self, func):
        self.func, self.calls = func, 0

    def __call__(self, *args):
        self.calls += 1
        return self.func(*args)


def test_entries_of_numbers_and_arrays():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    found = entries(("w", "b"), ["w", "b", "c"], (w, 0.5, 7))
    assert [e.label for e in found] == ["w[0, 0]", "w[0, 1]", "w[1, 0]", "w[1, 1]", "b"]
    assert [e.value for e in found] == [1.0, 2.0, 3.0, 4.0, 0.5]
    assert [e.position for e in found] == [0, 0, 0, 0, 1]


def seed_numpy(x, y):  # returns np.float64, not float
    return np.float64(x) ** 2 * y + y + 2


@pytest.mark.parametrize("func", [seed, seed_numpy])
@pytest.mark.parametrize("scheme, expected", [("forward", 3), ("central", 4)])
def test_evaluation_counts_are_what_the_report_says(scheme, expected, func):
    f = Counting(func)
    items = entries(("x", "y"), ["x", "y"], (3.0, 4.0))
    d = difference(f, (3.0, 4.0), items, scheme, 1e-6)
    assert f.calls == expected == evaluations(scheme, 2)
    np.testing.assert_allclose(d, [24.0, 10.0], rtol=1e-5)


def test_forward_differences_have_first_order_truncation_error():
    """(f(x+h) - f(x)) / h = 2xy + y h for the seed's x: the error is y h exactly."""
    items = entries(("x",), ["x", "y"], (3.0, 4.0))
    for scale in (1e-1, 1e-2, 1e-3):
        h = scale * 3.0
        (d,) = difference(seed, (3.0, 4.0), items, "forward", scale)
        assert d == pytest.approx(24.0 + 4.0 * h, rel=1e-9)


def test_central_differences_have_second_order_truncation_error():
    """For exp, the central estimate is e^x sinh(h)/h = e^x (1 + h^2/6 + ...)."""
    items = entries(("x",), ["x"], (0.5,))
    for scale in (1e-1, 1e-2):
        (d,) = difference(lambda x: math.exp(x), (0.5,), items, "central", scale)
        h = scale  # max(1, |x|) = 1
        assert d == pytest.approx(math.exp(0.5) * math.sinh(h) / h, rel=1e-10)
        assert abs(d - math.exp(0.5)) == pytest.approx(math.exp(0.5) * h * h / 6, rel=0.01)


def test_sweep_shows_the_v():
    """Large steps: truncation; tiny ones: rounding; the best lies between."""

    def f(x):
        return math.exp(x) * math.sin(1 / x)

    x = 0.3
    exact = np.array([math.exp(x) * (math.sin(1 / x) - math.cos(1 / x) / x**2)])
    found = sweep(f, (x,), entries(("x",), ["x"], (x,)))
    assert found.scales == SCALES and found.estimates["forward"].shape == (13, 1)
    for scheme in ("forward", "central"):
        errs = found.errors(scheme, exact)
        best = found.best(scheme, exact)
        assert 0 < best < len(SCALES) - 1
        assert errs[best] < 1e-6 and errs[0] > 1e-2 and errs[-1] > 1e-6
    # the textbook steps are near the best ones
    assert TEXTBOOK["forward"] == pytest.approx(math.sqrt(EPS))
    assert TEXTBOOK["central"] == pytest.approx(EPS ** (1 / 3))


def test_arrays_are_differenced_per_element_and_never_changed():
    w = np.array([0.5, -1.0, 2.0])
    keep = w.copy()
    items = entries(("w",), ["w"], (w,))
    d = difference(lambda v: np.sum(v**3), (w,), items, "central", 1e-5)
    np.testing.assert_allclose(d, 3 * w**2, rtol=1e-8)
    np.testing.assert_array_equal(w, keep)


def test_list_arguments_keep_their_form():
    seen = []

    def f(xs):
        seen.append(type(xs))
        return xs[0] * xs[1]

    items = entries(("xs",), ["xs"], ([2.0, 5.0],))
    d = difference(f, ([2.0, 5.0],), items, "central", 1e-6)
    np.testing.assert_allclose(d, [5.0, 2.0], rtol=1e-8)
    assert set(seen) == {list}


def test_errors_are_norm_wise():
    exact = np.array([24.0, 0.0])
    values = np.array([24.5, 0.25])
    assert absolute_error(values, exact) == 0.5
    assert relative_error(values, exact) == 0.5 / 24.0
    # every exact value 0: the absolute error
    assert relative_error(np.array([1e-3]), np.array([0.0])) == 1e-3


def test_a_function_with_an_array_result_is_refused():
    items = entries(("x",), ["x"], (1.0,))
    with pytest.raises(TypeError, match="scalar function"):
        difference(lambda x: np.array([x, x]), (1.0,), items, "central", 1e-3)

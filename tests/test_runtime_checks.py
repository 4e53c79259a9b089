"""A check in generated code where only the values can tell: `y[idx] = v` with an index
that repeats an element (NumPy keeps one of the values) is refused when it runs, with
the user's file, line and column, and a hint whose rewrite then works."""

import numpy as np
import pytest
from fdiff import fd_grad

import srcdiff
from tests import runtime_check_cases as C

X = np.array([1.0, 2.0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_repeated_index_is_refused_at_run_time_with_its_place_and_a_hint(mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(C.scatter, mode=mode)(X, np.array([0, 0]))
    message = str(info.value)
    assert "runtime_check_cases.py:9:5:" in message  # the line of y[idx] = x * 2.0
    lines = message.splitlines()
    assert lines[1] == "        y[idx] = x * 2.0"  # the line, and a caret under y
    assert lines[2] == "    " + " " * 4 + "^"
    assert "more than once" in message and info.value.hint
    assert "y[i[k]] += v[k]" in info.value.hint


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_distinct_indices_pass_the_check(mode):
    idx = np.array([2, 0])
    got = srcdiff.grad(C.scatter, mode=mode)(X, idx)
    assert np.allclose(got, fd_grad(C.scatter, (X, idx), 0), atol=1e-6)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_hints_rewrite_works_with_the_repeated_index(mode):
    idx = np.array([0, 0])
    got = srcdiff.grad(C.scatter_accumulated, mode=mode)(X, idx)
    want = fd_grad(C.scatter_accumulated, (X, idx), 0)
    assert np.allclose(got, want, atol=1e-6)
    assert np.allclose(got, [8.0 * X.sum(), 8.0 * X.sum()])  # y[0] = 2 (x0 + x1)

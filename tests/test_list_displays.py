"""Displays joined with `+` (`(a, b) + (c,)`) are one display, and list displays with
starred items (`[a, *xs]`, also inside `s.extend(...)`) are built by appends in the
display's order (compiler/displays.py): values and both modes' derivatives match Python
and finite differences."""

from __future__ import annotations

import display_cases as C
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

CASES = [
    C.joined_tuple_displays,
    C.joined_list_displays,
    C.joined_displays_in_an_expression,
    C.starred_in_a_display,
    C.extended_by_a_starred_display,
    C.extended_by_itself_starred,
    C.starred_array_rows,
    C.starred_list_of_arrays,
    C.starred_in_a_loop,
]
ARGS = (0.7, -1.3)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", CASES, ids=[f.__name__ for f in CASES])
def test_gradient_matches_finite_differences(func, mode):
    value, got = srcdiff.value_and_grad(func, wrt=(0, 1), mode=mode)(*ARGS)
    assert value == pytest.approx(func(*ARGS), rel=1e-12)
    for i in (0, 1):
        assert_close(got[i], fd_grad(func, ARGS, i), rtol=1e-6, atol=1e-9)

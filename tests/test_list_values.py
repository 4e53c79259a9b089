"""Lists as values (tests/list_cases.py) in reverse mode, forward mode and Hessians, against
finite differences.  Regressions: forward mode folded `dy = dacc[-1] * 2` past a later
`dacc.append(...)` (a silent wrong derivative: 7.0 for 6.2); reverse mode indexed the
adjoint of a list built by append like the final list (a crash, or the wrong item)."""

from __future__ import annotations

import list_cases as L
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

W = np.array([0.3, 0.8])
CASES = [
    (L.read_between_appends, (0.7,)),
    (L.recurrence, (0.6,)),
    (L.appended_then_sliced, (0.7,)),
    (L.extend_pop_index, (0.7,)),
    (L.list_comp_powers, (0.7,)),
    (L.list_of_arrays, (W,)),
    (L.comp_of_arrays, (W,)),
    (L.array_of_scalars, (0.5, 1.5)),
    (L.stack_only, (0.9,)),
]
IDS = [f.__name__ for f, _ in CASES]


@pytest.mark.parametrize("func, args", CASES, ids=IDS)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_matches_finite_differences(func, args, mode):
    got = srcdiff.grad(func, mode=mode)(*args)
    assert_close(got, fd_grad(func, args, 0), 1e-6, 1e-8, f"{mode} gradient")


@pytest.mark.parametrize("func, args", CASES, ids=IDS)
@pytest.mark.parametrize("how", ["forward-over-reverse", "reverse-over-reverse"])
def test_hessian_matches_finite_differences_of_the_gradient(func, args, how):
    h = srcdiff.hessian(func, mode=how)(*args)
    g = srcdiff.grad(func)

    def grad_array(*a):
        return np.asarray(g(*a), dtype=float)

    assert_close(h, fd_jacobian(grad_array, args, 0), 1e-5, 1e-7, "hessian")


def test_the_read_between_appends_is_the_item_it_was():
    # f = 2x + 3x^2: the read of acc[-1] happened when acc held x alone
    for mode in ("reverse", "forward"):
        assert srcdiff.grad(L.read_between_appends, mode=mode)(0.7) == pytest.approx(6.2)

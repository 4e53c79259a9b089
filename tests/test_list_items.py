"""What is read back out of a list built by append has the kind of what was put in
(analysis.list_items): numbers stay numbers -- no refusal meant for arrays, no
`unbroadcast` or `np.sum` in the generated code -- and arrays stay arrays, through
slices and copies passed to helpers (both were silent wrong gradients).  `xs.pop(i)`
takes its tangent from the same place and puts its adjoint back there (seq_insert)."""

from __future__ import annotations

import list_item_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

W = np.array([0.3, -0.8, 1.1])

CASES = [
    (C.numbers_appended, (0.7, 1.3)),
    (C.numbers_appended_in_a_loop, (0.7,)),
    (C.arrays_sliced_then_indexed, (W,)),
    (C.arrays_copied_to_a_helper, (W,)),
    (C.numbers_and_arrays, (W, 0.6)),
    (C.two_pops_in_one_expression, (0.7, 1.3)),
    (C.queue, (0.7,)),
    (C.pops_at_indices, (0.7,)),
    (C.pop_at_a_variable, (0.7, 1.3)),
    (C.arrays_popped_at_indices, (W,)),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func, args", CASES, ids=[c[0].__name__ for c in CASES])
def test_gradient_matches_finite_differences(func, args, mode):
    wrt = tuple(range(len(args)))
    got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
    for i in wrt:
        assert_close(got[i], fd_grad(func, args, i), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "func", [C.numbers_appended, C.numbers_appended_in_a_loop], ids=lambda f: f.__name__
)
def test_numbers_read_back_stay_numbers(func):
    args = (0.7, 1.3)[: func.__code__.co_argcount]
    text = srcdiff.source(func, wrt=tuple(range(len(args))), at=args)
    assert "unbroadcast" not in text and "np.sum" not in text, text
    got = srcdiff.grad(func, wrt=tuple(range(len(args))))(*args)
    assert all(type(g) is float for g in got)


HESSIAN_CASES = [C.numbers_appended_in_a_loop, C.queue, C.pops_at_indices]


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
@pytest.mark.parametrize("func", HESSIAN_CASES, ids=lambda f: f.__name__)
def test_hessian_matches_differences_of_the_gradient(func, mode):
    x, h = 0.7, 1e-5
    g = srcdiff.grad(func)
    want = (g(x + h) - g(x - h)) / (2 * h)
    assert_close(srcdiff.hessian(func, mode=mode)(x), want, rtol=1e-6, atol=1e-8)

"""break / continue in loops srcdiff unrolls (written-out keys, containers of
parameters, dicts built in the function): each copy runs as a loop of one pass
(unrolling.OnePass).  They were refused, over written-out keys with a hint to loop over
the keys written out -- what the code already did."""

from __future__ import annotations

import numpy as np
import pytest
import unrolled_jump_cases as C
from fdiff import assert_close, fd_grad

import srcdiff

X = np.array([0.3, -0.7, 1.2])


def _leaf_grads(func, p, x):
    """Finite differences of func in each leaf of the dict p, and in x."""
    keys = list(p)

    def flat(*leaves):
        return func(dict(zip(keys, leaves[:-1])), leaves[-1])

    args = (*p.values(), x)
    return {k: fd_grad(flat, args, i) for i, k in enumerate(keys)}, fd_grad(flat, args, len(keys))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", [C.keys_skipped, C.keys_left, C.keys_bound_first])
@pytest.mark.parametrize("x", [0.4, 2.5])
def test_a_loop_over_keys_written_out_left_early(func, x, mode):
    p = {"a": 0.5, "b": 1.5, "c": -0.8}
    g, gx = srcdiff.grad(func, wrt=(0, 1), mode=mode)(p, x)
    want, want_x = _leaf_grads(func, p, x)
    for k in p:
        assert_close(g[k], want[k], 1e-6, 1e-9, k)
    assert_close(gx, want_x, 1e-6, 1e-9, "x")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", [C.layers_left, C.layers_skipped])
@pytest.mark.parametrize("w1", [2.0, -3.0])
def test_a_loop_over_a_list_of_parameters_left_early(func, w1, mode):
    ws = [np.array([0.5, 1.0, 0.3]), w1, 0.5]
    g, gx = srcdiff.grad(func, wrt=(0, 1), mode=mode)(ws, X)

    def flat(a, b, c, x):
        return func([a, b, c], x)

    args = (*ws, X)
    for i in range(3):
        assert_close(g[i], fd_grad(flat, args, i), 1e-6, 1e-9, f"ws[{i}]")
    assert_close(gx, fd_grad(flat, args, 3), 1e-6, 1e-9, "x")


def test_the_hessian_through_an_unrolled_loop_left_early():
    h = srcdiff.hessian(C.keys_left, wrt=1)({"a": 0.5, "b": 1.5, "c": -0.8}, 0.4)
    g = srcdiff.grad(C.keys_left, wrt=1)
    p, eps = {"a": 0.5, "b": 1.5, "c": -0.8}, 1e-5
    assert h == pytest.approx((g(p, 0.4 + eps) - g(p, 0.4 - eps)) / (2 * eps), rel=1e-6)

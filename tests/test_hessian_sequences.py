"""Hessians with respect to a list or tuple of numbers, in the modes that take one
(fuzz seed 9773294): forward over forward seeded each direction with the float 1.0, which
the tangent code indexed (`dxs[i1]`: "'float' object is not subscriptable"); reverse over
reverse of a tuple passed the gradient's tuple to its backward sweep as one cotangent per
item ("g_grad_bwd() takes 2 positional arguments but 3 were given")."""

import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian

import srcdiff


def weighted_squares(x0, xs):
    t = 0.0
    for v in xs:
        t = t + v * v * x0 + np.sin(v) * v
    return t


@pytest.mark.parametrize("kind", [list, tuple])
@pytest.mark.parametrize(
    "mode", ["forward-over-forward", "forward-over-reverse", "reverse-over-reverse"]
)
def test_hessian_of_a_sequence_of_numbers(kind, mode):
    xs = kind([0.612, -0.3, 1.1])
    got = srcdiff.hessian(weighted_squares, wrt="xs", mode=mode)(-1.028, xs)
    g = srcdiff.grad(weighted_squares, wrt="xs")

    def grad_array(x0, ys):
        return np.asarray(g(x0, kind(ys)), dtype=float)

    want = fd_jacobian(grad_array, (-1.028, np.array(xs)), 1)
    assert np.shape(got) == (3, 3)
    assert_close(got, want, 1e-6, 1e-8, "hessian")


def test_reverse_over_reverse_of_a_list_agrees():
    xs = [0.612, -0.3, 1.1]
    rr = srcdiff.hessian(weighted_squares, wrt="xs", mode="reverse-over-reverse")(-1.028, xs)
    ff = srcdiff.hessian(weighted_squares, wrt="xs", mode="forward-over-forward")(-1.028, xs)
    assert_close(rr, ff, 1e-12, 1e-12, "hessian")


def pair(x, y):
    """Returns one value that is a tuple (`return t`), not two outputs."""
    t = (x * y, x + np.sin(y))
    return t


def test_vjp_of_a_function_returning_a_tuple_held_in_a_name():
    """One output that is a tuple takes one cotangent, a tuple (it crashed: the backward
    sweep was given one argument per item)."""
    out, pullback = srcdiff.vjp(pair, 0.7, 0.4)
    assert out == pair(0.7, 0.4)
    got = pullback((1.0, 2.0))
    want = (0.4 + 2.0, 0.7 + 2.0 * np.cos(0.4))
    assert_close(np.array(got), np.array(want), 1e-12, 1e-12, "vjp")

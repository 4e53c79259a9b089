"""Hessians with respect to a list or tuple of numbers, in the modes that take one
(fuzz seed 9773294): forward over forward seeded each direction with the float 1.0, which
the tangent code indexed (`dxs[i1]`: "'float' object is not subscriptable")."""

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
@pytest.mark.parametrize("mode", ["forward-over-forward", "forward-over-reverse"])
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

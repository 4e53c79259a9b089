"""A temporary's cotangent bound to the name it copies (reverse/copies.py): the backward
sweep writes no `dt3 = da1` for a split statement, and where the name it would read is
assigned before the temporary's op reads it -- the statement reads its own target, or
another of its ops adds to that name -- the copy is made, so the gradient is the one
finite differences and forward mode give."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fdiff import fd_grad

import srcdiff


def chain(x, y):
    a = x * y
    b = a * 0.5 + math.sin(a) - y
    return b * 0.5 + math.sin(b) - y


def reads_its_target(x, y):
    a = x * y
    a = a * 0.5 + math.sin(a) - y  # the ops after the `-` add to da: dt1 must copy it
    a = (a + y) + a
    return a


def target_read_first(x, y):
    a = x + y
    a = a + (a + y) * x
    return a * a


def helper(u):
    return u * u + 1.0


def through_a_helper(x, y):
    return helper(x + y) + y  # the helper's result is a temporary with a copied cotangent


def through_a_subscript(x, y):
    v = np.array([x, y])
    return (v * 2.0)[0] + v[1] * x  # a subscript of a temporary


def in_a_loop(x, y):
    s = x
    for i in range(3):
        s = s * 0.5 + math.sin(s) - y + s
    return s


def arrays(x, y):
    return np.sum((x * y + x) - y)


CASES = [
    (chain, (0.3, 0.2)),
    (reads_its_target, (0.3, 0.2)),
    (target_read_first, (0.7, -0.4)),
    (through_a_helper, (0.3, 0.9)),
    (through_a_subscript, (1.3, 0.4)),
    (in_a_loop, (0.3, 0.2)),
    (arrays, (np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.25, -0.5]))),
]


@pytest.mark.parametrize("f, args", CASES, ids=[f.__name__ for f, _ in CASES])
def test_gradient_matches_finite_differences_and_forward_mode(f, args):
    got = srcdiff.grad(f, wrt=(0, 1))(*args)
    forward = srcdiff.grad(f, wrt=(0, 1), mode="forward")(*args)
    for i in range(2):
        np.testing.assert_allclose(got[i], fd_grad(f, args, i), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(got[i], forward[i], rtol=1e-12, atol=1e-14)


def test_the_backward_sweep_binds_instead_of_copying():
    from srcdiff.compiler.reverse.function import FunctionTransform

    seen = []
    build = FunctionTransform.build

    def spy(self, *a, **k):
        out = build(self, *a, **k)
        seen.append((self, out[2]))
        return out

    FunctionTransform.build = spy
    try:
        srcdiff.source(chain, wrt=(0, 1), at=(0.3, 0.2))
    finally:
        FunctionTransform.build = build
    (transform, backward), *_ = seen
    temps = {transform.adjoints[t] for t in transform.flat.temp_kinds if t in transform.adjoints}
    copies = [
        s
        for s in backward
        if getattr(s, "targets", None)
        and getattr(s.targets[0], "id", None) in temps
        and s.value.__class__.__name__ == "Name"
    ]
    assert copies == []  # (`dt3 = da1`, `dt1 = dt3`, `dt2 = dt3` were all there)

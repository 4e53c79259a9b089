"""Repeated arithmetic computed once (compiler/repeats.py): what is shared, what is not
(arrays, values changed between, compound statements), and RK4's gradient through the
shared values against finite differences and forward mode."""

from __future__ import annotations

import ast
import math

import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler.repeats import share_repeats


def _shared(src, numbers=("a", "b", "c", "t", "u", "v", "w")):
    tree = ast.parse(src)
    return ast.unparse(ast.Module(body=share_repeats(tree.body, set(numbers)), type_ignores=[]))


def test_a_repeated_value_reads_its_first_holder():
    assert _shared("t = -a\nu = b * 2.0\nv = -a\nw = b * 2.0") == (
        "t = -a\nu = b * 2.0\nv = t\nw = u"
    )


@pytest.mark.parametrize(
    "src",
    [
        "t = -a\na = b\nv = -a",  # a changed between
        "t = -a\nt = b\nv = -a",  # the holder changed
        "t = -a\nf(a)\nv = -a",  # a call given a
        "t = -a\nx[0] = 1.0\nv = -x",  # (x is not a number)
        "t = -x\nv = -x",  # an array may change in place through a view
        "t = -a\nif c:\n    pass\nv = -a",  # after a compound statement
        "t = a + t\nv = a + t",  # the value read its own target
        "t = f(a)\nv = f(a)",  # a call
        "t = -a\nw = g(h(c, k=-a))\nv = -a",  # a nested call's argument
        "t = -a\nw = g(k=[a])\nv = -a",  # a keyword's value
        "t = -a\ns[a].x = 1.0\nv = -a",  # the base of a store
        "t = -a\ns[a][b] = 1.0\nv = -a",  # an index within a store's base
        "t = -a\na.f(b)\nv = -a",  # a method's object
    ],
)
def test_nothing_is_shared_where_it_may_differ(src):
    assert _shared(src) == ast.unparse(ast.parse(src))


def test_an_index_stored_at_is_not_changed():
    assert _shared("t = -a\ns[a] = 1.0\nv = -a") == "t = -a\ns[a] = 1.0\nv = t"


def test_blocks_are_shared_on_their_own():
    src = "for i in r:\n    t = -a\n    v = -a\nw = -a"
    assert _shared(src) == "for i in r:\n    t = -a\n    v = t\nw = -a"


def rk4_step(th, om, dt, g, c):
    k1t = om
    k1o = -g * math.sin(th) - c * om
    k2t = om + 0.5 * dt * k1o
    k2o = -g * math.sin(th + 0.5 * dt * k1t) - c * k2t
    k3t = om + 0.5 * dt * k2o
    k3o = -g * math.sin(th + 0.5 * dt * k2t) - c * k3t
    k4t = om + dt * k3o
    k4o = -g * math.sin(th + dt * k3t) - c * k4t
    th_new = th + dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t)
    om_new = om + dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o)
    return th_new, om_new


def rk4(g, c, th0, om0, dt, n):
    th = th0
    om = om0
    for i in range(n):
        th, om = rk4_step(th, om, dt, g, c)
    return th * th + math.exp(-om * om)


def test_rk4_shares_its_negations_and_doubled_adjoints():
    text = srcdiff.source(rk4, wrt=(0, 1), at=(9.81, 0.3, 1.2, 0.1, 1e-2, 5))
    assert text.count("= -g\n") == 2  # once in each sweep of the helper, not four times
    assert "dk2o = dk3o" in text and "dk2t = dk3t" in text


@pytest.mark.parametrize("args", [(9.81, 0.3, 1.2, 0.1, 1e-2, 20), (2, 1, 1, 0, 0.5, 3)])
def test_rk4_gradient_against_finite_differences_and_forward_mode(args):
    got = srcdiff.grad(rk4, wrt=(0, 1))(*args)
    forward = srcdiff.grad(rk4, wrt=(0, 1), mode="forward")(*args)
    floats = tuple(float(a) for a in args[:5]) + args[5:]
    for i in (0, 1):
        assert_close(got[i], fd_grad(rk4, floats, i), rtol=1e-6)
        assert got[i] == pytest.approx(forward[i], rel=1e-12)
    H = srcdiff.hessian(rk4, wrt=0)(*floats)
    h = 1e-5

    def dg(g):
        return srcdiff.grad(rk4, wrt=0)(g, *floats[1:])

    assert H == pytest.approx((dg(floats[0] + h) - dg(floats[0] - h)) / (2 * h), rel=1e-5)

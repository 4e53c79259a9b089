"""Loop-invariant negations (compiler/reverse/invariants.py): `-g` of a number parameter
the function never assigns is computed once before the loop; code without a loop, or
whose negated parameter is assigned, is left as it was. Gradients equal finite
differences either way."""

from __future__ import annotations

import math
import re

from fdiff import assert_close, fd_grad

import srcdiff


def pendulum(th, g, dt, n):
    om = 0.0
    for i in range(n):
        acc = -g * math.sin(th)
        th = th + dt * om
        om = om + dt * acc
    return om * om + th


def reassigned(th, g, n):
    for i in range(n):
        th = th + -g * math.sin(th)
        g = g * 0.5
    return th


def straight(th, g):
    a = -g * math.sin(th)
    return a * -g


def _negations_in_loops(text):
    """Lines of code (not comments) in or after the first loop negating g."""
    lines = text[text.index("for ") :].splitlines()
    return [s for s in lines if not s.strip().startswith("#") and re.search(r"[=(*,]\s*-g\b", s)]


def _check(f, args, wrt):
    got = srcdiff.grad(f, wrt=wrt)(*args)
    for k, name in enumerate(wrt):
        want = fd_grad(f, args, f.__code__.co_varnames.index(name))
        assert_close(got[k], want, rtol=1e-6)
    return srcdiff.source(f, wrt=wrt, at=args)


def test_hoisted_before_the_loop():
    text = _check(pendulum, (0.4, 9.8, 0.01, 5), ("th", "g", "dt"))
    assert "= -g" in text[: text.index("for ")]  # computed once, before the loop
    assert _negations_in_loops(text) == []  # and not on every pass


def test_assigned_parameter_not_hoisted():
    text = _check(reassigned, (0.4, 0.8, 4), ("th", "g"))
    assert _negations_in_loops(text)  # g changes in the loop: negated there


def test_no_loop_left_as_is():
    text = _check(straight, (0.4, 0.8), ("th", "g"))
    assert "for " not in text and "-g" in text

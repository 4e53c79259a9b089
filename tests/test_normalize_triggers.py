"""Normalize skips a rewrite or check whose trigger construct the function does not contain
(one walk collects the classes of node present): these cases put the trigger only where a
narrower scan could miss it -- in a local function inlined later, in a call argument, in a
read of a helper's container result -- and check the gradient still follows it."""

from __future__ import annotations

import ast

import pytest

import srcdiff
from srcdiff.compiler.result_reads import reads_a_result
from srcdiff.errors import UnsupportedSyntaxError
from tests.fdiff import fd_grad


def _ifexp_in_local_function(x):
    def g(v):
        return v * 2.0 if v > 0 else -v * v

    y = g(x) + 1.0
    return y


def _walrus_in_local_function(x):
    def g(v):
        return (w := v * 3.0) * w

    y = g(x)
    return y


def _halves(v):
    return {"lo": v * 0.5, "hi": v * v}


def _result_read(x):
    y = _halves(x)["hi"] + _halves(x)["lo"] * x
    return y


def _display_argument(x):
    y = _weighted({"w": x, "b": 2.0}) * x
    return y


def _weighted(p):
    return p["w"] * p["w"] + p["b"]


@pytest.mark.parametrize("func", [_ifexp_in_local_function, _result_read, _display_argument])
@pytest.mark.parametrize("x", [1.5, -0.7])
def test_gradient_follows_a_trigger_outside_the_statements(func, x):
    got = srcdiff.grad(func)(x)
    want = fd_grad(func, (x,), 0)
    assert abs(got - want) <= 1e-6 * max(1.0, abs(want))


def _walrus_in_while_test(x):
    y = x
    n = 0
    while (n := n + 1) < 3:
        y = y * x
    return y


@pytest.mark.parametrize("func", [_walrus_in_while_test, _walrus_in_local_function])
def test_left_over_walrus_is_still_refused(func):
    # (a `:=` left inside an inlined local function's result is checked too: the classes
    # present are collected from the whole source, local functions included)
    with pytest.raises(UnsupportedSyntaxError, match="assignment expression"):
        srcdiff.grad(func)(1.5)


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("f(x)['a']", True),
        ("f(x).a", True),
        ("g(f(x)[0])", True),
        ("f(x)", False),
        ("a.b[0]", False),
    ],
)
def test_reads_a_result(text, reads):
    assert reads_a_result(ast.parse(text)) is reads

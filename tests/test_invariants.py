"""Loop-invariant negations (compiler/reverse/invariants.py): `-g` of a number parameter
the function never assigns is computed once before the loop; code without a loop, or
whose negated parameter is assigned, is left as it was. Gradients equal finite
differences either way."""

from __future__ import annotations

import ast
import math
import re

from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler.reverse.invariants import _bindings, _negated_name


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


def _walked_bindings(body):
    """What `invariants._bindings` gives, from a walk of every node (its former form)."""
    values, stored, simple, operands = {}, set(), set(), set()
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            if isinstance(node.targets[0], ast.Name):
                values.setdefault(node.targets[0].id, set()).add(_negated_name(node.value))
                simple.add(id(node.targets[0]))
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stored.add(node.id)
            if id(node) not in simple:
                values.setdefault(node.id, set()).add(None)
        elif isinstance(node, ast.UnaryOp) and _negated_name(node) is not None:
            operands.add(_negated_name(node))
    return values, stored, operands


BODIES = [
    "t1 = -k\nfor i in range(n):\n    a = t1 * x[i] + -g\n    b, c = -a, (w := -k)\n"
    "    d = e = -h\n    del q\n    y[i] = -(-r)\n    s = [v for v in -z]\n",
    "while p:\n    if m:\n        u = -k\n    else:\n        u = k + 1.0\n",
]


def test_bindings_are_those_of_a_walk():
    """_bindings recurses through the fields instead of walking: the same answers on
    every kind of binding (unpacking, walrus, chained, del, comprehension, loop target)
    and on generated code with loops."""
    texts = BODIES + [
        srcdiff.source(pendulum, wrt=("th", "g"), at=(0.3, 9.8, 0.01, 5)),
        srcdiff.source(reassigned, wrt=("th", "g"), at=(0.3, 9.8, 5)),
    ]
    for text in texts:
        body = ast.parse(text).body
        assert _bindings(body) == _walked_bindings(body), text

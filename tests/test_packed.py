"""A helper's saves packed in one tuple a call (compiler/reverse/packed.py): where the
helper pushes each value at the top level of its forward sweep and pops each at the top
level of its backward sweep, one `_stack.append((...))` ends the forward sweep and one
unpacking pop starts the backward sweep; anything else keeps the pushes as they were.
Gradients, both modes and Hessians, equal finite differences either way."""

from __future__ import annotations

import ast
import math
import textwrap

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.api.gradients import generated
from srcdiff.compiler.reverse.packed import pack_saves


def step(th, om, dt, g):
    """Saves sin(th) where it is made and th, om at the end."""
    acc = -g * math.sin(th)
    return th + dt * om, om + dt * acc + 0.1 * math.cos(om)


def integrate(g, th0, om0, dt, n):
    th, om = th0, om0
    for i in range(n):
        th, om = step(th, om, dt, g)
    return th * th + om


def rebinding(x, y):
    """`x` is pushed (sin's argument), then bound again: not packed."""
    a = math.sin(x) * y
    x = x * y
    return a + math.cos(x) * math.exp(y)


def calls_rebinding(x, y, n):
    for i in range(n):
        x = rebinding(x, y) * 0.5
    return x


def branching(x, y):
    """A save inside a branch: not packed."""
    if x > 0:
        z = math.sin(x * y)
    else:
        z = math.cos(x) * y
    return z * math.exp(x)


def calls_branching(x, y, n):
    s = 0.0
    for i in range(n):
        s = s + branching(x - 0.3 * i, y)
    return s


def outer(x, y):
    """Calls a helper that saves too: its tuple goes on the stack first."""
    u = math.exp(x * y)
    v = inner(u, x)
    return v * math.sin(y) + u


def inner(u, x):
    return math.log(1.0 + u * u) * math.cos(x)


def calls_outer(x, y, n):
    for i in range(n):
        x = 0.3 * outer(x, y)
    return x


CASES = [
    (integrate, (9.81, 0.4, 0.1, 0.01, 7), (0, 1, 2)),
    (calls_rebinding, (0.7, 0.9, 3), (0, 1)),
    (calls_branching, (0.2, 0.8, 4), (0, 1)),
    (calls_outer, (0.3, 0.6, 3), (0, 1)),
]
IDS = [f.__name__ for f, _, _ in CASES]


def _helper_text(func, args, wrt):
    return generated(func, wrt=wrt, at=args)[0].source()


@pytest.mark.parametrize("func, args, wrt", CASES, ids=IDS)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_equals_finite_differences(func, args, wrt, mode):
    got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
    want = [fd_grad(func, args, i) for i in wrt]
    assert_close(np.array(got, dtype=float), np.array(want, dtype=float), rtol=1e-6)


@pytest.mark.parametrize("func, args, wrt", CASES, ids=IDS)
def test_hessian_equals_finite_differences_of_the_gradient(func, args, wrt):
    """Hessians differentiate the generated code again: the packed tuple's tangent is a
    tuple of tangents (forward.py's pushes and pops of tuples)."""
    for i in wrt:
        hess = srcdiff.hessian(func, wrt=i)(*args)
        grad = srcdiff.grad(func, wrt=i)
        assert_close(float(hess), float(fd_grad(grad, args, i)), rtol=1e-5, atol=1e-8)


def test_the_step_saves_one_tuple_a_call():
    text = _helper_text(integrate, CASES[0][1], (0, 1, 2))
    assert text.count("_stack.append(") == 1
    [push] = [line.strip() for line in text.splitlines() if "_stack.append(" in line]
    [pop] = [line.strip() for line in text.splitlines() if "_stack.pop()" in line]
    pushed = push[len("_stack.append((") : -2].split(", ")
    assert len(pushed) >= 2
    assert pop == f"{', '.join(pushed)} = _stack.pop()"


@pytest.mark.parametrize("func", [calls_rebinding, calls_branching], ids=lambda f: f.__name__)
def test_what_cannot_be_moved_is_pushed_where_it_was(func):
    args = dict((f, a) for f, a, _ in CASES)[func]
    text = _helper_text(func, args, (0, 1))
    assert "_stack.append((" not in text
    assert ", " not in "".join(line for line in text.splitlines() if "_stack.pop()" in line)


def test_the_inner_helpers_tuple_is_taken_after_the_outer_ones():
    """outer's tuple is pushed after inner's, so outer's backward sweep pops it first."""
    text = _helper_text(calls_outer, CASES[3][1], (0, 1))
    body = text[text.index("def outer_bwd") :]
    assert body.index("_stack.pop()") < body.index("inner_bwd(")


def _sweeps(fwd_src, bwd_src):
    fwd = ast.parse(textwrap.dedent(fwd_src)).body
    bwd = ast.parse(textwrap.dedent(bwd_src)).body
    return fwd, bwd


def _text(stmts):
    module = ast.fix_missing_locations(ast.Module(body=list(stmts), type_ignores=[]))
    return ast.unparse(module)


def test_pack_saves_moves_pushes_to_the_end_and_pops_to_the_start():
    fwd, bwd = _sweeps(
        """
        t = f(x)
        _stack.append(t)
        y = t * x
        _stack.append(x)
        return y
        """,
        """
        x = _stack.pop()
        dy2 = dy * x
        t = _stack.pop()
        return dy2 * t
        """,
    )
    fwd, bwd = pack_saves(fwd, bwd, "_stack", {"dy"})
    # (each side printed by the same ast.unparse: 3.10 writes `(t, x) = ...`)
    assert _text(fwd) == _text(
        ast.parse("t = f(x)\ny = t * x\n_stack.append((t, x))\nreturn y").body
    )
    assert _text(bwd) == _text(ast.parse("t, x = _stack.pop()\ndy2 = dy * x\nreturn dy2 * t").body)


PUSH_T_X = "_stack.append(t)\n_stack.append(x)\nreturn x"
POP_X_T = "x = _stack.pop()\nt = _stack.pop()\nreturn t"
UNPROVEN = {
    "rebound": ("_stack.append(t)\nt = 2\n_stack.append(x)\nreturn t", POP_X_T, set()),
    "loop": (
        "for i in r:\n    _stack.append(i)\n_stack.append(x)\n_stack.append(t)\nreturn x",
        "t = _stack.pop()\nx = _stack.pop()\nreturn x",
        set(),
    ),
    "read-before": (PUSH_T_X, "x = _stack.pop()\nu = t\nt = _stack.pop()\nreturn u", set()),
    "parameter": (PUSH_T_X, POP_X_T, {"t"}),
    "twice": (
        "_stack.append(x)\n_stack.append(x)\nreturn x",
        "x = _stack.pop()\nx = _stack.pop()\nreturn x",
        set(),
    ),
    "order": (PUSH_T_X, "t = _stack.pop()\nx = _stack.pop()\nreturn x", set()),
}


@pytest.mark.parametrize("fwd_src, bwd_src, params", UNPROVEN.values(), ids=UNPROVEN)
def test_pack_saves_leaves_what_it_cannot_prove(fwd_src, bwd_src, params):
    fwd, bwd = _sweeps(fwd_src, bwd_src)
    new_fwd, new_bwd = pack_saves(fwd, bwd, "_stack", params)
    assert (_text(new_fwd), _text(new_bwd)) == (_text(fwd), _text(bwd))

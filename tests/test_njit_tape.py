"""The Numba backend's tape capacity (compiler/njit.py): a helper pushing a constant
number of values leaves the capacity check to its callers, who make room before the
loop calling it, before the call (a while loop, straight-line code, a branch), or in a
fresh tape of the right size (a value whose derivative nothing needs).  Nested helpers
add up; recursive ones check for themselves.  Run with Numba's bounds checks on: a
missing or short capacity check is an IndexError, never a write past the tape."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler.derive import generate

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")


def leaf(x, y):
    a = math.sin(x * y)
    b = math.cos(a + y)
    if a > 0.0:
        b = b * math.exp(-a * a)
    return a + b * math.sin(b * x)


def mid(x, y):
    u = leaf(x, y)
    v = leaf(u, y)
    w = leaf(v, x)
    return leaf(w, u) * 0.5


def top(x, y):  # (pushes more than the tape's first 64 floats)
    s = mid(x, y)
    for_each = mid(s, y)
    t = mid(for_each, x)
    u = mid(t, s)
    return mid(u, y) + s


def straight(x, y):
    return top(x, y) * top(y, x)


def in_for(x, y, n):
    s = x
    for i in range(n):
        s = mid(s, y) + 0.1 * s
    return s


def in_while(x, y):
    s = x
    k = 0
    while k < 7:
        s = top(s, y) * 0.7 + 0.2
        k += 1
    return s


def not_differentiated(x, y):
    c = top(x, y)
    s = x
    if c > 0.1:
        s = s * y
    return s * mid(y, x)


def in_branch(x, y):
    s = x * y
    if x > 0.5:
        s = top(s, x)
    return s + mid(s, y)


def recursive(x, n):
    if n == 0:
        return x
    return recursive(leaf(x, 0.3), n - 1) * 0.9


CASES = [
    (straight, (0.7, 1.3), (0, 1)),
    (in_for, (0.7, 1.3, 40), (0, 1)),
    (in_while, (0.7, 1.3), (0, 1)),
    (not_differentiated, (0.7, 1.3), (0, 1)),
    (in_branch, (0.7, 1.3), (0, 1)),
    (in_branch, (0.3, 1.3), (0, 1)),
    (recursive, (0.7, 30), 0),
]


@pytest.fixture
def boundscheck(monkeypatch):
    """Numba's bounds checks on for what compiles now (a store past the tape raises)."""
    import numba

    monkeypatch.setattr(numba.config, "BOUNDSCHECK", 1)


@pytest.mark.slow  # (Numba compiles every case, about 2 s each)
@pytest.mark.parametrize("func, args, wrt", CASES, ids=lambda v: getattr(v, "__name__", None))
def test_gradient_within_the_tape(boundscheck, func, args, wrt):
    """The compiled code itself (not the entry, which would run the Python backend's
    code again on an IndexError), bounds-checked, against the Python backend and
    central differences."""
    entry = srcdiff.grad(func, wrt=wrt, backend="numba").specialize(*args)
    got = entry.srcdiff_numba(*args)
    want = srcdiff.grad(func, wrt=wrt)(*args)
    assert_close(np.asarray(got), np.asarray(want), 1e-12, 1e-14)
    for k, i in enumerate(wrt if isinstance(wrt, tuple) else (wrt,)):
        g = got[k] if isinstance(wrt, tuple) else got
        assert_close(g, fd_grad(func, args, i), 1e-5, 1e-7, f"d/d{i}")


KINDS = {"x": "scalar", "y": "scalar", "n": "int"}


def test_callers_make_room():
    """One check before the loop for all its passes; a check before each call in a
    while loop; helpers with a constant bound neither check nor return the tape, and a
    fresh tape is as large as what the helper pushes."""
    text = generate(in_for, ["x", "y"], KINDS, backend="numba").source()
    main = text.split("def in_for_grad(")[1].split("\n\n\n")[0]
    assert "if _stack_n + 24 * len(iters1) > _stack.size:" in main
    assert main.count("concatenate") == 2  # (floats and flags)
    for helper in ("mid_fwd", "leaf_fwd"):
        body = text.split(f"def {helper}(")[1].split("\n\n\n")[0]
        assert "concatenate" not in body and "_stack = " not in body
        assert body.rstrip().endswith(", _stack_n, _stack_int_n")
    text = generate(in_while, ["x", "y"], KINDS, backend="numba").source()
    loop = text.split("    while ")[1].split("# backward sweep")[0]
    assert "if _stack_n + 120 > _stack.size:" in loop
    text = generate(not_differentiated, ["x", "y"], KINDS, backend="numba").source()
    assert "top_fwd(np.empty(119), 0, np.empty(20, np.int64), 0, x, y)" in text


def test_recursive_helper_checks_for_itself():
    text = generate(recursive, ["x"], KINDS, backend="numba").source()
    fwd = text.split("def recursive_fwd(")[1].split("\n\n\n")[0]
    assert "concatenate" in fwd and "return " in fwd
    assert fwd.rstrip().endswith("return out, _stack, _stack_n, _stack_int, _stack_int_n")

"""vjp of a function whose one output is a tuple (`t = (a * b, a + b); return t`, or
`return (a * b,)`): its backward sweep takes one cotangent, a tuple.  The Numba backend
gave it one cotangent per item ("too many arguments: expected 3, got 4"), both backends
did so for a 1-tuple ("'float' object is not subscriptable"; jacobian in reverse mode:
"invalid index to scalar variable"), and a tuple of a number and an array failed the
cotangent's shape check ("setting an array element with a sequence")."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian

import srcdiff

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")


def pair(a, b):
    t = (a * b, a + np.sin(b))
    return t


def single(a, b):
    return (a * np.cos(b),)


def number_and_array(a, b):
    t = (a * b, np.array([a, b]) * a)
    return t


def _pulled_back(func, args, ct):
    """The vjp by finite differences: the gradient of sum(ct * func) (fdiff's Jacobian of
    that scalar), one entry per argument."""

    def weighted(*xs):
        return sum(np.sum(np.asarray(c) * np.asarray(o)) for c, o in zip(ct, func(*xs)))

    return tuple(float(fd_jacobian(weighted, args, i)) for i in range(len(args)))


CASES = [
    (pair, (0.7, 0.4), (1.0, 0.5)),
    (single, (0.7, 0.4), (1.5,)),
]


@pytest.mark.parametrize("backend", ["python", "numba"])
@pytest.mark.parametrize("func, args, ct", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_one_tuple_output_takes_one_cotangent(func, args, ct, backend):
    out, pullback = srcdiff.vjp(func, *args, backend=backend)
    assert out == func(*args)
    got = pullback(ct)
    assert_close(np.array(got), np.array(_pulled_back(func, args, ct)), 1e-6, 1e-8, "vjp")


def test_the_numba_backend_agrees_with_the_python_backend():
    ct = (1.0, 0.5)
    want = srcdiff.vjp(pair, 2.0, 3.0)[1](ct)
    assert srcdiff.vjp(pair, 2.0, 3.0, backend="numba")[1](ct) == want


@pytest.mark.parametrize("backend", ["python", "auto"])
def test_a_tuple_of_a_number_and_an_array(backend):
    """Each item's cotangent is checked against its own shape ("auto": Numba can't
    compile np.array's vjp here, so it falls back)."""
    ct = (1.25, np.array([0.5, -2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (auto's warning that it fell back)
        got = srcdiff.vjp(number_and_array, 0.7, 0.4, backend=backend)[1](ct)
    want = _pulled_back(number_and_array, (0.7, 0.4), ct)
    assert_close(np.array(got), np.array(want), 1e-6, 1e-8, "vjp")


def test_a_cotangent_of_the_wrong_form_is_refused():
    _, pullback = srcdiff.vjp(number_and_array, 0.7, 0.4)
    with pytest.raises(srcdiff.SrcDiffError, match="cotangent of a tuple of 2 results"):
        pullback(1.0)
    _, pullback = srcdiff.vjp(pair, 0.7, 0.4, backend="numba")
    with pytest.raises(srcdiff.SrcDiffError, match="shape"):
        pullback((1.0,))


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("func", [pair, single, number_and_array])
def test_jacobian_of_a_tuple_value(func, mode):
    """Items of one shape are one array result (shape (2,) + in.shape); of several
    shapes, one Jacobian per item (outside) and argument (inside)."""
    got = srcdiff.jacobian(func, wrt=(0, 1), mode=mode)(0.7, 0.4)
    items = func(0.7, 0.4)
    for i in range(2):
        for j in range(len(items)):
            want = fd_jacobian(lambda a, b, j=j: func(a, b)[j], (0.7, 0.4), i)
            block = got[j][i] if func is number_and_array else got[i][j]
            assert_close(np.asarray(block), want, 1e-6, 1e-8, f"d item {j} / d arg {i}")

"""Fused loops under the Numba backend (compiler/fuse.py): Rosenbrock's gradient as one
loop (its printed code, exactly), the pass's legality rules on hand-written statements
(no Numba needed), and a table of elementwise programs whose compiled gradients agree
with the Python backend and finite differences, on the fused path and on the fallback
(a length-1 array broadcast, an integer array, lengths NumPy refuses)."""

from __future__ import annotations

import ast
import textwrap

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler import fuse
from srcdiff.compiler.analysis import ARRAY, INT, SCALAR

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


ROSENBROCK_GRAD = '''\
import numpy as np
import numba


@numba.njit
def rosenbrock_grad(x):
    """Gradient of rosenbrock with respect to x (reverse mode)."""
    # one loop over the elements (compiler/fuse.py)
    n = len(x) - 1
    if n >= 0:
        dx = np.zeros_like(x)
        for i in range(n):
            # forward sweep
            t4 = x[i + 1] - x[i] ** 2
            # backward sweep
            # line 24: return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
            dx[i] += -2.0 * (1.0 - x[i])
            dt4 = 200.0 * t4
            dx[i] += dt4 * -2 * x[i]
            dx[i + 1] += dt4
    else:
        # other lengths or dtypes: the array statements
        t4 = x[1:] - x[:-1] ** 2
        dx = np.zeros_like(x)
        dx[:-1] += -2.0 * (1.0 - x[:-1])
        dt4 = 200.0 * t4
        dx[:-1] += dt4 * -2 * x[:-1]
        dx[1:] += dt4
    return dx
'''


def test_rosenbrock_gradient_is_one_loop():
    got = srcdiff.source(rosenbrock, at=(np.ones(10),), backend="numba")
    assert got == ROSENBROCK_GRAD
    # (the Python backend's code is untouched)
    assert "for i" not in srcdiff.source(rosenbrock, at=(np.ones(10),))


# -- the pass on hand-written statements -------------------------------------------------


def _fused(body, kinds, f64=("x",), ranks=None):
    """`body` (the statements of `def f(x, y, s)`) after the pass, as text."""
    fdef = ast.parse("def f(x, y, s):\n" + textwrap.indent(textwrap.dedent(body), "    ")).body[0]
    fdef.value_kinds = kinds
    fdef.value_rank = lambda name: (ranks or {}).get(
        name, 1 if kinds.get(name) in (ARRAY, INT) else 0
    )
    fdef.float64_params = frozenset(f64)
    fuse.fuse_loops(fdef, lambda: "np", lambda: "is_float64", {"x", "y", "s"}, "np", {})
    return ast.unparse(fdef)


KINDS = {"x": ARRAY, "y": ARRAY, "s": SCALAR}


def test_values_read_outside_the_run_are_arrays_the_loop_fills():
    got = _fused(
        """
        t = np.exp(x) * s
        u = t * np.cos(x)
        return u
        """,
        KINDS,
    )
    assert "u = np.empty(n)" in got and "u[i] = t * np.cos(x[i])" in got
    assert "t = np.exp(x[i]) * s" in got  # (a scalar: read only in the run)


def test_arrays_not_certainly_float64_are_checked_at_run_time():
    got = _fused("t = x * y\nu = t + y[0:]\nreturn u\n", KINDS)
    assert "if len(y) == n and is_float64(y):" in got
    assert "else:\n        t = x * y\n        u = t + y[0:]" in got


def test_reading_an_element_the_run_writes_at_another_index_ends_the_run():
    got = _fused("t = x * 2.0\nu = t[1:] * 3.0\nv = u * u\nreturn v\n", KINDS)
    assert got.splitlines()[1] == "    t = x * 2.0"  # (t alone, before the loop)
    assert "u = t[i + 1] * 3.0" in got and "v[i] = u * u" in got  # (t as it was)


def test_accumulations_only_into_arrays_the_function_owns():
    owned = _fused("d = np.zeros_like(x)\nd[1:] += x[1:] * 2.0\nd[:-1] += x[:-1] * 3.0\n", KINDS)
    assert "d[i + 1] += x[i + 1] * 2.0" in owned
    aliased = _fused("d = x\nd[1:] += x[1:] * 2.0\nd[:-1] += x[:-1] * 3.0\n", KINDS)
    assert "for i" not in aliased  # (d is the caller's x)
    read = _fused("d = np.zeros_like(x)\ne = d\nd[1:] += x[1:]\nd[:-1] += x[:-1]\n", KINDS)
    assert "for i" not in read  # (e may be d)


def test_lengths_of_one_base_and_other_offsets_are_not_fused():
    got = _fused("t = x[1:] * 2.0\nu = x * 3.0\nreturn (t, u)\n", KINDS)
    assert "for i" not in got


def test_powers_and_quotients_keep_numpys_values():
    got = _fused("t = x ** -1\nu = t * 2.0\nreturn u\n", KINDS)
    assert "for i" not in got  # (Numba's scalar x ** -1 raises on a zero)
    got = _fused("t = 1.0 / x\nu = t * x ** 2\nreturn u\n", KINDS)
    assert "t = np.divide(1.0, x[i])" in got and "x[i] ** 2" in got


def test_rank_2_and_unknown_ranks_are_left_alone():
    got = _fused("t = x * 2.0\nu = t * x\nreturn u\n", KINDS, ranks={"x": 2})
    assert "for i" not in got


# -- compiled: values on the fused path and the fallback ---------------------------------


def two(x, y):
    return np.sum(np.sin(x[1:]) * y[:-1] + x[:-1] / (1.0 + y[1:] ** 2))


def later(x):
    t = np.exp(x) * x
    u = np.cos(x) * t
    return np.sum(t * t) + np.dot(u, x)


def bc(x, y):
    return np.sum(np.sin(x) * y + x * y)


def data(x, k):
    return np.sum((x - k) ** 2 * np.cos(x))


def tanh_chain(x, y):
    a = np.tanh(x) * y
    b = np.exp(-a) + np.sqrt(1.0 + y**2)
    return np.sum(a * b - np.log1p(x**2))


def rebinds_operand(x, w):
    """fuzz seed 9770160, minimised: `w = w ** 2` is read by the fused run after it."""
    w = w**2
    return np.sum((w / (w * w + 1.0) - x) * (w / (w * w + 1.0) - x))


X = np.linspace(-1.0, 1.5, 9)
Y = np.linspace(0.3, 2.0, 9)

CASES = [
    ("rosenbrock", rosenbrock, (X,), 0),
    ("offset_slices_two_arrays", two, (X, Y), (0, 1)),
    ("temporaries_used_after", later, (X,), 0),
    ("broadcast_len_1_fallback", bc, (X, Y[:1]), (0, 1)),
    ("same_lengths", bc, (X, Y), (0, 1)),
    ("int_array_fallback", data, (X, np.arange(9)), 0),
    ("float_data_array", data, (X, Y), 0),
    ("ufunc_chain", tanh_chain, (X, Y), (0, 1)),
    ("rebinds_its_operand", rebinds_operand, (X, Y), (0, 1)),
]


@pytest.mark.slow  # (Numba compiles each case, about 2 s each)
@pytest.mark.parametrize("name, f, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_fused_gradients_agree(name, f, args, wrt):
    src = srcdiff.source(f, wrt=wrt, at=args, backend="numba")
    assert "for i in range(n)" in src
    got = srcdiff.grad(f, wrt=wrt, backend="numba")(*args)
    want = srcdiff.grad(f, wrt=wrt)(*args)
    assert_close(got, want, 1e-12, 1e-12)
    wrts = wrt if isinstance(wrt, tuple) else (wrt,)
    fds = tuple(fd_grad(f, args, i) for i in wrts)
    assert_close(got if isinstance(got, tuple) else (got,), fds, 1e-6, 1e-6)
    before = [a.copy() for a in args]
    srcdiff.grad(f, wrt=wrt, backend="numba")(*args)
    for a, b in zip(args, before):
        assert np.array_equal(a, b)  # (the caller's arrays untouched)


@pytest.mark.slow
def test_lengths_numpy_refuses_fail_as_numpy_does():
    """`two` with y one shorter: the check fails, the array statements raise."""
    g = srcdiff.grad(two, wrt=(0, 1), backend="numba")
    assert_close(g(X, Y), srcdiff.grad(two, wrt=(0, 1))(X, Y), 1e-12, 1e-12)
    with pytest.raises(ValueError):
        srcdiff.grad(two, wrt=(0, 1))(X, Y[:-1])
    with pytest.raises(ValueError):
        g(X, Y[:-1])


@pytest.mark.slow
def test_value_and_grad_and_vjp_are_fused_too():
    vg = srcdiff.value_and_grad(rosenbrock, backend="numba")
    value, grad = vg(X)
    assert value == pytest.approx(rosenbrock(X), rel=1e-13)
    assert_close(grad, srcdiff.grad(rosenbrock)(X), 1e-12, 1e-12)
    assert "for i in range(n)" in srcdiff.source(
        rosenbrock, at=(X,), output="value_and_grad", backend="numba"
    )


def test_views_of_known_arrays_carry_their_length_and_dtype():
    """Forward mode's `t2 = x[:-1]`: its length is len(x) - 1, its dtype x's (no check)."""
    got = _fused("t2 = x[:-1]\nt4 = x[1:] - t2 ** 2\nt8 = 1.0 - x[:-1]\nreturn (t4, t8)\n", KINDS)
    assert "    if n >= 0:\n" in got and "is_float64" not in got
    assert "t4[i] = x[i + 1] - t2[i] ** 2" in got


def test_a_value_assigned_to_its_own_operand_ends_the_run():
    """`w = w ** 2` read after the run: the loop made `w = np.empty(n)` and filled it
    reading its own garbage (`w[i] = w[i] ** 2`; fuzz seed 9770160: nan, or a wrong
    gradient where the memory held numbers).  It stays an array statement."""
    got = _fused("w = x ** 2\nt = w * w + 1.0\nu = w / t\nreturn (w, u)\n", KINDS)
    assert "w[i] = x[i] ** 2" in got  # (a new name: fused)
    got = _fused("x = x ** 2\nt = x * x + 1.0\nu = x / t\nreturn (x, u)\n", KINDS)
    assert got.splitlines()[1] == "    x = x ** 2"  # (before the loop, as written)
    assert "x[i] = x[i]" not in got and "x = x[i]" not in got

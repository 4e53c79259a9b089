"""The scalar rule table (tests/test_rules_scalar.py) under ``backend="numba"``: a
representative subset of its rows -- operators, trigonometric, hyperbolic, exponential
and logarithmic functions, two-argument math, builtins -- with the table's assertions
(a float, finite differences, SymPy's derivative) in reverse and forward mode, and the
Python backend's value to rounding.

Numba compiles each generated function on its first call, so each row runs at its
first point only, 20 rows by default and the rest marked slow; rows with a function
Numba lacks (math.gamma's derivative psi, math.fmod, math.remainder) are refused with a
BackendError naming it.  tests/test_njit.py runs the control-flow table's subset.
"""

from __future__ import annotations

import pytest
import test_rules_scalar as table

import srcdiff

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")

#: 20 rows, 40 cases by default
ROWS = [
    ("+", 2),
    ("*", 2),
    ("/", 2),
    ("**", 2),
    ("%", 2),
    ("unary -", 1),
    ("math.sin", 1),
    ("math.tan", 1),
    ("math.asin", 1),
    ("math.atan2", 2),
    ("math.tanh", 1),
    ("math.acosh", 1),
    ("math.exp", 1),
    ("math.log", 1),
    ("math.log", 2),
    ("math.sqrt", 1),
    ("math.hypot", 2),
    ("math.erf", 1),
    ("abs", 1),
    ("max", 2),
]
#: the rest of what Numba compiles (marked slow)
MORE_ROWS = [
    ("-", 2),
    ("unary +", 1),
    ("math.cos", 1),
    ("math.acos", 1),
    ("math.atan", 1),
    ("math.sinh", 1),
    ("math.cosh", 1),
    ("math.asinh", 1),
    ("math.atanh", 1),
    ("math.expm1", 1),
    ("math.log1p", 1),
    ("math.log2", 1),
    ("math.log10", 1),
    ("math.pow", 2),
    ("math.erfc", 1),
    ("math.fabs", 1),
    ("math.copysign", 2),
    ("math.degrees", 1),
    ("math.radians", 1),
    ("math.ldexp", 2),
    ("float", 1),
    ("min", 2),
    ("pow", 2),
]
#: rows Numba has no function for: refused (BackendError) naming it
REFUSED = {("math.gamma", 1): "psi", ("math.fmod", 2): "fmod", ("math.remainder", 2): "remainder"}


def _params():
    out = []
    for rows, marks in ((ROWS, ()), (MORE_ROWS, (pytest.mark.slow,))):
        for key in rows:
            case = table.CASES[key]
            point = case.points[0]
            label = f"{key[0]}/{key[1]}:{point.args}"
            out.append(pytest.param(case, point, id=label, marks=marks))
    return out


def test_rows_are_in_the_table():
    assert set(ROWS) | set(MORE_ROWS) | set(REFUSED) <= set(table.CASES)


@pytest.mark.parametrize("key", list(REFUSED), ids=lambda k: k[0])
def test_rows_numba_lacks_are_refused(key):
    case = table.CASES[key]
    point = case.points[0]
    wrt = point.wrt if point.wrt is not None else tuple(range(len(point.args)))
    with pytest.raises(srcdiff.BackendError, match=REFUSED[key]):
        srcdiff.grad(case.wrapper, wrt=wrt, backend="numba")(*point.args)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("case, point", _params())
def test_rule_gradient_under_numba(case, point, mode):
    f = case.wrapper
    args = point.args
    wrt = point.wrt if point.wrt is not None else tuple(range(len(args)))
    got = srcdiff.grad(f, wrt=wrt, mode=mode, backend="numba")(*args)
    want = srcdiff.grad(f, wrt=wrt, mode=mode)(*args)
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    for g, w, index in zip(got, want, wrt):
        assert isinstance(g, float), f"expected a float gradient, got {g!r}"
        assert g == pytest.approx(w, rel=1e-12, abs=1e-300)
        fd = table.fd_derivative(f, args, index, point.scale)
        assert table._close(g, fd, table.FD_RTOL, table.FD_ATOL), (f.__name__, args, index, g, fd)
        if point.sympy:
            ref = table.sympy_derivative(case, args, index)
            assert table._close(g, ref, table.SYM_RTOL, table.SYM_ATOL), (f.__name__, index, g, ref)

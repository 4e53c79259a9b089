"""Symbolic mode, stage 2: expressions -> their derivatives.

`sympy.diff` does the differentiating (through `Piecewise` too: each piece's
derivative under the same condition, which is what reverse mode computes on the branch
taken).  SymPy's automatic canonicalisation already folds what differentiating makes
(`2*x*y`, `x**2 + 1` for the seed); `sympy.simplify` is not run: the gradients of 30
functions of tests/symbolic_cases.py (all but `absolute`) took 219 s with it
(expressions of up to 40 operations simplified), 14 s with it on up to 20 operations,
and 0.7 s without it; emit.py shares their common subexpressions (`sympy.cse`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def derivative(expr: Any, symbol: Any, order: int = 1) -> Any:
    """d^order expr / d symbol^order.  A step's derivative (`DiracDelta`, from the
    derivative of `sign`, itself that of `abs`) is 0: its value everywhere but at the
    step, and what reverse and forward mode give there too."""
    import sympy as sp

    result = sp.diff(expr, symbol, order)
    if result.has(sp.DiracDelta):
        result = result.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    return result


def gradient(expr: Any, symbols: Sequence[Any]) -> list[Any]:
    """The partial derivatives of `expr` along each of `symbols`."""
    return [derivative(expr, s) for s in symbols]


def jacobian(exprs: Sequence[Any], symbols: Sequence[Any]) -> list[list[Any]]:
    """d exprs[i] / d symbols[j], row by row."""
    return [gradient(e, symbols) for e in exprs]


def hessian(expr: Any, symbol: Any) -> Any:
    """The second derivative of `expr` along `symbol`."""
    return derivative(expr, symbol, 2)

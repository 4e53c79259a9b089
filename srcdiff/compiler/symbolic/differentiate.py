"""Symbolic mode, stage 2: expressions -> their derivatives, simplified.

`sympy.diff` does the differentiating (through `Piecewise` too: each piece's
derivative under the same condition, which is what reverse mode computes on the branch
taken).  `sympy.simplify` is tried on small results only -- its cost grows quickly with
the expression -- and kept only where it shortens the expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SIMPLIFY_OPS = 40  # simplify expressions of at most this many operations (its cost grows fast)


def tidy(expr: Any) -> Any:
    """`expr` simplified, where that is cheap and makes it shorter."""
    import sympy as sp

    ops = sp.count_ops(expr)
    if ops == 0 or ops > SIMPLIFY_OPS:
        return expr
    simpler = sp.simplify(expr)
    return simpler if sp.count_ops(simpler) < ops else expr


def gradient(expr: Any, symbols: Sequence[Any]) -> list[Any]:
    """The partial derivatives of `expr` along each of `symbols`, tidied."""
    import sympy as sp

    return [tidy(sp.diff(expr, s)) for s in symbols]


def jacobian(exprs: Sequence[Any], symbols: Sequence[Any]) -> list[list[Any]]:
    """d exprs[i] / d symbols[j], row by row."""
    return [gradient(e, symbols) for e in exprs]


def hessian(expr: Any, symbol: Any) -> Any:
    """The second derivative of `expr` along `symbol`."""
    import sympy as sp

    return tidy(sp.diff(expr, symbol, 2))

"""The calls symbolic mode understands: Python object -> SymPy expression builder.

Looked up by the object a call resolves to (as the rule table is), so `math.sin`,
`from math import sin` and `import math as m; m.sin` are one entry.  Each builder takes
the call's arguments as SymPy expressions and returns one; `None` means "not for these
arguments" (the caller refuses).  `min`/`max` become `Piecewise` (Python's choice at a
tie: the first of the equal values), so their derivative is the chosen argument's, as
in reverse mode.  Built on first use: SymPy is imported only when symbolic mode runs.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

_TABLE: dict[int, tuple[object, Callable[..., Any]]] = {}


def builder(obj: object) -> Callable[..., Any] | None:
    """The builder for the callable `obj`, or None if symbolic mode has none."""
    if not _TABLE:
        _fill()
    entry = _TABLE.get(id(obj))
    return entry[1] if entry is not None and entry[0] is obj else None


def _fill() -> None:
    import sympy as sp
    from sympy.codegen.cfunctions import expm1, log1p

    def one(f):
        return lambda x: f(x)

    def log(x, base=None):
        return sp.log(x) if base is None else sp.log(x) / sp.log(base)

    def pick(values, better):
        """max/min of several values, as Python picks: the first best one."""
        best = values[0]
        for v in values[1:]:
            best = sp.Piecewise((v, better(v, best)), (best, True))
        return best

    def extremum(better):
        def build(*args):
            values = list(args[0]) if len(args) == 1 and isinstance(args[0], tuple) else args
            return pick(list(values), better) if values else None

        return build

    entries: dict[object, Callable[..., Any]] = {
        math.sin: one(sp.sin),
        math.cos: one(sp.cos),
        math.tan: one(sp.tan),
        math.asin: one(sp.asin),
        math.acos: one(sp.acos),
        math.atan: one(sp.atan),
        math.atan2: lambda y, x: sp.atan2(y, x),
        math.sinh: one(sp.sinh),
        math.cosh: one(sp.cosh),
        math.tanh: one(sp.tanh),
        math.asinh: one(sp.asinh),
        math.acosh: one(sp.acosh),
        math.atanh: one(sp.atanh),
        math.exp: one(sp.exp),
        math.expm1: one(expm1),
        math.log: log,
        math.log2: lambda x: sp.log(x) / sp.log(2),
        math.log10: lambda x: sp.log(x) / sp.log(10),
        math.log1p: one(log1p),
        math.sqrt: one(sp.sqrt),
        math.pow: lambda x, y: x**y,
        math.hypot: lambda *xs: sp.sqrt(sum(x**2 for x in xs)),
        math.erf: one(sp.erf),
        math.erfc: one(sp.erfc),
        math.fabs: one(sp.Abs),
        math.degrees: lambda x: x * 180 / sp.pi,
        math.radians: lambda x: x * sp.pi / 180,
        builtins.abs: one(sp.Abs),
        builtins.pow: lambda x, y: x**y,
        builtins.float: lambda x: x,
        builtins.max: extremum(lambda v, best: v > best),
        builtins.min: extremum(lambda v, best: v < best),
    }
    if hasattr(math, "exp2"):  # Python 3.11+
        entries[math.exp2] = lambda x: 2**x
    for obj, build in entries.items():
        _TABLE[id(obj)] = (obj, build)

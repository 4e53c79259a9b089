"""`mode="symbolic"`: derivatives as closed-form expressions, from SymPy.

`srcdiff.symbolic(f, wrt=...)` gives the SymPy expressions themselves (a
`SymbolicDerivatives`: printed as `df/dx = 2*x*y`, LaTeX in a notebook).  `grad`,
`value_and_grad`, `jacobian` and `hessian` with ``mode="symbolic"`` compile them into
ordinary Python (compiler/symbolic/) on the first call, and call that code with the
arguments as floats -- symbolic mode is for numbers, so anything else is a
NotSymbolicError pointing to the other modes.  The code is made again when the function's
code, a helper's, or a module-level value it read changes.  SymPy is imported here only
when a symbolic derivative is asked for.
"""

from __future__ import annotations

import inspect
import numbers
import threading
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import NotSymbolicError, SrcDiffError
from .pickling import derivative
from .requests import parameters, parse_wrt

_LOCK = threading.Lock()
# (function, wrt, output) -> (Derived, compiled code)
_CACHE: dict[tuple, tuple[Any, Callable]] = {}


def _derived(func, wrt):
    from ..compiler.symbolic import derive

    return derive(func, wrt)


def compiled(func: types.FunctionType, wrt: tuple[str, ...], output: str) -> tuple[Any, Callable]:
    """(Derived, the compiled symbolic code of `output` for `func`), cached while
    current (`Derived.is_current`)."""
    from ..compiler.symbolic import generated

    key = (func, wrt, output)
    with _LOCK:
        entry = _CACHE.get(key)
    if entry is not None and entry[0].is_current():
        return entry
    derived = _derived(func, wrt)
    entry = (derived, generated(func, derived, output).compile())
    with _LOCK:
        _CACHE[key] = entry
    return entry


def source(func: types.FunctionType, wrt=0, output: str = "grad") -> str:
    """The generated symbolic-mode source of `func` (`output`: grad, value_and_grad,
    jacobian, hessian)."""
    return generated(func, wrt, output).source()


def generated(func: types.FunctionType, wrt=0, output: str = "grad"):
    """The Generated unit of symbolic mode (what `srcdiff show --mode symbolic` prints)."""
    from ..compiler.symbolic import generate

    names, _ = parse_wrt(func, wrt, parameters(func))
    return generate(func, names, output)


def make(maker, func, wrt, output: str, doc: str, **options) -> Callable:
    """What grad & co. return in symbolic mode: `func`'s signature, the arguments
    checked to be numbers and passed as floats, the result as the other modes give it."""
    if not isinstance(func, types.FunctionType):
        raise SrcDiffError(f"symbolic mode needs a Python function with source; got {func!r}")
    params = parameters(func)
    names, single = parse_wrt(func, wrt, params)
    signature = inspect.signature(func)
    key_names = tuple(names)
    if output == "hessian" and not single:
        raise SrcDiffError("hessian takes one parameter; call it once per parameter")

    every = len(params)
    plain = all(p.kind is p.POSITIONAL_OR_KEYWORD for p in signature.parameters.values())
    latest: list = []  # (Derived, code) of the last call

    def code_now():
        if not (latest and latest[0][0].is_current()):
            latest[:] = [compiled(func, key_names, output)]
        return latest[0][1]

    def call(*args, **kwargs):
        if plain and not kwargs and len(args) == every and all(type(a) is float for a in args):
            result = code_now()(*args)  # every argument a float, in order: nothing to check
        else:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            for name, value in bound.arguments.items():
                bound.arguments[name] = _number(func, name, value, name in key_names)
            result = code_now()(*bound.args, **bound.kwargs)
        return _shaped(result, output, single, len(names))

    result = derivative(call, maker, func, wrt=wrt, mode="symbolic", **options)
    result.__name__ = func.__name__
    result.__qualname__ = getattr(func, "__qualname__", func.__name__)
    result.__module__ = func.__module__
    result.__doc__ = doc.format(name=func.__name__, wrt=", ".join(names))
    result.__wrapped__ = func
    result.wrt = names
    result.source = lambda: source(func, wrt, output)
    return result


def _number(func, name, value, differentiated):
    if isinstance(value, (bool, np.bool_)) and differentiated:
        raise NotSymbolicError(
            f"{func.__name__}'s parameter {name} is a bool; srcdiff differentiates numbers"
        )
    if isinstance(value, numbers.Real) and not isinstance(value, np.ndarray):
        return float(value)
    raise NotSymbolicError(
        f"symbolic mode takes numbers; {func.__name__}'s parameter {name} is "
        f"{type(value).__module__}.{type(value).__qualname__}"
        if type(value).__module__ != "builtins"
        else f"symbolic mode takes numbers; {func.__name__}'s parameter {name} is a "
        f"{type(value).__name__}",
        hint="use mode='reverse' (or 'forward'), which differentiate arrays and lists",
    )


def _shaped(result, output, single, n):
    """Python floats for grad and value_and_grad (a tuple of one for a tuple `wrt` of one
    name); arrays for jacobian and hessian, as their other modes return them."""
    if output == "grad":
        return (result,) if not single and n == 1 else result
    if output == "value_and_grad":
        value, grads = result
        return (value, (grads,)) if not single and n == 1 else result
    if output == "hessian":
        return np.asarray(result, dtype=float)
    columns = [result] if single or n == 1 else list(result)
    arrays = tuple(np.asarray(c, dtype=float) for c in columns)
    return arrays[0] if single else arrays


class SymbolicDerivatives:
    """The SymPy expressions of a function and its partial derivatives.

    `value` is the function's expression, `derivatives` maps each `wrt` parameter to the
    derivative (a tuple of them if the function returns a tuple), `symbols` each
    parameter to its SymPy symbol.  Prints as ``df/dx = 2*x*y`` lines; a notebook shows
    LaTeX (`_repr_latex_`)."""

    def __init__(self, name: str, wrt: tuple[str, ...], derived: Any):
        t = derived.translation
        self.name = name
        self.wrt = wrt
        self.symbols = dict(t.symbols)
        self.value = tuple(t.outputs) if t.is_tuple else t.outputs[0]
        rows = derived.jacobian
        self.derivatives = {
            w: tuple(row[j] for row in rows) if t.is_tuple else rows[0][j]
            for j, w in enumerate(wrt)
        }

    def __getitem__(self, wrt: str) -> Any:
        return self.derivatives[wrt]

    def lines(self) -> list[str]:
        return [f"d{self.name}/d{w} = {e}" for w, e in self.derivatives.items()]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<symbolic derivatives of {self.name}: {'; '.join(self.lines())}>"

    def _repr_latex_(self) -> str:
        import sympy as sp

        rows = [
            rf"\frac{{\partial {self.name}}}{{\partial {sp.latex(self.symbols[w])}}} &= "
            + sp.latex(e)
            for w, e in self.derivatives.items()
        ]
        return r"$\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$"


def symbolic(func: types.FunctionType, wrt=0) -> SymbolicDerivatives:
    """The closed-form derivatives of `func` along `wrt` (an index, a name, or a tuple
    of them), as SymPy expressions: see SymbolicDerivatives.  For scalar code (numbers,
    `math`, helpers, branches, loops of known length); anything else raises
    NotSymbolicError."""
    names, _ = parse_wrt(func, wrt, parameters(func))
    return SymbolicDerivatives(func.__name__, tuple(names), _derived(func, tuple(names)))

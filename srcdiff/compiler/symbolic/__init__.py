"""Symbolic mode: closed-form derivatives of scalar code, through SymPy.

to_sympy.py runs the function's normalized core with symbols for its parameters
(loops unrolled, branches as `Piecewise`, helpers inlined), differentiate.py applies
`sympy.diff` and simplifies, emit.py shares common subexpressions (`sympy.cse`) and
prints the result as an ordinary Python function.  SymPy is imported when this runs,
never by `import srcdiff`.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import NonScalarOutputError, NotSymbolicError, SrcDiffError
from ..derive import Generated
from ..source import FunctionSource
from . import differentiate, emit
from .to_sympy import Translation, translate

OUTPUTS = ("grad", "value_and_grad", "jacobian", "hessian")


@dataclass
class Derived:
    """A function's symbolic value and its partial derivatives."""

    translation: Translation
    wrt: tuple[str, ...]
    jacobian: list[list[Any]]  # d outputs[i] / d wrt[j]

    @property
    def value(self) -> Any:
        return self.translation.outputs[0]

    def is_current(self) -> bool:
        """Whether every value read from outside is what it was (and no code changed)."""
        t = self.translation
        return all(f.__code__ is code for f, code in t.codes) and all(
            _unchanged(get(), value) for get, value in t.reads
        )


def _unchanged(now: object, then: object) -> bool:
    try:
        return now is then or (type(now) is type(then) and bool(now == then))
    except Exception:  # noqa: BLE001 - an uncomparable value: assume it changed
        return False


def derive(func: types.FunctionType, wrt: Sequence[str]) -> Derived:
    """The symbolic value of `func` and its derivatives along `wrt` (parameter names)."""
    try:
        translation = translate(func)
    except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        # SymPy refusing an operation (comparing a complex value, say): not symbolic
        source = FunctionSource(func)
        raise source.error(
            NotSymbolicError,
            f"symbolic mode could not build the expression of {func.__name__} "
            f"({type(exc).__name__}: {exc})",
            source.tree,
            hint="use mode='reverse' (or 'forward')",
        ) from exc
    symbols = [translation.symbols[w] for w in wrt]
    return Derived(translation, tuple(wrt), differentiate.jacobian(translation.outputs, symbols))


def generate(func: types.FunctionType, wrt: Sequence[str], output: str = "grad") -> Generated:
    """Generated code for `func` by symbolic differentiation: "grad" (returns the
    gradients), "value_and_grad" ((value, gradients)), "jacobian" (one derivative per
    output and `wrt` parameter: a tuple per parameter if the function returns a tuple),
    "hessian" (the second derivative along the one `wrt` parameter)."""
    if output not in OUTPUTS:
        raise SrcDiffError(f"symbolic mode generates {', '.join(OUTPUTS)}; not {output!r}")
    derived = derive(func, wrt)
    return generated(func, derived, output)


def generated(func: types.FunctionType, derived: Derived, output: str) -> Generated:
    """The code of `output` (see `generate`) from what `derive` gave."""
    source = FunctionSource(func)
    wrt = derived.wrt
    name = func.__name__
    with_respect = ", ".join(wrt)
    t = derived.translation
    if output != "jacobian" and t.is_tuple:
        raise NonScalarOutputError(
            f"{name} returns a tuple; {output} needs a scalar output",
            node=source.tree,
            source=source,
            hint="use srcdiff.jacobian for functions with several outputs",
        )
    grads = derived.jacobian[0]
    many = len(wrt) > 1
    if output == "grad":
        outputs = [(f"d{w}", g) for w, g in zip(wrt, grads)]
        result: Any = tuple(range(len(wrt))) if many else 0
        doc = f"Gradient of {name} with respect to {with_respect} (symbolic)."
    elif output == "value_and_grad":
        outputs = [("out", t.outputs[0])] + [(f"d{w}", g) for w, g in zip(wrt, grads)]
        result = (0, tuple(range(1, len(wrt) + 1)) if many else 1)
        doc = f"Value and gradient of {name} with respect to {with_respect} (symbolic)."
    elif output == "hessian":
        if many:
            raise SrcDiffError("hessian takes one parameter; call it once per parameter")
        w = wrt[0]
        outputs = [(f"d2{w}", differentiate.hessian(t.outputs[0], t.symbols[w]))]
        result = 0
        doc = f"Second derivative of {name} with respect to {w} (symbolic)."
    else:
        rows = derived.jacobian
        outputs, shape = [], []
        for j, w in enumerate(wrt):
            column = []
            for i, row in enumerate(rows):
                column.append(len(outputs))
                outputs.append((f"d{w}_{i + 1}" if t.is_tuple else f"d{w}", row[j]))
            shape.append(tuple(column) if t.is_tuple else column[0])
        result = tuple(shape) if many else shape[0]
        doc = f"Jacobian of {name} with respect to {with_respect} (symbolic)."
    entry = f"{name}_{output}"
    code = emit.function(source, entry, doc, outputs, result)
    code.depends_on = t.codes
    return code

"""A call of a derivative srcdiff made, inside a function being differentiated.

    df = srcdiff.grad(f)

    def energy(x):
        return df(x, 0.9) ** 2 + x

`df` is a dispatcher, not source; the code it runs for arguments of given kinds is
generated code, which srcdiff differentiates like any helper (how `hessian` works).  So
a call of it where kinds are known -- the caller's analysis knows them -- stands for that
generated function (`srcdiff_code_for`, which `grad` and `value_and_grad` give what they
return), and the caller differentiates through it: `jax.grad` of a function calling
`jax.grad(f)`.  Numbers and arrays only; anything else keeps the derivative a callable
without a rule, refused as before.
"""

from __future__ import annotations

import ast
import inspect
import types
from collections.abc import Callable, Collection


def code_of_derivative(
    func: object, call: ast.Call, kind_of: Callable, of_value: Callable, plain: Collection
) -> object:
    """The generated function `func` (a derivative srcdiff made) runs for the kinds of
    `call`'s arguments (`kind_of(node)`; a default's `of_value(value)`) where all are
    `plain` (numbers, arrays, integers), else `func` itself."""
    code_for = getattr(func, "srcdiff_code_for", None)
    if code_for is None:
        return func
    kinds = _kinds(func, call, kind_of, of_value, plain)
    if kinds is None:
        return func
    code = code_for(kinds)
    return code if isinstance(code, types.FunctionType) else func


def _kinds(func, call, kind_of, of_value, plain):
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    try:
        signature = inspect.signature(func)
        bound = signature.bind(*call.args, **{str(k.arg): k.value for k in call.keywords})
    except (TypeError, ValueError):
        return None
    kinds = []
    for name, param in signature.parameters.items():
        if name in bound.arguments:
            kind = kind_of(bound.arguments[name])
        else:
            kind = of_value(param.default)
        if kind not in plain:
            return None
        kinds.append(kind)
    return tuple(kinds)

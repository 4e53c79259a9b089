"""Derivatives of derivatives: `grad(grad(f))`, `jacobian(grad(f))`, `jvp(grad(f), ...)`.

What `grad(f)` returns is a dispatcher, not source: the code it runs is generated for
the kinds of the arguments it is given.  At a call, that code is known
(`grad(f).specialize(*args)`: a plain function with source, f's parameters), and
srcdiff differentiates generated code like any other (the guide's decision 6: how
`hessian` works).  So `grad(g)` of a derivative `g` differentiates, at each call, the
code `g` runs for those arguments, as JAX's `grad(grad(f))` does; the derivative made
for each generated function is kept, and is what a call with arguments of the same
kinds reuses.  What the outer function returns has a `specialize` of its own, so third
derivatives nest the same way.

Only the Python backend's `grad` and `value_and_grad` give their code; anything else
(a Numba-compiled derivative, a checkpointed one, whose code drives srcdiff's
checkpointing runtime, `jacobian(f)`, a derivative of containers, whose `specialize`
gives values) is refused where it is met, naming `hessian` and `hvp`.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable

from ..errors import SourceUnavailableError
from .pickling import derivative

# srcdiff's functions that return a new function of the same arguments
_MAKERS = ("grad", "value_and_grad", "jacobian", "hessian")
# those that differentiate at given values: where the primals are in their arguments
_AT_VALUES = {
    "jvp": lambda args, kwargs: (tuple(args[0]), {}),
    "hvp": lambda args, kwargs: (tuple(args[0]), {}),
    "vjp": lambda args, kwargs: (tuple(args), {}),
    "check_grad": lambda args, kwargs: (
        tuple(args),
        {k: v for k, v in kwargs.items() if k not in ("wrt", "rtol", "atol")},
    ),
}


def is_nestable(func: object) -> bool:
    """Whether `func` is a derivative srcdiff made that can give the code it runs."""
    recipe = getattr(func, "srcdiff_recipe", None)
    if recipe is None or not callable(getattr(func, "specialize", None)):
        return False
    options = recipe[2]
    if options.get("checkpoint") is not None:  # (its code runs the checkpointing runtime)
        return False
    return options.get("backend", "python") == "python"


def handles(api_name: str) -> bool:
    return api_name in _MAKERS or api_name in _AT_VALUES


def over(api: Callable, public: Callable, made: Callable, args: tuple, kwargs: dict):
    """`api(made, *args, **kwargs)` for `made` a derivative srcdiff made: on the code
    `made` runs.  `public` is the decorated api, which pickles by name."""
    name = api.__name__
    if name in _AT_VALUES:
        primals, keywords = _AT_VALUES[name](args, kwargs)
        return api(_code(made, primals, keywords), *args, **kwargs)
    return _maker_over(api, public, made, args, kwargs)


def _maker_over(api, public, made, args, kwargs):
    memo: dict = {}

    def for_code(call_args, call_kwargs):
        code = _code(made, call_args, call_kwargs)
        found = memo.get(code)
        if found is None:
            found = memo[code] = api(code, *args, **kwargs)
        return found

    def call(*call_args, **call_kwargs):
        return for_code(call_args, call_kwargs)(*call_args, **call_kwargs)

    bound = inspect.signature(api).bind_partial(None, *args, **kwargs)
    options = {k: v for k, v in bound.arguments.items() if k != "func"}
    result = derivative(call, public, made, **options)
    result.__name__ = f"{api.__name__}_of_{getattr(made, '__name__', 'derivative')}"
    result.__qualname__ = result.__name__
    result.__doc__ = f"{api.__name__} of {made!r}, differentiating the code it runs."
    if api.__name__ in ("grad", "value_and_grad"):  # (their code nests again: third order)
        result.specialize = lambda *a: for_code(a, {}).specialize(*a)
    return result


def _code(made, args, kwargs) -> types.FunctionType:
    """The generated function `made` runs for these arguments."""
    code = made.specialize(*args, **kwargs)
    if not isinstance(code, types.FunctionType):
        raise SourceUnavailableError(
            f"{made!r} gives no code of its own for these arguments (containers of "
            "parameters, or an if its arguments decide: api/static_args.py), so srcdiff "
            "can't differentiate it again",
            hint="for second derivatives use srcdiff.hessian(f) or srcdiff.hvp(f, ...)",
        )
    return code

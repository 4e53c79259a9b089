"""What grad & co. return, as objects that pickle: derivatives for worker processes.

A derivative is called as often as the function itself, so it stays the generated
dispatcher (dispatch.py) -- but held by a `functools.partial` subclass, whose C call
costs about 60 ns (a Python `__call__` costs three times that), because pickle can't be
told how to pickle a plain function.  It pickles as its *recipe*: the srcdiff function
that made it (`grad`, `jacobian`, ...), the user's function and the options.  The
worker calls the recipe again (once: `rebuilt` caches it), so the generated code,
which is specialised to argument types on first call, is generated there; nothing of
the dispatcher travels.

The user's function travels by reference (module and name) where a worker can import
it, else by value from its source (by_value.py).  A derivative made at module level
with ``@srcdiff.grad`` is itself what the module holds under that name: it travels by
reference, and the worker's import makes it again.
"""

from __future__ import annotations

import functools

from ..errors import SrcDiffError
from ..rules import RULES
from .by_value import importable, travelling


class Derivative(functools.partial):
    """A function srcdiff returned: calls go straight to `func` (the generated code);
    `srcdiff_recipe` is (maker, user's function, options) -- what pickle sends."""

    srcdiff_recipe: tuple

    def __reduce__(self):
        maker, func, options = self.srcdiff_recipe
        if not importable(func) and importable(self):
            return self.__qualname__  # @srcdiff.grad at module level: pickle's global form
        options = {k: travelling(v) for k, v in options.items()}
        return rebuilt, (maker, travelling(func), options, dict(RULES.overrides))

    def __copy__(self):  # immutable, as the functions srcdiff returned before were
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        maker, func, options = self.srcdiff_recipe
        shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
        name = getattr(func, "__qualname__", func)
        return f"<srcdiff.{maker.__name__}({name}{', ' if shown else ''}{shown})>"


def derivative(call, maker, func, **options):
    """`call` as srcdiff returns it: the same call, pickled as ``maker(func, **options)``
    (`maker` a module-level function, so pickle sends it by name)."""
    result = Derivative(call)
    result.srcdiff_recipe = (maker, func, options)
    return result


_REBUILT: dict[tuple, Derivative] = {}


def rebuilt(maker, func, options, overrides=None):
    """``maker(func, **options)``, made once per process for hashable options: a worker
    loads a derivative with every task it runs, and generating its code is the cost.
    `overrides`: the rules srcdiff ships that `register_rule` replaced where the
    derivative was pickled; the same must be replaced here (by now the worker has
    imported the function's module), or the derivative would silently differ."""
    missing = [k for k, v in (overrides or {}).items() if RULES.overrides.get(k) != v]
    if missing:
        raise SrcDiffError(
            f"the derivative of {getattr(func, '__qualname__', func)} was pickled where "
            f"srcdiff.register_rule replaced the rule of {', '.join(missing)}; not here",
            hint="call srcdiff.register_rule in a module the workers import (the one "
            "defining the function, say), not in __main__",
        )
    try:
        key = (maker, func, _frozen(options))
        hash(key)
    except TypeError:  # (vjp's primals are arrays)
        return maker(func, **options)
    if key not in _REBUILT:
        if len(_REBUILT) >= 128:  # (closures over per-task data are each new)
            del _REBUILT[next(iter(_REBUILT))]
        _REBUILT[key] = maker(func, **options)
    return _REBUILT[key]


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_frozen(v) for v in value))
    return value

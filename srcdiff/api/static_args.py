"""Derivatives specialised on what the arguments are, where that decides a branch.

`grad(f)(x)` of `def f(x, ax=None): ... if ax is not None: ax.plot(y)` differentiates
`f` less the branch `ax=None` never takes (compiler/static_branches.py), as JAX's
`static_argnums` would: facts about arguments -- None or not, type, a bool or str
flag's value, an array's ndim -- that an `if` test reads are part of what code is
specialised to.  Another call with `ax` given reaches another specialisation, in which
the branch is kept (and refused, as it was).

Each entry point (grad & co., jvp, vjp, jacobian, hessian, hvp, `source`) asks
`static_view(func, values)` for the function to differentiate for those values: the
pruned function, or `func` itself where no test is decided.  A decorator-style entry
(grad, jacobian, hessian) makes the same derivative of the pruned function once per
set of facts (`made_for`).
"""

from __future__ import annotations

import inspect
import types

from ..compiler.static_branches import NOT_GIVEN, VALUE, describe, facts, pruned
from .dispatch import Pinned
from .requests import parameters


def static_view(func, values) -> types.FunctionType:
    """The function to differentiate for one call's `values` (one per parameter, in
    `parameters(func)` order): `func` with the branches these arguments decide pruned,
    or `func` itself.  A pruned function is never pruned again."""
    if not isinstance(func, types.FunctionType) or hasattr(func, "srcdiff_pruned_from"):
        return func
    return pruned(func, facts(func, tuple(values), parameters(func)))


def static_key(func, values) -> tuple:
    """The facts about `values` that `func`'s branches ask (() where none): what code
    kept for one call may be reused for another only if it equals."""
    if not isinstance(func, types.FunctionType):
        return ()
    return facts(func, tuple(values), parameters(func))


def assumptions(func, values) -> list[str]:
    """What `static_view(func, values)` assumed about the arguments, for `srcdiff show`'s
    `# assumed:` line (`ax is None`, `reduce == 'sum'`); [] where nothing was decided."""
    if static_view(func, values) is func:
        return []
    return describe(facts(func, tuple(values), parameters(func)))


def pinned(func, values) -> Pinned:
    """How the dispatcher's fast path may reuse the derivative made for `values`' pruned
    function: for calls of the same types with the same flag values (api/dispatch.py),
    while `func` keeps its code."""
    params = parameters(func)
    key = facts(func, tuple(values), params)
    positions = frozenset(params.index(p) for p, _ in key)
    flags = tuple(
        (params.index(p), dict(answers)[VALUE][1]) for p, answers in key if VALUE in dict(answers)
    )
    return Pinned(positions, flags, ((func, func.__code__),))


_MADE: dict = {}


def made_for(maker, view, **options):
    """`maker(view, **options)` (grad, jacobian, hessian of a pruned function), made once
    per (maker, pruned function, options)."""
    key = (maker, view, repr(sorted(options.items())))
    found = _MADE.get(key)
    if found is None:
        found = _MADE[key] = maker(view, **options)
    return found


def default_values(func) -> tuple:
    """One value per parameter for code made without example arguments (`srcdiff show`
    without --at): each default, or NOT_GIVEN (no fact is assumed about it)."""
    signature = inspect.signature(func).parameters
    return tuple(
        NOT_GIVEN if signature[p].default is inspect.Parameter.empty else signature[p].default
        for p in parameters(func)
    )


def decided_parameters(func, values) -> frozenset[str]:
    """The parameters whose facts decided a branch for `values` (none if none did)."""
    if static_view(func, values) is func:
        return frozenset()
    return frozenset(p for p, _ in facts(func, tuple(values), parameters(func)))


def built_for_every_value(func, at) -> tuple[str | None, frozenset[str]]:
    """For `srcdiff build`, which writes one module for every call: (the note to add to
    an error made while differentiating branches the arguments would decide in-process
    -- from `at`, a dict by name or None, else the defaults -- or None where none would;
    the parameters deciding them)."""
    values = default_values(func)
    if at:
        values = tuple(at.get(p, v) for p, v in zip(parameters(func), values))
    facts = assumptions(func, values)
    if not facts:
        return None, frozenset()
    decided = decided_parameters(func, values)
    return (
        f"srcdiff build writes code for every value of {', '.join(sorted(decided))}, "
        f"so it differentiates every branch they decide (in-process, srcdiff.grad makes "
        f"code for {', '.join(facts)}, without the branches not taken): to build "
        f"{func.__name__}, move such a branch out of it (plot or call back in its caller)"
    ), decided

"""Bound methods and `functools.partial`: the plain function underneath, and what is bound.

`grad(model.loss)` differentiates `type(model).loss` with `self` bound to `model`; inside,
`self.w` reads a leaf of `self` (its attributes are a container of parameters: api/pytrees.py
flattens it `as_object`), so the gradient with respect to `x` sees the current `self.w`
on every call, and ``wrt="self"`` asks for the gradient with respect to `self`'s float
and array attributes, as an instance of the same class built without `__init__` (its
other attributes None).  `grad(partial(f, a, k=v))` differentiates `f` with `a` and `k`
bound; `wrt` counts the partial's own parameters, as calling it does.
"""

from __future__ import annotations

import functools
import inspect
import types
from dataclasses import dataclass, field

from ..compiler.source import as_def
from ..errors import WrtError
from . import nested


def reads_lambdas(api):
    """`api(func, ...)`, given a lambda, works on the `def` it stands for
    (compiler/lambdas.py), as `jax.grad(lambda x: ...)` does."""

    @functools.wraps(api)
    def wrapper(func=None, *args, **kwargs):
        if nested.handles(api.__name__) and nested.is_nestable(func):  # grad(grad(f))
            return nested.over(api, wrapper, func, args, kwargs)
        return api(func if func is None else as_def(func), *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Bound:
    """A callable as (plain function, leading positional arguments, keyword arguments)."""

    func: types.FunctionType
    args: tuple
    keywords: dict = field(default_factory=dict)
    objects: frozenset = frozenset()  # parameters bound to a method's instance
    visible: tuple = ()  # the callable's own parameters (what wrt counts)

    def names(self, wrt) -> tuple[tuple[str, ...], bool]:
        """wrt (indices into the callable's parameters, names, or the instance's name)
        -> (names of the plain function's parameters, single?)."""
        single = not isinstance(wrt, (tuple, list))
        items = [wrt] if single else list(wrt)
        if not items:
            raise WrtError(f"wrt is empty; name at least one parameter of {self.func.__name__}")
        names = []
        allowed = set(self.visible) | set(self.objects)
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (int, str)):
                raise WrtError(f"wrt must be a parameter index or name, not {item!r}")
            if isinstance(item, int):
                if not -len(self.visible) <= item < len(self.visible):
                    raise WrtError(
                        f"wrt={item} is out of range: {self.func.__name__} takes "
                        f"{len(self.visible)} parameter(s) here ({', '.join(self.visible)})"
                    )
                item = self.visible[item]
            elif item not in allowed:
                raise WrtError(
                    f"{self.func.__name__} has no parameter {item!r} here; its parameters "
                    f"are: {', '.join(sorted(allowed, key=self._order))}"
                )
            if item in names:
                raise WrtError(f"wrt names {item!r} twice")
            names.append(item)
        return tuple(names), single

    def _order(self, name):
        params = list(inspect.signature(self.func).parameters)
        return params.index(name) if name in params else len(params)

    def call(self, inner):
        """`inner` (a derivative of the plain function) called as the callable is."""
        args, keywords = self.args, self.keywords

        def call(*more, **kw):
            return inner(*args, *more, **{**keywords, **kw})

        return call


def unwrap(func) -> Bound | None:
    """The Bound form of a bound method or a partial (of either), else None.  What grad
    & co. return is a partial too (api/pickling.py), and stays what it is: srcdiff
    refuses to read it as source, naming hessian instead."""
    if hasattr(func, "srcdiff_recipe"):
        return None
    if isinstance(func, types.MethodType) and isinstance(func.__func__, types.FunctionType):
        params = list(inspect.signature(func.__func__).parameters)
        if not params:
            return None
        return Bound(
            func.__func__,
            (func.__self__,),
            {},
            frozenset({params[0]}),
            tuple(inspect.signature(func).parameters),
        )
    if isinstance(func, functools.partial):
        inner = unwrap(func.func)
        if inner is None:
            if not isinstance(func.func, types.FunctionType):
                return None
            inner = Bound(as_def(func.func), ())
        return Bound(
            inner.func,
            inner.args + tuple(func.args),
            {**inner.keywords, **func.keywords},
            inner.objects,
            tuple(inspect.signature(func).parameters),
        )
    return None


def owner(func) -> str | None:
    """The class name a function taken from its class (`Class.method`) is defined in."""
    qualname = getattr(func, "__qualname__", "")
    if "." not in qualname:
        return None
    cls = qualname.rsplit(".", 1)[0]
    return None if cls.endswith("<locals>") else cls.rsplit(".", 1)[-1]


def instance(func, params, values) -> frozenset:
    """{"self"} when `func` is a method taken from its class (`Class.method`, as `srcdiff
    show` and `check` load it) and given an instance of that class first: its attributes
    are read as leaves, as for a bound method."""
    cls = owner(func)
    if (
        cls is not None
        and params
        and values
        and type(values[0]).__name__ == cls
        and hasattr(values[0], "__dict__")
    ):
        return frozenset({params[0]})
    return frozenset()

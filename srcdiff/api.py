"""The public API: grad, value_and_grad, source, check_grad.

`grad(f)` reads and normalizes `f` at once (so unsupported code fails at
decoration), and generates code on first call, specialised to the kinds of
the arguments (float, array, int, list): scalar code then has no
broadcasting helpers at all.  Specialisations are cached process-wide.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from .analysis import ARRAY, INT, OTHER, SCALAR, SEQ, kind_of_value, rank_of_value
from .cache import cached
from .errors import ArgumentError, NonScalarOutputError, SrcDiffError, WrtError
from .generate import generate_reverse
from .naming import Names
from .normalize import normalize
from .dispatch import Dispatcher
from .parse import FunctionSource

_FAST_KINDS = {float: SCALAR, int: INT, bool: INT, np.float64: SCALAR, np.float32: SCALAR}


def _parse_wrt(func, wrt, params):
    """(names, single?) for a `wrt` given as index, name, or tuple of them."""
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise WrtError(f"wrt is empty; name at least one parameter of {func.__name__}")
    names = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise WrtError(f"wrt must be a parameter index or name, not {item!r}")
        if isinstance(item, int):
            if not -len(params) <= item < len(params):
                raise WrtError(f"wrt={item} is out of range: {func.__name__} has "
                               f"{len(params)} parameter(s) ({', '.join(params)})")
            item = params[item]
        elif item not in params:
            raise WrtError(f"{func.__name__} has no parameter {item!r}; "
                           f"its parameters are: {', '.join(params) or '(none)'}")
        if item in names:
            raise WrtError(f"wrt names {item!r} twice")
        names.append(item)
    return tuple(names), single


def _prepare(func):
    """Parse and normalize eagerly, so unsupported code is reported at decoration.
    Returns the parameter names; cached, as jvp/vjp/hvp call it on every call."""
    key = ("prepare", func)
    if key in _PREPARED:
        return list(_PREPARED[key])
    source = FunctionSource(func)
    normalize(source, Names.for_tree(source.tree))
    tree = source.tree
    params = [a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]]
    _PREPARED[key] = tuple(params)
    return params


_PREPARED = {}


def _keyword_only(func):
    """Names of func's keyword-only parameters (they come last in _prepare's list)."""
    key = ("kwonly", func)
    if key not in _PREPARED:
        _PREPARED[key] = tuple(a.arg for a in FunctionSource(func).tree.args.kwonlyargs)
    return _PREPARED[key]


class _Specializer:
    """Maps argument kinds to compiled code for one (function, wrt, output)."""

    def __init__(self, func, wrt, output):
        self.func = func
        self.wrt = wrt
        self.output = output
        self.params = _prepare(func)
        self.signature = inspect.signature(func)
        self.wrt_index = [self.params.index(w) for w in wrt]
        self.by_key = {}

    def kinds_of(self, args):
        kinds = []
        for i, a in enumerate(args):
            kind = _FAST_KINDS.get(type(a)) or kind_of_value(a)
            kinds.append(kind)
        for i in self.wrt_index:
            if kinds[i] == INT and not isinstance(args[i], np.ndarray):
                kinds[i] = SCALAR
            elif kinds[i] not in (SCALAR, ARRAY, SEQ):
                name = self.params[i]
                what = type(args[i]).__name__
                if kinds[i] == INT:
                    what = f"an integer array (dtype {args[i].dtype})"
                raise ArgumentError(
                    f"cannot differentiate {self.func.__name__} with respect to {name!r}: "
                    f"it was given {what}",
                    hint="pass a float, a float array, or a list of floats "
                         "(integer arrays carry no derivative: use x.astype(float))")
        return tuple(kinds)

    @staticmethod
    def ranks_of(args):
        """ndim of each argument (None for lists and other objects): code is specialised
        to ranks too, so `w[2]` of a 1-D array is known to be one number.  A float array
        other than float64 is marked too ("narrow"): its gradient is cast back to it."""
        return tuple(0 if type(a) in _FAST_KINDS else
                     (a.ndim, "narrow") if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                     and a.dtype != np.float64 else rank_of_value(a) for a in args)

    def compiled(self, args):
        kinds, ranks = self.kinds_of(args), self.ranks_of(args)
        fn = self.by_key.get((kinds, ranks))
        if fn is None:
            fn = self.by_key[kinds, ranks] = self.compiled_for(kinds, ranks)[0]
        return fn

    def compiled_for(self, kinds, ranks=None):
        """(compiled entry, Generated) for argument kinds and ranks, cached process-wide."""
        ranks = tuple(ranks) if ranks is not None else (None,) * len(kinds)
        key = (self.func, self.wrt, self.output, kinds, ranks)

        def build():
            generated = self.generate(kinds, ranks)
            return generated.compile(), generated
        return cached(key, build)

    def generate(self, kinds, ranks=None):
        ranks = ranks if ranks is not None else (None,) * len(kinds)
        narrow = {p for p, r in zip(self.params, ranks) if isinstance(r, tuple)}
        plain = [r[0] if isinstance(r, tuple) else r for r in ranks]
        return generate_reverse(self.func, self.wrt, dict(zip(self.params, kinds)),
                                output=self.output, ranks=dict(zip(self.params, plain)),
                                narrow=narrow)

    def bind(self, args, kwargs):
        if not kwargs and len(args) == len(self.params):
            return args
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ArgumentError(f"{self.func.__name__}(): {exc}") from None
        bound.apply_defaults()
        return tuple(bound.arguments[p] for p in self.params)


def _make(func, wrt, output, doc, mode="reverse"):
    if mode not in ("reverse", "forward"):
        raise SrcDiffError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    params = _prepare(func)
    names, single = _parse_wrt(func, wrt, params)
    spec = _Specializer(func, names, output)

    def slow(args):
        if mode == "forward":
            npos = len(params) - len(_keyword_only(func))
            # the dispatcher passes keyword-only values by keyword: take them back in order
            return (lambda *a, **kw: _forward(func, names, a + tuple(kw[k] for k in params[npos:]),
                                              output, single, spec)), False
        return spec.compiled(args), True

    tree = FunctionSource(func).tree
    dispatcher = Dispatcher(tree, func.__name__, slow, _FAST_KINDS)
    derivative = dispatcher.install(func.__defaults__, func.__kwdefaults__)
    derivative.__qualname__ = getattr(func, "__qualname__", func.__name__)
    derivative.__module__ = func.__module__
    derivative.__doc__ = doc.format(name=func.__name__, wrt=", ".join(names)) + \
        ("\n\n" + func.__doc__ if func.__doc__ else "")
    derivative.__wrapped__ = func
    derivative.wrt = names
    derivative.source = lambda *args, **kwargs: source(func, wrt=wrt, output=output, at=args or None)
    derivative.specialize = lambda *args: spec.compiled(spec.bind(args, {}))
    # Integer arguments in `wrt` are differentiated as floats; their values are passed
    # unchanged (so `range(n)` still works, with zero derivative).
    if not single and len(names) == 1:
        inner = derivative

        @functools.wraps(func)
        def derivative(*args, **kwargs):   # noqa: F811 - tuple result for tuple wrt
            return _as_tuple(inner(*args, **kwargs), output)

        derivative.__doc__, derivative.wrt, derivative.source = inner.__doc__, names, inner.source
        derivative.specialize = inner.specialize
    return derivative


def _forward(func, names, args, output, single, spec):
    from .jacobians import forward_grad
    spec.kinds_of(args)     # the same argument checks as reverse mode
    grads = forward_grad(func, names, args)
    value = func(*args) if output == "value_and_grad" else None
    if output == "value_and_grad" and np.ndim(value) != 0:
        raise NonScalarOutputError(f"grad needs {func.__name__} to return a scalar")
    result = grads[0] if len(names) == 1 else grads   # (a 1-tuple wrt is re-wrapped later)
    return (value, result) if output == "value_and_grad" else result


def _as_tuple(result, output):
    if output == "value_and_grad":
        value, g = result
        return value, (g,)
    return (result,)


def grad(func=None, wrt=0, mode="reverse"):
    """Gradient of scalar function `func` with respect to parameter(s) `wrt`.

    `wrt` is an index, a parameter name, or a tuple of them (then the
    result is a tuple in that order).  Usable as ``grad(f)``, ``@grad`` and
    ``@grad(wrt="x")``.  The derivative code is generated from `func`'s
    source on first call and specialised to the argument types.
    ``mode="forward"`` computes the same gradient by forward mode (one pass
    per input element; one pass in all for scalar inputs).
    """
    if func is None:
        return lambda f: grad(f, wrt=wrt, mode=mode)
    return _make(func, wrt, "grad", "Gradient of {name} with respect to {wrt}.", mode)


def value_and_grad(func=None, wrt=0, mode="reverse"):
    """Like `grad`, but returns ``(func(*args), gradient)`` from one pass."""
    if func is None:
        return lambda f: value_and_grad(f, wrt=wrt, mode=mode)
    return _make(func, wrt, "value_and_grad",
                 "Value and gradient of {name} with respect to {wrt}.", mode)


def _kinds_for_source(func, params, at):
    sig = inspect.signature(func)
    if at is not None:
        bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
        bound.apply_defaults()
        return {p: kind_of_value(bound.arguments[p]) for p in params}
    kinds = {}
    indexed = _indexed_names(func)
    for p in params:
        param = sig.parameters[p]
        ann = param.annotation
        if param.default is not inspect.Parameter.empty:
            kinds[p] = kind_of_value(param.default)
        elif ann in (int, "int", bool, "bool"):
            kinds[p] = INT
        elif ann is np.ndarray or (isinstance(ann, str) and "ndarray" in ann) or \
                "array" in str(ann).lower():
            kinds[p] = ARRAY
        elif ann in (list, tuple, "list", "tuple") or str(ann).startswith(("list", "tuple")):
            kinds[p] = SEQ
        elif p in indexed:      # x[1:], x.shape, x.T: an array
            kinds[p] = ARRAY
        else:
            kinds[p] = SCALAR
        if kinds[p] == OTHER:
            kinds[p] = SCALAR
    return kinds


def _indexed_names(func):
    """Names the function indexes or reads array attributes of (a guess that they are arrays)."""
    import ast as _ast
    tree = FunctionSource(func).tree
    names = set()
    for node in _ast.walk(tree):
        if isinstance(node, _ast.Subscript) and isinstance(node.value, _ast.Name):
            names.add(node.value.id)
        elif isinstance(node, _ast.Attribute) and isinstance(node.value, _ast.Name) and \
                node.attr in ("shape", "T", "ndim", "size", "dtype", "sum", "mean", "reshape"):
            names.add(node.value.id)
    return names


def source(func, wrt=0, mode="reverse", *, output="grad", at=None):
    """The generated derivative source of `func`, as text.

    Parameters are assumed to be floats unless annotated (``x: np.ndarray``), indexed
    in the function (``x[1:]``, ``x.shape``: arrays), or `at` gives example arguments
    (a tuple, or a dict by name).
    """
    if mode not in ("reverse", "forward"):
        from .errors import SrcDiffError
        raise SrcDiffError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    if mode == "forward":
        output = "jvp"
    params = _prepare(func)
    names, _ = _parse_wrt(func, wrt, params)
    kinds = _kinds_for_source(func, params, at)
    for w in names:
        if kinds[w] == INT:
            kinds[w] = SCALAR
    return generate_reverse(func, names, kinds, output=output,
                            ranks=_ranks_for_source(func, params, at)).source()


def _ranks_for_source(func, params, at):
    """Ranks of example arguments `at` (None without them: code for any rank)."""
    if at is None:
        return None
    sig = inspect.signature(func)
    bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
    bound.apply_defaults()
    return {p: rank_of_value(bound.arguments[p]) for p in params}

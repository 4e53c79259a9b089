"""A derivative request, before any code exists: which parameters (`wrt`), the
function's parameter list, and the specialisation of generated code to the kinds,
ranks and dtypes of the arguments it is called with (`Specializer`).

Shared by grad & co., the transforms (jvp, vjp, jacobian, hessian), check_grad, the
command line and `srcdiff build`.
"""

from __future__ import annotations

import ast
import inspect

import numpy as np

from ..compiler.analysis import (
    ARRAY,
    INT,
    OTHER,
    SCALAR,
    SEQ,
    kind_of_value,
    rank_of_value,
)
from ..compiler.derive import generate_reverse
from ..compiler.normalize import normalized
from ..compiler.source import FunctionSource
from ..errors import ArgumentError, WrtError
from ..rules import RULES
from .cache import cached

FAST_KINDS = {float: SCALAR, int: INT, bool: INT, np.float64: SCALAR, np.float32: SCALAR}


def parse_wrt(func, wrt, params):
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


def parameters(func):
    """Parse and normalize eagerly, so unsupported code is reported at decoration.
    Returns the parameter names; cached, as jvp/vjp/hvp call it on every call."""
    key = ("prepare", func)
    if key in _PREPARED:
        return list(_PREPARED[key])
    source = FunctionSource(func)
    normalized(source)      # raises on unsupported code; cached for generation
    tree = source.tree
    params = [a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]]
    _PREPARED[key] = tuple(params)
    return params


_PREPARED = {}


def keyword_only(func):
    """Names of func's keyword-only parameters (they come last in parameters's list)."""
    key = ("kwonly", func)
    if key not in _PREPARED:
        _PREPARED[key] = tuple(a.arg for a in FunctionSource(func).tree.args.kwonlyargs)
    return _PREPARED[key]


class Specializer:
    """Maps argument kinds to compiled code for one (function, wrt, output)."""

    def __init__(self, func, wrt, output):
        self.func = func
        self.wrt = wrt
        self.output = output
        self.params = parameters(func)
        self.signature = inspect.signature(func)
        self.wrt_index = [self.params.index(w) for w in wrt]
        self.by_key = {}

    def kinds_of(self, args):
        kinds = []
        for i, a in enumerate(args):
            kind = FAST_KINDS.get(type(a)) or kind_of_value(a)
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
        return tuple(0 if type(a) in FAST_KINDS else
                     (a.ndim, "narrow") if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                     and a.dtype != np.float64 else rank_of_value(a) for a in args)

    def compiled(self, args):
        kinds, ranks = self.kinds_of(args), self.ranks_of(args)
        key = (kinds, ranks, RULES.version)
        fn = self.by_key.get(key)
        if fn is None:
            fn = self.by_key[key] = self.compiled_for(kinds, ranks)[0]
        return fn

    def compiled_for(self, kinds, ranks=None):
        """(compiled entry, Generated) for argument kinds and ranks, cached process-wide."""
        ranks = tuple(ranks) if ranks is not None else (None,) * len(kinds)
        key = (self.func, self.wrt, self.output, kinds, ranks, RULES.version)

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


def kinds_for_source(func, params, at):
    sig = inspect.signature(func)
    if at is not None:
        bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
        bound.apply_defaults()
        return {p: kind_of_value(bound.arguments[p]) for p in params}
    kinds = {}
    indexed = indexed_names(func)
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


def indexed_names(func):
    """Names the function indexes or reads array attributes of (a guess that they are arrays)."""
    tree = FunctionSource(func).tree
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            names.add(node.value.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.attr in ("shape", "T", "ndim", "size", "dtype", "sum", "mean", "reshape"):
            names.add(node.value.id)
    return names


def ranks_for_source(func, params, at):
    """Ranks of example arguments `at` (None without them: code for any rank)."""
    if at is None:
        return None
    sig = inspect.signature(func)
    bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
    bound.apply_defaults()
    return {p: rank_of_value(bound.arguments[p]) for p in params}

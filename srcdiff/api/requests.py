"""A derivative request, before any code exists: which parameters (`wrt`), the
function's parameter list, and the specialisation of generated code to the kinds,
ranks and dtypes of the arguments it is called with (`Specializer`).

Shared by grad & co., the transforms (jvp, vjp, jacobian, hessian), check_grad, the
command line and `srcdiff build`.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import ItemsView, Iterator, KeysView, ValuesView

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
from ..compiler.derive import generate
from ..compiler.gcpause import gc_paused
from ..compiler.normalize import normalized
from ..compiler.source import FunctionSource
from ..errors import ArgumentError, BackendError, WrtError
from ..rules import RULES
from ..runtime.trees import is_node, tree_leaves
from . import backends, usage
from .cache import cached
from .finite import is_complex

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
                raise WrtError(
                    f"wrt={item} is out of range: {func.__name__} has "
                    f"{len(params)} parameter(s) ({', '.join(params)})"
                )
            item = params[item]
        elif item not in params:
            raise WrtError(
                f"{func.__name__} has no parameter {item!r}; "
                f"its parameters are: {', '.join(params) or '(none)'}"
            )
        if item in names:
            raise WrtError(f"wrt names {item!r} twice")
        names.append(item)
    return tuple(names), single


@gc_paused
def parameters(func):
    """Parse and normalize eagerly, so unsupported code is reported at decoration.
    Returns the parameter names; cached, as jvp/vjp/hvp call it on every call.  With
    the cyclic collector paused, as code generation runs (gcpause.py): its passes over
    the nodes normalisation makes were a fifth of it at 1,000 statements."""
    key = ("prepare", func, getattr(func, "__code__", None))
    if key in _PREPARED:
        return list(_PREPARED[key])
    source = FunctionSource(func)
    normalized(source)  # raises on unsupported code; cached for generation
    tree = source.tree
    params = [a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]]
    _PREPARED[key] = tuple(params)
    return params


_PREPARED: dict[object, object] = {}


def keyword_only(func):
    """Names of func's keyword-only parameters (they come last in parameters's list)."""
    key = ("kwonly", func, getattr(func, "__code__", None))
    if key not in _PREPARED:
        _PREPARED[key] = tuple(a.arg for a in FunctionSource(func).tree.args.kwonlyargs)
    return _PREPARED[key]


def positional(func):
    """`func` taking every parameter by position, keyword-only ones last (as
    `parameters` lists them): what finite differences, which vary one argument of a
    tuple, call."""
    kwonly = keyword_only(func)
    if not kwonly:
        return func
    npos = len(parameters(func)) - len(kwonly)

    def call(*values):
        return func(*values[:npos], **dict(zip(kwonly, values[npos:])))

    return call


def check_differentiable(func, params, wrt_index, args, kinds=None):
    """An ArgumentError unless every argument differentiated is a float, a float array or
    a list of them (`kinds`: their kinds, computed here if not given; ints count as
    floats and their kind is changed in place to SCALAR)."""
    if kinds is None:
        kinds = [FAST_KINDS.get(type(a)) or kind_of_value(a) for a in args]
    for i, arg in enumerate(args):
        if kinds[i] == OTHER and _unindexed(arg):
            _check_not_walked(func, params[i], arg)
        if i not in wrt_index and is_complex(arg):
            raise ArgumentError(
                f"{func.__name__}'s argument {params[i]!r} is a complex value "
                f"({getattr(arg, 'dtype', type(arg).__name__)}); srcdiff differentiates real "
                "values only, and a complex value meeting the ones differentiated would make "
                "their derivative complex or wrong",
                hint="pass the real and imaginary parts as separate float arguments "
                "(x.real, x.imag) and carry them as two real values inside the function",
            )
    for i in wrt_index:
        if is_complex(args[i]):
            what = getattr(args[i], "dtype", type(args[i]).__name__)
            raise ArgumentError(
                f"cannot differentiate {func.__name__} with respect to "
                f"{params[i]!r}: it was given a complex value ({what}); srcdiff "
                "differentiates real values only",
                hint="pass the real and imaginary parts as separate float arguments "
                "(x.real, x.imag) and combine them inside the function",
            )
        if kinds[i] == INT and not isinstance(args[i], np.ndarray):
            kinds[i] = SCALAR
        elif kinds[i] not in (SCALAR, ARRAY, SEQ):
            name = params[i]
            what = type(args[i]).__name__
            if isinstance(args[i], np.ndarray):
                what = f"an array of dtype {args[i].dtype}"
                if np.issubdtype(args[i].dtype, np.integer) or args[i].dtype == bool:
                    what = f"an integer array (dtype {args[i].dtype})"
            raise ArgumentError(
                f"cannot differentiate {func.__name__} with respect to {name!r}: "
                f"it was given {what}",
                hint="pass a float, a float array, or a list of floats "
                "(integer arrays carry no derivative: use x.astype(float))",
            )


def _unindexed(value) -> bool:
    """A set, a dict's view or an iterator: what `for` walks but can't index by
    position, as the generated code walks a sequence an argument holds."""
    return isinstance(value, (set, frozenset, KeysView, ValuesView, ItemsView, Iterator))


def _check_not_walked(func, name, value):
    """An ArgumentError where the function walks or measures the argument `name` -- a
    for loop over it, a comprehension, len() -- which generated code does by position
    (`ks[i]` of a range over len(ks)): a set would fail inside srcdiff's code.  Used
    only in membership tests and the like, it is passed on."""
    if name in _walked(func):
        what = type(value).__name__
        raise ArgumentError(
            f"{func.__name__}'s argument {name!r} is a {what}, which {func.__name__} "
            "walks: srcdiff's code walks a sequence by position, and a "
            f"{what} has none",
            hint=f"pass tuple({name}) (or sorted({name}), for an order of your choosing)",
        )


def _walked(func) -> frozenset:
    """The names the normalized function indexes or measures (`ks[i]`, `len(ks)`): what
    its loops and comprehensions walk by position.  Cached, as the check runs on each
    call given a set (such a call takes the dispatcher's slow path every time)."""
    key = ("walked", func, getattr(func, "__code__", None))
    if key not in _PREPARED:
        found = set()
        for node in ast.walk(normalized(FunctionSource(func)).tree):
            read = node.value if isinstance(node, ast.Subscript) else None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                read = node.args[0] if node.func.id == "len" else None
            if isinstance(read, ast.Name):
                found.add(read.id)
        _PREPARED[key] = frozenset(found)
    walked = _PREPARED[key]
    assert isinstance(walked, frozenset)
    return walked


class Specializer:
    """Maps argument kinds to compiled code for one (function, wrt, output, checkpoint)."""

    def __init__(self, func, wrt, output, checkpoint=None, backend="python"):
        self.func = func
        self.backend = backend  # "python", "numba" or "auto" (api/backends.py)
        self.wrt = wrt
        self.output = output
        self.checkpoint = checkpoint  # snapshots per checkpointed loop, or None
        self.params = parameters(func)
        self.signature = inspect.signature(func)
        self.wrt_index = [self.params.index(w) for w in wrt]
        self.by_key = {}

    def kinds_of(self, args):
        kinds = []
        for a in args:
            kind = FAST_KINDS.get(type(a)) or kind_of_value(a)
            kinds.append(kind)
        check_differentiable(self.func, self.params, self.wrt_index, args, kinds)
        return tuple(kinds)

    @staticmethod
    def ranks_of(args):
        """ndim of each argument (None for lists and other objects): code is specialised
        to ranks too, so `w[2]` of a 1-D array is known to be one number.  An array's rank
        may carry tags (`(ndim, *tags)`): "narrow", a float dtype other than float64 (its
        gradient is cast back to it), "wide" (complex or long double: no dtype-changing folds),
        and "dense", no axis of length 1 (then broadcasting
        against it never stretches an axis, and generated code sums cotangents back with
        a plain `np.sum(g, axis=0)` where `unbroadcast` would otherwise decide at run
        time: compiler/shapes.py).  A Python number is `(0, "python")`: its gradient is a
        Python float (`float(db)`), where a NumPy scalar's keeps its type."""
        return tuple(
            _PYTHON_NUMBER
            if type(a) in (float, int, bool)
            else 0
            if type(a) in FAST_KINDS
            else _rank_with_tags(a)
            for a in args
        )

    def compiled(self, args):
        kinds, ranks = self.kinds_of(args), self.ranks_of(args)
        gradient = self.output.startswith(("grad", "value_and_grad"))
        ints = gradient and any(is_int_scalar(args[i]) for i in self.wrt_index)
        # where float32 scalars are given: a float32 scalar's derivative in float32,
        # however the code computed it, a Python float's a float (as forward mode's)
        casts = ()
        if gradient and any(narrow_float(a) for a in args):
            casts = tuple(_derivative_type(args[i]) for i in self.wrt_index)
        key = (kinds, ranks, ints, casts, RULES.version)
        fn = self.by_key.get(key)
        if fn is None or not _current(fn):
            fn = self.compiled_for(kinds, ranks)[0]
            if ints or casts:
                fn = as_floats(fn, self.output, len(self.wrt) > 1, ints, casts)
            self.by_key[key] = fn
        return fn

    def compiled_for(self, kinds, ranks=None, backend=None):
        """(compiled entry, Generated) for argument kinds and ranks, cached process-wide."""
        backend = backend or self.backend
        ranks = tuple(ranks) if ranks is not None else (None,) * len(kinds)
        if backend != "python":
            backends.load_numba()  # (before RULES.version is read: see load_numba)
        key = (self.func, self.wrt, self.output, self.checkpoint, kinds, ranks, RULES.version)
        if backend != "python":  # (the Python backend's keys stay as they were)
            key += (backend,)

        def build():
            if backend == "python":
                generated = self.generate(kinds, ranks)
                return generated.compile(), generated
            return self._numba(kinds, ranks, backend)

        return cached(key, build, lambda value: value[1].is_current())

    def _numba(self, kinds, ranks, backend):
        """(compiled entry, Generated) of the Numba backend; with "auto", the Python
        backend's where Numba is absent or the code can't be rewritten for it."""
        name = self.func.__name__
        if not backends.numba_available():
            if backend == "numba":
                raise backends.missing_numba()
            backends.fall_back(name, backends.missing_numba())
            return self.compiled_for(kinds, ranks, "python")
        try:
            generated = self.generate(kinds, ranks, backend="numba")
        except BackendError as exc:
            if backend == "numba":
                raise
            backends.fall_back(name, exc)
            return self.compiled_for(kinds, ranks, "python")
        fn = generated.compile()
        if isinstance(fn, tuple):  # (a fwd/bwd pair: vjp)
            return fn, generated

        def python():
            return self.compiled_for(kinds, ranks, "python")[0]

        entry = backends.numba_entry(fn, generated.text, self.func, python, backend == "auto")
        entry.srcdiff_depends_on = generated.depends_on
        return entry, generated

    def generate(self, kinds, ranks=None, backend="python"):
        ranks = ranks if ranks is not None else (None,) * len(kinds)
        return generate(
            self.func,
            self.wrt,
            dict(zip(self.params, kinds)),
            output=self.output,
            **rank_options(dict(zip(self.params, ranks))),
            checkpoint=self.checkpoint,
            backend=backend,
        )

    def bind(self, args, kwargs):
        if not kwargs and len(args) == len(self.params):
            return args
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ArgumentError(f"{self.func.__name__}(): {exc}") from None
        bound.apply_defaults()
        return tuple(bound.arguments[p] for p in self.params)


def _current(fn):
    """Whether compiled code was generated from the code its functions have now."""
    return all(f.__code__ is code for f, code in getattr(fn, "srcdiff_depends_on", ()))


def narrow_float(arg):
    """The type of a NumPy float scalar narrower than float64 (np.float32), else None: the
    derivative with respect to it is of its type, as for float32 arrays and as JAX gives
    it (generated code computing from Python floats, `dx = dx + 1.0 * i`, makes a float)."""
    if isinstance(arg, np.floating) and type(arg) is not np.float64:
        return type(arg)
    return None


def _derivative_type(arg):
    """The type a number argument's derivative is given in: np.float32's for a float32
    scalar, float for a Python float; None (as computed) for anything else."""
    return narrow_float(arg) or (float if type(arg) is float else None)


def as_floats(fn, output, several, ints=True, casts=()):
    """`fn` (generated grad or value_and_grad code) returning floats where integer
    arguments in wrt made it compute integers (`ints`): 2*x at x=3 is the derivative 6.0.
    The integers themselves are passed on unchanged, so `range(n)` still works.
    `casts`: per wrt parameter, the type its real derivative is given in
    (_derivative_type) or None; a complex one is left to the finite check."""

    def one(v, cast):
        if cast is not None and isinstance(v, (float, np.floating)):
            return cast(v)
        return float(v) if ints and is_int_scalar(v) else v

    def floats(g):
        if several:
            return tuple(one(v, c) for v, c in zip(g, casts or (None,) * len(g)))
        return one(g, casts[0] if casts else None)

    def number(value):
        return float(value) if ints and is_int_scalar(value) else value

    if output == "value_and_grad":

        def call(*args, **kwargs):
            value, g = fn(*args, **kwargs)
            return number(value), floats(g)
    elif output == "value_and_grad_aux":

        def call(*args, **kwargs):
            (value, aux), g = fn(*args, **kwargs)
            return (number(value), aux), floats(g)
    elif output == "grad_aux":

        def call(*args, **kwargs):
            g, aux = fn(*args, **kwargs)
            return floats(g), aux
    else:

        def call(*args, **kwargs):
            return floats(fn(*args, **kwargs))

    call.__wrapped__ = fn
    call.srcdiff_depends_on = getattr(fn, "srcdiff_depends_on", ())
    return call


def kinds_for_source(func, params, at):
    """Parameter -> kind for generating code without a call: from example arguments `at`
    (a tuple, or a dict by name) if given, else as `assumed_kinds` guesses."""
    if at is not None:
        sig = inspect.signature(func)
        try:
            bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
        except TypeError as exc:  # too few or too many example arguments
            raise ArgumentError(
                f"the example arguments `at` don't fit {func.__name__}{sig}: {exc}"
            ) from None
        bound.apply_defaults()
        return {p: kind_of_value(bound.arguments[p]) for p in params}
    return {p: kind for p, (kind, _) in assumed_kinds(func, params).items()}


_USE_KINDS = {usage.COUNT: INT, usage.NUMBER: SCALAR, usage.ARRAY: ARRAY}


def assumed_kinds(func, params):
    """{parameter: (kind, why)} without example arguments: a default value's kind, an
    annotation (`x: np.ndarray`, `n: int`), else how the function uses the parameter
    (srcdiff/api/usage.py: `x @ w`, `np.exp(x)`, `x[1:]` make arrays, `range(n)` a
    count, `math.sin(x)` a float), else a float.  Array code also runs on floats, so
    a parameter used with NumPy is assumed to be an array."""
    sig = inspect.signature(func)
    uses = usage.parameter_uses(func)
    kinds = {}
    for p in params:
        param = sig.parameters[p]
        ann = param.annotation
        if param.default is not inspect.Parameter.empty:
            kind, why = kind_of_value(param.default), "its default"
        elif ann in (int, "int", bool, "bool"):
            kind, why = INT, "annotated"
        elif (
            ann is np.ndarray
            or (isinstance(ann, str) and "ndarray" in ann)
            or "array" in str(ann).lower()
        ):
            kind, why = ARRAY, "annotated"
        elif ann in (list, tuple, "list", "tuple") or str(ann).startswith(("list", "tuple")):
            kind, why = SEQ, "annotated"
        elif ann in (float, "float"):
            kind, why = SCALAR, "annotated"
        elif p in uses:
            kind, why = _USE_KINDS[uses[p][0]], uses[p][1]
        else:
            kind, why = SCALAR, "not used as an array"
        if kind == OTHER:
            kind, why = SCALAR, "not used as an array"
        kinds[p] = (kind, why)
    return kinds


def is_int_scalar(value):
    """A Python or NumPy integer, not a bool: differentiated as the float it equals."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def count_parameters(func):
    """Parameters that are counts, not inputs: annotated `int`, with an integer default,
    or used as counts (`range(n)`, an index, a shape or axis: srcdiff/api/usage.py)."""
    key = ("counts", func)  # vjp asks on every call
    if key not in _PREPARED:
        found = usage.counts(func)
        for name, param in inspect.signature(func).parameters.items():
            if param.annotation in (int, "int") or is_int_scalar(param.default):
                found.add(name)
        _PREPARED[key] = frozenset(found)
    return set(_PREPARED[key])


def default_wrt(func, values):
    """The parameters differentiated when none are named (vjp, `srcdiff check`): every
    float, float array and list of floats, and every integer that is not a count
    (`count_parameters`); `values` has one value per parameter, in order."""
    counts = None
    chosen = []
    for p, v in zip(parameters(func), values):
        if is_int_scalar(v):
            counts = count_parameters(func) if counts is None else counts
            if p not in counts:
                chosen.append(p)
        elif kind_of_value(v) in (SCALAR, ARRAY, SEQ):
            chosen.append(p)
        elif is_node(v) and any(
            kind_of_value(leaf) in (SCALAR, ARRAY, SEQ) for leaf in tree_leaves(v)
        ):
            chosen.append(p)  # a container with float leaves (api/pytrees.py)
    return tuple(chosen)


def bound_values(func, at):
    """One value per parameter (defaults filled in) from example arguments `at` (a tuple,
    or a dict by name)."""
    sig = inspect.signature(func)
    try:
        bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
    except TypeError as exc:
        raise ArgumentError(
            f"the example arguments `at` don't fit {func.__name__}{sig}: {exc}"
        ) from None
    bound.apply_defaults()
    return tuple(bound.arguments.values())


def ranks_for_source(func, params, at):
    """Ranks of example arguments `at` (None without them: code for any rank)."""
    if at is None:
        return None
    sig = inspect.signature(func)
    bound = sig.bind(*at) if isinstance(at, tuple) else sig.bind(**at)
    bound.apply_defaults()
    return {p: _rank_with_tags(bound.arguments[p]) for p in params}


def rank_options(ranks):
    """`generate`'s ranks, narrow and dense arguments from {parameter: rank, possibly
    tagged} (ranks_of)."""
    ranks = ranks or {}

    def tagged(tag):
        return {p for p, r in ranks.items() if isinstance(r, tuple) and tag in r}

    plain = {p: r[0] if isinstance(r, tuple) else r for p, r in ranks.items()}
    return {
        "ranks": plain,
        "narrow": tagged("narrow"),
        "dense": tagged("dense"),
        "python_numbers": tagged("python"),
        "wide": tagged("wide"),
    }


def _wide(dtype):
    """A complex or long-double dtype: generated code then keeps every dtype as written
    (no folding of `np.full_like(a, c) * b` into `c * b`: compiler/fills.py)."""
    return dtype.kind == "c" or (dtype.kind == "f" and dtype.itemsize > 8)


_PYTHON_NUMBER = (0, "python")


def _rank_with_tags(value):
    """An argument's rank for the specialisation key (Specializer.ranks_of)."""
    if type(value) in (float, int, bool):
        return _PYTHON_NUMBER
    if isinstance(value, np.generic) and _wide(value.dtype):
        return (0, "wide")
    if not isinstance(value, np.ndarray):
        return rank_of_value(value)
    tags = ()
    if value.dtype.kind == "f" and value.dtype != np.float64:
        tags += ("narrow",)
    if _wide(value.dtype):
        tags += ("wide",)
    if value.ndim and 1 not in value.shape:
        tags += ("dense",)
    return (value.ndim, *tags) if tags else value.ndim


def unshared(values):
    """`values` (a tuple of arguments) with every array in them copied, lists, tuples and
    dicts rebuilt around the copies.  The API calls the user's function itself where it
    needs only its value (a Jacobian's shape, forward mode's value, a jvp with no
    direction): a function that changes an argument in place (`x -= v`) must not change
    the caller's array -- nor the point every later pass differentiates at."""
    return tuple(_unshared(v) for v in values)


def _unshared(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_unshared(v) for v in value)
    if type(value) is dict:
        return {k: _unshared(v) for k, v in value.items()}
    return value

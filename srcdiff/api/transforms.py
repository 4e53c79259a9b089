"""jvp, vjp, jacobian, hessian, hvp -- following JAX's conventions.

* ``jvp(f, primals, tangents) -> (out, tangent_out)``: forward mode, one pass.
* ``vjp(f, *primals) -> (out, vjp_fn)``: reverse mode; the forward sweep runs
  once and ``vjp_fn(cotangent)`` runs the backward sweep.
* ``jacobian(f, wrt, mode)``: shape ``out.shape + in.shape``; "auto" picks
  forward mode when the input has fewer than twice as many elements as the output
  (a forward pass costs about half a backward pass: `auto_mode`).
* ``hessian(f, wrt)``: forward over reverse -- forward mode applied to the
  gradient code srcdiff generated (which is ordinary Python).
* ``hvp(f, primals, v, wrt)``: a Hessian-vector product without forming H.
"""

from __future__ import annotations

import types

import numpy as np

from ..compiler.results import check_scalar_result
from ..errors import ArgumentError, BackendError, DomainError, SrcDiffError, as_domain_error
from ..rules import RULES
from ..runtime import core as runtime
from . import callables, pytrees
from .backends import check_backend, fall_back, translate
from .cache import cached
from .finite import all_finite, refuse
from .forward import jacobian_columns
from .modes import auto_mode
from .pickling import derivative
from .requests import (
    Specializer,
    check_differentiable,
    default_wrt,
    is_int_scalar,
    keyword_only,
    narrow_float,
    parameters,
    parse_wrt,
    unshared,
)
from .static_args import made_for, static_key, static_view
from .symbolic import make as symbolic_make


def _specializer(func, wrt, output, backend="python"):
    key = ("specializer", func, wrt, output) + ((backend,) if backend != "python" else ())
    return cached(key, lambda: Specializer(func, wrt, output, backend=backend))


def _split_keyword_only(func, values):
    """Values for all parameters, in order -> (positional ones, keyword-only ones by name):
    generated functions keep f's keyword-only parameters keyword-only."""
    names = keyword_only(func)
    if not names:
        return tuple(values), {}
    npos = len(values) - len(names)
    return tuple(values[:npos]), dict(zip(names, values[npos:]))


def _bind_all(func, args, kwargs):
    """Arguments for every parameter of `func`, in order, from a call's args and kwargs
    (defaults filled in), as `func` itself would bind them."""
    import inspect

    if not kwargs and len(args) == len(parameters(func)):
        return tuple(args)  # one value per parameter, keyword-only ones included
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError as exc:
        raise ArgumentError(f"{func.__name__}(): {exc}") from None
    bound.apply_defaults()
    return tuple(bound.arguments[p] for p in parameters(func))


def _call_all(func, values):
    """func called with one value per parameter, in order (_bind_all's): its keyword-only
    parameters by keyword."""
    names = keyword_only(func)
    if not names:
        return func(*values)
    npos = len(values) - len(names)
    return func(*values[:npos], **dict(zip(names, values[npos:])))


def _in_dtype(g, x):
    """A derivative with respect to a float32 array or scalar in float32 (where the
    function or the derivative code computed in float64, or from Python floats), as grad
    gives it and JAX does; a complex one is left to the finite check to refuse."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return g.astype(x.dtype) if isinstance(g, np.ndarray) and g.dtype != x.dtype else g
    if type(x) is float and isinstance(g, np.floating):
        return float(g)  # (a Python float's derivative a float, float32 code around it)
    cast = narrow_float(x)
    if cast is None:
        return g
    if isinstance(g, np.ndarray) and g.dtype.kind == "f":
        return g.astype(cast)  # (a Jacobian block of a scalar: 0-d, or of an array result)
    return cast(g) if isinstance(g, (float, np.floating)) else g


def _as_given(g, x):
    """The cotangent of a list or tuple of numbers as a list or tuple: the split pair's
    backward sweep gives it as adjoints are inside generated code (an array indexed like
    it), as it gives one to a calling function."""
    if g is not None and isinstance(x, (list, tuple)):
        return runtime.like(g, x)
    return g


def _guarded(fn, *args, own=None, **kwargs):
    """Call generated code; an arithmetic error in it means the derivative is not finite
    at this point (a DomainError naming the generated and the user's line), unless `own()`
    (the user's function at the same point) fails the same way."""
    try:
        return fn(*args, **kwargs)
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise as_domain_error(exc, own) from None


def _as_float(value):
    return float(value) if is_int_scalar(value) else value


# -- forward mode ---------------------------------------------------------------------
@callables.reads_lambdas
def jvp(func, primals, tangents, *, backend="python"):
    """(func(*primals), directional derivative along `tangents`), by forward mode.

    `tangents` has one entry per primal; use None (or 0.0) for arguments
    that carry no derivative, such as integers.  `backend`: "python" (the default),
    "numba" (the tangent code compiled by Numba) or "auto" (Numba where it compiles).
    """
    check_backend(backend)
    primals, tangents = tuple(primals), tuple(tangents)
    fast = _number_jvp(func, primals, tangents, backend)
    if fast is not None:
        return fast
    objects: frozenset = frozenset()
    bound = callables.unwrap(func)
    if bound is not None:  # a bound method or partial: its function, no tangent for self
        func, objects = bound.func, bound.objects
        primals, given = _bound_primals(bound, primals)
        tangents = tuple(
            tangents[given.index(j)] if j in given else None for j in range(len(primals))
        )
    if objects or pytrees.has_containers(primals) or pytrees.returns_container(func):
        # containers of parameters or results: the flat view, results rebuilt around it
        flat = pytrees.Flattened(func, primals, objects, results=True)
        value, tangent = jvp(
            flat.view.func, flat.flat_values, pytrees.flat_tangents(flat, tangents)
        )
        return (
            pytrees.structured_result(flat, value),
            pytrees.structured_result(flat, tangent, None),
        )
    given, func = func, static_view(func, primals)  # the branches these arguments decide
    params = parameters(func)
    if len(primals) != len(params) or len(tangents) != len(primals):
        raise ArgumentError(
            f"jvp needs one primal and one tangent per parameter of "
            f"{func.__name__} ({', '.join(params)})"
        )
    wrt = tuple(
        p
        for p, a, t in zip(params, primals, tangents)
        if t is not None and not (isinstance(a, int) and not isinstance(a, bool) and _is_zero(t))
    )
    if not wrt:
        return func(*unshared(primals)), 0.0
    primals = tuple(_as_float(a) if p in wrt else a for p, a in zip(params, primals))
    spec = _specializer(func, wrt, "jvp", backend)
    fn = spec.compiled(primals)
    dts = [_tangent_like(t, a) for p, a, t in zip(params, primals, tangents) if p in wrt]
    pos, kw = _split_keyword_only(func, primals)
    value, tangent = _guarded(fn, *pos, *dts, own=lambda: func(*unshared(primals)), **kw)
    if not all_finite(tangent):
        along = ", ".join(wrt)
        raise refuse(lambda: fn(*pos, *dts, **kw), [(along, tangent)], func.__name__)
    mask = tuple(t is not None for t in tangents)
    if (
        not kw
        and _numbers_only(primals, tangents)
        and wrt == tuple(p for p, m in zip(params, mask) if m)
    ):
        key = static_key(given, primals)  # (the flags the code was pruned for)
        _NUMBER_JVPS[(given, mask, backend)] = (fn, RULES.version, _types(primals), key)
    return value, tangent


# (func, which tangents are given) -> (tangent code, rule table version, primal types),
# for calls whose tangents are floats along float primals, the other primals Python
# numbers (a step count): jvp of a cheap scalar function is then a few checks and one
# call, not a specialisation lookup (benchmarks/bench_forward.py)
_NUMBER_JVPS: dict = {}


def _number_jvp(func, primals, tangents, backend="python"):
    """jvp's result by the cached tangent code when every primal and tangent is a float
    (None where no tangent), or None: anything else -- an arithmetic error, a derivative
    that is not finite, replaced code -- takes the general path, which reports it."""
    entry = _NUMBER_JVPS.get((func, tuple(t is not None for t in tangents), backend))
    if entry is None or len(primals) != len(tangents) or entry[1] != RULES.version:
        return None
    fn = entry[0]
    if _types(primals) != entry[2] or not all(
        f.__code__ is code for f, code in fn.srcdiff_depends_on
    ):
        return None
    if entry[3] and static_key(func, primals) != entry[3]:  # another flag's code
        return None
    try:
        value, tangent = fn(*primals, *[t for t in tangents if t is not None])
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return (value, tangent) if type(tangent) is float and tangent - tangent == 0.0 else None


def _numbers_only(primals, tangents):
    """Whether jvp's cached tangent code may take these arguments as they are: floats
    along a float tangent, and Python numbers (a step count, a flag) with no tangent.
    Generated code is specialised to argument types, not values, so the same types take
    the same code."""
    return all(
        type(a) is float if t is not None else type(a) in (float, int, bool)
        for a, t in zip(primals, tangents)
    ) and all(type(t) is float for t in tangents if t is not None)


def _types(values):
    return tuple(map(type, values))


def _is_zero(t):
    return np.ndim(t) == 0 and t == 0


def _tangent_like(t, a):
    """The tangent `t` given for primal `a`, in `a`'s shape (a scalar is broadcast to it);
    ArgumentError for one of another shape, or one that is not a real number or array.
    (A list primal took any tangent: one too long was read in part, one too short or a
    scalar raised an IndexError from the tangent code; a complex tangent came back
    complex, or lost its imaginary part with only a ComplexWarning.)"""
    if isinstance(a, np.ndarray) and type(t) is np.ndarray:
        if t.dtype == a.dtype and t.shape == a.shape:
            view = t.view()  # of a's shape and dtype already: a read-only view, as
            view.flags.writeable = False  # broadcast_to gives, but cheaper
            return view
    shape = (len(a),) if isinstance(a, (list, tuple)) else np.shape(a)
    try:
        values = np.asarray(t)
    except (TypeError, ValueError):  # a ragged sequence
        values = np.asarray(None)
    if values.dtype.kind not in "biuf":
        raise ArgumentError(
            f"a tangent of type {type(t).__name__}"
            + (f" (dtype {values.dtype})" if isinstance(t, np.ndarray) else "")
            + f" was given for an argument of shape {shape}",
            hint="give each tangent as a real number or a float array of its primal's shape",
        )
    if values.shape != shape and not _broadcasts_to(values.shape, shape):
        raise ArgumentError(
            f"a tangent of shape {values.shape} was given for an argument of shape {shape}",
            hint="give each tangent its primal's shape (or a scalar, broadcast to it)",
        )
    if isinstance(a, (list, tuple)):
        return np.broadcast_to(np.asarray(values, dtype=float), shape)
    if isinstance(a, np.ndarray):
        return np.broadcast_to(np.asarray(values, dtype=a.dtype), shape)
    if isinstance(a, np.floating) and type(a) is not np.float64:
        return type(a)(values)  # a float32 primal's tangent in float32, as for arrays
    if type(t) is not float and values.ndim == 0 and not isinstance(a, np.ndarray):
        # a number's tangent is a number: a 0-d array (np.ones_like(0.3)) or an int made
        # the tangent code's arithmetic arrays, which the Numba backend can't unify
        return float(values)
    return t


def _broadcasts_to(shape, target) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


# -- reverse mode ---------------------------------------------------------------------
@callables.reads_lambdas
def vjp(func, *primals, backend="python"):
    """(func(*primals), vjp_fn); vjp_fn(cotangent) -> one cotangent per primal.

    Floats, float arrays, lists of floats and integers (as the floats they equal) are
    differentiated; arguments that carry no derivative get None: integers the function
    uses as counts (`range(n)`, an index, a shape, an `int` annotation or default),
    integer arrays, strings.  `backend`: as for `grad` ("numba" compiles the forward and
    backward sweeps; the tape between them is two NumPy arrays).
    """
    backend = check_backend(backend)
    bound = callables.unwrap(func)
    if bound is None:
        return _vjp(func, primals, None, backend)
    # a bound method or partial: cotangents for its own arguments (self's are left out)
    values, given = _bound_primals(bound, primals)
    out, inner = _tree_vjp(bound.func, values, None, bound.objects)

    def pullback(cotangent):
        every = inner(cotangent)
        return tuple(every[j] for j in given)

    return out, pullback


def _bound_primals(bound, primals):
    """(a value for every parameter of the plain function, the positions `primals`
    fill): a partial's or method's bound arguments around the primals given, its
    keywords after them (`partial(f, s=2.0)` takes x by position, s by keyword)."""
    values = _bind_all(bound.func, bound.args + tuple(primals), bound.keywords)
    start = len(bound.args)
    return values, tuple(range(start, start + len(primals)))


def _vjp(func, primals, wrt, backend="python"):
    """vjp with respect to `wrt` (names), or every differentiable argument if None."""
    if pytrees.has_containers(primals) or pytrees.returns_container(func):
        return _tree_vjp(func, primals, wrt)
    func = static_view(func, primals)  # the branches these arguments decide, pruned
    recipe = {"primals": primals, "wrt": wrt}  # (a pickled pullback is made again from it)
    if backend != "python":
        recipe["backend"] = backend
    params = parameters(func)
    if len(primals) != len(params):
        raise ArgumentError(
            f"vjp needs one primal per parameter of {func.__name__} ({', '.join(params)})"
        )
    ints = ()
    if wrt is None:
        wrt = default_wrt(func, primals)
        # integers chosen here are passed unchanged (a count srcdiff did not recognise
        # still works); what they make integer is returned as floats
        ints = [p for p, a in zip(params, primals) if p in wrt and is_int_scalar(a)]
    if not wrt:
        raise ArgumentError(
            f"no argument of {func.__name__} is differentiable here "
            "(floats, float arrays, lists of floats, integers that are "
            "not counts)"
        )
    spec = _specializer(func, wrt, "split", backend)
    primals = tuple(
        _as_float(a) if p in wrt and p not in ints else a for p, a in zip(params, primals)
    )
    kinds, ranks = spec.kinds_of(primals), spec.ranks_of(primals)
    (fwd, bwd), generated = spec.compiled_for(kinds, ranks)
    if generated.backend == "numba":
        try:
            return _vjp_numba(func, primals, wrt, ints, fwd, bwd, generated, recipe)
        except BackendError as exc:
            if backend != "auto":
                raise
            fall_back(func.__name__, exc)
            (fwd, bwd), generated = spec.compiled_for(kinds, ranks, "python")
    stack = []
    pos, kw = _split_keyword_only(func, primals)
    out = _guarded(fwd, stack, *pos, **kw)
    if ints and is_int_scalar(out):
        out = float(out)
    saved = list(stack)
    multiple = _several_outputs(bwd, out)
    first = [True]

    def vjp_fn(cotangent):
        cts = tuple(cotangent) if multiple else (cotangent,)
        _check_cotangents(cts, out if multiple else (out,))
        if first[0] or not generated.mutates:
            first[0] = False
            run_stack = list(saved)  # the backward sweep pops: give it its own copy
        else:  # the first backward sweep restored arrays in place: run the forward again
            run_stack = []
            _guarded(fwd, run_stack, *pos, **kw)
        rerun = list(run_stack)
        grads = _guarded(bwd, run_stack, *cts)
        grads = grads if len(wrt) > 1 else (grads,)
        if not all_finite(grads):
            raise refuse(lambda: bwd(list(rerun), *cts), list(zip(wrt, grads)), func.__name__)
        by_name = dict(zip(wrt, grads))
        for p in ints:
            by_name[p] = _as_float(by_name[p]) if is_int_scalar(by_name[p]) else by_name[p]
        return tuple(_in_dtype(_as_given(by_name.get(p), a), a) for p, a in zip(params, primals))

    # pickled, the pullback is its recipe: the worker runs the forward sweep again
    return out, derivative(vjp_fn, pullback, func, **recipe)


def _check_cotangents(cts, outs) -> None:
    """A cotangent must have its output's shape: a wrong one would otherwise fail (or,
    where it broadcasts, give a wrong answer) inside the generated backward sweep."""
    if len(cts) != len(outs):
        raise ArgumentError(
            f"vjp_fn was given {len(cts)} cotangents for {len(outs)} outputs",
            hint="give one cotangent per output, each of its output's shape",
        )
    for ct, o in zip(cts, outs):
        if isinstance(o, list) and not _separate(o):
            continue  # a list of numbers (one array result): shapes checked as an array
        if isinstance(o, (list, tuple)) and _separate(o):  # items of several shapes
            if not isinstance(ct, (list, tuple)):
                what = type(o).__name__
                raise ArgumentError(
                    f"a {type(ct).__name__} was given as the cotangent of a {what} of "
                    f"{len(o)} results",
                    hint=f"give a {what} with one cotangent per item, each of its item's shape",
                )
            _check_cotangents(tuple(ct), tuple(o))
            continue
        if np.shape(ct) != np.shape(o):
            raise ArgumentError(
                f"a cotangent of shape {np.shape(ct)} was given for an output of shape "
                f"{np.shape(o)}",
                hint="give each cotangent its output's shape",
            )


def _tree_vjp(func, primals, wrt, objects=frozenset()):
    """vjp where primals include containers: the flat view's, cotangents regrouped (a
    container's cotangent has its structure, None for leaves that carry no derivative)."""
    flat = pytrees.Flattened(func, primals, objects, results=True)
    flat_params = parameters(flat.view.func)
    if wrt is not None:
        chosen = set(flat.flat_wrt(wrt))
    else:  # every float leaf, and the plain arguments default_wrt chooses
        leaves = {n for names in flat.view.leaves.values() for n in names}
        chosen = set(flat.flat_wrt(tuple(flat.leaves))) | (
            set(default_wrt(flat.view.func, flat.flat_values)) - leaves
        )
    flat_wrt = tuple(p for p in flat_params if p in chosen)
    if not flat_wrt:
        raise ArgumentError(f"no argument of {func.__name__} is differentiable here")
    out, inner = _vjp(flat.view.func, flat.flat_values, flat_wrt)
    name = getattr(func, "__name__", "the function")

    def vjp_fn(cotangent):
        cts = inner(pytrees.flat_cotangent(flat, cotangent, name))
        return pytrees.regroup_all(flat, dict(zip(flat_params, cts)))

    return pytrees.structured_result(flat, out), vjp_fn


def pullback(func, primals, wrt=None, backend="python"):
    """vjp's second result alone: what a pickled pullback is made again from."""
    return _vjp(func, tuple(primals), wrt, backend)[1]


def _vjp_numba(func, primals, wrt, ints, fwd, bwd, generated, recipe):
    """vjp through the Numba backend's fwd/bwd pair: the tape is handed over as arrays
    and positions (njit.rewrite); the backward sweep only reads it, so every cotangent
    runs from the same tape."""
    import numba.core.errors

    params = parameters(func)
    k = len(generated.tape)
    tape = (np.empty(64), 0) + ((np.empty(16, np.int64), 0) if k == 4 else ())
    pos, kw = _split_keyword_only(func, primals)
    try:
        result = _guarded(fwd, *tape, *pos, **kw)
    except numba.core.errors.NumbaError as exc:
        raise translate(exc, generated.text, func) from None
    out = result[0] if len(result) == k + 1 else result[:-k]
    state = result[-k:]
    if ints and is_int_scalar(out):
        out = float(out)
    multiple = _several_outputs(bwd, out, k)
    positions = k // 2

    def vjp_fn(cotangent):
        cts = tuple(cotangent) if multiple else (cotangent,)
        _check_cotangents(cts, out if multiple else (out,))
        try:
            back = _guarded(bwd, *state, *cts)
        except numba.core.errors.NumbaError as exc:
            raise translate(exc, generated.text, func) from None
        grads = back[:-positions]
        if not all_finite(grads):
            raise refuse(lambda: bwd(*state, *cts), list(zip(wrt, grads)), func.__name__)
        by_name = dict(zip(wrt, grads))
        for p in ints:
            by_name[p] = _as_float(by_name[p]) if is_int_scalar(by_name[p]) else by_name[p]
        return tuple(_in_dtype(by_name.get(p), a) for p, a in zip(params, primals))

    return out, derivative(vjp_fn, pullback, func, **recipe)


# -- Jacobians ---------------------------------------------------------------------------
@callables.reads_lambdas
def jacobian(func, wrt=0, mode="auto"):
    """A function computing the Jacobian of `func` with respect to `wrt`.

    The result has shape ``out.shape + in.shape`` (a tuple of such arrays
    when `wrt` is a tuple).  `mode`: "forward", "reverse", or "auto"
    (forward when the input has fewer than twice as many elements as the output: a
    forward pass costs about half a backward pass, see `auto_mode`), or "symbolic"
    (closed-form derivatives of scalar code, api/symbolic.py).
    """
    if mode == "symbolic":  # closed-form derivatives (api/symbolic.py)
        return symbolic_make(
            jacobian, func, wrt, "jacobian", "Jacobian of {name} with respect to {wrt}."
        )
    if mode not in ("auto", "forward", "reverse"):
        raise SrcDiffError(f"mode must be 'auto', 'forward', 'reverse' or 'symbolic', not {mode!r}")
    bound = callables.unwrap(func)
    if bound is not None:  # a bound method or partial: its function, with what is bound
        return _bound_jacobian(func, bound, wrt, mode)
    params = parameters(func)
    names, single = parse_wrt(func, wrt, params)

    def jac(*args, **kwargs):
        args = _bind_all(func, args, kwargs)
        if pytrees.has_containers(args) or pytrees.returns_container(func):
            # blocks in the containers' structure (as JAX): the result's outside, the
            # argument's inside
            return _tree_jacobian(pytrees.Flattened(func, args, results=True), names, single, mode)
        view = static_view(func, args)
        if view is not func:  # branches these arguments decide: the pruned function's
            return made_for(jacobian, view, wrt=wrt, mode=mode)(*args)
        check_differentiable(func, params, [params.index(n) for n in names], args)
        value = _call_all(func, unshared(args))
        if _separate(value):  # results of several shapes: a tuple of Jacobians (as JAX)
            return _jac_of_tuple(func, args, names, single, value, mode)
        out = np.asarray(value)
        results = []
        for name in names:
            i = params.index(name)
            x = np.asarray(args[i], dtype=float) if not isinstance(args[i], np.ndarray) else args[i]
            chosen = auto_mode(x.size, out.size) if mode == "auto" else mode
            if chosen == "forward":
                block = _jac_forward(func, args, i, x, out)
            else:
                block = _jac_reverse(func, args, i, x, out)
            results.append(_in_dtype(block, args[i]))  # (as grad: float32 in, float32 out)
        return results[0] if single else tuple(results)

    result = derivative(jac, jacobian, func, wrt=wrt, mode=mode)
    result.__name__ = result.__qualname__ = f"jacobian_{func.__name__}"
    result.__doc__ = f"Jacobian of {func.__name__} with respect to {', '.join(names)}."
    return result


def _bound_jacobian(func, bound, wrt, mode):
    names, single = bound.names(wrt)
    plain = jacobian(bound.func, names[0] if single else names, mode)
    objects = bound.objects

    def jac_bound(*args, **kwargs):
        if not objects:
            return plain(*bound.args, *args, **{**bound.keywords, **kwargs})
        values = _bind_all(bound.func, bound.args + args, {**bound.keywords, **kwargs})
        flat = pytrees.Flattened(bound.func, values, objects, results=True)
        return _tree_jacobian(flat, names, single, mode)

    return derivative(jac_bound, jacobian, func, wrt=wrt, mode=mode)


def _tree_jacobian(flat, names, single, mode):
    """The Jacobian of a flat view, in the structures of `names` (inside) and of the
    result (outside: a container result's leaves each hold their Jacobian, None for
    constant leaves; a tuple of differently shaped results, one Jacobian each)."""
    flat_wrt = flat.flat_wrt(names)
    result = flat.view.result
    if result is not None and result.computed > 1:
        value = flat.view.func(*unshared(flat.flat_values))
        blocks = _jac_of_tuple(flat.view.func, flat.flat_values, flat_wrt, False, value, mode)
        per_result = [flat.regroup(names, b) for b in blocks]
        return pytrees.structured_result(
            flat, tuple(r[0] if single else r for r in per_result), None
        )
    blocks = jacobian(flat.view.func, wrt=flat_wrt, mode=mode)(*flat.flat_values)
    if result is None and _separate(flat.view.func(*unshared(flat.flat_values))):  # one per result
        per_result = [flat.regroup(names, b) for b in blocks]
        return tuple(r[0] if single else r for r in per_result)
    regrouped = flat.regroup(names, blocks)
    return pytrees.structured_result(flat, regrouped[0] if single else regrouped, None)


def _jac_forward(func, args, i, x, out, backend="python"):
    """One forward pass per input element (a basis tangent each), through one compiled
    tangent function (forward.columns)."""
    return jacobian_columns(func, args, i, out.shape, backend)


def _separate(value) -> bool:
    """Whether a tuple of results gets one Jacobian per result: where the results have
    different shapes.  A tuple of results of one shape stays one array result (`(x * y,
    sin(x))` has a Jacobian of shape (2,) + in.shape), as it always was."""
    if not isinstance(value, (tuple, list)):
        return False
    try:
        np.asarray(value, dtype=float)
    except (ValueError, TypeError):
        return True
    return False


def _jac_of_tuple(func, args, names, single, value, mode):
    """The Jacobian of each result of a function returning a tuple, with respect to each
    of `names`: forward mode one jvp per input element, reverse one pullback per result
    element (both already take tuples of results)."""
    params = parameters(func)
    outs = [_result_array(func, v) for v in value]
    blocks: list[list] = [[] for _ in outs]
    for name in names:
        i = params.index(name)
        x = np.asarray(args[i], dtype=float)
        out_size = sum(o.size for o in outs)
        chosen = auto_mode(x.size, out_size) if mode == "auto" else mode
        if chosen == "forward":
            cols: list[list] = [[] for _ in outs]
            for k in np.ndindex(x.shape):
                e = np.zeros(x.shape)
                e[k] = 1.0
                tangents = [None] * len(params)
                tangents[i] = e if x.ndim else 1.0
                _, t = jvp(func, tuple(args), tuple(tangents))
                for j, o in enumerate(outs):
                    cols[j].append(np.broadcast_to(np.asarray(t[j], dtype=float), o.shape))
            for j, o in enumerate(outs):
                stacked = np.stack(cols[j], axis=-1) if cols[j] else np.zeros(o.shape + (0,))
                blocks[j].append(stacked.reshape(o.shape + x.shape))
            continue
        _, pullback = _vjp(func, tuple(args), (name,))
        for j, o in enumerate(outs):
            rows = []
            for k in np.ndindex(o.shape):
                cts = [np.zeros(other.shape) if other.ndim else 0.0 for other in outs]
                e = np.zeros(o.shape)
                e[k] = 1.0
                cts[j] = _in_form(value[j], e) if o.ndim else 1.0
                g = pullback(type(value)(cts))[i]
                rows.append(np.broadcast_to(np.asarray(g, dtype=float), x.shape))
            jac = np.stack(rows, axis=0) if rows else np.zeros((0,) + x.shape)
            blocks[j].append(jac.reshape(o.shape + x.shape))
    return type(value)(b[0] if single else tuple(b) for b in blocks)


def _result_array(func, v):
    """One of several results as the array its Jacobian is taken of: a number, an array,
    or a list or tuple of them of one shape (stacked, as a function returning only such
    a list has a Jacobian of shape (len,) + in.shape); anything else is refused."""
    if isinstance(v, (dict, str)) or v is None:
        hint = "return numbers and arrays only (put other values in a second function)"
        raise _no_jacobian(func, "None" if v is None else f"a {type(v).__name__}", hint)
    try:
        return np.asarray(v, dtype=float)
    except (ValueError, TypeError):
        what = f"a {type(v).__name__} of values of different shapes"
        hint = "return its items as results of their own (`return a, b, c`)"
        raise _no_jacobian(func, what, hint) from None


def _no_jacobian(func, what, hint):
    return ArgumentError(
        f"jacobian of {func.__name__}: one of its results is {what}; only numbers, arrays "
        "and lists or tuples of them of one shape have a Jacobian",
        hint=hint,
    )


def _in_form(result, e):
    """Cotangent `e` (an array) in the form of `result`: a list or tuple of its rows for a
    list or tuple, which the pullback takes as it returns them."""
    return type(result)(e) if isinstance(result, (list, tuple)) else e


def _several_outputs(bwd, out, tape=1):
    """Whether `out` is the function's several outputs (`return a, b`: its backward sweep
    takes a cotangent for each) rather than one value that is a tuple (`return t`, the
    gradient of a tuple, or `return (a,)`: one cotangent, a tuple itself).  Read off the
    backward sweep's parameters after its `tape` ones (the Python backend's `_stack`; the
    Numba backend's arrays and positions, of its dispatcher's Python function): several
    outputs are two or more names returned, one parameter each."""
    if not isinstance(out, tuple):
        return False
    code = getattr(getattr(bwd, "py_func", bwd), "__code__", None)
    return code is None or code.co_argcount - tape == len(out) > 1


def _jac_reverse(func, args, i, x, out):
    """One backward pass per output element, sharing one forward sweep."""
    _, pullback = _vjp(func, args, (parameters(func)[i],))
    rows = []
    for k in np.ndindex(out.shape):
        e = np.zeros(out.shape)
        e[k] = 1.0
        ct = e if out.ndim else 1.0
        g = pullback(ct)[i]
        rows.append(np.broadcast_to(np.asarray(g, dtype=float), x.shape))
    jac = np.stack(rows, axis=0) if rows else np.zeros((0,) + x.shape)
    return jac.reshape(out.shape + x.shape)


# -- second order ------------------------------------------------------------------------
def _grad_code(func, name, args):
    """The compiled reverse-mode gradient of `func` w.r.t. `name`: a plain Python
    function with source, which forward mode can differentiate again."""
    spec = _specializer(func, (name,), "grad")
    return spec.compiled(tuple(args))


@callables.reads_lambdas
def hvp(func, primals, v, wrt=0):
    """Hessian-vector product H @ v at `primals` (forward over reverse, no H formed).
    Parameters left out of `primals` take their defaults, as `hessian(f)(*primals)`."""
    bound = callables.unwrap(func)
    if bound is not None:  # a bound method or partial: its function, with what is bound
        return _bound_hvp(bound, tuple(primals), v, wrt)
    params = parameters(func)
    primals = _bind_all(func, tuple(primals), {})
    (name,), _ = parse_wrt(func, (wrt,) if not isinstance(wrt, (tuple, list)) else wrt, params)
    if pytrees.has_containers(tuple(primals)):
        return _tree_hvp(func, tuple(primals), v, name)
    func = static_view(func, primals)  # the branches these arguments decide, pruned
    primals = tuple(_as_float(a) if p == name else a for p, a in zip(params, primals))
    grad_fn = _grad_code(func, name, primals)
    tangents = [v if p == name else None for p in params]
    return jvp(grad_fn, primals, tangents)[1]


def _bound_hvp(bound, primals, v, wrt):
    """hvp of a bound method or a partial, as `hessian` takes them (_bound_hessian): it
    refused, saying to write a module-level function."""
    names, single = bound.names(wrt)
    if not single:
        raise SrcDiffError("hvp takes one parameter; call it once per parameter")
    values = _bind_all(bound.func, bound.args + primals, dict(bound.keywords))
    if not bound.objects:
        return hvp(bound.func, values, v, wrt=names[0])
    return _tree_hvp(bound.func, values, v, names[0], bound.objects)


def _tree_hvp(func, primals, v, name, objects=frozenset()):
    """hvp with containers among the arguments: that of the flat view, with `v` (of the
    structure of `name`'s argument) as the tangent of its leaves, regrouped in it."""
    flat = pytrees.Flattened(func, primals, objects)
    if name not in flat.leaves:
        return hvp(flat.view.func, flat.flat_values, v, wrt=name)
    wrt = flat.flat_wrt((name,))
    grad_code = _specializer(flat.view.func, wrt, "grad").compiled(flat.flat_values)
    tangents = pytrees.flat_tangents(flat, [v if p == name else None for p in flat.params])
    _, out = jvp(grad_code, flat.flat_values, tangents)
    return flat.regroup((name,), out if len(wrt) > 1 else (out,))[0]


HESSIAN_MODES = ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward")


@callables.reads_lambdas
def hessian(func, wrt=0, mode="forward-over-reverse", *, backend="python"):
    """A function computing the Hessian of scalar `func` with respect to `wrt`
    (shape ``in.shape + in.shape``).

    Second derivatives come from differentiating generated code again:
    "forward-over-reverse" (default: one forward pass over the gradient code per
    input element), "reverse-over-reverse" (one backward pass of the gradient code's
    adjoint per element), or "forward-over-forward" (tangent code of tangent code;
    one pass per pair of elements -- for few inputs), or "symbolic" (the closed-form
    second derivative of scalar code, api/symbolic.py).  ``backend="numba"``: the
    second-order code (forward over reverse: the tangent code of the gradient code) is
    compiled by Numba; ``"auto"``: where it compiles (see `grad`).
    """
    check_backend(backend)
    if backend != "python" and mode != "forward-over-reverse":
        raise SrcDiffError(f"backend={backend!r} computes Hessians forward over reverse only")
    if mode == "symbolic":  # the second derivative in closed form (api/symbolic.py)
        return symbolic_make(
            hessian, func, wrt, "hessian", "Hessian of {name} with respect to {wrt}."
        )
    if mode not in HESSIAN_MODES:
        modes = ", ".join((*HESSIAN_MODES, "symbolic"))
        raise SrcDiffError(f"mode must be one of {modes}; got {mode!r}")
    bound = callables.unwrap(func)
    if bound is not None:  # a bound method or partial: its function, with what is bound
        if backend != "python":
            raise SrcDiffError(f"backend={backend!r} takes a plain function, not {func!r}")
        return _bound_hessian(func, bound, wrt, mode)
    params = parameters(func)
    names, single = parse_wrt(func, wrt, params)
    if not single:
        raise SrcDiffError("hessian takes one parameter; call it once per parameter")
    name = names[0]
    if callables.unwrap(func) is None and isinstance(func, types.FunctionType):
        check_scalar_result(func, False)  # a container result has no Hessian

    def hess(*args, **kwargs):
        args = _bind_all(func, args, kwargs)
        if pytrees.has_containers(args):
            flat = pytrees.Flattened(func, args)
            if name not in flat.leaves:
                return hessian(flat.view.func, wrt=name, mode=mode)(*flat.flat_values)
            return _tree_hessian(flat, name, mode)
        view = static_view(func, args)
        if view is not func:  # branches these arguments decide: the pruned function's
            return made_for(hessian, view, wrt=wrt, mode=mode, **options)(*args)
        args = tuple(_as_float(a) if p == name else a for p, a in zip(params, args))
        i = params.index(name)
        x = np.asarray(args[i], dtype=float)
        if mode == "forward-over-forward":
            h = _hessian_fof(func, name, args, i, x)
        elif mode == "reverse-over-reverse":
            h = _jac_reverse(_grad_code(func, name, args), args, i, x, np.zeros(x.shape))
        else:
            h = _forward_over_reverse(func, name, args, i, x, backend)
        return _in_dtype(h, args[i])  # (as grad: float32 in, float32 out)

    options = {"backend": backend} if backend != "python" else {}
    result = derivative(hess, hessian, func, wrt=wrt, mode=mode, **options)
    result.__name__ = result.__qualname__ = f"hessian_{func.__name__}"
    result.__doc__ = f"Hessian of {func.__name__} with respect to {name}."
    return result


def _forward_over_reverse(func, name, args, i, x, backend):
    """The Hessian as the forward-mode Jacobian of the gradient code.  Not finite, it may
    still be where the other modes are: forward over reverse also differentiates what the
    gradient saved for its backward sweep (a float exponent computed in a loop, popped in
    a helper: log of a negative base), so the hint names them."""
    try:
        return _jac_forward(_grad_code(func, name, args), args, i, x, np.zeros(x.shape), backend)
    except DomainError as exc:
        raise exc.with_hint(
            f"the Hessian taken another way may be finite here: srcdiff.hessian({func.__name__}, "
            f"{name!r}, mode='reverse-over-reverse')"
        ) from None


def _bound_hessian(func, bound, wrt, mode):
    names, single = bound.names(wrt)
    if not single:
        raise SrcDiffError("hessian takes one parameter; call it once per parameter")
    objects = bound.objects

    def hess_bound(*args, **kwargs):
        values = _bind_all(bound.func, bound.args + args, {**bound.keywords, **kwargs})
        if not objects:
            return hessian(bound.func, names[0], mode)(*values)
        flat = pytrees.Flattened(bound.func, values, objects)
        if names[0] not in flat.leaves:
            return hessian(flat.view.func, names[0], mode)(*flat.flat_values)
        return _tree_hessian(flat, names[0], mode)

    return derivative(hess_bound, hessian, func, wrt=wrt, mode=mode)


def _tree_hessian(flat, name, mode):
    """The Hessian with respect to container `name`: JAX's container of containers of
    blocks (pytrees.hessian_blocks), forward over reverse."""
    if mode != "forward-over-reverse":
        raise SrcDiffError(
            f"the Hessian with respect to the container {name} is computed forward over "
            "reverse only",
            hint="leave mode= at its default",
        )
    flat_wrt = flat.flat_wrt((name,))
    grad_code = _specializer(flat.view.func, flat_wrt, "grad").compiled(flat.flat_values)
    return pytrees.hessian_blocks(flat, name, grad_code, jvp)


def _hessian_fof(func, name, args, i, x):
    """H[k, l]: the tangent (along e_l) of the tangent code's output tangent (along e_k)."""
    spec = _specializer(func, (name,), "jvp")
    jvp_fn = spec.compiled(tuple(args))
    # (a 0-d array's directions are 0-d arrays, as its tangent code indexes them: dx[()])
    # (a list or tuple of numbers takes its directions as one: a float was indexed, a crash)
    array = isinstance(args[i], np.ndarray)
    sequence = type(args[i]) if type(args[i]) in (list, tuple) else None
    basis = [
        np.eye(x.size)[k].reshape(x.shape)
        if array
        else sequence(np.eye(x.size)[k].tolist())
        if sequence
        else 1.0
        for k in range(x.size)
    ]
    H = np.zeros((x.size, x.size))
    for k, ek in enumerate(basis):
        for m, em in enumerate(basis):
            tangents = [None] * (len(args) + 1)
            tangents[i] = em
            _, (_, second) = jvp(jvp_fn, (*args, ek), tangents)
            H[k, m] = float(np.asarray(second))
    return H.reshape(x.shape + x.shape) if x.ndim else H[0, 0]

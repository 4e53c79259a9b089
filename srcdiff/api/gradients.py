"""The public API: grad, value_and_grad, source, check_grad.

`grad(f)` reads and normalizes `f` at once (so unsupported code fails at
decoration), and generates code on first call, specialised to the kinds of
the arguments (float, array, int, list): scalar code then has no
broadcasting helpers at all.  Specialisations are cached process-wide.
"""

from __future__ import annotations

import numpy as np

from ..compiler.analysis import ARRAY, INT, SCALAR, SEQ
from ..compiler.derive import generate
from ..compiler.results import check_scalar_result
from ..compiler.reverse.checkpoint import parse_option
from ..compiler.source import FunctionSource, as_def
from ..errors import ArgumentError, NonScalarOutputError, SrcDiffError
from . import callables
from .backends import check_backend
from .dispatch import Dispatcher
from .finite import all_finite, refuse
from .forward import gradient as forward_gradient
from .forward import number_gradient
from .modes import gradient_mode
from .pickling import derivative
from .pytrees import Flattened, containers_read, gradient_call, has_containers, readable
from .requests import (
    FAST_KINDS,
    Specializer,
    assumed_kinds,
    bound_values,
    is_int_scalar,
    keyword_only,
    kinds_for_source,
    parameters,
    parse_wrt,
    rank_options,
    ranks_for_source,
    unshared,
)
from .static_args import default_values, made_for, pinned, static_view
from .symbolic import generated as symbolic_generated
from .symbolic import make as symbolic_make


def _make(
    maker,
    func,
    wrt,
    output,
    doc,
    mode="reverse",
    checkpoint=None,
    has_aux=False,
    backend="python",
    objects=(),
):
    check_backend(backend)
    if mode == "auto" and checkpoint is None:
        return _auto(maker, func, wrt, output, doc, has_aux, backend, objects)
    if mode == "auto":  # (checkpointing keeps a tape: reverse mode's)
        mode = "reverse"
    if mode not in MODES:
        raise SrcDiffError(f"mode must be 'reverse', 'forward', 'auto' or 'symbolic', not {mode!r}")
    func = as_def(func)  # a lambda: the def it stands for
    bound = callables.unwrap(func)
    if mode == "symbolic":
        if backend != "python":
            raise SrcDiffError(f"backend={backend!r} applies to reverse and forward mode")
        if bound is not None:
            raise SrcDiffError(
                "symbolic mode takes a plain function, not a bound method or a partial",
                hint="use mode='reverse' or 'forward'",
            )
        _symbolic_options(checkpoint, has_aux)
        return symbolic_make(maker, func, wrt, output, doc)
    if bound is not None:  # a bound method or a partial: the plain function, bound
        return _make_bound(maker, func, bound, wrt, output, doc, mode, checkpoint, has_aux, backend)
    option = checked_checkpoint(checkpoint, mode)
    params = parameters(func)
    names, single = parse_wrt(func, wrt, params)
    if has_aux:  # f returns (output, aux): the code generated returns aux too
        output += "_aux"
    spec = Specializer(func, names, output, option, backend)

    # arguments with containers: the same derivative of the flat view (api/pytrees.py)
    def make_flat(flat, flat_wrt):
        extra = {"backend": backend} if backend != "python" else {}
        return maker(flat, wrt=flat_wrt, mode=mode, checkpoint=checkpoint, has_aux=has_aux, **extra)

    containers = gradient_call(func, names, output, make_flat, frozenset(objects))
    # Class.method given an instance (srcdiff show / check): self's attributes as leaves
    method = frozenset(params[:1]) if callables.owner(func) and not objects else frozenset()
    of_self = gradient_call(func, names, output, make_flat, method) if method else None

    # (a tuple wrt of one name is made a tuple below, around what `slow` gives)
    pruned_wrt = names if len(names) > 1 else names[0]
    pruned_options = {"wrt": pruned_wrt, "mode": mode, "checkpoint": checkpoint, "has_aux": has_aux}
    if backend != "python":
        pruned_options["backend"] = backend

    def slow(args):
        if objects or has_containers(args):
            return containers, False
        if of_self is not None and callables.instance(func, params, args):
            return of_self, False
        view = static_view(func, args)
        if view is not func:  # branches these arguments decide: the pruned function's
            return made_for(maker, view, **pruned_options), pinned(func, args)
        if mode == "forward" and not has_aux and _numbers(args, names, params):
            spec.kinds_of(args)  # the same argument checks as reverse mode
            return number_gradient(func, names, args, output, backend), True
        if mode == "forward":
            npos = len(params) - len(keyword_only(func))
            # the dispatcher passes keyword-only values by keyword: take them back in order
            return (
                lambda *a, **kw: _forward(
                    func, names, a + tuple(kw[k] for k in params[npos:]), output, single, spec
                )
            ), False
        return spec.compiled(args), True

    tree = FunctionSource(func).tree
    check_scalar_result(func, has_aux)  # a dict result: NonScalarOutputError at its return
    dispatcher = Dispatcher(
        tree, func.__name__, slow, FAST_KINDS, _finite(func, names, output), own=func
    )
    call = dispatcher.install(func.__defaults__, func.__kwdefaults__)
    call.__qualname__ = getattr(func, "__qualname__", func.__name__)
    # Integer arguments in `wrt` are differentiated as floats; their values are passed
    # unchanged (so `range(n)` still works, with zero derivative), and what they make
    # integer comes back as floats (requests.as_floats).
    if not single and len(names) == 1:
        inner = call

        def call(*args, **kwargs):  # tuple result for a tuple wrt of one name
            return _as_tuple(inner(*args, **kwargs), output)

    options = {"wrt": wrt, "mode": mode}
    if checkpoint is not None:
        options["checkpoint"] = checkpoint
    if has_aux:  # (pickles of older versions have none)
        options["has_aux"] = True
    if backend != "python":
        options["backend"] = backend
    result = derivative(call, maker, func, **options)
    result.__name__ = func.__name__
    result.__qualname__ = getattr(func, "__qualname__", func.__name__)
    result.__module__ = func.__module__
    result.__doc__ = doc.format(name=func.__name__, wrt=", ".join(names)) + (
        "\n\n" + func.__doc__ if func.__doc__ else ""
    )
    result.__wrapped__ = func
    result.wrt = names
    result.source = lambda *args, **kwargs: source(
        func, wrt=wrt, output=output, at=args or None, checkpoint=checkpoint
    )
    if backend == "python" and option is None and not objects:  # (compiler/derivative_calls.py)
        result.srcdiff_code_for = lambda kinds: spec.compiled_for(tuple(kinds))[0]
    result.specialize = lambda *args: (
        result(*args)
        if has_containers(args)
        or (of_self and callables.instance(func, params, args))
        or static_view(func, spec.bind(args, {})) is not func
        else spec.compiled(spec.bind(args, {}))
    )
    return result


MODES = ("reverse", "forward", "symbolic")


def _auto(maker, func, wrt, output, doc, has_aux, backend, objects):
    """mode="auto": forward or reverse mode, chosen at each call as jacobian's "auto"
    chooses for one output element (modes.gradient_mode): forward for one number, reverse
    from two input values on (a forward pass per value costs about half the one backward
    pass).  Both derivatives are made here, so unsupported code fails at decoration."""
    made = {
        m: _make(maker, func, wrt, output, doc, m, None, has_aux, backend, objects)
        for m in ("reverse", "forward")
    }
    reverse, forward = made["reverse"], made["forward"]
    names = reverse.wrt
    target = as_def(func)

    def call(*args, **kwargs):
        chosen = forward if gradient_mode(target, names, args, kwargs) == "forward" else reverse
        return chosen(*args, **kwargs)

    options = {"wrt": wrt, "mode": "auto"}
    if has_aux:
        options["has_aux"] = True
    if backend != "python":
        options["backend"] = backend
    result = derivative(call, maker, func, **options)
    for attr in ("__name__", "__qualname__", "__module__", "__doc__", "__wrapped__", "wrt"):
        setattr(result, attr, getattr(reverse, attr))
    for attr in ("source", "specialize"):  # (a bound method's derivative has no source)
        if hasattr(reverse, attr):
            setattr(result, attr, getattr(reverse, attr))
    return result


def _symbolic_options(checkpoint, has_aux):
    if checkpoint is not None:
        raise SrcDiffError("checkpoint= applies to reverse mode (symbolic mode keeps no tape)")
    if has_aux:
        raise SrcDiffError(
            "has_aux=True is not available in symbolic mode",
            hint="use mode='reverse' or 'forward'",
        )


def _make_bound(maker, func, bound, wrt, output, doc, mode, checkpoint, has_aux, backend):
    """`_make` for a bound method or partial (api/callables.py): the derivative of the
    plain function, called with what is bound."""
    names, single = bound.names(wrt)
    inner = _make(
        maker,
        bound.func,
        names[0] if single else names,
        output,
        doc,
        mode,
        checkpoint,
        has_aux,
        backend,
        objects=bound.objects,
    )
    options = {"wrt": wrt, "mode": mode}
    if checkpoint is not None:
        options["checkpoint"] = checkpoint
    if has_aux:
        options["has_aux"] = True
    if backend != "python":
        options["backend"] = backend
    result = derivative(bound.call(inner), maker, func, **options)
    plain = bound.func
    result.__name__ = plain.__name__
    result.__qualname__ = getattr(plain, "__qualname__", plain.__name__)
    result.__module__ = plain.__module__
    result.__doc__ = inner.__doc__
    result.__wrapped__ = func
    result.wrt = names
    result.specialize = bound.call(inner.specialize)
    return result


def _example_read(func, name):
    import ast

    nodes = list(ast.walk(FunctionSource(func).tree))
    for kind in (ast.Subscript, ast.Attribute):  # params["w"] reads best
        for node in nodes:
            if isinstance(node, kind) and isinstance(node.value, ast.Name):
                if node.value.id == name:
                    return ast.unparse(node)
    return name


def _finite(func, names, output):
    """The dispatcher's check that the derivative it returns is finite (finite.py)."""
    many = len(names) > 1
    at = _GRADS_AT.get(output)  # where the gradients are in the result

    def grads(result):
        return result if at is None else result[at]

    def ok(result):
        return all_finite(grads(result))

    def refused(rerun, result):
        g = grads(result)
        return refuse(rerun, list(zip(names, g)) if many else [(names[0], g)], func.__name__)

    def inline(var):  # for number arguments (the dispatcher binds _isfinite: math.isfinite)
        g = var if at is None else f"{var}[{at}]"
        parts = [f"{g}[{i}]" for i in range(len(names))] if many else [g]
        return " and ".join(f"_isfinite({p})" for p in parts)

    return ok, refused, inline


def _forward(func, names, args, output, single, spec):
    spec.kinds_of(args)  # the same argument checks as reverse mode
    params = parameters(func)
    has_aux = output.endswith("_aux")
    grads = _forward_first(func, names, args) if has_aux else forward_gradient(func, names, args)
    value = aux = None
    if output != "grad":  # at integer arguments in wrt: the value as a float
        npos = len(params) - len(keyword_only(func))  # (keyword-only ones by keyword)
        values = unshared(args)  # (the function may change an argument in place)
        value = func(*values[:npos], **dict(zip(params[npos:], values[npos:])))
        if has_aux:
            value, aux = value
        if is_int_scalar(value) and any(is_int_scalar(args[params.index(w)]) for w in names):
            value = float(value)
        if np.ndim(value) != 0:
            raise NonScalarOutputError(f"grad needs {func.__name__} to return a scalar")
    result = grads[0] if len(names) == 1 else grads  # (a 1-tuple wrt is re-wrapped later)
    return {
        "grad": result,
        "value_and_grad": (value, result),
        "grad_aux": (result, aux),
        "value_and_grad_aux": ((value, aux), result),
    }[output]


def _forward_first(func, names, args):
    """Forward-mode gradients of the first of the pair (output, aux) `func` returns (for
    has_aux): one pass of tangent code per input element (output "jvp_aux": aux is
    computed, not differentiated, so it may be a dict of metrics)."""
    params = parameters(func)
    npos = len(params) - len(keyword_only(func))
    grads = []
    for name in names:
        i = params.index(name)
        x = args[i]
        arr = np.asarray(x, dtype=float)
        number = arr.ndim == 0 and not isinstance(x, (list, tuple, np.ndarray))
        primals = tuple(float(a) if k == i and is_int_scalar(a) else a for k, a in enumerate(args))
        fn = Specializer(func, (name,), "jvp_aux").compiled(primals)
        pos, kw = primals[:npos], dict(zip(params[npos:], primals[npos:]))
        g = np.zeros(arr.shape)
        for j in np.ndindex(arr.shape):
            basis = np.zeros(arr.shape)
            basis[j] = 1.0
            tangent = 1.0 if number else basis
            if isinstance(x, (list, tuple)):
                tangent = np.asarray(tangent, dtype=float)
            g[j] = fn(*pos, tangent, **kw)[1][0]
        if number:
            grads.append(float(g))
        elif isinstance(x, (list, tuple)):
            grads.append(type(x)(float(v) for v in g))
        else:
            grads.append(g.astype(x.dtype) if x.dtype.kind == "f" else g)
    return tuple(grads)


# where the gradients are in what grad & co. return, for each output (None: all of it)
_GRADS_AT = {"value_and_grad": 1, "grad_aux": 0, "value_and_grad_aux": 1}


def _numbers(args, names, params):
    """Whether every argument is a number and every `wrt` one a float or an int: then
    forward mode is one float pass per input (forward.number_gradient)."""
    return all(type(a) in FAST_KINDS for a in args) and all(
        type(args[params.index(w)]) not in (bool, np.bool_) for w in names
    )


def _as_tuple(result, output):
    at = _GRADS_AT.get(output)
    if at is None:
        return (result,)
    parts = list(result)
    parts[at] = (parts[at],)
    return tuple(parts)


def checked_checkpoint(checkpoint, mode="reverse"):
    """`checkpoint=`: None, a number of snapshots, or "binomial:S" / "uniform:S"
    (checkpoint.parse_option); reverse mode only."""
    option = parse_option(checkpoint)
    if option is not None and mode != "reverse":
        raise SrcDiffError("checkpoint= applies to reverse mode (forward mode keeps no tape)")
    return option


@callables.reads_lambdas
def grad(
    func=None,
    wrt=0,
    mode="reverse",
    checkpoint=None,
    *,
    has_aux=False,
    argnums=None,
    backend="python",
):
    """Gradient of scalar function `func` with respect to parameter(s) `wrt`.

    `wrt` is an index, a parameter name, or a tuple of them (then the
    result is a tuple in that order); `argnums` is a synonym (JAX's name).
    Usable as ``grad(f)``, ``@grad`` and ``@grad(wrt="x")``.  The derivative
    code is generated from `func`'s source on first call and specialised to
    the argument types.  ``mode="forward"`` computes the same gradient by
    forward mode: one pass of tangent code per input element (a float pass per
    scalar input); ``mode="auto"`` picks one of the two at each call as jacobian's
    "auto" does for one output element: forward for a single number, else reverse
    (reverse where ``checkpoint`` is given).  ``has_aux=True``: `func` returns
    ``(output, aux)``, and the result is ``(gradient, aux)``, aux not differentiated
    (as in JAX).
    ``checkpoint=S`` checkpoints the function's outermost loops: instead of a tape
    for every pass they keep at most S snapshots and a tape of up to 32 passes, and run
    each pass a few more times (binomial checkpointing); ``checkpoint="uniform:S"``
    keeps S snapshots and a tape of n / S passes, for one extra pass of time
    (compiler/reverse/checkpoint.py).  ``backend="numba"`` compiles the generated code
    with Numba (``pip install "srcdiff[numba]"``; code Numba can't compile raises a
    `BackendError`), ``backend="auto"`` falls back to Python there with a warning.
    """
    wrt = _wrt_or_argnums(wrt, argnums)
    if func is None:
        return lambda f: grad(
            f, wrt=wrt, mode=mode, checkpoint=checkpoint, has_aux=has_aux, backend=backend
        )
    doc = "Gradient of {name} with respect to {wrt}."
    return _make(grad, func, wrt, "grad", doc, mode, checkpoint, has_aux, backend)


@callables.reads_lambdas
def value_and_grad(
    func=None,
    wrt=0,
    mode="reverse",
    checkpoint=None,
    *,
    has_aux=False,
    argnums=None,
    backend="python",
):
    """Like `grad`, but returns ``(func(*args), gradient)`` from one pass; with
    ``has_aux=True``, ``((output, aux), gradient)`` (JAX's convention)."""
    wrt = _wrt_or_argnums(wrt, argnums)
    if func is None:
        return lambda f: value_and_grad(
            f, wrt=wrt, mode=mode, checkpoint=checkpoint, has_aux=has_aux, backend=backend
        )
    doc = "Value and gradient of {name} with respect to {wrt}."
    return _make(
        value_and_grad, func, wrt, "value_and_grad", doc, mode, checkpoint, has_aux, backend
    )


def _wrt_or_argnums(wrt, argnums):
    if argnums is None:
        return wrt
    if wrt != 0:
        raise SrcDiffError("give wrt= or argnums= (its synonym), not both")
    return argnums


@callables.reads_lambdas
def source(
    func, wrt=0, mode="reverse", *, output="grad", at=None, checkpoint=None, backend="python"
):
    """The generated derivative source of `func`, as text.

    Without example arguments `at` (a tuple, or a dict by name), parameter kinds come
    from annotations (``x: np.ndarray``), defaults, and how the function uses them
    (``x @ w``, ``np.exp(x)``, ``x[1:]``: arrays; ``range(n)``: a count; else floats):
    see `requests.assumed_kinds`.  ``backend="numba"``: the code the Numba backend
    compiles.
    """
    return generated(func, wrt, mode, output=output, at=at, checkpoint=checkpoint, backend=backend)[
        0
    ].source()


@callables.reads_lambdas
def generated(
    func, wrt=0, mode="reverse", *, output="grad", at=None, checkpoint=None, backend="python"
):
    """(Generated, {parameter: (kind, why)}) for `source` and `srcdiff show`: the code,
    and the kind each parameter's code was generated for ("why" is None where `at`
    gave it)."""
    if mode not in MODES:
        raise SrcDiffError(f"mode must be 'reverse', 'forward' or 'symbolic', not {mode!r}")
    if mode == "symbolic":
        _symbolic_options(checkpoint, False)
        kinds = {
            p: ("scalar", None if at is not None else "symbolic mode") for p in parameters(func)
        }
        return symbolic_generated(func, wrt, output), kinds
    checkpoint = checked_checkpoint(checkpoint, mode)
    if mode == "forward":
        output = "jvp"
    params = parameters(func)
    names, _ = parse_wrt(func, wrt, params)
    if at is not None:
        values = bound_values(func, at)
        objects = callables.instance(func, parameters(func), values)
        if objects or has_containers(values):  # the flat view's code, behind f's signature
            flat = Flattened(func, values, objects)
            code, kinds = generated(
                flat.view.func,
                flat.flat_wrt(names),
                mode,
                output=output,
                at=flat.flat_values,
                checkpoint=checkpoint,
            )
            return readable(code, flat, names, output), kinds
    view = static_view(func, bound_values(func, at) if at is not None else default_values(func))
    if view is not func:  # branches the arguments (or defaults) decide: pruned
        return generated(
            view, wrt, mode, output=output, at=at, checkpoint=checkpoint, backend=backend
        )
    if at is None:
        read = containers_read(func, params)
        if read:  # (assumed arrays, params["w"] would be nonsense)
            raise ArgumentError(
                f"{func.__name__} reads {', '.join(read)} as a container of parameters "
                f"({_example_read(func, read[0])}); its structure comes from an example",
                hint=f'give example arguments: at=(...), or --at "{read[0]}={{...}}, ..." '
                "for srcdiff show",
            )
        kinds = assumed_kinds(func, params)
    else:
        kinds = {p: (k, None) for p, k in kinds_for_source(func, params, at).items()}
    for w in names:
        if kinds[w][0] == INT:  # an integer in wrt is differentiated as a float
            kinds[w] = (SCALAR, "differentiated" if at is None else None)
        elif kinds[w][0] not in (SCALAR, ARRAY, SEQ):  # never a zero gradient for it
            raise ArgumentError(
                f"cannot differentiate {func.__name__} with respect to {w!r}: the example "
                f"argument is {type(bound_values(func, at)[params.index(w)]).__name__}",
                hint="pass a float, a float array, a list of floats, or a container of them",
            )
    code = generate(
        func,
        names,
        {p: k for p, (k, _) in kinds.items()},
        output=output,
        **rank_options(ranks_for_source(func, params, at)),
        checkpoint=checkpoint,
        backend=backend,
    )
    return code, kinds

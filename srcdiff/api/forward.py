"""Forward-mode gradients and Jacobian columns: passes of generated tangent code.

Forward mode gets one input direction per pass.  Each pass runs the tangent code
generated for *one* parameter (`wrt=(p,)`), so the other parameters' tangents are
statically zero and never computed:

* a scalar parameter takes one pass with the float tangent 1.0.  The code is plain
  float arithmetic (its tangent parameter has the primal's kind, float), with no NumPy
  call.  When every argument is a number, the passes are one generated line each
  (`number_gradient`), which the dispatcher calls directly, so `grad(f, mode="forward")`
  of n scalar inputs costs n tangent passes and a few tens of nanoseconds;
* an array (or a list of floats) takes one pass per element, with a basis tangent, all
  through one compiled function (`columns`).

Why one pass per direction and not a batch axis on the tangents: a tangent with an extra
axis is only right where every rule, broadcast, index and reduction of the generated code
knows about that axis (`np.sum(dx)`, `dx[i]`, `dx * c` with `c` wider than `x` all go
silently wrong), so it would have to be designed into every rule; separate passes are
right for every rule.  Why not all directions unrolled in one function: measured on the
seed example it would save the repeated primal work (about a third of a pass), but it
doesn't compose with helper calls (a helper's `h_jvp` returns values and tangents
together); see benchmarks/README.md.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import NonScalarOutputError, NotBatchable, NotUnrollable, as_domain_error
from .cache import cached
from .finite import all_finite, is_complex, refuse
from .requests import (
    Specializer,
    is_int_scalar,
    keyword_only,
    narrow_float,
    parameters,
    unshared,
)

_ARITH = (ZeroDivisionError, OverflowError, ValueError)


def specializer(func, wrt, output="jvp", backend="python"):
    """The jvp Specializer of `func` along the parameters `wrt` (names), shared by jvp;
    with output "jvps", of the function computing each parameter's direction apart."""
    key = ("specializer", func, wrt, output) + ((backend,) if backend != "python" else ())
    return cached(key, lambda: Specializer(func, wrt, output, backend=backend))


def _as_float(value):
    return float(value) if is_int_scalar(value) else value


def _split(func, values):
    """(positional values, keyword-only values by name): generated functions keep f's
    keyword-only parameters keyword-only."""
    names = keyword_only(func)
    if not names:
        return tuple(values), {}
    npos = len(values) - len(names)
    return tuple(values[:npos]), dict(zip(names, values[npos:]))


# -- every argument a number: one generated line per pass ---------------------------------
def number_gradient(func, names, args, output, backend="python"):
    """A function with f's parameters returning the gradient (or value and gradient) by
    forward mode, for arguments of the kinds of `args`, all numbers.  Integers in
    `names` are passed unchanged (so `range(n)` works) and give float derivatives."""
    params = parameters(func)
    kwonly = keyword_only(func)
    positional = [p for p in params if p not in kwonly]
    arguments = ", ".join(positional + ["1.0"] + [f"{p}={p}" for p in kwonly])
    ints = any(is_int_scalar(args[params.index(w)]) for w in names)
    both = output == "value_and_grad"
    casts = tuple(narrow_float(args[params.index(w)]) for w in names)
    ns = {
        "_finish": _finisher(func, both, len(names) == 1, ints, casts),
        "_numbers": (float,) if ints and both else (float, int),
    }
    grads = [f"_g{k}" for k in range(len(names))]
    sig = ", ".join(positional + (["*", *kwonly] if kwonly else []))
    entry = f"{func.__name__}_forward_{output}"
    lines = [f"def {entry}({sig}):"]
    unrolled = _unrolled(func, names, args, backend)
    if unrolled is not None:  # all directions in one function, the primal code once
        ns["_jvps"] = unrolled
        depends = list(getattr(unrolled, "srcdiff_depends_on", ()))
        seeds = ", ".join(positional + ["1.0"] * len(names) + [f"{p}={p}" for p in kwonly])
        lines.append(f"    _v, ({', '.join(grads)},) = _jvps({seeds})")
    else:  # one pass per direction
        depends = []
        for k, w in enumerate(names):
            ns[f"_jvp{k}"] = jvp_fn = specializer(func, (w,), backend=backend).compiled(args)
            depends += getattr(jvp_fn, "srcdiff_depends_on", ())
        lines.append(f"    _v, _g0 = _jvp0({arguments})")
        lines += [f"    _g{k} = _jvp{k}({arguments})[1]" for k in range(1, len(names))]
    result = grads[0] if len(grads) == 1 else "(" + ", ".join(grads) + ")"
    # float tangents of a number: the output is a number (else _finish converts or refuses)
    floats = " and ".join([f"type({g}) is float" for g in grads] + ["type(_v) in _numbers"])
    if not any(casts):  # (a float32 argument's derivative is cast in _finish)
        lines.append(f"    if {floats}:")
        lines.append(f"        return {'_v, ' if both else ''}{result}")
    lines.append(f"    return _finish(_v, ({', '.join(grads)},))")
    exec(compile("\n".join(lines) + "\n", f"<srcdiff forward {func.__name__}>", "exec"), ns)  # noqa: S102
    fn = ns[entry]
    fn.srcdiff_depends_on = tuple(dict.fromkeys(depends))
    return fn


def _unrolled(func, names, args, backend="python"):
    """The compiled function computing every direction of `names` at once
    (compiler/unroll.py), or None: for one name, or where the directions can't share one
    function (a helper call), the passes are separate."""
    if len(names) < 2:
        return None
    spec = specializer(func, tuple(names), "jvps", backend)
    key = (func, tuple(names), spec.kinds_of(args), backend)
    if key in _SEPARATE:
        return None
    try:
        return spec.compiled(args)
    except NotUnrollable:
        _SEPARATE.add(key)
        return None


_SEPARATE: set = set()  # (func, names, kinds) whose directions run as separate passes


def _finisher(func, both, single, ints, casts):
    """The slow end of a number gradient: NumPy scalars become floats (an integer value
    too, where an integer was differentiated), except the derivatives with respect to a
    float32 argument, cast to its type (`casts`); an array output is refused."""

    def finish(value, grads):
        if not isinstance(value, (numbers.Number, np.ndarray, np.generic)):
            raise NonScalarOutputError(  # (a string's "derivative" was 0.0)
                f"grad needs {func.__name__} to return a number; it returned "
                f"{type(value).__name__}. Use srcdiff.jacobian for several outputs."
            )
        if np.ndim(value) != 0 or any(np.ndim(g) != 0 for g in grads):
            raise _non_scalar(
                func, value if np.ndim(value) else next(g for g in grads if np.ndim(g))
            )
        # (a complex number, made at run time, is left to the finite check to refuse)
        grads = tuple(
            g if is_complex(g) else cast(g) if cast else float(g) for g, cast in zip(grads, casts)
        )
        result = grads[0] if single else grads
        if not both:
            return result
        return (float(value) if ints and is_int_scalar(value) else value), result

    return finish


def _non_scalar(func, value):
    return NonScalarOutputError(
        f"grad needs {func.__name__} to return a scalar; it returned shape "
        f"{np.shape(value)}. Use srcdiff.jacobian for the full derivative."
    )


# -- any arguments: one pass per input element ---------------------------------------------
def columns(func, args, i, backend="python"):
    """(value, tangents): the output's tangent along each element of argument `i` (in
    C order), each from one pass of the tangent code compiled once for parameter `i`.
    A number takes one pass with tangent 1.0; an integer is differentiated as a float."""
    params = parameters(func)
    args = tuple(_as_float(a) if j == i else a for j, a in enumerate(args))
    x = args[i]
    fn = specializer(func, (params[i],), backend=backend).compiled(args)
    pos, kw = _split(func, args)
    if not isinstance(x, (np.ndarray, list, tuple)) and np.ndim(x) == 0:
        directions = [1.0]
    else:
        arr = np.asarray(x)
        dtype = arr.dtype if arr.dtype.kind == "f" and isinstance(x, np.ndarray) else float
        directions = [_basis(arr.shape, dtype, j) for j in range(arr.size)]

    def run(tangent):  # the tangent parameter follows the positional ones
        return fn(*pos, tangent, **kw)

    value, tangents = None, []
    try:
        for d in directions:
            value, t = run(d)
            tangents.append(t)
    except _ARITH as exc:
        raise as_domain_error(exc, lambda: func(*unshared(args))) from None
    if not _finite(tangents):
        bad = next(j for j, t in enumerate(tangents) if not all_finite(t))
        raise refuse(lambda: run(directions[bad]), [(params[i], tangents[bad])], func.__name__)
    return value, tangents


# -- an array argument: its directions in chunks, a batch axis on the tangents -------------
def chunk_size(n):
    """Directions per batched pass: a chunk's tangents hold chunk * n floats each, kept
    near 32768 (256 KiB, in cache), at least 8 and at most 256 directions a pass.
    Measured on Rosenbrock (us a gradient, chunk 8/16/32/64/128): N = 100:
    346/210/147/101/76; N = 1000: 6530/5500/4338/11259/15126 -- past the cache, larger
    chunks lose more than the fewer passes gain."""
    return min(max(32768 // max(n, 1), 8), 256)


def batched_columns(func, args, i, backend="python"):
    """(value, tangents) with ``tangents[j]`` the output's tangent along element j of
    array argument `i` (shape ``(n,) + out.shape``), from passes of batched tangent code
    (compiler/batch.py) over chunks of basis directions; None where that code can't be
    made (a construct outside its subset), where a pass raises or gives a non-finite
    tangent, or where a tangent's shape is not what it should be: the caller then makes
    one pass per element, which is right for every rule and reports errors precisely."""
    x = args[i]
    if backend != "python" or type(x) is not np.ndarray or x.size == 0 or x.dtype.kind != "f":
        return None  # (other dtypes: the per-element path, and its checks)
    fn = _batched_code(func, args, i)
    if fn is None:
        return None
    pos, kw = _split(func, args)
    n = x.size
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(float)
    step = chunk_size(n)
    value, parts = None, []
    for start in range(0, n, step):
        k = min(step, n - start)
        seeds = np.zeros((k, n), dtype=dtype)
        seeds[np.arange(k), start + np.arange(k)] = 1.0
        try:
            value, tangent = fn(*pos, seeds.reshape((k,) + x.shape), **kw)
        except _ARITH:
            return None
        shape = (k,) + np.shape(value)
        if type(tangent) is float and tangent == 0.0:  # the output doesn't depend on x
            tangent = np.zeros(shape)
        if not isinstance(tangent, np.ndarray) or tangent.shape != shape:
            return None
        parts.append(tangent)
    tangents = parts[0] if len(parts) == 1 else np.concatenate(parts)
    if not all_finite(tangents):
        return None
    return value, tangents


def _batched_code(func, args, i):
    """The compiled batched tangent function of parameter `i`, or None (NotBatchable,
    remembered per specialisation)."""
    spec = specializer(func, (parameters(func)[i],), "jvp_batch")
    kinds, ranks = spec.kinds_of(args), spec.ranks_of(args)
    key = (func, i, kinds, ranks)
    if key in _UNBATCHABLE:
        return None
    try:
        return spec.compiled_for(kinds, ranks)[0]
    except NotBatchable:
        _UNBATCHABLE.add(key)
        return None


_UNBATCHABLE: set = set()  # (func, parameter index, kinds, ranks) made one pass per element


def _finite(tangents):
    """all_finite of every tangent, in one NumPy call where they have one shape."""
    try:
        return all_finite(np.array(tangents, dtype=float))
    except (ValueError, TypeError):  # tangents of different shapes (a 0.0 among arrays)
        return all(all_finite(t) for t in tangents)


def _basis(shape, dtype, j):
    """The j-th basis tangent (a fresh array each: generated code owns its tangents)."""
    e = np.zeros(shape, dtype=dtype)
    e.flat[j] = 1.0
    return e


def gradient(func, names, args):
    """The gradient of scalar `func` w.r.t. `names` by forward mode, one entry per name
    in the form of its argument: a float, an array of its dtype, a list of floats."""
    params = parameters(func)
    grads = []
    for w in names:
        i = params.index(w)
        x = args[i]
        batched = batched_columns(func, args, i)
        if batched is not None:
            grads.append(_batched_gradient(func, x, batched[1]))
            continue
        _, tangents = columns(func, args, i)
        for t in tangents:
            if np.ndim(t) != 0:
                raise _non_scalar(func, t)
        if not isinstance(x, (np.ndarray, list, tuple)):
            g0 = float(tangents[0])  # a float32 scalar's in float32, as reverse mode gives
            cast = narrow_float(x)
            grads.append(cast(g0) if cast else g0)
            continue
        g = np.array([float(t) for t in tangents]).reshape(np.shape(x))
        if isinstance(x, np.ndarray):
            grads.append(g.astype(x.dtype) if x.dtype.kind == "f" else g)
        else:
            grads.append(type(x)(float(v) for v in g.ravel()))
    return tuple(grads)


def _batched_gradient(func, x, tangents):
    """The gradient w.r.t. array `x` from its batched tangents (one number each)."""
    if tangents.ndim != 1:
        raise _non_scalar(func, tangents[0])
    g = np.array(tangents, dtype=float).reshape(x.shape)
    return g.astype(x.dtype) if x.dtype.kind == "f" else g


def jacobian_columns(func, args, i, out_shape, backend="python"):
    """The Jacobian of `func` w.r.t. argument `i` by forward mode: shape
    ``out_shape + in.shape``, from batched passes (an array argument, code in
    compiler/batch.py's subset) or one pass per input element."""
    x = np.asarray(args[i])
    out_shape = tuple(out_shape)
    batched = batched_columns(func, args, i, backend)
    if batched is not None and batched[1].shape[1:] == out_shape:
        jac = np.moveaxis(np.asarray(batched[1], dtype=float), 0, -1)
        return np.array(jac.reshape(out_shape + x.shape))
    _, tangents = columns(func, args, i, backend)
    cols = [
        t
        if type(t) is np.ndarray and t.shape == out_shape and t.dtype == np.float64
        else np.broadcast_to(np.asarray(t, dtype=float), out_shape)
        for t in tangents
    ]
    jac = np.stack(cols, axis=-1) if cols else np.zeros(tuple(out_shape) + (0,))
    return jac.reshape(tuple(out_shape) + x.shape)

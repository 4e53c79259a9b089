"""The transforms README claims beside `grad`, on a sample of the tester's programs.

`value_and_grad` and `grad(mode="forward")` are the oracle's main checks; users also call
`jvp`, `vjp`, `jacobian` (several parameters at once, forward and reverse) and
`hessian` in its other modes, and `value_and_grad(has_aux=True)` of a function that
calls the program as a helper, each a path of its own through the API (argument binding,
None tangents and cotangents for integers, the Jacobian's stacking, differentiating
generated code in another order, an aux result that is not differentiated).  Each is
compared here with the reverse-mode gradient the oracle has already checked against
finite differences: a jvp is the gradient's dot
product with the tangents, a vjp of the cotangent 1.0 is the gradient, a scalar
function's Jacobian is its gradient, and every Hessian mode is the same matrix.  Where
one disagrees beyond rounding, finite differences decide (as oracle._other_mode does):
two exact-to-rounding formulas may differ by the conditioning of the program.

Outcomes go to `Verdict.sub["transforms"]`: "ok", or "refused" with the message where a
transform refuses a program `grad` differentiates (worth reading: the API paths should
accept what grad accepts).  A wrong value or a crash is the verdict itself.
"""

from __future__ import annotations

import numpy as np

import srcdiff

from . import oracle as o

TOL = (1e-8, 1e-10)
FOF_MAX = 9  # forward-over-forward makes a pass per pair of elements: small inputs only


def check_transforms(case, func, args, wrt, value, rev):
    """("ok" | "refused", why) for jvp, vjp, jacobian and value_and_grad(has_aux=True)
    against `rev` (the checked reverse-mode gradients of the parameters `wrt`, in that
    order)."""
    grads = dict(zip(wrt, rev))
    try:
        _jvp(func, args, grads, value)
        _vjp(func, args, grads, value)
        for mode in ("forward", "reverse"):
            _jacobian(func, args, wrt, grads, mode)
            _has_aux(case, args, wrt, grads, value, mode)
    except _Refused as refused:
        return "refused", refused.why
    return "ok", ""


def check_hessian_modes(func, args, name, H):
    """("ok" | "refused", why): reverse over reverse (and forward over forward, for small
    inputs) against `H`, the forward-over-reverse Hessian the oracle checked against
    finite differences."""
    size = int(np.size(args[name]))
    modes = ["reverse-over-reverse"] + (["forward-over-forward"] if size <= FOF_MAX else [])
    try:
        for mode in modes:
            _hessian_mode(func, args, name, H, mode)
    except _Refused as refused:
        return "refused", refused.why
    return "ok", ""


def _hessian_mode(func, args, name, H, mode):
    check = f"hessian {mode}"
    other = _call(check, lambda: srcdiff.hessian(func, wrt=name, mode=mode))
    got = np.asarray(_call(check, lambda: other(**o._clone(args))), float)
    if got.shape != H.shape:
        _wrong(check, f"shape {got.shape}, forward over reverse {H.shape}")
    if not o._close(got, H, 1e-7, 1e-9):
        # conditioning, or a wrong one: the differences of the gradient decide
        try:
            o.compare_hessian(got, srcdiff.grad(func, wrt=name), args, name)
        except o._Fail as fail:
            _wrong(check, f"{fail.verdict.detail}; forward over reverse {o._fmt(H)}")


class _Refused(Exception):
    def __init__(self, why):
        super().__init__(why)
        self.why = why


def _wrong(check, detail):
    raise o._Fail(o.Verdict("wrong", check, detail))


def _call(check, thunk):
    """A refusal (raised while generating code, with a hint) is this check's "refused";
    anything else the oracle's crash or refusal verdict."""
    try:
        return thunk()
    except srcdiff.SrcDiffError as exc:
        verdict = o._refusal(check, exc)
        if verdict.status == "refused":
            raise _Refused(f"{check}: {str(exc).splitlines()[0]}") from None
        raise o._Fail(verdict) from None
    except Exception as exc:  # noqa: BLE001 - any other exception is a crash
        raise o._Fail(o._crash(check, exc)) from None


def _tangent(x, k):
    """A direction like x (deterministic: the tester's runs are reproducible)."""
    if isinstance(x, np.ndarray):
        return np.cos(np.arange(x.size) * 1.7 + k).reshape(x.shape).astype(x.dtype)
    return float(np.cos(1.7 * k + 0.3))


def _agree(check, got, want, func, args, name=None):
    """got == want within rounding, or (when `name` says which gradient `want` is) got
    agrees with finite differences where want does not."""
    if o._close(got, want, *TOL):
        return
    if name is not None and o._agrees(got, o._fd_array(func, args, name)):
        return
    _wrong(check, f"{o._fmt(got)}, from the reverse-mode gradient {o._fmt(want)}")


def _jvp(func, args, grads, value):
    primals = tuple(o._clone(args).values())
    tangents = tuple(
        _tangent(x, k) if name in grads else None for k, (name, x) in enumerate(args.items())
    )
    before = o._clone(args)
    out, tangent = _call("jvp", lambda: srcdiff.jvp(func, primals, tangents))
    o._check_untouched("jvp", before, dict(zip(args, primals)))
    if not o._close(out, value, *TOL):
        _wrong("jvp", f"value {out!r}, f {value!r}")
    want = sum(
        float(np.sum(np.asarray(grads[n], float) * np.asarray(t, float)))
        for n, t in zip(args, tangents)
        if t is not None
    )
    _agree("jvp", tangent, want, func, args)


def _vjp(func, args, grads, value):
    primals = tuple(o._clone(args).values())
    out, pullback = _call("vjp", lambda: srcdiff.vjp(func, *primals))
    if not o._close(out, value, *TOL):
        _wrong("vjp", f"value {out!r}, f {value!r}")
    cts = _call("vjp", lambda: pullback(1.0))
    if len(cts) != len(args):
        _wrong("vjp", f"{len(cts)} cotangents for {len(args)} primals")
    for (name, x), ct in zip(args.items(), cts):
        if name not in grads:
            continue
        problem = o._shape_problem(ct, x, name)
        if problem:
            _wrong("vjp-shape", problem)
        _agree(f"vjp d/d{name}", ct, grads[name], func, args, name)


def _jacobian(func, args, wrt, grads, mode):
    check = f"jacobian {mode}"
    jac = _call(check, lambda: srcdiff.jacobian(func, wrt=tuple(wrt), mode=mode))
    got = _call(check, lambda: jac(**o._clone(args)))
    if not isinstance(got, tuple) or len(got) != len(wrt):
        _wrong(check, f"expected a tuple of {len(wrt)} Jacobians, got {type(got).__name__}")
    for name, j in zip(wrt, got):
        shape = np.shape(np.asarray(args[name], float))
        if np.shape(j) != shape:
            _wrong(check, f"Jacobian in {name} has shape {np.shape(j)}, expected {shape}")
        _agree(f"{check} d/d{name}", j, grads[name], func, args, name)


AUX = """

def {entry}_with_aux({params}):
    value = {entry}({params})
    return value * 1.0, {{"value": value, "label": "aux"}}
"""


def _has_aux(case, args, wrt, grads, value, mode):
    """value_and_grad(has_aux=True) of a function returning (f(...), a dict holding f's
    value and a string): f is then a helper of the differentiated function, and the aux
    is computed, not differentiated."""
    check = f"has_aux {mode}"
    params = ", ".join(args)
    module = o.load(case.source + AUX.format(entry=case.entry, params=params))
    try:
        func = getattr(module, f"{case.entry}_with_aux")
        vg = _call(
            check, lambda: srcdiff.value_and_grad(func, wrt=tuple(wrt), has_aux=True, mode=mode)
        )
        (got, aux), g = _call(check, lambda: vg(**o._clone(args)))
    finally:
        o.unload(module)
    if not o._close(got, value, *TOL) or not o._close(aux["value"], value, *TOL):
        _wrong(check, f"value {got!r}, aux {aux!r}, f {value!r}")
    if aux["label"] != "aux" or not isinstance(g, tuple) or len(g) != len(wrt):
        _wrong(check, f"aux {aux!r}, gradients {type(g).__name__}")
    for name, gi in zip(wrt, g):
        problem = o._shape_problem(gi, args[name], name)
        if problem:
            _wrong(check + "-shape", problem)
        _agree(f"{check} d/d{name}", gi, grads[name], None, args, None)


def check_container_transforms(func, args, pk, wrt, value, rev):
    """("ok" | "refused", why) for jvp of a program with parameters in containers
    (`oracle._Packing`): each container's tangent is a container of the same structure,
    a dict's keys written in the reverse order (a structure is its keys, not their order:
    jvp read a tangent dict's leaves in order, so {"b": 1.0, "a": 0.0} for a primal
    {"a": ..., "b": ...} was the tangent along a); compared with the checked gradient."""
    grads = dict(zip(wrt, rev))
    flat_tangents = {
        name: _tangent(x, k) if name in grads else None for k, (name, x) in enumerate(args.items())
    }
    packed_args = pk.pack(o._clone(args))
    tangents = dict(pk.pack(flat_tangents))
    for name, (kind, fields) in pk.spec.items():
        if kind == "dict" and name in tangents:
            tangents[name] = {f: flat_tangents[f] for f in reversed(fields)}
    params = list(packed_args)
    try:
        before = o._clone(packed_args)
        out, tangent = _call(
            "jvp",
            lambda: srcdiff.jvp(
                func, tuple(packed_args[p] for p in params), tuple(tangents[p] for p in params)
            ),
        )
        o._check_untouched("jvp", before, packed_args)
    except _Refused as refused:
        return "refused", refused.why
    if not o._close(out, value, *TOL):
        _wrong("jvp", f"value {out!r}, f {value!r}")
    want = sum(
        float(np.sum(np.asarray(grads[n], float) * np.asarray(t, float)))
        for n, t in flat_tangents.items()
        if t is not None
    )
    _agree("jvp (containers)", tangent, want, pk.plain(func), args)
    return "ok", ""

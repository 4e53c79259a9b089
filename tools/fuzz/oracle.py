"""The differential oracle: is srcdiff right about one program?

A *case* is the text of a Python module defining `f` (and any helpers), the
arguments to call it with, and the parameters to differentiate.  `check`
loads the module from a real file (srcdiff reads source), then compares:

* reverse mode (`value_and_grad`): its value is `f`'s value, each gradient
  has its input's type, shape and dtype;
* forward mode (`grad(mode="forward")`) against reverse mode, and for array
  parameters of code in compiler/batch.py's subset its batched tangents (many
  directions a pass) against its per-element passes;
* both against finite differences: central differences with Richardson
  extrapolation at two step sizes; an element where the two disagree is a
  kink (a branch or `abs` switching inside the step) and is not compared.
  These are the oracle's own on purpose, not srcdiff.runtime.fd.numeric_grad:
  an oracle that shared srcdiff's code could share its bugs, and this one
  also needs kink detection, which check_grad doesn't do;
* a derivative that is not finite is wrong (srcdiff refuses those with a
  DomainError), its own verdict ("not-finite") even where both modes agree;
* the caller's arguments are never modified;
* optionally the Hessian (forward over reverse) against finite differences of
  the reverse-mode gradient, at two step sizes, within their difference (for
  float32 arguments: the float64 Hessian that way, the float32 one against it).

Optional checks (in `modes`): ``"symbolic"`` compares `mode="symbolic"` with reverse
mode on programs of numbers (`NotSymbolicError` is that check's "refused"; a module over
SYMBOLIC_MAX_NODES syntax nodes or SYMBOLIC_SECONDS of SymPy is "skipped"), ``"numba"``
compares `backend="numba"` with the Python backend (`BackendError`: "refused"),
``"transforms"`` jvp, vjp, jacobian and the other Hessian modes with the checked
gradient and Hessian (tools/fuzz/transforms.py).  Their
outcomes are in `Verdict.sub`; a wrong value or another exception from either is the
verdict itself (check "symbolic" or "numba").  A case with `containers` passes some
parameters in a dict or a NamedTuple: the gradient must have the container's structure,
and its leaves are checked as the bare parameters would be.

The verdict is one of ``ok``, ``refused`` (a `SrcDiffError` naming the
construct: allowed, but counted), ``wrong``, ``crash`` (any other exception
from srcdiff or from the code it generated), or ``invalid`` (the program
itself fails, overflows, or is not finite at the point: a generator problem, not
srcdiff's).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib.util
import math
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

import srcdiff

RTOL, ATOL = 1e-6, 1e-8  # AD against finite differences
MODE_RTOL, MODE_ATOL = 1e-9, 1e-11  # reverse against forward (both exact to rounding)


@dataclass
class Case:
    source: str  # module text defining `entry`
    args: dict  # parameter name -> value, in signature order
    wrt: tuple  # parameters to differentiate
    entry: str = "f"
    hessian: bool = False  # also check the Hessian w.r.t. wrt[0]
    # parameters passed in containers: {container parameter: (kind, fields)}, kind "dict"
    # or the name of a NamedTuple class the source defines; `args` and `wrt` stay the
    # flat leaves (the fields), so finite differences perturb leaves
    containers: dict = field(default_factory=dict)


@dataclass
class Verdict:
    status: str  # ok | refused | wrong | crash | invalid
    check: str = ""  # which comparison decided it ("reverse", "forward", ...)
    detail: str = ""
    compared: int = 0  # finite-difference comparisons made
    kinks: int = 0  # elements skipped as kinks
    extra: dict = field(default_factory=dict)
    # the optional checks' own outcomes: {"symbolic" | "numba": (ok | refused | skipped,
    # why)}
    # (a wrong or crashing one decides the verdict itself, with check= its name)
    sub: dict = field(default_factory=dict)

    @property
    def signature(self):
        """What a smaller program must reproduce to count as the same failure."""
        return (self.status, self.check, self.extra.get("exc_type", ""))


_DIRS = {}


def _folder():
    """A temporary folder of this process's own (forked workers must not share one:
    two of them writing the same case file would race)."""
    pid = os.getpid()
    if pid not in _DIRS:
        _DIRS[pid] = tempfile.mkdtemp(prefix=f"srcdiff_fuzz_{pid}_")
    return _DIRS[pid]


def load(source, tag="case"):
    """Import module text from a real file (srcdiff reads the source)."""
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    name = f"fz_{tag}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    path = os.path.join(_folder(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def unload(module):
    sys.modules.pop(module.__name__, None)


# -- values --------------------------------------------------------------------------
def _clone(args):
    return {k: copy.deepcopy(v) for k, v in args.items()}


def _same_value(a, b):
    """Bitwise-equal values of the same type (the caller's arguments untouched)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    if hasattr(a, "__dataclass_fields__"):  # (its == compares arrays: ambiguous)
        return _same_value(vars(a), vars(b))
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def _finite_scalar(out):
    try:
        value = float(out)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and np.ndim(out) == 0 else None


def _close(a, b, rtol, atol):
    """Elementwise within tolerance.  An infinity agrees only with the same infinity (inf -
    inf is nan, and rtol * inf would let inf agree with any number); nan with nothing."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        near = (
            np.isfinite(a)
            & np.isfinite(b)
            & (np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b)))
        )
    return bool(np.all(near | (a == b)))


def _widened(args):
    """The arguments with every float32 array in float64 (the same values exactly)."""
    return {
        k: v.astype(np.float64) if isinstance(v, np.ndarray) and v.dtype == np.float32 else v
        for k, v in args.items()
    }


def _shape_problem(g, x, name):
    """Why gradient `g` is not in the form of argument `x` (None if it is)."""
    if isinstance(x, np.ndarray):
        if not isinstance(g, np.ndarray):
            return f"gradient of {name} is {type(g).__name__}, not an array"
        if g.shape != x.shape:
            return f"gradient of {name} has shape {g.shape}, argument {x.shape}"
        if g.dtype != x.dtype:
            return f"gradient of {name} has dtype {g.dtype}, argument {x.dtype}"
        return None
    if isinstance(x, (list, tuple)):
        if type(g) is not type(x) or len(g) != len(x):
            return f"gradient of {name} is {type(g).__name__} of {len(g)}, not like the argument"
        return None
    if np.ndim(g) != 0:
        return f"gradient of scalar {name} has shape {np.shape(g)}"
    if isinstance(x, np.float32) and not isinstance(g, np.float32):
        return f"gradient of float32 {name} is {type(g).__name__}"
    return None


# -- finite differences ---------------------------------------------------------------------
def _perturbed(x, idx, delta):
    if isinstance(x, np.ndarray):
        y = x.astype(np.float64)
        y[idx] += delta
        return y.astype(x.dtype) if x.dtype != np.float64 else y
    if isinstance(x, (list, tuple)):
        y = list(x)
        y[idx[0]] = y[idx[0]] + delta
        return type(x)(y)
    return float(x) + delta


def _elements(x):
    if isinstance(x, np.ndarray):
        return list(np.ndindex(x.shape))
    if isinstance(x, (list, tuple)):
        return [(i,) for i in range(len(x))]
    return [()]


def _value_at(x, idx):
    if isinstance(x, np.ndarray):
        return float(x[idx])
    if isinstance(x, (list, tuple)):
        return float(x[idx[0]])
    return float(x)


def richardson(phi, h):
    """Derivative of scalar phi at 0: central differences at h and h/2, extrapolated."""
    d1 = (phi(h) - phi(-h)) / (2 * h)
    d2 = (phi(h / 2) - phi(-h / 2)) / h
    return (4 * d2 - d1) / 3


def _one_sided_kink(phi, h):
    """Do the slopes from the left and from the right differ?  Central differences average
    them, and agree at every step size at a kink that sits exactly on the point (a mask
    boundary at an argument that is 0)."""
    try:
        f0 = phi(0.0)
        # one-sided differences are first order: 2 D(h/2) - D(h) cancels the h term
        right = 2 * (phi(h / 2) - f0) / (h / 2) - (phi(h) - f0) / h
        left = 2 * (f0 - phi(-h / 2)) / (h / 2) - (f0 - phi(-h)) / h
    except (ArithmeticError, ValueError):
        return True
    right, left = np.asarray(right, dtype=float), np.asarray(left, dtype=float)
    return not _close(right, left, 1e-3, 1e-5)


def fd_partials(func, args, name, steps=(1e-3, 2.5e-4), spreads=None):
    """{element: derivative or None (a kink)} of func w.r.t. args[name].  `spreads`, if
    given, gets each element's |difference of the two estimates|: how far the differences
    themselves can be trusted (large arguments of sin or exp make them imprecise)."""
    x = args[name]
    result = {}
    for idx in _elements(x):
        scale = max(1.0, abs(_value_at(x, idx)))

        def phi(delta, idx=idx):
            call = _clone(args)  # f may change its arguments in place
            call[name] = _perturbed(x, idx, delta)
            return func(**call)

        try:
            estimates = [richardson(phi, h * scale) for h in steps]
        except (ArithmeticError, ValueError):
            result[idx] = None
            continue
        estimates = [np.asarray(e, dtype=float) for e in estimates]
        if (
            not all(np.all(np.isfinite(e)) for e in estimates)
            or not _close(estimates[0], estimates[1], 1e-5, 1e-7)
            or _one_sided_kink(phi, steps[1] * scale)
        ):
            result[idx] = None
        else:
            result[idx] = estimates[1]
            if spreads is not None:
                spreads[idx] = float(np.max(np.abs(estimates[0] - estimates[1])))
    return result


def _as_scalar_func(func):
    def scalar(**kw):
        return float(func(**kw))

    return scalar


# -- the checks --------------------------------------------------------------------------------
class _Fail(Exception):
    def __init__(self, verdict):
        self.verdict = verdict


class _Packing:
    """The case's view of its parameters: `args` flat (leaves), srcdiff called with some
    of them in containers (`Case.containers`).  Without containers every method is the
    identity, so the checks read the same either way."""

    def __init__(self, case, func):
        self.spec = case.containers
        self.classes = {
            name: getattr(sys.modules[func.__module__], kind)
            for name, (kind, _) in self.spec.items()
            if kind != "dict"
        }
        self.owner = {f: name for name, (_, fields) in self.spec.items() for f in fields}

    def pack(self, flat):
        """The call's keyword arguments: the fields of each container gathered into it."""
        out = {}
        for k, v in flat.items():
            name = self.owner.get(k)
            if name is None:
                out[k] = v
            elif name not in out:
                kind, fields = self.spec[name]
                values = [flat[f] for f in fields]
                out[name] = (
                    dict(zip(fields, values)) if kind == "dict" else self.classes[name](*values)
                )
        return out

    def plain(self, func):
        """func as a function of the leaves (for finite differences and the value)."""
        return func if not self.spec else (lambda **kw: func(**self.pack(kw)))

    def wrt(self, wrt):
        """srcdiff's wrt: each container in place of its first field."""
        out = []
        for name in wrt:
            name = self.owner.get(name, name)
            if name not in out:
                out.append(name)
        return tuple(out)

    def unpack(self, g, wrt, args, check):
        """The gradients of the leaves in `wrt`'s order, from srcdiff's gradients (a tuple
        over self.wrt(wrt)); a container's gradient must be one of its type and fields."""
        if not self.spec:
            return g
        outer = self.wrt(wrt)
        if not isinstance(g, tuple) or len(g) != len(outer):
            raise _Fail(Verdict("wrong", check + "-shape", f"{len(outer)} gradients expected"))
        by_name = dict(zip(outer, g))
        leaves = {}
        for name, (kind, fields) in self.spec.items():
            if name not in by_name:
                continue
            d = by_name[name]
            if kind == "dict":
                if type(d) is not dict or list(d) != list(fields):
                    raise _Fail(
                        Verdict(
                            "wrong",
                            check + "-shape",
                            f"gradient of {name} is {d!r:.200}, not a dict of {list(fields)}",
                        )
                    )
                leaves.update(d)
            else:
                if type(d) is not self.classes[name]:
                    raise _Fail(
                        Verdict(
                            "wrong",
                            check + "-shape",
                            f"gradient of {name} is {type(d).__name__}, not {kind}",
                        )
                    )
                leaves.update((f, getattr(d, f)) for f in fields)  # NamedTuple, dataclass
        for name in wrt:
            if name not in self.owner:
                leaves[name] = by_name[name]
        return tuple(leaves[name] for name in wrt)


def _crash(check, exc):
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    for frame in reversed(tb):
        if "srcdiff" in frame.filename or frame.filename.startswith("<srcdiff"):
            where = f"{os.path.basename(frame.filename)}:{frame.name}"
            break
    detail = f"{type(exc).__name__}: {exc}"[:2000]
    return Verdict(
        "crash",
        check,
        detail,
        extra={
            "exc_type": type(exc).__name__,
            "where": where,
            "traceback": "".join(traceback.format_exception(exc))[-4000:],
        },
    )


def _chain(exc):
    """exc and the exceptions it was raised from or while handling (`raise ... from None`
    hides the one a DomainError wraps from tracebacks, not from __context__)."""
    seen = []
    while exc is not None and all(exc is not e for e in seen):
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _raised_at_run_time(exc):
    """Did `exc` come from running derivative code (generated lines, srcdiff.runtime's
    helpers) rather than from generating it?  A DomainError always does: it says the
    derivative is not finite or not defined at the point (errors.py)."""
    if isinstance(exc, srcdiff.DomainError):
        return True
    for e in _chain(exc):
        for frame in traceback.extract_tb(e.__traceback__):
            name = frame.filename.replace(os.sep, "/")
            if (
                name.startswith("<srcdiff") and not name.startswith("<srcdiff dispatch")
            ) or "/srcdiff/runtime/" in name:
                return True
    return False


def _wrapped(exc):
    """The exception of another kind a SrcDiffError reports (a DomainError wrapping a
    ZeroDivisionError of generated code), or None."""
    return next((e for e in _chain(exc)[1:] if not isinstance(e, srcdiff.SrcDiffError)), None)


def _refusal(check, exc, own=None):
    """The verdict on a SrcDiffError.  "refused" only for one raised while generating
    code, with a hint.  Raised by the code it generated, it is a crash: a wrapped error
    (ZeroDivisionError, a math domain error) unless `own()` (the function itself at the
    same point) raises the same, and a refusal at run time (a DomainError for a
    derivative that is not finite) unless `own` is None or says the function is not
    differentiable there (the caller passes one that checks with finite differences)."""
    verdict = Verdict("refused", check, str(exc)[:2000], extra={"exc_type": type(exc).__name__})
    if not _raised_at_run_time(exc):
        if not exc.hint:
            return _crash(check + "-no-hint", exc)
        return verdict
    inner = _wrapped(exc)
    if isinstance(exc, srcdiff.UnsupportedSyntaxError) and exc.hint and inner is None:
        return verdict  # a check in generated code where only the values can tell (a
        # repeated fancy index: runtime.check_distinct), with its place and a hint
    if own is None:
        return verdict if inner is None else _crash(check + "-run-time", exc)
    try:
        own(inner)
    except Exception as own_exc:  # noqa: BLE001 - the function's own failure
        if inner is None or type(own_exc) is type(inner):
            return verdict
    return _crash(check + "-run-time", exc)


def _run(check, thunk, own=None):
    """Run a srcdiff call: SrcDiffError -> `_refusal`'s verdict, anything else -> crash."""
    try:
        return thunk()
    except srcdiff.SrcDiffError as exc:
        raise _Fail(_refusal(check, exc, own)) from None
    except Exception as exc:  # noqa: BLE001 - every other exception is a crash
        raise _Fail(_crash(check, exc)) from None


def _own_failure(plain, args, wrt):
    """`own` for _refusal: raises what the function itself raises at `args` -- or, where
    it runs (and the refusal is not of a wrapped error), a DomainError when finite
    differences find it not differentiable there in `wrt` (a kink, not finite, or too
    large for the argument's dtype: 1e200 as a float32 gradient)."""

    def own(inner):
        plain(**_clone(args))
        if inner is not None:
            return
        scalar = _as_scalar_func(plain)
        for name in wrt:
            dtype = getattr(args[name], "dtype", np.dtype(float))
            top = np.finfo(dtype).max if dtype.kind == "f" else np.inf
            for d in fd_partials(scalar, _widened(args), name).values():
                if d is None or not np.all(np.abs(d) < top):
                    raise srcdiff.DomainError(f"f is not differentiable here in {name}")

    return own


def _grads_tuple(g, wrt):
    """grad with a tuple `wrt` returns a tuple, even of one gradient."""
    if not isinstance(g, tuple) or len(g) != len(wrt):
        raise _Fail(
            Verdict(
                "wrong",
                "reverse-shape",
                f"expected a tuple of {len(wrt)} gradients, got {type(g).__name__}",
            )
        )
    return g


def _check_untouched(check, before, args):
    for k in before:
        if not _same_value(before[k], args[k]):
            raise _Fail(Verdict("wrong", check, f"argument {k!r} was modified"))


class _Timeout(BaseException):  # not caught as a crash of srcdiff
    pass


def _alarm(signum, frame):
    raise _Timeout()


def check(case, modes=("reverse", "forward", "fd", "hessian"), seconds=60):
    """The verdict on one case (see the module docstring).  A case that runs longer than
    `seconds` (a loop the minimiser made endless) is invalid."""
    try:
        module = load(case.source)
    except Exception as exc:  # noqa: BLE001
        return Verdict("invalid", "load", f"{type(exc).__name__}: {exc}")
    func = getattr(module, case.entry, None)
    if func is None:
        unload(module)
        return Verdict("invalid", "load", f"no function {case.entry}")
    timed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _alarm)
        # Re-fired every second until cleared: an alarm raised inside a weakref or GC
        # callback is swallowed ("Exception ignored in ..."), and one shot would be lost.
        signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        return _check(case, func, modes)
    except _Fail as fail:
        return fail.verdict
    except _Timeout:
        return Verdict("invalid", "timeout", f"more than {seconds} s")
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        unload(module)


def _check(case, func, modes):
    args = case.args
    pk = _Packing(case, func)
    plain = pk.plain(func)
    try:
        # An overflow makes the program's floats a different function from its formula
        # (x -= x * x repeated: -inf, then tanh(-inf) = -1, flat): its derivative through
        # the inf is 0 * inf in any AD tool, and finite differences see the flat floats.
        with np.errstate(all="ignore", over="raise"):
            expected = plain(**_clone(args))
    except FloatingPointError as exc:
        return Verdict("invalid", "f", f"f overflows at this point ({exc})")
    except Exception as exc:  # noqa: BLE001
        return Verdict("invalid", "f", f"{type(exc).__name__}: {exc}")
    value = _finite_scalar(expected)
    if value is None:
        return Verdict("invalid", "f", f"f returned {expected!r}")
    wrt = tuple(case.wrt)
    swrt = pk.wrt(wrt)  # srcdiff's: containers in place of their fields
    verdict = Verdict("ok")
    rev = None
    single = any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in args.values())
    mode_tol = (1e-4, 1e-5) if single else (MODE_RTOL, MODE_ATOL)
    if "reverse" in modes or "fd" in modes or "forward" in modes:
        before = _clone(args)
        call = _clone(args)
        vg = _run("reverse", lambda: srcdiff.value_and_grad(func, wrt=swrt))
        out = _run("reverse", lambda: vg(**pk.pack(call)), _own_failure(plain, args, wrt))
        _check_untouched("reverse", before, call)
        got_value, g = out
        if _finite_scalar(got_value) is None or not _close(
            got_value, value, 1e-6 if single else 1e-12, 1e-14
        ):
            raise _Fail(
                Verdict("wrong", "value", f"value_and_grad value {got_value!r}, f {value!r}")
            )
        rev = pk.unpack(_grads_tuple(g, swrt), wrt, args, "reverse")
        if len(rev) != len(wrt):
            raise _Fail(Verdict("wrong", "reverse", f"{len(rev)} gradients for {len(wrt)} inputs"))
        for name, gi in zip(wrt, rev):
            problem = _shape_problem(gi, args[name], name)
            if problem:
                raise _Fail(Verdict("wrong", "reverse-shape", problem))
    if "forward" in modes:
        before = _clone(args)
        call = _clone(args)
        gf = _run("forward", lambda: srcdiff.grad(func, wrt=swrt, mode="forward"))
        fwd = pk.unpack(
            _grads_tuple(
                _run("forward", lambda: gf(**pk.pack(call)), _own_failure(plain, args, wrt)),
                swrt,
            ),
            wrt,
            args,
            "forward",
        )
        _check_untouched("forward", before, call)
        for name, gi, gr in zip(wrt, fwd, rev):
            problem = _shape_problem(gi, args[name], name)
            if problem:
                raise _Fail(Verdict("wrong", "forward-shape", problem))
            if not _close(gi, gr, *mode_tol):
                # decide which one is wrong with finite differences
                fd = _fd_array(plain, args, name)
                who = "forward" if _agrees(gr, fd) else "reverse" if _agrees(gi, fd) else "both"
                raise _Fail(
                    Verdict(
                        "wrong",
                        who,
                        f"d/d{name}: reverse {_fmt(gr)}, forward "
                        f"{_fmt(gi)}, differences {_fmt(fd)}",
                    )
                )
        if not case.containers:
            _check_batched(func, args, wrt, mode_tol)
    if rev is not None:
        _check_finite(func, pk, args, wrt, rev, single, "forward" in modes)
    if "fd" in modes and single:
        # float32: finite differences are too coarse; compare with the float64 gradient
        # of the same program, itself checked against finite differences
        wide = _widened(args)
        inner = _check(
            Case(case.source, wide, wrt, case.entry, containers=case.containers), func, modes
        )
        if inner.status != "ok":
            raise _Fail(inner)
        _, g64 = _run(
            "reverse", lambda: srcdiff.value_and_grad(func, wrt=swrt)(**pk.pack(_clone(wide)))
        )
        for name, g32, g in zip(wrt, rev, pk.unpack(_grads_tuple(g64, swrt), wrt, wide, "reverse")):
            scale = max(1.0, float(np.max(np.abs(np.asarray(g, dtype=float)), initial=0)))
            if not _close(g32, g, 2e-3, 1e-4 * scale):
                raise _Fail(
                    Verdict(
                        "wrong",
                        "reverse",
                        f"float32 gradient of {name} {_fmt(g32)}, float64 {_fmt(g)}",
                    )
                )
        verdict.compared, verdict.kinks = inner.compared, inner.kinks
    elif "fd" in modes:
        scalar = _as_scalar_func(plain)
        for name, gr in zip(wrt, rev):
            spreads = {}
            partials = fd_partials(scalar, args, name, spreads=spreads)
            garr = np.asarray(gr, dtype=float)
            for idx, d in partials.items():
                if d is None:
                    verdict.kinks += 1
                    continue
                verdict.compared += 1
                got = garr[idx] if garr.ndim else garr
                # within the differences' own precision (twice their two estimates' spread)
                slack = ATOL * max(1.0, abs(value)) + 2 * spreads.get(idx, 0.0)
                if not _close(got, d, RTOL, slack):
                    raise _Fail(
                        Verdict(
                            "wrong",
                            "reverse",
                            f"d/d{name}{list(idx)}: srcdiff "
                            f"{float(got)!r}, differences {float(d)!r}",
                        )
                    )
    if case.hessian and "hessian" in modes and not case.containers:
        _check_hessian(case, func, args, wrt[0], verdict, "transforms" in modes and not single)
    if rev is not None and case.containers and "transforms" in modes and not single:
        from .transforms import check_container_transforms

        verdict.sub["transforms"] = check_container_transforms(func, args, pk, wrt, value, rev)
    if rev is not None and not case.containers:
        if "transforms" in modes and not single:
            from .transforms import check_transforms

            verdict.sub["transforms"] = check_transforms(case, func, args, wrt, value, rev)
        if "symbolic" in modes and not _has_arrays(args):
            verdict.sub["symbolic"] = _check_symbolic(case, func, args, wrt, value, rev)
        if "numba" in modes:
            tol = (1e-4, 1e-5) if single else (1e-8, 1e-10)
            verdict.sub["numba"] = _check_numba(func, args, wrt, value, rev, tol)
    return verdict


SYMBOLIC_MAX_NODES = 500  # larger modules are not tried symbolically ("skipped")
SYMBOLIC_SECONDS = 10.0  # nor ones SymPy takes longer over (expression swell)


def _check_batched(func, args, wrt, tol):
    """Forward mode's batched tangents (compiler/batch.py: one pass carries many
    directions) equal its per-element passes, where the function is in batch.py's subset
    (grad(mode="forward") took the batched path above, so this pins down which is wrong)."""
    from srcdiff.api.forward import batched_columns, columns
    from srcdiff.api.requests import parameters

    params = parameters(func)
    if set(params) != set(args):
        return
    for name in wrt:
        i = params.index(name)
        values = tuple(_clone(args)[p] for p in params)
        batched = _run("batched", lambda v=values, k=i: batched_columns(func, v, k))
        if batched is None:
            continue
        _, per = _run("batched", lambda v=values, k=i: columns(func, v, k))
        for j, t in enumerate(per):
            if not _close(batched[1][j], np.broadcast_to(t, np.shape(batched[1][j])), *tol):
                raise _Fail(
                    Verdict(
                        "wrong",
                        "batched",
                        f"d/d{name} along element {j}: batched {_fmt(batched[1][j])}, "
                        f"per-element {_fmt(t)}",
                    )
                )


def _has_arrays(args):
    return any(isinstance(v, np.ndarray) for v in args.values())


def _time_limited(seconds, thunk):
    """thunk(), or the string "skipped" if it takes more than `seconds`.  Inside check()'s
    own time limit (its SIGALRM handler installed) this borrows that timer and gives it
    back with what is left; elsewhere there is no limit."""
    if signal.getsignal(signal.SIGALRM) is not _alarm:
        return thunk()
    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    limit = min(seconds, outer) if outer else seconds
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return thunk()
    except _Timeout:
        if outer and limit >= outer:  # check()'s own deadline, not this one's
            raise
        return "skipped"
    finally:
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)


def _other_mode(check, refusal, func, args, wrt, value, rev, make, seconds=None, tol=None):
    """One more way to the gradient (`make()` builds its value_and_grad) against reverse
    mode: "ok", "refused" (it raised `refusal`, the error meaning "not in my subset"), or
    "skipped" (over its time limit); a wrong value, another exception, a modified argument
    or a gradient of another form raise _Fail.  A disagreement with reverse mode beyond
    rounding is wrong only where finite differences side with reverse mode (both within
    the differences' tolerance is the conditioning of two exact-to-rounding formulas)."""
    before = _clone(args)
    call = _clone(args)

    def run():
        return make()(**call)

    try:
        out = _time_limited(seconds, run) if seconds else run()
    except refusal as exc:
        return "refused", str(exc).split("\n")[0]
    except Exception as exc:  # noqa: BLE001 - any other exception is a crash of this mode
        raise _Fail(_crash(check, exc)) from None
    if isinstance(out, str):
        return out, f"over {seconds} s"
    _check_untouched(check, before, call)
    got_value, g = out
    rtol, atol = tol or (1e-8, 1e-10)
    if _finite_scalar(got_value) is None or not _close(got_value, value, rtol, atol):
        raise _Fail(Verdict("wrong", check, f"{check} value {got_value!r}, f {value!r}"))
    g = _grads_tuple(g, wrt)
    for name, gi, gr in zip(wrt, g, rev):
        problem = _shape_problem(gi, args[name], name)
        if problem:
            raise _Fail(Verdict("wrong", check + "-shape", problem))
        if _close(gi, gr, rtol, atol):
            continue
        fd = _fd_array(func, args, name)
        if _agrees(gi, fd):
            continue
        raise _Fail(
            Verdict(
                "wrong",
                check,
                f"d/d{name}: {check} {_fmt(gi)}, reverse {_fmt(gr)}, differences {_fmt(fd)}",
            )
        )
    return "ok", ""


def _check_symbolic(case, func, args, wrt, value, rev):
    """mode="symbolic" against reverse mode, on modules small enough for SymPy."""
    if sum(1 for _ in ast.walk(ast.parse(case.source))) > SYMBOLIC_MAX_NODES:
        return "skipped", f"over {SYMBOLIC_MAX_NODES} syntax nodes"
    return _other_mode(
        "symbolic",
        srcdiff.NotSymbolicError,
        func,
        args,
        wrt,
        value,
        rev,
        lambda: srcdiff.value_and_grad(func, wrt=wrt, mode="symbolic"),
        seconds=SYMBOLIC_SECONDS,
    )


def _check_numba(func, args, wrt, value, rev, tol):
    """backend="numba" against the Python backend (reverse mode both), on scalar and
    NumPy programs alike."""
    return _other_mode(
        "numba",
        srcdiff.BackendError,
        func,
        args,
        wrt,
        value,
        rev,
        lambda: srcdiff.value_and_grad(func, wrt=wrt, backend="numba"),
        tol=tol,
    )


def _check_finite(func, pk, args, wrt, rev, single, forward):
    """srcdiff refuses a derivative that is not finite (DomainError); one it returns anyway
    is wrong whatever the other mode says (both agree here: compared before).  Finite
    differences can't check it (they are nan or overflow too), so this is its own verdict,
    not a disagreement of the modes."""
    for name, gr in zip(wrt, rev):
        garr = np.asarray(gr, dtype=float)
        if np.all(np.isfinite(garr)):
            continue
        note = ""
        if single:  # is it float32 overflowing? show the float64 gradient
            try:
                swrt = pk.wrt(wrt)
                _, g64 = srcdiff.value_and_grad(func, wrt=swrt)(**pk.pack(_clone(_widened(args))))
                g64 = pk.unpack(g64, wrt, args, "reverse")
                note = f"; the float64 gradient is {_fmt(g64[wrt.index(name)])}"
            except Exception as exc:  # noqa: BLE001 - only a note
                note = f"; the float64 gradient raises {type(exc).__name__}"
        raise _Fail(
            Verdict(
                "wrong",
                "not-finite",
                f"d/d{name}: srcdiff returned {_fmt(gr)}"
                f"{' (forward mode agrees)' if forward else ''} instead of "
                f"refusing with a DomainError{note}",
            )
        )


def _fd_array(func, args, name):
    # float32 arguments in float64: a float32 step would be rounded (the delta not the one
    # divided by), and this only decides which mode is wrong
    args = _widened(args)
    partials = fd_partials(_as_scalar_func(func), args, name)
    x = args[name]
    if not _elements(x) or _elements(x) == [()]:
        d = partials.get(())
        return np.nan if d is None else float(d)
    out = np.full(np.shape(np.asarray(x, dtype=float)), np.nan)
    for idx, d in partials.items():
        if d is not None:
            out[idx] = d
    return out


def _agrees(g, fd):
    g, fd = np.asarray(g, dtype=float), np.asarray(fd, dtype=float)
    if g.shape != fd.shape:
        return False
    ok = np.isnan(fd) | (np.abs(g - fd) <= ATOL + RTOL * np.maximum(np.abs(g), np.abs(fd)))
    return bool(np.all(ok))


def _fmt(v):
    return (
        np.array2string(np.asarray(v, dtype=float), precision=6)
        if np.ndim(v)
        else f"{float(v):.8g}"
    )


HESS_STEPS = (1e-3, 2.5e-4)  # relative steps for differences of the gradient
HESS_KINK = 1e-3  # the two estimates differ more: a kink, not compared
HESS_RTOL, HESS_ATOL = 1e-5, 1e-7


def _check_hessian(case, func, args, name, verdict, other_modes=False):
    """srcdiff's Hessian against differences of its reverse-mode gradient.  With float32
    arguments, differences of the float32 gradient are noise (and a float32 step is rounded,
    so the delta is not the one divided by): the float64 Hessian of the same program is
    checked that way instead, and the float32 one compared with it at float32's precision,
    as the gradient is."""
    before = _clone(args)
    call = _clone(args)
    h = _run("hessian", lambda: srcdiff.hessian(func, wrt=name))
    own = _own_failure(_gradient_entries(func, name), args, (name,))
    H = np.asarray(_run("hessian", lambda: h(**call), own), dtype=float)
    _check_untouched("hessian", before, call)
    x = args[name]
    shape = np.shape(np.asarray(x, dtype=float))
    if H.shape != shape + shape:
        raise _Fail(
            Verdict("wrong", "hessian", f"Hessian shape {H.shape}, expected {shape + shape}")
        )
    wide = _widened(args)
    if any(wide[k] is not args[k] for k in args):  # float32 arguments
        H64 = np.asarray(_run("hessian", lambda: h(**_clone(wide)), own), dtype=float)
        compare_hessian(H64, srcdiff.grad(func, wrt=name), wide, name, verdict)
        scale = max(1.0, float(np.max(np.abs(H64), initial=0)))
        if not _close(H, H64, 2e-3, 1e-4 * scale):
            raise _Fail(
                Verdict(
                    "wrong",
                    "hessian",
                    f"float32 Hessian d2/d{name}d{name} {_fmt(H)}, float64 {_fmt(H64)}",
                )
            )
        return
    compare_hessian(H, srcdiff.grad(func, wrt=name), args, name, verdict)
    if other_modes:  # reverse over reverse, forward over forward: the same matrix
        from .transforms import check_hessian_modes

        verdict.sub["hessian-modes"] = check_hessian_modes(func, args, name, H)


def _gradient_entries(func, name):
    """The sum of srcdiff's gradient's entries, each weighted differently, as a function
    (for `_own_failure`: a kink of any entry is one of this sum, but for cancellations a
    random weighting makes unlikely)."""
    grad = srcdiff.grad(func, wrt=name)

    def weighted(**kw):
        g = np.asarray(grad(**kw), dtype=float)
        return float(np.sum(g * np.sqrt(np.arange(1.0, g.size + 1.0)).reshape(g.shape)))

    return weighted


def compare_hessian(H, grad, args, name, verdict=None):
    """Each column of H against Richardson-extrapolated central differences of `grad` at two
    step sizes.  Their difference estimates the coarser one's truncation error, hundreds of
    times the finer one's: a column where they differ by more than HESS_KINK (relative) is a
    kink and skipped, as is one where the gradient's slopes from the left and from the
    right differ (a kink exactly at the point); otherwise the finer one is the reference,
    within HESS_RTOL and twice that estimate (at most 2e-3 relative: a wrong entry is
    typically off by O(1)).  Raises _Fail with a "wrong" verdict; counts compared and
    skipped columns in `verdict`."""
    x = args[name]
    shape = np.shape(np.asarray(x, dtype=float))
    for idx in _elements(x):
        scale = max(1.0, abs(_value_at(x, idx)))

        def phi(delta, idx=idx):
            kw = _clone(args)
            kw[name] = _perturbed(x, idx, delta)
            return np.asarray(grad(**kw), dtype=float)

        try:
            with np.errstate(all="ignore"):
                e1, e2 = (richardson(phi, s * scale) for s in HESS_STEPS)
        except (ArithmeticError, ValueError):
            e1 = e2 = np.nan
        column = H[(Ellipsis,) + tuple(idx)] if shape else H
        e1, e2 = np.broadcast_to(e1, np.shape(column)), np.broadcast_to(e2, np.shape(column))
        size = max(1.0, float(np.max(np.abs(e2), initial=0)))
        err = np.abs(e1 - e2)
        if (
            not (np.all(np.isfinite(e1)) and np.all(np.isfinite(e2)))
            or np.any(err > HESS_KINK * np.maximum(np.abs(e2), size * 1e-3))
            # a kink of the gradient exactly at the point (x at a bound of np.clip): central
            # differences average the two sides at every step, one-sided ones tell them apart
            or _one_sided_kink(phi, HESS_STEPS[1] * scale)
        ):
            if verdict is not None:
                verdict.kinks += 1
            continue
        if verdict is not None:
            verdict.compared += 1
        tol = HESS_ATOL * size + HESS_RTOL * np.maximum(np.abs(column), np.abs(e2)) + 2 * err
        if not np.all(np.abs(column - e2) <= tol):
            raise _Fail(
                Verdict(
                    "wrong",
                    "hessian",
                    f"d2/d{name}d{name}{list(idx)}: srcdiff "
                    f"{_fmt(column)}, differences of the gradient {_fmt(e2)}",
                )
            )

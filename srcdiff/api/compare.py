"""`srcdiff.compare(f, *args, wrt=...)`: the four ways to a derivative, side by side.

The seed of the project is the classic comparison of symbolic differentiation, finite
differences, forward mode and reverse mode.  `compare` runs all four on the user's own
function at one point and reports each method's values, its error against the exact
derivative, how many evaluations of f (or passes) it needed, and its time:

* symbolic: `grad(f, mode="symbolic")`, the closed form, where srcdiff has that mode and
  the function is a formula; otherwise the row says why not (`n/a: ...`);
* forward and central differences at a sweep of steps (differences.py), each at its best
  step (knowable here only because the exact value is) and at its textbook step;
* forward mode and reverse mode, srcdiff's generated code.

The exact values are the symbolic row's where it applies, else reverse mode's (the
report says which).  Times are per whole derivative (every entry), after the code is
generated, each measured within a share of `time_budget` (timing.py).
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ..errors import ArgumentError, SrcDiffError, WrtError
from . import callables
from .compare_report import Comparison, MethodRow
from .differences import (
    SCALES,
    TEXTBOOK,
    TEXTBOOK_NAME,
    Entry,
    Sweep,
    difference,
    entries,
    evaluations,
    relative_error,
    sweep,
)
from .differences import absolute_error as abs_error
from .gradients import grad
from .requests import (
    count_parameters,
    default_wrt,
    is_int_scalar,
    keyword_only,
    parameters,
    parse_wrt,
    positional,
)
from .timing import per_call

AD_MODES = (("symbolic", "symbolic"), ("forward mode", "forward"), ("reverse mode", "reverse"))
REFERENCE_ORDER = ("symbolic", "reverse mode", "forward mode")


@callables.reads_lambdas
def compare(
    func: Callable[..., object],
    *args: object,
    wrt: object = None,
    time_budget: float = 0.35,
    scales: Sequence[float] = SCALES,
    **kwargs: object,
) -> Comparison:
    """Compare symbolic differentiation, forward and central finite differences, forward
    mode and reverse mode on `func` at `args`.

    `wrt` names the parameters (an index, a name, or a tuple of them); by default every
    float, float array and integer that is not a count, as `srcdiff check` chooses.
    `time_budget` bounds the seconds spent timing (shared by the rows); `scales` are the
    finite-difference steps, relative to max(1, |x|).  `kwargs` are arguments of `func`
    given by name (keyword-only ones must be).  Returns a Comparison: printed, a table
    with the lessons under it; `.rows` the numbers."""
    params = parameters(func)
    values = _bind(func, args, kwargs)
    names = _names(func, wrt, params, values)
    values = _as_floats(func, params, names, values)
    items = entries(names, params, values)
    share = time_budget / 8  # seven rows and f itself

    measured = {label: _measure(func, names, values, mode, share) for label, mode in AD_MODES}
    reference = next((m for m in REFERENCE_ORDER if measured[m].values is not None), None)
    if reference is None:  # nothing to measure errors against: reverse mode's error
        error = measured["reverse mode"].error
        assert error is not None
        raise error
    exact = measured[reference].values
    assert exact is not None

    plain = positional(func)
    found = sweep(plain, values, items, scales)
    fd_rows, failures = _finite_differences(plain, values, items, found, exact, share)
    rows = [_ad_row(label, measured[label], exact, reference, len(items)) for label, _ in AD_MODES]
    rows[1:1] = fd_rows  # symbolic, the finite differences, forward mode, reverse mode
    return Comparison(
        function=getattr(func, "__name__", repr(func)),
        point=dict(zip(params, values)),
        entries=items,
        exact=exact,
        reference=reference,
        rows=rows,
        sweep=found,
        function_seconds=per_call(_bound(func, func, values), share),  # f itself, for scale
        failures=[*found.failures, *failures],
    )


class _Measured(NamedTuple):
    """One AD mode's derivative at the point (values None, and why: error)."""

    values: np.ndarray | None
    seconds: float | None
    error: Exception | None


def _measure(
    func: Callable[..., object],
    names: tuple[str, ...],
    values: tuple[object, ...],
    mode: str,
    budget: float,
) -> _Measured:
    try:
        run = _bound(grad(func, wrt=names, mode=mode), func, values)
        flat = _flat(run())
    except (SrcDiffError, ArithmeticError) as exc:  # a row that says why not
        return _Measured(None, None, exc)
    return _Measured(flat, per_call(run, budget), None)


def _ad_row(label: str, got: _Measured, exact: np.ndarray, reference: str, n: int) -> MethodRow:
    count, cost = {
        "symbolic": (1, "1"),
        "forward mode": (n, f"n = {n}"),
        "reverse mode": (2, "1+1 = 2"),
    }[label]
    return MethodRow(
        name=label,
        method=label,
        values=got.values,
        abs_error=None if got.values is None else abs_error(got.values, exact),
        rel_error=None if got.values is None else relative_error(got.values, exact),
        evaluations=count,
        cost=cost,
        seconds=got.seconds,
        reason=None if got.error is None else _reason(got.error),
        reference=label == reference,
    )


def _finite_differences(
    plain: Callable[..., object],
    values: tuple[object, ...],
    items: list[Entry],
    found: Sweep,
    exact: np.ndarray,
    budget: float,
) -> tuple[list[MethodRow], list[str]]:
    """The rows of forward and central differences, each at its best step of the sweep
    and at its textbook step; and where f failed at the textbook steps."""
    rows: list[MethodRow] = []
    failures: list[str] = []
    n = len(items)
    for scheme in ("forward", "central"):
        method = f"{scheme} differences"
        count = evaluations(scheme, n)
        cost = f"n+1 = {count}" if scheme == "forward" else f"2n = {count}"
        best = found.best(scheme, exact)
        steps = (
            ("best step", found.scales[best], found.estimates[scheme][best]),
            (f"{TEXTBOOK_NAME[scheme]} step", TEXTBOOK[scheme], None),
        )
        for kind, step, estimate in steps:
            if estimate is None:
                estimate = difference(plain, values, items, scheme, step, failures=failures)

            def again(s: str = scheme, h: float = step) -> np.ndarray:
                return difference(plain, values, items, s, h, failures=[])

            seconds = per_call(again, budget)
            rows.append(
                MethodRow(
                    name=f"{method}, {kind}",
                    method=method,
                    values=estimate,
                    abs_error=abs_error(estimate, exact),
                    rel_error=relative_error(estimate, exact),
                    evaluations=count,
                    cost=cost,
                    seconds=seconds,
                    step=step,
                )
            )
    return rows, failures


def _as_floats(
    func: Callable[..., object],
    params: list[str],
    names: tuple[str, ...],
    values: tuple[object, ...],
) -> tuple[object, ...]:
    """An integer differentiated is a number like a float (3 is the point 3.0): the code
    timed is then the code made for floats, not the conversions integers get.  Counts
    (`range(n)`, an index) stay integers."""
    counts = count_parameters(func)
    return tuple(
        float(v)
        if p in names and p not in counts and isinstance(v, numbers.Integral) and is_int_scalar(v)
        else v
        for p, v in zip(params, values)
    )


def _bind(
    func: Callable[..., object], args: Sequence[object], kwargs: dict[str, object]
) -> tuple[object, ...]:
    """One value per parameter, in order: `args` and `kwargs`, then the defaults."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError as exc:
        raise ArgumentError(
            f"compare's arguments do not match {func.__name__}{inspect.signature(func)}: {exc}"
        ) from None
    bound.apply_defaults()
    return tuple(bound.arguments[p] for p in parameters(func))


def _names(
    func: Callable[..., object], wrt: object, params: list[str], values: tuple[object, ...]
) -> tuple[str, ...]:
    if wrt is None:
        chosen = default_wrt(func, values)
        if not chosen:
            raise WrtError(
                f"{func.__name__} has no argument to differentiate here (floats, float "
                "arrays, integers that are not counts); name one with wrt="
            )
        return tuple(chosen)
    names, _ = parse_wrt(func, wrt, params)
    return names


def _bound(
    derivative: Callable[..., object], func: Callable[..., object], values: tuple[object, ...]
) -> Callable[[], object]:
    """`derivative` called at `values` (keyword-only parameters by name), as a function of
    nothing: what is timed is the call, not the binding."""
    kwonly = keyword_only(func)
    npos = len(values) - len(kwonly)
    args, kwargs = values[:npos], dict(zip(kwonly, values[npos:]))
    if not kwargs:
        return lambda: derivative(*args)
    return lambda: derivative(*args, **kwargs)


def _flat(gradient: object) -> np.ndarray:
    """A gradient (a tuple with one float or array per parameter) as one float vector."""
    parts = gradient if isinstance(gradient, tuple) else (gradient,)
    return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts])


def _reason(exc: Exception) -> str:
    """The first line of an error's message, as a table cell can hold it (an error that
    isn't srcdiff's, such as an arithmetic error of the function itself, named)."""
    if isinstance(exc, SrcDiffError):
        return str(exc.message).splitlines()[0]
    return f"{type(exc).__name__}: {exc}".splitlines()[0]

"""Finite differences at a sweep of step sizes, and errors against an exact value: the
figures `srcdiff.compare` reports for its two finite-difference methods.

`runtime/fd.py` is srcdiff's checker (central differences at one well-chosen step);
this module is the demonstration of why that step: it evaluates forward differences
(f(x + h) - f(x)) / h and central differences (f(x + h) - f(x - h)) / 2h at every step
of a sweep, so the error shows its V -- truncation (O(h) forward, O(h^2) central) on the
right, rounding (O(eps / h)) on the left -- and at the textbook steps
sqrt(eps) * max(1, |x|) (forward) and cbrt(eps) * max(1, |x|) (central), which balance
the two.

Every step is relative: an entry x is moved by h = scale * max(1, |x|), and the
denominator is the step actually taken, (x + h) - x as rounded (as runtime/fd.py does).
One *entry* is one scalar input: a number argument, or one element of an array.  The
caller's arguments are never modified, nor handed to `func`: every call gets copies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

EPS = float(np.finfo(np.float64).eps)
SCALES: tuple[float, ...] = tuple(10.0**-k for k in range(1, 14))  # 1e-1 ... 1e-13
TEXTBOOK = {"forward": EPS**0.5, "central": EPS ** (1 / 3)}
TEXTBOOK_NAME = {"forward": "sqrt(eps)", "central": "cbrt(eps)"}
SCHEMES = ("forward", "central")


def evaluations(scheme: str, n: int) -> int:
    """Calls of f one gradient of n entries takes: n + 1 forward, 2n central."""
    return n + 1 if scheme == "forward" else 2 * n


@dataclass(frozen=True)
class Entry:
    """One scalar input: argument `position` (its element `index` if an array)."""

    label: str  # "x", or "w[1, 0]"
    position: int  # index into the argument tuple
    index: tuple[int, ...]  # () for a number
    value: float  # the input's value, as a float


def entries(names: Sequence[str], params: Sequence[str], args: Sequence[object]) -> list[Entry]:
    """The scalar inputs of the parameters `names`, in order (arrays element by element,
    in C order)."""
    found = []
    for name in names:
        position = params.index(name)
        value = np.asarray(args[position], dtype=np.float64)
        for index in np.ndindex(value.shape):
            label = f"{name}[{', '.join(map(str, index))}]" if index else name
            found.append(Entry(label, position, index, float(value[index])))
    return found


def call_with(
    func: Callable[..., object], args: Sequence[object], entry: Entry | None, value: float
) -> float:
    """f's value, as a float, with `entry` set to `value` (None: at `args` as given).
    Every array and list argument is copied, so f can't disturb the next call."""
    call = [_fresh(a) if isinstance(a, (np.ndarray, list, tuple)) else a for a in args]
    if entry is not None:
        old = args[entry.position]
        if entry.index or isinstance(old, (np.ndarray, list, tuple)):
            changed = np.array(old, dtype=np.float64)
            changed[entry.index] = value
            call[entry.position] = _like(changed, old)
        else:
            call[entry.position] = value
    return _scalar(func(*call))


def _scalar(result: object) -> float:
    """f's value as a float (a NumPy scalar or a 0-d array too); TypeError otherwise."""
    if isinstance(result, float):  # float and np.float64, quickly
        return float(result)
    out = np.asarray(result, dtype=np.float64)
    if out.size != 1:
        raise TypeError(f"finite differences need a scalar function; it returned shape {out.shape}")
    return float(out.reshape(()))


def difference(
    func: Callable[..., object],
    args: Sequence[object],
    items: Sequence[Entry],
    scheme: str,
    scale: float,
    at: float | None = None,
    failures: list[str] | None = None,
) -> np.ndarray:
    """The finite-difference estimate of every entry's partial derivative at one step
    `scale` (relative).  `at` is f(args), if known (forward differences need it once).

    f may fail at a point the step reaches (`log` past 0, `range` of a float): with a
    `failures` list, that entry's estimate is nan and what failed is appended to the
    list; without one, the error is raised.

    When every argument is a number the calls are made directly, without the copies
    arrays need, so that the time compare reports is the n + 1 or 2n calls of f and
    little else."""
    numbers = not any(isinstance(a, (np.ndarray, list, tuple)) for a in args)
    base = list(args)

    def call(entry: Entry, value: float) -> float:
        if not numbers:
            return call_with(func, args, entry, value)
        base[entry.position] = value
        try:
            result = func(*base)
        finally:
            base[entry.position] = args[entry.position]
        return _scalar(result)

    if scheme == "forward" and at is None:
        at = call_with(func, args, None, 0.0)
    estimates = []
    for entry in items:
        x = entry.value
        up = x + scale * max(1.0, abs(x))
        down = x - scale * max(1.0, abs(x))
        try:
            if scheme == "forward":
                assert at is not None
                estimates.append((call(entry, up) - at) / (up - x))
            else:
                estimates.append((call(entry, up) - call(entry, down)) / (up - down))
        except Exception as exc:  # noqa: BLE001 - the user's function, at a step from x
            if failures is None:
                raise
            estimates.append(math.nan)
            failures.append(
                f"{entry.label} near {x:g} (h = {scale:.0e}): {type(exc).__name__}: {exc}"
            )
    return np.array(estimates, dtype=np.float64)


@dataclass(frozen=True)
class Sweep:
    """Every entry's estimate at every step, for both schemes: `estimates[scheme]` has
    shape (len(scales), number of entries)."""

    scales: tuple[float, ...]
    estimates: dict[str, np.ndarray]
    failures: tuple[str, ...] = ()  # where f failed (those estimates are nan)

    def errors(self, scheme: str, exact: np.ndarray) -> np.ndarray:
        """The relative error (`relative_error`) at each step."""
        return np.array([relative_error(row, exact) for row in self.estimates[scheme]])

    def best(self, scheme: str, exact: np.ndarray) -> int:
        """The position of the step with the smallest relative error (the first, on ties;
        a step whose estimate is not finite is never best unless all are)."""
        errs = self.errors(scheme, exact)
        finite = np.where(np.isfinite(errs), errs, np.inf)
        return int(np.argmin(finite))


def sweep(
    func: Callable[..., object],
    args: Sequence[object],
    items: Sequence[Entry],
    scales: Sequence[float] = SCALES,
) -> Sweep:
    """Forward and central differences of every entry at every step of `scales`."""
    at = call_with(func, args, None, 0.0)
    failures: list[str] = []
    estimates = {
        scheme: np.array(
            [difference(func, args, items, scheme, s, at, failures) for s in scales]
        ).reshape(len(scales), len(items))
        for scheme in SCHEMES
    }
    return Sweep(tuple(scales), estimates, tuple(failures))


def absolute_error(values: np.ndarray, exact: np.ndarray) -> float:
    """The largest |value - exact| over the entries."""
    if values.size == 0:
        return 0.0
    return float(np.max(np.abs(values - exact)))


def relative_error(values: np.ndarray, exact: np.ndarray) -> float:
    """max |value - exact| / max |exact| (norm-wise, so an entry whose exact value is 0
    doesn't divide by zero); the absolute error when every exact value is 0."""
    scale = float(np.max(np.abs(exact))) if exact.size else 0.0
    err = absolute_error(values, exact)
    return err / scale if scale > 0 else err


def _fresh(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        items = [_fresh(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def _like(values: np.ndarray, template: object) -> object:
    """float64 `values` in the form of `template`: an array, a list or a tuple."""
    if isinstance(template, (list, tuple)):
        items = [
            _like(np.asarray(v), t) if isinstance(t, (list, tuple, np.ndarray)) else float(v)
            for v, t in zip(values, template)
        ]
        return tuple(items) if isinstance(template, tuple) else items
    return values

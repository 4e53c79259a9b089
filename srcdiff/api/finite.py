"""Derivatives that are not finite are refused, not returned.

`math.sqrt` at 0 makes generated code raise (a `DomainError`, see errors.py); NumPy
returns ``inf`` or ``nan`` instead and carries on, so the same derivative would come back
silently.  Every derivative srcdiff returns is checked (`all_finite`: a subtraction for a
float, one `np.isfinite` for an array); when one is not finite the derivative code runs
again with NumPy's floating-point errors reported to a callback, which records the first
line of derivative code that made an infinity or a nan, and the `DomainError` names that
line and the user's line it came from.

A complex number is not a finite real derivative either.  Complex arguments and literals
are refused when the code is generated, but Python makes one at run time from real
values: `(-1.0) ** 0.5` is `6.1e-17+1j` (NumPy's power gives nan).  Such a derivative is
refused too (`all_finite` is False for it), naming the first line of generated code that
made a complex value (found by running the code again under a line tracer).
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable, Sequence

import numpy as np

from ..errors import DomainError, SrcDiffError

_HINT = (
    "the function is not differentiable at this point (sqrt or cbrt at 0, log at 0, asin at "
    "1, |x| ** 0.5 at 0, a division by zero), or a value overflowed; try a nearby point, or "
    "guard the expression (np.where on the argument as well as on the result)"
)


def all_finite(value: object) -> bool:
    """Whether every number in a derivative (a float, an array, tuples and lists of
    them) is finite.  Fast for the common cases: it runs after every call."""
    if type(value) is float:
        return value - value == 0.0  # nan for inf and nan
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return bool(np.isfinite(value).all())
        if value.dtype.kind == "c":
            return False  # real values only: made complex at run time
        if value.dtype.kind == "O":
            return all(all_finite(v) for v in value.flat)
        return True
    if type(value) is tuple and _small_float_arrays(value):  # (a gradient per parameter)
        return bool(np.isfinite(np.concatenate(value, axis=None)).all())
    if isinstance(value, (tuple, list)):
        return all(all_finite(v) for v in value)
    if isinstance(value, (complex, np.complexfloating)):
        return False  # real values only: made complex at run time
    if isinstance(value, (float, np.floating)):
        return bool(np.isfinite(value))
    return True


def is_complex(value: object) -> bool:
    """Whether a value (a number, an array, tuples and lists of them) holds a complex
    number."""
    if isinstance(value, (complex, np.complexfloating)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "c" or (
            value.dtype.kind == "O" and any(is_complex(v) for v in value.flat)
        )
    if isinstance(value, (tuple, list)):
        return any(is_complex(v) for v in value)
    return False


# Up to this many numbers in all, a tuple of float arrays is checked as one array: one
# concatenation, one np.isfinite and one .all() instead of two calls per array (about
# 2.5 us of the MLP's 4-array gradient), at the price of copying a few KB.
_CONCATENATED = 4096


def _small_float_arrays(items: tuple) -> bool:
    size = 0
    for v in items:
        if type(v) is not np.ndarray or v.dtype.kind != "f":
            return False
        size += v.size
    return size <= _CONCATENATED


def refuse(
    rerun: Callable[[], object],
    parts: Sequence[tuple[str, object]],
    func_name: str,
    in_derivative: Callable[[str, int], bool] | None = None,
) -> DomainError:
    """The DomainError for a derivative that is not finite.  `parts` pairs each
    parameter with its derivative; `rerun` runs the derivative code again (to find the
    line that made the first infinity or nan)."""
    bad = [(name, d) for name, d in parts if not all_finite(d)]
    name, d = bad[0] if bad else (parts[0] if parts else ("?", None))
    if is_complex(d):
        return DomainError(
            f"the derivative of {func_name} with respect to {name} is complex here "
            f"({_which(d)}){_describe(_first_complex_line(rerun))}",
            hint=_COMPLEX_HINT,
        )
    where = _describe(_first_nonfinite_line(rerun, in_derivative or _is_derivative_line))
    return DomainError(
        f"the derivative of {func_name} with respect to {name} is not finite here "
        f"({_which(d)}){where}",
        hint=_HINT + (_NAN_HINT if _has_nan(d) else ""),
    )


# NaN data and the NaN-ignoring reductions: reverse mode multiplies a zero cotangent by a
# NaN partial on the way back (forward mode masks the tangents instead)
_NAN_HINT = (
    "; if the data hold NaN (missing values, read by np.nansum, np.nanmean, ...), reverse "
    "mode still multiplies by them on the way back (0 * nan is nan): use mode='forward', "
    "or replace them first (d = np.where(np.isnan(d), 0.0, d)) and reduce under the mask"
)


# Python's `**` is the real operation that gives a complex number (every other real
# rule's function raises or gives nan outside its domain)
_COMPLEX_HINT = (
    "srcdiff differentiates real values only, and here a real operation made a complex "
    "number: in Python, `a ** b` with a negative float a and a non-integer b is complex "
    "((-1.0) ** 0.5 is 6.1e-17+1j; NumPy's np.power gives nan instead); keep the base "
    "positive where the function is evaluated (abs(a) ** b, or a ** 2 then a square root), "
    "or carry real and imaginary parts as two real values"
)


def _has_nan(d: object) -> bool:
    try:
        return bool(np.isnan(np.asarray(d, dtype=float)).any())
    except (TypeError, ValueError):  # a tuple of gradients of several shapes
        return any(_has_nan(v) for v in d) if isinstance(d, (tuple, list)) else False


def _which(d: object) -> str:
    array = np.asarray(d, dtype=object if isinstance(d, (tuple, list)) else None)
    if array.ndim == 0:
        return str(d.item() if isinstance(d, np.generic) else d)
    flat = [
        (idx, v)
        for idx, v in np.ndenumerate(array)
        if not all_finite(v if not isinstance(v, np.generic) else v.item())
    ]
    if not flat:
        return "a value that is not finite"
    idx, v = flat[0]
    more = f", and {len(flat) - 1} more" if len(flat) > 1 else ""
    return f"{v} at index {list(idx)}{more}"


def _is_derivative_line(filename: str, lineno: int) -> bool:
    """Lines of generated derivative code, not the forward sweep (the user's own
    computation, which may make an infinity it then discards, e.g. inside np.where)."""
    if not filename.startswith("<srcdiff") or filename.startswith("<srcdiff dispatch"):
        return False
    before = linecache.getlines(filename)[:lineno]
    forward_sweep = any("# forward sweep" in ln for ln in before) and not any(
        "# backward sweep" in ln for ln in before
    )
    return not forward_sweep


def _first_nonfinite_line(
    rerun: Callable[[], object], in_derivative: Callable[[str, int], bool]
) -> tuple[str, int] | None:
    found: list[tuple[str, int]] = []

    def record(kind: str, flag: int) -> None:
        if found:
            return
        frame = sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            if in_derivative(code.co_filename, frame.f_lineno):
                found.append((code.co_filename, frame.f_lineno))
                return
            frame = frame.f_back  # type: ignore[assignment]

    try:
        with np.errstate(all="call", call=record):
            rerun()
    except (ArithmeticError, ValueError, SrcDiffError):
        pass  # the first run got past this; only the location is wanted
    return found[0] if found else None


def _first_complex_line(rerun: Callable[[], object]) -> tuple[str, int] | None:
    """The first line of generated code after which one of its frame's variables holds
    a complex number (a number or an array; the tape's lists are not searched, a value
    read back from them is found where it is read)."""
    found: list[tuple[str, int]] = []

    def generated(code) -> bool:
        name = code.co_filename
        return name.startswith("<srcdiff") and not name.startswith("<srcdiff dispatch")

    lines: dict[int, int] = {}

    def line_tracer(frame, event, arg):
        if found:
            return None
        if event in ("line", "return"):
            held = frame.f_locals.values()
            if any(map(_holds_complex_number, held)) or (
                event == "return" and _holds_complex_number(arg)
            ):
                last = lines.get(id(frame), frame.f_lineno) if event == "line" else frame.f_lineno
                found.append((frame.f_code.co_filename, last))
                return None
            lines[id(frame)] = frame.f_lineno
        return line_tracer

    def on_call(frame, event, arg):
        return line_tracer if generated(frame.f_code) and not found else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        rerun()
    except Exception:  # noqa: BLE001 -- the first run got past this; only the location is wanted
        pass
    finally:
        sys.settrace(previous)
    return found[0] if found else None


def _holds_complex_number(value: object) -> bool:
    if isinstance(value, (complex, np.complexfloating)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind == "c"


def _describe(location: tuple[str, int] | None) -> str:
    if location is None:
        return ""
    filename, lineno = location
    lines = linecache.getlines(filename)
    text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    origin = next(
        (
            ln.strip()[2:]
            for ln in reversed(lines[: lineno - 1])
            if ln.strip().startswith("# line ")
        ),
        None,
    )
    return f", first at `{text}`" + (f" (for {origin})" if origin else "")

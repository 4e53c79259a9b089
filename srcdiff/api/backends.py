"""Backends: the Python one (the default), Numba, and "auto" (Numba where it compiles).

Code generated for ``backend="numba"`` is rewritten so that Numba compiles it
(compiler/njit.py) and every function carries ``@numba.njit``.  Numba types a function on
its first call with given argument types; what it cannot type (an object, a NumPy call it
does not implement, a call to a function with no Numba implementation) raises its
`TypingError` then, which `numba_entry` turns into a `BackendError` naming the construct
and the user's line it came from -- or, with ``backend="auto"``, into one warning and the
Python backend's code.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import warnings
from collections.abc import Callable

from ..errors import BackendError, SrcDiffError

BACKENDS = ("python", "numba", "auto")

_HINT = (
    'use backend="python" (the default), or backend="auto" to fall back to it where Numba '
    "can't compile the code"
)


def check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise SrcDiffError(
            f"backend must be one of {', '.join(map(repr, BACKENDS))}, not {backend!r}"
        )
    return backend


def numba_available() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def load_numba() -> bool:
    """`numba_available()`, having also imported what Numba's compiler imports on its
    first compile (scipy.linalg, for BLAS: numba.np.arraymath checks for it): done before
    a cache key reads RULES.version, so the SciPy rules that import registers don't make
    a new version mid-call (the next call's key missed, and backend="auto" warned again
    in a fresh process)."""
    if not numba_available():
        return False
    with contextlib.suppress(ImportError):
        import scipy.linalg  # noqa: F401
    return True


def missing_numba() -> BackendError:
    return BackendError(
        'backend="numba" needs Numba, which is not installed',
        hint='pip install "srcdiff[numba]", or use backend="auto" (Python where Numba is absent)',
    )


def fall_back(name: str, why: Exception) -> None:
    """The one warning ``backend="auto"`` gives when it uses the Python backend."""
    reason = str(why).splitlines()[0] if str(why) else type(why).__name__
    warnings.warn(
        f"srcdiff (backend='auto'): {reason}; using the Python backend for {name}",
        stacklevel=4,
    )


def numba_entry(
    dispatcher: Callable,
    text: str,
    func: Callable,
    python: Callable[[], Callable],
    auto: bool,
) -> Callable:
    """`dispatcher` (a numba.njit function) calling which reports Numba's typing and
    lowering errors as `BackendError`s about the generated `text` (or, if `auto`, warns
    once and calls the Python backend's code, `python()`, from then on).  An arithmetic
    error raised in compiled code (a division by zero) is raised again by the Python
    backend's code at the same arguments, whose traceback shows the generated line, so
    callers report it as they do for the Python backend (a DomainError naming it)."""
    from numba.core.errors import NumbaError

    name = func.__name__
    use: list[Callable] = [dispatcher]

    def call(*args, **kwargs):
        single = _single_precision(args, kwargs)
        if single is not None and use[0] is dispatcher:
            error = BackendError(
                f"the Numba backend computes {name}'s derivative in float64: {single} is "
                "float32 or float16, which NumPy keeps (2.0 * x is float32) and Numba "
                "does not",
                hint=_HINT,
            )
            if not auto:
                raise error
            return python()(*args, **kwargs)  # (this call only: float64 ones stay compiled)
        try:
            return use[0](*args, **kwargs)
        except NumbaError as exc:
            error = translate(exc, text, func, _list_note(func, args, kwargs))
            if not auto:
                raise error from None
        except (ArithmeticError, ValueError):
            return python()(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - Numba's compiler failing inside
            if not _in_compiler(exc):  # (an error of the code itself, run again in Python)
                return python()(*args, **kwargs)
            error = BackendError(
                f"Numba failed to compile the derivative of {name} "
                f"({type(exc).__name__} inside Numba: {exc})",
                hint=_HINT,
            )
            if not auto:
                raise error from None
        fall_back(name, error)
        use[0] = python()
        return use[0](*args, **kwargs)

    call.srcdiff_numba = dispatcher  # type: ignore[attr-defined]
    return call


def _single_precision(args: tuple, kwargs: dict) -> str | None:
    """The first argument (its position or name) holding a float32 or float16 value, if
    any: NumPy 2 keeps such arrays in their precision when a Python float combines with
    them, Numba computes in float64, so the results' dtypes (and roundings) differ."""
    if not kwargs and _PLAIN.issuperset(map(type, args)):
        return None
    for i, v in enumerate(args):
        if type(v) not in _PLAIN and _low(v):
            return f"argument {i}"
    for k, v in kwargs.items():
        if type(v) not in _PLAIN and _low(v):
            return f"`{k}`"
    return None


#: argument types that hold no float32: skipped without a look (this check runs on
#: every call; RK4's gradient takes 17 us, and the general test of six floats took 2)
_PLAIN = frozenset({float, int, bool})


def _low(v) -> bool:
    import numpy as np

    if isinstance(v, (np.ndarray, np.generic)):
        return v.dtype in (np.float32, np.float16)
    if isinstance(v, (list, tuple)):
        return any(_low(e) for e in v)
    return False


def _in_compiler(exc: BaseException) -> bool:
    """Whether `exc` was raised while Numba compiled a function (not while it ran)."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_compile_for_args" and "numba" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


_LINE = re.compile(r'File "<srcdiff [^>]*>", line (\d+)')


def _list_note(func: Callable, args: tuple, kwargs: dict) -> str:
    """Which arguments are lists or tuples, said after Numba's message: a list's gradient
    is built by runtime helpers Numba has no typing for (`like`, `add_at`), and Numba's
    "Untyped global name 'like'" alone does not say that the list is the cause."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return ""
    names = [k for k, v in bound.arguments.items() if isinstance(v, (list, tuple))]
    if not names:
        return ""
    listed = ", ".join(f"`{k}`" for k in names)
    return (
        f"\n    the Numba backend takes numbers and NumPy arrays: {listed} "
        f"{'is a list' if len(names) == 1 else 'are lists'} (pass np.asarray(...) instead)"
    )


def translate(exc: Exception, text: str, func: Callable, note: str = "") -> BackendError:
    """A BackendError naming what Numba could not compile in generated `text`: the first
    line of its message, the generated line and the user's line it came from (the
    `# line N:` comment above it, or the line of `func` holding the same code), and
    `note` (what the arguments have to do with it)."""
    name = func.__name__
    message = str(exc)
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    what = next(
        (
            ln
            for ln in lines
            if not ln.startswith(("-", "During:", "File", "^", "Failed in", "<source"))
        ),
        type(exc).__name__,
    )
    what = re.sub(r"\x1b\[[0-9;]*m", "", what)  # (Numba colours its messages)
    where = ""
    found = _LINE.findall(message)
    if found:
        generated = text.splitlines()
        number = int(found[-1]) - 1  # (the factory's `def` line comes first)
        if 0 < number <= len(generated):
            where = f"\n    in generated code: {generated[number - 1].strip()}"
            where += _user_line(generated, number, func)
    return BackendError(
        f"Numba cannot compile the derivative of {name}: {what}{where}{note}", hint=_HINT
    )


def _user_line(generated: list[str], number: int, func: Callable) -> str:
    code = generated[number - 1].strip()
    for line in reversed(generated[: number - 1]):
        stripped = line.strip()
        if stripped.startswith("# line "):
            return f"\n    from the user's {stripped[2:]}"
        if stripped.startswith("def "):
            break
    try:
        lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or "?"
    except (OSError, TypeError):
        return ""
    for k, line in enumerate(lines):
        if code and code in line:
            return f"\n    from {filename}:{first + k}: {line.strip()}"
    return ""

"""Errors srcdiff raises, formatted like compiler diagnostics.

Every error that concerns the user's code carries where it happened
(file, line, column), the offending source line with a caret under the
construct, and a hint saying what to do instead.  Users fix their code
from the message alone, without reading a traceback into srcdiff.
"""

from __future__ import annotations

import pickle
import re


class SrcDiffError(Exception):
    """Base class of every error srcdiff raises on purpose."""

    def __init__(self, message, *, node=None, source=None, hint=None):
        spellings = getattr(source, "spellings", None)
        if spellings:  # a container's flat view: its leaves as the user spells them
            message, hint = _respelled(message, spellings), _respelled(hint, spellings)
        self.message = message
        self.hint = hint
        self.location = None
        if node is not None and source is not None:
            self.location = source.locate(node)
        super().__init__(self._format())

    def with_hint(self, more):
        """This error with `more` added to its hint (its message and place kept)."""
        err = self.__class__.__new__(self.__class__)
        err.__dict__.update(self.__dict__)
        err.hint = f"{self.hint}; {more}" if self.hint else more
        Exception.__init__(err, err._format())
        return err

    def _format(self):
        parts = []
        if self.location is not None:
            filename, line, col, text = self.location
            parts.append(f"{filename}:{line}:{col + 1}: {self.message}")
            if text is not None:
                parts.append(f"    {text}")
                parts.append("    " + " " * col + "^")
        else:
            parts.append(self.message)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


def _respelled(text, spellings):
    """`text` with each flat parameter name (`params_w`, quoted or not) replaced by the
    user's spelling of that leaf (`params["w"]`), whole names only."""
    if not text:
        return text
    names = sorted(spellings, key=len, reverse=True)
    pattern = r"(?<![\w.])'?(" + "|".join(map(re.escape, names)) + r")'?(?!\w)"
    return re.sub(pattern, lambda m: spellings[m.group(1)], text)


class UnsupportedSyntaxError(SrcDiffError):
    """The function uses a Python construct srcdiff cannot differentiate."""


class NoRuleError(SrcDiffError):
    """A call has neither a derivative rule nor source to differentiate."""


class WrtError(SrcDiffError, ValueError):
    """`wrt` names a parameter that does not exist or cannot be differentiated."""


class SourceUnavailableError(SrcDiffError):
    """The function's source cannot be found (a builtin, a C function, exec'd code)."""


class NotPicklableError(SrcDiffError, pickle.PicklingError):
    """A derivative can't be sent to another process: a function it needs can't be
    imported there and has no source to send by value."""


class NotSymbolicError(SrcDiffError):
    """`mode="symbolic"` was asked for code outside its subset: scalar arithmetic, `math`,
    helpers, branches and loops with trip counts known when the code is generated.  The
    other modes differentiate it; the hint says so."""


class NonScalarOutputError(SrcDiffError):
    """`grad` was asked for a function whose output is not a scalar."""


class ArgumentError(SrcDiffError, TypeError):
    """An argument passed to a generated function has a type srcdiff can't handle."""


class BackendError(SrcDiffError):
    """The compiled backend (``backend="numba"``) cannot compile the generated code:
    a construct Numba has no typing for, or one the backend's rewrite does not handle."""


class AotError(SrcDiffError):
    """`srcdiff build --aot` can't compile a module ahead of time (numba.pycc): no C
    compiler, numba.pycc or setuptools missing, or an argument whose type an exported
    signature can't state (a list, a container, an array without an example of its
    rank).  The hint says what to do instead: build without --aot, whose module
    `@numba.njit(cache=True)` compiles the same code on its first call."""


class NotUnrollable(SrcDiffError):
    """Internal: the forward-mode directions of a function can't share one generated
    function (a helper call computes values and tangents together); srcdiff then runs
    them as separate passes.  Not raised to users."""


class NotBatchable(SrcDiffError):
    """Internal: a function's tangent code can't carry a batch axis of directions (a
    construct outside compiler/batch.py's subset); srcdiff then makes one pass per
    input element.  Not raised to users."""


class MissingDependencyError(SrcDiffError, ImportError):
    """A feature needs an optional package that is not installed (matplotlib for
    `srcdiff compare --plot`); the hint says which extra installs it."""


class DomainError(SrcDiffError, ArithmeticError):
    """The derivative is not finite, or not defined, where it was asked for (sqrt at 0)."""


def domain_error(exc):
    """A DomainError for an arithmetic error raised inside generated derivative code,
    naming the generated line and the user's line it came from."""
    import linecache

    frame = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.startswith("<srcdiff") and not name.startswith("<srcdiff dispatch"):
            frame = (name, tb.tb_lineno)
        tb = tb.tb_next
    where = ""
    if frame is not None:
        lines = linecache.getlines(frame[0])
        text = lines[frame[1] - 1].strip() if 0 < frame[1] <= len(lines) else ""
        origin = next(
            (
                ln.strip()[2:]
                for ln in reversed(lines[: frame[1] - 1])
                if ln.strip().startswith("# line ")
            ),
            None,
        )
        where = f" at `{text}`" + (f" (for {origin})" if origin else "")
    return DomainError(
        f"the derivative code raised {type(exc).__name__}: {exc}{where}",
        hint="the function may not be differentiable at this point (sqrt or cbrt at 0, asin "
        "at 1, |x| ** 0.5 at 0), or it fails here itself; try a nearby point",
    )


class GradientCheckError(SrcDiffError, AssertionError):
    """Analytic and finite-difference derivatives disagree; `report` is check_grad's
    CheckReport of the comparison (a table in a notebook, too)."""

    def __init__(self, message, *, report=None, **kwargs):
        self.report = report
        super().__init__(message, **kwargs)


def as_domain_error(exc, own=None):
    """A DomainError for an arithmetic error raised in generated derivative code (not in
    its forward sweep, which is the function's own code); any other exception as it is.
    `own()` runs the user's function at the same arguments: if it fails the same way,
    its own error is the answer (f is not defined there; its derivative is not at fault)."""
    if own is not None and not isinstance(exc, SrcDiffError):
        try:
            own()
        except type(exc) as own_exc:
            return own_exc
        except Exception:  # noqa: BLE001 - any other failure: report the derivative's
            pass
    if isinstance(exc, SrcDiffError) or (
        isinstance(exc, ValueError) and "math domain error" not in str(exc)
    ):
        return exc
    import linecache

    last = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.startswith("<srcdiff") and not name.startswith("<srcdiff dispatch"):
            last = (name, tb.tb_lineno)
        tb = tb.tb_next
    if last is None:
        return exc
    before = linecache.getlines(last[0])[: last[1]]
    if any("# forward sweep" in ln for ln in before) and not any(
        "# backward sweep" in ln for ln in before
    ):
        return exc  # the function's own code fails here (f raises the same error)
    error = domain_error(exc)
    error.__cause__ = exc
    return error


class UsageError(Exception):
    """A mistake in what was asked on the command line or in [tool.srcdiff] (a missing
    file, a malformed --at): the CLI prints it and exits 2, without a traceback."""


class TapeError(SrcDiffError, RuntimeError):
    """`srcdiff.GradientTape` used in a way it can't answer: a second `gradient` of a
    tape that is not persistent (a RuntimeError, as TensorFlow's is), a source or target
    that names no variable, or a block srcdiff can't turn into a function."""

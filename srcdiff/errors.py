"""Errors srcdiff raises, formatted like compiler diagnostics.

Every error that concerns the user's code carries where it happened
(file, line, column), the offending source line with a caret under the
construct, and a hint saying what to do instead.  Users fix their code
from the message alone, without reading a traceback into srcdiff.
"""

from __future__ import annotations


class SrcDiffError(Exception):
    """Base class of every error srcdiff raises on purpose."""

    def __init__(self, message, *, node=None, source=None, hint=None):
        self.message = message
        self.hint = hint
        self.location = None
        if node is not None and source is not None:
            self.location = source.locate(node)
        super().__init__(self._format())

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


class UnsupportedSyntaxError(SrcDiffError):
    """The function uses a Python construct srcdiff cannot differentiate."""


class NoRuleError(SrcDiffError):
    """A call has neither a derivative rule nor source to differentiate."""


class WrtError(SrcDiffError, ValueError):
    """`wrt` names a parameter that does not exist or cannot be differentiated."""


class SourceUnavailableError(SrcDiffError):
    """The function's source cannot be found (a builtin, a C function, exec'd code)."""


class NonScalarOutputError(SrcDiffError):
    """`grad` was asked for a function whose output is not a scalar."""


class ArgumentError(SrcDiffError, TypeError):
    """An argument passed to a generated function has a type srcdiff can't handle."""


class GradientCheckError(SrcDiffError, AssertionError):
    """Analytic and finite-difference derivatives disagree."""

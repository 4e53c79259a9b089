"""What the names a derivative was generated from denoted, checked before it is reused.

Generated code calls a helper's derivative, a rule's template, a method of a held
object's class: what a name denoted when the code was generated is baked in.  A name
rebound afterwards -- `h = h3` for a helper, `model = OtherModel()` -- must not leave
the old derivative in use (it would be silently wrong), so each such name gets a
`NameGuard`, and the derivative is made again when one fails.

A guard is shaped as the `(function, code object)` pairs of `Generated.depends_on`, which
every reuse of generated code already checks with `f.__code__ is code` (the dispatcher's
fast path, the specialisation caches, forward mode's merged functions): its `__code__` is
`HOLDS` while the name denotes what it did.  Numbers, arrays and other data a name
holds are read live by the generated code and need no guard.
"""

from __future__ import annotations

import types

HOLDS = object()  # a guard's `__code__` while it holds
_MISSING = object()


class NameGuard:
    """A module global or closure cell that must still hold the same function or class
    (`same_type=False`), or an instance of the same class (`same_type=True`)."""

    __slots__ = ("holder", "name", "expected", "same_type")

    def __init__(self, holder, name, expected, same_type):
        self.holder = holder  # a module's globals dict, or a closure cell
        self.name = name
        self.expected = expected
        self.same_type = same_type

    def value(self):
        if isinstance(self.holder, types.CellType):
            try:
                return self.holder.cell_contents
            except ValueError:
                return _MISSING
        return self.holder.get(self.name, _MISSING)

    @property
    def __code__(self):
        value = self.value()
        holds = type(value) is self.expected if self.same_type else value is self.expected
        return HOLDS if holds else None

    def __repr__(self):
        what = f"an instance of {self.expected.__qualname__}" if self.same_type else "the same"
        return f"<NameGuard {self.name!r}: {what}>"


def guard_for(holder, name, value):
    """The guard for a name looked up while code is generated, or None where what it holds
    is data the generated code reads live (numbers, arrays, lists, modules)."""
    if isinstance(value, types.ModuleType):
        return None
    if callable(value):  # functions, classes, builtins, ufuncs: by identity
        return NameGuard(holder, name, value, same_type=False)
    if type(value).__module__ == "builtins" or type(value).__module__.startswith("numpy"):
        return None
    return NameGuard(holder, name, type(value), same_type=True)  # a held object

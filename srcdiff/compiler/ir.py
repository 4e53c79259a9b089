"""The intermediate representation the transformers build and read.

One function being differentiated is a `FunctionIR`: its normalized tree and analysis,
plus the tables the sweeps fill in as they go -- the three-address `Op`s of each
assignment (split.py makes them, both sweeps read them), the names a branch or loop
header introduces, the names under which values are saved, and the `Marker`s the
forward sweep leaves where a save or restore may be needed (reverse.py decides which
are once it knows what the backward sweep reads).  Tables are keyed by the statement
node itself (AST nodes hash by identity), so nothing depends on `id()` or on order.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .astutil import tuple_of

if TYPE_CHECKING:
    from ..rules.core import Rule
    from .analysis import Analysis, Definitions
    from .unit import HelperSpec


class OpKind(str, enum.Enum):
    """What one three-address op does (a `str` so that it prints as its name)."""

    RULE = "rule"  # a primitive with a derivative rule: out = f(a, b)
    COPY = "copy"  # out = a (also a basic slice or a view-preserving call)
    INACTIVE = "inactive"  # a value that does not depend on the active inputs
    SUBSCRIPT = "subscript"  # out = a[index], the index possibly selecting twice
    SETITEM = "setitem"  # a[index] = v
    PACK = "pack"  # out = [a, b, ...] (a list or tuple display)
    HELPER = "helper"  # out = h(a, b) for a user function h

    def __str__(self) -> str:
        return self.value


@dataclass
class Op:
    """One primitive application: ``targets = primal``, operands as atoms (names or
    constants).  `bound` maps the rule's parameters (or "x"/"v" for copies, subscripts
    and stores) to their atoms; `active` lists those whose atom is differentiated."""

    kind: OpKind
    targets: list[str]  # names assigned (one, except for helpers returning tuples)
    primal: ast.expr  # expression computing the value, operands as atoms
    node: ast.AST  # user code this came from (for error messages)
    rule: Rule | None = None
    bound: dict[str, Any] = field(default_factory=dict)  # parameter -> atom (or display)
    active: list[str] = field(default_factory=list)
    helper: HelperSpec | None = None  # for HELPER
    index: ast.expr | None = None  # for SETITEM: the index assigned into
    unpacked: bool = False  # the value is a sequence unpacked into targets (`g2, = f(x)`)

    def target_node(self, store=False) -> ast.expr:
        """The targets as an expression: a name, or a tuple where the value is unpacked
        (a one-element tuple too: `g2, = f(x)` binds g2 to f(x)[0], not to f(x))."""
        ctx = ast.Store() if store else ast.Load()
        if self.unpacked:
            return ast.Tuple(elts=[ast.Name(id=t, ctx=ctx) for t in self.targets], ctx=ctx)
        return tuple_of(self.targets, store)

    @property
    def target(self) -> str:
        return self.targets[0]


class MarkerKind(str, enum.Enum):
    """A place in the forward or backward sweep where values may be kept for later."""

    PUSH = "push"  # push these names (a loop's iterable, a branch taken)
    POP = "pop"  # ... and pop them back in the backward sweep
    SAVE = "save"  # keep a variable's value before it is overwritten
    RESTORE = "restore"  # ... and put it back
    SAVE_ITEM = "save_item"  # keep the part of an array an index assignment overwrites
    RESTORE_ITEM = "restore_item"  # ... and put it back

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Marker:
    """A save or restore the forward sweep may need; resolved (kept or dropped) once the
    backward sweep shows what it reads.  `stack` says whether the value goes on the tape
    (inside loops and helpers) or into a local variable."""

    kind: MarkerKind
    stack: bool
    names: tuple[str, ...] = ()  # PUSH / POP
    var: str | None = None  # SAVE / RESTORE / *_ITEM
    site: ast.stmt | None = None  # the statement that overwrites `var`
    index: ast.expr | None = None  # *_ITEM
    # SAVE / RESTORE of a value the statement changes in place (`xs.append(v)`, an array
    # assigned into by an inactive loop): the save keeps a copy, not the changing object
    copy: bool = False


@dataclass(frozen=True)
class BranchHeader:
    """An `if` whose test the backward sweep replays: the flag holding the branch taken."""

    cond: str

    def names(self) -> tuple[str, ...]:
        return (self.cond,)


@dataclass(frozen=True)
class LoopHeader:
    """A loop the backward sweep runs in reverse: the saved iterable (for loops) and the
    trip counter (while loops, and for loops that may exit early)."""

    iters: str | None
    count: str | None

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.iters, self.count) if n)


Header = BranchHeader | LoopHeader


class FunctionIR:
    """One function being transformed: tree, analysis, and the per-statement tables."""

    def __init__(self, tree: ast.FunctionDef, analysis: Analysis, definitions: Definitions):
        self.tree = tree
        self.analysis = analysis
        self.definitions = definitions
        self._ops: dict[ast.stmt, list[Op]] = {}
        self._defining: dict[str, Op] = {}  # name -> the first op assigning it
        self._assigning: dict[str, list[Op]] = {}  # name -> every op assigning it
        self._headers: dict[ast.stmt, Header] = {}
        self._saved: dict[tuple[ast.stmt, str], str] = {}
        self.markers: list[Marker] = []

    # -- ops ----------------------------------------------------------------------------
    def ops(self, stmt: ast.stmt, split: Callable[[ast.stmt], list[Op]]) -> list[Op]:
        """The ops of assignment `stmt`, split once (both sweeps read the same ops)."""
        if stmt not in self._ops:
            ops = self._ops[stmt] = split(stmt)
            for op in ops:  # indexed as they are made: defining_op is a lookup, not a scan
                for target in op.targets:
                    self._defining.setdefault(target, op)
                    self._assigning.setdefault(target, []).append(op)
        return self._ops[stmt]

    def all_ops(self) -> Iterator[Op]:
        """Every op split so far, in the order their statements were first split."""
        for ops in self._ops.values():
            yield from ops

    def defining_op(self, name: str) -> Op | None:
        """The first op that assigns `name`."""
        return self._defining.get(name)

    def assigning_ops(self, name: str) -> list[Op]:
        """Every op split so far that assigns `name` (index assignments included)."""
        return self._assigning.get(name, [])

    # -- headers and saved values --------------------------------------------------------
    def header(self, stmt: ast.stmt, make: Callable[[], Header]) -> Header:
        """The names branch or loop `stmt` introduces, made once."""
        if stmt not in self._headers:
            self._headers[stmt] = make()
        return self._headers[stmt]

    def header_names(self) -> set[str]:
        return {n for header in self._headers.values() for n in header.names()}

    def header_kinds(self) -> dict[str, str]:
        """What each header name holds: "bool" (a branch flag), "range" (a loop's saved
        iterable), "int" (a trip counter); the Numba backend types its tape by them."""
        kinds: dict[str, str] = {}
        for header in self._headers.values():
            if isinstance(header, BranchHeader):
                kinds[header.cond] = "bool"
            else:
                if header.iters:
                    kinds[header.iters] = "range"
                if header.count:
                    kinds[header.count] = "int"
        return kinds

    def saved_name(self, site: ast.stmt, var: str, make: Callable[[], str]) -> str:
        """The local holding `var`'s value from before `site` overwrote it."""
        key = (site, var)
        if key not in self._saved:
            self._saved[key] = make()
        return self._saved[key]

    # -- markers --------------------------------------------------------------------------
    def mark(self, marker: Marker) -> int:
        """Record `marker`; its number goes into the placeholder statement."""
        self.markers.append(marker)
        return len(self.markers) - 1

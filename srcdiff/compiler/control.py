"""The shapes control flow takes in generated code, written once as templates.

Rules give their derivatives as expression templates (rules/); the loops and branches
the reverse transformer writes are templates too, so each shape can be read here as the
code it becomes.  Upper-case names are placeholders: a name (a `str`) or an expression
for a Name, a list of statements for a statement that is only a placeholder (an empty
list drops it, an emptied body becomes `pass`).
"""

from __future__ import annotations

import ast
from functools import cache

from .astutil import Transformer, copy_tree

#: Forward sweep of a branch: the test is kept, so the backward sweep takes the same way.
RECORDED_BRANCH = """
COND = TEST
if COND:
    BODY
else:
    ORELSE
"""

#: Backward sweep of a branch: the recorded way, its statements' adjoints reversed.
REPLAYED_BRANCH = """
if COND:
    BODY
else:
    ORELSE
"""

#: ... and of a branch whose taken side has nothing to do.
REPLAYED_ELSE = """
if not COND:
    ORELSE
"""

#: Forward sweep of a `for` loop: the iterable is kept for the backward sweep.
RECORDED_FOR = """
ITERS = ITERABLE
for TARGET in ITERS:
    BODY
"""

#: ... and of one that may leave early: it also counts its passes.
RECORDED_FOR_COUNTED = """
ITERS = ITERABLE
TRIPS = 0
for TARGET in ITERS:
    TRIPS = TRIPS + 1
    BODY
"""

#: Backward sweep of a `for` loop: the same items, last first.
REVERSED_FOR = """
for TARGET in reversed(ITERS):
    BODY
"""

#: ... of one that left early: only the items it reached.
REVERSED_FOR_COUNTED = """
for TARGET in reversed(ITERS[:TRIPS]):
    BODY
"""

#: Forward sweep of a `while` loop: it counts its passes.
COUNTED_WHILE = """
TRIPS = 0
while TEST:
    TRIPS = TRIPS + 1
    BODY
"""

#: Backward sweep of a `while` loop: as many passes, in reverse.
REPLAYED_WHILE = """
for COUNTER in range(TRIPS):
    BODY
"""

#: Forward sweep of a checkpointed `for` loop (reverse/checkpoint.py): segments of STRIDE
#: passes, SEGMENTS of them at most, run without recording; each starts with a snapshot.
CHECKPOINTED_FOR = """
ITERS = ITERABLE
STRIDE = max(1, -(-len(ITERS) // SEGMENTS))
SNAPSHOTS = []
for START in range(0, len(ITERS), STRIDE):
    SNAPSHOT
    for TARGET in ITERS[START:START + STRIDE]:
        BODY
"""

#: Backward sweep of a checkpointed `for` loop: per segment, last first, the snapshot
#: restored, the segment recorded, and its passes' adjoints in reverse.
CHECKPOINTED_REVERSED_FOR = """
for START in reversed(range(0, len(ITERS), STRIDE)):
    RESTORE
    for TARGET in ITERS[START:START + STRIDE]:
        RECORDED
    for TARGET in reversed(ITERS[START:START + STRIDE]):
        BODY
"""

#: Forward sweep of a checkpointed `while` loop: a snapshot every STRIDE passes; when
#: SEGMENTS are held, every other one is dropped and STRIDE doubles.
CHECKPOINTED_WHILE = """
TRIPS = 0
STRIDE = 1
SNAPSHOTS = []
while TEST:
    if TRIPS % STRIDE == 0:
        if len(SNAPSHOTS) == SEGMENTS:
            SNAPSHOTS = SNAPSHOTS[::2]
            STRIDE = 2 * STRIDE
        if TRIPS % STRIDE == 0:
            SNAPSHOT
    TRIPS = TRIPS + 1
    BODY
"""

#: Backward sweep of a checkpointed `while` loop: as CHECKPOINTED_REVERSED_FOR, the
#: segments' passes counted.
CHECKPOINTED_REPLAYED_WHILE = """
for START in reversed(range(0, TRIPS, STRIDE)):
    RESTORE
    STOP = min(START + STRIDE, TRIPS)
    for COUNTER in range(START, STOP):
        RECORDED
    for COUNTER in range(STOP - START):
        BODY
"""

#: ... and of a `for` loop that may leave early: as a `while` loop, its passes counted.
CHECKPOINTED_FOR_COUNTED = """
ITERS = ITERABLE
TRIPS = 0
STRIDE = 1
SNAPSHOTS = []
for TARGET in ITERS:
    if TRIPS % STRIDE == 0:
        if len(SNAPSHOTS) == SEGMENTS:
            SNAPSHOTS = SNAPSHOTS[::2]
            STRIDE = 2 * STRIDE
        if TRIPS % STRIDE == 0:
            SNAPSHOT
    TRIPS = TRIPS + 1
    BODY
"""

CHECKPOINTED_REVERSED_FOR_COUNTED = """
for START in reversed(range(0, TRIPS, STRIDE)):
    RESTORE
    STOP = min(START + STRIDE, TRIPS)
    for TARGET in ITERS[START:STOP]:
        RECORDED
    for TARGET in reversed(ITERS[START:STOP]):
        BODY
"""

#: Forward sweep of a `for` loop under binomial checkpointing (reverse/checkpoint.py):
#: spans of passes, run without recording, a snapshot at the start of each (the first
#: part of the binomial schedule); a `while` loop keeps its entry state only.
BINOMIAL_FOR = """
ITERS = ITERABLE
SNAPSHOTS = []
for START, STOP in SPANS(len(ITERS), SEGMENTS):
    SNAPSHOT
    for TARGET in ITERS[START:STOP]:
        BODY
"""

#: ... and of one that may leave early: its entry state only, its passes counted.
BINOMIAL_FOR_COUNTED = """
ITERS = ITERABLE
TRIPS = 0
SNAPSHOTS = []
SNAPSHOT
for TARGET in ITERS:
    TRIPS = TRIPS + 1
    BODY
"""

BINOMIAL_WHILE = """
TRIPS = 0
SNAPSHOTS = []
SNAPSHOT
while TEST:
    TRIPS = TRIPS + 1
    BODY
"""

#: Backward sweep under binomial checkpointing: the steps runtime.binomial_schedule
#: gives -- reverse a few passes (record them, then their adjoints, last first), run
#: passes plainly, take, restore or drop a snapshot.
BINOMIAL_REVERSED_FOR = """
for ACTION, START, STOP in SCHEDULE(len(ITERS), SEGMENTS):
    if ACTION == "reverse":
        for TARGET in ITERS[START:STOP]:
            RECORDED
        for TARGET in reversed(ITERS[START:STOP]):
            BODY
    elif ACTION == "advance":
        for TARGET in ITERS[START:STOP]:
            PLAIN
    elif ACTION == "save":
        SNAPSHOT
    elif ACTION == "restore":
        RESTORE
    else:
        DROP
"""

BINOMIAL_REVERSED_FOR_COUNTED = """
for ACTION, START, STOP in SCHEDULE(TRIPS, SEGMENTS, from_start=True):
    if ACTION == "reverse":
        for TARGET in ITERS[START:STOP]:
            RECORDED
        for TARGET in reversed(ITERS[START:STOP]):
            BODY
    elif ACTION == "advance":
        for TARGET in ITERS[START:STOP]:
            PLAIN
    elif ACTION == "save":
        SNAPSHOT
    elif ACTION == "restore":
        RESTORE
    else:
        DROP
"""

BINOMIAL_REPLAYED_WHILE = """
for ACTION, START, STOP in SCHEDULE(TRIPS, SEGMENTS, from_start=True):
    if ACTION == "reverse":
        for COUNTER in range(START, STOP):
            RECORDED
        for COUNTER in range(STOP - START):
            BODY
    elif ACTION == "advance":
        for COUNTER in range(START, STOP):
            PLAIN
    elif ACTION == "save":
        SNAPSHOT
    elif ACTION == "restore":
        RESTORE
    else:
        DROP
"""


@cache
def _parsed(template: str) -> list[ast.stmt]:
    return ast.parse(template.strip("\n")).body


def fill(template: str, origin: int | None = None, **parts: object) -> list[ast.stmt]:
    """The statements of `template` with its placeholders filled from `parts`.
    `origin`, a user line, tags the first statement (the one evaluating the user's test or
    iterable) for its `# line N` comment."""
    out = _Filler(parts).statements(copy_tree(_parsed(template)))
    if origin is not None and out:
        out[0].srcline = origin  # type: ignore[attr-defined]
    return out


class _Filler(Transformer):
    def __init__(self, parts: dict[str, object]):
        self.parts = parts

    def statements(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            placeholder = _placeholder(stmt)
            if placeholder is not None:
                value = self.parts[placeholder]
                assert isinstance(value, list), f"{placeholder} takes statements"
                out.extend(value)
                continue
            # the template's own expressions are filled, not the statements put into its
            # blocks: the user's (a thousand in a loop were visited at every level of
            # nesting, and a variable named like a placeholder, `BODY`, was replaced)
            blocks = {
                block: self.statements(getattr(stmt, block))
                for block in ("body", "orelse")
                if hasattr(stmt, block)
            }
            for block in blocks:
                setattr(stmt, block, [])
            stmt = self.visit(stmt)
            for block, filled in blocks.items():
                setattr(stmt, block, filled)
            if hasattr(stmt, "body") and not stmt.body:
                stmt.body = [ast.Pass()]
            out.append(stmt)
        return out

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id not in self.parts:
            return node
        value = self.parts[node.id]
        if isinstance(value, str):
            return ast.Name(id=value, ctx=node.ctx)
        assert isinstance(value, ast.expr), f"{node.id} takes a name or an expression"
        return copy_tree(value)


def _placeholder(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Name):
        if stmt.value.id.isupper():
            return stmt.value.id
    return None

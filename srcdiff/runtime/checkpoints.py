"""The schedule of binomial checkpointing, which checkpointed loops' backward sweeps follow.

Self-contained (copied into built modules by `srcdiff build`).
"""

import math

__all__ = ["binomial_schedule", "binomial_segments"]


def binomial_segments(passes, snapshots):
    """The forward sweep's part of `binomial_schedule`: `(start, stop)` spans of passes
    covering the loop, to be run plainly with a snapshot at the start of each."""
    start = 0
    for action, at, _ in _actions(passes, snapshots):
        if action == "reverse":
            break
        if action == "save":
            yield start, at
            start = at
    if passes > 0:
        yield start, passes


def binomial_schedule(passes, snapshots, from_start=False):
    """What the backward sweep does after the forward sweep ran `binomial_segments`
    (or, `from_start`, took only a snapshot of the loop's entry state): see `_actions`."""
    actions = _actions(passes, snapshots)
    if not from_start:
        for action, start, stop in actions:
            if action == "reverse":
                yield ("restore", start, start)
                yield (action, start, stop)
                break
    yield from actions


def _actions(passes, snapshots):
    """The steps that reverse a loop of `passes` passes holding at most `snapshots`
    snapshots (the loop's entry state is the first, taken by the forward sweep), as
    `(action, start, stop)` triples:

    * "restore": put the newest snapshot back into the loop's variables (keeping it);
    * "advance": run passes start..stop-1 without recording;
    * "save": snapshot the variables;
    * "reverse": record passes start..stop-1, then run their adjoints, last first;
    * "drop": forget the newest snapshot.

    The passes are reversed in blocks of up to 32 (a block's tape is all that is
    recorded at a time) and blocks placed as binomial checkpointing does (Griewank,
    "revolve"): with s free snapshots and t sweeps, C(s + t, s) blocks can be reversed,
    so each pass runs at most t + 1 times, t growing as the logarithm of `passes`.
    With one snapshot there is nothing to place: the loop is recorded whole.
    """
    if passes <= 0:
        return
    block = max(1, min(32, passes // (8 * snapshots)))
    blocks = -(-passes // block)
    yield ("restore", 0, 0)
    todo = [("drop", 0, 0), ("reverse blocks", 0, blocks, snapshots - 1)]
    while todo:
        task = todo.pop()
        if task[0] != "reverse blocks":
            yield task
            continue
        _, lo, hi, free = task
        if hi - lo == 1 or free == 0:
            yield ("reverse", *_passes(lo, hi, block, passes))
            continue
        sweeps = 1
        while math.comb(free + sweeps, free) < hi - lo:
            sweeps += 1
        # the first part is reversed with the same snapshots and a sweep less, the rest
        # with one snapshot less: C(s + t, s) = C(s + t - 1, s) + C(s + t - 1, s - 1)
        mid = lo + math.comb(free + sweeps - 1, free)
        yield ("advance", *_passes(lo, mid, block, passes))
        yield ("save", *_passes(mid, mid, block, passes))
        todo += [
            ("reverse blocks", lo, mid, free),
            ("restore", *_passes(lo, lo, block, passes)),
            ("drop", *_passes(mid, mid, block, passes)),
            ("reverse blocks", mid, hi, free - 1),
        ]


def _passes(lo, hi, block, passes):
    """Blocks lo..hi-1 as passes (start, stop); the last block may be short."""
    return lo * block, min(hi * block, passes)

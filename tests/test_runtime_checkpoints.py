"""runtime/checkpoints.py: the binomial schedule, run against a model of the loop
(which pass the variables hold, which snapshots exist): every pass is reversed once,
last first, from the right state, with at most S snapshots and short tapes."""

from __future__ import annotations

import math

import pytest

from srcdiff.runtime import binomial_schedule


def simulate(passes, snapshots):
    """(runs per pass, most snapshots held, longest recorded stretch), checking each step."""
    held = [0]  # the forward sweep's snapshot of the entry state
    at = None  # the pass the loop's variables are at (None: unknown)
    reversed_passes, ran, most, longest = [], 0, 1, 0
    for action, start, stop in binomial_schedule(passes, snapshots):
        if action == "restore":
            at = held[-1]
        elif action == "drop":
            held.pop()
        else:
            assert at == start, (action, start, at)
            if action == "save":
                held.append(at)
                most = max(most, len(held))
            elif action == "advance":
                at, ran = stop, ran + stop - start
            else:
                assert action == "reverse" and stop > start
                reversed_passes += range(stop - 1, start - 1, -1)
                at, longest = None, max(longest, stop - start)
    assert reversed_passes == list(range(passes - 1, -1, -1))
    assert held in ([0], []) and most <= snapshots
    return ran / max(passes, 1), most, longest


@pytest.mark.parametrize("passes", [0, 1, 2, 3, 7, 33, 100, 1000, 4321])
@pytest.mark.parametrize("snapshots", [1, 2, 3, 10, 100])
def test_schedule_reverses_every_pass_once(passes, snapshots):
    runs, _, longest = simulate(passes, snapshots)
    if snapshots == 1:
        assert longest == passes  # nothing to place: the loop is recorded whole
    else:
        assert longest <= 32


def test_runs_grow_logarithmically():
    """With S snapshots, each pass runs at most t more times, C(S - 1 + t, t) >= blocks."""
    for passes, snapshots in [(10**5, 100), (10**5, 10), (20000, 3)]:
        runs, most, _ = simulate(passes, snapshots)
        blocks = passes / 32
        t = next(t for t in range(1, 100) if math.comb(snapshots - 1 + t, t) >= blocks)
        assert runs <= t
        assert most == snapshots

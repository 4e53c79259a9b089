"""runtime/checkpoints.py: the binomial schedule, run against a model of the loop
(which pass the variables hold, which snapshots exist): every pass is reversed once,
last first, from the right state, with at most S snapshots and short tapes."""

from __future__ import annotations

import math

import pytest

from srcdiff.runtime import binomial_schedule, binomial_segments


def simulate(passes, snapshots, from_start=False):
    """(runs per pass, most snapshots held, longest recorded stretch), checking each step
    of the forward sweep (`binomial_segments`, or `from_start` only the entry state) and
    of the backward sweep (`binomial_schedule`)."""
    held = [0] if from_start else []  # the passes the snapshots were taken at
    ran = 0
    if not from_start:
        spans = list(binomial_segments(passes, snapshots))
        assert [start for start, _ in spans[1:]] == [stop for _, stop in spans[:-1]]
        assert not spans or (spans[0][0], spans[-1][1]) == (0, passes)
        held = [start for start, _ in spans]
    at = passes  # where the forward sweep left the loop's variables
    reversed_passes, most, longest = [], max(len(held), 1), 0
    for action, start, stop in binomial_schedule(passes, snapshots, from_start):
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
@pytest.mark.parametrize("from_start", [False, True])
def test_schedule_reverses_every_pass_once(passes, snapshots, from_start):
    runs, _, longest = simulate(passes, snapshots, from_start)
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
        assert runs <= t - 1  # (the forward sweep's run is the first of t)
        assert most == snapshots
        assert simulate(passes, snapshots, from_start=True)[0] <= t

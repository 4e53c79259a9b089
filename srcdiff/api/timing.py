"""Time per call, measured in a bounded loop: `srcdiff.compare`'s time column.

A comparison times several methods, some a microsecond a call and some (finite
differences of an array function) much longer, and must stay interactive: each gets a
budget of seconds, spent as `timeit` would (a first call to size the loop, then the
best of a few repeats), never more than about the budget unless one call alone is
longer.  Best of repeats, as `timeit` recommends: the minimum is the figure least
disturbed by whatever else the machine is doing.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

REPEATS = 5


def per_call(fn: Callable[[], object], budget: float = 0.05) -> float:
    """Seconds one call of `fn` takes, spending about `budget` seconds to find out."""
    timer = timeit.Timer(fn)
    first = timer.timeit(number=1)
    if first * REPEATS >= budget:
        return first
    number = max(1, int(budget / REPEATS / max(first, 1e-9)))
    return min(timer.repeat(repeat=REPEATS, number=number)) / number

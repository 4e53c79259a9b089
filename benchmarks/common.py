"""Shared helpers for the srcdiff benchmarks: per-call timing and Markdown tables."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import timeit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def time_call(fn, *args, repeat=7, min_time=0.2):
    """Per-call time of ``fn(*args)`` in microseconds.

    `timeit.Timer.autorange` picks a loop count that takes >= `min_time`
    seconds; the call is then timed `repeat` times and we report the median
    of the fastest half (robust to both noise spikes and lucky outliers).
    """
    timer = timeit.Timer(lambda: fn(*args))
    fn(*args)                                   # warm up (code generation, caches)
    number, elapsed = timer.autorange()
    if elapsed < min_time:
        number = max(1, int(number * min_time / max(elapsed, 1e-9)))
    times = sorted(t / number for t in timer.repeat(repeat=repeat, number=number))
    return statistics.median(times[:max(1, (repeat + 1) // 2)]) * 1e6


def rel_diff(a, b):
    """Max relative difference between two flat sequences of numbers."""
    return max(abs(float(x) - float(y)) / max(abs(float(x)), abs(float(y)), 1e-300)
               for x, y in zip(a, b, strict=True))


def fmt(x, digits=2):
    return "-" if x is None else (x if isinstance(x, str) else f"{x:.{digits}f}")


def markdown_table(headers, rows):
    """Print (and return) a Markdown table; cells are formatted with `fmt`."""
    cells = [[str(h) for h in headers]] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    out = [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells[1:]]
    text = "\n".join(out)
    print(text)
    return text


def header(title):
    """Print a title with date, interpreter and platform (pasted into the README)."""
    print(f"## {title}\n")
    print(f"{datetime.date.today()} - Python {platform.python_version()} "
          f"({sys.executable}) on {platform.machine()} / {platform.system()}\n")

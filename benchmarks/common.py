"""Shared helpers for the srcdiff benchmarks: per-call timing and Markdown tables."""

from __future__ import annotations

import datetime
import platform
import statistics
import sys
import time
import timeit


def time_calls(calls, repeat=15, min_time=0.05):
    """Per-call CPU times, in microseconds, of each ``(fn, args)`` in `calls`.

    `timeit.Timer.autorange` picks, per function, a loop count that takes
    >= `min_time` seconds.  The functions are then timed `repeat` times,
    *interleaved* in short runs (so load from other processes hits all of
    them alike and the ratios stay meaningful), with the process CPU clock
    (time spent descheduled is not counted), and each gets the median of its
    fastest third of runs: robust to load spikes, less optimistic than the best run.
    """
    timers, numbers = [], []
    for fn, args in calls:
        timer = timeit.Timer(
            "fn(*args)", timer=time.process_time, globals={"fn": fn, "args": tuple(args)}
        )
        fn(*args)  # warm up (code generation, caches)
        number, elapsed = timer.autorange()
        timers.append(timer)
        numbers.append(max(1, round(number * min_time / elapsed)) if elapsed < min_time else number)
    runs = [[] for _ in calls]
    for _ in range(repeat):
        for timer, number, times in zip(timers, numbers, runs):
            times.append(timer.timeit(number) / number)
    return [statistics.median(sorted(times)[: max(1, repeat // 3)]) * 1e6 for times in runs]


def time_call(fn, *args, **kw):
    """Per-call time of ``fn(*args)`` in microseconds (see `time_calls`)."""
    return time_calls([(fn, args)], **kw)[0]


def rel_diff(a, b):
    """Max relative difference between two flat sequences of numbers."""
    return max(
        abs(float(x) - float(y)) / max(abs(float(x)), abs(float(y)), 1e-300)
        for x, y in zip(a, b, strict=True)
    )


def fmt(x):
    """Numbers with ~3 significant digits (no exponent); strings as they are; None as '-'."""
    if x is None or isinstance(x, str):
        return "-" if x is None else x
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}" if abs(x) < 100 else f"{x:.0f}"


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
    print(
        f"{datetime.date.today()} - Python {platform.python_version()} "
        f"({sys.executable}) on {platform.machine()} / {platform.system()}\n"
    )

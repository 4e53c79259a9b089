"""A progress line on stderr for the command line's slow steps (generating code).

Generating the derivative of a long function can take seconds; `srcdiff show`,
`check` and `build` then say what they are doing::

    srcdiff: differentiating model.loss (reverse) ... done in 1.8 s

Nothing is printed for a step that takes less than THRESHOLD seconds.  The library
API (srcdiff.grad & co.) prints nothing: only the command line uses this.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time

THRESHOLD = 1.0  # seconds before a step is reported
clock = time.perf_counter


@contextlib.contextmanager
def progress(what, stream=None):
    """Report `what` ("differentiating model.loss (reverse)") on `stream` (stderr) if
    the block takes THRESHOLD seconds or more: the line starts when THRESHOLD has
    passed, and ends with the time taken."""
    stream = stream if stream is not None else sys.stderr
    threshold = THRESHOLD
    start = clock()
    lock = threading.Lock()
    shown = []

    def begin():
        with lock:
            if not shown:
                shown.append(True)
                stream.write(f"srcdiff: {what} ... ")
                stream.flush()

    timer = threading.Timer(threshold, begin)
    timer.daemon = True
    timer.start()
    ok = False
    try:
        yield
        ok = True
    finally:
        timer.cancel()
        elapsed = clock() - start
        if elapsed >= threshold:
            begin()
        if shown:
            stream.write(f"done in {elapsed:.1f} s\n" if ok else f"failed after {elapsed:.1f} s\n")
            stream.flush()


def label(func, mode):
    """`differentiating model.loss (reverse)` for a function and a mode."""
    name = getattr(func, "__qualname__", None) or func.__name__
    module = getattr(func, "__module__", None)
    return f"differentiating {module + '.' if module else ''}{name} ({mode})"

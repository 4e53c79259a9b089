"""srcdiff/api/timing.py: time per call within a budget."""

import time

from srcdiff.api.timing import per_call


def test_a_fast_call_is_timed_in_a_loop_within_the_budget():
    calls = []
    start = time.perf_counter()
    seconds = per_call(lambda: calls.append(1), budget=0.03)
    took = time.perf_counter() - start
    assert 0 < seconds < 1e-3
    assert len(calls) > 10  # a loop, not one call
    assert took < 0.5


def test_a_slow_call_is_timed_once():
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.02)

    seconds = per_call(slow, budget=0.03)
    assert len(calls) == 1 and seconds >= 0.02

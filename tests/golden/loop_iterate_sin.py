# Golden file of tests/test_golden.py (see tests/golden_cases.py); rewrite it with
# `python tests/regen_golden.py`.
# ruff: noqa
# --- input: tests/golden_inputs.py, iterate_sin; reverse mode with respect to x, a
#   41 | def iterate_sin(x, a, n=3):
#   42 |     """x is overwritten in a loop: each old x goes on the stack for the backward sweep."""
#   43 |     for _ in range(n):
#   44 |         x = a * math.sin(x)
#   45 |     return x
# --- check: run at each point, the generated code returns the `->` values
# x = 0.4
# a = 1.3
# -> dx = 1.42963
# -> da = 1.56361
# --- generated
import math
from srcdiff.runtime import float_stack


def iterate_sin_grad(x, a, n=3):
    """Gradient of iterate_sin with respect to x, a (reverse mode)."""
    # forward sweep
    iters1 = range(n)
    _floats = float_stack(x, a, size=2 * len(iters1))
    for _ in iters1:
        t1 = math.sin(x)
        _floats.append(x)
        _floats.append(t1)
        x = a * t1
    # backward sweep
    dx = 1.0
    # line 43: for _ in range(n):
    da = 0.0
    for _ in reversed(iters1):
        t1 = _floats.pop()
        # line 44: x = a * math.sin(x)
        da = da + dx * t1
        x = _floats.pop()
        dx = dx * a * math.cos(x)
    return dx, da

"""control.fill fills a loop or branch template's own placeholders (`BODY`, `TEST`,
`TARGET`, ...), not the statements put into its blocks: a user variable named like one
was replaced too -- `TEST = x * 2.0` in a while loop became `k < n = x * 2.0` (a
SyntaxError in the generated code), `BODY` in a for loop an AssertionError.  Gradients
of such code, plain and checkpointed, equal finite differences."""

from __future__ import annotations

from fdiff import assert_close, fd_grad

import srcdiff


def in_for(x, n):
    s = 0.0
    for i in range(n):
        TEST = x * 2.0
        BODY = TEST * x
        TARGET = BODY + s
        if TARGET > 0.0:
            COND = TARGET * 0.5
        else:
            COND = TARGET
        s = COND + x
    return s


def in_while(x, n):
    s = 0.0
    k = 0
    while k < n:
        TEST = x * 2.0
        TRIPS = TEST * x
        ITERS = TRIPS - s
        s = s + ITERS * 0.25
        k = k + 1
    return s


def test_placeholder_names_in_loops():
    for func in (in_for, in_while):
        want = fd_grad(func, (1.5, 3), 0)
        for checkpoint in (None, 2):
            (got,) = srcdiff.grad(func, wrt=("x",), checkpoint=checkpoint)(1.5, 3)
            assert_close(got, want, rtol=1e-7)

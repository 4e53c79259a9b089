"""srcdiff.GradientTape in a training loop: what a tape step costs against `grad` itself.

Run from the repo root:  python benchmarks/bench_gradient_tape.py   (a few seconds)

A least-squares loss on a 32 x 4 design matrix.  `tape step`: a function that opens a
`srcdiff.GradientTape`, computes the loss in the block and calls `tape.gradient` (the
block's function and derivative code are made on the first step and reused after);
`grad`: `srcdiff.grad` of the same loss written as a function.  The first tape step
(reading the block, generating code) is timed once.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import srcdiff  # noqa: E402
from benchmarks.common import fmt, markdown_table, time_calls  # noqa: E402


def tape_step(w, b, X, t):
    with srcdiff.GradientTape() as tape:
        r = X @ w + b - t
        loss = np.mean(r**2)
    return tape.gradient(loss, [w, b])


def loss(w, b, X, t):
    r = X @ w + b - t
    return np.mean(r**2)


def main():
    rng = np.random.default_rng(0)
    X, t = rng.normal(size=(32, 4)), rng.normal(size=32)
    w, b = np.zeros(4), 0.0
    start = time.process_time()
    tape_step(w, b, X, t)
    first = (time.process_time() - start) * 1e6
    g = srcdiff.grad(loss, wrt=(0, 1))
    dw, db = tape_step(w, b, X, t)
    gw, gb = g(w, b, X, t)
    assert np.allclose(dw, gw) and np.isclose(db, gb)
    step, direct, f = time_calls(
        [(tape_step, (w, b, X, t)), (g, (w, b, X, t)), (loss, (w, b, X, t))]
    )
    rows = [
        ["first tape step (reads the block, generates code)", fmt(first)],
        ["tape step", fmt(step)],
        ["grad", fmt(direct)],
        ["the loss itself", fmt(f)],
    ]
    markdown_table(["case", "us per call"], rows)


if __name__ == "__main__":
    main()

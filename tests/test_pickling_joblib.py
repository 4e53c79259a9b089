"""joblib.Parallel (its default backend, loky: fresh worker processes, cloudpickle) gives
the serial results for every kind of derivative srcdiff returns (pickling_cases.kinds)."""

import numpy as np
import pytest
from pickling_cases import kinds, make_loss, same

import srcdiff

joblib = pytest.importorskip("joblib")  # a test-only dependency (pyproject's test extra)


def test_joblib_loky_gives_the_serial_results():
    cases = kinds()
    with joblib.parallel_config(backend="loky", n_jobs=2):
        results = joblib.Parallel()(joblib.delayed(d)(*args) for _, d, args in cases)
    for (name, derivative, args), got in zip(cases, results):
        assert same(got, derivative(*args)), name


def test_joblib_per_sample_gradients():
    """One task per sample: the closure's data travels once per task, by value."""
    loss = make_loss(np.array([1.0, 2.0, -0.5]))
    g = srcdiff.grad(loss, wrt=(0, 1))
    samples = [(np.array([0.1 * i, -0.2, 0.3]), 0.05 * i) for i in range(16)]
    results = joblib.Parallel(n_jobs=2, backend="loky")(joblib.delayed(g)(w, b) for w, b in samples)
    for (w, b), got in zip(samples, results):
        assert same(got, g(w, b))

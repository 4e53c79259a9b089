"""Dask: derivatives srcdiff returns run on a LocalCluster of worker processes (Dask
pickles tasks with cloudpickle, which honours their __reduce__) and give the serial
results.  The sweep sample (built modules on Dask workers): test_sweep_sample.py."""

import numpy as np
import pytest
from pickling_cases import kinds, make_loss, same, serial

import srcdiff

distributed = pytest.importorskip("dask.distributed")  # test-only (pyproject's test extra)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_dask_gives_the_serial_results(client):
    cases = kinds()
    futures = [client.submit(serial, d, args, pure=False) for _, d, args in cases]
    for (name, derivative, args), got in zip(cases, client.gather(futures)):
        assert same(got, derivative(*args)), name


def test_dask_maps_a_closure_gradient_over_samples(client):
    g = srcdiff.grad(make_loss(np.array([1.0, 2.0, -0.5])), wrt=(0, 1))
    ws = [np.array([0.1 * i, -0.2, 0.3]) for i in range(10)]
    bs = [0.05 * i for i in range(10)]
    results = client.gather(client.map(g, ws, bs, pure=False))
    for w, b, got in zip(ws, bs, results):
        assert same(got, g(w, b))

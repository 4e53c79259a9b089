"""The scripts in samples/ run, and what they print shows training working.

Each sample is run as a user would (`python samples/NAME.py`, srcdiff importable),
and small instances of their functions are checked against finite differences.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import srcdiff

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_sample(name):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(
        [sys.executable, os.path.join("samples", name)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def losses(output):
    return [float(v) for v in re.findall(r"loss ([0-9.]+)", output)]


def test_seed_prints_the_reference_gradient():
    out = run_sample("seed.py")
    assert "(24.0, 10.0)" in out and "def f_grad(x, y):" in out


@pytest.mark.parametrize("name", ["helpers.py", "logistic.py", "mlp.py"])
def test_training_samples_lower_the_loss(name):
    values = losses(run_sample(name))
    assert len(values) >= 5
    assert all(b < a for a, b in zip(values, values[1:])), values
    assert values[-1] < 0.8 * values[0]


def test_nested_params_sample_trains_both_ways():
    """Gradient descent on a nested dict of parameters, and SciPy on a flattened view."""
    out = run_sample("nested_params.py")
    values = losses(out)
    descent, minimized = values[:-1], values[-1]
    assert len(descent) >= 5 and all(b < a for a, b in zip(descent, descent[1:])), out
    assert descent[-1] < 0.5 * descent[0] and minimized < descent[-1], out
    assert "converged: True" in out


def test_nested_params_gradient_against_finite_differences():
    sys.path.insert(0, os.path.join(ROOT, "samples"))
    try:
        import nested_params as N
    finally:
        sys.path.pop(0)
    x, y = N.make_data(n=8)
    params = N.init(n_hidden=3)
    g = srcdiff.grad(N.loss)(params, x, y)
    vector, unflatten = N.flat_view(params)
    flat_g, _ = N.flat_view(g)
    h = 1e-6
    for k in range(len(vector)):
        e = np.zeros_like(vector)
        e[k] = h
        fd = (N.loss(unflatten(vector + e), x, y) - N.loss(unflatten(vector - e), x, y)) / (2 * h)
        assert flat_g[k] == pytest.approx(fd, rel=1e-5, abs=1e-8)


def test_rosenbrock_sample_reaches_the_minimum():
    """SciPy's BFGS and Newton-CG with srcdiff's gradient and hvp (SciPy is a test extra)."""
    out = run_sample("rosenbrock.py")
    assert "BFGS" in out and "Newton-CG" in out, out
    finals = [float(v) for v in re.findall(r"f = ([0-9.e+-]+)", out)]
    assert finals and all(v < 1e-6 for v in finals), out


@pytest.mark.parametrize("name", ["physics.py", "activations.py"])
def test_scalar_samples_run(name):
    assert run_sample(name).strip()


def test_sample_gradients_match_finite_differences():
    import activations
    import helpers
    import logistic
    import mlp
    import physics
    import rosenbrock

    srcdiff.check_grad(physics.projectile_range, 20.0, 0.7, 1.5, wrt=(0, 1, 2))
    srcdiff.check_grad(physics.pendulum, 0.5, 0.3, 50, wrt=(0, 1))
    for x in (-3.0, 0.4, 25.0):
        srcdiff.check_grad(activations.softplus, x)
        srcdiff.check_grad(activations.gelu, x)
    srcdiff.check_grad(activations.swish, 1.0, 1.5, wrt=(0, 1))
    srcdiff.check_grad(helpers.log_loss, 0.1, -0.2, 0.05, wrt=(0, 1, 2))
    X, y = logistic.make_data(30, 3)
    srcdiff.check_grad(logistic.loss, np.array([0.1, -0.2, 0.3]), 0.1, X, y, 0.01, wrt=(0, 1))
    X, labels = mlp.make_data(n=6, d=4, k=3)
    params = mlp.init((4, 5, 3))
    srcdiff.check_grad(mlp.mlp_loss, *params, X, labels, wrt=(0, 1, 2, 3), rtol=1e-4)
    srcdiff.check_grad(rosenbrock.rosenbrock, np.array([-1.0, 0.5, 1.2, 0.3]))


def test_comprehensions_sample_prints_its_derivatives():
    """samples/comprehensions.py: d poly / dx = c1 + 2 c2 x = 2 + 3 at x = 0.5; the hinge
    points w*x < 1 are x = 1 and x = -1, whose terms cancel in d / dw."""
    out = run_sample("comprehensions.py")
    assert "d poly / d x: 5.0" in out and "d hinge / d w: 0.0" in out, out

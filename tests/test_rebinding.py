"""A helper name rebound after its derivative was made (compiler/guards.py): the old
derivative must not be reused -- that would be a silently wrong derivative."""

import numpy as np
import pytest
import rebinding_cases as R

import srcdiff


@pytest.fixture
def rebound():
    yield
    R.h = R.square


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_grad_follows_a_rebound_global_helper(rebound, mode):
    g = srcdiff.grad(R.f, mode=mode)
    assert g(2.0) == 4.0
    R.h = R.cube
    assert g(2.0) == 12.0  # the same object users hold
    assert srcdiff.grad(R.f, mode=mode)(2.0) == 12.0  # and a new one


def test_every_transform_follows_a_rebound_global_helper(rebound):
    x = np.array([1.0, 2.0])
    makers = {
        "value_and_grad": lambda: srcdiff.value_and_grad(R.f_array)(x)[1],
        "jacobian": lambda: srcdiff.jacobian(R.f_array)(x),
        "jvp": lambda: srcdiff.jvp(R.f_array, (x,), (np.ones(2),))[1],
        "vjp": lambda: srcdiff.vjp(R.f_array, x)[1](1.0)[0],
        "hessian": lambda: srcdiff.hessian(R.f_array)(x),
    }
    before = {k: np.array(make()) for k, make in makers.items()}
    R.h = R.cube
    after = {k: np.array(make()) for k, make in makers.items()}
    np.testing.assert_allclose(before["value_and_grad"], 2 * x)
    np.testing.assert_allclose(after["value_and_grad"], 3 * x**2)
    np.testing.assert_allclose(after["jacobian"], 3 * x**2)
    np.testing.assert_allclose(after["jvp"], np.sum(3 * x**2))
    np.testing.assert_allclose(after["vjp"], 3 * x**2)
    np.testing.assert_allclose(before["hessian"], 2 * np.eye(2))
    np.testing.assert_allclose(after["hessian"], np.diag(6 * x))


def test_a_closure_cell_rebound_is_followed():
    f = R.make(R.square)
    g = srcdiff.grad(f)
    assert g(2.0) == 8.0
    f.__closure__[0].cell_contents = R.cube
    assert g(2.0) == 24.0


def test_unchanged_names_keep_the_derivative_made(monkeypatch, rebound):
    import srcdiff.api.requests as requests

    made = []
    real = requests.generate

    def counting(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(requests, "generate", counting)
    x = np.array([1.0, 2.5])
    g = srcdiff.grad(R.f_array)
    g(x)
    g(x * 2)
    srcdiff.grad(R.f_array)(x)
    before = len(made)
    assert before <= 1  # made once (or found made by an earlier test), then reused
    R.h = R.cube
    np.testing.assert_allclose(g(x), 3 * x**2)
    g(x * 2)
    assert len(made) == before + 1 and made[-1] is R.f_array  # made again, once

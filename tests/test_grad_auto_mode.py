"""grad(f, mode="auto") and value_and_grad: forward or reverse mode chosen at each call
by jacobian's chooser for one output element (api/modes.py).  "auto" was refused
("mode must be 'reverse', 'forward' or 'symbolic'") though jacobian accepted it."""

import pickle

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.api import modes


def f(x, y):
    return np.sum(np.sin(x) * y) + y * y


def loop(x, n):
    acc = 0.0
    for _ in range(n):
        acc = acc + np.sum(x * x)
        x = np.tanh(x)
    return acc


X = np.array([0.3, -0.5, 1.1])


@pytest.mark.parametrize(
    "args, wrt, chosen",
    [((0.7, 1.3), 0, "forward"), ((X, 1.3), 0, "reverse"), ((0.7, 1.3), (0, 1), "reverse")],
    ids=["one_number", "array", "two_numbers"],
)
def test_auto_chooses_as_jacobian_does_and_agrees_with_finite_differences(args, wrt, chosen):
    names = srcdiff.grad(f, wrt=wrt).wrt
    assert modes.gradient_mode(f, names, args, {}) == chosen
    assert chosen == modes.auto_mode(
        sum(np.size(args[f.__code__.co_varnames.index(n)]) for n in names), 1
    )
    g = srcdiff.grad(f, wrt=wrt, mode="auto")(*args)
    want = srcdiff.grad(f, wrt=wrt, mode=chosen)(*args)
    got, expected = (g, want) if isinstance(wrt, tuple) else ((g,), (want,))
    for i, (a, b) in enumerate(zip(got, expected)):
        k = wrt[i] if isinstance(wrt, tuple) else wrt
        assert_close(a, b, 1e-14, 0, "auto against the chosen mode")
        assert_close(a, fd_grad(f, args, k), 1e-7, 1e-9, "finite differences")


def test_value_and_grad_auto():
    for args in ((0.7, 1.3), (X, 1.3)):
        value, g = srcdiff.value_and_grad(f, mode="auto")(*args)
        assert value == f(*args)
        assert_close(g, fd_grad(f, args, 0), 1e-7, 1e-9, "gradient")


def test_auto_with_containers_counts_their_leaves():
    def h(p, x):
        return p["a"] * x + np.sum(p["b"] ** 2)

    p = {"a": 0.5, "b": np.array([1.0, 2.0])}
    assert modes.gradient_mode(h, ("p",), (p, 2.0), {}) == "reverse"
    assert modes.gradient_mode(h, ("x",), (p, 2.0), {}) == "forward"
    g = srcdiff.grad(h, mode="auto")(p, 2.0)
    assert g["a"] == 2.0 and np.array_equal(g["b"], 2 * p["b"])


def test_auto_with_checkpoint_is_reverse_mode():
    g = srcdiff.grad(loop, mode="auto", checkpoint=2)(X, 5)
    assert_close(g, fd_grad(loop, (X, 5), 0), 1e-7, 1e-9, "gradient")


def test_one_derivative_changes_mode_between_calls_and_pickles():
    g = srcdiff.grad(f, mode="auto")
    assert_close(g(0.7, 1.3), np.cos(0.7) * 1.3, 1e-14, 0, "forward")
    assert_close(g(X, 1.3), np.cos(X) * 1.3, 1e-14, 0, "reverse")
    again = pickle.loads(pickle.dumps(g))
    assert_close(again(X, 1.3), g(X, 1.3), 0, 0, "unpickled")


def test_an_unknown_mode_lists_auto():
    with pytest.raises(srcdiff.SrcDiffError, match="'auto'"):
        srcdiff.grad(f, mode="backward")

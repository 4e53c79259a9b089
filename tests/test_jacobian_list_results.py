"""jacobian of a function with several results where one is a list or tuple of numbers
(a dict result's list-valued leaf, `return y, [a, b]`): the list's Jacobian is its items'
stacked, shape (len,) + in.shape, as for a function returning the list alone.  It was
refused with "its results are a tuple holding a list", also for a dict result, which
holds no tuple.  Lists of values of different shapes, strings and None are refused with
a message naming what the result is."""

import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian

import srcdiff

X = np.array([0.3, -0.5, 1.1])
MODES = ("auto", "forward", "reverse")


def dict_with_a_list(x):
    xs = [x[0] * 2.0, x[1] ** 2 * x[2]]
    return {"a": xs, "b": np.sin(x)}


def tuple_with_a_list(x):
    return x * 2.0, [x[0], x[1] * x[2]]


def ragged(x):
    return x * 2.0, [x, x[0]]


def ragged_advice(x):  # the hint, followed
    return x * 2.0, x, x[0]


def with_none(x):
    return x * 2.0, None


@pytest.mark.parametrize("mode", MODES)
def test_a_dict_result_s_list_leaf(mode):
    jac = srcdiff.jacobian(dict_with_a_list, mode=mode)(X)
    want_a = fd_jacobian(lambda x: np.asarray(dict_with_a_list(x)["a"]), (X,), 0)
    assert jac["a"].shape == (2, 3)
    assert_close(jac["a"], want_a, 1e-7, 1e-9, "a")
    assert_close(jac["b"], np.diag(np.cos(X)), 1e-14, 0, "b")


@pytest.mark.parametrize("mode", MODES)
def test_a_tuple_result_s_list(mode):
    first, second = srcdiff.jacobian(tuple_with_a_list, mode=mode)(X)
    assert_close(first, 2.0 * np.eye(3), 0, 0, "first")
    want = fd_jacobian(lambda x: np.asarray(tuple_with_a_list(x)[1]), (X,), 0)
    assert_close(second, want, 1e-7, 1e-9, "second")


@pytest.mark.parametrize("mode", MODES)
def test_a_ragged_list_is_refused_and_the_hint_works(mode):
    with pytest.raises(srcdiff.ArgumentError) as err:
        srcdiff.jacobian(ragged, mode=mode)(X)
    assert "one of its results is a list of values of different shapes" in str(err.value)
    assert "tuple holding" not in str(err.value)
    assert "return a, b, c" in err.value.hint
    blocks = srcdiff.jacobian(ragged_advice, mode=mode)(X)
    assert_close(blocks[1], np.eye(3), 0, 0, "x")
    assert_close(blocks[2], np.array([1.0, 0.0, 0.0]), 0, 0, "x[0]")


def test_none_among_the_results_is_named():
    with pytest.raises(srcdiff.ArgumentError, match="one of its results is None;"):
        srcdiff.jacobian(with_none)(X)

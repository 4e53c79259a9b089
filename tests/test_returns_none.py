"""compiler/returns_none.py: a function that returns None on some path is refused at that
line when its derivative is generated (reverse mode gave that path a gradient of 0.0)."""

import numpy as np
import pytest

import srcdiff
from srcdiff import NonScalarOutputError


def bare_return(x):
    y = x * 2.0  # noqa: F841
    return


def no_return(x):
    y = x * 2.0  # noqa: F841


def none_on_a_branch(x):
    if x > 0:
        return None
    return x * x


def end_of_a_for_loop(x):
    for i in range(3):
        if i == 2:
            return x * i


def a_while_that_breaks(x):
    while True:
        if x > 10.0:
            break
        x = x * 2.0


REFUSED = {
    bare_return: "returns None here",
    no_return: "can reach its end",
    none_on_a_branch: "returns None here",
    end_of_a_for_loop: "can reach its end",
    a_while_that_breaks: "can reach its end",
}


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f", list(REFUSED), ids=lambda f: f.__name__)
def test_none_on_some_path_is_refused_at_generation(f, mode):
    with pytest.raises(NonScalarOutputError, match=REFUSED[f]) as err:
        srcdiff.grad(f, mode=mode)(1.5)
    assert "test_returns_none.py" in str(err.value) and "^" in str(err.value)


def test_vjp_and_jvp_refuse_it_too():
    with pytest.raises(NonScalarOutputError, match="returns None here"):
        srcdiff.vjp(none_on_a_branch, 1.5)
    with pytest.raises(NonScalarOutputError, match="returns None here"):
        srcdiff.jvp(none_on_a_branch, (1.5,), (1.0,))


def every_path_returns(x):
    if x > 0:
        return x * x
    else:
        if x < -1.0:
            return -x
        return 3.0 * x


def ends_in_raise(x):
    if x > 0:
        return x * x
    raise ValueError("negative")


def loops_forever_until_return(x):
    while True:
        x = x * 2.0
        if x > 10.0:
            return x


def a_nested_loop_breaks_only_itself(x):
    while True:
        for _ in range(2):
            break
        return x * 3.0


def a_procedure(xs, v):
    xs.append(v)


def calls_a_helper_returning_none(x):
    xs = []
    a_procedure(xs, x * x)
    return xs.pop() + x


@pytest.mark.parametrize(
    "f, x, expected",
    [
        (every_path_returns, 1.5, 3.0),
        (every_path_returns, -2.0, -1.0),
        (every_path_returns, -0.5, 3.0),
        (ends_in_raise, 1.5, 3.0),
        (loops_forever_until_return, 1.5, 8.0),
        (a_nested_loop_breaks_only_itself, 1.5, 3.0),
        (calls_a_helper_returning_none, 1.5, 4.0),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_functions_returning_a_value_on_every_path_are_differentiated(f, x, expected, mode):
    assert np.isclose(srcdiff.grad(f, mode=mode)(x), expected)

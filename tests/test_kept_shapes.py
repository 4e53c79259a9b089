"""A name assigned more than once whose shape provably never changes (shapes.py's
`_kept_shape`): its loop needs no `unbroadcast` and pushes nothing for it -- and names
whose shape does change keep both, with the right values."""

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

RNG = np.random.default_rng(23)


def accumulate(x, n):
    total = np.zeros_like(x)
    for i in range(n):
        t = np.sin(x) * i
        total = total + t
    return np.sum(total * total)


def scale_a_parameter(x, n):
    for i in range(n):
        x = x * 1.5 + np.cos(x)
    return np.sum(x)


def two_accumulators(x, y, n):
    a = np.zeros(x.shape)
    b = np.ones_like(x)
    for i in range(n):
        a = a + b * y
        b = b * np.tanh(a)
    return np.sum(a) + np.sum(b * x)


def starts_as_a_number(x, n):
    total = 0.0
    for i in range(n):
        total = total + np.sin(x) * i
    return np.sum(total * total)


def starts_as_a_row(x, r, n):
    total = r  # (1, k): x of shape (m, k) stretches it in the first pass
    for i in range(n):
        total = total + np.sin(x) * i
    return np.sum(total * total)


def gains_an_axis(x, Y, n):
    total = np.zeros_like(x)  # 1-D; adding the 2-D Y makes it 2-D
    for i in range(n):
        total = total * 0.5 + Y
    return np.sum(total * x)


def shrinks(x, n):
    total = np.ones_like(x)
    for i in range(n):
        total = total[1:] * x[i]  # one element shorter each pass
    return np.sum(total)


def _check(func, args, wrt, *, kept):
    """Reverse and forward gradients against finite differences; `kept`: does the
    reverse-mode code leave unbroadcast out?"""
    text = srcdiff.source(func, wrt=wrt, at=args)
    if kept:
        assert "unbroadcast" not in text, text
    else:
        assert "unbroadcast" in text, text
    for mode in ("reverse", "forward"):
        got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
        got = got if isinstance(wrt, tuple) else (got,)
        for g, i in zip(got, wrt if isinstance(wrt, tuple) else (wrt,)):
            assert np.shape(g) == np.shape(args[i])
            assert_close(g, fd_grad(func, args, i), rtol=1e-6, atol=1e-8, what=mode)


@pytest.mark.parametrize(
    "func, args, wrt",
    [
        (accumulate, (RNG.normal(size=4), 3), 0),
        (scale_a_parameter, (RNG.normal(size=(2, 3)), 3), 0),
        (two_accumulators, (RNG.normal(size=3), 0.7, 3), (0, 1)),
    ],
)
def test_a_name_of_one_shape_needs_no_unbroadcast(func, args, wrt):
    _check(func, args, wrt, kept=True)


def test_an_accumulator_of_one_shape_is_not_pushed():
    # the old total and t were read only for their shapes
    assert "_stack" not in srcdiff.source(accumulate, at=(np.ones(3), 2))
    assert "_stack" in srcdiff.source(starts_as_a_number, at=(np.ones(3), 2))


@pytest.mark.parametrize(
    "func, args, wrt",
    [
        (starts_as_a_number, (RNG.normal(size=4), 3), 0),
        (starts_as_a_row, (RNG.normal(size=(3, 2)), RNG.normal(size=(1, 2)), 3), (0, 1)),
        (gains_an_axis, (RNG.normal(size=3), RNG.normal(size=(2, 3)), 3), (0, 1)),
        (shrinks, (RNG.normal(size=5), 3), 0),
    ],
)
def test_a_name_whose_shape_changes_is_summed_back(func, args, wrt):
    _check(func, args, wrt, kept=False)

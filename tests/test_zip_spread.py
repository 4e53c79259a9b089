"""`for a, b in zip(*seq)`: refused before ("a call with *args"); zip's items have
len(seq) values, so unpacking them into n names fixes len(seq) = n, and the loop is
`zip(seq[0], ..., seq[n - 1])` walked by index (the length checked as Python's
unpacking would)."""

import gaps5_zip_cases as C
import numpy as np
import pytest
from fdiff import fd_grad

import srcdiff

W = np.linspace(0.1, 0.9, 9)
CASES = [C.gmm_like, C.named_rows, C.displayed, C.enumerated, C.generator]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("func", CASES, ids=[f.__name__ for f in CASES])
def test_zip_of_a_spread_sequence_differentiates(func, mode):
    got = srcdiff.grad(func, mode=mode)(W)
    np.testing.assert_allclose(got, fd_grad(func, (W,), 0), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("func", [C.gmm_like, C.displayed])
def test_zip_of_a_spread_sequence_hessian(func):
    grad = srcdiff.grad(func)
    want = fd_grad(lambda w: np.asarray(grad(w)), (W,), 0)
    np.testing.assert_allclose(srcdiff.hessian(func)(W), want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_zip_of_more_sequences_than_names_raises_as_python_does(mode):
    with pytest.raises(ValueError, match="too many values to unpack"):
        C.too_many_rows(W)
    with pytest.raises(ValueError, match="values to unpack"):
        srcdiff.grad(C.too_many_rows, mode=mode)(W)

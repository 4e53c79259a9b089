"""A helper that changes an argument in place, called with the same array (or what srcdiff
takes may be one) for two of its arguments, is refused (NumPy would change both, the copy
srcdiff passes only one), and the copy the hint asks for is differentiated."""

import numpy as np
import pytest
import shared_argument_cases as C
from fdiff import fd_grad

import srcdiff


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_same_array_twice_is_refused_and_the_hinted_copy_works(mode):
    w = np.array([0.5, -1.0, 2.0])
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(C.same_array_twice, mode=mode)(w)
    assert "NumPy would change both" in str(info.value)
    assert "a=np.copy(w)" in info.value.hint
    got = srcdiff.grad(C.same_array_twice_followed, mode=mode)(w)
    np.testing.assert_allclose(got, fd_grad(C.same_array_twice_followed, (w,), 0), rtol=1e-7)


def test_the_hinted_copy_works_for_a_number_too():
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(C.same_number_twice, wrt=(0, 1))(0.927, 1.344)
    assert "a1=np.copy(x0)" in info.value.hint
    assert C.same_number_twice_followed(0.927, 1.344) == C.same_number_twice(0.927, 1.344)
    for mode in ("reverse", "forward"):
        got = srcdiff.grad(C.same_number_twice_followed, wrt=(0, 1), mode=mode)(0.927, 1.344)
        want = [fd_grad(C.same_number_twice, (0.927, 1.344), i) for i in (0, 1)]
        np.testing.assert_allclose(got, want, rtol=1e-7)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_number_read_back_from_a_list_of_numbers_is_not_refused(mode):
    got = srcdiff.grad(C.number_from_a_list_twice, wrt=(0, 1), mode=mode)(0.927, 1.344)
    want = [fd_grad(C.number_from_a_list_twice, (0.927, 1.344), i) for i in (0, 1)]
    np.testing.assert_allclose(got, want, rtol=1e-7)
    assert all(type(g) is float for g in got)

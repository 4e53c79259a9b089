"""A dict built at the function's top level and read with constant keys is a variable
per key (held.hoist_local_dicts, run by normalize): both modes, Hessians; a dict used
whole is refused with the hint it had."""

import local_dict_cases as D
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

MODES = ("reverse", "forward")
W = np.array([0.3, -0.2, 0.5])
CASES = [
    (D.read_back, (1.5, 0.5, 2.0), (0, 1, 2)),
    (D.dict_call, (1.5, 0.7), (0, 1)),
    (D.updated_in_a_loop, (np.array([0.2, 0.1, -0.4]), W), (0, 1)),
    (D.nested, (3.0, 4.0), (0, 1)),
    (D.key_added_later, (1.3,), (0,)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func, args, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_gradient_matches_finite_differences(func, args, wrt, mode):
    g = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
    for i, gi in zip(wrt, g):
        assert_close(gi, fd_grad(func, args, i), 1e-7, 1e-9, f"d/d{i}")


@pytest.mark.parametrize("func, args, wrt", CASES, ids=[c[0].__name__ for c in CASES])
def test_hessian_matches_finite_differences_of_the_gradient(func, args, wrt):
    h = srcdiff.hessian(func, wrt=0)(*args)
    g = srcdiff.grad(func, wrt=0)
    assert_close(h, fd_jacobian(g, args, 0), 1e-6, 1e-8, "hessian")


def test_the_generated_code_reads_a_variable_per_key():
    text = srcdiff.source(D.read_back, wrt=(0, 1, 2))
    code = [ln for ln in text.splitlines() if not ln.strip().startswith(("#", '"""'))]
    assert any(ln.strip() == "d_a = a" for ln in code)
    assert not any("{" in ln for ln in code)  # no dict is built


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_dict_passed_whole_to_a_helper_is_its_leaves(mode):
    # the helper's flat view takes the leaves (compiler/flatcalls.py)
    assert srcdiff.grad(D.passed_whole, wrt=(0, 1), mode=mode)(1.5, 2.0) == (2.0, 1.5)


def test_a_dict_passed_to_a_library_function_is_refused_with_the_hint():
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(D.passed_to_a_library_function)(1.0, 2.0)
    assert "call .values() of the dict d here" in str(err.value)
    assert err.value.location[1] == D.passed_to_a_library_function.__code__.co_firstlineno + 2

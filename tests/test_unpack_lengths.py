"""`a, b = xs` raises ValueError unless xs has exactly two items, in Python and in the
generated code (which reads xs by index: it took the first two items of a longer xs
and returned a derivative for a function that raises).  Where the length is written
out (a display, a helper returning a tuple display) srcdiff refuses at generation."""

import gaps5_unpack_cases as C
import numpy as np
import pytest
from fdiff import fd_grad

import srcdiff

MODES = ["reverse", "forward"]
V3 = np.array([0.3, -0.7, 1.1])
M32 = np.array([[0.3, -0.7], [1.1, 0.4], [-0.2, 0.9]])
M33 = np.array([[0.3, -0.7, 0.5], [1.1, 0.4, 0.2]])

FITTING = [
    (C.listed, 1.5),
    (C.array_rows, V3),
    (C.helper_list, 1.5),
    (C.nested, 1.5),
    (C.rows_loop, M32),
]
SHORT = [
    (C.listed_short, 1.5),
    (C.tupled_short, 1.5),
    (C.array_rows_short, V3),
    (C.made_array_short, 1.5),
    (C.helper_list_short, 1.5),
    (C.rows_loop_short, M33),
    (C.nested_short, 1.5),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("func", "arg"), FITTING, ids=[f.__name__ for f, _ in FITTING])
def test_fitting_unpacking_differentiates(func, arg, mode):
    got = srcdiff.grad(func, mode=mode)(arg)
    np.testing.assert_allclose(got, fd_grad(func, (arg,), 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("func", "arg"), FITTING[:3], ids=[f.__name__ for f, _ in FITTING[:3]])
def test_fitting_unpacking_hessian(func, arg):
    hess = srcdiff.hessian(func)(arg)
    grad = srcdiff.grad(func)
    want = fd_grad(lambda a: np.asarray(grad(a)), (arg,), 0)
    np.testing.assert_allclose(hess, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("func", "arg"), SHORT, ids=[f.__name__ for f, _ in SHORT])
def test_unpacking_too_many_values_raises_as_python_does(func, arg, mode):
    with pytest.raises(ValueError, match="too many values to unpack"):
        func(arg)
    with pytest.raises(ValueError, match="values to unpack"):
        srcdiff.grad(func, mode=mode)(arg)
    with pytest.raises(ValueError, match="values to unpack"):
        srcdiff.value_and_grad(func, mode=mode)(arg)


@pytest.mark.parametrize("func", [C.listed_short, C.helper_list_short, C.array_rows_short])
def test_unpacking_too_many_values_raises_in_the_hessian(func):
    arg = V3 if func is C.array_rows_short else 1.5
    with pytest.raises(ValueError, match="values to unpack"):
        srcdiff.hessian(func)(arg)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [C.listed_short, C.helper_list_short])
def test_the_printed_code_raises_itself(func, mode):
    # the error comes from the generated code's check, run as printed
    namespace = {"three_as_list": C.three_as_list}
    exec(compile(srcdiff.source(func, mode=mode), "<printed>", "exec"), namespace)
    suffix = "_grad" if mode == "reverse" else "_jvp"
    args = (1.5,) if mode == "reverse" else (1.5, 1.0)
    with pytest.raises(ValueError, match="values to unpack"):
        namespace[func.__name__ + suffix](*args)


@pytest.mark.parametrize("mode", MODES)
def test_a_helper_tuple_that_does_not_fit_is_refused(mode):
    # (its items were taken as sequences: "cannot differentiate repeating a list")
    with pytest.raises(
        srcdiff.UnsupportedSyntaxError, match="returns 3 values; this unpacks 2"
    ) as info:
        srcdiff.grad(C.helper_tuple_short, mode=mode)(1.5)
    assert "gaps5_unpack_cases.py" in str(info.value) and "a, b = three_as_tuple(x)" in str(
        info.value
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_helper_list_unpacked_over_live_names_restores_them(mode):
    # reverse mode read the new a where the old was needed (fuzz seed 9999206, unpack_walks)
    got = srcdiff.grad(C.helper_list_rebinds, mode=mode)(V3)
    np.testing.assert_allclose(got, fd_grad(C.helper_list_rebinds, (V3,), 0), rtol=1e-6)
    hess = srcdiff.hessian(C.helper_list_rebinds)(V3)
    want = fd_grad(lambda a: np.asarray(srcdiff.grad(C.helper_list_rebinds)(a)), (V3,), 0)
    np.testing.assert_allclose(hess, want, rtol=1e-5, atol=1e-7)

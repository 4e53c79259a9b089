"""A set, dict or dict view passed to a helper that walks it: the helper walks its
parameter by position, so a set crashed inside generated code ("'set' object is not
subscriptable") and a module's dict {0: 5.0, 1: 7.0} was walked as its values (a wrong
derivative).  The caller now passes such an argument as a tuple where the helper only
walks it, and refuses (with a hint that works) where the helper uses it otherwise."""

import gaps5_walked_cases as C
import pytest
from fdiff import fd_grad

import srcdiff

MODES = ["reverse", "forward"]
PASSED = [
    C.set_display,
    C.set_call,
    C.set_named,
    C.set_keyword,
    C.global_frozenset,
    C.global_dict,
    C.dict_keys,
    C.dict_values,
    C.local_dict_values,
    C.set_used_otherwise_fixed,
    C.iterator_passed_fixed,
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", PASSED, ids=[f.__name__ for f in PASSED])
def test_a_walked_set_or_dict_argument_differentiates(func, mode):
    got = srcdiff.grad(func, mode=mode)(1.5)
    assert got == pytest.approx(fd_grad(func, (1.5,), 0), rel=1e-7)
    value, _ = srcdiff.value_and_grad(func, mode=mode)(1.5)
    assert value == func(1.5)


@pytest.mark.parametrize("func", [C.set_display, C.set_named, C.global_dict, C.dict_values])
def test_a_walked_set_or_dict_argument_hessian(func):
    grad = srcdiff.grad(func)
    want = fd_grad(lambda x: float(grad(x)), (1.5,), 0)
    assert srcdiff.hessian(func)(1.5) == pytest.approx(want, rel=1e-6, abs=1e-8)


def test_the_module_dict_walks_its_keys():
    # d/dx of 0 * x + 1 * x: the keys, not the values 5 and 7 (12, before)
    assert srcdiff.grad(C.global_dict)(1.5) == 1.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("func", "given"), [(C.set_used_otherwise, "{1.0, 3.0}"), (C.iterator_passed, "map")]
)
def test_a_set_used_otherwise_or_an_iterator_is_refused(func, given, mode):
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="walks its parameter 's'") as info:
        srcdiff.grad(func, mode=mode)(1.5)
    text = str(info.value)
    assert given in text and "gaps5_walked_cases.py" in text
    assert "for k in tuple(s)" in text  # the hint: followed in the *_fixed cases above

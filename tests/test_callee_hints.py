"""A call of a function passed as an argument, held in a local variable or in a list:
srcdiff reads which function a call calls when it generates the code, so it refuses
these, and the hint (it was `register_rule(f, ...)` of a parameter name) names what does
work -- followed here, against finite differences and the refused function's values."""

import callee_hint_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff

Y0 = np.array([0.5, -0.2])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, why, advice, followed",
    [
        (
            C.integrated,
            "f is a parameter of rk4",
            "def make_rk4(f): def rk4(y, dt):",
            (C.integrated_closure, C.integrated_named),
        ),
        (
            C.local_alias_in_branch,
            "g is a variable of local_alias_in_branch",
            "call rhs(...) where you call g(...)",
            (C.local_alias_advice,),
        ),
        (C.list_item, "the callee `fs[1]`", "by its own name", ()),
    ],
)
def test_a_callee_no_name_denotes_is_told_to_name_it(func, why, advice, followed, mode):
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(func, mode=mode)(Y0)
    assert why in str(err.value) and advice in err.value.hint
    assert "register_rule" not in err.value.hint
    for good in followed:
        assert good(Y0.copy()) == pytest.approx(func(Y0.copy()), rel=1e-15)
        got = srcdiff.grad(good, mode=mode)(Y0)
        assert_close(got, fd_grad(func, (Y0,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_local_name_bound_once_to_a_function_is_called_as_that_function(mode):
    """`g = rhs` at the top level, then `g(y0)`: the call is rhs's (local_aliases.py);
    it was refused as a variable holding a function."""
    got = srcdiff.grad(C.local_alias, mode=mode)(Y0)
    assert_close(got, fd_grad(C.local_alias, (Y0,), 0), 1e-7, 1e-9, "gradient")

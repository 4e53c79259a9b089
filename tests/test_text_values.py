"""Text made from differentiated values: refused where it is a value (a string carries no
derivative, and `float(str(x))` would silently drop one), with hints that work."""

import pytest
import text_cases as T

import srcdiff

MODES = ("reverse", "forward")


@pytest.mark.parametrize("func", [T.str_of_value, T.float_of_str])
def test_str_of_a_differentiated_value_is_refused_with_stop_gradient_advice(func):
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(func)(1.5)
    message = str(err.value)
    assert "text_cases.py" in message and "str(" in message
    assert "str(srcdiff.stop_gradient(...))" in message


@pytest.mark.parametrize("func", [T.fstring_value, T.float_of_fstring])
def test_an_fstring_value_is_refused_with_stop_gradient_advice(func):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as err:
        srcdiff.grad(func)(1.5)
    assert "f-string" in str(err.value)
    assert 'f"{srcdiff.stop_gradient(x)}"' in str(err.value)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("func", [T.str_cut_off, T.fstring_cut_off, T.fstring_printed])
def test_the_advice_followed_differentiates(func, mode, capsys):
    assert srcdiff.grad(func, mode=mode)(1.5) == pytest.approx(3.0, rel=1e-15)
    assert srcdiff.hessian(func)(1.5) == pytest.approx(2.0, rel=1e-12)

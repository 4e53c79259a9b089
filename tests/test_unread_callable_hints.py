"""A classmethod, a module-level functools.partial and `%` formatting of a string inside
the differentiated function: refused, with a hint naming what works -- which was wrong
or generic before (`register_rule(G3, ...)` of a partial named `functools.G3`; "rewrite
it with plain arithmetic") -- and the hint followed, against finite differences and the
refused function's values.  A staticmethod called through `self`, refused before with
the hint `Layer.squash_static(...)`, is now that call (compiler/self_methods.py)."""

import numpy as np
import pytest
import unread_callable_cases as C
from fdiff import assert_close, fd_grad

import srcdiff

X = np.array([0.3, -0.7])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, error, why, advice, followed",
    [
        (
            C.with_classmethod,
            srcdiff.NoRuleError,
            "Layer.squash (a classmethod of Layer)",
            "make it a @staticmethod",
            C.with_classmethod_advice,
        ),
        (
            C.with_partial,
            srcdiff.NoRuleError,
            "SCALED3 (a functools.partial of scaled)",
            "call scaled itself, with the arguments the partial fixes written out (b=3.0)",
            C.with_partial_advice,
        ),
        (
            C.with_percent_format,
            srcdiff.UnsupportedSyntaxError,
            "`%` formatting of a string",
            "srcdiff.stop_gradient(x)",
            C.with_percent_format_advice,
        ),
    ],
)
def test_the_hint_names_a_call_srcdiff_reads(func, error, why, advice, followed, mode):
    with pytest.raises(error) as err:
        srcdiff.grad(func, mode=mode)(X)
    assert why in str(err.value) and advice in err.value.hint
    assert "register_rule" not in err.value.hint and "TheClass" not in err.value.hint
    assert followed(X.copy()) == pytest.approx(func(X.copy()), rel=1e-15)
    got = srcdiff.grad(followed, mode=mode)(X)
    assert_close(got, fd_grad(func, (X,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_staticmethod_called_through_self_is_the_class_s_function(mode):
    got = srcdiff.grad(C.with_static_through_self, mode=mode)(X)
    assert_close(got, fd_grad(C.with_static_through_self, (X,), 0), 1e-7, 1e-9, "gradient")
    advice = srcdiff.grad(C.with_static_through_self_advice, mode=mode)(X)
    assert_close(got, advice, 1e-14, 0, "as the class's function")

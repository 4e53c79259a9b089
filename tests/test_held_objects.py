"""`model.predict(x)` where `model` is an object a module or closure holds: the method is
differentiated from its source like any helper (compiler/normalize.py calls it through
its class), its attributes read as constants, live."""

import held_object_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

X = np.array([0.3, -0.5, 1.1])
MODES = ("reverse", "forward")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "func",
    [C.loss, C.net_loss_through_class, C.make_loss(C.Model(0.8))],
    ids=["global", "through_class", "closure"],
)
def test_gradient_of_a_held_object_s_method(func, mode):
    g = srcdiff.grad(func, mode=mode)(X)
    assert_close(g, fd_grad(func, (X,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("func", [C.loss, C.make_loss(C.Model(0.8))], ids=["global", "closure"])
def test_hessian_of_a_held_object_s_method(func):
    h = srcdiff.hessian(func)(X)
    assert_close(h, fd_jacobian(srcdiff.grad(func), (X,), 0), 1e-6, 1e-8, "hessian")


def test_the_object_s_attributes_are_read_when_called():
    before = srcdiff.grad(C.loss)(X)
    C.MODEL.w = 0.4
    try:
        after = srcdiff.grad(C.loss)(X)
        assert_close(after, fd_grad(C.loss, (X,), 0), 1e-7, 1e-9, "after")
        assert not np.allclose(before, after)
    finally:
        C.MODEL.w = 1.7


def test_a_global_rebound_to_another_class_is_differentiated_again():
    assert_close(srcdiff.grad(C.loss_swapped)(X), 0.5 / np.cosh(0.5 * X) ** 2, 1e-12, 0, "A")
    saved = C.SWAPPED
    C.SWAPPED = C.Doubled(0.5)
    try:
        assert_close(srcdiff.grad(C.loss_swapped)(X), 2.0 * X, 1e-12, 0, "B")
    finally:
        C.SWAPPED = saved


@pytest.mark.parametrize("mode", MODES)
def test_self_method_inside_a_held_object_s_method_is_the_class_call(mode):
    # self.layer(x) in Net.predict: Net.layer(self, x), as the refusal's hint said before
    got = srcdiff.grad(C.net_loss, mode=mode)(X)
    assert_close(got, fd_grad(C.net_loss, (X,), 0), 1e-7, 1e-9, "gradient")
    advice = srcdiff.grad(C.net_loss_through_class, mode=mode)(X)
    assert_close(got, advice, 1e-14, 0, "through the class")


@pytest.mark.parametrize("mode", MODES)
def test_an_attribute_of_the_object_in_arithmetic_is_a_number(mode):
    g = srcdiff.grad(C.branchy_loss, mode=mode)
    assert g(1.5) == 1.0  # the constant branch: a1 * self.scale carries no derivative
    assert g(11.0) == 23.0  # the other: 2 * x + 1


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
@pytest.mark.parametrize(
    "func",
    [C.net_loss_through_class, C.net_in_a_local, C.net_in_a_list],
    ids=["self_handed_on", "in_a_local", "in_a_list"],
)
def test_hessian_where_a_helper_saves_the_object(func, mode):
    """The object a method's `self` holds, handed to another method (`Net.layer(self, x)`)
    or held in a local or a list, was saved on the tape by the first-order code; popped
    back in the Hessian's pass it was of unknown kind, so an array, and its attribute
    `self.w` was refused ("an attribute of a differentiated value").  Now a helper's
    unchanged object parameter is passed to the backward sweep (split._passed), and a
    value popped off the tape whose attribute no array has, read there or by the helper
    it is handed to, is an object (analysis._object_uses)."""
    g = srcdiff.grad(func)
    assert_close(g(X), fd_grad(func, (X,), 0), 1e-7, 1e-9, "gradient")
    h = srcdiff.hessian(func, mode=mode)(X)
    assert_close(h, fd_jacobian(g, (X,), 0), 1e-6, 1e-8, "hessian")


@pytest.mark.parametrize("mode", MODES)
def test_a_method_of_an_argument_is_told_to_call_it_through_its_class(mode):
    """(the advice was to call "the module function instead (e.g. np.sum(x) for x.sum())")"""
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.method_of_an_argument, wrt="x", mode=mode)(C.NET, X)
    assert "call it through its class" in err.value.hint
    assert "TheClass.predict(net, x)" in err.value.hint
    followed = C.method_of_an_argument_advice
    assert followed(C.NET, X) == C.method_of_an_argument(C.NET, X)
    g = srcdiff.grad(followed, wrt="x", mode=mode)(C.NET, X)
    assert_close(g, fd_grad(followed, (C.NET, X), 1), 1e-7, 1e-9, "gradient")
    h = srcdiff.hessian(followed, wrt="x")(C.NET, X)
    assert_close(h, fd_jacobian(srcdiff.grad(followed, wrt="x"), (C.NET, X), 1), 1e-6, 1e-8, "H")


@pytest.mark.parametrize("mode", MODES)
def test_a_held_callable_object_is_called_through_its_class(mode):
    """(`ACT(x)` was refused: "srcdiff has no derivative rule for ACT", with a hint to
    register a rule for the object)"""
    g = srcdiff.grad(C.called_object_loss, mode=mode)(X)
    assert_close(g, fd_grad(C.called_object_loss, (X,), 0), 1e-7, 1e-9, "gradient")
    h = srcdiff.hessian(C.called_object_loss)(X)
    assert_close(h, fd_jacobian(srcdiff.grad(C.called_object_loss), (X,), 0), 1e-6, 1e-8, "H")


@pytest.mark.parametrize("mode", MODES)
def test_a_loop_over_a_list_of_objects_is_refused_with_advice_that_works(mode):
    """(`for layer in LAYERS: h = layer.forward(h, w)` was refused as "a method on a
    differentiated value", which `layer` is not)"""
    w = np.array([0.3, -0.5, 0.8])
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.loops_over_a_list_of_layers, mode=mode)(w)
    assert "layer is an object no module or closure holds by that name" in str(err.value)
    assert "hold each under a name of its own" in err.value.hint
    followed = C.calls_layers_held_by_name
    assert followed(w) == C.loops_over_a_list_of_layers(w)
    g = srcdiff.grad(followed, mode=mode)(w)
    assert_close(g, fd_grad(followed, (w,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "func",
    [C.held_ufunc, C.held_user_function, C.held_object_s_method, C.holder_inner],
    ids=["ufunc", "user_function", "object_s_call", "inner_through_class"],
)
def test_a_function_or_object_a_held_object_holds(func, mode):
    """`model.act(x)` with `model.act = np.tanh` (or a function of yours) set on the
    instance, `model.inner(x)` of an object it holds: were refused ("no derivative rule
    for HOLDS.act"); the resolver reads the instance's own attribute, guarded."""
    g = srcdiff.grad(func, mode=mode)(X)
    assert_close(g, fd_grad(func, (X,), 0), 1e-7, 1e-9, "gradient")
    h = srcdiff.hessian(func)(X)
    assert_close(h, fd_jacobian(srcdiff.grad(func), (X,), 0), 1e-6, 1e-8, "hessian")


@pytest.mark.parametrize("mode", MODES)
def test_rebinding_the_held_function_makes_the_derivative_again(mode):
    g = srcdiff.grad(C.held_ufunc, mode=mode)
    assert_close(g(X), fd_grad(C.held_ufunc, (X,), 0), 1e-7, 1e-9, "tanh")
    C.HOLDS_TANH.act = np.sin
    try:
        assert_close(g(X), 2 * np.sin(X) * np.cos(X), 1e-12, 1e-14, "sin")
    finally:
        C.HOLDS_TANH.act = np.tanh
    assert_close(g(X), fd_grad(C.held_ufunc, (X,), 0), 1e-7, 1e-9, "tanh again")


@pytest.mark.parametrize("mode", MODES)
def test_self_act_in_a_method_names_it_and_the_hint_works(mode):
    """(was: "no derivative rule for the method .act() on a differentiated value", hint
    `TheClass.act(self, ...)`, though the class has no method act)"""
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.holder_method, mode=mode)(X)
    assert "which function self.act is: Holder defines no method 'act'" in str(err.value)
    assert "np.tanh(2.0 * x)" in err.value.hint
    assert "TheClass.__call__(self.act, 2.0 * x)" in err.value.hint
    followed = C.holder_by_name
    assert followed(X) == C.holder_method(X)
    g = srcdiff.grad(followed, mode=mode)(X)
    assert_close(g, fd_grad(followed, (X,), 0), 1e-7, 1e-9, "gradient")

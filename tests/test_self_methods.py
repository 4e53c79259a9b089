"""`self.method(x)` inside a method (compiler/self_methods.py): differentiated as the
class's function, `Owner.method(self, x)`, where no subclass defines the name again;
where one does, the call depends on the instance's class and stays refused, and a
subclass defined later makes the function be normalized again."""

import numpy as np
import pytest
import self_method_cases as C
from fdiff import assert_close, fd_grad, fd_jacobian

import srcdiff

X = np.array([0.3, -0.5, 1.1])
MODES = ("reverse", "forward")


@pytest.mark.parametrize("mode", MODES)
def test_methods_and_a_staticmethod_called_through_self(mode):
    got = srcdiff.grad(C.regressor_loss, mode=mode)(X)
    assert_close(got, fd_grad(C.regressor_loss, (X,), 0), 1e-7, 1e-9, "gradient")


def test_hessian_through_self_calls():
    h = srcdiff.hessian(C.regressor_loss)(X)
    assert_close(h, fd_jacobian(srcdiff.grad(C.regressor_loss), (X,), 0), 1e-6, 1e-8, "H")


@pytest.mark.parametrize("mode", MODES)
def test_bound_method_with_respect_to_self(mode):
    g = srcdiff.grad(C.REGRESSOR.loss, wrt="self", mode=mode)(X)
    w0 = C.REGRESSOR.w

    def loss_of_w(w):
        C.REGRESSOR.w = w
        try:
            return C.REGRESSOR.loss(X)
        finally:
            C.REGRESSOR.w = w0

    assert_close(g.w, fd_grad(loss_of_w, (w0,), 0), 1e-7, 1e-9, "d/dw")


def test_a_subclass_s_instance_inherits_the_method():
    plain = C.Plain(0.7)

    def plain_loss(x):
        return plain.loss(x)

    got = srcdiff.grad(plain_loss)(X)
    assert_close(got, fd_grad(plain_loss, (X,), 0), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("mode", MODES)
def test_a_method_a_subclass_overrides_is_refused_and_the_hint_works(mode):
    # Base.loss's self.predict is Overriding.predict for OVERRIDING: not Base.predict
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.overriding_loss, mode=mode)(X)
    assert "self.predict" in str(err.value)
    assert "(`Base.predict(self, x)` or `Overriding.predict(self, x)`)" in str(err.value)
    got = srcdiff.grad(C.overriding_loss_advice, mode=mode)(X)
    assert_close(got, fd_grad(C.overriding_loss, (X,), 0), 1e-7, 1e-9, "advice")


def test_a_subclass_defined_later_makes_it_normalized_again():
    g = srcdiff.grad(C.late_loss)
    assert_close(g(X), fd_grad(C.late_loss, (X,), 0), 1e-7, 1e-9, "before")
    later = C.define_override()
    saved = C.LATE
    C.LATE = later(0.9)  # its predict is cos: Base.loss's self.predict is no longer Base's
    try:
        with pytest.raises(srcdiff.NoRuleError):
            g(X)
    finally:
        C.LATE = saved
    assert_close(g(X), fd_grad(C.late_loss, (X,), 0), 1e-7, 1e-9, "a Late again")


@pytest.mark.parametrize("mode", MODES)
def test_a_method_an_instance_attribute_may_hide_is_not_the_class_s(mode):
    # SHADOWED.predict is np.tanh, not Shadowed.predict: not rewritten, so refused
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.shadowed_loss, mode=mode)(X)
    assert "assigns `self.predict`, which hides the method" in str(err.value)


W = np.array([0.4, -0.3])
XS = np.array([[0.3, -0.5], [1.1, 0.2], [-0.7, 0.9]])
YS = np.array([0.1, -0.2, 0.3])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_method_of_a_dataclass_built_in_the_function(mode, wrt):
    # model.loss(x, y) of `model = Affine(w, 0.1)`: Affine.loss(model, x, y), model whole
    args = (W, XS, YS)
    got = srcdiff.grad(C.built_dataclass_loss, wrt=wrt, mode=mode)(*args)
    assert_close(got, fd_grad(C.built_dataclass_loss, args, wrt), 1e-7, 1e-9, "gradient")


@pytest.mark.parametrize("mode", MODES)
def test_a_method_of_a_namedtuple_built_in_the_function(mode):
    args = (0.7, 0.4)
    got = srcdiff.grad(C.built_namedtuple_energy, wrt=(0, 1), mode=mode)(*args)
    want = [fd_grad(C.built_namedtuple_energy, args, i) for i in (0, 1)]
    assert_close(np.array(got), np.array(want), 1e-7, 1e-9, "gradient")


def test_hessian_through_a_built_record_s_method():
    h = srcdiff.hessian(C.built_dataclass_loss)(W, XS, YS)
    want = fd_jacobian(srcdiff.grad(C.built_dataclass_loss), (W, XS, YS), 0)
    assert_close(h, want, 1e-6, 1e-8, "H")


@pytest.mark.parametrize("mode", MODES)
def test_the_refusal_inside_a_helper_is_the_one_raised(mode):
    # the caller can't follow `out`; the cause is Base.loss's self.predict (helper_refusals.py)
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.overriding_scaled, wrt=(0, 1), mode=mode)(X, 0.5)
    assert "srcdiff cannot tell which function self.predict is" in str(err.value)
    assert "self_method_cases.py:" in str(err.value)


@pytest.mark.parametrize("mode", MODES)
def test_an_object_of_a_plain_class_built_from_differentiated_values_names_dataclass(mode):
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.built_plain_object_loss, mode=mode)(W, XS, YS)
    assert "make PlainAffine a @dataclass whose fields are its parameters" in str(err.value)
    # the advice followed: Affine is PlainAffine as a dataclass (its loss through predict)
    got = srcdiff.grad(C.built_dataclass_loss, mode=mode)(W, XS, YS)
    assert_close(got, fd_grad(C.built_dataclass_loss, (W, XS, YS), 0), 1e-7, 1e-9, "advice")


@pytest.mark.parametrize("mode", MODES)
def test_an_object_the_instance_holds_called_in_a_method_names_the_class_call(mode):
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(C.stacked_loss, mode=mode)(X)
    assert "TheClass.__call__(self.second, self.first(x))" in str(err.value)
    got = srcdiff.grad(C.stacked_loss_advice, mode=mode)(X)
    assert_close(got, fd_grad(C.stacked_loss, (X,), 0), 1e-7, 1e-9, "advice")

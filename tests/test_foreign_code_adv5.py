"""Code nobody on the team wrote (tests/foreign_cases_adv5.py): numpy-ml's activations and
losses, scipy.optimize's test functions, textbook finance and Newton iterations, and the
minimised programs an adversarial run found differentiated wrongly.  Every derivative is
compared with central finite differences in both modes; Hessians in all three modes with
finite differences of the forward-mode gradient; arguments must come back untouched."""

from __future__ import annotations

import copy

import fdiff
import foreign_cases_adv5 as F
import numpy as np
import pytest

import srcdiff
from srcdiff import cli
from srcdiff.api.usage import parameter_uses

R = np.random.default_rng(5)
X2 = np.array([0.5, -0.5])
X5 = R.uniform(-1, 1, 5)
ONEHOT = (R.uniform(size=(3, 4)) > 0.5).astype(float)
PROBS = R.uniform(0.1, 0.9, (3, 4))

# (function, arguments, the indices differentiated)
CASES = [
    (F.leaky_relu_masked, (X5,), (0,)),
    (F.gelu_tanh, (X5,), (0,)),
    (F.vae_loss, (ONEHOT, PROBS, R.normal(size=(3, 2)), R.normal(size=(3, 2))), (1, 2, 3)),
    (F.scaled_copy_then_changed, (X2,), (0,)),
    (F.plus_zero_then_changed, (X2,), (0,)),
    (F.transposed_then_changed, (X2,), (0,)),
    (F.changed_in_loop, (X2,), (0,)),
    (F.self_scaled_item, (X2,), (0,)),
    (F.view_of_scaled_then_changed, (X5,), (0,)),
    (F.reshaped_sum_then_changed, (X5,), (0,)),
    (F.reversed_scaled_then_changed, (X5,), (0,)),
    (F.negated_twice_then_changed, (X5,), (0,)),
    (F.negated_product_then_changed, (X5,), (0,)),
    (F.rosen_hess_prod, (X5, R.normal(size=5)), (0, 1)),
    (F.black_scholes, (100.0, 95.0, 0.5, 0.03, 0.2), (0, 1, 2, 3, 4)),
    (F.newton_kepler, (1.0, 0.3), (0, 1)),
    (
        F.gp_nll_unpacked,
        (np.array([0.1, 0.2, -1.0]), R.normal(size=(4, 2)), R.normal(size=4)),
        (0,),
    ),
    (F.tanh_rows, (X2,), (0,)),
    (F.tanh_rows, (R.normal(size=(2, 3)),), (0,)),
    (F.square_rows, (X2,), (0,)),
    (F.square_rows, (R.normal(size=(2, 3)),), (0,)),
    (F.sqrt_rows, (R.uniform(0.5, 2, (2, 2)),), (0,)),
]
HESSIAN_CASES = [c for c in CASES if len(c[1]) <= 2 or c[0] is F.gp_nll_unpacked]


def _id(case):
    return case[0].__name__


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_gradient_matches_finite_differences(case, mode):
    func, args, wrt = case
    before = copy.deepcopy(args)
    got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
    for k, i in enumerate(wrt):
        want = fdiff.fd_grad(func, args, i)
        fdiff.assert_close(got[k], want, 1e-6, 1e-6 * fdiff.scale_of(want), f"d/d{i}")
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)


HESSIAN_MODES = ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]


@pytest.mark.parametrize("mode", HESSIAN_MODES)
@pytest.mark.parametrize("case", HESSIAN_CASES, ids=_id)
def test_hessian_matches_finite_differences_of_the_gradient(case, mode):
    func, args, wrt = case
    i = wrt[0]
    got = srcdiff.hessian(func, wrt=i, mode=mode)(*args)

    def gradient(*a):
        return srcdiff.grad(func, wrt=i, mode="forward")(*a)

    want = fdiff.fd_jacobian(gradient, args, i)
    fdiff.assert_close(got, want, 1e-5, 1e-5 * fdiff.scale_of(want), "Hessian")


def test_a_tangent_simplified_to_another_is_copied_before_that_one_changes():
    """`v = 1.0 * w` then `w[1] = ...`: the tangent code copies dw for dv (it was `dv =
    dw`, so dw[1] = ... changed dv too: forward mode gave [1, -0.65] for [1, -1])."""
    x = np.array([0.5, -0.5])
    assert np.allclose(srcdiff.grad(F.scaled_copy_then_changed, mode="forward")(x), 2 * x)
    code = srcdiff.source(F.scaled_copy_then_changed, mode="forward", at=(x,))
    assert "dv = np.copy(dw)" in code


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_local_function_names_bound_in_a_branch_are_refused_with_advice_that_works(mode):
    with pytest.raises(srcdiff.NoRuleError) as err:
        srcdiff.grad(F.gelu_tanh_in_data_branch, mode=mode)(X5)
    assert "tanh is a variable of gelu_tanh_in_data_branch" in str(err.value)
    assert "call np.tanh(...) where you call tanh(...)" in err.value.hint
    assert "register_rule" not in err.value.hint
    advice, refused = F.gelu_tanh_in_data_branch_advice, F.gelu_tanh_in_data_branch
    assert advice(X5) == refused(X5)
    # followed (sqrt is called on a constant only: no derivative, so it may stay)
    got = srcdiff.grad(advice, mode=mode)(X5)
    fdiff.assert_close(got, fdiff.fd_grad(refused, (X5,), 0), 1e-7, 1e-9)
    # a flag's branch (approximate=True) is pruned first (compiler/static_branches.py):
    # the names are then bound at the top level, and the calls are np.tanh's
    got = srcdiff.grad(F.gelu_tanh_in_branch, mode=mode)(X5)
    fdiff.assert_close(got, fdiff.fd_grad(F.gelu_tanh_in_branch, (X5,), 0), 1e-7, 1e-9)


HMM_AT = (
    "log_pi=np.log([0.5, 0.5]), log_a=np.log([[0.9, 0.1], [0.2, 0.8]]), "
    "log_b=np.log([[0.7, 0.3], [0.4, 0.6]]), obs=[0, 1, 1]"
)


def test_a_library_functions_source_is_not_read_for_how_parameters_are_used():
    uses = parameter_uses(F.hmm_forward)
    assert uses["log_a"][0] == "array" and uses["log_pi"][0] == "array"
    assert uses["obs"] == ("count", "its items are an index")


@pytest.mark.parametrize("wrt", [[], ["--wrt", "log_a,log_b"]])
def test_check_takes_a_list_of_indices_in_at(wrt, capsys):
    target = F.__file__ + ":hmm_forward"
    assert cli.main(["check", target, "--at", HMM_AT, *wrt]) == 0
    out = capsys.readouterr().out
    assert "log_a[1, 1]" in out and "log_b[1, 1]" in out and "obs" not in out


def test_show_assumes_what_the_function_does_with_its_parameters(capsys):
    assert cli.main(["show", F.__file__ + ":hmm_forward", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "log_pi, log_a: array" in out and "obs: int (its items are an index)" in out


@pytest.mark.parametrize(
    "func",
    [F.view_of_scaled_then_changed, F.reshaped_sum_then_changed, F.reversed_scaled_then_changed],
)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_value_and_grad_of_a_view_of_a_new_array_is_the_functions_value(func, mode):
    value, _ = srcdiff.value_and_grad(func, mode=mode)(X5)
    assert value == pytest.approx(func(X5), rel=1e-14)

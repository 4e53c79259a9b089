"""A container built inside the function (a dict display, a local dict, a list of
dicts, a NamedTuple or dataclass call) passed whole to a helper: the helper's flat
view is called with the leaves (srcdiff/compiler/flatcalls.py, held.py).  Values and
gradients in both modes against central differences, Hessians, the generated code,
and what stays refused."""

import subprocess
import sys

import flatcall_cases as C
import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.build import command as build

R = np.random.default_rng(20261203)
W, X = R.normal(size=(3, 2)), R.normal(size=(4, 3))
W1, B1, W2, B2 = R.normal(size=(3, 3)), R.normal(size=3), R.normal(size=(3, 2)), R.normal(size=2)

CASES = [
    (C.f_rec, (W, 0.3, X), (0, 1)),
    (C.f_rec_pos, (W, 0.3, X), (0, 1)),
    (C.f_dc, (W, R.normal(size=2), X), (0, 1)),
    (C.f_nested, (W1, B1, W2, B2, X), (0, 1, 2, 3)),
    (C.f_nested_display, (W1, B1, W2, B2, X), (0, 1, 2, 3, 4)),
    (C.dict_saxpy, (2.0, 3.0, 4.0), (0, 1, 2)),
    (C.f_loop, (2.0, 3.0), (0, 1)),
    (C.f_keywords, (0.7, 1.3), (0, 1)),
    (C.simulate, (0.5, 0.2, 1.3), (0, 1, 2)),
    (C.simulate_nt, (0.5, 0.2, 1.3), (0, 1, 2)),
    (C.unpacked, (0.8,), (0,)),
    (C.uses_forward, (W, X), (0, 1)),
    (C.counted, (0.7, 1.1), (0, 1)),
    (C.result_for_its_value, (1.5, W, X), (0,)),
    (C.chain, (R.normal(size=3), R.normal(size=3)), (0, 1)),
    (C.branchy, (R.normal(size=3),), (0,)),
    (C.swapping, (1.5, 0.7), (0, 1)),
    (C.rebind_self, (1.5, 0.7), (0, 1)),
    (C.while_helper, (0.9,), (0,)),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(("func", "args", "wrt"), CASES, ids=[c[0].__name__ for c in CASES])
def test_containers_passed_to_helpers_differentiate(func, args, wrt, mode):
    before = [np.copy(a) for a in args]
    value, grads = srcdiff.value_and_grad(func, wrt=wrt, mode=mode)(*args)
    assert_close(value, func(*args), 1e-12)
    for k, g in zip(wrt, grads):
        assert np.shape(g) == np.shape(args[k])
        assert_close(g, fd_grad(func, args, k), 1e-6, 1e-8)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)


def test_the_helper_takes_the_leaves_as_parameters():
    text = srcdiff.source(C.dict_saxpy, wrt=(0, 1, 2), at=(2.0, 3.0, 4.0))
    assert "saxpy_fwd(_stack, d_a=a, d_x=x, d_y=y)" in text
    assert "{" not in text.split('"""')[2].split("# line")[0]  # no dict built
    assert text == srcdiff.source(C.dict_saxpy, wrt=(0, 1, 2), at=(2.0, 3.0, 4.0))
    assert srcdiff.grad(C.dict_saxpy, wrt=(0, 1, 2))(2.0, 3.0, 4.0) == (3.0, 2.0, 1.0)


def test_hessians_through_a_display():
    v = np.array([2.0, 3.0, 4.0])
    h = srcdiff.hessian(C.hess_saxpy)(v)
    # (v0 v1) * v1 + v2 v0: d2/dv0dv1 = 2 v1, d2/dv1^2 = 2 v0, d2/dv0dv2 = 1
    a, b, _ = v
    np.testing.assert_allclose(h, [[0, 2 * b, 1], [2 * b, 2 * a, 0], [1, 0, 0]])


def test_a_helper_rebound_gets_a_new_derivative():
    g = srcdiff.grad(C.rebound)
    assert g(3.0) == 6.0
    old = C.picked
    try:
        C.picked = C.cubed
        assert g(3.0) == 27.0
        assert srcdiff.grad(C.rebound)(2.0) == 12.0
    finally:
        C.picked = old
    assert g(3.0) == 6.0


def test_a_helper_that_stores_into_the_container_is_refused():
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="container of parameters"):
        srcdiff.grad(C.f_mut)(2.0)


def test_a_default_that_is_no_constant_leaves_the_display_refused():
    with pytest.raises(srcdiff.SrcDiffError, match="dict"):
        srcdiff.grad(C.f_opts)(2.0)


def test_a_display_given_to_a_library_function_is_refused():
    with pytest.raises(srcdiff.SrcDiffError):
        srcdiff.grad(C.f_library)(2.0)


def test_a_call_run_for_its_value_only_is_the_users_call():
    text = srcdiff.source(C.f_inactive, at=(2.0, 3.0))
    assert "dx = saxpy({'a': c, 'x': c, 'y': 1.0})" in text
    assert "_flat" not in text
    assert srcdiff.grad(C.f_inactive)(2.0, 3.0) == 10.0  # c * c + 1


MODEL = """\
import numpy as np


def saxpy(d):
    return d["a"] * d["x"] + d["y"]


def loss(a, x, y):
    d = {"a": a, "x": x, "y": y}
    return saxpy(d) * saxpy({"a": 2.0, "x": y, "y": 1.0})
"""


def test_built_modules_call_the_leaves_and_run_without_srcdiff(tmp_path, monkeypatch, capsys):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "model.py").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    argv = ["build", "pkg/model.py:loss", "--wrt", "a,x,y", "-o", "pkg/model_grad.py"]
    assert build.main([*argv, "--emit-tests", "test_model_grad.py"]) == 0
    capsys.readouterr()
    text = (tmp_path / "pkg" / "model_grad.py").read_text()
    assert "saxpy_fwd(_stack, d_a=d_a, d_x=d_x, d_y=d_y)" in text and "_flat" not in text
    use = "from pkg.model_grad import loss_grad; print(loss_grad(2.0, 3.0, 4.0))"
    run = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); {use}"],
        capture_output=True,
        text=True,
        check=True,
    )
    # loss = (a x + y)(2 y + 1): (x (2y+1), a (2y+1), (2y+1) + 2 (a x + y))
    assert run.stdout.strip() == "(27.0, 18.0, 29.0)"
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_model_grad.py"],
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout


def test_a_state_returned_by_a_helper_in_a_loop_is_a_variable_per_key():
    text = srcdiff.source(C.simulate, wrt=(0, 1, 2), at=(0.5, 0.2, 1.3))
    assert "t1, t2 = step_fwd(_stack, s_x=state_x, s_v=state_v, k=k, dt=0.1)" in text
    assert "{" not in text.split("# backward sweep")[0].split('"""')[2]


def test_a_result_needed_for_its_value_only_calls_the_users_helper():
    text = srcdiff.source(C.result_for_its_value, at=(1.5, W, X))
    assert "result = forward_pass(w, data)" in text
    assert "(result['h'], result['out'])" in text and "_flat" not in text


def test_hessians_through_a_helper_returning_a_dict():
    v = np.array([0.5, 0.2, 1.3])
    h = srcdiff.hessian(C.simulate_vec)(v)
    grad = srcdiff.grad(C.simulate_vec)
    numeric = np.array([(grad(v + e) - grad(v - e)) / 2e-6 for e in np.eye(3) * 1e-6])
    np.testing.assert_allclose(h, numeric, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-12)


def test_a_list_of_dicts_iterated_in_the_function_is_refused_with_a_hint_that_works():
    x, s = np.array([0.3, 0.4]), 0.5
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="passed whole to a function"):
        srcdiff.grad(C.dicts_iterated_here, wrt=(0, 1))(x, s)
    for mode in ("reverse", "forward"):
        dx, ds = srcdiff.grad(C.dicts_passed_to_a_helper, wrt=(0, 1), mode=mode)(x, s)
        assert_close(dx, fd_grad(C.dicts_passed_to_a_helper, (x, s), 0), 1e-6, 1e-8)
        assert_close(ds, fd_grad(C.dicts_passed_to_a_helper, (x, s), 1), 1e-6, 1e-8)

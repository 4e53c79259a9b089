"""Containers of parameters (pytrees): the flat view (compiler/trees.py), the API's
flattening (api/pytrees.py), tree_flatten & co. (runtime/trees.py), in every API, the CLI
and its errors.  The table of functions in this style is tests/test_pylang_table.py."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import tree_fixtures as F
from fdiff import fd_grad

import srcdiff
from srcdiff.runtime.trees import is_node

R = np.random.default_rng(7)
W, X = R.uniform(-1, 1, 3), R.uniform(-1, 1, 3)
PARAMS = {"w": W, "b": 0.3}


def test_tree_flatten_and_unflatten_round_trip():
    tree = {"a": [np.ones(2), (1.0, "s")], "b": F.Point(1.0, 2.0), "c": F.Config(0.5, 3, "n")}
    leaves, treedef = srcdiff.tree_flatten(tree)
    assert leaves[1:] == [1.0, "s", 1.0, 2.0, 0.5, 3, "n"]
    back = srcdiff.tree_unflatten(treedef, leaves)
    assert type(back["b"]) is F.Point and back["b"] == F.Point(1.0, 2.0)
    assert type(back["c"]) is F.Config and back["c"] == F.Config(0.5, 3, "n")
    assert back["a"][1] == (1.0, "s") and type(back["a"][1]) is tuple
    doubled = srcdiff.tree_map(lambda v: v * 2 if isinstance(v, float) else v, tree)
    assert doubled["b"] == F.Point(2.0, 4.0)
    assert "dict{'a'" in repr(treedef)


def test_a_list_of_numbers_is_one_leaf_and_a_list_of_arrays_a_container():
    assert not is_node([1.0, 2.0]) and is_node([np.ones(2)]) and is_node(F.Point(1.0, 2.0))
    assert not is_node(np.ones(3)) and not is_node(1.5) and not is_node("s")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_gradient_has_the_arguments_structure(mode):
    g = srcdiff.grad(F.loss, mode=mode)(PARAMS, X)
    assert list(g) == ["w", "b"] and isinstance(g["b"], float)
    flat = lambda w, b: F.loss({"w": w, "b": b}, X)  # noqa: E731
    np.testing.assert_allclose(g["w"], fd_grad(flat, (W, 0.3), 0), rtol=1e-6)
    assert g["b"] == pytest.approx(fd_grad(flat, (W, 0.3), 1), rel=1e-6)


def test_leaves_that_carry_no_derivative_get_none():
    g = srcdiff.grad(F.uses_config, wrt=(0, 1))(F.Config(0.5, 3, "n"), F.Point(0.2, 0.7))
    cfg, p = g
    assert type(cfg) is F.Config and cfg.steps is None and cfg.name is None
    assert cfg.scale == pytest.approx(3 * (0.2**2 + 0.7))
    assert p == (pytest.approx(3 * 0.5 * 2 * 0.2), pytest.approx(3 * 0.5))
    with pytest.raises(srcdiff.ArgumentError, match="nothing given for it has float leaves"):
        srcdiff.grad(F.uses_config)(F.Config(1, 3, "n"), F.Point(0.2, 0.7))


def test_value_and_grad_and_has_aux_with_containers():
    value, g = srcdiff.value_and_grad(F.loss)(PARAMS, X)
    assert value == F.loss(PARAMS, X) and set(g) == {"w", "b"}
    (value, aux), g2 = srcdiff.value_and_grad(lambda_free_aux, has_aux=True)(PARAMS, X)
    assert value == pytest.approx(F.loss(PARAMS, X)) and aux == pytest.approx(2 * value)
    np.testing.assert_allclose(g2["w"], g["w"])


def lambda_free_aux(params, x):
    out = F.loss(params, x)
    return out, 2 * out


def test_jvp_and_vjp_with_containers():
    tangent = {"w": np.ones(3), "b": 0.5}
    value, t = srcdiff.jvp(F.loss, (PARAMS, X), (tangent, None))
    g = srcdiff.grad(F.loss)(PARAMS, X)
    assert value == pytest.approx(F.loss(PARAMS, X))
    assert t == pytest.approx(np.sum(g["w"]) + 0.5 * g["b"])
    out, pullback = srcdiff.vjp(F.outputs, PARAMS, X)
    ct = R.uniform(-1, 1, 3)
    dparams, dx = pullback(ct)
    np.testing.assert_allclose(dparams["w"], ct * np.cos(W * X) * X)
    assert dparams["b"] == pytest.approx(np.sum(ct))
    np.testing.assert_allclose(dx, ct * np.cos(W * X) * W)


def test_jacobian_blocks_and_the_hessian_of_a_container():
    jac = srcdiff.jacobian(F.outputs)(PARAMS, X)
    np.testing.assert_allclose(jac["w"], np.diag(np.cos(W * X) * X))
    np.testing.assert_allclose(jac["b"], np.ones(3))
    H = srcdiff.hessian(F.loss)(PARAMS, X)
    assert set(H) == {"w", "b"} and set(H["w"]) == {"w", "b"}
    assert H["w"]["w"].shape == (3, 3) and H["w"]["b"].shape == (3,)
    assert isinstance(H["b"]["b"], float)
    g = srcdiff.grad(F.loss)
    h = 1e-5
    col = (g({"w": W, "b": 0.3 + h}, X)["w"] - g({"w": W, "b": 0.3 - h}, X)["w"]) / (2 * h)
    np.testing.assert_allclose(H["w"]["b"], col, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(H["b"]["w"], H["w"]["b"], rtol=1e-10)  # symmetric


def test_hvp_with_respect_to_a_container_is_the_hessian_times_v():
    """(hvp of a container was an ArgumentError whose hint said to pass floats; hessian
    and jvp took containers)"""
    v = {"w": np.array([1.0, -0.5, 2.0]), "b": 0.7}
    got = srcdiff.hvp(F.loss, (PARAMS, X), v)
    H = srcdiff.hessian(F.loss)(PARAMS, X)
    for i in ("w", "b"):
        want = H[i]["w"] @ v["w"] + np.asarray(H[i]["b"]) * v["b"]
        np.testing.assert_allclose(got[i], want, rtol=1e-10, atol=1e-12)
    # with respect to an argument beside a container: the flat view's own hvp
    np.testing.assert_allclose(
        srcdiff.hvp(F.loss, (PARAMS, X), np.ones(3), wrt=1),
        srcdiff.hessian(F.loss, wrt=1)(PARAMS, X) @ np.ones(3),
        rtol=1e-10,
    )
    with pytest.raises(srcdiff.ArgumentError, match="structure"):
        srcdiff.hvp(F.loss, (PARAMS, X), {"w": np.ones(3)})


def test_a_registered_container_type():
    srcdiff.register_pytree_node(
        F.Pair,
        lambda p: ((p.first, p.second), None),
        lambda aux, children: F.Pair(*children),
        names=lambda aux: ("first", "second"),
    )
    for mode in ("reverse", "forward"):
        g = srcdiff.grad(F.uses_pair, mode=mode)(F.Pair(W, 1.5), X)
        assert type(g) is F.Pair
        np.testing.assert_allclose(g.first, X * 1.5)
        assert g.second == pytest.approx(np.sum(W * X))
    srcdiff.register_pytree_node(F.Duo, lambda d: (d.items, None), lambda aux, c: F.Duo(*c))
    for mode in ("reverse", "forward"):
        g = srcdiff.grad(F.uses_duo, mode=mode)(F.Duo(W, 1.5), X)
        assert type(g) is F.Duo
        np.testing.assert_allclose(g[0], X * 1.5)
        assert g[1] == pytest.approx(np.sum(W * X))


def test_check_grad_labels_rows_by_how_leaves_are_read():
    report = srcdiff.check_grad(F.two_layer, NESTED, X)
    labels = [r.parameter for r in report.rows]
    assert 'params["layer1"]["w"][0, 0]' in labels and 'params["layer2"]["w"][2]' in labels
    report = srcdiff.check_grad(F.uses_config, F.Config(0.5, 3, "n"), F.Point(0.2, 0.7), wrt=1)
    assert [r.parameter for r in report.rows] == ["p.x", "p.y"]


NESTED = {"layer1": {"w": R.uniform(-1, 1, (3, 3)), "b": R.uniform(-1, 1, 3)}, "layer2": {"w": W}}


def test_generated_code_reads_the_leaves_and_builds_the_gradient():
    code = srcdiff.source(F.two_layer, at=(NESTED, X))
    head = "def two_layer_grad_leaves(params_layer1_w, params_layer1_b, params_layer2_w, x):"
    assert head in code
    wrapper = code.split("def two_layer_grad(params, x):\n")[1]
    assert wrapper.splitlines()[1:] == [
        "    dparams_layer1_w, dparams_layer1_b, dparams_layer2_w = two_layer_grad_leaves(",
        '        params["layer1"]["w"], params["layer1"]["b"], params["layer2"]["w"], x',
        "    )",
        "    dparams = {",
        '        "layer1": {"w": dparams_layer1_w, "b": dparams_layer1_b}, '
        '"layer2": {"w": dparams_layer2_w}',
        "    }",
        "    return dparams",
    ]
    assert code == srcdiff.source(F.two_layer, at=(NESTED, X))  # deterministic
    scope = dict(vars(F))
    exec(compile(code, "<shown>", "exec"), scope)  # runnable as printed
    got = scope["two_layer_grad"](NESTED, X)
    want = srcdiff.grad(F.two_layer)(NESTED, X)
    for layer, key in [("layer1", "w"), ("layer1", "b"), ("layer2", "w")]:
        np.testing.assert_allclose(got[layer][key], want[layer][key], rtol=1e-14)


@pytest.mark.parametrize("output", ["grad", "value_and_grad"])
def test_shown_code_for_a_container_of_one_leaf_runs_as_printed(output):
    """(the wrapper unpacked `dp_w, = ...` where the leaves function returns one gradient
    bare: a TypeError when the shown or built code ran)"""
    code = srcdiff.source(F.one_leaf, at=({"w": 0.5}, 3.0), output=output)
    scope = dict(vars(F))
    exec(compile(code, "<shown>", "exec"), scope)
    got = scope[f"one_leaf_{output}"]({"w": 0.5}, 3.0)
    if output == "value_and_grad":
        value, got = got
        assert value == pytest.approx(4.5)
    assert got == {"w": pytest.approx(9.0)}


@pytest.mark.parametrize(
    "func, args, what, hint",
    [
        (F.dynamic_key, ({"a": 1.0}, ["a"]), "must be a constant", ".items()"),
        (F.stores_into, ({"w": 1.0}, 2.0), "assign to params['w']", "local variable"),
        (F.returns_container, ({"w": 1.0},), "a container of parameters (dict", "constant keys"),
        (F.missing_key, ({"w": 1.0},), "has no ['nope']", "keys the argument has"),
        (F.method_on_container, ({"w": 1.0},), "call params.setdefault()", "constant keys"),
        (F.nested_def_rebinds, ({"w": 1.0}, 2.0), "binds the name params", "at module level"),
        (
            F.local_function_given_container,
            ({"w": 1.0, "b": 0.5}, 2.0),
            "to lin, a function defined in this one",
            "define lin at module level",
        ),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_what_a_container_cannot_be_used_for_is_refused_where_it_is(func, args, what, hint):
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.grad(func)(*args)
    msg = str(info.value)
    assert what in msg and hint in msg and "tree_fixtures.py:" in msg and "^" in msg


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_nested_def_reads_the_leaves_of_a_container(mode):
    """(a def in the function reading params["w"] was refused; the closure now reads the
    leaf, as autograd's rnn and lstm examples need)"""
    dparams, dx = srcdiff.grad(F.nested_def_reads, wrt=(0, 1), mode=mode)({"w": 1.5}, 2.0)
    assert dparams == {"w": pytest.approx(2.0)} and dx == pytest.approx(1.5)


def test_the_hint_for_a_local_function_given_a_container_works():
    """(the hint said "pass it to a function of yours", which the user had done: lin was a
    nested def; moved to module level as it now says, the gradient is right)"""
    params = {"w": 0.7, "b": -0.3}
    got = srcdiff.grad(F.module_function_given_container)(params, 1.5)
    for key in params:

        def along(v, key=key):
            return F.module_function_given_container({**params, key: v}, 1.5)

        assert got[key] == pytest.approx(fd_grad(along, (params[key],), 0), rel=1e-7)


_STATE = F.State(np.array([0.3, -0.2, 0.5]), 0.4)
_DICT_STATE = {"pos": np.array([0.3, -0.2, 0.5]), "vel": 0.4}


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(
    "func, state",
    [
        (F.state_from_argument, _STATE),
        (F.dict_state_from_argument, _DICT_STATE),
        (F.state_rebuilt_in_a_branch, _STATE),
        (F.pair_from_argument, (np.array([0.5, -1.0]), np.array([0.2, 0.7]))),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_a_container_argument_named_again_and_reassigned(func, state, mode):
    """`s = s0`, then `s = step(s, k)` in a loop (was refused: "it is assigned elsewhere
    too"): s starts as the container written out from s0's leaves, a local container."""
    g_state, g_k = srcdiff.grad(func, wrt=(0, 1), mode=mode)(state, 1.3)
    assert type(g_state) is type(state)
    keys = state.keys() if isinstance(state, dict) else range(len(state))
    for key in keys:
        leaf = state[key]

        def along(v, key=key):
            if isinstance(state, dict):
                return func({**state, key: v}, 1.3)
            items = list(state)
            items[key] = v
            return func(type(state)(*items) if hasattr(state, "_fields") else tuple(items), 1.3)

        assert_allclose_like(g_state[key], fd_grad(along, (leaf,), 0))
    assert g_k == pytest.approx(fd_grad(lambda k: func(state, k), (1.3,), 0), rel=1e-6)


def assert_allclose_like(got, want):
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-6, atol=1e-9)


def test_a_dataclass_argument_named_again_stays_refused_with_a_hint():
    cfg = F.Config(1.5, 3, "run")
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="read the leaves you need"):
        srcdiff.grad(F.config_named_again, wrt=1)(cfg, F.Point(0.5, 2.0))


def test_the_callers_containers_are_not_changed():
    params = {"w": W.copy(), "b": 0.3}
    srcdiff.grad(F.loss)(params, X)
    srcdiff.hessian(F.loss)(params, X)
    np.testing.assert_array_equal(params["w"], W) and params["b"] == 0.3


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "srcdiff", *args], capture_output=True, text=True, cwd="tests"
    )


def test_the_command_line_takes_containers_in_at():
    at = "params={'w': [1.0, 2.0], 'b': 0.5}, x=[0.3, 0.4]"
    shown = _cli("show", "tree_fixtures.py:loss", "--at", at)
    assert shown.returncode == 0, shown.stderr
    assert 'dparams = {"w": dparams_w, "b": dparams_b}' in shown.stdout
    checked = _cli("check", "tree_fixtures.py:loss", "--at", at)
    assert checked.returncode == 0, checked.stderr
    assert 'params["w"][1]' in checked.stdout and "OK" in checked.stdout


CALL_BUILT = (
    "import sys; sys.path.insert(0, '.'); import m_grad; print(m_grad.f_grad({'w': 1.0}, 2.0))"
)


def test_srcdiff_build_builds_containers(tmp_path):
    """(tests/test_build_containers.py has the rest: emitted tests, structure checks)"""
    (tmp_path / "m.py").write_text("def f(p, x):\n    return p['w'] * x\n")
    out = subprocess.run(
        [sys.executable, "-m", "srcdiff", "build", "m.py:f", "--at", "p={'w': 1.0}, x=2.0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    run = subprocess.run(
        [sys.executable, "-I", "-c", CALL_BUILT],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.stdout.strip() == "{'w': 2.0}", run.stderr


def test_a_derivative_of_a_function_of_containers_pickles():
    import pickle

    g = pickle.loads(pickle.dumps(srcdiff.grad(F.loss)))
    want = srcdiff.grad(F.loss)(PARAMS, X)
    got = g(PARAMS, X)
    np.testing.assert_allclose(got["w"], want["w"]) and got["b"] == want["b"]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_recursive_helper_passed_a_container(mode):
    params = {"w": 0.5, "b": 0.1}
    g = srcdiff.grad(F.recursive, wrt=(0, 1), mode=mode)(params, 0.3, 3)
    report = srcdiff.check_grad(F.recursive, params, 0.3, 3, wrt=(0, 1))
    by_row = {r.parameter: r.analytic for r in report.rows}
    assert float(g[0]["w"]) == pytest.approx(by_row['params["w"]'], rel=1e-12)
    assert float(g[1]) == pytest.approx(by_row["x"], rel=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_get_with_a_constant_key_reads_the_leaf_or_the_default(mode):
    full = {"w": W, "scale": 0.5, "bias": 0.25}
    g = srcdiff.grad(F.with_get, mode=mode)(full, X)
    np.testing.assert_allclose(g["w"], 0.5 * X)
    np.testing.assert_allclose(g["scale"], np.sum(W * X))
    assert g["bias"] == 1.0
    g = srcdiff.grad(F.with_get, mode=mode)({"w": W}, X)  # scale 2.0, no bias
    assert list(g) == ["w"]
    np.testing.assert_allclose(g["w"], 2.0 * X)
    np.testing.assert_allclose(g["w"], fd_grad(lambda w: F.with_get({"w": w}, X), (W,), 0))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_dict_comprehensions_over_a_container_are_unrolled(mode):
    params = {"w": W, "b": 0.3, "skip": 5.0}
    g = srcdiff.grad(F.scaled_by_comprehension, mode=mode)(params, X)
    np.testing.assert_allclose(g["w"], 2.0 * X)
    np.testing.assert_allclose(g["b"], 8.0 * 0.3)
    assert g["skip"] == 0.0
    J = srcdiff.jacobian(F.squares_by_comprehension, mode=mode)({"w": W, "b": 0.3})
    np.testing.assert_allclose(J["w"]["w"], np.diag(2 * W))
    np.testing.assert_allclose(J["b"]["b"], 0.6)
    assert np.all(J["w"]["b"] == 0.0)


@pytest.mark.parametrize("wrt", ["params", "x"])
def test_a_complex_leaf_is_refused_by_its_path(wrt):
    # (the error named the flat parameter params_b, not params["b"])
    params = {"w": np.ones(3), "b": np.ones(3) * 1j}
    with pytest.raises(srcdiff.ArgumentError, match=r"params\[\"b\"\] \(complex128\)"):
        srcdiff.grad(F.loss, wrt=wrt)(params, np.ones(3))
    params["b"] = params["b"].real  # the hint: the real part as its own leaf
    dx = srcdiff.grad(F.loss, wrt="x")(params, np.ones(3))
    np.testing.assert_allclose(dx, fd_grad(lambda x: F.loss(params, x), (np.ones(3),), 0))

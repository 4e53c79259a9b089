"""An adversary's table for containers of parameters (tests/adv_pytree_cases.py): each
function differentiated in both modes and checked leaf by leaf against central finite
differences with test_pylang_table's oracle (its own walk of the containers, structure
and None for leaves without a derivative, arguments untouched); the refusals checked for
their position, caret and hint; jvp/vjp/jacobian/hessian/check_grad, pickling and two
structures through one derivative."""

from __future__ import annotations

import copy
import pickle

import adv_pytree_cases as A
import numpy as np
import pytest
import test_pylang_table as O

import srcdiff

R = np.random.default_rng(3)


def u(*s):
    return R.uniform(-1, 1, s) if s else float(R.uniform(-1, 1))


X3 = u(3)
C = O.Case

CASES = [
    C(
        A.nested_mix,
        ({"a": {"b": [u(3), A.Inner(0.4, u(2))]}, "c": A.Inner(0.2, u(2)), "d": (0.7, "s")}, X3),
    ),
    C(A.int_leaves, ({"w": 0.5, "k": 3, "flag": True, "idx": np.arange(3)}, 0.7)),
    C(A.int_array_leaf, ({"w": u(5), "idx": np.array([0, 2, 4])}, X3)),
    C(A.none_leaf, ({"w": 0.5, "none": None}, 0.7)),
    C(A.empty_cont, ({"w": u(3), "e": {"z": "s"}, "l": [1, 2]}, X3)),
    C(A.recursive, ({"w": u(3), "b": 0.3}, X3)),
    C(A.helper_chain, ({"w": u(3), "b": 0.3}, X3)),
    C(A.helper_sub, ({"l1": {"w": u(3), "b": 0.3}, "l2": {"w": u(3), "b": u(3)}}, X3)),
    C(A.items_nested, ({"a": {"x": u(3), "y": 0.5}, "b": {"z": u(3)}}, X3)),
    C(A.loop_branch_read, ({"a": 0.4, "b": [0.1, 0.2]}, 0.9)),
    C(A.comp_dict_values, ({"a": u(3), "skip": u(3), "c": 0.2}, X3)),
    C(A.comp_nested, ([[u(3), u(3)], [u(3)]], X3)),
    C(A.uses_varargs, ({"a": 0.3, "w": u(3), "b": 0.4}, X3)),
    C(A.aux_cont, ({"w": u(3), "b": 0.3}, X3), has_aux=True),
    C(A.f32_leaf, ({"w": u(3).astype(np.float32), "b": np.float32(0.3)}, X3)),
    C(A.tuple_of_lists, (([u(3), 0.3], (1.0, 0.5)), X3)),
    C(A.tuple_of_lists, (([u(3), 0.3], [u(2), 0.5]), X3)),
    C(A.list_floats_in_dict, ({"c": [0.2, 0.3]}, 0.7)),
    C(A.dataclass_nested, (A.D(0.5, u(3)), X3)),
    C(A.dataclass_nested, (A.D(0.5, u(3), 3, "y"), X3)),
    C(A.nt_nested, (A.P(A.Inner(0.3, u(3)), 0.2), X3)),
    C(A.modify_local, ({"w": u(3)}, X3)),
    C(A.rebind_arg, ({"w": u(3)}, X3)),
    C(A.scalar_keys, ({0: 0.3, 1: 0.5}, 0.7)),
    C(A.bool_keyed, ({True: u(3), False: 0.5}, X3)),
    C(A.tuple_keyed, ({("a", 1): 0.5}, 0.7)),
    C(A.while_loop, ({"w": [0.1, 0.2, 0.3]}, 0.7)),
    C(A.while_loop, ({"w": u(3)}, 0.7)),
    C(A.zip_items, ({"a": u(3), "b": 0.2}, {"c": u(3), "d": u(3)}, X3), wrt=(0, 1)),
    C(A.enumerate_dict, ({"a": 0.3, "b": 0.2}, 0.7)),
    C(A.reversed_list, ([u(3), 0.4, u(3)], X3)),
    C(A.slice_list, ([u(3), u(3), 0.3], X3)),
    C(A.max_of_tree, ({"a": u(3), "b": u(3)}, X3)),
    C(A.np_array_of_leaves, ({"a": 0.3, "b": 0.5}, u(2))),
    C(A.np_stack_values, ({"a": u(3), "b": u(3)}, X3)),
    C(A.sum_start, ([u(3), u(2)], 0.7)),
    C(A.key_int_dict, ({0: 0.3, 1: 0.5, 2: 0.1}, 0.7)),
    C(A.deep_nest, ({"a": {"b": {"c": {"d": {"e": 0.3}}}}}, 0.7)),
    C(A.list_append_from_params, ({"a": u(3), "b": u(3)}, X3)),
    C(A.isinst_list, ([u(3)], X3)),
    C(A.isinst_list, ({"w": u(3)}, X3)),
    C(A.sum_len_cmp, ({"l": [u(3), u(3)]}, X3)),
    C(A.leaf_is_scalar_array, ({"a": np.array(0.3), "z": u(2)}, 0.7)),
    C(A.in_check, ({"a": 0.3, "b": 0.2}, 0.7)),
    C(A.in_check, ({"a": 0.3}, 0.7)),
    C(A.np_float_leaf, ({"a": np.float64(0.3), "b": 0.2}, 0.7)),
    C(
        A.nested_mix,
        ({"a": {"b": [u(3), A.Inner(0.4, u(2))]}, "c": A.Inner(0.2, u(2)), "d": (0.7, "s")}, X3),
        wrt=1,
    ),
    C(A.zip_items, ({"a": u(3), "b": 0.2}, {"c": u(3), "d": u(3)}, X3), wrt=(0, 2)),
    C(A.Model(u(3), 0.3).loss, (X3,), wrt="self"),
    C(A.Model(u(3), 0.3).loss, (X3,), wrt=0),
    C(A.Model(u(3), 0.3).loss_p, ({"s": u(3), "t": 0.2}, X3), wrt=0),
    C(A.Model(u(3), 0.3).loss_p, ({"s": u(3), "t": 0.2}, X3), wrt=("self", 0)),
    C(A.part1, ({"w": u(3)}, 0.3, X3), wrt=0),
    C(A.part2, ({"w": u(3)}, 0.5), wrt=0),
    C(A.range_index, ([u(3), 0.5, u(3)], X3)),
    C(A.range_index_comp, ([u(3), 0.5, u(3)], X3)),
    C(A.range_index_prev, ((u(3), 0.5, u(3)), X3)),
    C(A.slice_unpack, ([u(3), u(3), u(2)], X3)),
    C(A.list_values_stack, ({"a": u(3), "b": u(3)}, X3)),
    C(A.tuple_items, ({"a": u(3), "b": 0.4}, X3)),
    C(A.isinst_nested, ({"a": {"w": 0.3}}, 0.7)),
    C(A.isinst_nested, ({"a": (0.3, "s")}, 0.7)),
    C(A.isinst_nested, ({"a": 0.3}, 0.7)),
    C(A.len_branch, ([u(3), u(3), u(3)], X3)),
    C(A.len_branch, ([u(3), u(3)], X3)),
    C(A.ifexp_struct, ({"a": 0.3, "b": 0.2}, 0.7)),
    C(A.ifexp_struct, ({"a": 0.3}, 0.7)),
    C(A.comp_if_key, ({"a": u(3), "skip": u(3), "c": 0.2}, X3)),
    C(A.reversed_slice, ([u(3), 0.4, u(3)], X3)),
    C(A.key_int_dict, ({0: 0.3, 1: 0.5, 2: 0.1}, 0.7)),
    C(A.tuple_keyed, ({("a", 1): 0.5}, 0.7)),
    C(A.slice_list, ([u(3), u(3), 0.3], X3)),
    C(A.np_stack_values, ({"a": u(3), "b": u(3)}, X3)),
    C(A.closure_reads, ({"w": 0.3}, 0.5)),  # a nested def reads the leaves (was refused)
    C(A.lambda_reads, ({"w": 0.3}, 0.5)),
    C(A.closure_loops_over_values, ({"a": u(3), "b": 0.4}, X3)),
    C(A.helper_of_module_called, ({"w": 0.3}, 0.5)),  # the shadowing refusals' hint
    C(A.reads_its_own_name, ([u(3), u(3)], 0.5)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_matches_finite_differences(case, mode):
    before = copy.deepcopy(case.args)
    got = srcdiff.grad(case.func, wrt=case.wrt, mode=mode, has_aux=case.has_aux)(*case.args)
    if case.has_aux:
        got, _ = got
    O.check_gradient(case, got)
    for a, b in zip(O.leaves_of(before), O.leaves_of(case.args)):
        np.testing.assert_array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))


REFUSED = [
    (A.dict_get, ({"w": 0.3}, 0.5), "p.pop", 'p.pop("w")'),
    (A.var_key, ({"w": 0.3}, 0.5, "w"), "must be a constant", "p[k]"),
    (A.store_into, ({"w": 0.3}, 0.5), "assign to p['w']", 'p["w"] ='),
    (A.closure_rebinds_name, ({"w": 0.3}, 0.5), "nested function g, which binds", "p):"),
    (A.lambda_rebinds_name, ({"w": 0.3}, 0.5), "inside a lambda, which binds", "p:"),
    (A.attr_of_dict, ({"w": 0.3}, 0.5), "as a value here", "p.w * x"),
    (A.comp_if_value, ({"a": u(3), "b": u(3)}, X3), "depends on values", "np.sum(v) > 0"),
    (A.slice_var, ([u(3), u(3)], X3, 1), "must be constants", "p[:n]"),
]


@pytest.mark.parametrize(
    "func, args, what, where", REFUSED, ids=lambda v: getattr(v, "__name__", "-")
)
def test_refusals_name_the_construct_with_a_caret(func, args, what, where):
    with pytest.raises(srcdiff.SrcDiffError) as info:
        srcdiff.grad(func, wrt=0)(*args)
    text = str(info.value)
    lines = text.splitlines()
    assert "adv_pytree_cases.py:" in lines[0] and what in lines[0]
    assert where in lines[1] and lines[2].strip() == "^"
    col = lines[2].index("^")
    assert lines[1][col:].startswith(where[0])
    assert lines[-1].startswith("hint: ")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_starred_unpacking_of_a_container_gives_its_items(mode):
    """`a, *rest = p` of a list of parameters: `rest` is a list of the other items (it
    was refused, with a hint to write `p[0], p[1:]`, which gives the same gradient)."""
    ws = [u(3), u(3), u(2)]
    got = srcdiff.grad(A.unpack_star, mode=mode)(ws, X3)
    followed = srcdiff.grad(A.slice_unpack, mode=mode)(ws, X3)  # first, rest = p[0], p[1:]
    assert type(got) is list and len(got) == 3
    for a, b in zip(got, followed):
        np.testing.assert_allclose(a, b, rtol=1e-14)
    np.testing.assert_allclose(got[0], X3)
    np.testing.assert_allclose(got[2], 2 * np.sum(ws[2]) * np.ones(2))
    tup = srcdiff.grad(A.unpack_star, mode=mode)(tuple(ws), X3)
    assert type(tup) is tuple and np.allclose(tup[1], got[1])


def test_the_comprehension_if_hint_works_when_followed():
    p = {"a": u(3), "b": u(3)}
    with pytest.raises(srcdiff.SrcDiffError, match="for loop over the container"):
        srcdiff.grad(A.comp_if_value, wrt=0)(p, X3)

    g = srcdiff.grad(A.loop_if_value, wrt=0)(p, X3)
    for k in p:
        want = X3 if np.sum(p[k]) > 0 else np.zeros(3)
        np.testing.assert_allclose(g[k], want)


def test_a_wrong_tangent_or_cotangent_shape_is_an_argument_error():
    p = {"w": u(3), "b": 0.3}
    with pytest.raises(srcdiff.ArgumentError, match=r"shape \(2,\) was given for an argument"):
        srcdiff.jvp(A.f32_leaf, (p, X3), ({"w": np.ones(2), "b": 1.0}, None))
    with pytest.raises(srcdiff.ArgumentError, match=r"shape \(2,\) was given for an output"):
        srcdiff.vjp(A.vec_out, p, X3)[1](np.ones(2))
    with pytest.raises(srcdiff.ArgumentError, match="shape"):
        srcdiff.jvp(lambda_free, (X3,), (np.ones(4),))
    value, t = srcdiff.jvp(A.f32_leaf, (p, X3), ({"w": 1.0, "b": 0.0}, None))  # broadcast
    assert t == pytest.approx(np.sum(X3))


def lambda_free(x):
    return np.sum(x**2)


def test_one_derivative_called_with_two_structures():
    g = srcdiff.grad(A.comp_nested)
    a = g([[u(3), u(3)], [u(3)]], X3)
    b = g([[u(3)], [u(3), u(3), u(3)]], X3)
    c = g(([u(3)],), X3)
    assert [len(layer) for layer in b] == [1, 3] and type(c) is tuple and type(c[0]) is list
    for layer in [*a, *b, *c]:
        for w in layer:
            np.testing.assert_allclose(w, X3)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_float32_leaves_keep_their_dtype(mode):
    p = {"w": u(3).astype(np.float32), "b": np.float32(0.3)}
    g = srcdiff.grad(A.f32_leaf, mode=mode)(p, X3.astype(np.float32))
    assert g["w"].dtype == np.float32 and np.asarray(g["b"]).dtype == np.float32
    np.testing.assert_allclose(g["w"], X3, rtol=1e-6)
    assert float(g["b"]) == 1.0


def test_jvp_vjp_jacobian_hessian_and_check_grad_of_mixed_containers():
    p = {"a": {"b": [u(3), A.Inner(0.4, u(2))]}, "c": A.Inner(0.2, u(2)), "d": (0.7, "s")}
    report = srcdiff.check_grad(A.nested_mix, p, X3)
    assert report.passed and len(report.rows) == 10
    H = srcdiff.hessian(A.nested_mix)(p, X3)
    assert H["d"][1] is None and H["d"][0]["d"][0] == pytest.approx(2.0)
    assert type(H["c"]) is A.Inner and H["c"].s["d"][0] == 0.0
    np.testing.assert_allclose(H["a"]["b"][1].s["c"].t, np.ones(2))
    q = {"w": u(3), "b": 0.3}
    jac = srcdiff.jacobian(A.vec_out, mode="forward")(q, X3)
    np.testing.assert_allclose(jac["w"], np.diag(np.cos(q["w"] * X3) * X3 * 0.3))
    np.testing.assert_allclose(jac["b"], np.sin(q["w"] * X3))
    tangent = {"w": np.ones(3), "b": 0.0}
    _, t = srcdiff.jvp(A.vec_out, (q, X3), (tangent, None))
    np.testing.assert_allclose(t, jac["w"] @ np.ones(3))
    ct = u(3)
    dq, dx = srcdiff.vjp(A.vec_out, q, X3)[1](ct)
    np.testing.assert_allclose(dq["w"], ct @ jac["w"])
    assert dq["b"] == pytest.approx(ct @ jac["b"])


def test_pickled_derivatives_of_container_functions():
    p = {"l1": {"w": u(3), "b": 0.3}, "l2": {"w": u(3), "b": u(3)}}
    g = srcdiff.grad(A.helper_sub)
    again = pickle.loads(pickle.dumps(g))(p, X3)
    np.testing.assert_allclose(again["l2"]["b"], g(p, X3)["l2"]["b"])
    m = A.Model(u(3), 0.3)
    gm = pickle.loads(pickle.dumps(srcdiff.grad(m.loss, wrt="self")))(X3)
    np.testing.assert_allclose(gm.w, srcdiff.grad(m.loss, wrt="self")(X3).w)
    gp = pickle.loads(pickle.dumps(srcdiff.grad(A.part2)))
    np.testing.assert_allclose(gp({"w": u(3)}, 0.5)["w"], 2.0 * np.array([0.3, -0.2, 0.5]))


def _fd_jacobian(f, args, i, j):
    """d result j / d argument i by central differences, shape out.shape + in.shape."""
    x = np.asarray(args[i], dtype=float)
    out = np.asarray(f(*args)[j])
    jac = np.zeros(out.shape + x.shape)
    for k in np.ndindex(x.shape):
        h = 1e-6
        cols = []
        for sign in (1, -1):
            xx = x.copy()
            xx[k] += sign * h
            a = list(args)
            a[i] = xx if x.ndim else float(xx)
            cols.append(np.asarray(f(*a)[j]))
        jac[(Ellipsis, *k)] = (cols[0] - cols[1]) / (2 * h)
    return jac


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
def test_jacobian_of_a_tuple_of_results_is_a_tuple_of_jacobians(mode):
    x, y = u(3), 0.7
    J = srcdiff.jacobian(A.two_results, wrt=(0, 1), mode=mode)(x, y)
    assert len(J) == 2 and all(len(row) == 2 for row in J)
    for j in range(2):
        for i in range(2):
            want = _fd_jacobian(A.two_results, (x, y), i, j)
            np.testing.assert_allclose(J[j][i], want, rtol=1e-6, atol=1e-8)
    single = srcdiff.jacobian(A.two_results, mode=mode)(x, y)
    np.testing.assert_allclose(single[0], J[0][0])
    np.testing.assert_allclose(single[1], J[1][0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_tuple_of_results_with_a_container_argument(mode):
    p, x = {"w": u(3), "b": 0.4}, u(3)
    J = srcdiff.jacobian(A.two_results_tree, mode=mode)(p, x)
    assert len(J) == 2 and set(J[0]) == {"w", "b"}

    def by_w(w, b):
        return A.two_results_tree({"w": w, "b": b}, x)

    for j in range(2):
        np.testing.assert_allclose(J[j]["w"], _fd_jacobian(by_w, (p["w"], 0.4), 0, j), atol=1e-8)
        np.testing.assert_allclose(J[j]["b"], _fd_jacobian(by_w, (p["w"], 0.4), 1, j), atol=1e-8)


def test_jacobian_of_a_tuple_with_a_non_numeric_result_is_refused():
    with pytest.raises(srcdiff.ArgumentError, match="one of its results is a str"):
        srcdiff.jacobian(A.result_and_label)(u(3))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_wrt_by_name_and_by_index_agree(mode):
    p, q = {"a": u(3), "b": 0.2}, {"c": u(3), "d": u(3)}
    by_index = srcdiff.grad(A.zip_items, wrt=(1, 2), mode=mode)(p, q, X3)
    by_name = srcdiff.grad(A.zip_items, wrt=("q", "x"), mode=mode)(p, q, X3)
    np.testing.assert_allclose(by_name[0]["d"], by_index[0]["d"])
    np.testing.assert_allclose(by_name[0]["c"], p["a"] * X3)
    np.testing.assert_allclose(by_name[1], p["a"] * q["c"] + 0.2 * q["d"])
    value, g = srcdiff.value_and_grad(A.zip_items, wrt="q", mode=mode)(p, q, X3)
    assert value == pytest.approx(A.zip_items(p, q, X3))
    np.testing.assert_allclose(g["d"], 0.2 * X3)


def test_pop_inside_an_expression_is_refused_with_a_hint_that_works():
    p = {"a": u(3), "b": u(3)}
    with pytest.raises(srcdiff.SrcDiffError, match=r"v = acc.pop\(\)") as info:
        srcdiff.grad(A.pop_in_expression)(p, X3)
    assert "acc.pop()" in str(info.value).splitlines()[1]
    g = srcdiff.grad(A.list_append_from_params)(p, X3)  # the hint followed: last = acc.pop()
    sa = np.sum(p["a"] * X3)  # after the pop acc == [sa]: f = sa * sa + sb
    np.testing.assert_allclose(g["a"], 2 * sa * X3)
    np.testing.assert_allclose(g["b"], X3)


def test_a_tuple_of_results_of_one_shape_stays_one_array_result():
    x = u(3)
    J = srcdiff.jacobian(A.same_shape_results)(x)
    assert isinstance(J, np.ndarray) and J.shape == (2, 3, 3)
    np.testing.assert_allclose(J[1], np.diag(np.cos(x)))

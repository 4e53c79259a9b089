"""Functions returning containers (compiler/results.py, api/pytrees.py): jacobian, jvp and
vjp keep the result's structure, leaf by leaf against central finite differences, in
both modes; grad and hessian refuse them with NonScalarOutputError; cotangents of the
wrong structure are ArgumentErrors naming the structure expected.

The oracle walks results itself (dicts, lists, tuples, NamedTuples and dataclasses are
all containers in a result, as in JAX) and reuses test_pylang_table's walk of the
arguments (a list of plain floats is one argument leaf there, as srcdiff takes it).
"""

from __future__ import annotations

import ast
import copy
import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest
import result_cases as RC
import test_pylang_table as O
from fdiff import fd_jacobian

import srcdiff
from srcdiff.runtime.trees import registered

R = np.random.default_rng(1203)


def u(*s):
    return R.uniform(-1, 1, s) if s else float(R.uniform(-1, 1))


X3 = u(3)


@dataclass
class Case:
    func: object
    args: tuple
    wrt: object = 0

    @property
    def id(self):
        return f"{self.func.__name__}-{self.wrt}"


CASES = [
    Case(RC.dict_of_two, (X3,)),
    Case(RC.dict_scalar_and_array, (X3, u(3)), (0, 1)),
    Case(RC.list_of_dicts, (X3,)),
    Case(RC.point, (X3,)),
    Case(RC.point_positional, (0.4, 0.7), (0, 1)),
    Case(RC.point_keywords_swapped, (0.4, 0.7), 1),
    Case(RC.stats_default, (X3,)),
    Case(RC.dataclass_out, (u(2, 3), X3), (0, 1)),
    Case(RC.nested_deep, (X3, 0.6), (0, 1)),
    Case(RC.with_constants, (X3,)),
    Case(RC.branches_same_keys, (X3, 0.5), (0, 1)),
    Case(RC.branches_same_keys, (X3, -0.5), (0, 1)),
    Case(RC.loop_then_dict, (X3, 3)),
    Case(RC.helper_inside, ({"w": u(2, 3), "b": u(2)}, X3), (0, 1)),
    Case(RC.params_to_dict, ({"w": u(3), "b": 0.3}, X3), (0, 1)),
    Case(RC.comprehension_leaf, (X3,)),
    Case(RC.dict_call, (X3,)),
    Case(RC.tuple_holding_dict, (X3,)),
    Case(RC.scalar_only, (0.4, 0.9), (0, 1)),
    Case(RC.namedtuple_arg, (RC.Point(0.3, u(3)), X3), (0, 1)),
    Case(RC.one_leaf, (X3,)),
    Case(RC.dataclass_of_dataclass_arg, (RC.Out(u(3), 0.4), X3), (0, 1)),
    Case(RC.list_of_arrays_arg, ([u(3), u(3)], X3), (0, 1)),
    Case(RC.while_loop_result, (X3,)),
    Case(RC.list_of_shapes, (X3, 0.7), (0, 1)),  # a list of several shapes: one per item
    # held in a variable, built up, updated in loops and branches (compiler/held.py)
    Case(RC.held_built_up, (X3, 0.7), (0, 1)),
    Case(RC.held_display_then_update, (X3, 0.7), (0, 1)),
    Case(RC.held_in_loop, (X3, 3)),
    Case(RC.held_branch, (X3, 0.5), (0, 1)),
    Case(RC.held_branch, (X3, -0.5), (0, 1)),
    Case(RC.held_namedtuple, (X3,)),
    Case(RC.held_dataclass, (X3, 0.7), (0, 1)),
    Case(RC.held_nested, (X3, 0.7), (0, 1)),
    Case(RC.held_with_params, ({"w": u(2, 3), "b": u(2)}, X3), (0, 1)),
    Case(RC.held_early_return, (X3, 1.0)),
    Case(RC.held_early_return, (X3, -1.0)),
    Case(RC.held_keys_written_out, (X3,)),
    # types given to register_pytree_node, also nested and held in a variable
    Case(RC.reg_pair, (X3, 0.7), (0, 1)),
    Case(RC.reg_nested, (X3,)),
    Case(RC.reg_reversed, (X3, 0.7), (0, 1)),
    Case(RC.reg_held, (X3, 0.7), (0, 1)),
]


# -- the oracle: results walked as JAX walks them ------------------------------------------
def _result_children(value):
    entry = registered(type(value))
    if entry is not None:  # (the test's registered types all name their children)
        children, aux = entry[0](value)
        return [(("field", n), c) for n, c in zip(entry[2](aux), children)]
    if isinstance(value, dict):
        return [(("key", k), v) for k, v in value.items()]
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return [(("field", f), getattr(value, f)) for f in type(value)._fields]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(("field", f.name), getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (list, tuple)):
        return [(("index", i), v) for i, v in enumerate(value)]
    return None


def result_leaves(value, path=()):
    kids = _result_children(value)
    if kids is None:
        yield path, value
        return
    for step, child in kids:
        yield from result_leaves(child, (*path, step))


def same_structure(got, want, path=()):
    kids = _result_children(want)
    if kids is None:
        return
    assert type(got) is type(want), f"at {path}: {type(got).__name__} not {type(want).__name__}"
    for step, child in kids:
        same_structure(O._get(got, [step]), child, (*path, step))


def computed(leaf):
    return not (leaf is None or isinstance(leaf, (str, bool)))


def _wrt(case):
    return list(case.wrt) if isinstance(case.wrt, tuple) else [case.wrt]


def _argument_leaves(case, i):
    return [(p, v) for p, v in O._leaves(case.args[i]) if O._carries(v)]


def _moved(case, i, path, leaf, h, direction):
    """The case's arguments with one argument leaf moved by h * direction."""
    x = np.array(leaf, dtype=float) + h * direction
    new = (
        type(leaf)(float(v) for v in x.ravel())
        if isinstance(leaf, (list, tuple))
        else x
        if isinstance(leaf, np.ndarray)
        else float(x)
    )
    args = list(case.args)
    args[i] = O._replace(case.args[i], path, new)
    return args


def fd_block(case, out_path, i, path, leaf):
    """d result leaf / d argument leaf by central differences: out.shape + in.shape."""
    x = np.array(leaf, dtype=float)
    out = np.asarray(O._get(case.func(*case.args), out_path), dtype=float)
    block = np.zeros(out.shape + x.shape)
    for k in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[k] = 1.0
        h = 1e-6 * max(1.0, abs(float(x[k])))
        plus = O._get(case.func(*_moved(case, i, path, leaf, h, e)), out_path)
        minus = O._get(case.func(*_moved(case, i, path, leaf, -h, e)), out_path)
        block[(Ellipsis, *k)] = (np.asarray(plus) - np.asarray(minus)) / (2 * h)
    return block


def _close(got, want, what):
    got = np.asarray(got, dtype=float)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, not {want.shape}"
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=what)


# -- the tests --------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_has_the_result_structure_outside_the_argument_structure(case, mode):
    before = copy.deepcopy(case.args)
    J = srcdiff.jacobian(case.func, wrt=case.wrt, mode=mode)(*case.args)
    value = case.func(*case.args)
    same_structure(J, value)
    several = isinstance(case.wrt, tuple)
    for out_path, out_leaf in result_leaves(value):
        per_arg = O._get(J, out_path)
        if not computed(out_leaf):
            assert per_arg is None, f"{out_path}: a constant leaf has no Jacobian"
            continue
        blocks = per_arg if several else (per_arg,)
        assert len(blocks) == len(_wrt(case))
        for block, i in zip(blocks, _wrt(case)):
            O._check_structure(block, case.args[i])
            for path, leaf in O._leaves(case.args[i]):
                got = O._get(block, path)
                if not O._carries(leaf):
                    assert got is None
                    continue
                want = fd_block(case, out_path, i, path, leaf)
                _close(got, want, f"{case.id} d{out_path}/d{i}{path} ({mode})")
    for a, b in zip(O.leaves_of(before), O.leaves_of(case.args)):
        np.testing.assert_array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))


def _tangents(case):
    """A random tangent per argument (None for those not in wrt), of its structure."""
    out = []
    for i, a in enumerate(case.args):
        if i not in _wrt(case):
            out.append(None)
            continue
        t = a
        for path, leaf in O._leaves(a):
            if O._carries(leaf):
                shape = np.shape(leaf)
                new = u(*shape) if shape else u()
                if isinstance(leaf, list):
                    new = [float(v) for v in new]
                t = O._replace(t, path, new)
            else:
                t = O._replace(t, path, None)
        out.append(t)
    return tuple(out)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jvp_value_and_tangent_have_the_result_structure(case):
    tangents = _tangents(case)
    value, tangent = srcdiff.jvp(case.func, case.args, tangents)
    want = case.func(*case.args)
    same_structure(value, want)
    same_structure(tangent, want)
    h = 1e-6
    plus, minus = list(case.args), list(case.args)
    for i in _wrt(case):
        for path, leaf in _argument_leaves(case, i):
            t = np.asarray(O._get(tangents[i], path), dtype=float)
            plus[i] = O._replace(plus[i], path, _moved_leaf(leaf, h * t))
            minus[i] = O._replace(minus[i], path, _moved_leaf(leaf, -h * t))
    fp, fm = case.func(*plus), case.func(*minus)
    for out_path, out_leaf in result_leaves(want):
        got_value = O._get(value, out_path)
        if not computed(out_leaf):
            assert got_value == out_leaf and O._get(tangent, out_path) is None
            continue
        _close(got_value, np.asarray(out_leaf, dtype=float), f"value {out_path}")
        directional = (np.asarray(O._get(fp, out_path)) - np.asarray(O._get(fm, out_path))) / (
            2 * h
        )
        _close(O._get(tangent, out_path), directional, f"{case.id} tangent {out_path}")


def _moved_leaf(leaf, step):
    x = np.array(leaf, dtype=float) + step
    if isinstance(leaf, list):
        return [float(v) for v in x.ravel()]
    return x if isinstance(leaf, np.ndarray) else float(x)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_vjp_pulls_back_a_cotangent_of_the_result_structure(case):
    value, pullback = srcdiff.vjp(case.func, *case.args)
    want = case.func(*case.args)
    same_structure(value, want)
    cotangent = want
    weights = []
    for out_path, out_leaf in result_leaves(want):
        if computed(out_leaf):
            c = u(*np.shape(out_leaf)) if np.shape(out_leaf) else u()
            weights.append((out_path, c))
            cotangent = O._replace(cotangent, out_path, c)

    def weighted(*args):  # <cotangent, f(args)>: its gradient is the pullback
        out = case.func(*args)
        return sum(float(np.sum(np.asarray(c) * np.asarray(O._get(out, p)))) for p, c in weights)

    got = pullback(cotangent)
    assert len(got) == len(case.args)
    for i in _wrt(case):
        O._check_structure(got[i], case.args[i])
        for path, leaf in _argument_leaves(case, i):
            want_g = O._fd_leaf(weighted, case.args, i, path, leaf)
            _close(O._get(got[i], path), want_g, f"{case.id} pullback d{i}{path}")


@pytest.mark.parametrize(
    "func",
    [
        RC.dict_of_two,
        RC.point,
        RC.dataclass_out,
        RC.tuple_holding_dict,
        RC.held_built_up,
        RC.held_namedtuple,
    ],
)
@pytest.mark.parametrize("api", ["grad", "value_and_grad", "hessian"])
def test_grad_of_a_container_result_is_a_non_scalar_output_error(func, api):
    with pytest.raises(srcdiff.NonScalarOutputError) as info:
        getattr(srcdiff, api)(func)
    lines = str(info.value).splitlines()
    assert "result_cases.py:" in lines[0] and "grad needs a scalar output" in lines[0]
    assert lines[1].strip().startswith("return") and lines[2].strip() == "^"
    assert "srcdiff.jacobian" in lines[-1]


def test_the_non_scalar_hint_works_when_followed():
    with pytest.raises(srcdiff.NonScalarOutputError, match="has_aux"):
        srcdiff.grad(RC.dict_of_two)
    J = srcdiff.jacobian(RC.dict_of_two)(X3)
    np.testing.assert_allclose(J["a"], np.diag(2 * X3))
    np.testing.assert_allclose(J["b"], np.diag(np.cos(X3)))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_has_aux_with_a_container_aux_is_unchanged(mode):
    g, aux = srcdiff.grad(RC.aux_pair, has_aux=True, mode=mode)(X3)
    np.testing.assert_allclose(g, 2 * X3)
    assert set(aux) == {"m", "label"} and aux["label"] == "sq"


def test_a_cotangent_of_the_wrong_structure_is_an_argument_error():
    _, pullback = srcdiff.vjp(RC.nested_deep, X3, 0.6)
    good = RC.nested_deep(X3, 0.6)
    pullback(good)  # its own value has the right structure
    wrong = [
        ({"a": 1.0}, r"expected a Deep, got dict"),
        (RC.Deep(inner={"p": RC.Point(1.0, 1.0)}, pair=(1.0, 1.0)), r"keys \['p', 'q'\]"),
        (RC.Deep(inner={"p": (1.0, 1.0), "q": [X3, X3]}, pair=(1.0, 1.0)), "expected a Point"),
        (RC.Deep(inner={"p": RC.Point(1.0, 1.0), "q": [X3]}, pair=(1.0, 1.0)), "list of 2"),
    ]
    for ct, match in wrong:
        with pytest.raises(srcdiff.ArgumentError, match=match) as info:
            pullback(ct)
        assert "Deep{" in str(info.value)
    with pytest.raises(srcdiff.ArgumentError, match=r"shape \(2,\) was given for an output"):
        pullback(RC.Deep(inner={"p": RC.Point(1.0, 1.0), "q": [X3, u(2)]}, pair=(1.0, 1.0)))


def test_jacobian_of_a_tuple_wrt_with_containers_on_both_sides():
    p = {"w": u(2, 3), "b": u(2)}
    J = srcdiff.jacobian(RC.helper_inside, wrt=(0, 1))(p, X3)
    dparams, dx = J["out"]
    assert set(dparams) == {"w", "b"} and dparams["w"].shape == (2, 3) and dx.shape == (3,)
    assert J["hidden"][0]["w"].shape == (2, 2, 3)


@pytest.mark.parametrize(
    "func, args, what, where",
    [
        (RC.different_keys, (X3, 1.0), "returns give different structures", 'return {"b": x}'),
        (RC.variable_key, (X3, "a"), "keys are not constants", "return {k: x}"),
        (RC.mixed_return, (X3, 1.0), "nothing of that structure", "return x"),
        (RC.held_dynamic_key, (X3,), "stored into the dict 'out'", "out[k] = x * len(k)"),
        (
            RC.reg_computing,
            (X3,),
            "read the children of this Computing",
            "return Computing(x * 2.0)",
        ),
        (RC.dict_passed_on, (X3,), "cannot differentiate a dict", 'out = {"a": x}'),
    ],
    ids=lambda v: getattr(v, "__name__", "-"),
)
def test_results_srcdiff_cannot_read_are_refused_with_a_caret(func, args, what, where):
    for call in (
        lambda: srcdiff.jacobian(func)(*args),
        lambda: srcdiff.jvp(func, args, (np.ones(3),) + (None,) * (len(args) - 1)),
        lambda: srcdiff.vjp(func, *args),
    ):
        with pytest.raises(srcdiff.SrcDiffError) as info:
            call()
        lines = str(info.value).splitlines()
        assert "result_cases.py:" in lines[0] and what in lines[0]
        assert lines[1].strip() == where and lines[2].strip() == "^"
        assert lines[-1].startswith("hint: ")


def test_the_named_dict_hint_works_when_followed():
    J = srcdiff.jacobian(RC.dict_straight_away)(X3)  # return {"a": x} straight away
    np.testing.assert_allclose(J["a"], np.eye(3))
    # ... or built in a variable with constant keys, as the hint for a dynamic key says
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.jacobian(RC.held_dynamic_key)(X3)
    assert 'out["a"] = ...' in info.value.hint and "return out" in info.value.hint
    for mode in ("reverse", "forward"):
        J = srcdiff.jacobian(RC.held_keys_written_out, mode=mode)(X3)
        assert list(J) == ["a", "bb"]
        np.testing.assert_allclose(J["a"], np.eye(3))
        np.testing.assert_allclose(J["bb"], 2 * np.eye(3))
    assert RC.held_keys_written_out(X3).keys() == RC.held_dynamic_key(X3).keys()


def test_a_held_result_is_computed_where_the_code_computes_it():
    """Each leaf is assigned where the user's code assigns it (so a later change of a name
    it read does not reach it), and the display is built at the return."""
    value, tangent = srcdiff.jvp(RC.held_display_then_update, (X3, 0.7), (np.ones(3), 0.0))
    want = RC.held_display_then_update(X3, 0.7)
    assert list(value) == list(want) == ["loss", "pred", "extra"]
    np.testing.assert_allclose(value["loss"], want["loss"], rtol=1e-15)
    assert type(tangent["extra"]) is list and len(tangent["extra"]) == 2
    # the leaves, one variable each, in the order the code gave the keys
    from srcdiff.compiler.held import hoist_held_results
    from srcdiff.compiler.source import FunctionSource

    source = FunctionSource(RC.held_display_then_update)
    text = ast.unparse(hoist_held_results(source, source.tree))
    assert "out_loss = np.sum(x ** 2)" in text and "out_pred = x * y" in text
    assert "out_loss = out_loss + y * out_pred[0]" in text
    assert "return {'loss': out_loss, 'pred': out_pred, 'extra': [out_extra_0, out_extra_1]}" in (
        text
    )
    assert "out = " not in text and "out[" not in text
    assert source.tree is not hoist_held_results(source, source.tree)  # (the user's is kept)


def _returns_a_number_variable(x, y):
    a = x * y
    for _ in range(2):
        a = a * 0.5 + y
    return a


def _binds_the_dict_in_a_branch(x, y):
    if y > 0:
        out = {"a": x * y}
    else:
        out = {"a": x}
    return out


def test_a_variable_no_top_level_display_binds_is_left_uncopied():
    """hoist_held_results copied the tree twice for every returned variable, to find
    only at the return that nothing bound it to a display (most of grad's check for a
    function ending `return a`): the user's tree, unchanged, is the answer there."""
    from srcdiff.compiler.held import hoist_held_results
    from srcdiff.compiler.source import FunctionSource

    for func in (_returns_a_number_variable, _binds_the_dict_in_a_branch):
        source = FunctionSource(func)
        assert hoist_held_results(source, source.tree) is source.tree
    args = (0.3, 0.2)
    got = srcdiff.grad(_returns_a_number_variable, wrt=("x", "y"))(*args)
    for i in range(2):
        assert got[i] == pytest.approx(float(fd_jacobian(_returns_a_number_variable, args, i)))
    with pytest.raises(srcdiff.UnsupportedSyntaxError, match="differentiate a dict"):
        srcdiff.grad(_binds_the_dict_in_a_branch)(0.3, 0.2)  # (refused, as before)


def test_the_caller_s_cotangent_is_not_changed():
    """The backward sweep's `dpred[0] += dloss` (pred[0] read, pred returned) updated the
    cotangent array the caller passed in place: the pullback's second call, and anything
    else reading it, saw it changed."""
    _, pullback = srcdiff.vjp(RC.held_display_then_update, X3, 0.7)
    ct = {"loss": 0.9, "pred": u(3), "extra": [u(3), 0.4]}
    kept = copy.deepcopy(ct)
    first = pullback(ct)
    np.testing.assert_array_equal(ct["pred"], kept["pred"])
    again = pullback(ct)
    np.testing.assert_array_equal(first[0], again[0])
    _, pullback = srcdiff.vjp(RC.index_and_return, X3)
    pred_ct = u(3)
    kept_ct = pred_ct.copy()
    (dx,) = pullback((0.9, pred_ct))
    np.testing.assert_array_equal(pred_ct, kept_ct)
    np.testing.assert_allclose(dx, 2.0 * kept_ct + np.array([1.8, 0.0, 0.0]), rtol=1e-15)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_records_rebuilt_or_assigned_in_a_loop_are_a_variable_per_field(mode):
    J = srcdiff.jacobian(RC.record_rebuilt_in_loop, mode=mode)(X3)
    assert type(J) is RC.Out
    np.testing.assert_allclose(J.pred, 2.0 * np.eye(3))
    np.testing.assert_allclose(
        J.loss, fd_jacobian(lambda x: RC.record_rebuilt_in_loop(x).loss, (X3,), 0)
    )
    J = srcdiff.jacobian(RC.dataclass_attribute_in_loop, mode=mode)(X3)
    np.testing.assert_allclose(J, fd_jacobian(RC.dataclass_attribute_in_loop, (X3,), 0), atol=1e-8)


def test_a_record_class_built_where_it_is_not_the_result_names_the_working_forms():
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.jacobian(RC.record_built_in_loop)(X3)
    assert "first built at the function's top level" in info.value.hint
    J = srcdiff.jacobian(RC.record_built_first)(X3)  # the form the hint names
    np.testing.assert_allclose(J, fd_jacobian(RC.record_built_first, (X3,), 0), atol=1e-8)
    J = srcdiff.jacobian(RC.held_dataclass, wrt=1)(X3, 0.7)  # the form the hint names
    assert type(J) is RC.Out and J.pred.shape == (3,)


def test_a_list_of_results_of_several_shapes_gets_a_list_of_jacobians():
    J = srcdiff.jacobian(RC.list_of_shapes)(X3, 0.7)
    assert type(J) is list and J[0].shape == (3, 3) and J[1].shape == (3,)
    _, pullback = srcdiff.vjp(RC.list_of_shapes, X3, 0.7)
    with pytest.raises(srcdiff.ArgumentError, match="cotangent of a list of 2 results"):
        pullback(1.0)
    with pytest.raises(srcdiff.ArgumentError, match=r"shape \(2,\) was given for an output"):
        pullback([np.ones(2), 1.0])


def test_a_registered_result_keeps_its_type_and_aux_data():
    value, tangent = srcdiff.jvp(RC.reg_nested, (X3,), (np.ones(3),))
    assert type(value["t"]) is RC.Tagged and value["t"].tag == "tag"
    assert type(tangent["t"]) is RC.Tagged and tangent["t"].tag == "tag"
    assert tangent["t"].value == pytest.approx(3.0)
    J = srcdiff.jacobian(RC.reg_reversed)(X3, 0.7)  # flatten's order is not the arguments'
    np.testing.assert_allclose(J.first, 2.0 * np.eye(3))
    np.testing.assert_allclose(J.second, 0.7 * np.eye(3))
    with pytest.raises(srcdiff.ArgumentError, match="expected a Rev"):
        srcdiff.vjp(RC.reg_reversed, X3, 0.7)[1](RC.Pair(X3, X3))


def test_the_registered_result_hint_works_when_followed():
    """Computing's constructor computes with its argument, so which child it is can't be
    learnt; a flatten that gives the argument back (Pair), or a dataclass, works."""
    with pytest.raises(srcdiff.UnsupportedSyntaxError) as info:
        srcdiff.jacobian(RC.reg_computing)(X3)
    assert "flatten that returns the constructor's arguments" in info.value.hint
    J = srcdiff.jacobian(RC.reg_pair, wrt=0)(X3, 0.7)
    assert type(J) is RC.Pair and J.first.shape == (3, 3)

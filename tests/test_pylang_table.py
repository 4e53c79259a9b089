"""The Python people write, with containers of parameters (tests/pytree_cases.py), as a
table: each function is differentiated in reverse and forward mode (and a subset twice,
`hessian`) and compared with central finite differences taken leaf by leaf.

The oracle here walks containers itself (dicts, lists, tuples, NamedTuples, dataclasses,
an instance's attributes) rather than calling srcdiff.tree_flatten, so it can't share a
bug with it; it also checks that each gradient has its argument's structure (same
container types, keys and fields) with None for leaves that carry no derivative.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import numbers
from dataclasses import dataclass

import numpy as np
import pytest
import pytree_cases as T

import srcdiff

R = np.random.default_rng(20261203)
EPS_CBRT = np.finfo(float).eps ** (1 / 3)


def u(*shape, lo=-1.0, hi=1.0):
    return R.uniform(lo, hi, size=shape) if shape else float(R.uniform(lo, hi))


X3 = u(3)
X43 = u(4, 3)
Y4 = u(4)
XS = [0.3, -0.5, 0.8, 1.1]
YS = [0.2, 0.4, -0.1, 0.6]

MLP = {"w1": u(3, 5), "b1": u(5), "w2": u(5), "b2": 0.1}
NESTED = {"layer1": {"w": u(3, 4), "b": u(4)}, "layer2": {"w": u(4), "b": 0.2}}
SQUARE = {"layer1": {"w": u(3, 3), "b": u(3)}, "layer2": {"w": u(3, 3), "b": u(3)}}


@dataclass
class Case:
    func: object
    args: tuple
    wrt: object = 0
    hessian: bool = False
    has_aux: bool = False

    @property
    def id(self):
        f = self.func
        name = getattr(f, "__qualname__", None) or getattr(getattr(f, "func", f), "__name__", "f")
        return f"{name}-{self.wrt}"


CASES = [
    # dicts of parameters
    Case(T.affine, ({"w": u(3), "b": 0.3}, X3), hessian=True),
    Case(T.affine_sq, ({"w": u(3), "b": 0.3}, X3), hessian=True),
    Case(T.affine_sq, ({"w": u(3), "b": 0.3}, X3), wrt=1),
    Case(T.mlp, (MLP, X43, Y4), hessian=True),
    Case(T.mlp, (MLP, X43, Y4), wrt=(0, 1)),
    Case(T.mlp_l2, (MLP, X43, Y4)),
    Case(T.mlp_nested, (NESTED, X43, Y4), hessian=True),
    Case(T.mlp_alias, (NESTED, X43)),
    Case(T.dict_items_loop, ({"a": u(3), "b": 0.4, "c": u(3)}, X3), hessian=True),
    Case(T.dict_keys_loop, ({"a": u(3), "b": u(3)}, X3)),
    Case(T.dict_values_sum, ({"a": u(2, 2), "b": 0.5, "c": u(3)},), hessian=True),
    Case(T.dict_values_list, ({"a": u(3), "b": u(2)},)),
    Case(T.dict_len, ({"a": u(3), "b": 1.0, "c": "tag"}, X3)),
    Case(T.dict_int_leaf, ({"n": 4, "scale": 0.7}, 0.6), hessian=True),
    Case(T.dict_int_leaf, ({"n": 4, "scale": 0.7}, 0.6), wrt=1),
    Case(T.dict_str_leaf, ({"kind": "square", "a": 1.3}, 0.8)),
    Case(T.dict_str_leaf, ({"kind": "line", "a": 1.3}, 0.8), wrt=(0, 1)),
    Case(T.dict_none_leaf, ({"w": u(3), "bias": None}, X3)),
    Case(T.dict_none_leaf, ({"w": u(3), "bias": 0.5}, X3)),
    Case(T.dict_of_floats, ({"k": 1.5, "omega": 2.0, "phase": 0.3}, 0.7), hessian=True),
    Case(T.dict_of_floats, ({"k": 1.5, "omega": 2.0, "phase": 0.3}, 0.7), wrt=(0, 1)),
    Case(T.dict_two_args, ({"w": u(3), "b": u(3)}, {"h": u(3), "c": u(3)}), wrt=(0, 1)),
    Case(T.dict_enumerate, ({"a": u(3), "b": u(3)}, X3)),
    Case(T.dict_zip, ({"p": u(3), "q": u(3)}, {"p": 0.1, "q": -0.2}, X3), wrt=(0, 1)),
    Case(T.dict_isinstance, ({"w": u(3)}, X3), hessian=True),
    Case(T.dict_walrus, ({"w": u(3), "b": 0.5}, X3)),
    Case(T.dict_branch, ({"w": np.abs(u(3)) + 0.1, "b": 0.5}, np.abs(X3) + 0.1)),
    Case(T.dict_branch, ({"w": -np.abs(u(3)) - 0.1, "b": 0.5}, np.abs(X3) + 0.1)),
    Case(T.dict_loop_inside, ({"w": u(3), "b": u(3)}, X3), hessian=True),
    # lists and tuples of arrays
    Case(T.layers_list, ([u(3, 3), u(3, 3), u(2, 3)], X3), hessian=True),
    Case(T.layers_list, ([u(3, 3), u(2, 3)], X3), wrt=1),
    Case(T.layers_index, ([u(3, 3), u(3, 3), u(2)], X3)),
    Case(T.layers_pairs, ([(u(3, 3), u(3)), (u(2, 3), u(2))], X3), hessian=True),
    Case(T.layers_dicts, ([{"w": u(3, 3), "b": u(3)}, {"w": u(3, 3), "b": u(3)}], X3)),
    Case(T.layers_enumerate, ((u(3), u(3), u(3)), X3)),
    Case(T.layers_stack, ([u(2), u(2), u(2)],)),
    Case(T.tuple_params, ((u(3), 0.4), X3), hessian=True),
    Case(T.tuple_index, ((0.7, u(3)), X3)),
    Case(T.list_of_dicts_comp, ([{"w": u(3)}, {"w": u(3)}, {"w": u(3)}], X3), hessian=True),
    Case(T.nested_lists, ([[u(3), u(2)], [u(2), u(3)]], X3)),
    # NamedTuples
    Case(T.nt_linear, (T.Linear(u(3), 0.2), X3), hessian=True),
    Case(T.nt_linear, (T.Linear(u(3), 0.2), X3), wrt=(0, 1)),
    Case(T.nt_index, (T.Linear(u(3), 0.6), X3)),
    Case(T.nt_energy, (T.Oscillator(2.0, 0.5, 0.1), 0.3, -0.4), hessian=True),
    Case(T.nt_energy, (T.Oscillator(2.0, 0.5, 0.1), 0.3, -0.4), wrt=(0, 1, 2)),
    Case(T.nt_unpack, (T.Linear(u(3), 0.1), X3)),
    Case(T.nt_in_dict, ({"lin": T.Linear(u(3), 0.3), "scale": 2.0}, X3), hessian=True),
    Case(T.nt_isinstance, (T.Linear(u(3), 0.4), X3)),
    Case(T.nt_damped, (T.Oscillator(2.0, 1.0, 0.3), 0.5, 0.1), hessian=True),
    # dataclasses
    Case(T.spring_energy, (T.Spring(3.0, 0.5, 1.0, 10), 0.9), hessian=True),
    Case(T.spring_energy, (T.Spring(3.0, 0.5, 1.0, 10), 0.9), wrt=(0, 1)),
    Case(T.spring_sim, (T.Spring(3.0, 0.5, 1.2, 30), 0.9), hessian=True),
    Case(T.pendulum_period, (T.Pendulum(1.2, 9.81, 0.1), 0.3), hessian=True),
    Case(T.pendulum_sim, (T.Pendulum(1.2, 9.81, 0.1), 0.4)),
    Case(T.pendulum_sim, (T.Pendulum(1.2, 9.81, 0.1), 0.4), wrt=1),
    Case(T.gas_pressure, (T.Gas(2.0, 8.314, "air"), 0.5, 300.0), hessian=True),
    Case(T.gas_work, (T.Gas(2.0, 8.314, "air"), 0.5, 1.5), wrt=(0, 1, 2)),
    Case(T.dataclass_in_list, ([T.Spring(1.0, 0.1, 1.0, 1), T.Spring(2.0, 0.3, 1.0, 2)], 0.5)),
    Case(T.dataclass_nested, ({"spring": T.Spring(2.0, 0.2, 1.0, 3), "offset": 0.7}, 0.4)),
    # comprehension-heavy losses
    Case(T.comp_weighted, ({"w": u(4)}, XS), hessian=True),
    Case(T.comp_weighted, ({"w": u(4)}, XS), wrt=1),
    Case(T.comp_nested_for, ({"a": 0.8}, XS), hessian=True),
    Case(T.comp_if, ({"a": 0.8, "b": 0.1}, XS)),
    Case(T.comp_max, ({"a": 0.8, "b": 1.3}, XS)),
    Case(T.comp_list_value, ({"c": 0.9}, 0.7), hessian=True),
    Case(T.comp_enumerate_zip, ({"w": 0.5}, XS, YS), wrt=(0, 1, 2)),
    Case(T.comp_lambda, ({"a": 0.6, "b": 1.1}, 0.8), hessian=True),
    Case(T.comp_local_def, ({"a": 0.6, "b": 1.1}, 0.8), hessian=True),
    Case(T.comp_poly, ([0.5, -1.0, 2.0, 0.3], 0.7), wrt=(0, 1), hessian=False),
    Case(T.comp_poly, ([0.5, -1.0, 2.0, 0.3], 0.7), hessian=True),
    Case(T.comp_append, ({"a": 0.6}, 0.9), hessian=True),
    Case(T.comp_append_arrays, ({"w": u(3)}, X3), hessian=True),
    Case(T.comp_starred, ({"a": 0.6, "b": 1.1, "c": -0.4}, 0.8)),
    Case(T.comp_np_array, ({"a": 0.6, "b": 1.1}, 0.8), hessian=True),
    Case(T.comp_any, ({"a": 0.6}, XS)),
    # methods of model classes
    Case(T.Regressor(u(3), 0.2).loss, (X3, u(3))),
    Case(T.Regressor(u(3), 0.2).loss, (X3, u(3)), wrt="self", hessian=True),
    Case(T.Regressor(u(3), 0.2).loss, (X3, u(3)), wrt=("self", 0)),
    Case(T.Quadratic(1.5, -0.5).energy, (0.7,), hessian=True),
    Case(T.Quadratic(1.5, -0.5).energy, (0.7,), wrt="self", hessian=True),
    Case(T.Net({"w": u(3, 2), "b": u(2)}).loss, (X43,), wrt="self"),
    Case(T.Net({"w": u(3, 2), "b": u(2)}).loss, (X43,)),
    # (model(x) of parameters with a __call__ was refused: "cannot use model ... as a value")
    Case(T.called_model_loss, (T.CallableLinear(u(3), 0.2), X43, Y4), hessian=True),
    Case(T.called_model_loss, (T.CallableLinear(u(3), 0.2), X43, Y4), wrt=(0, 1)),
    Case(T.scaled_loss, ({"w": u(3)}, X3), hessian=True),
    Case(functools.partial(T.mlp, MLP), (X43, Y4)),
    Case(
        functools.partial(T.dict_of_floats, x=0.4),
        ({"k": 1.5, "omega": 2.0, "phase": 0.3},),
        hessian=True,
    ),
    # has_aux training steps
    Case(T.step_aux, ({"w": u(3), "b": 0.1}, X43, Y4), has_aux=True),
    Case(T.step_aux_tuple, ({"w": u(3)}, X43, Y4), has_aux=True),
    Case(T.step_aux_nt, (T.Linear(u(3), 0.3), X3), has_aux=True),
    Case(T.step_aux_metrics, ({"w": u(3), "b": 0.2}, X43, Y4), has_aux=True),
    # the rest of issue 12's constructs, in both modes and under hessian
    Case(T.factory_loss, ({"w": u(3), "b": 0.3}, X3), hessian=True),
    Case(functools.partial(T.affine_sq, {"w": u(3), "b": 0.3}), (X3,), hessian=True),
    Case(T.varargs_pass, ({"w": u(3), "b": 0.3}, X3), hessian=True),
    Case(T.walrus_loop, ({"a": 0.6, "b": 1.1}, XS), hessian=True),
    Case(T.dict_walrus, ({"w": u(3), "b": 0.5}, X3), hessian=True),
    Case(T.star_layers, ([u(3, 3), u(3, 3), u(2, 3)], X3), hessian=True),
    Case(T.star_layers, ((u(3, 3), u(2, 3)), X3), wrt=1),
    Case(T.star_tail, ([u(3), u(3), u(3)], X3), hessian=True),
    Case(T.nested_unpack, ({"pair": (u(3), 0.5), "c": 0.3}, X3), hessian=True),
    Case(T.enumerate_start, ({"a": 0.6, "b": 1.1}, XS), hessian=True),
    Case(T.zip_three, ({"ws": [0.5, -0.2, 0.3, 0.9], "s": 0.7}, XS, YS), hessian=True),
    Case(T.zip_three, ({"ws": [0.5, -0.2, 0.3, 0.9], "s": 0.7}, XS, YS), wrt=(0, 1, 2)),
    Case(T.sum_start, ({"a": 0.6, "b": 1.1}, XS), hessian=True),
    Case(T.max_min_lists, ({"a": 0.6, "b": 1.1}, XS), hessian=True),
    Case(T.list_methods, ({"a": 0.6, "b": 1.1}, 0.8), hessian=True),
    Case(T.list_methods, ({"a": 0.6, "b": 1.1}, 0.8), wrt=1),
    Case(T.fsum_params, ({"a": 0.6, "b": 1.1}, XS), hessian=True),
    Case(T.comp_all, ({"a": 0.6, "b": 1.1}, XS), hessian=True),
    Case(T.arrays_in_list, ({"w": u(3)}, X3), hessian=True),
    Case(T.comp_max, ({"a": 0.8, "b": 1.3}, XS), hessian=True),
    Case(T.comp_enumerate_zip, ({"w": 0.5}, XS, YS), hessian=True),
    Case(T.dict_zip, ({"p": u(3), "q": u(3)}, {"p": 0.1, "q": -0.2}, X3), hessian=True),
    Case(T.comp_starred, ({"a": 0.6, "b": 1.1, "c": -0.4}, 0.8), hessian=True),
    Case(T.comp_any, ({"a": 0.6}, XS), hessian=True),
    Case(T.Regressor(u(3), 0.2).loss, (X3, u(3)), hessian=True),
]


# --- the oracle -----------------------------------------------------------------------


def _is_number(v):
    return isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_))


def _carries(leaf):
    """Does srcdiff differentiate this leaf? Floats, float arrays, lists of floats."""
    if isinstance(leaf, (float, np.floating)):
        return True
    if isinstance(leaf, np.ndarray):
        return leaf.dtype.kind == "f"
    if isinstance(leaf, (list, tuple)) and leaf and all(_is_number(v) for v in leaf):
        return not hasattr(type(leaf), "_fields")
    return False


def _children(value, as_object=False):
    """[(step, child)] of a container, or None for a leaf."""
    if isinstance(value, dict):
        return [(("key", k), v) for k, v in value.items()]
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return [(("field", f), getattr(value, f)) for f in type(value)._fields]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(("field", f.name), getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, (list, tuple)) and value and not all(_is_number(v) for v in value):
        return [(("index", i), v) for i, v in enumerate(value)]
    if as_object and hasattr(value, "__dict__") and not isinstance(value, np.ndarray):
        return [(("field", k), v) for k, v in vars(value).items()]
    return None


def _leaves(value, path=(), as_object=False):
    kids = _children(value, as_object)
    if kids is None:
        yield path, value
        return
    for step, child in kids:
        yield from _leaves(child, (*path, step))


def _get(value, path):
    for kind, k in path:
        value = value[k] if kind in ("key", "index") else getattr(value, k)
    return value


def _replace(value, path, new):
    if not path:
        return new
    (kind, k), rest = path[0], path[1:]
    if kind == "key":
        return {**value, k: _replace(value[k], rest, new)}
    if kind == "index":
        items = list(value)
        items[k] = _replace(items[k], rest, new)
        return type(value)(items)
    if isinstance(value, tuple):  # a NamedTuple
        return value._replace(**{k: _replace(getattr(value, k), rest, new)})
    out = copy.copy(value)
    object.__setattr__(out, k, _replace(getattr(value, k), rest, new))
    return out


def _check_structure(got, want, as_object=False, path=()):
    """`got` has `want`'s containers (types, keys, fields) all the way down."""
    kids = _children(want, as_object)
    if kids is None:
        return
    assert type(got) is type(want), f"at {path}: {type(got).__name__}, not {type(want).__name__}"
    for step, child in kids:
        _check_structure(_get(got, [step]), child, False, (*path, step))


def _fd_leaf(f, args, i, path, leaf):
    """d f / d leaf by central differences, shaped like the leaf."""
    x = np.array(leaf, dtype=float)
    g = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        h = EPS_CBRT * max(1.0, abs(x[idx]))
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        vals = []
        for xx in (xp, xm):
            new = (
                type(leaf)(float(v) for v in xx.ravel())
                if isinstance(leaf, (list, tuple))
                else float(xx)
                if not isinstance(leaf, np.ndarray)
                else xx
            )
            a = list(args)
            a[i] = _replace(args[i], path, new)
            vals.append(float(f(*a)))
        g[idx] = (vals[0] - vals[1]) / (2 * h)
    return g


def _plain(case):
    """(function of all arguments, arguments, wrt as positions, object positions): a bound
    method's instance and a partial's bound arguments become arguments here too."""
    f, args = case.func, tuple(case.args)
    names = [case.wrt] if not isinstance(case.wrt, tuple) else list(case.wrt)
    objects = set()
    if isinstance(f, functools.partial):
        inner, bound, kw = f.func, tuple(f.args), dict(f.keywords)
        return (lambda *a: inner(*a, **kw)), bound + args, [n + len(bound) for n in names], objects
    if hasattr(f, "__self__"):
        self, inner = f.__self__, f.__func__
        positions = [0 if n == "self" else n + 1 for n in names]
        return inner, (self, *args), positions, {0}
    return f, args, names, objects


def _rebind(case, full):
    """(the case's callable at `full`, _plain's arguments, its explicit arguments)."""
    f = case.func
    if isinstance(f, functools.partial):
        n = len(f.args)
        return f, full[n:]
    if hasattr(f, "__self__"):
        self = full[0]
        if self is f.__self__:
            return f, full[1:]
        return getattr(self, f.__name__), full[1:]
    return f, full


def _tolerance(*values):
    scale = max(
        [1.0] + [float(np.max(np.abs(np.asarray(v, dtype=float)))) for v in values if _carries(v)]
    )
    return 1e-5, 1e-6 * scale


def _check_gradient(case, got):
    f, args, positions, objects = _plain(case)
    if case.has_aux:
        base = f
        f = lambda *a: base(*a)[0]  # noqa: E731
    grads = got if isinstance(case.wrt, tuple) else (got,)
    assert len(grads) == len(positions)
    for g, i in zip(grads, positions):
        as_object = i in objects
        _check_structure(g, args[i], as_object)
        for path, leaf in _leaves(args[i], as_object=as_object):
            gl = _get(g, path)
            if not _carries(leaf):
                assert gl is None, f"{case.id}: {path} carries no derivative, got {gl!r}"
                continue
            want = _fd_leaf(f, args, i, path, leaf)
            rtol, atol = _tolerance(leaf, *[a for a in args if _carries(a)])
            got_arr = np.asarray(gl, dtype=float)
            assert got_arr.shape == want.shape, f"{case.id} {path}: shape {got_arr.shape}"
            np.testing.assert_allclose(got_arr, want, rtol=rtol, atol=atol, err_msg=f"{path}")
            if isinstance(leaf, list):
                assert isinstance(gl, list), f"{case.id} {path}: {type(gl).__name__}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_gradient_matches_finite_differences(case, mode):
    before = copy.deepcopy(case.args)
    got = srcdiff.grad(case.func, wrt=case.wrt, mode=mode, has_aux=case.has_aux)(*case.args)
    if case.has_aux:
        got, aux = got
        want_aux = case.func(*case.args)[1]
        if isinstance(want_aux, dict):  # metrics: computed, not differentiated
            assert list(aux) == list(want_aux)
            for k in want_aux:
                if isinstance(want_aux[k], str):
                    assert aux[k] == want_aux[k]
                else:
                    assert float(aux[k]) == pytest.approx(float(want_aux[k]), rel=1e-12)
        else:
            np.testing.assert_allclose(
                np.asarray(aux, dtype=float), np.asarray(want_aux, dtype=float), rtol=1e-12
            )
    _check_gradient(case, got)
    for a, b in zip(jax_like_leaves(before), jax_like_leaves(case.args)):
        np.testing.assert_array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))


def jax_like_leaves(args):
    return [leaf for a in args for _, leaf in _leaves(a)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_value_and_grad_value_is_the_function_value(case):
    value, _ = srcdiff.value_and_grad(case.func, wrt=case.wrt, has_aux=case.has_aux)(*case.args)
    want = case.func(*case.args)
    if case.has_aux:
        value, want = value[0], want[0]
    assert float(value) == pytest.approx(float(want), rel=1e-12, abs=1e-300)


HESSIAN_CASES = [c for c in CASES if c.hessian and not isinstance(c.wrt, tuple)]


@pytest.mark.parametrize("case", HESSIAN_CASES, ids=lambda c: c.id)
def test_hessian_matches_finite_differences_of_the_gradient(case):
    """H[i][j] (JAX's container of containers of blocks for a container argument) against
    central differences of the gradient's leaf i along leaf j."""
    f, args, (i,), objects = _plain(case)
    H = srcdiff.hessian(case.func, wrt=case.wrt)(*case.args)
    grad = srcdiff.grad(case.func, wrt=case.wrt)

    def g(*full):  # the gradient at all of _plain's arguments (a method's self first)
        callable_, explicit = _rebind(case, full)
        return (grad if callable_ is case.func else srcdiff.grad(callable_, wrt=case.wrt))(
            *explicit
        )

    as_object = i in objects
    leaves = [(p, v) for p, v in _leaves(args[i], as_object=as_object) if _carries(v)]
    for pi, li in leaves:
        for pj, lj in leaves:
            block = _get(_get(H, pi), pj)
            x = np.array(lj, dtype=float)
            want = np.zeros(np.shape(li) + x.shape)
            for idx in np.ndindex(x.shape):
                h = 1e-5 * max(1.0, abs(x[idx]))
                cols = []
                for sign in (1, -1):
                    xx = x.copy()
                    xx[idx] += sign * h
                    if isinstance(lj, (list, tuple)):
                        new = type(lj)(float(v) for v in xx.ravel())
                    else:
                        new = float(xx) if not isinstance(lj, np.ndarray) else xx
                    a = list(args)
                    a[i] = _replace(args[i], pj, new)
                    gi = g(*a)
                    cols.append(np.asarray(_get(gi, pi), dtype=float))
                want[(Ellipsis, *idx)] = (cols[0] - cols[1]) / (2 * h)
            np.testing.assert_allclose(
                np.asarray(block, dtype=float), want, rtol=1e-5, atol=1e-6, err_msg=f"{pi} {pj}"
            )


def test_the_table_is_big_enough():
    assert len(CASES) >= 100
    functions = {getattr(c.func, "__func__", c.func) for c in CASES}
    functions = {getattr(f, "func", f) for f in functions}  # (a partial: the function it calls)
    assert len(functions) >= 80


check_gradient = _check_gradient  # (public: tests/test_pytree_adversary.py uses this oracle)
leaves_of = jax_like_leaves

"""Rules for srcdiff/runtime_numpy.py helpers (srcdiff/rules/runtime_numpy_rules.py).

Generated reverse-mode NumPy code calls those helpers; Hessians differentiate that
code again, so each helper needs a rule.  Three groups of tests:

* coverage: every public helper of runtime_numpy has a rule, and the ones without
  a derivative are exactly the piecewise-constant / integer ones (checked to be
  locally constant);
* every rule's templates evaluated directly, as tests/test_numpy_rules.py does for
  the NumPy rules: the jvp against a central difference of the helper along a
  random direction, and the vjp against the jvp (<vjp(g), t> == <g, jvp(t)>);
* end to end: srcdiff.hessian of NumPy functions whose gradient code calls the
  helpers, against central differences of srcdiff.grad (forward over reverse, and
  reverse over reverse).
"""

import ast
import builtins
import inspect
from dataclasses import dataclass, field

import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian, scale_of

import srcdiff
from srcdiff.rules import RULES
from srcdiff.rules import runtime_numpy_rules as RR
from srcdiff.runtime import arrays as rn

RNG = np.random.default_rng(20240701)


def U(*shape, lo=-1.0, hi=1.0):
    v = RNG.uniform(lo, hi, size=shape)
    return float(v) if shape == () else v


def away(*shape, lo=0.3, hi=1.2):
    v = RNG.uniform(lo, hi, size=shape) * RNG.choice([-1.0, 1.0], size=shape)
    return float(v) if shape == () else v


def well_conditioned(*shape):
    return 2.0 * np.eye(shape[-1]) + 0.4 * RNG.uniform(-1, 1, size=shape)


def like(v):
    """A random value shaped like v (a float, an array, or a list of them; an array of
    objects, as runtime.rows_of holds ragged cotangents, is a list of them)."""
    if isinstance(v, list) or (isinstance(v, np.ndarray) and v.dtype == object):
        return [like(e) for e in v]
    return U(*np.shape(v))


def cot(func, *args, **kwargs):
    """A random cotangent shaped like func(*args, **kwargs)."""
    return like(func(*args, **kwargs))


PUBLIC = {
    name: f
    for name, f in vars(rn).items()
    if inspect.isfunction(f)
    and f.__module__ == rn.__name__
    and not name.startswith("_")
    and name not in rn.SECOND_ORDER
}


def test_second_order_helpers_are_public_and_used_by_rules():
    """The derivatives of helpers are public, exported, and used by the rules' templates."""
    rules_text = inspect.getsource(RR)
    for name in rn.SECOND_ORDER:
        assert name in rn.__all__ and inspect.isfunction(getattr(rn, name))
        assert f"rn.{name}" in rules_text, name


# Helpers without a derivative, and why (see the comments in runtime_numpy_rules).
NONDIFF = {
    "reduced_size": "an element count (an integer)",
    "dot_axes": "tuples of axes",
    "inner_axes": "tuples of axes",
    "chooser_partials": "a mask of ties: piecewise constant",
    "chooser_where": "a mask of ties among the selected elements: piecewise constant",
    "ptp_partials": "two masks of ties subtracted (np.ptp): piecewise constant",
    "balanced_eq": "1, 1/2 or 0 by comparisons: piecewise constant",
    "clip_partials": "selects a, a bound, or half of each: piecewise constant",
    "permutation_of": "indices (integers)",
    "select_none": "a mask from np.select's conditions: piecewise constant",
}


# --- coverage ---------------------------------------------------------------------------


def test_runtime_numpy_has_the_expected_helpers():
    assert len(PUBLIC) >= 30
    assert {"expand_reduced", "matmul_da", "chooser_partials", "concatenate_vjp"} <= set(PUBLIC)


def test_every_public_helper_has_a_rule():
    missing = sorted(name for name, f in PUBLIC.items() if not RULES.lookup(f))
    assert not missing, f"runtime_numpy helpers without a rule: {missing}"


def test_exactly_the_piecewise_constant_helpers_are_nondifferentiable():
    nondiff = {
        name for name, f in PUBLIC.items() if not any(r.differentiable for r in RULES.lookup(f))
    }
    assert nondiff == set(NONDIFF)


def test_every_rule_is_well_formed():
    live = {id(r) for r in RULES.all()}
    rules = [r for r in RR.REGISTERED if id(r) in live]
    assert len(rules) == len(RR.REGISTERED) >= len(PUBLIC)
    for r in rules:
        assert set(r.jvp) == set(r.vjp), r.label
        assert set(r.vjp) <= set(r.params) and set(r.zero) <= set(r.params), r.label
        assert not set(r.zero) & set(r.vjp), r.label
        assert not {"g", "t", "out"} & set(r.params), r.label
        for mode in ("jvp", "vjp"):
            for p in r.vjp:
                names = r.uses(mode, p) - set(r.params) - {"out", "g", "t"}
                assert names <= set(r.namespace), (r.label, mode, p, names)
        # positional binding: the rule's parameters line up with the helper's
        sig = list(inspect.signature(r.func).parameters.values())
        if r.differentiable and sig[-1].kind != inspect.Parameter.VAR_POSITIONAL:
            assert len(r.params) == len(sig), r.label
            for p, q in zip(r.params, sig):
                assert (p in r.defaults) == (q.default is not inspect.Parameter.empty), r.label


@pytest.mark.parametrize(
    "entry",
    [
        (rn.chooser_partials, (U(3, 4), None, 1, False)),
        (rn.chooser_partials, (U(2, 3, 4), None, (0, 2), True)),
        (rn.balanced_eq, (U(3, 4), None, U(4))),
        (rn.clip_partials, (U(3, 4), -0.3, U(4, lo=0.2, hi=0.6), "a")),
        (rn.clip_partials, (U(3, 4), -0.3, U(4, lo=0.2, hi=0.6), "a_max")),
    ],
    ids=["chooser_axis", "chooser_keepdims", "balanced_eq", "clip_a", "clip_a_max"],
)
def test_nondifferentiable_helpers_are_locally_constant(entry):
    func, args = entry
    args = list(args)
    if func is rn.chooser_partials:  # out = max of a, as generated code passes it
        args[1] = np.max(args[0], axis=args[2], keepdims=args[3])
    if func is rn.balanced_eq:  # z = maximum(x, y)
        args[1] = np.maximum(args[0], args[2])
    base = func(*args)
    for _ in range(3):
        t = like(args[0])
        moved = list(args)
        moved[0] = args[0] + 1e-7 * t
        if func is rn.chooser_partials:
            moved[1] = np.max(moved[0], axis=args[2], keepdims=args[3])
        if func is rn.balanced_eq:
            moved[1] = np.maximum(moved[0], args[2])
        np.testing.assert_array_equal(func(*moved), base)


# --- the templates evaluated directly ------------------------------------------------------


def _rule_for(func, args):
    """The rule the transformer picks for func(*args) (positional), and the bound values."""
    rules = RULES.lookup(func)
    params = max(rules, key=lambda r: len(r.params)).params
    bound = dict(zip(params, args))
    for rule in rules:
        if set(rule.params) >= set(bound) and all(
            p in bound or p in rule.defaults for p in rule.params
        ):
            return rule, bound
    raise LookupError(f"no rule for {func} with {sorted(bound)}")


def _eval(rule, mode, param, bound, out, seed):
    env = {**rule.defaults, **bound, "out": out, ("g" if mode == "vjp" else "t"): seed}
    code = compile(ast.Expression(rule.template(mode, param)), f"<{rule.label} {mode}>", "eval")
    return eval(code, {"__builtins__": builtins, **rule.namespace}, env)


def _is_float_value(v):
    if isinstance(v, list):
        return bool(v) and all(_is_float_value(e) for e in v)
    return isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f")


def _shift(v, t, h):
    if isinstance(v, list):
        return [a + h * b for a, b in zip(v, t)]
    return v + h * t


def _vdot(a, b):
    if _is_seq(a) or _is_seq(b):
        return sum(_vdot(x, y) for x, y in zip(a, b))
    return float(np.sum(np.asarray(a, dtype=float) * np.asarray(b, dtype=float)))


def _as_arrays(v):
    if _is_seq(v):
        return [np.asarray(e, dtype=float) for e in v]
    return np.asarray(v, dtype=float)


def _shape(v, like=None):
    """The shapes of a sequence's items (of `v` taken as one where `like` is a list: a
    list's cotangent is an array indexed like it, runtime.rows_of), or v's shape."""
    if _is_seq(v) or _is_seq(like):
        return [np.shape(e) for e in v]
    return np.shape(v)


def _is_seq(v):
    """A list or tuple, or an array of objects (runtime.rows_of's ragged items)."""
    return isinstance(v, (list, tuple)) or (isinstance(v, np.ndarray) and v.dtype == object)


def _cumprod_out(b):
    """Generated code passes np.cumprod(a, axis) as `o`: recompute it when `a` moves."""
    return {**b, "o": np.cumprod(b["a"], axis=b.get("axis"))}


def _pinv_out(b):
    """Generated code passes np.linalg.pinv(a) as `p`: recompute it when `a` moves."""
    return {**b, "p": np.linalg.pinv(b["a"])}


def _norm_s(ord=None, axis=None, keepdims=False):
    def derive(b):
        return {**b, "s": np.linalg.norm(b["x"], ord, axis, keepdims)}

    return derive


@dataclass
class Entry:
    id: str
    func: object
    args: tuple
    derive: object = None  # bound -> bound: recompute values tied to others (o = cumprod(a))
    skip: tuple = ()  # differentiable parameters not checked here (and why, at the entry)
    tol: dict = field(default_factory=dict)

    def __str__(self):
        return self.id


def _with_derived(derive, bound):
    return derive(bound) if derive else bound


_ZERO1 = np.array([[0.7, -1.2, 0.0], [1.1, 0.9, -0.8]])
_ZERO2 = np.array([[0.0, 0.0, 1.3, 0.5], [0.0, 0.6, -0.9, 1.1], [1.4, -0.7, 0.8, 0.0]])
_ZERO3 = np.array([[0.0, 0.0, 0.0, 0.9], [0.7, 0.0, 1.2, -0.6]])
_SINGULAR = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [1.5, 1.0, 5.0]])  # row3 = row1 + row2
_RANK1 = np.outer([1.0, -0.5, 2.0], [0.3, 1.1, -0.7])


def _entries():
    E = []

    def add(id_, func, *args, **kw):
        E.append(Entry(id_, func, tuple(args), **kw))

    # reductions
    a = U(2, 3, 4)
    add("expand_reduced-tuple", rn.expand_reduced, cot(np.sum, a, axis=(0, 2)), a, (0, 2), False)
    a = U(3, 4)
    add("expand_reduced-all", rn.expand_reduced, U(), a, None, False)
    a = U(2, 3, 4)
    add("expand_reduced-keepdims", rn.expand_reduced, U(2, 3, 1), a, -1, True)
    add("expand_reduced-all-keepdims", rn.expand_reduced, U(1, 1), U(3, 4), None, True)
    add("prod_partials-axis", rn.prod_partials, away(3, 4), 1)
    add("prod_partials-all", rn.prod_partials, away(2, 3))
    add("prod_partials-tuple", rn.prod_partials, away(2, 3, 4), (0, -1))
    add("prod_partials-one-zero", rn.prod_partials, _ZERO1)
    add("prod_partials-zeros-axis", rn.prod_partials, _ZERO2, 1)
    add("prod_partials-three-zeros", rn.prod_partials, _ZERO3, -1)
    add("var_partials-all", rn.var_partials, U(3, 4))
    add("var_partials-axis-ddof", rn.var_partials, U(3, 4), 0, 1)
    add("var_partials-tuple", rn.var_partials, U(2, 3, 4), (0, 2), 0)
    a = U(2, 3, 4)
    add("std_partials-tuple", rn.std_partials, a, np.std(a, axis=(1, 2)), (1, 2), 0, False)
    a = U(3, 4)
    add("std_partials-all", rn.std_partials, a, float(np.std(a)))
    a = U(3, 4)
    add(
        "std_partials-keepdims-ddof",
        rn.std_partials,
        a,
        np.std(a, 0, ddof=1, keepdims=True),
        0,
        1,
        True,
    )
    x = U(5)
    add("norm_partials-2", rn.norm_partials, x, float(np.linalg.norm(x)))
    x = U(3, 4)
    add(
        "norm_partials-axis-keepdims",
        rn.norm_partials,
        x,
        np.linalg.norm(x, None, 1, True),
        None,
        1,
        True,
    )
    x = U(2, 3, 4)
    add(
        "norm_partials-fro-axes",
        rn.norm_partials,
        x,
        np.linalg.norm(x, "fro", (2, 0)),
        "fro",
        (2, 0),
    )
    x = U(3, 4)
    add("norm_partials-matrix-none", rn.norm_partials, x, float(np.linalg.norm(x)))
    x = away(5)
    add("norm_partials-ord3", rn.norm_partials, x, float(np.linalg.norm(x, 3)), 3)
    x = away(5)
    add("norm_partials-ord1.5", rn.norm_partials, x, float(np.linalg.norm(x, 1.5)), 1.5)
    x = away(2, 5)
    add("norm_partials-ord-1-axis", rn.norm_partials, x, np.linalg.norm(x, -1, 1), -1, 1)
    # piecewise constant partials: `s` must stay the norm of x (hit == |x| == s), so
    # it moves with x and only the total derivative (zero) is checked
    for ord_, shape, axis in (
        (1, (5,), None),
        (np.inf, (5,), None),
        (-np.inf, (5,), None),
        (0, (5,), None),
        (1, (3, 4), None),
        (np.inf, (2, 3, 4), (2, 1)),
        (-1, (3, 4), (0, 1)),
    ):
        x = away(*shape)
        add(
            f"norm_partials-ord{ord_}-{len(shape)}d",
            rn.norm_partials,
            x,
            np.linalg.norm(x, ord_, axis),
            ord_,
            axis,
            derive=_norm_s(ord_, axis),
            skip=("s",),
        )
    for ord_, shape in (("nuc", (3, 4)), (2, (3, 4)), (-2, (4, 3)), (2, (3, 3)), ("nuc", (4, 3))):
        x = U(*shape)
        add(
            f"norm_partials-{ord_}-{shape}",
            rn.norm_partials,
            x,
            float(np.linalg.norm(x, ord_)),
            ord_,
        )
    x = U(2, 3, 4)
    add(
        "norm_partials-nuc-batched",
        rn.norm_partials,
        x,
        np.linalg.norm(x, "nuc", (2, 1)),
        "nuc",
        (2, 1),
    )
    add("cumsum_vjp-axis", rn.cumsum_vjp, U(2, 3, 4), U(2, 3, 4), 1)
    add("cumsum_vjp-flat", rn.cumsum_vjp, U(6), U(2, 3))
    for id_, a, axis in (
        ("axis", away(3, 4, lo=0.5, hi=1.5), 1),
        ("flat", away(2, 3), None),
        ("zeros-axis", _ZERO2, -1),
        ("zeros-flat", _ZERO1, None),
        ("zeros-axis0", _ZERO3, 0),
    ):
        o = np.cumprod(a, axis=axis)
        add(f"cumprod_vjp-{id_}", rn.cumprod_vjp, like(o), a, o, axis, derive=_cumprod_out)
        add(f"cumprod_jvp-{id_}", rn.cumprod_jvp, like(a), a, o, axis, derive=_cumprod_out)
    # linear algebra
    a, b = U(2, 3, 4), U(3, 4, 5)
    add("tensordot_da-int", rn.tensordot_da, cot(np.tensordot, a, b), a, b, 2)
    add("tensordot_db-int", rn.tensordot_db, cot(np.tensordot, a, b), a, b, 2)
    a, b, axes = U(2, 3, 4), U(4, 5, 2), ([0, 2], [2, 0])
    add("tensordot_da-pairs", rn.tensordot_da, cot(np.tensordot, a, b, axes), a, b, axes)
    add("tensordot_db-pairs", rn.tensordot_db, cot(np.tensordot, a, b, axes), a, b, axes)
    a, b = U(3, 4), U(4)
    add("tensordot_da-dot", rn.tensordot_da, cot(np.dot, a, b), a, b, rn.dot_axes(a, b))
    add("tensordot_db-dot", rn.tensordot_db, cot(np.dot, a, b), a, b, rn.dot_axes(a, b))
    a, b = 1.5, U(3, 4)
    add("tensordot_db-scalar", rn.tensordot_db, cot(np.dot, a, b), a, b, rn.dot_axes(a, b))
    add("tensordot_da-scalar", rn.tensordot_da, cot(np.dot, a, b), a, b, rn.dot_axes(a, b))
    for id_, a, b in (
        ("mat-mat", U(3, 4), U(4, 2)),
        ("mat-vec", U(3, 4), U(4)),
        ("vec-mat", U(4), U(2, 4, 3)),
        ("vec-vec", U(4), U(4)),
        ("broadcast", U(2, 1, 3, 4), U(5, 4, 2)),
    ):
        add(f"matmul_da-{id_}", rn.matmul_da, cot(np.matmul, a, b), a, b)
        add(f"matmul_db-{id_}", rn.matmul_db, cot(np.matmul, a, b), a, b)
    for spec, ops in (
        ("ii->i", (U(3, 3),)),
        ("ij->", (U(2, 3),)),
        ("ij,jk", (U(2, 3), U(3, 4))),
        ("...i,ij,j->...", (U(5, 2), U(2, 3), U(3))),
        ("ij,jk,kl,l->i", (U(2, 3), U(3, 2), U(2, 4), U(4))),
    ):
        for index in range(len(ops)):
            add(
                f"einsum_vjp-{spec}-{index}",
                rn.einsum_vjp,
                cot(np.einsum, spec, *ops),
                spec,
                index,
                *ops,
            )
    a = U(3, 4, 2)
    add("trace_vjp-offset-axes", rn.trace_vjp, cot(np.trace, a, 1, 2, 0), a, 1, 2, 0)
    a = U(3, 3)
    add("trace_vjp", rn.trace_vjp, U(), a)
    add("det_cofactor", rn.det_cofactor, well_conditioned(3, 3))
    add("det_cofactor-batched", rn.det_cofactor, well_conditioned(2, 3, 3))
    add("det_cofactor-singular", rn.det_cofactor, _SINGULAR.copy())
    add("det_cofactor-rank1", rn.det_cofactor, _RANK1.copy())
    add("det_cofactor-4x4", rn.det_cofactor, U(4, 4))
    add("det_cofactor-2x2", rn.det_cofactor, U(2, 2))
    add("det_cofactor-1x1", rn.det_cofactor, U(1, 1))
    add("scale_matrices-batched", rn.scale_matrices, U(2), U(2, 3, 3))
    add("scale_matrices-scalar", rn.scale_matrices, U(), U(3, 3))
    for id_, a, b in (
        ("vec", well_conditioned(3, 3), U(3)),
        ("mat", well_conditioned(3, 3), U(3, 2)),
        ("batched-a-vec-b", well_conditioned(2, 3, 3), U(3)),
        ("batched-b", well_conditioned(3, 3), U(2, 3, 2)),
        ("batched-a", well_conditioned(2, 3, 3), U(3, 2)),
    ):
        x = np.linalg.solve(a, b)
        add(f"solve_db-{id_}", rn.solve_db, like(x), a, b)
        add(f"solve_da-{id_}", rn.solve_da, like(x), a, b, x)
        add(f"solve_jvp_a-{id_}", rn.solve_jvp_a, like(a), a, b, x)
    # shape operations
    a = U(2, 3, 4)
    add("transpose_vjp-axes", rn.transpose_vjp, cot(np.transpose, a, (2, 0, 1)), (2, 0, 1))
    add("transpose_vjp-neg-axes", rn.transpose_vjp, cot(np.transpose, a, (-1, 0, 1)), (-1, 0, 1))
    add("transpose_vjp-none", rn.transpose_vjp, U(4, 3, 2))
    a = U(3, 4)
    add("tile_vjp", rn.tile_vjp, cot(np.tile, a, 2), a, 2)
    add("tile_vjp-more-reps", rn.tile_vjp, cot(np.tile, a, (2, 1, 3)), a, (2, 1, 3))
    a = U(2, 3)
    add("repeat_vjp-per-element", rn.repeat_vjp, cot(np.repeat, a, [2, 0, 1], -1), a, [2, 0, 1], -1)
    add("repeat_vjp-flat", rn.repeat_vjp, cot(np.repeat, a, 3), a, 3)
    a = U(3)
    add("asarray_vjp-ndmin", rn.asarray_vjp, cot(np.array, a, ndmin=2), a)
    add("asarray_vjp-float", rn.asarray_vjp, U(), 0.7)
    add("rows_of", rn.rows_of, [U(2, 3), U(2, 3)])
    add("rows_of-ragged", rn.rows_of, [U(2, 3), U(4)])
    arrays = [U(2, 3), U(2, 1)]
    add("concatenate_vjp-axis", rn.concatenate_vjp, cot(np.concatenate, arrays, -1), arrays, -1)
    arrays = [U(2, 3), U(4)]
    add("concatenate_vjp-none", rn.concatenate_vjp, cot(np.concatenate, arrays, None), arrays, None)
    arrays = [U(2, 3), U(2, 3), U(2, 3)]
    add("stack_vjp", rn.stack_vjp, cot(np.stack, arrays, 1), arrays, 1)
    arrays = [U(2, 3), U(2, 1)]
    add("hstack_vjp", rn.hstack_vjp, cot(np.hstack, arrays), arrays)
    arrays = [U(3), U(2)]
    add("hstack_vjp-1d", rn.hstack_vjp, cot(np.hstack, arrays), arrays)
    arrays = [U(2, 3), U(3)]
    add("vstack_vjp", rn.vstack_vjp, cot(np.vstack, arrays), arrays)
    # issue 13's structural helpers
    a = U(4, 3)
    add("diff_vjp", rn.diff_vjp, cot(np.diff, a), a)
    add("diff_vjp-n2-axis0", rn.diff_vjp, cot(np.diff, a, 2, 0), a, 2, 0)
    a = U(2, 3, 4)
    add("diagonal_vjp", rn.diagonal_vjp, cot(np.diagonal, a, 1, 2, 0), a, 1, 2, 0)
    add("diagonal_vjp-default", rn.diagonal_vjp, cot(np.diagonal, a), a)
    a = U(3)
    add("diag_vjp-1d", rn.diag_vjp, cot(np.diag, a, 1), a, 1)
    a = U(3, 4)
    add("diag_vjp-2d", rn.diag_vjp, cot(np.diag, a, -1), a, -1)
    a, idx = U(3, 4), np.array([[0, 0, 3], [1, 2, 2], [3, 1, 0]])
    add(
        "take_along_axis_vjp", rn.take_along_axis_vjp, cot(np.take_along_axis, a, idx, 1), a, idx, 1
    )
    idx = np.array([5, 0, 5])
    add(
        "take_along_axis_vjp-flat",
        rn.take_along_axis_vjp,
        cot(np.take_along_axis, a, idx, None),
        a,
        idx,
        None,
    )
    y = U(3, 4)
    add("trapezoid_vjp", rn.trapezoid_vjp, cot(np.trapezoid, y), y)
    xs = np.cumsum(U(3, 4, lo=0.1, hi=1), axis=0)
    add("trapezoid_vjp-x", rn.trapezoid_vjp, cot(np.trapezoid, y, xs, axis=0), y, xs, 1.0, 0)
    x1 = np.array([0.0, 0.5, 1.5, 1.7])
    add("trapezoid_vjp-x1", rn.trapezoid_vjp, cot(np.trapezoid, y, x1), y, x1, 1.0, -1)
    add("trapezoid_x_vjp", rn.trapezoid_x_vjp, cot(np.trapezoid, y, x1), y, x1)
    add("trapezoid_x_vjp-nd", rn.trapezoid_x_vjp, cot(np.trapezoid, y, xs, axis=0), y, xs, 0)
    a, qs = U(3, 4), np.array([0.2, 0.75])
    add("quantile_vjp", rn.quantile_vjp, cot(np.quantile, a, qs, 1), a, qs, 1)
    add("quantile_jvp", rn.quantile_jvp, U(3, 4), a, qs, -2, True)
    tup = [U(3), U(3, 2)]
    add("column_stack_vjp", rn.column_stack_vjp, cot(np.column_stack, tup), tup)
    for id_, a, b, kw in (
        ("3", U(4, 3), U(3), {}),
        ("axes", U(3, 4), U(2, 4, 3), {"axisa": 0, "axisc": 0}),
        ("axis", U(3, 4), U(3, 4), {"axis": 0}),
    ):
        axes = (kw.get("axisa", -1), kw.get("axisb", -1), kw.get("axisc", -1), kw.get("axis"))
        add(f"cross_da-{id_}", rn.cross_da, cot(np.cross, a, b, **kw), a, b, *axes)
        add(f"cross_db-{id_}", rn.cross_db, cot(np.cross, a, b, **kw), a, b, *axes)
    for id_, a, b in (("2d", U(2, 3), U(4, 2)), ("1d-2d", U(3), U(2, 2))):
        add(f"kron_da-{id_}", rn.kron_da, cot(np.kron, a, b), a, b)
        add(f"kron_db-{id_}", rn.kron_db, cot(np.kron, a, b), a, b)
    for mode, a, b in (("full", U(5), U(3)), ("same", U(4), U(6)), ("valid", U(3), U(5))):
        add(f"convolve_da-{mode}", rn.convolve_da, cot(np.convolve, a, b, mode), a, b, mode)
        add(f"convolve_db-{mode}", rn.convolve_db, cot(np.convolve, a, b, mode), a, b, mode)
    a = U(2, 3)
    add("pad_vjp", rn.pad_vjp, cot(np.pad, a, ((1, 0), (2, 1))), a, ((1, 0), (2, 1)))
    add("pad_vjp-int", rn.pad_vjp, cot(np.pad, a, 2), a, 2)
    a = U(2, 3, 4)
    add("rollaxis_vjp", rn.rollaxis_vjp, cot(np.rollaxis, a, 2), a, 2)
    add("rollaxis_vjp-start", rn.rollaxis_vjp, cot(np.rollaxis, a, -1, -2), a, -1, -2)
    x, xp, fp = np.array([[-0.5, 0.3], [2.5, 1.5]]), [0.0, 1.0, 2.0], U(3)
    add("interp_vjp", rn.interp_vjp, cot(np.interp, x, xp, fp), x, xp, fp)
    add("interp_vjp-ends", rn.interp_vjp, cot(np.interp, x, xp, fp), x, xp, fp, -1.0, 4.0)
    add("interp_slope", rn.interp_slope, x, xp, fp)
    add("interp_slope_vjp", rn.interp_slope_vjp, like(x), x, xp, fp)
    for id_, a, b, axis in (("flat", U(2, 3), U(4), None), ("axis", U(2, 3), U(2, 2), 1)):
        for wrt, x in (("arr", a), ("values", b)):
            g = cot(np.append, a, b, axis)
            add(f"append_part-{id_}-{wrt}", rn.append_part, g, a, b, axis, wrt)
            add(f"append_embed-{id_}-{wrt}", rn.append_embed, like(x), a, b, axis, wrt)
    for id_, m, y, rest in (
        ("rows", U(3, 5), None, ()),
        ("cols-y-ddof", U(5, 2), U(5), (False, False, 2)),
        ("bias", U(2, 4), None, (True, True)),
    ):
        c = np.cov(m, y, *rest)
        add(f"cov_jvp-{id_}", rn.cov_jvp, like(m), m, y, *rest)
        add(f"cov_vjp-{id_}", rn.cov_vjp, like(c), m, y, *rest)
    for id_, x, y, rest in (("rows", U(3, 5), None, ()), ("cols-y", U(5, 2), U(5), (False,))):
        r = np.corrcoef(x, y, *rest)
        add(f"corrcoef_jvp-{id_}", rn.corrcoef_jvp, like(x), x, y, *rest)
        add(f"corrcoef_vjp-{id_}", rn.corrcoef_vjp, like(r), x, y, *rest)
    conds = [U(3, 4) > 0.3, U(4) > -0.2]
    choices = [U(3, 4), U(3, 1)]
    add("select_vjp", rn.select_vjp, cot(np.select, conds, choices), conds, choices)
    add("sinc_d1", rn.sinc_d1, np.array([0.0, 1e-4, -5e-4, -0.3, 0.8, 2.5]))
    # cholesky, matrix_power, pinv
    for id_, b in (("3x3", U(3, 3)), ("batched", U(2, 3, 3))):
        L = np.linalg.cholesky(np.matmul(b, np.swapaxes(b, -1, -2)) + 3 * np.eye(3))
        add(f"cholesky_jvp-{id_}", rn.cholesky_jvp, like(L), L)
        add(f"cholesky_vjp-{id_}", rn.cholesky_vjp, like(L), L)
    for n in (3, -2, 0, 1):
        a = well_conditioned(2, 3, 3)
        add(f"matrix_power_jvp-{n}", rn.matrix_power_jvp, like(a), a, n)
    for id_, a in (("tall", U(4, 3)), ("wide", U(2, 3)), ("batched", well_conditioned(2, 3, 3))):
        p = np.linalg.pinv(a)
        add(f"pinv_jvp-{id_}", rn.pinv_jvp, like(a), a, p, derive=_pinv_out)
        add(f"pinv_vjp-{id_}", rn.pinv_vjp, like(p), a, p, derive=_pinv_out)
    # array creation
    start, stop = U(3), U(3)
    g = cot(np.linspace, start, stop, 4, endpoint=False, axis=1)
    add("linspace_vjp-start", rn.linspace_vjp, g, start, stop, 4, False, 1, "start")
    add("linspace_vjp-stop", rn.linspace_vjp, g, start, stop, 4, False, 1, "stop")
    start, stop = 0.5, U(2)
    g = cot(np.linspace, start, stop, 3)
    add("linspace_vjp-scalar-start", rn.linspace_vjp, g, start, stop, 3, True, 0, "start")
    add("linspace_vjp-array-stop", rn.linspace_vjp, g, start, stop, 3, True, 0, "stop")
    return E


ENTRIES = _entries()


@pytest.mark.parametrize("e", ENTRIES, ids=str)
def test_rule_templates_jvp_and_vjp(e):
    rule, bound = _rule_for(e.func, e.args)
    bound = _with_derived(e.derive, bound)
    args = [bound[p] for p in list(bound)[: len(e.args)]]
    out = e.func(*args)
    checked = 0
    for p in rule.vjp:
        if p in e.skip or p not in bound or not _is_float_value(bound[p]):
            continue
        checked += 1
        value = bound[p]
        g = like(out)
        t = like(value)
        # the vjp: a cotangent of the parameter's exact shape
        ct = _eval(rule, "vjp", p, bound, out, g)
        assert _shape(ct, value) == _shape(value), (
            f"vjp for {p}: shape {_shape(ct, value)}, not {_shape(value)}"
        )
        # the jvp against a central difference of the helper along t
        tan = _eval(rule, "jvp", p, bound, out, t)
        h = 1e-6

        def at(shift, p=p, value=value, t=t):
            moved = _with_derived(e.derive, {**bound, p: _shift(value, t, shift)})
            return _as_arrays(e.func(*[moved[q] for q in list(moved)[: len(e.args)]]))

        plus, minus = at(h), at(-h)
        if _is_seq(out):
            numeric = [(a - b) / (2 * h) for a, b in zip(plus, minus)]
            assert len(tan) == len(numeric)
            for k, (x, y) in enumerate(zip(tan, numeric)):
                np.testing.assert_allclose(
                    np.broadcast_to(x, y.shape),
                    y,
                    rtol=1e-5,
                    atol=1e-6,
                    err_msg=f"jvp of {rule.label} w.r.t. {p}, item {k}",
                )
        else:
            numeric = (plus - minus) / (2 * h)
            assert np.shape(tan) == np.shape(numeric), f"jvp for {p}: shape {np.shape(tan)}"
            np.testing.assert_allclose(
                tan,
                numeric,
                rtol=e.tol.get("rtol", 1e-5),
                atol=e.tol.get("atol", 1e-6),
                err_msg=f"jvp of {rule.label} w.r.t. {p}",
            )
        # the vjp is the transpose of the jvp
        lhs, rhs = _vdot(g, tan), _vdot(ct, t)
        assert np.isclose(lhs, rhs, rtol=1e-9, atol=1e-11), (
            f"vjp of {rule.label} w.r.t. {p} is not the transpose of its jvp: {lhs} vs {rhs}"
        )
    assert checked, "no differentiable argument checked in this entry"


def test_every_differentiable_rule_is_checked_directly():
    covered = {id(_rule_for(e.func, e.args)[0]) for e in ENTRIES}
    missing = sorted(
        r.label + str(r.params) for r in RR.REGISTERED if r.differentiable and id(r) not in covered
    )
    assert not missing, missing
    # and every differentiable parameter of each, somewhere
    seen = {}
    for e in ENTRIES:
        rule, bound = _rule_for(e.func, e.args)
        seen.setdefault(id(rule), set()).update(
            p for p in rule.vjp if p not in e.skip and _is_float_value(bound.get(p))
        )
    for r in RR.REGISTERED:
        if r.differentiable:
            assert seen[id(r)] == set(r.vjp), (r.label, set(r.vjp) - seen[id(r)])


def test_second_order_helpers_keep_float32():
    a = away(3, 4).astype(np.float32)
    assert RR.prod_partials_jvp(np.ones_like(a), a, 1).dtype == np.float32
    o = np.cumprod(a, axis=1)
    assert RR.cumprod_hess(np.ones_like(a), np.ones_like(o), a, o, 1).dtype == np.float32
    x = U(3, 4).astype(np.float32)
    s = np.linalg.norm(x)
    assert RR.norm_partials_dx(np.ones_like(x), x, s).dtype == np.float32
    assert RR.norm_partials_ds(x, s).dtype == np.float32


def test_second_order_helpers_are_exact_at_zeros():
    # d2 prod / da_i da_k = prod of the others: with two zeros only the pair of zeros gets it
    a = np.array([0.0, 2.0, 0.0, 3.0])
    t = np.array([1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(RR.prod_partials_jvp(t, a), [0.0, 0.0, 6.0, 0.0])
    # the Hessian of det at a singular matrix: finite and exact (det is multilinear)
    A = _SINGULAR
    T = np.zeros((3, 3))
    T[0, 0] = 1.0
    d = RR.det_cofactor_jvp(T, A)
    # d cof(A)[i, j] / dA[0, 0]: minors with row 0 and col 0 deleted -> 0 in row/col 0
    want = np.zeros((3, 3))
    want[1, 1], want[2, 2] = A[2, 2], A[1, 1]
    want[1, 2], want[2, 1] = -A[2, 1], -A[1, 2]
    np.testing.assert_allclose(d, want, atol=1e-12)


# --- end to end: Hessians of NumPy functions ----------------------------------------------


def sums_means(x):
    return np.sum(
        np.mean(x**3, axis=0, keepdims=True) * np.sum(np.sin(x), axis=1, keepdims=True)
    ) + np.sum(np.mean(x * x, axis=(0, 1)) ** 2)


def logsumexp_rows(x):
    m = np.max(x, axis=1, keepdims=True)
    return np.sum(m + np.log(np.sum(np.exp(x - m), axis=1, keepdims=True)))


def softmax_weighted(x, w):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    p = e / np.sum(e, axis=-1, keepdims=True)
    return np.sum(w * p)


def quadratic_form(x, A):
    return x @ A @ x


def tanh_matvec(x, A):
    return np.sum(np.tanh(A @ x))


def mlp_loss(W1, X, W2, y):
    h = np.tanh(X @ W1)
    pred = h @ W2
    return np.mean((pred - y) ** 2)


def norms(x):
    return (
        np.sum(np.linalg.norm(x, axis=1) ** 3)
        + np.linalg.norm(x)
        + np.sum(np.linalg.norm(x, 3, axis=0, keepdims=True))
    )


def nuclear_norm(x):
    return np.linalg.norm(x, "nuc") + np.linalg.norm(x, 2) ** 2


def prods(x):
    return np.sum(np.prod(x, axis=0)) + np.prod(x) ** 2


def cumsums(x):
    return np.sum(np.cumsum(x) ** 2) + np.sum(np.sin(np.cumsum(x, axis=1)))


def cumprods(x):
    return np.sum(np.cumprod(x, axis=1) ** 2) + np.sum(np.cumprod(x))


def einsums(x, A):
    return np.einsum("ij,jk,ik->", x, A, x) + np.sum(np.einsum("ij,ij->i", x, x) ** 2)


def concatenates(x):
    c = np.concatenate([x, x**2], axis=0)
    return np.sum(c**3)


def stacks(x):
    s = np.stack([np.sin(x), x], axis=1)
    return np.sum(s * s * x[:, None])


def shape_ops(x):
    r = np.repeat(x, 2, axis=1) * np.repeat(x, [1, 2, 3], axis=1)
    p = np.transpose(x[:, :, None] * x[:, None, :], (2, 0, 1))
    return (
        np.sum(np.tile(x, (2, 1)) ** 3)
        + np.sum(r**2)
        + np.sum(p**2)
        + np.sum(np.array(x, ndmin=3) ** 4)
    )


def linspace_end(s):
    return np.sum(np.linspace(0.5, s, 5) ** 3)


def spreads(x):
    return np.std(x) + np.sum(np.var(x, axis=0) ** 2) + np.sum(np.std(x, axis=1, ddof=1) ** 3)


def linalg_mix(A, b):
    return np.sum(np.linalg.solve(A, b) ** 2) + np.linalg.det(A) + np.trace(A @ A)


def dots(x, B):
    return np.sum(np.dot(B, x) ** 2) + np.tensordot(x, x, axes=1) ** 2 + np.sum(np.outer(x, x) ** 3)


def structural(x):
    d = np.diff(x, axis=0) * np.sum(np.diag(np.diag(x[:, :3])))
    s = np.sort(x, axis=1) * np.tril(x)
    e = np.diagonal(x[:, None, :] * x[None, :, :], 1, 2, 0)
    c = np.column_stack([x[:, 0], x])
    t = np.trapezoid(x**3, dx=0.5)
    return np.sum(d**3) + np.sum(s**2) + np.sum(e**2) + np.sum(t**2) + np.sum(c**3)


def bilinear(x):
    k = np.kron(x, x[:2] ** 2)
    c = np.cross(x, np.sin(x))
    v = np.convolve(x, x**2, "same")
    m = np.stack([x, x**2, np.sin(x)])
    return np.sum(k**2) + np.sum(c**2) + np.sum(v * x) + np.sum(np.cov(m) ** 2)


def padded_rolled(x):
    p = np.pad(x, ((1, 0), (2, 1))) * np.sinc(np.pad(x, ((1, 0), (2, 1))))
    r = np.rollaxis(x[:, :, None] * x[:, None, :], 2)
    i = np.interp(np.array([0.2, 1.5, 2.7]), [0.0, 1.0, 2.0, 3.0], x[0] ** 2)
    return np.sum(p**2) + np.sum(r**2) + np.sum(i**3) + np.sum(x**3, where=x > 0)


def pinv_squares(a):
    return np.sum(np.linalg.pinv(a) ** 2)


def cholesky_logdet(b):
    s = np.matmul(b, np.swapaxes(b, -1, -2)) + 3 * np.eye(b.shape[-1])
    return np.log(np.prod(np.diag(np.linalg.cholesky(s))))


def cholesky_cubes(s):
    return np.sum(np.linalg.cholesky(s) ** 3)


def trapezoid_in_x(x, y):
    return np.sum(np.trapezoid(y * x, np.cumsum(x**2, axis=-1)) ** 2)


def medians_quantiles(x):
    m = np.median(x**3, axis=-1)
    q = np.quantile(np.sin(x), [0.3, 0.8], axis=0, keepdims=True)
    return np.sum(m**2) + np.sum(q**2 * x) + np.percentile(x**2, 60.0) ** 2


def ptps(x):
    return np.ptp(x) ** 2 + np.sum(np.ptp(x**3, axis=-1, keepdims=True) ** 2)


def spd(*shape):
    b = U(*shape)
    return np.matmul(b, np.swapaxes(b, -1, -2)) + 3 * np.eye(shape[-1])


@dataclass
class H:
    id: str
    func: object
    args: tuple
    wrt: object = 0
    marks: dict = field(default_factory=dict)  # mode -> pytest mark

    def __str__(self):
        return self.id


A44 = U(4, 4)
HCASES = [
    H("sum_mean_axis_keepdims", sums_means, (U(3, 4),)),
    H("logsumexp_max_keepdims", logsumexp_rows, (U(2, 3, lo=-2, hi=2),)),
    H("softmax_max_keepdims", softmax_weighted, (U(2, 4, lo=-2, hi=2), U(2, 4)), "x"),
    H("quadratic_form_matmul", quadratic_form, (U(4), A44), "x"),
    H("tanh_matvec", tanh_matvec, (U(4), U(3, 4)), "x"),
    H("tanh_matvec_wrt_A", tanh_matvec, (U(4), U(3, 4)), "A"),
    H("mlp_weight_matrix", mlp_loss, (U(3, 4), U(5, 3), U(4, 2), U(5, 2)), "W1"),
    H("norm_axis_keepdims_ord3", norms, (away(3, 4),)),
    H("norm_nuclear_spectral", nuclear_norm, (U(3, 4),)),
    H("prod_axis_all", prods, (away(3, 4, lo=0.5, hi=1.5),)),
    H("prod_with_zeros", prods, (_ZERO2.copy(),)),
    H("cumsum_flat_axis", cumsums, (U(3, 4),)),
    H("cumprod_flat_axis", cumprods, (away(2, 3, lo=0.5, hi=1.5),)),
    H("cumprod_with_zeros", cumprods, (_ZERO1.copy(),)),
    H("einsum_three_operands", einsums, (U(3, 4), A44), "x"),
    H("concatenate", concatenates, (U(4),)),
    H("stack", stacks, (U(4),)),
    H("std_var", spreads, (U(3, 4),)),
    H("solve_det_trace", linalg_mix, (well_conditioned(3, 3), U(3)), "A"),
    H("dot_tensordot_outer", dots, (U(3), U(2, 3)), "x"),
    H("tile_repeat_transpose_array", shape_ops, (U(2, 3),)),
    H("linspace_stop", linspace_end, (0.7,)),
    H("diff_diag_sort_trapezoid_column_stack", structural, (U(3, 4),)),
    H("kron_cross_convolve_cov", bilinear, (U(3),)),
    H("pad_sinc_rollaxis_interp_where", padded_rolled, (U(2, 4),)),
    H("pinv_tall", pinv_squares, (U(4, 3),)),
    H("pinv_wide", pinv_squares, (U(2, 3),)),
    H("pinv_batched", pinv_squares, (well_conditioned(2, 3, 3),)),
    H("cholesky_logdet", cholesky_logdet, (U(3, 3),)),
    H("cholesky_of_the_matrix", cholesky_cubes, (spd(3, 3),)),
    H("cholesky_batched", cholesky_cubes, (spd(2, 3, 3),)),
    H("ptp_squared", ptps, (U(3, 4),)),
    H("trapezoid_in_x", trapezoid_in_x, (U(2, 4), U(2, 4))),
    H("median_quantile_percentile", medians_quantiles, (U(3, 4),)),
]


def _check_hessian(c, mode):
    params = list(inspect.signature(c.func).parameters)
    i = params.index(c.wrt) if isinstance(c.wrt, str) else c.wrt
    Hm = np.asarray(srcdiff.hessian(c.func, wrt=c.wrt, mode=mode)(*c.args), dtype=float)
    shape = np.shape(c.args[i])
    assert Hm.shape == shape + shape
    grad_fn = srcdiff.grad(c.func, wrt=params[i])
    numeric = fd_jacobian(lambda *a: np.asarray(grad_fn(*a), dtype=float), c.args, i)
    assert_close(Hm, numeric, 1e-6, 1e-7 * scale_of(numeric), f"{mode} hessian vs fd of grad")
    n = int(np.prod(shape))
    flat = Hm.reshape(n, n)
    assert_close(flat, flat.T, 1e-9, 1e-11 * scale_of(flat), "H vs H^T")


def _cases(mode):
    return [
        pytest.param(c, id=c.id, marks=[c.marks[mode]] if mode in c.marks else []) for c in HCASES
    ]


def test_at_least_ten_end_to_end_functions():
    assert len({c.func for c in HCASES}) >= 10


@pytest.mark.parametrize("c", _cases("forward-over-reverse"))
def test_hessian_forward_over_reverse(c):
    _check_hessian(c, "forward-over-reverse")


@pytest.mark.parametrize("c", _cases("reverse-over-reverse"))
def test_hessian_reverse_over_reverse(c):
    _check_hessian(c, "reverse-over-reverse")


# Forward over forward differentiates jvp code: cumprod_jvp, solve_jvp_a, pinv_jvp and
# cholesky_jvp appear there.
@pytest.mark.parametrize(
    "c",
    [
        c
        for c in HCASES
        if c.func
        in (
            cumprods,
            linalg_mix,
            prods,
            concatenates,
            stacks,
            structural,
            bilinear,
            padded_rolled,
            pinv_squares,
            cholesky_logdet,
            cholesky_cubes,
        )
    ],
    ids=str,
)
def test_hessian_forward_over_forward(c):
    _check_hessian(c, "forward-over-forward")


def pinv_gram(x):
    return np.sum(np.linalg.pinv(np.dot(x.T, x)) * np.linspace(0.5, 2.0, 25).reshape(5, 5))


def inv_gram(x):
    return np.sum(np.linalg.inv(np.dot(x.T, x)) * np.linspace(0.5, 2.0, 25).reshape(5, 5))


@pytest.mark.parametrize("mode", ["forward-over-reverse", "reverse-over-reverse"])
def test_hessian_through_pinv_of_an_ill_conditioned_matrix_keeps_its_digits(mode):
    """pinv of an invertible Gram matrix with condition number 1e6 (autograd's test_pinv
    low_rank(5, 5)): its Hessian is inv's.  Differentiating pinv_vjp's polynomial in a and
    p separately cancelled large terms and was 200 % off here; the projector form keeps
    the digits (finite differences of the gradient are no better than 1e-4 here)."""
    u, _ = np.linalg.qr(RNG.standard_normal((5, 5)))
    v, _ = np.linalg.qr(RNG.standard_normal((5, 5)))
    x = u @ np.diag(np.geomspace(1.0, 1e-3, 5)) @ v
    want = srcdiff.hessian(inv_gram, mode=mode)(x)
    got = srcdiff.hessian(pinv_gram, mode=mode)(x)
    assert_close(got, want, 1e-4, 1e-4 * scale_of(want), "pinv vs inv hessian")


def test_hvp_uses_the_helper_rules():
    x, A = U(4), A44
    v = U(4)
    hv = srcdiff.hvp(quadratic_form, (x, A), v, wrt="x")
    assert_close(hv, (A + A.T) @ v, 1e-13, 1e-14, "hvp of x @ A @ x")


@pytest.mark.parametrize("axis", [0, -1])
def test_reduction_helpers_take_an_axis_on_a_scalar(axis):
    """NumPy's np.sum / np.max accept axis 0 or -1 on a 0-d input and reduce nothing: the
    helpers' partials are those of the identity (found by the random-program tester)."""
    for a in (np.array(-1.01), -1.01):
        out = np.max(a, axis=axis)
        assert rn.chooser_partials(a, out, axis, False) == 1.0
        assert rn.expand_reduced(np.array(2.5), a, axis, False) == 2.5
        assert rn.expand_reduced(np.array(2.5), a, axis, True) == 2.5
        assert rn.reduced_size(a, axis) == 1
        assert rn.var_partials(a, axis) == 0.0

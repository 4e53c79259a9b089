"""What JAX's test suite differentiates, as plain NumPy/SciPy functions.

Translated from jax-ml/jax ``tests/`` (read at commit cec06d1):

* ``lax_numpy_test.py``: ``GRAD_TEST_RECORDS`` (``testOpGrad``),
  ``GRAD_SPECIAL_VALUE_TEST_RECORDS``, and the grad regression tests of
  ``NumpyGradTests`` (sinc at 0, take_along_axis, ldexp, frexp, tanh at 190);
* ``lax_autodiff_test.py``: ``LAX_GRAD_OPS`` and ``LAX_GRAD_SPECIAL_VALUE_TESTS``
  with each ``lax`` primitive spelled as the NumPy function it is (``lax.rsqrt``
  is ``1 / np.sqrt``, ``lax.clamp(lo, x, hi)`` is ``np.clip(x, lo, hi)``, ...), and
  the structural grad tests whose operation NumPy has (concatenate, split, dot,
  broadcast, reshape, pad, rev, select, slice, dynamic (update) slice, transpose,
  reduce, cumulative reductions, sort, top_k, index_take, gather, scatter, rem, tile);
* ``lax_numpy_reducers_test.py``: the reducer records (sum ... nanstd, ptp) over
  their shapes, every axis and keepdims, ``initial=`` and ``where=``;
* ``lax_numpy_indexing_test.py``: ``STATIC_INDEXING_TESTS``,
  ``ADVANCED_INDEXING_TESTS``, ``MIXED_ADVANCED_INDEXING_TESTS`` (gradients of
  reads, with the index written out or passed as an argument), the boolean-mask
  and None/Ellipsis tests, and ``IndexedUpdateTest``'s gradient tests as NumPy
  index assignment (``z[i] = y``, ``z[i] += y``, ``-=``, ``*=``; ``np.add.at`` /
  ``np.subtract.at`` where JAX's indices repeat, as JAX's own ``np_fn`` does);
* ``lax_scipy_special_functions_test.py``: ``JAX_SPECIAL_FUNCTION_RECORDS`` whose
  ``test_autodiff`` is set, over their shapes; ``lax_scipy_test.py``'s grad tests
  (logsumexp, xlogy/xlog1py at 0).

JAX's shapes include its two scalar "shapes": a NumPy scalar (``np.float64``,
tag ``np()``) and a Python float (tag ``float``), besides a 0-d array (``()``).
JAX's value generators are kept (``rand_default`` = 3 * normal, ``rand_positive``
= uniform [1, 3), ``rand_small`` = 1e-3 * normal, ``rand_not_small`` = 3 * normal
+- 10, ``rand_small_positive`` = uniform [0, 2e-5), ``rand_unique_int``), except
where a record's range leaves the function's real domain (``lax.asin`` on [-1.3,
1.3]: here [-0.95, 0.95]); each such case says so in its note.  JAX's order-2
records keep the Hessian check (``--hessian``); order-1 records leave it out.

Left out: complex dtypes and float32/16 (srcdiff's suite runs float64), JAX-only
index modes (``clip``/``drop``/``fill`` with out-of-bounds indices: NumPy raises),
convolutions and reduce_window (no NumPy function), ``stop_gradient``, and
tests of JAX's machinery (jaxprs, vmap, sharding, dtypes of tangents).
"""

from __future__ import annotations

import itertools

import numpy as np

from . import cases as _cases_mod
from .cases import ALL_MODES, G, dedupe


def body_case(*args, **kwargs):
    return _cases_mod.body_case(*args, **kwargs)


LNP, LAD, IDX, RED, SSF, LSC = (
    "lax_numpy_test",
    "lax_autodiff_test",
    "lax_numpy_indexing_test",
    "lax_numpy_reducers_test",
    "lax_scipy_special_functions_test",
    "lax_scipy_test",
)
ORDER1 = ("reverse", "forward", "fd")  # JAX checks these records to first order only
CASES = []


def add(cases):
    CASES.extend(c for c in cases if c is not None)


# -- JAX's value generators (jax._src.test_util) ----------------------------------------------
NP_SCALAR, PY_SCALAR = "np()", "float"  # jtu.NUMPY_SCALAR_SHAPE, jtu.PYTHON_SCALAR_SHAPE


def _dims_of(shape):
    return () if shape in (NP_SCALAR, PY_SCALAR) else tuple(shape)


def _stag(shape):
    if shape in (NP_SCALAR, PY_SCALAR):
        return shape
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _base(kind, rng, dims):
    name, *opt = kind if isinstance(kind, tuple) else (kind,)
    if name == "default":
        return 3.0 * rng.standard_normal(dims)
    if name == "positive":
        return 2.0 * rng.random(dims) + 1.0
    if name == "small":
        return 1e-3 * rng.standard_normal(dims)
    if name == "not_small":
        v = 3.0 * rng.standard_normal(dims)
        return v + np.where(v > 0, opt[0] if opt else 10.0, -(opt[0] if opt else 10.0))
    if name == "small_positive":
        return 2e-5 * rng.random(dims)
    if name == "uniform":
        lo, hi = opt
        return lo + (hi - lo) * rng.random(dims)
    if name == "unique_int":
        n = int(np.prod(dims, dtype=int))
        return rng.permutation(np.arange(float(n))).reshape(dims)
    if name == "normal":
        return rng.standard_normal(dims)
    raise ValueError(kind)


def rnd(kind, shape):
    """A JAX rng_factory's value of one of JAX's shapes (float64)."""

    def make(rng):
        v = np.asarray(_base(kind, rng, _dims_of(shape)), dtype=np.float64)
        if shape == PY_SCALAR:
            return float(v)
        if shape == NP_SCALAR:
            return np.float64(v)
        return v

    return G(_stag(shape), make)


def case(file, test, params, result, *, body=(), wrt=None, variant="", note="", order=2):
    """One case (None if NumPy itself rejects the combination, as JAX's filters do)."""
    try:
        return body_case(
            file,
            test,
            params,
            list(body),
            result,
            wrt=wrt,
            variant=variant,
            note=note,
            modes=ALL_MODES if order >= 2 else ORDER1,
            project="jax",
        )
    except (ValueError, IndexError, TypeError):
        return None


def op_cases(file, test, expr, shape_sets, kind, *, order, note="", wrt=None):
    """expr ("np.add({0}, {1})") at every tuple of shapes; arguments x, y, z, u."""
    out = []
    for shapes in shape_sets:
        names = "xyzu"[: len(shapes)]
        params = {n: rnd(kind, s) for n, s in zip(names, shapes)}
        variant = ",".join(_stag(s) for s in shapes)
        out.append(
            case(
                file,
                test,
                params,
                expr.format(*names),
                variant=variant,
                note=note,
                order=order,
                wrt=wrt,
            )
        )
    return out


def at(file, test, expr, values, *, order=2, note="", variant=None):
    """expr at fixed scalar points (JAX's special-value records)."""
    return [
        case(
            file,
            test,
            {"x": float(v)},
            expr.format("x"),
            variant=variant or f"x={v!r}",
            note=note,
            order=order,
        )
        for v in values
    ]


# -- lax_numpy_test.py -------------------------------------------------------------------------
NONEMPTY_SHAPES = [NP_SCALAR, PY_SCALAR, (), (4,), (3, 4), (3, 1), (1, 4), (2, 1, 4), (2, 3, 4)]
for _fn, _nargs, _order, _kind in [
    ("np.arcsinh", 1, 2, "positive"),
    ("np.arccosh", 1, 1, "positive"),
    ("np.arctanh", 1, 2, ("uniform", -0.9, 0.9)),
    ("np.logaddexp", 2, 1, ("uniform", -0.9, 0.9)),
    ("np.logaddexp2", 2, 2, ("uniform", -0.9, 0.9)),
]:
    _expr = _fn + "(" + ", ".join("{" + str(i) + "}" for i in range(_nargs)) + ")"
    add(
        op_cases(
            LNP,
            f"testOpGrad[{_fn[3:]}]",
            _expr,
            itertools.combinations_with_replacement(NONEMPTY_SHAPES, _nargs),
            _kind,
            order=_order,
        )
    )
for _fn, _values, _order in [
    ("np.arcsinh", [0.0, 1000.0], 2),
    ("np.arccosh", [1000.0], 2),
    ("np.arctanh", [0.0], 2),
    ("np.sinc", [0.0], 2),  # JAX: order 1 here; testSincAtZero checks d2 = -pi^2/3 at 0
]:
    add(at(LNP, f"testOpGradSpecialValue[{_fn[3:]}]", _fn + "({})", _values, order=_order))
add(
    [
        case(LNP, "testSincAtZero", {"x": 0.0}, "np.sinc(np.sinc(x) * x)", variant="nested"),
        case(LNP, "testSincGradArrayInput", {"x": np.arange(10.0)}, "np.sinc(x)"),
        case(
            LNP,
            "testTakeAlongAxisIssue1521",
            {"x": 1.0},
            "np.take_along_axis(y, idx, -1)",
            body=[
                "idx = np.repeat(np.arange(3), 10).reshape((30, 1))",
                "y = x * np.arange(3.0).reshape((1, 3))",
            ],
            order=1,
        ),
        case(LNP, "testIssue764", {"x": np.linspace(190.0, 200.0, 4)}, "np.tanh(x)"),
        case(
            LNP,
            "testWhereGrad",
            {"x": 3.0},
            "np.where(x > 0, x, -x)",
            note="testWhereNoComparisonLiterals: jax.grad of this function",
        ),
        case(
            LNP,
            "testInterpGradNearZero",
            {"z": np.exp(np.linspace(-90.0, -20.0, 12))},
            "np.interp(z, z, np.ones_like(z))",
            note="JAX checks the gradient is finite; interp(z, z, 1) is 1 everywhere",
            order=1,
        ),
    ]
)
for _n in range(-4, 5):
    add(
        [
            case(
                LNP,
                "testGradLdexp",
                {"x": rnd("default", (10,))},
                f"np.ldexp(x, {_n})",
                variant=f"n={_n}",
                order=1,
            ),
            case(
                LNP,
                "testGradFrexp",
                {"x": G("(10,)", lambda rng, n=_n: 3.0 * rng.standard_normal(10) * 2.0**n)},
                "np.frexp(x)[0]",
                variant=f"n={_n}",
                order=1,
            ),
        ]
    )
add(
    [
        case(
            "lax_numpy_operators_test",
            "testI0Grad",
            {"x": 0.0},
            "np.i0(x)",
            note="regression test for jax#11479: d/dx i0 at 0 is 0",
        ),
        case(
            RED,
            "testNanStdGrad[nanvar]",
            {"x": np.arange(1.0, 5.0)},
            "np.nanvar(y)",
            body=["y = np.concatenate([np.array([np.nan]), x])"],
            note="jax#8128: jnp.arange(5.0).at[0].set(nan); the nan is a constant here",
            order=1,
        ),
        case(
            RED,
            "testNanStdGrad[nanstd]",
            {"x": np.arange(1.0, 5.0)},
            "np.nanstd(y)",
            body=["y = np.concatenate([np.array([np.nan]), x])"],
            note="jax#8128",
            order=1,
        ),
    ]
)


# -- lax_autodiff_test.py: LAX_GRAD_OPS ------------------------------------------------------
COMPATIBLE_SHAPES = [[(3,)], [(), (3, 4), (3, 1), (1, 4)], [(2, 3, 4), (2, 1, 4)]]


def compatible(nargs):
    return [
        s
        for group in COMPATIBLE_SHAPES
        for s in itertools.combinations_with_replacement(group, nargs)
    ]


IN_DOMAIN = "JAX samples [-1.3, 1.3], outside arcsin's real domain: here [-0.95, 0.95]"
for _name, _expr, _nargs, _order, _kind, _note in [
    ("neg", "np.negative({0})", 1, 2, "default", ""),
    ("floor", "np.floor({0})", 1, 2, ("uniform", 0.1, 0.4), ""),
    ("ceil", "np.ceil({0})", 1, 2, ("uniform", 0.1, 0.4), ""),
    ("round", "np.round({0})", 1, 2, ("uniform", 0.1, 0.4), ""),
    ("exp", "np.exp({0})", 1, 2, "small", ""),
    ("exp2", "np.exp2({0})", 1, 2, "small", ""),
    ("expm1", "np.expm1({0})", 1, 2, "default", ""),
    ("log", "np.log({0})", 1, 2, "positive", ""),
    ("log1p", "np.log1p({0})", 1, 2, "positive", ""),
    ("sinh", "np.sinh({0})", 1, 2, "default", ""),
    ("cosh", "np.cosh({0})", 1, 2, "default", ""),
    ("tanh", "np.tanh({0})", 1, 2, "default", ""),
    ("sin", "np.sin({0})", 1, 2, "default", ""),
    ("cos", "np.cos({0})", 1, 2, "default", ""),
    ("tan", "np.tan({0})", 1, 2, ("uniform", -1.3, 1.3), ""),
    ("asin", "np.arcsin({0})", 1, 2, ("uniform", -0.95, 0.95), IN_DOMAIN),
    ("acos", "np.arccos({0})", 1, 2, ("uniform", -0.95, 0.95), IN_DOMAIN),
    ("atan2", "np.arctan2({0}, {1})", 2, 2, "default", ""),
    ("erf", "special.erf({0})", 1, 2, "small", ""),
    ("erfc", "special.erfc({0})", 1, 2, "small", ""),
    ("erf_inv", "special.erfinv({0})", 1, 2, "small", ""),
    ("bessel_i0e", "special.i0e({0})", 1, 2, "default", ""),
    ("bessel_i1e", "special.i1e({0})", 1, 2, "default", ""),
    ("abs", "np.abs({0})", 1, 2, "positive", ""),
    ("pow", "np.power({0}, {1})", 2, 2, "positive", ""),
    ("pow_op", "{0} ** {1}", 2, 2, "positive", ""),
    ("sqrt", "np.sqrt({0})", 1, 2, "positive", ""),
    ("rsqrt", "1.0 / np.sqrt({0})", 1, 2, "positive", ""),
    ("cbrt", "np.cbrt({0})", 1, 2, "not_small", ""),
    ("logistic", "special.expit({0})", 1, 2, "default", ""),
    ("add", "{0} + {1}", 2, 2, "default", ""),
    ("sub", "{0} - {1}", 2, 2, "default", ""),
    ("mul", "{0} * {1}", 2, 2, "default", ""),
    ("div", "{0} / {1}", 2, 1, "not_small", ""),
    ("max", "np.maximum({0}, {1})", 2, 2, "default", ""),
    ("min", "np.minimum({0}, {1})", 2, 2, "default", ""),
]:
    add(
        op_cases(
            LAD, f"testOpGrad[{_name}]", _expr, compatible(_nargs), _kind, order=_order, note=_note
        )
    )

for _name, _expr, _values in [
    ("sinh", "np.sinh({})", [0.0]),
    ("cosh", "np.cosh({})", [0.0]),
    ("tanh", "np.tanh({})", [0.0, 1000.0]),
    ("sin", "np.sin({})", [0.0, np.pi, np.pi / 2.0, np.pi / 4.0]),
    ("cos", "np.cos({})", [0.0, np.pi, np.pi / 2.0, np.pi / 4.0]),
    ("tan", "np.tan({})", [0.0]),
    ("asin", "np.arcsin({})", [0.0]),
    ("acos", "np.arccos({})", [0.0]),
    ("atan", "np.arctan({})", [0.0, 1000.0]),
    ("erf", "special.erf({})", [0.0, 10.0]),
    ("erfc", "special.erfc({})", [0.0, 10.0]),
]:
    add(at(LAD, f"testOpGradSpecialValue[{_name}]", _expr, _values))


# -- lax_autodiff_test.py: structural ops ------------------------------------------------------
def _p(shape, kind="default"):
    return rnd(kind, shape)


add(
    [
        case(LAD, "testConvertElementTypeGrad", {"x": _p((2, 3))}, "x.astype(np.float64)"),
        case(LAD, "testReverseGrad", {"x": np.array([3.0, 2.0, 1.0])}, "np.flip(x, 0)"),
        case(
            LAD,
            "testReverseGrad",
            {"x": np.array([[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]])},
            "np.flip(x, (0, 1))",
            variant="dims=(0,1)",
        ),
        case(
            LAD,
            "testPowSecondDerivative",
            {"x": 4.0, "y": 0.0},
            "np.power(x, y)",
            note="jax#12033: the Hessian at y = 0 is ((0, 1/x), (1/x, log(x)^2))",
        ),
        case(
            LAD,
            "testPowSecondDerivative",
            {"y": 0.0, "x": 4.0},
            "np.power(x, y)",
            variant="wrt y first",
        ),
        case(LAD, "testPowIntPowerAtZero", {"x": 0.0}, "x ** n", body=["n = 0"]),
        case(
            LAD,
            "testPowIntPowerAtZero2",
            {"z": 3.14},
            "z ** np.arange(0, 2, dtype=int)",
            variant="int",
        ),
        case(
            LAD,
            "testPowIntPowerAtZero2",
            {"z": 3.14},
            "z ** np.arange(0, 2, dtype=float)",
            variant="float",
        ),
        case(LAD, "testPowIntPowerAtZero2", {"z": 3.14}, "z ** 0 + z", variant="z**0"),
        case(LAD, "testPowIntPowerAtZero2", {"z": 3.14}, "z ** 0.0 + z", variant="z**0."),
        case(LAD, "testHigherOrderGradientOfReciprocal", {"x": 4.0}, "1 / x"),
        case(LAD, "testPowShapeMismatch", {"x": np.arange(4.0)}, "x ** 2"),
    ]
)
for _shape in [(), (2, 3)]:
    for _i, _order in enumerate([(0, 1, 2), (1, 0, 2), (1, 2, 0)]):

        def _clamp(rng, shape=_shape):
            operand = 3.0 * rng.standard_normal(shape)
            return {"operand": operand, "low": operand - 10.0, "high": operand + 10.0}

        names = ["operand", "low", "high"]
        pos = [names[j] for j in _order]  # lax.clamp(min, x, max) == np.clip(x, min, max)
        add(
            [
                case(
                    LAD,
                    "testClampGrad",
                    {n: G(_stag(_shape), lambda rng, n=n, f=_clamp: f(rng)[n]) for n in names},
                    f"np.clip({pos[1]}, {pos[0]}, {pos[2]})",
                    variant=f"{_stag(_shape)},clamp({', '.join(pos)})",
                    note="each generator draws its own operand: low/high are operand +- 10 "
                    "only approximately; the clamp stays far from its bounds",
                )
            ]
        )
for _base_shape in [(4,), (3, 4), (2, 3, 4)]:
    for _dim in range(len(_base_shape)):
        shapes = [_base_shape[:_dim] + (s,) + _base_shape[_dim + 1 :] for s in (3, 1, 4)]
        add(
            [
                case(
                    LAD,
                    "testConcatenateGrad",
                    {n: _p(s) for n, s in zip("xyz", shapes)},
                    f"np.concatenate([x, y, z], axis={_dim})",
                    variant=f"{_stag(_base_shape)},dim={_dim}",
                )
            ]
        )
        for _pieces in range(3):
            sizes = np.random.default_rng(100 * _dim + _pieces + len(_base_shape)).integers(
                0, 5, _pieces + 1
            )
            shape = list(_base_shape)
            shape[_dim] = int(sizes.sum())
            cuts = [int(c) for c in np.cumsum(sizes)[:-1]]
            add(
                [
                    case(
                        LAD,
                        "testSplitGrad",
                        {"x": _p(tuple(shape))},
                        f"np.split(x, {cuts}, axis={_dim})",
                        variant=f"{_stag(tuple(shape))},axis={_dim},cuts={cuts}",
                    )
                ]
            )
for _ls, _rs in itertools.product([(2,), (3, 2)], [(2,), (2, 4)]):
    for _w in ("x", "y"):
        add(
            [
                case(
                    LAD,
                    "testDotGrad",
                    {"x": _p(_ls), "y": _p(_rs)},
                    "np.dot(x, y)",
                    wrt=(_w,),
                    variant=f"{_stag(_ls)},{_stag(_rs)},wrt={_w}",
                    note="check_grads_bilinear: one argument at a time",
                )
            ]
        )
for _ls, _rs, _subs in [
    ((3, 2), (2, 4), "ij,jk->ik"),
    ((3, 5), (2, 5), "ij,kj->ik"),
    ((5, 3), (5, 2), "ji,jk->ik"),
    ((3, 3, 2), (3, 2, 4), "bij,bjk->bik"),
    ((3, 5, 2), (2, 4, 5), "ibj,jkb->bik"),
    ((7, 3, 5, 2), (2, 2, 4, 5), "abcd,dxyc->cabxy"),
]:
    add(
        [
            case(
                LAD,
                "testDotGeneralContractAndBatchGrads",
                {"x": _p(_ls, "small"), "y": _p(_rs, "small")},
                f"np.einsum({_subs!r}, x, y)",
                variant=f"{_subs}",
                note="lax.dot_general as the einsum with its contracting and batch dims",
            )
        ]
    )
for _shape in [(), (2, 3)]:
    for _sizes in [(), (2,), (1, 2)]:
        add(
            [
                case(
                    LAD,
                    "testBroadcastGrad",
                    {"x": _p(_shape)},
                    f"np.broadcast_to(x, {_sizes + _shape})",
                    variant=f"{_stag(_shape)},sizes={_sizes}",
                )
            ]
        )
for _ins, _outs, _expr in [
    ((2,), (2, 2), "np.broadcast_to(x[:, None], (2, 2))"),
    ((2,), (2, 2), "np.broadcast_to(x, (2, 2))"),
    ((2,), (2, 3), "np.broadcast_to(x[:, None], (2, 3))"),
    ((), (2, 3), "np.broadcast_to(x, (2, 3))"),
]:
    add([case(LAD, "testBroadcastInDimGrad", {"x": _p(_ins)}, _expr, variant=f"{_expr}")])
for _arg, _out, _perm in [
    [(3, 4), (12,), None],
    [(2, 1, 4), (8,), None],
    [(2, 2, 4), (2, 8), None],
    [(3, 4), (12,), (0, 1)],
    [(3, 4), (12,), (1, 0)],
    [(2, 1, 4), (8,), (0, 2, 1)],
    [(2, 1, 4), (8,), (2, 0, 1)],
    [(2, 2, 4), (2, 8), (0, 2, 1)],
    [(2, 2, 4), (2, 8), (2, 0, 1)],
]:
    inner = "x" if _perm is None else f"np.transpose(x, {_perm})"
    add(
        [
            case(
                LAD,
                "testReshapeGrad",
                {"x": _p(_arg)},
                f"np.reshape({inner}, {_out})",
                variant=f"{_stag(_arg)},{_out},perm={_perm}",
            ),
            case(
                LAD,
                "testReshapeGrad",
                {"x": _p(_arg)},
                f"{inner}.reshape({_out})",
                variant=f"{_stag(_arg)},{_out},perm={_perm},method",
            ),
        ]
    )
# lax.pad with interior and negative padding, written with index assignment and slicing
for _variant, _params, _body, _result in [
    ("()", {"x": _p((), "small")}, [], "x"),
    (
        "(2,3),[(1,2,1),(0,1,0)]",
        {"x": _p((2, 3), "small")},
        ["y = np.zeros((6, 4))", "y[1:4:2, 0:3] = x"],
        "y",
    ),
    (
        "(2,3),[(-1,0,0),(-1,0,2)]",
        {"x": _p((2, 3), "small")},
        ["y = np.zeros((2, 7))", "y[:, ::3] = x"],
        "y[1:, 1:]",
    ),
    (
        "(2,3),[(1,2,1),(0,1,0)],value",
        {"x": _p((2, 3), "small"), "v": 0.0},
        ["y = np.zeros((6, 4)) + v", "y[1:4:2, 0:3] = x"],
        "y",
    ),
    (
        "(2,3),[(-1,0,0),(-1,0,2)],value",
        {"x": _p((2, 3), "small"), "v": 0.0},
        ["y = np.full((2, 7), v)", "y[:, ::3] = x"],
        "y[1:, 1:]",
    ),
]:
    add([case(LAD, "testPadGrad", _params, _result, body=_body, variant=_variant)])
for _ps, _as in [((), ()), ((), (3,)), ((3,), (3,)), ((), (2, 3)), ((2, 3), (2, 3))]:

    def _pred(rng, shape=_ps):
        return rng.random(shape) < 0.5

    add(
        [
            case(
                LAD,
                "testSelectGrad",
                {"p": G(_stag(_ps), _pred), "x": _p(_as), "y": _p(_as)},
                "np.where(p, x, y)",
                wrt=("x", "y"),
                variant=f"pred={_stag(_ps)},{_stag(_as)}",
            )
        ]
    )


def _slice_text(starts, limits, strides):
    parts = []
    for i, (s, e) in enumerate(zip(starts, limits)):
        st = strides[i] if strides else 1
        parts.append(f"{s}:{e}" + (f":{st}" if st != 1 else ""))
    return ", ".join(parts)


for _shape, _starts, _limits, _strides in [
    [(3,), (1,), (2,), None],
    [(7,), (4,), (7,), None],
    [(5,), (1,), (5,), (2,)],
    [(8,), (1,), (6,), (2,)],
    [(5, 3), (1, 1), (3, 2), None],
    [(5, 3), (1, 1), (3, 1), None],
    [(7, 5, 3), (4, 0, 1), (7, 1, 3), None],
    [(5, 3), (1, 1), (2, 1), (1, 1)],
    [(5, 3), (1, 1), (5, 3), (2, 1)],
    [(3, 3, 5), (0, 2, 0), (3, 2, 5), (1, 2, 1)],
]:
    _idx = _slice_text(_starts, _limits, _strides)
    add(
        [
            case(
                LAD,
                "testSliceGrad",
                {"x": _p(_shape)},
                f"x[{_idx}]",
                variant=f"{_stag(_shape)}[{_idx}]",
            )
        ]
    )
for _shape, _starts, _sizes in [
    [(3,), (1,), (1,)],
    [(5, 3), (1, 1), (3, 1)],
    [(7, 5, 3), (4, 1, 0), (2, 0, 1)],
]:
    _idx = _slice_text(_starts, [s + n for s, n in zip(_starts, _sizes)], None)
    add(
        [
            case(
                LAD,
                "testDynamicSliceGrad",
                {"x": _p(_shape)},
                f"x[{_idx}]",
                variant=f"{_stag(_shape)}[{_idx}]",
            )
        ]
    )
for _shape, _starts, _ushape in [
    [(3,), (1,), (1,)],
    [(5, 3), (1, 1), (3, 1)],
    [(7, 5, 3), (4, 1, 0), (2, 0, 1)],
]:
    _idx = _slice_text(_starts, [s + n for s, n in zip(_starts, _ushape)], None)
    for _wrt in [("x", "u"), ("x",), ("u",)]:
        add(
            [
                case(
                    LAD,
                    "testDynamicUpdateSliceGrad",
                    {"x": _p(_shape), "u": _p(_ushape)},
                    "z",
                    body=["z = x.copy()", f"z[{_idx}] = u"],
                    wrt=_wrt,
                    variant=f"{_stag(_shape)}[{_idx}],wrt={','.join(_wrt)}",
                )
            ]
        )
for _shape, _perm in [
    [(3, 4), (1, 0)],
    [(3, 4), (0, 1)],
    [(3, 4, 5), (2, 1, 0)],
    [(3, 4, 5), (1, 0, 2)],
]:
    add(
        [
            case(
                LAD,
                "testTransposeGrad",
                {"x": _p(_shape)},
                f"np.transpose(x, {_perm})",
                variant=f"{_stag(_shape)},{_perm}",
            ),
            case(
                LAD,
                "testTransposeGrad",
                {"x": _p(_shape)},
                f"x.transpose({_perm})",
                variant=f"{_stag(_shape)},{_perm},method",
            ),
        ]
    )
for _op, _kind in [
    ("sum", "default"),
    ("max", "unique_int"),
    ("min", "unique_int"),
    ("prod", "normal"),
]:
    for _shape, _dims in [
        [(), ()],
        [(3, 4, 5), ()],
        [(3, 4, 5), (0,)],
        [(3, 4, 5), (1, 2)],
        [(3, 4, 5), (0, 2)],
        [(3, 4, 5), (0, 1, 2)],
        [(3, 1), (1,)],
        [(3, 0, 5), (1,)],
    ]:
        if _op in ("max", "min") and 0 in _shape:
            continue
        add(
            [
                case(
                    LAD,
                    f"testReduceGrad[{_op}]",
                    {"x": _p(_shape, _kind)},
                    f"np.{_op}(x, axis={_dims})",
                    variant=f"{_stag(_shape)},dims={_dims}",
                )
            ]
        )
for _shape, _dims in [
    [(3, 4, 5), ()],
    [(3, 4, 5), (0,)],
    [(3, 4, 5), (1, 2)],
    [(3, 4, 5), (0, 2)],
    [(3, 4, 5), (0, 1, 2)],
    [(3, 1), (1,)],
    [(3, 0, 5), (1,)],
]:
    add(
        [
            case(
                LAD,
                "testReducePairGrad",
                {"x": _p(_shape, "normal"), "y": _p(_shape, "normal")},
                f"(np.sum(x, axis={_dims}), np.prod(y, axis={_dims}))",
                variant=f"{_stag(_shape)},dims={_dims}",
            )
        ]
    )
for _op in ("cumsum", "cumprod"):
    for _shape in [(10,), (3, 4, 5)]:
        for _axis in range(len(_shape)):
            for _rev in (False, True):
                expr = (
                    f"np.flip(np.{_op}(np.flip(x, {_axis}), axis={_axis}), {_axis})"
                    if _rev
                    else f"np.{_op}(x, axis={_axis})"
                )
                add(
                    [
                        case(
                            LAD,
                            f"testCumulativeReduceGrad[{_op}]",
                            {"x": _p(_shape, "small")},
                            expr,
                            variant=f"{_stag(_shape)},axis={_axis},reverse={_rev}",
                        )
                    ]
                )
for _shape in [(0,), (5,), (5, 7), (4, 9, 3)]:
    add(
        [
            case(
                LAD,
                "testSortGrad",
                {"x": _p(_shape, "unique_int")},
                f"np.sort(x, axis={len(_shape) - 1})",
                variant=_stag(_shape),
            )
        ]
    )
for _shape in [(3,), (5, 3), (4, 9, 3)]:

    def _keys(rng, shape=_shape):
        return rng.permutation(np.arange(float(np.prod(shape)))).reshape(shape)

    add(
        [
            case(
                LAD,
                "testSortKeyValGrad",
                {"k": G(_stag(_shape), _keys), "v": _p(_shape)},
                "(np.take_along_axis(k, i, -1), np.take_along_axis(v, i, -1))",
                body=["i = np.argsort(k, axis=-1)"],
                variant=_stag(_shape),
                note="lax.sort_key_val as argsort + take_along_axis",
            )
        ]
    )
for _shape in [(4,), (5, 5), (3, 1, 4)]:
    for _k in (1, 3):
        for _axis in (0, -1):
            if _k > _shape[_axis]:
                continue
            add(
                [
                    case(
                        LAD,
                        "testTopKGrad",
                        {"x": _p(_shape, "unique_int")},
                        f"np.take(np.flip(np.sort(x, axis={_axis}), axis={_axis}), "
                        f"np.arange({_k}), axis={_axis})",
                        variant=f"{_stag(_shape)},k={_k},axis={_axis}",
                        note="lax.top_k's values as sort, flip, take",
                    )
                ]
            )
for _expr, _v in [
    ("x[np.array([0, 2, 1])]", "(0,)"),
    ("x[np.array([-1, -2])]", "(0,),neg"),
    ("x[np.array([0, 2]), np.array([1, 3])]", "(0,1)"),
    ("x[np.array([0, 2]), :, np.array([1, 3])]", "(0,2)"),
]:
    add([case(LAD, "testIndexTakeGrad", {"x": _p((3, 4, 5))}, _expr, variant=_v)])
for _shape, _expr in [
    ((5,), "x[np.array([0, 2])]"),
    ((10,), "x[np.array([[0, 1], [0, 1], [0, 1]])]"),
    ((10, 5), "x[np.array([0, 2, 1]), 0:3]"),
]:
    add(
        [
            case(
                LAD,
                "testGatherGrad",
                {"x": _p(_shape)},
                _expr,
                variant=_expr,
                note="mode promise_in_bounds",
            )
        ]
    )
for _it in range(5):
    rng_i = np.random.default_rng(1000 + _it)
    i1 = [int(v) for v in rng_i.integers(0, 4, 2)]
    i2 = [int(v) for v in rng_i.integers(0, 9, 3)]
    i3 = [int(v) for v in rng_i.integers(0, 3, 3)]
    for _shape, _ushape, _line in [
        ((5,), (2,), f"np.add.at(z, {i1}, u)"),
        ((10,), (3, 2), f"np.add.at(z, np.array({i2})[:, None] + np.arange(2), u)"),
        ((10, 5), (3, 3), f"np.add.at(z, (np.array({i3})[:, None], np.arange(3)), u)"),
    ]:
        add(
            [
                case(
                    LAD,
                    "testScatterAddGrad",
                    {"x": _p(_shape), "u": _p(_ushape)},
                    "z",
                    body=["z = x.copy()", _line],
                    variant=f"{_stag(_shape)},{_line}",
                    note="lax.scatter_add as np.add.at (indices may repeat)",
                )
            ]
        )
for _shape, _ushape, _line in [
    ((5,), (2,), "z[[3, 0]] = u"),
    ((10,), (3, 2), "z[np.array([2, 0, 6])[:, None] + np.arange(2)] = u"),
    ((10, 5), (3, 3), "z[np.array([7, 2, 4])[:, None], np.arange(3)] = u"),
]:
    add(
        [
            case(
                LAD,
                "testScatterGrad",
                {"x": _p(_shape), "u": _p(_ushape)},
                "z",
                body=["z = x.copy()", _line],
                variant=f"{_stag(_shape)},{_line}",
            )
        ]
    )


def _rem_x(rng, shape):
    return rng.uniform(-9, 9, size=shape)


def _rem_y(rng, shape):
    return rng.uniform(0.1, 5, size=shape) * rng.choice([-1, 1], size=shape)


for _xs, _ys in [((5, 8), (1, 8)), ((1, 8), (5, 8))]:
    add(
        [
            case(
                LAD,
                "testRemainder",
                {
                    "x": G(_stag(_xs), lambda rng, s=_xs: _rem_x(rng, s)),
                    "y": G(_stag(_ys), lambda rng, s=_ys: _rem_y(rng, s)),
                },
                "np.fmod(x, y)",
                variant=f"{_stag(_xs)},{_stag(_ys)}",
                note="lax.rem is C's fmod (the sign of x)",
            )
        ]
    )
for _shape, _reps in [[(3,), (2,)], [(2, 3), (1, 2)], [(1, 1, 4), (1, 3, 1)]]:
    add(
        [
            case(
                LAD,
                "testTileAutodiff",
                {"x": _p(_shape)},
                f"np.tile(x, {_reps})",
                variant=f"{_stag(_shape)},{_reps}",
            )
        ]
    )


# -- lax_numpy_reducers_test.py ------------------------------------------------------------------
NONZERODIM = [(4,), (3, 4), (3, 1), (1, 4), (2, 1, 4), (2, 3, 4)]
EMPTY = [(0,), (0, 4), (3, 0)]


def _nan_mask(shape, axis, rng):
    """JAX's rand_some_nan, with one value left in every slice the reduction sees."""
    mask = rng.random(shape) < 0.25
    if mask.size:
        if axis is None:
            mask.flat[0] = False
        else:
            index = [slice(None)] * len(shape)
            index[axis] = 0
            mask[tuple(index)] = False
    return mask


for _op, _kind, _shapes, _nan in [
    ("sum", "default", NONZERODIM + [()] + EMPTY, False),
    ("prod", "positive", NONZERODIM + [()] + EMPTY, False),
    ("mean", "default", NONZERODIM + [()], False),
    ("max", "default", NONZERODIM + [()], False),
    ("min", "default", NONZERODIM + [()], False),
    ("var", "default", NONZERODIM, False),
    ("std", "default", NONZERODIM, False),
    ("ptp", "default", NONZERODIM, False),
    ("nansum", "default", NONZERODIM + EMPTY, True),
    ("nanprod", "positive", NONZERODIM, True),
    ("nanmean", "default", NONZERODIM, True),
    ("nanmax", "default", NONZERODIM, True),
    ("nanmin", "default", NONZERODIM, True),
    ("nanvar", "default", NONZERODIM, True),
    ("nanstd", "default", NONZERODIM, True),
]:
    for _shape in _shapes:
        for _axis in list(range(-len(_shape), len(_shape))) + [None]:
            if _op in ("max", "min", "ptp", "nanmax", "nanmin") and 0 in _shape:
                continue
            if _op in ("var", "std", "nanvar", "nanstd") and (
                (_axis is None and int(np.prod(_shape)) < 2)
                or (_axis is not None and _shape[_axis] < 2)
            ):
                continue  # one element: the spread is identically 0, sqrt's derivative infinite
            for _keep in (False, True):
                params = {"x": _p(_shape, _kind)}
                body, arg = [], "x"
                if _nan:
                    params["m"] = G("mask", lambda rng, s=_shape, a=_axis: _nan_mask(s, a, rng))
                    body, arg = ["y = np.where(m, np.nan, x)"], "y"
                add(
                    [
                        case(
                            RED,
                            f"testReducerNoDtype[{_op}]",
                            params,
                            f"np.{_op}({arg}, axis={_axis}, keepdims={_keep})",
                            body=body,
                            wrt=("x",),
                            variant=f"{_stag(_shape)},axis={_axis},keepdims={_keep}",
                            note="rand_some_nan: the NaNs are a constant mask" if _nan else "",
                        )
                    ]
                )
for _op, _kind in [
    ("sum", "default"),
    ("prod", "positive"),
    ("max", "default"),
    ("min", "default"),
]:
    for _shape in [(4,), (3, 4), (2, 3, 4), (0,), (3, 0)]:
        for _axis in [None, 0, -1]:
            for _initial in (0, 1):
                add(
                    [
                        case(
                            RED,
                            f"testReducerInitial[{_op}]",
                            {"x": _p(_shape, _kind)},
                            f"np.{_op}(x, axis={_axis}, initial={_initial}.0)",
                            variant=f"{_stag(_shape)},axis={_axis},initial={_initial}",
                            note="max/min with initial: the initial value may win (its "
                            "derivative is 0)",
                        )
                    ]
                )
for _op, _kind in [
    ("sum", "default"),
    ("prod", "positive"),
    ("max", "default"),
    ("min", "default"),
    ("mean", "default"),
    ("var", "default"),
    ("std", "default"),
]:
    for _shape, _wshape in [((4,), (4,)), ((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1))]:
        for _axis in [None, 0, -1]:

            def _where(rng, s=_wshape, full=_shape, a=_axis):
                while True:
                    w = rng.random(s) < 0.7
                    b = np.broadcast_to(w, full)
                    counts = b.sum() if a is None else b.sum(axis=a)
                    if np.all(counts >= 2):
                        return w

            extra = ", initial=-10.0" if _op == "max" else ", initial=10.0" if _op == "min" else ""
            add(
                [
                    case(
                        RED,
                        f"testReducerWhere[{_op}]",
                        {"x": _p(_shape, _kind), "w": G("where" + _stag(_wshape), _where)},
                        f"np.{_op}(x, axis={_axis}, where=w{extra})",
                        wrt=("x",),
                        variant=f"{_stag(_shape)},where={_stag(_wshape)},axis={_axis}",
                        note="at least two selected values in every slice",
                    )
                ]
            )


# -- lax_numpy_indexing_test.py ------------------------------------------------------------------
def itext(idx, top=True):
    """Source text of an index: x[<this>]."""
    if isinstance(idx, tuple):
        if not idx:
            return "()"
        inner = ", ".join(itext(i, top=False) for i in idx)
        return inner + ("," if len(idx) == 1 else "")
    if isinstance(idx, slice):
        s = lambda v: "" if v is None else str(v)  # noqa: E731
        text = f"{s(idx.start)}:{s(idx.stop)}" + ("" if idx.step is None else f":{idx.step}")
        return text
    if idx is Ellipsis:
        return "..."
    if idx is None:
        return "None"
    if isinstance(idx, np.ndarray):
        if idx.dtype == bool:
            if idx.size == 0:
                return f"np.zeros({idx.shape}, dtype=bool)"
            return f"np.array({idx.tolist()!r})"
        if idx.size == 0:
            return "np.array([], dtype=np.int32)"
        if idx.ndim == 0:
            return f"np.array({int(idx)})"
        return f"np.array({idx.tolist()!r})"
    if isinstance(idx, np.integer):
        return f"np.int32({int(idx)})"
    return repr(idx)


def S(*args):
    return slice(*args)


A = np.array
STATIC_SLICE_TESTS = [
    ("OneIntIndex", [((3,), 1), ((3, 3), 0), ((3, 4, 5), 2), ((3,), -1), ((3,), -2)]),
    ("TwoIntIndices", [((3, 3), (2, 1)), ((3, 4, 5), (1, 2)), ((3, 4, 5), (-1, 2))]),
    ("ThreeIntIndices", [((3, 4, 5), (1, 2, 3))]),
    (
        "OneSliceIndex",
        [
            ((10,), S(1, 3)),
            ((10,), S(1, -1)),
            ((10,), S(None, -1)),
            ((10,), S(None, None, None)),
            ((10, 8), S(1, 3)),
            ((10, 8), S(1, None)),
            ((10, 8), S(None, 3)),
            ((10, 8), S(-3, None)),
        ],
    ),
    (
        "OneSliceIndexNegativeStride",
        [
            ((10,), S(3, 1, -1)),
            ((10,), S(1, 8, -1)),
            ((10,), S(None, 1, -2)),
            ((10,), S(None, None, -1)),
            ((10, 8), S(3, 1, -1)),
            ((10, 8), S(0, 8, -1)),
            ((10, 8), S(None, None, -1)),
            ((10, 8), S(12, 12, -4)),
            ((10, 8), S(12, 4, -4)),
        ],
    ),
    (
        "OneSliceIndexNonUnitStride",
        [
            ((10,), S(0, 8, 2)),
            ((10,), S(0, 8, 3)),
            ((10,), S(1, 3, 2)),
            ((10,), S(1, None, 2)),
            ((10,), S(None, 1, -2)),
            ((10, 8), S(1, 8, 3)),
            ((10, 8), S(None, None, 2)),
            ((10, 8), S(None, 1, -2)),
            ((10, 8), S(None, None, -2)),
        ],
    ),
    (
        "TwoSliceIndices",
        [
            ((10, 8), (S(1, 3), S(0, 2))),
            ((10, 8), (S(1, None), S(None, 2))),
            ((10, 8), (S(None, None, -1), S(None, 2))),
            ((10, 8, 3), (S(1, 3), S(0, 2))),
            ((10, 8, 3), (S(1, 3), S(0, None))),
            ((10, 8, 3), (S(1, None), S(0, 2))),
        ],
    ),
    ("OneColonIndex", [((3,), S(None)), ((3, 4), S(None))]),
    ("MultipleColonIndices", [((3, 4), (S(None), S(None))), ((3, 4, 5), (S(None), S(None)))]),
    ("MixedSliceIndices", [((10, 4), (S(None), S(0, 2))), ((10, 4), (1, S(None)))]),
    (
        "EllipsisIndex",
        [
            ((3,), Ellipsis),
            ((3, 4), Ellipsis),
            ((3, 4, 5), (0, Ellipsis)),
            ((3, 4, 5), (Ellipsis, 2, 3)),
        ],
    ),
    (
        "SliceIndexClamping",
        [
            ((10,), S(2, 11, 1)),
            ((10,), S(11, 12, 1)),
            ((10,), S(-11, -2, 1)),
            ((10,), S(-2, -12, -1)),
            ((10,), S(12, -12, -1)),
        ],
    ),
    (
        "NoneIndex",
        [
            ((), None),
            ((), (None, None)),
            ((), (Ellipsis, None)),
            ((3,), None),
            ((3, 4), None),
            ((3, 4), (Ellipsis, None)),
            ((3, 4), (0, None, Ellipsis)),
            ((3, 4, 5), (1, None, Ellipsis)),
            ((3, 4, 5), (1, None, S(None), None)),
        ],
    ),
    ("EmptyIndex", [((), ()), ((3,), ()), ((3, 4), ())]),
]
STATIC_INDEXING_TESTS = STATIC_SLICE_TESTS + [
    (
        "TupleOfIntAndSliceAndIntArray",
        [
            ((3, 2, 3), (0, S(None), A([0, 1, 2]))),
            ((3, 2, 3), (np.int32(1), S(None), A([0, 1, 2]))),
            ((3, 2, 3), (A(2), S(None), A([0, 1, 2]))),
        ],
    )
]
ADVANCED_INDEXING_TESTS = [
    (
        "One1DIntArrayIndex",
        [
            ((3,), A([0, 1])),
            ((3, 3), A([1, 2, 1])),
            ((3, 4, 5), A([0, 2, 0, 1])),
            ((3,), A([-1, 1])),
            ((3,), A([-2, -1])),
            ((0,), A([], dtype=np.int32)),
        ],
    ),
    (
        "One2DIntArrayIndex",
        [
            ((3,), A([[0, 0]])),
            ((3, 3), A([[1, 2, 1], [0, 1, -1]])),
            ((3, 4, 5), A([[0, 2, 0, 1], [-1, -2, 1, 0]])),
        ],
    ),
    (
        "Two1DIntArrayIndicesNoBroadcasting",
        [((3, 3), (A([0, 1]), A([1, 2]))), ((3, 4, 5), (A([0, 2, 0, 1]), A([-1, 0, -1, 2])))],
    ),
    (
        "Two1DIntArrayIndicesWithBroadcasting",
        [((3, 3), (A([[0, 1]]), A([1, 2]))), ((3, 4, 5), (A([[0, 2, 0, 1]]), A([-1, 0, -1, 2])))],
    ),
    ("ArrayOfInts", [((3,), A([0, 1, 0])), ((3, 4, 5), A([0, -1]))]),
    ("TupleOfEmptyList", [((3, 4), ([],)), ((3, 4), ([], 0)), ((3, 4), ([], []))]),
    (
        "TupleOfListsOfPythonInts",
        [((3, 4, 5), ([0, 1],)), ((3, 4, 5), ([[0], [-1]], [[2, 3, 0, 3]]))],
    ),
    (
        "TupleOfPythonIntsAndIntArrays",
        [((3, 4, 5), (0, A([0, 1]))), ((3, 4, 5), (0, 1, A([[2, 3, 0, 3]])))],
    ),
    (
        "TupleOfListsOfPythonIntsAndIntArrays",
        [((3, 4, 5), ([0, 1], A([0]))), ((3, 4, 5), ([[0], [-1]], A([[2, 3, 0, 3]])))],
    ),
]
ADVANCED_INDEXING_TESTS_NO_REPEATS = [
    (
        "One1DIntArrayIndex",
        [
            ((3,), A([0, 1])),
            ((3, 3), A([1, 2, 0])),
            ((3, 4, 5), A([0, 2, 1])),
            ((3,), A([-1, 1])),
            ((3,), A([-2, -1])),
            ((0,), A([], dtype=np.int32)),
        ],
    ),
    ("One2DIntArrayIndex", [((3,), A([[0, 1]])), ((6, 6), A([[1, 2, 0], [3, 4, -1]]))]),
    (
        "Two1DIntArrayIndicesNoBroadcasting",
        [((3, 3), (A([0, 1]), A([1, 2]))), ((4, 5, 6), (A([0, 2, 1, 3]), A([-1, 0, -2, 1])))],
    ),
    (
        "Two1DIntArrayIndicesWithBroadcasting",
        [((3, 3), (A([[0, 1]]), A([1, 2]))), ((4, 5, 6), (A([[0, 2, -1, 1]]), A([-1, 0, -2, 2])))],
    ),
    ("ArrayOfInts", [((3,), A([0, 2, 1])), ((3, 4, 5), A([0, -1]))]),
    ("TupleOfListsOfPythonInts", [((3, 4, 5), ([0, 1],)), ((3, 4, 5), ([[0], [-1]], [[2, 3, 0]]))]),
    (
        "TupleOfPythonIntsAndIntArrays",
        [((3, 4, 5), (0, A([0, 1]))), ((3, 4, 5), (0, 1, A([[2, 3, 0]])))],
    ),
    (
        "TupleOfListsOfPythonIntsAndIntArrays",
        [((3, 4, 5), ([0, 1], A([0]))), ((3, 4, 5), ([[0], [-1]], A([[2, 3, 0]])))],
    ),
]
MIXED_ADVANCED_INDEXING_TESTS = [
    (
        "SlicesAndOneIntArrayIndex",
        [
            ((2, 3), (A([0, 1]), S(1, 2))),
            ((2, 3), (S(0, 2), A([0, 2]))),
            ((3, 4, 5), (Ellipsis, A([0, 2]), S(None))),
            ((3, 4, 5), (Ellipsis, A([[0, 2], [1, 3]]), S(None))),
            ((3, 4, 5), (Ellipsis, A([[0, 2], [1, 1]]), S(None))),
        ],
    ),
    (
        "SlicesAndTwoIntArrayIndices",
        [
            ((3, 4, 5), (Ellipsis, A([0, 2]), A([-1, 2]))),
            ((3, 4, 5), (A([0, 2]), Ellipsis, A([-1, 2]))),
            ((3, 4, 5), (A([0, 2]), A([-1, 2]), Ellipsis)),
            ((3, 4, 5), (A([0, 2]), A([-1, 2]), S(1, 3))),
            ((3, 4, 5), (A([0, 2]), S(1, 3), A([-1, 2]))),
            ((3, 4, 5), (A([0, 2, -2]), S(None, None, 2), A([-1, 2, 1]))),
            ((3, 4, 5), (A([0, 2, -2]), S(None, None, 2), A([-1, 2, -1]))),
            ((3, 4, 5), (A([[0, 2], [2, 0]]), Ellipsis, A([[1, 0], [1, 0]]))),
        ],
    ),
    (
        "NonesAndIntArrayIndices",
        [
            ((3, 4, 5), (A([0, 2]), None, A([-1, 2]))),
            ((3, 4, 5), (A([0, 2]), None, None, A([-1, 2]))),
            ((3, 4, 5), (Ellipsis, A([0, 2]), None, None, A([-1, 2]))),
        ],
    ),
    ("IntArrayWithInt32Type", [((3, 4), (Ellipsis, A(1, dtype=np.int32)))]),
    (
        "EllipsisWithArrayIndices",
        [
            ((3, 4, 5), (A([0, 1]), Ellipsis, A([0, 1]))),
            ((3, 4, 5), (S(None), A([0, 1]), Ellipsis, A([0, 1]))),
            ((3, 4, 5), (S(None), Ellipsis, A([0, 1]), A([0, 1]))),
        ],
    ),
]
_INDEX_NOTE = "reads of x[i] ** 2 (testStaticIndexingGrads) or x[i] (the advanced ones)"


def _index_params(idx):
    """(params, text): the index's integer/boolean arrays become arguments i0, i1, ..."""
    params = {}

    def sub(i):
        if isinstance(i, tuple):
            return tuple(sub(j) for j in i)
        if isinstance(i, np.ndarray) and i.ndim > 0:
            name = f"i{len(params)}"
            params[name] = i
            return _Name(name)
        return i

    return params, sub(idx)


class _Name(str):
    pass


def _itext(idx):
    if isinstance(idx, _Name):
        return str(idx)
    if isinstance(idx, tuple):
        if not idx:
            return "()"
        return ", ".join(_itext(i) for i in idx) + ("," if len(idx) == 1 else "")
    return itext(idx)


def read_cases(test, groups, square=False):
    out = []
    for group, specs in groups:
        for shape, idx in specs:
            expr = f"x[{itext(idx)}]" + (" ** 2" if square else "")
            variant = f"{group},{_stag(shape)},[{itext(idx)}]"
            out.append(case(IDX, test, {"x": _p(shape)}, expr, variant=variant, note=_INDEX_NOTE))
            iparams, named = _index_params(idx)
            if iparams:
                params = {"x": _p(shape), **iparams}
                expr = f"x[{_itext(named)}]" + (" ** 2" if square else "")
                out.append(
                    case(
                        IDX,
                        test,
                        params,
                        expr,
                        wrt=("x",),
                        variant=variant + ",index as argument",
                        note="the index arrays passed as arguments (traced in JAX)",
                    )
                )
    return out


add(read_cases("testStaticIndexingGrads", STATIC_INDEXING_TESTS, square=True))
add(read_cases("testAdvancedIntegerIndexingGrads", ADVANCED_INDEXING_TESTS))
add(read_cases("testMixedAdvancedIntegerIndexing", MIXED_ADVANCED_INDEXING_TESTS))
for _group, _specs in STATIC_SLICE_TESTS[:3]:  # testDynamicIndexingWithIntegersGrads
    for _shape, _idx in _specs:
        ints = _idx if isinstance(_idx, tuple) else (_idx,)
        names = [f"i{k}" for k in range(len(ints))]
        params = {"x": _p(_shape), **dict(zip(names, ints))}
        add(
            [
                case(
                    IDX,
                    "testDynamicIndexingWithIntegersGrads",
                    params,
                    f"x[{', '.join(names)}]",
                    wrt=("x",),
                    variant=f"{_group},{_stag(_shape)},{ints}",
                )
            ]
        )
for _test, _shape, _expr in [
    ("testAdvancedIndexingManually", (3, 4, 5), "x[..., i, :]"),
    ("testAdvancedIndexingManually", (3, 4, 5), "x[..., i, :, i, None]"),
    ("testAdvancedIndexingManually", (3, 4, 5), "x[i, ..., i[:, None], None]"),
]:
    add(
        [
            case(
                IDX,
                _test,
                {"x": _p(_shape), "i": np.array([0, 2, -1, 0])},
                _expr,
                wrt=("x",),
                variant=_expr,
            )
        ]
    )
BOOL = [
    ("testBooleanIndexingArray1D", (3,), A([True, True, False])),
    ("testBooleanIndexingArray2DBroadcast", (4, 2), A([True, True, False, True])),
    (
        "testBooleanIndexingArray2D",
        (4, 2),
        A([[True, False], [False, True], [False, False], [True, True]]),
    ),
    ("testBoolean1DIndexingWithEllipsis", (4, 3, 2), (Ellipsis, A([True, False]))),
    ("testBoolean1DIndexingWithEllipsis2", (3,), (Ellipsis, A([True, False, True]))),
    ("testBoolean1DIndexingWithEllipsis3", (2, 3), (0, Ellipsis, A([True, False, True]))),
    (
        "testBoolean2DIndexingWithEllipsis",
        (4, 3, 2),
        (Ellipsis, A([[True, False], [True, False], [False, False]])),
    ),
    (
        "testBoolean1DIndexingWithTrailingEllipsis",
        (4, 3, 2),
        (A([True, False, True, False]), Ellipsis),
    ),
    ("testBooleanIndexingWithEmptyResult", (3,), A([False, False, False])),
    ("testBooleanIndexingWithNone", (2, 3), (None, A([True, False]))),
    ("testBooleanIndexingWithNoneAndEllipsis", (2, 3), (None, Ellipsis, A([True, False, True]))),
    ("testBooleanIndexingWithEllipsisAndNone", (2, 3), (Ellipsis, None, A([True, False, True]))),
    (
        "testNontrivialBooleanIndexing",
        (2, 3, 6),
        (A([[True, False, True], [False, True, True]]), A([True, False, True, True, False, True])),
    ),
    ("testEmptyBooleanIndexing", (3,), np.empty((0,), dtype=bool)),
    ("testEmptyBooleanIndexing", (3, 4), np.empty((0,), dtype=bool)),
    ("testEmptyBooleanIndexing", (3, 4), np.empty((0, 4), dtype=bool)),
    ("testEmptyBooleanIndexing", (3, 4), np.empty((3, 0), dtype=bool)),
    ("testEmptyBooleanIndexing", (3, 4, 5), np.empty((3, 0), dtype=bool)),
]
_SCALAR_BOOL = [
    np.index_exp[True],
    np.index_exp[False],
    np.index_exp[..., True],
    np.index_exp[..., False],
    np.index_exp[0, :2, True],
    np.index_exp[0, :2, False],
    np.index_exp[:2, 0, True],
    np.index_exp[:2, 0, False],
    np.index_exp[:2, np.array([0, 2]), True],
    np.index_exp[np.array([1, 0]), :, True],
    np.index_exp[True, :, True, :, np.array(True)],
]
BOOL += [("testScalarBooleanIndexing", (2, 3, 4, 5), _idx) for _idx in _SCALAR_BOOL]
for _test, _shape, _idx in BOOL:
    add(read_cases(_test, [("mask", [(_shape, _idx)])]))
add(
    [
        case(IDX, "testIssue187", {"x": _p((5, 5))}, "x[[0, 2, 4], [0, 2, 4]]"),
        case(
            IDX,
            "testJVPOfGradOfIndexing",
            {"x": _p((3, 4)), "i": np.ones((3,), dtype=np.int32)},
            "x[i]",
            wrt=("x",),
            note="repeated indices in a read: the gradient is 3 on row 1",
        ),
        case(
            IDX,
            "testIndexUpdateScalarBug",
            {"x": np.arange(10.0)},
            "z",
            body=["z = x.copy()", "z[0] = np.cos(z[0])"],
            note="x.at[0].apply(jnp.cos)",
        ),
    ]
)


def broadcastable_shapes(shape):
    """Every shape that broadcasts to `shape` (JAX's _broadcastable_shapes)."""

    def f(rshape):
        yield []
        if rshape:
            for s in f(rshape[1:]):
                yield rshape[0:1] + s
            if rshape[0] != 1:
                for s in f(rshape[1:]):
                    yield [1] + s

    return [tuple(reversed(x)) for x in f(list(reversed(shape)))]


def _update_shapes(out_shape):
    """The full shape, a scalar and the all-ones shape of JAX's list (a sample of it)."""
    every = broadcastable_shapes(out_shape)
    picks = [tuple(out_shape), (), tuple(1 for _ in out_shape)]
    return [s for i, s in enumerate(picks) if s in every and s not in picks[:i]]


UPDATE_LINES = {
    "set": "z[{i}] = y",
    "add": "z[{i}] += y",
    "sub": "z[{i}] -= y",
    "mul": "z[{i}] *= y",
    "add.at": "np.add.at(z, ({i}), y)",
    "subtract.at": "np.subtract.at(z, ({i}), y)",
}


def update_cases(test, groups, ops, note=""):
    out = []
    for group, specs in groups:
        for shape, idx in specs:
            with np.errstate(all="ignore"):
                out_shape = np.zeros(shape)[idx].shape
            for ushape in _update_shapes(out_shape):
                for op in ops:
                    text = itext(idx)
                    if op.endswith(".at") and text == "()":
                        continue
                    out.append(
                        case(
                            IDX,
                            test,
                            {"x": _p(shape), "y": _p(ushape)},
                            "z",
                            body=["z = x.copy()", UPDATE_LINES[op].format(i=text)],
                            variant=f"{group},{_stag(shape)},[{text}],{op},y={_stag(ushape)}",
                            note=note,
                        )
                    )
    return out


add(
    update_cases(
        "IndexedUpdateTest.testStaticIndexingGrads",
        STATIC_INDEXING_TESTS,
        ["set", "add", "sub", "mul"],
    )
)
add(
    update_cases(
        "IndexedUpdateTest.testAdvancedIndexingGrads[unique]",
        ADVANCED_INDEXING_TESTS_NO_REPEATS,
        ["set", "add", "sub", "mul"],
    )
)
add(
    update_cases(
        "IndexedUpdateTest.testAdvancedIndexingGrads[repeats]",
        ADVANCED_INDEXING_TESTS,
        ["add.at", "subtract.at", "add", "set"],
        note="indices may repeat: np.add.at accumulates (JAX's scatter_add); z[i] += y and "
        "z[i] = y keep NumPy's semantics (the last write of a repeated index wins)",
    )
)
add(
    update_cases(
        "IndexedUpdateTest.testMixedAdvancedIndexing", MIXED_ADVANCED_INDEXING_TESTS, ["set", "add"]
    )
)


# -- lax_scipy_special_functions_test.py -------------------------------------------------------
ALL_SHAPES = [(), (4,), (3, 4), (3, 1), (1, 4), (2, 1, 4)]
for _fn, _nargs, _kind, _nondiff in [
    ("boxcox", 2, "positive", ()),
    ("boxcox1p", 2, ("uniform", -0.5, 5.0), ()),
    ("gamma", 1, "default", ()),
    ("loggamma", 1, "positive", ()),
    ("dawsn", 1, "default", ()),
    ("digamma", 1, "positive", ()),
    ("gammainc", 2, "positive", ()),
    ("gammaincc", 2, "positive", ()),
    ("gammasgn", 1, "default", ()),
    ("erf", 1, "small_positive", ()),
    ("erfc", 1, "small_positive", ()),
    ("erfcx", 1, "default", ()),
    ("erfinv", 1, "small_positive", ()),
    ("expit", 1, "small_positive", ()),
    ("sici", 1, "default", ()),
    ("factorial", 1, "default", ()),
    ("fresnel", 1, ("default30",), ()),
    ("i0", 1, "default", ()),
    ("i0e", 1, ("not_small", 0.1), ()),
    ("i1", 1, "default", ()),
    ("i1e", 1, "default", ()),
    ("logit", 1, ("uniform", 0.05, 0.95), ()),
    ("log_ndtr", 1, "default", ()),
    ("ndtri", 1, ("uniform", 0.0, 1.0), ()),
    ("ndtr", 1, "default", ()),
    ("polygamma", 2, "positive", (0,)),
    ("xlogy", 2, "positive", ()),
    ("xlog1py", 2, ("uniform", -0.9, 3.0), ()),  # rand_default: log1p(y) is nan below -1
    ("zeta", 2, "positive", ()),
    ("expi", 1, ("not_small", 0.1), ()),
    ("exp1", 1, "positive", ()),
    ("expn", 2, "positive", (0,)),
    ("kl_div", 2, "positive", ()),
    ("rel_entr", 2, "positive", ()),
    ("owens_t", 2, "default", ()),
    ("poch", 2, "positive", ()),
    ("hyp1f1", 3, ("uniform", 0.5, 30.0), ()),
    ("hyp2f1", 4, ("uniform", 0.1, 0.9), ()),
    ("log_softmax", 1, "default", ()),
    ("softmax", 1, "default", ()),
]:
    kind = ("default",) if _kind == ("default30",) else _kind
    for shapes in itertools.combinations_with_replacement(ALL_SHAPES, _nargs):
        names = "xyzu"[:_nargs]
        params = {}
        for k, (n, s) in enumerate(zip(names, shapes)):
            if k in _nondiff:  # an integer order (polygamma's n, expn's n)
                params[n] = G(
                    "int" + _stag(s),
                    lambda rng, s=s: rng.integers(1, 3, s) if s else int(rng.integers(1, 3)),
                )
            elif _kind == ("default30",):
                params[n] = G(_stag(s), lambda rng, s=s: 30.0 * rng.standard_normal(s))
            else:
                params[n] = rnd(kind, s)
        wrt = tuple(n for k, n in enumerate(names) if k not in _nondiff)
        note = ""
        if _fn in ("hyp1f1", "hyp2f1"):
            note = "JAX differentiates every argument of a hypergeometric function"
        add(
            [
                case(
                    SSF,
                    f"testScipySpecialFun[{_fn}]",
                    params,
                    f"special.{_fn}({', '.join(names)})",
                    wrt=wrt,
                    variant=",".join(_stag(s) for s in shapes),
                    note=note,
                    order=1,
                )
            ]
        )


# -- lax_scipy_test.py -------------------------------------------------------------------------
for _shape in [(), (4,), (3, 4), (2, 1, 4)]:
    for _axis in [None] + list(range(len(_shape))):
        for _keep in (False, True):
            add(
                [
                    case(
                        LSC,
                        "testLogSumExp",
                        {"x": _p(_shape)},
                        f"special.logsumexp(x, axis={_axis}, keepdims={_keep})",
                        variant=f"{_stag(_shape)},axis={_axis},keepdims={_keep}",
                    ),
                    case(
                        LSC,
                        "testLogSumExp[b]",
                        {"x": _p(_shape), "b": _p(_shape, "positive")},
                        f"special.logsumexp(x, axis={_axis}, b=b, keepdims={_keep})",
                        variant=f"{_stag(_shape)},axis={_axis},keepdims={_keep}",
                    ),
                ]
            )
add(
    [
        case(
            LSC,
            "testLogSumExpWhereGrad",
            {"x": np.array([0.0, 0.0, 0.0, 0.0, 100.0])},
            "special.logsumexp(x, b=(np.arange(5) < 4) * 1.0)",
            note="SciPy's logsumexp has no where=: b= 0 masks; the 100 gets gradient 0, "
            "the others 1/4",
        ),
        case(LSC, "testGradOfXlogyAtZero", {"x": 0.0, "y": 3.0}, "special.xlogy(x, y)"),
        case(
            LSC,
            "testGradOfXlogyAtZero",
            {"y": 3.0, "x": 0.0},
            "special.xlogy(x, y)",
            variant="wrt y first",
        ),
        case(LSC, "testGradOfXlog1pyAtZero", {"x": 0.0, "y": 3.0}, "special.xlog1py(x, y)"),
        case(
            LSC,
            "testGradOfXlog1pyAtZero",
            {"y": 3.0, "x": 0.0},
            "special.xlog1py(x, y)",
            variant="wrt y first",
        ),
        case(LSC, "testXLogX", {"x": _p((2, 3, 4), "positive")}, "special.xlogy(x, x)", order=1),
    ]
)

CASES[:] = dedupe(CASES)

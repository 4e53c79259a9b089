"""NumPy derivative rules (srcdiff/rules/numpy_rules.py) against finite differences.

Four groups of tests:

* gradients of the functions in np_cases.py through srcdiff.grad, compared
  with central differences (srcdiff.check_grad), including broadcasting,
  axis/keepdims variants and exact shapes of the cotangents;
* float32 inputs: the gradient is float32, of the input's shape, and
  agrees with the float64 gradient;
* conventions at non-differentiable points (ties, 0, bounds), exactly;
* every differentiable rule's templates evaluated directly (no
  transformer): the jvp against a finite-difference directional derivative
  and the vjp against the jvp (<g, J t> == <J^T g, t>).  This covers the
  forward-mode half of each rule, and rules the transformer can't reach yet
  (np.concatenate & co take a list of arrays).
"""

import ast
import builtins
import copy
import inspect
import warnings
from dataclasses import dataclass

import np_cases as C
import numpy as np
import pytest
from fdiff import fd_grad, fd_jacobian

import srcdiff
from srcdiff.rules import RULES, numpy_rules
from srcdiff.runtime import arrays as runtime_numpy
from srcdiff.runtime import core as runtime

RNG = np.random.default_rng(20240607)


def U(*shape, lo=-1.0, hi=1.0):
    """Uniform random values (a float for shape ())."""
    v = RNG.uniform(lo, hi, size=shape)
    return float(v) if shape == () else v


def with_nan(v, *where):
    """v with NaN (a missing value) at each index in `where`."""
    v = np.array(v, dtype=float)
    for i in where:
        v[i] = np.nan
    return v


def away(*shape, lo=0.2, hi=1.0):
    """Random values of either sign, |v| in [lo, hi]: away from 0."""
    v = RNG.uniform(lo, hi, size=shape) * RNG.choice([-1.0, 1.0], size=shape)
    return float(v) if shape == () else v


def well_conditioned(*shape):
    n = shape[-1]
    return 2.0 * np.eye(n) + 0.4 * RNG.uniform(-1, 1, size=shape)


def spd(*shape):
    """A well-conditioned symmetric positive definite matrix (a stack, for more axes)."""
    b = RNG.uniform(-1, 1, size=shape[:-1] + (shape[-1], shape[-1]))
    return np.matmul(b, np.swapaxes(b, -1, -2)) + shape[-1] * np.eye(shape[-1])


def weights(shape, dtype=np.float64):
    """A fixed, non-uniform weight array of `shape` (a scalar for shape ())."""
    n = int(np.prod(shape))
    w = (0.6 + np.cos(1.7 * np.arange(n) + 0.3)).reshape(shape)
    if shape == ():
        return dtype(w[()]) if dtype is not np.float64 else float(w[()])
    return w.astype(dtype)


class _ShapeProbe:
    """Stands in for `w` once, to learn the shape of what each case multiplies it by."""

    __array_ufunc__ = None

    def __init__(self):
        self.shape = None

    def __rmul__(self, other):
        self.shape = np.shape(other)
        return 0.0

    __mul__ = __rmul__


def with_weights(func, args, dtype=np.float64):
    probe = _ShapeProbe()
    func(*args, probe)
    return tuple(args) + (weights(probe.shape, dtype),)


@dataclass
class Case:
    id: str
    func: object
    args: tuple
    wrt: tuple
    rtol: float = 1e-5
    atol: float = 1e-6

    def __str__(self):
        return self.id


def case(id_, func, *args, wrt=None, **tol):
    names = list(inspect.signature(func).parameters)[: len(args)]
    return Case(id_, func, tuple(args), tuple(wrt or names), **tol)


# x with one zero, and a matrix whose first column holds two zeros, second one zero
_ZERO1 = np.array([[0.7, -1.2, 0.0], [1.1, 0.9, -0.8]])
_ZERO2 = np.array([[0.0, 0.0, 1.3], [0.0, 0.6, -0.9], [1.4, -0.7, 0.8]])
_SINGULAR = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [1.5, 1.0, 5.0]])  # row3 = row1 + row2


def _piecewise_input():
    frac = RNG.uniform(0.1, 0.35, size=(3, 4)) * RNG.choice([1, -1], size=(3, 4))
    return RNG.integers(-3, 3, size=(3, 4)) + 0.5 + frac


CASES = [
    # --- elementwise, one argument
    case("sin", C.sin, U(3, 4)),
    case("cos", C.cos, U(3, 4)),
    case("tan", C.tan, U(3, 4)),
    case("arcsin", C.arcsin, U(3, 4, lo=-0.8, hi=0.8)),
    case("arccos", C.arccos, U(3, 4, lo=-0.8, hi=0.8)),
    case("arctan", C.arctan, U(3, 4, lo=-2, hi=2)),
    case("sinh", C.sinh, U(3, 4)),
    case("cosh", C.cosh, U(3, 4)),
    case("tanh", C.tanh, U(3, 4)),
    case("arcsinh", C.arcsinh, U(3, 4, lo=-2, hi=2)),
    case("arccosh", C.arccosh, U(3, 4, lo=1.2, hi=3)),
    case("arctanh", C.arctanh, U(3, 4, lo=-0.8, hi=0.8)),
    case("exp", C.exp, U(3, 4)),
    case("expm1", C.expm1, U(3, 4)),
    case("exp2", C.exp2, U(3, 4)),
    case("log", C.log, U(3, 4, lo=0.2, hi=2)),
    case("log2", C.log2, U(3, 4, lo=0.2, hi=2)),
    case("log10", C.log10, U(3, 4, lo=0.2, hi=2)),
    case("log1p", C.log1p, U(3, 4, lo=-0.5, hi=1)),
    case("sqrt", C.sqrt, U(3, 4, lo=0.2, hi=2)),
    case("cbrt", C.cbrt, away(3, 4)),
    case("square", C.square, U(3, 4)),
    case("abs", C.abs_, away(3, 4)),
    case("absolute", C.absolute, away(3, 4)),
    case("fabs", C.fabs, away(3, 4)),
    case("negative", C.negative, U(3, 4)),
    case("positive", C.positive, U(3, 4)),
    case("reciprocal", C.reciprocal, away(3, 4)),
    case("deg2rad", C.deg2rad, U(3, 4)),
    case("rad2deg", C.rad2deg, U(3, 4)),
    case("sin_of_python_float", C.sin_of_scalar, 0.7),
    case("chain", C.chain, U(3, 4)),
    # --- elementwise, two arguments (and broadcasting)
    case("arctan2", C.arctan2, U(3, 4), away(3, 4)),
    case("power", C.power, U(3, 4, lo=0.5, hi=2), U(3, 4, lo=-1.5, hi=2.5)),
    case("power_broadcast", C.power, U(3, 1, lo=0.5, hi=2), U(1, 4, lo=-1.5, hi=2.5)),
    case("power_const", C.power_const, U(3, 4)),
    case("maximum", C.maximum, U(3, 4), U(3, 4)),
    case("maximum_broadcast", C.maximum, U(3, 1), U(1, 4)),
    case("minimum", C.minimum, U(3, 4), U(4)),
    case("fmax", C.fmax, U(3, 4), U(3, 4)),
    case("fmin", C.fmin, U(3, 4), U(3, 4)),
    case("relu", C.relu, away(3, 4)),
    case("hypot", C.hypot, away(3, 4), away(3, 4)),
    case("ldexp", C.ldexp, U(3, 4)),
    case("logaddexp", C.logaddexp, U(3, 4), U(3, 4)),
    case("add_broadcast_4_34", C.add, U(4), U(3, 4)),
    case("subtract_broadcast_31_14", C.subtract, U(3, 1), U(1, 4)),
    case("multiply_scalar_array", C.multiply, 1.3, U(3, 4)),
    case("multiply_broadcast_31_14", C.multiply, U(3, 1), U(1, 4)),
    case("divide_broadcast", C.divide, U(3, 4), away(4)),
    case("true_divide_array_scalar", C.true_divide, U(3, 4), -1.7),
    case("clip", C.clip, U(3, 4), -0.3, U(4, lo=0.2, hi=0.6)),
    case("clip_upper_only", C.clip_upper_only, U(3, 4)),
    case("clip_keywords", C.clip_keywords, U(3, 4)),
    case("where", C.where, U(3, 4), U(3, 4)),
    case("where_broadcast", C.where, U(3, 4), U(4)),
    case("operators_on_arrays", C.operators, U(3, 4), U(4, lo=0.5, hi=1)),
    # --- reductions: axis None, int, negative, tuple; keepdims
    case("sum_all", C.sum_all, U(2, 3, 4)),
    case("sum_axis0", C.sum_axis0, U(2, 3, 4)),
    case("sum_axis_neg", C.sum_axis_neg, U(2, 3, 4)),
    case("sum_axis_tuple", C.sum_axis_tuple, U(2, 3, 4)),
    case("sum_axis_neg_tuple_keepdims", C.sum_axis_neg_tuple_keepdims, U(2, 3, 4)),
    case("sum_keepdims_axis_none", C.sum_keepdims_none, U(3, 4)),
    case("sum_positional_axis", C.sum_positional_axis, U(3, 4)),
    case("sum_of_list", C.sum_axis0, [0.5, -1.5, 2.0]),
    case("mean_all", C.mean_all, U(3, 4)),
    case("mean_axis", C.mean_axis, U(3, 4)),
    case("mean_tuple_keepdims", C.mean_tuple_keepdims, U(2, 3, 4)),
    case("prod_all", C.prod_all, away(3, 4, lo=0.5, hi=1.5)),
    case("prod_all_one_zero", C.prod_all, _ZERO1),
    case("prod_axis", C.prod_axis, away(3, 4, lo=0.5, hi=1.5)),
    case("prod_axis_zeros", C.prod_axis, _ZERO2),
    case("prod_tuple_keepdims", C.prod_tuple_keepdims, away(2, 3, 4, lo=0.5, hi=1.5)),
    case("max_all", C.max_all, U(3, 4)),
    case("max_axis", C.max_axis, U(3, 4)),
    case("min_axis_keepdims", C.min_axis_keepdims, U(2, 3, 4)),
    case("amax_tuple", C.amax_tuple, U(2, 3, 4)),
    case("amin_all", C.amin_all, U(3, 4)),
    case("std_all", C.std_all, U(3, 4)),
    case("std_axis_ddof", C.std_axis_ddof, U(4, 3)),
    case("var_all", C.var_all, U(3, 4)),
    case("var_tuple_keepdims", C.var_tuple_keepdims, U(3, 4, 2)),
    case("cumsum_flat", C.cumsum_flat, U(2, 3)),
    case("cumsum_axis", C.cumsum_axis, U(2, 3, 4)),
    case("cumprod_flat", C.cumprod_flat, away(2, 3, lo=0.5, hi=1.5)),
    case("cumprod_flat_zeros", C.cumprod_flat, _ZERO1),
    case("cumprod_axis", C.cumprod_axis, away(3, 4, lo=0.5, hi=1.5)),
    case("cumprod_axis_zeros", C.cumprod_axis, _ZERO2),
    # --- linear algebra
    case("dot_vec_vec", C.dot, U(4), U(4)),
    case("dot_mat_vec", C.dot, U(3, 4), U(4)),
    case("dot_vec_mat", C.dot, U(3), U(3, 4)),
    case("dot_mat_mat", C.dot, U(3, 4), U(4, 2)),
    case("dot_scalar_mat", C.dot, 1.5, U(3, 4)),
    case("dot_nd", C.dot, U(2, 3, 4), U(5, 4, 2)),
    case("inner_mat", C.inner, U(3, 4), U(2, 4)),
    case("inner_vec", C.inner, U(4), U(4)),
    case("outer", C.outer, U(3), U(2, 2)),
    case("matmul_mat_mat", C.matmul, U(3, 4), U(4, 2)),
    case("matmul_mat_vec", C.matmul, U(3, 4), U(4)),
    case("matmul_vec_mat", C.matmul, U(3), U(3, 4)),
    case("matmul_vec_vec", C.matmul, U(4), U(4)),
    case("matmul_batched", C.matmul, U(2, 3, 4), U(2, 4, 5)),
    case("matmul_broadcast_batch", C.matmul, U(2, 1, 3, 4), U(5, 4, 2)),
    case("matmul_operator", C.matmul_operator, U(3, 4), U(4, 2)),
    case("tensordot_int", C.tensordot_int, U(2, 3, 4), U(3, 4, 5)),
    case("tensordot_pairs", C.tensordot_pairs, U(2, 3, 4), U(4, 5, 2)),
    case("tensordot_one", C.tensordot_one, U(3, 4), U(4, 2)),
    case("einsum_matmul", C.einsum_matmul, U(3, 4), U(4, 2)),
    case("einsum_implicit", C.einsum_implicit, U(3, 4), U(2, 4)),
    case("einsum_rowdot", C.einsum_rowdot, U(3, 4), U(3, 4)),
    case("einsum_sum", C.einsum_sum, U(3, 4)),
    case("einsum_sum_axis", C.einsum_sum_axis, U(2, 3, 4)),
    case("einsum_trace", C.einsum_trace, U(3, 3)),
    case("einsum_diag", C.einsum_diag, U(3, 3)),
    case("einsum_ellipsis_broadcast", C.einsum_batched, U(2, 3, 4), U(4, 2)),
    case("einsum_three", C.einsum_three, U(2, 3), U(3, 4), U(4)),
    case("einsum_same_operand", C.einsum_same_operand, U(4)),
    case("trace", C.trace, U(3, 3)),
    case("trace_offset_axes", C.trace_offset_axes, U(3, 4, 2)),
    case("norm", C.norm, U(3, 4)),
    case("norm_axis", C.norm_axis, U(2, 3, 4)),
    case("norm_fro_keepdims", C.norm_fro_keepdims, U(2, 3, 4)),
    case("norm_ord1", C.norm_ord1, away(5)),
    case("norm_inf", C.norm_inf, away(5)),
    case("norm_ord3", C.norm_ord3, away(5)),
    case("norm_nuc", C.norm_nuc, U(3, 4)),
    case("norm_spectral", C.norm_spectral, U(3, 4)),
    case("norm_matrix_inf", C.norm_matrix_inf, U(2, 3, 4)),
    case("inv", C.inv, well_conditioned(3, 3)),
    case("inv_batched", C.inv, well_conditioned(2, 3, 3)),
    case("det", C.det, well_conditioned(3, 3)),
    case("det_batched", C.det, well_conditioned(2, 3, 3)),
    case("det_singular", C.det, _SINGULAR),
    case("solve_vec", C.solve, well_conditioned(3, 3), U(3)),
    case("solve_mat", C.solve, well_conditioned(3, 3), U(3, 2)),
    case("solve_batched_a_vec_b", C.solve, well_conditioned(2, 3, 3), U(3)),
    case("solve_batched_b", C.solve, well_conditioned(3, 3), U(2, 3, 2)),
    case("dot_of_inv", C.dot_of_inv, well_conditioned(3, 3), U(3, 2)),
    # --- shape operations
    case("reshape", C.reshape, U(3, 4)),
    case("reshape_order_f", C.reshape_order_f, U(3, 4)),
    case("transpose", C.transpose, U(2, 3, 4)),
    case("transpose_axes", C.transpose_axes, U(2, 3, 4)),
    case("swapaxes", C.swapaxes, U(2, 3, 4)),
    case("moveaxis", C.moveaxis, U(2, 3, 4)),
    case("expand_dims", C.expand_dims, U(3, 4)),
    case("squeeze", C.squeeze, U(3, 1, 4)),
    case("ravel", C.ravel, U(2, 3, 4)),
    case("broadcast_to", C.broadcast_to, U(3, 1)),
    case("tile", C.tile, U(3, 4)),
    case("repeat_flat", C.repeat_flat, U(2, 3)),
    case("repeat_axis", C.repeat_axis, U(2, 3)),
    case("flip", C.flip, U(3, 4)),
    case("copy", C.copy, U(3, 4)),
    case("copy.copy", C.copy_copy, U(3, 4)),
    case("copy.deepcopy", C.copy_deepcopy, U(3, 4)),
    case("copy.copy of a number", C.copy_copy_number, U(3)),
    case("asarray", C.asarray, U(3, 4)),
    case("array_ndmin", C.array, U(4)),
    case("concatenate_list", C.concatenate, U(2, 3), U(2, 2)),
    case("stack_list", C.stack, U(3), U(3)),
    # --- creation, non-differentiable functions
    case("full", C.full, 0.8),
    case("full_like", C.full_like, U(3, 4), 1.7),
    case("linspace", C.linspace, 0.3, 2.1),
    case("linspace_arrays_axis", C.linspace_arrays, U(3), U(3)),
    case("piecewise_constant", C.piecewise_constant, _piecewise_input()),
    case("creation", C.creation, U(3, 4)),
    case("argmax_pick", C.argmax_pick, U(5)),
    # --- composite programs
    case("mlp", C.mlp, U(5, 3), U(3, 4), U(4), U(4, 2)),
    case("softmax_cross_entropy", C.softmax_cross_entropy, U(5, 3, lo=-2, hi=2)),
    case("array_loop", C.array_loop, U(3, 4)),
    case("array_loop_carried", C.array_loop_carried, U(3), U(3, 3)),
    case("fill_by_index", C.fill_by_index, U(3, 2)),
    case("normalise_rows", C.normalise_rows, U(3, 5)),
    # --- issue 13
    case("cholesky", C.cholesky, spd(3)),
    case("cholesky_batched", C.cholesky, spd(2, 3)),
    case("matrix_power", C.matrix_power, well_conditioned(3, 3)),
    case("pinv_tall", C.pinv, U(4, 3)),
    case("pinv_wide", C.pinv, U(2, 3)),
    case("sinc", C.sinc, np.array([[0.0, 1e-4, -0.3], [0.8, 2.5, -1.6]])),
    case("nan_to_num", C.nan_to_num, U(3, 4)),
    case("sum_mean_where_initial", C.sum_mean_where, U(3, 4)),
    case("pad_rollaxis", C.pad_rollaxis, U(2, 3, 4)),
    case(
        "interp",
        C.interp,
        np.array([-0.5, 0.3, 1.2, 2.5]),
        np.array([0.0, 1.0, 2.0]),
        U(3),
        wrt=("fp",),
    ),
    case(
        "interp_x",
        C.interp,
        np.array([-0.5, 0.3, 1.2, 1.9, 2.5]),
        np.array([0.0, 1.0, 2.0]),
        U(3),
        wrt=("x", "fp"),
    ),
    case("select", C.select, U(3, 4), U(4), 0.3),
    case("nan_reductions_without_nan", C.nan_reductions, U(3, 4)),
    case(
        "reductions_initial_where",
        C.reductions_initial_where,
        np.array([[0.4, -1.3, 0.9], [-0.2, 0.7, 1.1]]),
    ),
    case("cov_corrcoef", C.cov_corrcoef, U(3, 6)),
    case("append", C.append, U(2, 3), U(2)),
    case("append_scalar", C.append, U(3), 0.4),
    case("logaddexp2", C.logaddexp2, U(3, 4), U(4)),
    case("mod", C.mod, U(3, 4, lo=-3, hi=3), away(4, lo=0.4, hi=1.2)),
    case("remainder", C.remainder, U(3, 4, lo=-3, hi=3), away(3, 4, lo=0.4, hi=1.2)),
    case("fmod", C.fmod, U(3, 4, lo=-3, hi=3), away(4, lo=0.4, hi=1.2)),
    case("degrees_radians", C.degrees_radians, U(3, 4)),
    case("real_conjugate_imag_angle", C.real_conjugate, away(3, 4)),
    case("real_if_close_int_cast", C.real_if_close_int_cast, away(3, 4)),
    case("tril_triu", C.tril_triu, U(3, 4)),
    case("flips_rolls_rot90", C.flips_rolls, U(3, 4)),
    case("atleast_scalar", C.atleast, 0.7),
    case("atleast_vector", C.atleast, U(3)),
    case("diff", C.diff, U(4, 5)),
    case("diag_diagonal", C.diag_diagonal, U(3, 4)),
    case("sort", C.sort, U(3, 4)),
    case("partition", C.partition, U(3, 7)),
    case("take_along_axis", C.take_along, U(3, 4)),
    case("column_stack", C.column_stack, U(3), U(3, 2)),
    case("trapezoid", C.trapezoid, U(3, 4), np.array([0.0, 0.5, 1.5, 1.7]), wrt=("y",)),
    case("polyval", C.polyval, U(4), U(2, 3)),
    case("polyval_scalar_x", C.polyval, U(3), 0.7),
    case("vdot", C.vdot, U(2, 3), U(3, 2)),
    case("cross", C.cross, U(4, 3), U(3)),
    case("kron", C.kron, U(2, 3), U(3, 2)),
    case("convolve", C.convolve, U(5), U(3)),
    case("ptp", C.ptp, U(3, 4)),
    case("ptp_length_1_axis", C.ptp, U(1, 4)),
    case("ptp_length_1_row", C.ptp, U(3, 1)),
    case("trapezoid_wrt_x", C.trapezoid, U(3, 4), np.array([0.0, 0.5, 1.5, 1.7])),
    case("trapezoid_nd_x", C.trapezoid_x, U(3, 4), U(3, 4)),
    case("trapezoid_nd_x_length_1", C.trapezoid_x, U(1, 2), U(1, 2)),
    case("median_odd", C.median, U(3, 5)),
    case("median_even", C.median, U(3, 4)),
    case("median_length_1", C.median, U(1, 1)),
    case("median_keepdims", C.median_keepdims, U(4, 3)),
    case("median_keepdims_length_1", C.median_keepdims, U(1, 3)),
    case("quantile_percentile", C.quantile_percentile, U(5, 4)),
    case("quantile_percentile_length_1", C.quantile_percentile, U(1, 1)),
]


@pytest.mark.parametrize("c", CASES, ids=str)
def test_gradient_matches_finite_differences(c):
    args = with_weights(c.func, c.args)
    g = srcdiff.grad(c.func, wrt=c.wrt)(*args)
    names = list(inspect.signature(c.func).parameters)
    for name, gi in zip(c.wrt, g):
        x = args[names.index(name)]
        assert np.shape(gi) == np.shape(x), f"d{name} has shape {np.shape(gi)}, not {np.shape(x)}"
    srcdiff.check_grad(c.func, *args, wrt=c.wrt, rtol=c.rtol, atol=c.atol)


# --- float32 -----------------------------------------------------------------------------

# Every case again in float32, except where float64 legitimately enters (float64
# constants in `creation`) or the argument is a list.
F32 = [
    c.id for c in CASES if c.id not in ("creation", "sum_of_list", "concatenate_list", "stack_list")
]
_BY_ID = {c.id: c for c in CASES}


def _f32(v):
    if isinstance(v, np.ndarray):
        return v.astype(np.float32)
    if isinstance(v, float):
        return np.float32(v)
    return v


@pytest.mark.parametrize("cid", F32)
def test_float32_in_float32_gradient_out(cid):
    c = _BY_ID[cid]
    args32 = with_weights(c.func, tuple(_f32(a) for a in c.args), np.float32)
    args64 = tuple(
        np.asarray(a, np.float64)
        if isinstance(a, np.ndarray)
        else (float(a) if isinstance(a, np.floating) else a)
        for a in args32
    )
    g32 = srcdiff.grad(c.func, wrt=c.wrt)(*args32)
    g64 = srcdiff.grad(c.func, wrt=c.wrt)(*args64)
    names = list(inspect.signature(c.func).parameters)
    for name, a, b in zip(c.wrt, g32, g64):
        x = args32[names.index(name)]
        assert np.shape(a) == np.shape(x)
        if isinstance(x, (np.ndarray, np.float32)):
            assert np.asarray(a).dtype == np.float32, f"d{name} is {np.asarray(a).dtype}"
        scale = max(1.0, float(np.max(np.abs(b))))
        np.testing.assert_allclose(np.asarray(a, np.float64), b, rtol=2e-3, atol=2e-4 * scale)


# --- conventions at non-differentiable points --------------------------------------------


def test_maximum_and_minimum_split_ties_evenly():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 0.0, 3.5])
    w = np.ones(3)
    dx, dy = srcdiff.grad(C.maximum, wrt=("x", "y"))(x, y, w)
    np.testing.assert_array_equal(dx, [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(dy, [0.5, 0.0, 1.0])
    dx, dy = srcdiff.grad(C.minimum, wrt=("x", "y"))(x, y, w)
    np.testing.assert_array_equal(dx, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(dy, [0.5, 1.0, 0.0])


def test_max_reduction_shares_among_ties():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    dx = srcdiff.grad(C.max_axis, wrt="x")(x, np.array([1.0, 0.6]))
    np.testing.assert_allclose(dx, [[0.0, 0.5, 0.5], [0.2, 0.2, 0.2]])


def test_abs_at_zero_is_zero():
    dx = srcdiff.grad(C.abs_, wrt="x")(np.array([-2.0, 0.0, 3.0]), np.ones(3))
    np.testing.assert_array_equal(dx, [-1.0, 0.0, 1.0])


def test_clip_at_bounds_shares_with_the_bound():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    dx, dlo, dhi = srcdiff.grad(C.clip, wrt=("x", "lo", "hi"))(x, 0.0, 0.5, np.ones(4))
    np.testing.assert_array_equal(dx, [0.0, 0.5, 0.5, 0.0])
    assert dlo == 1.5 and dhi == 1.5


def test_prod_and_cumprod_with_zeros_are_exact():
    x = np.array([2.0, 0.0, 3.0, 0.0])
    dx = srcdiff.grad(C.prod_all, wrt="x")(x, 1.0)
    np.testing.assert_array_equal(dx, [0.0, 0.0, 0.0, 0.0])
    x = np.array([2.0, 0.0, 3.0, 5.0])
    dx = srcdiff.grad(C.prod_all, wrt="x")(x, 1.0)
    np.testing.assert_array_equal(dx, [0.0, 30.0, 0.0, 0.0])
    dx = srcdiff.grad(C.cumprod_flat, wrt="x")(x, np.ones(4))
    # d/dx of [2, 2x1, 2x1*3, 2x1*15] at x1 = 0: x0 gets 1 (from out[0]), x1 gets 2+6+30
    np.testing.assert_array_equal(dx, [1.0, 38.0, 0.0, 0.0])


def test_norm_and_std_at_zero_are_zero():
    z = np.zeros((2, 3))
    np.testing.assert_array_equal(srcdiff.grad(C.norm, wrt="x")(z, 1.0), z)
    np.testing.assert_array_equal(srcdiff.grad(C.std_all, wrt="x")(z, 1.0), z)


def test_hypot_at_zero_is_zero_as_norm_is():
    # hypot is the 2-norm of (x, y); x / out would be 0 / 0 = nan where both are 0
    x, y, w = np.array([0.0, 3.0]), np.array([0.0, 4.0]), np.ones(2)
    gx, gy = srcdiff.grad(C.hypot, wrt=("x", "y"))(x, y, w)
    np.testing.assert_allclose(gx, [0.0, 0.6])
    np.testing.assert_allclose(gy, [0.0, 0.8])
    h = srcdiff.hessian(C.hypot, wrt="x")(x, y, w)
    assert np.all(np.isfinite(h)) and h[0, 0] == 0.0


def test_nan_to_num_passes_nothing_through_replaced_values():
    x = np.array([0.5, np.nan, np.inf, -np.inf, -2.0])
    dx = srcdiff.grad(C.nan_to_num, wrt="x")(x, np.array([1.0, 2.0, 1.0, 1.0, 5.0]))
    np.testing.assert_array_equal(dx, [1.0, 0.0, 0.0, 0.0, 5.0])


def test_sinc_derivative_at_zero_is_zero_and_second_is_exact():
    x = np.array([0.0, 0.5])
    np.testing.assert_array_equal(srcdiff.grad(C.sinc, wrt="x")(x, np.ones(2))[0], 0.0)
    h = srcdiff.hessian(C.sinc, wrt="x")(x, np.ones(2))
    np.testing.assert_allclose(h[0, 0], -(np.pi**2) / 3, rtol=1e-14)


def test_interp_gives_outside_points_to_the_end_samples_or_to_left_and_right():
    x, xp, fp = np.array([-1.0, 0.25, 3.0]), np.array([0.0, 1.0, 2.0]), np.zeros(3)
    (dfp,) = srcdiff.grad(C.interp, wrt=("fp",))(x, xp, fp, np.ones(3))
    np.testing.assert_allclose(dfp, [1.0 + 0.75, 0.25, 1.0])


def test_interp_in_x_is_the_segments_slope_and_its_hessian_the_slopes_change_in_fp():
    x, xp, fp = (
        np.array([-1.0, 0.25, 1.5, 3.0]),
        np.array([0.0, 1.0, 2.0]),
        np.array([1.0, 3.0, 2.0]),
    )
    w = np.ones(4)
    for mode in ("reverse", "forward"):
        (dx,) = srcdiff.grad(C.interp, wrt=("x",), mode=mode)(x, xp, fp, w)
        np.testing.assert_array_equal(dx, [0.0, 2.0, -1.0, 0.0])  # 0 outside the samples
    # d2 / dx_i dfp_k: of the slope (fp[j+1] - fp[j]) / (xp[j+1] - xp[j]) of x_i's segment
    want = np.array([[0, 0, 0], [-1, 1, 0], [0, -1, 1], [0, 0, 0]], dtype=float)
    for mode in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward"):
        h = srcdiff.hessian(C.interp_joint, mode=mode)(np.concatenate([x, fp]), xp, w)
        np.testing.assert_array_equal(h[:4, :4], np.zeros((4, 4)))  # piecewise linear in x
        np.testing.assert_allclose(h[:4, 4:], want, atol=1e-12)
        np.testing.assert_allclose(h[4:, :4], want.T, atol=1e-12)
        np.testing.assert_array_equal(h[4:, 4:], np.zeros((3, 3)))  # linear in fp


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_nan_reductions_leave_missing_values_out_of_the_derivative(mode):
    x, w = with_nan(U(3, 4), (0, 1), (2, 3)), U(3)
    got = srcdiff.grad(C.nan_reductions, mode=mode)(x, w)
    assert got[0, 1] == 0.0 and got[2, 3] == 0.0  # a missing value has no derivative
    h = 1e-6
    for i in np.argwhere(~np.isnan(x)):
        e = np.zeros_like(x)
        e[tuple(i)] = h
        numeric = (C.nan_reductions(x + e, w) - C.nan_reductions(x - e, w)) / (2 * h)
        assert got[tuple(i)] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
def test_nan_reductions_hessian_matches_differences_of_the_gradient(mode):
    x, w = with_nan(U(3, 4), (0, 1)), U(3)
    h = srcdiff.hessian(C.nan_reductions, mode=mode)(x, w)
    g = srcdiff.grad(C.nan_reductions)
    step = 1e-6
    for i in np.argwhere(~np.isnan(x)):
        e = np.zeros_like(x)
        e[tuple(i)] = step
        column = (g(x + e, w) - g(x - e, w)) / (2 * step)
        np.testing.assert_allclose(h[(..., *i)], column, rtol=1e-5, atol=1e-6)
    assert np.all(h[0, 1] == 0.0) and np.all(h[..., 0, 1] == 0.0)


@pytest.mark.parametrize(
    "mode", ["forward-over-reverse", "reverse-over-reverse", "forward-over-forward"]
)
def test_initial_and_where_reductions_hessian_matches_differences_of_the_gradient(mode):
    x, w = np.array([[0.4, -1.3, 0.9], [-0.2, 0.7, 1.1]]), U(2)
    h = srcdiff.hessian(C.reductions_initial_where, mode=mode)(x, w)
    g = srcdiff.grad(C.reductions_initial_where)
    want = fd_jacobian(lambda x: g(x, w), (x,), 0)
    np.testing.assert_allclose(h, want, rtol=1e-5, atol=1e-6)


def test_nan_reductions_with_missing_data_reached_by_arithmetic():
    """NaN data reached by arithmetic before a NaN-ignoring reduction: forward mode
    masks the tangents (the derivative over the data that are there); reverse mode meets
    0 * nan on the way back and refuses, its hint naming forward mode, which then works."""
    data = with_nan(U(6), 1, 4)
    kept = ~np.isnan(data)
    mu = 0.3
    want = -2 * np.mean(data[kept] - mu) + np.sum(np.abs(data[kept]) * np.sign(mu))
    assert srcdiff.grad(C.nan_reductions_of_parameters, mode="forward")(mu, data) == (
        pytest.approx(want, rel=1e-12)
    )
    with pytest.raises(srcdiff.DomainError) as info:
        srcdiff.grad(C.nan_reductions_of_parameters)(mu, data)
    assert "mode='forward'" in info.value.hint
    clean = np.where(kept, data, 0.0)  # without NaN, reverse mode agrees
    got = srcdiff.grad(C.nan_reductions_of_parameters)(mu, clean)
    assert got == pytest.approx(
        srcdiff.grad(C.nan_reductions_of_parameters, mode="forward")(mu, clean)
    )


def test_select_gives_each_element_to_the_first_true_condition_or_the_default():
    x, y = np.array([1.0, -1.0, -0.3]), np.array([2.0, 1.5, -2.0])
    dx, dy, dd = srcdiff.grad(C.select, wrt=("x", "y", "d"))(x, y, 0.7, np.ones(3))
    # conditions x > 0 and y > 0: element 0 goes to x (both hold), 1 to y, 2 to the default
    np.testing.assert_array_equal(dx, [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(dy, [0.0, 3.0, 0.0])  # of y**2
    assert dd == 1.0


def test_sort_at_ties_keeps_each_elements_derivative_in_order():
    # sorted: [0, 1, 1] from positions 2, 0, 1 (a stable argsort): each gets its weight
    dx = srcdiff.grad(C.sort, wrt="x")(np.array([1.0, 1.0, 0.0]), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(dx, [2.0 + 3.0, 3.0 + 3.0, 1.0])


def test_partition_ties_and_its_own_arrangement():
    x = np.array([3.0, 1.0, 2.0, 1.0, 5.0, 0.5])
    w = np.arange(1.0, 7.0)
    out = np.partition(x, 2)
    dx = srcdiff.grad(C.partition, wrt="x")(x, w)
    # each element of x gets the weight (and twice its square, from the second term) of the
    # position np.partition put it in
    want = np.empty(6)
    for i, v in enumerate(x):
        (pos,) = np.nonzero(out == v)
        k = pos[list(np.nonzero(x == v)[0]).index(i)]
        want[i] = w[k] + 2 * v
    np.testing.assert_array_equal(dx, want)


def test_mod_and_fmod_at_a_jump_take_the_quotient_there():
    # x = 2y exactly: mod is 0 and jumps; d/dy = -floor(x / y) = -2 (the right limit),
    # fmod's d/dy = -trunc(x / y) = -2 too; d/dx = 1
    for f in (C.mod, C.fmod):
        dx, dy = srcdiff.grad(f, wrt=("x", "y"))(np.array([2.0, -3.0]), np.array([1.0, 1.5]), 1.0)
        np.testing.assert_array_equal(dx, [1.0, 1.0])
        np.testing.assert_array_equal(dy, [-2.0, 2.0])


def test_angle_and_imag_of_real_input_are_constant():
    x = np.array([-1.0, 0.0, 2.0])
    dx = srcdiff.grad(C.real_conjugate, wrt="x")(x, np.ones(3))
    np.testing.assert_array_equal(dx, 2 * x)  # from real(x) * conj(x) alone


# --- rules evaluated directly --------------------------------------------------------------


def _rule_for(func, args, kwargs):
    """The rule the transformer would pick for func(*args, **kwargs), and its bound values."""
    rules = RULES.lookup(func)
    params = max(rules, key=lambda r: len(r.params)).params
    bound = dict(zip(params, args))
    bound.update(kwargs)
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


def _like(v):
    """A random tangent shaped like value v (a float, an array or a list of arrays)."""
    if isinstance(v, list):
        return [_like(e) for e in v]
    return U(*np.shape(v))


def _shift(v, t, h):
    if isinstance(v, list):
        return [a + h * b for a, b in zip(v, t)]
    return v + h * t


def _vdot(a, b):
    # a list's cotangent is an array indexed like the list (runtime.rows_of)
    if isinstance(a, list) or isinstance(b, list):
        assert len(a) == len(b)
        return sum(_vdot(x, y) for x, y in zip(a, b))
    return float(np.sum(np.asarray(a) * np.asarray(b)))


def _is_float_value(v):
    if isinstance(v, list):
        return bool(v) and all(_is_float_value(e) for e in v)
    return isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f")


def _takes_2d_cross():
    """NumPy 2.0-2.4 take 2-vectors in np.cross (deprecated); 2.5 refuses them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            np.cross([1.0, 0.0], [0.0, 1.0])
        except ValueError:
            return False
    return True


_MASK = np.array([[True, False, True, True], [False, True, True, True], [True, True, False, True]])

D = [  # (func, positional args, keyword args)
    (np.sin, (U(3, 4),), {}),
    (np.cos, (U(3),), {}),
    (np.tan, (U(3),), {}),
    (np.arcsin, (U(3, lo=-0.8, hi=0.8),), {}),
    (np.arccos, (U(3, lo=-0.8, hi=0.8),), {}),
    (np.arctan, (U(3),), {}),
    (np.arctan2, (U(3, 1), away(4)), {}),
    (np.sinh, (U(3),), {}),
    (np.cosh, (U(3),), {}),
    (np.tanh, (U(3),), {}),
    (np.arcsinh, (U(3),), {}),
    (np.arccosh, (U(3, lo=1.2, hi=3),), {}),
    (np.arctanh, (U(3, lo=-0.8, hi=0.8),), {}),
    (np.exp, (U(3),), {}),
    (np.expm1, (U(3),), {}),
    (np.exp2, (U(3),), {}),
    (np.log, (U(3, lo=0.2, hi=2),), {}),
    (np.log2, (U(3, lo=0.2, hi=2),), {}),
    (np.log10, (U(3, lo=0.2, hi=2),), {}),
    (np.log1p, (U(3, lo=-0.5, hi=1),), {}),
    (np.logaddexp, (U(3), U(2, 3)), {}),
    (np.sqrt, (U(3, lo=0.2, hi=2),), {}),
    (np.cbrt, (away(3),), {}),
    (np.square, (U(3),), {}),
    (np.abs, (away(3),), {}),
    (np.fabs, (away(3),), {}),
    (np.negative, (U(3),), {}),
    (np.positive, (U(3),), {}),
    (np.reciprocal, (away(3),), {}),
    (np.power, (U(3, lo=0.5, hi=2), U(2, 1)), {}),
    (np.hypot, (away(3), away(3)), {}),
    (np.ldexp, (U(2, 3), np.array([1, -3, 0])), {}),
    (np.deg2rad, (U(3),), {}),
    (np.rad2deg, (U(3),), {}),
    (np.add, (U(3), U(2, 3)), {}),
    (np.subtract, (U(2, 1), U(3)), {}),
    (np.multiply, (1.5, U(3)), {}),
    (np.divide, (U(3), away(2, 1)), {}),
    (np.maximum, (U(3), U(2, 3)), {}),
    (np.minimum, (U(3), U(3)), {}),
    (np.fmax, (U(3), U(3)), {}),
    (np.fmin, (U(3), U(3)), {}),
    (np.clip, (U(2, 3), -0.3, U(3, lo=0.2, hi=0.6)), {}),
    (np.where, (U(2, 3) > 0, U(2, 3), U(3)), {}),
    (np.sum, (U(2, 3, 4),), {"axis": (0, -1)}),
    (np.sum, (U(2, 3),), {"keepdims": True}),
    (np.mean, (U(2, 3, 4),), {"axis": -2}),
    (np.prod, (_ZERO2,), {"axis": 1}),
    (np.prod, (away(2, 3, 4, lo=0.5, hi=1.5),), {"axis": (0, 2), "keepdims": True}),
    (np.max, (U(2, 3),), {"axis": 0}),
    (np.min, (U(2, 3),), {}),
    (np.amax, (U(2, 3),), {"axis": -1, "keepdims": True}),
    (np.amin, (U(2, 3),), {"axis": 1}),
    (np.var, (U(3, 4),), {"axis": 0, "ddof": 1}),
    # initial= and where= (a row whose maximum is below initial: no derivative there)
    (np.max, (U(3, 4),), {"axis": 1, "initial": 0.5}),
    (np.min, (U(3, 4),), {"where": _MASK, "initial": 2.0}),
    (np.amax, (U(3, 4),), {"axis": 0, "where": _MASK, "initial": -2.0}),
    (np.amin, (U(3, 4),), {"axis": 1, "initial": -0.5}),
    (np.prod, (away(3, 4),), {"axis": 0, "initial": 2.0}),
    (np.prod, (away(3, 4),), {"where": _MASK}),
    (np.var, (U(3, 4),), {"axis": 1, "where": _MASK, "ddof": 1}),
    (np.std, (U(3, 4),), {"where": _MASK}),
    (np.std, (U(3, 4),), {"axis": 0, "where": _MASK, "keepdims": True}),
    (np.nansum, (with_nan(U(3, 4), (1, 2)),), {"axis": 1}),
    (np.nanmean, (with_nan(U(3, 4), (1, 2), (0, 0)),), {"axis": 0, "keepdims": True}),
    (np.nanprod, (with_nan(away(3, 4), (2, 1)),), {"axis": 1}),
    (np.nanmax, (with_nan(U(3, 4), (0, 3)),), {"axis": 1}),
    (np.nanmin, (with_nan(U(3, 4), (0, 3)),), {}),
    (np.nanvar, (with_nan(U(3, 4), (1, 1)),), {"axis": 0, "ddof": 1}),
    (np.nanstd, (with_nan(U(3, 4), (2, 0)),), {"axis": 1}),
    (np.nanstd, (with_nan(U(3, 4), (2, 0)),), {}),
    (np.std, (U(2, 3, 4),), {"axis": (1, 2)}),
    (np.cumsum, (U(2, 3),), {"axis": 0}),
    (np.cumprod, (_ZERO2,), {"axis": -1}),
    (np.cumprod, (away(2, 3, lo=0.5, hi=1.5),), {}),
    (np.dot, (U(3, 4), U(4)), {}),
    (np.dot, (U(2, 3, 4), U(5, 4, 2)), {}),
    (np.inner, (U(3, 4), U(2, 4)), {}),
    (np.outer, (U(3), U(2, 2)), {}),
    (np.tensordot, (U(2, 3, 4), U(4, 5, 2)), {"axes": ([0, 2], [2, 0])}),
    (np.matmul, (U(2, 1, 3, 4), U(5, 4, 2)), {}),
    (np.matmul, (U(4), U(2, 4, 3)), {}),
    (np.einsum, ("ii->i", U(3, 3)), {}),
    (np.einsum, ("ij,jk", U(2, 3), U(3, 4)), {}),
    (np.einsum, ("...i,ij,j->...", U(5, 2), U(2, 3), U(3)), {}),
    (np.einsum, ("ij,jk,kl,l->i", U(2, 3), U(3, 2), U(2, 4), U(4)), {}),
    (np.trace, (U(3, 4, 2),), {"offset": 1, "axis1": 2, "axis2": 0}),
    (np.linalg.norm, (U(2, 3, 4),), {"axis": (2, 0)}),
    (np.linalg.norm, (away(5),), {"ord": 3}),
    (np.linalg.norm, (U(3, 4),), {"ord": "nuc"}),
    (np.linalg.norm, (U(2, 3, 4),), {"ord": -np.inf, "axis": (2, 1)}),
    (np.linalg.norm, (U(3, 4),), {"ord": 1}),
    (np.linalg.inv, (well_conditioned(2, 3, 3),), {}),
    (np.linalg.det, (well_conditioned(2, 3, 3),), {}),
    (np.linalg.det, (_SINGULAR,), {}),
    (np.linalg.solve, (well_conditioned(2, 3, 3), U(3)), {}),
    (np.linalg.solve, (well_conditioned(3, 3), U(2, 3, 2)), {}),
    (np.reshape, (U(3, 4), (2, 6)), {"order": "F"}),
    (np.ravel, (U(3, 4),), {}),
    (np.transpose, (U(2, 3, 4),), {"axes": (2, 0, 1)}),
    (np.swapaxes, (U(2, 3, 4), 0, 2), {}),
    (np.moveaxis, (U(2, 3, 4), [0, 1], [-1, 0]), {}),
    (np.expand_dims, (U(3, 4), 1), {}),
    (np.squeeze, (U(3, 1, 4, 1),), {}),
    (np.broadcast_to, (U(3, 1), (2, 3, 4)), {}),
    (np.tile, (U(3, 4), 2), {}),
    (np.repeat, (U(2, 3), [2, 0, 1]), {"axis": -1}),
    (np.repeat, (U(2, 3), 3), {}),
    (np.flip, (U(2, 3),), {}),
    (np.copy, (U(2, 3),), {}),
    (copy.copy, (U(2, 3),), {}),
    (copy.deepcopy, (U(2, 3),), {}),
    (np.asarray, (U(2, 3),), {}),
    (np.float64, (U(2, 3),), {}),
    (np.array, (U(3),), {"ndmin": 2}),
    (np.concatenate, ([U(2, 3), U(2, 1)],), {"axis": -1}),
    (np.concatenate, ([U(2, 3), U(4)],), {"axis": None}),
    (np.stack, ([U(2, 3), U(2, 3)],), {"axis": 1}),
    (np.hstack, ([U(2, 3), U(2, 1)],), {}),
    (np.hstack, ([U(3), U(2)],), {}),
    (np.vstack, ([U(2, 3), U(3)],), {}),
    (np.full, ((2, 3), U(3)), {}),
    (np.full_like, (U(2, 3), 0.7), {}),
    (np.linspace, (U(3), U(3), 4), {"endpoint": False, "axis": 1}),
    (np.linspace, (0.5, U(2), 3), {}),
    # issue 13
    (np.linalg.cholesky, (spd(3),), {}),
    (np.linalg.cholesky, (spd(2, 3),), {}),
    (np.linalg.matrix_power, (well_conditioned(3, 3), 3), {}),
    (np.linalg.matrix_power, (well_conditioned(2, 3, 3), -2), {}),
    (np.linalg.matrix_power, (well_conditioned(3, 3), 0), {}),
    (np.linalg.pinv, (U(3, 2),), {}),
    (np.linalg.pinv, (U(2, 4),), {}),
    (np.linalg.pinv, (well_conditioned(2, 3, 3),), {}),
    (np.sinc, (np.array([0.0, 1e-4, -0.3, 0.8, 2.5]),), {}),
    (np.nan_to_num, (np.array([0.3, np.nan, -np.inf, 1.2]),), {}),
    (np.sum, (U(2, 3, 4),), {"axis": 1, "where": U(3, 1) > 0, "initial": 0.5}),
    (np.sum, (U(2, 3),), {"where": np.array([True, False, True])}),
    (np.mean, (U(2, 3, 4),), {"axis": (0, 2), "keepdims": True, "where": U(3, 4) > -0.5}),
    (np.pad, (U(2, 3), ((1, 0), (2, 1))), {}),
    (np.pad, (U(3),), {"pad_width": 2}),
    (np.rollaxis, (U(2, 3, 4), 2), {}),
    (np.rollaxis, (U(2, 3, 4), 0, 3), {}),
    (np.rollaxis, (U(2, 3, 4), -1, -2), {}),
    # points at the samples (integers: x is not differentiated there, a kink), then off them
    (np.interp, (np.array([0, 1, 2]), [0.0, 1.0, 2.0], U(3)), {}),
    (np.interp, (np.array([-0.5, 0.3, 1.7, 2.5]), [0.0, 1.0, 2.0], U(3)), {}),
    (np.interp, (np.array([[-0.5, 0.3], [2.5, 1.5]]), [0.0, 1.0, 2.0], U(3), -1.0, 4.0), {}),
    (np.interp, (0.4, [0.0, 1.0, 2.0], U(3)), {"right": 0.0}),
    # np.row_stack is gone from newer NumPy (the rule is registered only where it exists)
    *([(np.row_stack, ([U(2, 3), U(3)],), {})] if hasattr(np, "row_stack") else []),
    (np.select, ([U(3, 4) > 0.3, U(4) > -0.2], [U(3, 4), U(3, 1)], U(4)), {}),
    (np.select, ([U(3) > 0, U(3) > -0.5], [U(3), 0.5]), {"default": 1.5}),
    (np.cov, (U(3, 5),), {}),
    (np.cov, (U(5, 2), U(5)), {"rowvar": False, "ddof": 2}),
    (np.cov, (U(6),), {"bias": True}),
    (np.corrcoef, (U(3, 5),), {}),
    (np.corrcoef, (U(5, 2), U(5)), {"rowvar": False}),
    (np.append, (U(2, 3), U(4)), {}),
    (np.append, (U(2, 3), U(2, 2)), {"axis": 1}),
    (np.append, (U(2, 3), U(1, 3)), {"axis": -2}),
    (np.logaddexp2, (U(3), U(2, 3)), {}),
    (np.mod, (U(3, lo=-3, hi=3), away(3, lo=0.4, hi=1.2)), {}),
    (np.fmod, (U(3, lo=-3, hi=3), away(3, lo=0.4, hi=1.2)), {}),
    (np.radians, (U(3),), {}),
    (np.degrees, (U(3),), {}),
    (np.conjugate, (U(3),), {}),
    (np.real, (U(2, 3),), {}),
    (np.real_if_close, (U(2, 3),), {}),
    (np.tril, (U(3, 4),), {"k": -1}),
    (np.triu, (U(2, 3, 3),), {}),
    (np.flipud, (U(3, 2),), {}),
    (np.fliplr, (U(3, 2),), {}),
    (np.rot90, (U(2, 3, 4),), {"k": 3, "axes": (2, 0)}),
    (np.roll, (U(3, 4), (1, -2)), {"axis": (0, 1)}),
    (np.roll, (U(3, 4), 5), {}),
    (np.atleast_1d, (0.5,), {}),
    (np.atleast_2d, (U(3),), {}),
    (np.atleast_3d, (U(3, 2),), {}),
    (np.diff, (U(3, 5),), {}),
    (np.diff, (U(4, 3),), {"n": 2, "axis": 0}),
    (np.diag, (U(3),), {"k": 1}),
    (np.diag, (U(3, 4),), {"k": -1}),
    (np.diagonal, (U(2, 3, 4),), {"offset": 1, "axis1": 2, "axis2": 0}),
    (np.take_along_axis, (U(3, 4), np.array([[0, 0, 3], [1, 2, 2], [3, 1, 0]])), {"axis": 1}),
    (np.take_along_axis, (U(1, 4), np.array([[0], [3]])), {"axis": 1}),
    (np.take_along_axis, (U(3, 4), np.array([5, 0, 5])), {"axis": None}),
    (np.sort, (U(3, 4),), {}),
    (np.sort, (U(3, 4),), {"axis": 0}),
    (np.sort, (U(3, 4),), {"axis": None}),
    (np.partition, (U(3, 7), 3), {}),
    (np.partition, (U(6, 2), [1, 4]), {"axis": 0}),
    (np.partition, (U(3, 4), 5), {"axis": None}),
    (np.column_stack, ([U(3), U(3, 2)],), {}),
    (np.trapezoid, (U(3, 4),), {}),
    (np.trapezoid, (U(3, 4),), {"dx": 0.3, "axis": 0}),
    (np.trapezoid, (U(3, 4), np.array([0.0, 0.5, 1.5, 1.7])), {}),
    (np.trapezoid, (U(3, 4), np.cumsum(U(3, 4, lo=0.1, hi=1), axis=0)), {"axis": 0}),
    (np.polyval, (U(4), U(2, 3)), {}),
    (np.polyval, (U(1), 0.7), {}),
    (np.vdot, (U(2, 3), U(3, 2)), {}),
    (np.cross, (U(4, 3), U(3)), {}),
    (np.cross, (U(3, 4), U(2, 4, 3)), {"axisa": 0, "axisc": 0}),
    # 2-vectors (a scalar z-component) only where NumPy still takes them (not in 2.5)
    *([(np.cross, (U(4, 2), U(4, 2)), {})] if _takes_2d_cross() else []),
    (np.cross, (U(3, 4), U(3, 4)), {"axis": 0}),
    (np.kron, (U(2, 3), U(4, 2)), {}),
    (np.kron, (U(3), U(2, 2)), {}),
    (np.kron, (0.7, U(2)), {}),
    (np.convolve, (U(5), U(3)), {}),
    (np.convolve, (U(4), U(6)), {"mode": "same"}),
    (np.convolve, (U(6), U(4)), {"mode": "same"}),
    (np.convolve, (U(3), U(5)), {"mode": "valid"}),
    (np.ptp, (U(3, 4),), {}),
    (np.ptp, (U(3, 4),), {"axis": -1}),
    (np.ptp, (U(2, 3, 4),), {"axis": (0, -1), "keepdims": True}),
    (np.ptp, (U(1, 4),), {"axis": 0}),
    (np.ptp, (U(5),), {"axis": -1, "keepdims": True}),
    (np.trapezoid, (U(2, 3, 4), U(3)), {"axis": -2}),
    (np.trapezoid, (U(2, 1, 4), U(1)), {"axis": 1}),
    (np.trapezoid, (U(2, 3, 4), U(1, 3, 1)), {"axis": 1}),
    (np.median, (U(5),), {}),
    (np.median, (U(3, 4),), {"axis": -1}),
    (np.median, (U(2, 3, 4),), {"axis": (0, 2), "keepdims": True}),
    (np.median, (U(1, 4),), {"axis": 0, "keepdims": True}),
    (np.quantile, (U(6), 0.3), {}),
    (np.quantile, (U(3, 4), [0.0, 0.5, 1.0]), {"axis": -2}),
    (np.quantile, (U(2, 3, 4), np.array([[0.2], [0.9]])), {"axis": 1, "keepdims": True}),
    (np.quantile, (U(1, 3), 0.7), {"axis": 0}),
    (np.percentile, (U(7), 42.0), {}),
    (np.percentile, (U(3, 5), [5.0, 95.0]), {"axis": -1, "keepdims": True}),
    (np.percentile, (U(2, 3, 4), 50.0), {"axis": None, "keepdims": True}),
]


def _label(entry):
    func, args, kwargs = entry
    rule, _ = _rule_for(func, args, kwargs)
    return (
        rule.label
        + "("
        + ", ".join(
            [
                f"{type(a).__name__}{list(np.shape(a)) if not isinstance(a, list) else ''}"
                if not isinstance(a, str)
                else repr(a)
                for a in args
            ]
            + [f"{k}={v!r}" for k, v in kwargs.items()]
        )
        + ")"
    )


@pytest.mark.parametrize("entry", D, ids=[_label(e) for e in D])
@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated:DeprecationWarning")
def test_rule_templates_jvp_and_vjp(entry):
    func, args, kwargs = entry
    rule, bound = _rule_for(func, args, kwargs)
    out = func(*args, **kwargs)
    checked = 0
    for p in rule.vjp:
        if p not in bound or not _is_float_value(bound[p]):
            continue
        checked += 1
        value = bound[p]
        g = U(*np.shape(out))
        t = _like(value)
        # vjp: a cotangent of the input's exact shape (elementwise rules are unbroadcast
        # by the transformer, which we mimic)
        ct = _eval(rule, "vjp", p, bound, out, g)
        if rule.elementwise:
            ct = runtime.unbroadcast(ct, value)
        if isinstance(value, list):
            assert [np.shape(c) for c in ct] == [np.shape(v) for v in value]
        else:
            assert np.shape(ct) == np.shape(value), f"vjp for {p}: {np.shape(ct)}"
        # jvp against a central difference along t
        tan = np.broadcast_to(_eval(rule, "jvp", p, bound, out, t), np.shape(out))
        h = 1e-6

        def at(shift, p=p, value=value, t=t):
            moved = {**bound, p: _shift(value, t, shift)}
            pos = [moved[q] for q in list(moved)[: len(args)]]
            return np.asarray(func(*pos, **{k: moved[k] for k in kwargs}), float)

        numeric = (at(h) - at(-h)) / (2 * h)
        np.testing.assert_allclose(
            tan, numeric, rtol=1e-5, atol=1e-6, err_msg=f"jvp of {rule.label} w.r.t. {p}"
        )
        # the vjp is the transpose of the jvp
        assert np.isclose(_vdot(g, tan), _vdot(ct, t), rtol=1e-9, atol=1e-12), (
            f"vjp of {rule.label} w.r.t. {p} is not the transpose of its jvp"
        )
    assert checked, "no differentiable argument in this entry"


def _numpy_rules():
    """The rules numpy_rules registered that are still in the table."""
    live = {id(r) for r in RULES.all()}
    return [r for r in numpy_rules.REGISTERED if id(r) in live]


def test_every_numpy_rule_has_jvp_and_vjp_for_the_same_parameters():
    rules = _numpy_rules()
    assert len(rules) > 100
    for rule in rules:
        assert rule.result in ("same", "array", "scalar", "int", "reduce"), rule.label
        assert set(rule.jvp) == set(rule.vjp), rule.label
        assert set(rule.vjp) <= set(rule.params), rule.label
        for mode in ("jvp", "vjp"):
            for p in rule.vjp:
                names = rule.uses(mode, p) - set(rule.params) - {"out", "g", "t"}
                assert names <= set(rule.namespace), (rule.label, mode, p, names)


def test_every_differentiable_numpy_rule_is_checked_directly():
    covered = {id(_rule_for(f, a, k)[0]) for f, a, k in D}
    covered |= {id(r) for r in RULES.lookup(ast.MatMult)}  # same templates as np.matmul
    # (a difference quotient of a float32 rounding is noise: tests/test_float32_cast.py
    # checks np.float32 against the float64 computation instead)
    covered |= {id(r) for r in RULES.lookup(np.float32)}
    missing = sorted(
        r.label + str(r.params) for r in _numpy_rules() if r.differentiable and id(r) not in covered
    )
    assert not missing, missing


def test_matmul_operator_uses_the_matmul_templates():
    (op,) = RULES.lookup(ast.MatMult)
    (fn,) = RULES.lookup(np.matmul)
    assert op.params == fn.params == ("x", "y")
    assert op.jvp == fn.jvp and op.vjp == fn.vjp


def test_runtime_numpy_helpers_are_self_contained():
    """`srcdiff build` copies helpers with the module's helpers they call: each may use
    only np, math, builtins and functions of runtime_numpy."""
    helpers = [
        f
        for name, f in vars(runtime_numpy).items()
        if inspect.isfunction(f) and f.__module__ == runtime_numpy.__name__
    ]
    assert len(helpers) > 20
    own = {f.__name__ for f in helpers}
    for f in helpers:
        cv = inspect.getclosurevars(f)
        assert set(cv.globals) <= {"np", "math"} | own, (f.__name__, cv.globals.keys())
        assert not cv.nonlocals
        namespace = {
            "np": np,
            "math": __import__("math"),
            **{n: getattr(runtime_numpy, n) for n in cv.globals if n in own},
        }
        exec(inspect.getsource(f), namespace)  # compiles on its own
        assert callable(namespace[f.__name__])


def test_numpy_rules_module_registers_through_the_package():
    assert np.sum in RULES and np.linalg.solve in RULES and ast.MatMult in RULES
    assert numpy_rules.NS["np"] is np


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_astype_keeps_the_input_dtype_in_both_modes(dtype, mode):
    x = np.linspace(-1.0, 1.0, 5).astype(dtype)
    w = weights((5,))
    g = srcdiff.grad(C.astype_casts, wrt="x", mode=mode)(x, w)
    assert g.dtype == dtype
    want = w * (2.0 + 1.0 + np.cos(x.astype(float)))
    np.testing.assert_allclose(g, want, rtol=1e-6 if dtype is np.float64 else 1e-5)


# away from the jumps of (3 x).astype(int) (finite differences straddle none)
AWAY_FROM_JUMPS = np.array([0.2, 0.45, -0.8, -0.55, 1.7])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_astype_to_an_integer_or_boolean_dtype_carries_no_derivative(mode):
    x, w = AWAY_FROM_JUMPS, weights((5,))
    g = srcdiff.grad(C.astype_to_integers, wrt="x", mode=mode)(x, w)
    k = (x * 3.0).astype(np.int64)
    np.testing.assert_allclose(g, np.cos(x) * k * w + 2.0 * x * (x != 0), rtol=1e-12)
    np.testing.assert_allclose(
        g, fd_grad(lambda x: C.astype_to_integers(x, w), (x,), 0), rtol=1e-6, atol=1e-8
    )


def test_astype_to_integers_hessian_matches_differences_of_the_gradient():
    x, w = AWAY_FROM_JUMPS, weights((5,))
    h = srcdiff.hessian(lambda x: C.astype_to_integers(x, w))(x)
    k = (x * 3.0).astype(np.int64)
    np.testing.assert_allclose(h, np.diag(-np.sin(x) * k * w + 2.0), rtol=1e-12, atol=1e-14)


def cast_to_its_own_dtype(w):
    return np.sum(w.astype(w.dtype) ** 2)


def cast_to_float(w):  # cast_to_its_own_dtype as the hint says
    return np.sum(w.astype(float) ** 2)


def test_astype_to_a_dtype_the_code_does_not_name_is_refused_with_a_hint_that_works():
    x = np.array([0.5, -1.5])
    with pytest.raises(srcdiff.NoRuleError, match=r"astype\(dtype\) for a float") as info:
        srcdiff.grad(cast_to_its_own_dtype)(x)
    assert "x.astype(float)" in info.value.hint
    np.testing.assert_allclose(srcdiff.grad(cast_to_float)(x), 2.0 * x)


def test_ptp_shares_ties_as_max_and_min_do_and_is_flat_over_equal_elements():
    x = np.array([[3.0, 1.0, 3.0, 2.0], [5.0, 5.0, 5.0, 5.0]])
    g = srcdiff.grad(lambda x: np.sum(np.ptp(x, axis=1) * np.array([1.0, 2.0])))(x)
    np.testing.assert_array_equal(g, [[0.5, -1.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]])


def test_median_and_quantiles_go_to_the_interpolated_sorted_elements_ties_in_order():
    # odd length: the middle element; even: half to each of the two middle ones
    g = srcdiff.grad(lambda x: np.median(x))(np.array([3.0, -1.0, 2.0, 7.0, 0.5]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0, 0.0, 0.0])
    g = srcdiff.grad(lambda x: np.median(x))(np.array([3.0, -1.0, 2.0, 7.0]))
    np.testing.assert_array_equal(g, [0.5, 0.0, 0.5, 0.0])
    # ties: the value NumPy returns is the tied value; it goes to the first of them (stable)
    g = srcdiff.grad(lambda x: np.median(x))(np.array([2.0, 1.0, 2.0]))
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0])
    # q = 0.3 of 6 values: position 1.5, between the 2nd and 3rd smallest
    x = np.array([5.0, 0.0, 4.0, 1.0, 3.0, 2.0])
    g = srcdiff.grad(lambda x: np.quantile(x, 0.3))(x)
    np.testing.assert_allclose(g, [0.0, 0.0, 0.0, 0.5, 0.0, 0.5])
    g = srcdiff.grad(lambda x: np.percentile(x, 100.0))(x)
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "func",
    [
        lambda x: np.quantile(x, 0.3, method="nearest"),
        lambda x: np.percentile(x, 30.0, method="lower"),
    ],
    ids=["quantile-nearest", "percentile-lower"],
)
def test_quantile_methods_other_than_linear_are_refused(func):
    with pytest.raises(srcdiff.SrcDiffError, match="method='linear'"):
        srcdiff.grad(func)(np.array([0.5, 2.0, 1.0]))


def test_quantile_q_and_median_overwrite_input_are_refused():
    with pytest.raises(srcdiff.SrcDiffError, match="'q'"):
        srcdiff.grad(lambda x, q: np.quantile(x, q), wrt=("q",))(np.array([0.5, 2.0]), 0.3)
    x = np.array([0.5, 2.0, 1.0])
    with pytest.raises(srcdiff.SrcDiffError, match="overwrite_input"):
        srcdiff.grad(lambda x: np.median(x, overwrite_input=True))(x)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_predicates_and_lookups_carry_no_derivative(mode):
    """(np.isscalar in a condition had no rule where the Hessian's second pass read it as
    an assignment of the gradient code: refused, forward over reverse)"""
    x, xp = np.array([0.7, -0.2, 1.3, 0.4]), np.array([0.0, 0.5, 1.0])
    got = srcdiff.grad(C.predicates, mode=mode)(x, xp)
    np.testing.assert_allclose(got, fd_grad(C.predicates, (x, xp), 0), rtol=1e-7, atol=1e-9)
    want = fd_jacobian(lambda v: srcdiff.grad(C.predicates)(v, xp), (x,), 0)
    for order in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward"):
        h = srcdiff.hessian(C.predicates, mode=order)(x, xp)
        np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-8, err_msg=order)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_index_tuples_of_a_differentiated_array_carry_no_derivative(mode):
    x = np.array([0.7, -0.2, 1.3, 0.4])
    f = C.index_tuples_of_a_differentiated_array
    got = srcdiff.grad(f, mode=mode)(x)
    np.testing.assert_allclose(got, fd_grad(f, (x,), 0), rtol=1e-7, atol=1e-9)
    want = fd_jacobian(srcdiff.grad(f), (x,), 0)
    for order in ("forward-over-reverse", "reverse-over-reverse", "forward-over-forward"):
        h = srcdiff.hessian(f, mode=order)(x)
        np.testing.assert_allclose(h, want, rtol=1e-6, atol=1e-8, err_msg=order)

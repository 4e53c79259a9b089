"""Module-level functions exercising srcdiff's NumPy rules (tests/test_numpy_rules.py).

srcdiff reads source, so every case is a real `def` in a real file.  Each
returns a scalar, np.sum(result * w), with `w` a fixed non-uniform weight
array supplied by the test (shaped like the result), so that the cotangent
reaching the rule is not all ones.  Only function-call forms are used
(np.sum(x, axis=0)), except where a case tests the `@` operator.
"""

import copy as copylib

import numpy as np

# --- elementwise, one argument -------------------------------------------------------


def sin(x, w):
    return np.sum(np.sin(x) * w)


def cos(x, w):
    return np.sum(np.cos(x) * w)


def tan(x, w):
    return np.sum(np.tan(x) * w)


def arcsin(x, w):
    return np.sum(np.arcsin(x) * w)


def arccos(x, w):
    return np.sum(np.arccos(x) * w)


def arctan(x, w):
    return np.sum(np.arctan(x) * w)


def sinh(x, w):
    return np.sum(np.sinh(x) * w)


def cosh(x, w):
    return np.sum(np.cosh(x) * w)


def tanh(x, w):
    return np.sum(np.tanh(x) * w)


def arcsinh(x, w):
    return np.sum(np.arcsinh(x) * w)


def arccosh(x, w):
    return np.sum(np.arccosh(x) * w)


def arctanh(x, w):
    return np.sum(np.arctanh(x) * w)


def exp(x, w):
    return np.sum(np.exp(x) * w)


def expm1(x, w):
    return np.sum(np.expm1(x) * w)


def exp2(x, w):
    return np.sum(np.exp2(x) * w)


def log(x, w):
    return np.sum(np.log(x) * w)


def log2(x, w):
    return np.sum(np.log2(x) * w)


def log10(x, w):
    return np.sum(np.log10(x) * w)


def log1p(x, w):
    return np.sum(np.log1p(x) * w)


def sqrt(x, w):
    return np.sum(np.sqrt(x) * w)


def cbrt(x, w):
    return np.sum(np.cbrt(x) * w)


def square(x, w):
    return np.sum(np.square(x) * w)


def abs_(x, w):
    return np.sum(np.abs(x) * w)


def absolute(x, w):
    return np.sum(np.absolute(x) * w)


def fabs(x, w):
    return np.sum(np.fabs(x) * w)


def negative(x, w):
    return np.sum(np.negative(x) * w)


def positive(x, w):
    return np.sum(np.positive(x) * w)


def reciprocal(x, w):
    return np.sum(np.reciprocal(x) * w)


def deg2rad(x, w):
    return np.sum(np.deg2rad(x) * w)


def rad2deg(x, w):
    return np.sum(np.rad2deg(x) * w)


def sin_of_scalar(x, w):
    return np.sin(x) * w


def chain(x, w):
    return np.sum(np.exp(np.sin(x) * np.cos(x)) * np.log1p(x * x) * w)


# --- elementwise, two arguments --------------------------------------------------------


def arctan2(y, x, w):
    return np.sum(np.arctan2(y, x) * w)


def power(x, y, w):
    return np.sum(np.power(x, y) * w)


def power_const(x, w):
    return np.sum(np.power(x, 3) * w)


def maximum(x, y, w):
    return np.sum(np.maximum(x, y) * w)


def minimum(x, y, w):
    return np.sum(np.minimum(x, y) * w)


def fmax(x, y, w):
    return np.sum(np.fmax(x, y) * w)


def fmin(x, y, w):
    return np.sum(np.fmin(x, y) * w)


def relu(x, w):
    return np.sum(np.maximum(x, 0.0) * w)


def hypot(x, y, w):
    return np.sum(np.hypot(x, y) * w)


def ldexp(x, w):
    return np.sum(np.ldexp(x, np.array([-2, 0, 3, 1])) * w) + np.ldexp(x[0, 0], 5) ** 2


def logaddexp(x, y, w):
    return np.sum(np.logaddexp(x, y) * w)


def add(x, y, w):
    return np.sum(np.add(x, y) * w)


def subtract(x, y, w):
    return np.sum(np.subtract(x, y) * w)


def multiply(x, y, w):
    return np.sum(np.multiply(x, y) * w)


def divide(x, y, w):
    return np.sum(np.divide(x, y) * w)


def true_divide(x, y, w):
    return np.sum(np.true_divide(x, y) * w)


def clip(x, lo, hi, w):
    return np.sum(np.clip(x, lo, hi) * w)


def clip_upper_only(x, w):
    return np.sum(np.clip(x, None, 0.25) * w)


def clip_keywords(x, w):
    return np.sum(np.clip(x, a_min=-0.5, a_max=0.5) * w)


def where(x, y, w):
    return np.sum(np.where(x > y, x * y, np.sin(y)) * w)


def operators(x, y, w):
    return np.sum((x * y - x / (y + 3.0) + x**2) * w)


# --- reductions ---------------------------------------------------------------------


def sum_all(x, w):
    return np.sum(x) * w


def sum_axis0(x, w):
    return np.sum(np.sum(x, axis=0) * w)


def sum_axis_neg(x, w):
    return np.sum(np.sum(x, axis=-1) * w)


def sum_axis_tuple(x, w):
    return np.sum(np.sum(x, axis=(0, 2)) * w)


def sum_axis_neg_tuple_keepdims(x, w):
    return np.sum(np.sum(x, axis=(-1, 0), keepdims=True) * w)


def sum_keepdims_none(x, w):
    return np.sum(np.sum(x, keepdims=True) * w)


def sum_positional_axis(x, w):
    return np.sum(np.sum(x, 1) * w)


def mean_all(x, w):
    return np.mean(x * x) * w


def mean_axis(x, w):
    return np.sum(np.mean(x, axis=1) * w)


def mean_tuple_keepdims(x, w):
    return np.sum(np.mean(x, axis=(0, -1), keepdims=True) * w)


def prod_all(x, w):
    return np.prod(x) * w


def prod_axis(x, w):
    return np.sum(np.prod(x, axis=0) * w)


def prod_tuple_keepdims(x, w):
    return np.sum(np.prod(x, axis=(1, 2), keepdims=True) * w)


def max_all(x, w):
    return np.max(x) * w


def max_axis(x, w):
    return np.sum(np.max(x, axis=1) * w)


def min_axis_keepdims(x, w):
    return np.sum(np.min(x, axis=-1, keepdims=True) * w)


def amax_tuple(x, w):
    return np.sum(np.amax(x, axis=(0, 2)) * w)


def amin_all(x, w):
    return np.amin(x) * w


def nan_reductions(x, w):
    """The NaN-ignoring reductions of x (NaN where data are missing), over rows."""
    v = np.nansum(x, axis=1) + np.nanmean(x, axis=1) * np.nanprod(x) + np.nanmax(x, axis=1)
    v = v + np.nanmin(x) * np.nanvar(x, axis=1, ddof=1) + np.nanstd(x, axis=1) * np.nanstd(x)
    return np.sum(v * w)


def nan_reductions_of_parameters(mu, data):
    """Missing data (NaN) against a model's parameters: the arithmetic reaches the NaN
    (forward mode masks the tangents; reverse mode meets 0 * nan, tested as such)."""
    return np.nanmean((data - mu) ** 2) + np.nansum(np.abs(data * mu))


def std_all(x, w):
    return np.std(x) * w


def std_axis_ddof(x, w):
    return np.sum(np.std(x, axis=0, ddof=1) * w)


def var_all(x, w):
    return np.var(x) * w


def var_tuple_keepdims(x, w):
    return np.sum(np.var(x, axis=(0, 1), ddof=1, keepdims=True) * w)


def cumsum_flat(x, w):
    return np.sum(np.cumsum(x) * w)


def cumsum_axis(x, w):
    return np.sum(np.cumsum(x, axis=-1) * w)


def cumprod_flat(x, w):
    return np.sum(np.cumprod(x) * w)


def cumprod_axis(x, w):
    return np.sum(np.cumprod(x, axis=0) * w)


# --- linear algebra -----------------------------------------------------------------


def dot(a, b, w):
    return np.sum(np.dot(a, b) * w)


def inner(a, b, w):
    return np.sum(np.inner(a, b) * w)


def outer(a, b, w):
    return np.sum(np.outer(a, b) * w)


def matmul(a, b, w):
    return np.sum(np.matmul(a, b) * w)


def matmul_operator(a, b, w):
    return np.sum((a @ b) * w)


def tensordot_int(a, b, w):
    return np.sum(np.tensordot(a, b, 2) * w)


def tensordot_pairs(a, b, w):
    return np.sum(np.tensordot(a, b, axes=([0, 2], [2, 0])) * w)


def tensordot_one(a, b, w):
    return np.sum(np.tensordot(a, b, axes=1) * w)


def einsum_matmul(a, b, w):
    return np.sum(np.einsum("ij,jk->ik", a, b) * w)


def einsum_implicit(a, b, w):
    return np.sum(np.einsum("ij,kj", a, b) * w)


def einsum_rowdot(a, b, w):
    return np.sum(np.einsum("ij,ij->i", a, b) * w)


def einsum_sum(a, w):
    return np.einsum("ij->", a) * w


def einsum_sum_axis(a, w):
    return np.sum(np.einsum("ijk->ik", a) * w)


def einsum_trace(a, w):
    return np.einsum("ii->", a) * w


def einsum_diag(a, w):
    return np.sum(np.einsum("ii->i", a) * w)


def einsum_batched(a, b, w):
    return np.sum(np.einsum("...ij,...jk->...ik", a, b) * w)


def einsum_three(a, b, c, w):
    return np.sum(np.einsum("ij,jk,k->i", a, b, c) * w)


def einsum_same_operand(a, w):
    return np.einsum("i,i->", a, a) * w


def trace(a, w):
    return np.trace(a) * w


def trace_offset_axes(a, w):
    return np.sum(np.trace(a, 1, 2, 0) * w)


def norm(x, w):
    return np.linalg.norm(x) * w


def norm_axis(x, w):
    return np.sum(np.linalg.norm(x, axis=-1) * w)


def norm_fro_keepdims(x, w):
    return np.sum(np.linalg.norm(x, "fro", axis=(0, 2), keepdims=True) * w)


def norm_ord1(x, w):
    return np.linalg.norm(x, 1) * w


def norm_inf(x, w):
    return np.linalg.norm(x, np.inf) * w


def norm_ord3(x, w):
    return np.linalg.norm(x, 3) * w


def norm_nuc(x, w):
    return np.linalg.norm(x, "nuc") * w


def norm_spectral(x, w):
    return np.linalg.norm(x, 2) * w


def norm_matrix_inf(x, w):
    return np.sum(np.linalg.norm(x, np.inf, axis=(1, 2)) * w)


def inv(a, w):
    return np.sum(np.linalg.inv(a) * w)


def det(a, w):
    return np.sum(np.linalg.det(a) * w)


def solve(a, b, w):
    return np.sum(np.linalg.solve(a, b) * w)


def dot_of_inv(a, b, w):
    return np.sum(np.dot(np.linalg.inv(a), b) * w)


# --- shape operations -------------------------------------------------------------------


def reshape(x, w):
    return np.sum(np.reshape(x, (4, -1)) * w)


def reshape_order_f(x, w):
    return np.sum(np.reshape(x, (2, 6), order="F") * w)


def transpose(x, w):
    return np.sum(np.transpose(x) * w)


def transpose_axes(x, w):
    return np.sum(np.transpose(x, (1, -1, 0)) * w)


def swapaxes(x, w):
    return np.sum(np.swapaxes(x, 0, -1) * w)


def moveaxis(x, w):
    return np.sum(np.moveaxis(x, 0, -1) * w)


def expand_dims(x, w):
    return np.sum(np.expand_dims(x, (0, -1)) * w)


def squeeze(x, w):
    return np.sum(np.squeeze(x, axis=1) * w)


def ravel(x, w):
    return np.sum(np.ravel(x) * w)


def broadcast_to(x, w):
    return np.sum(np.broadcast_to(x, (2, 3, 4)) * w)


def tile(x, w):
    return np.sum(np.tile(x, (2, 1, 3)) * w)


def repeat_flat(x, w):
    return np.sum(np.repeat(x, 2) * w)


def repeat_axis(x, w):
    return np.sum(np.repeat(x, [1, 0, 3], axis=1) * w)


def flip(x, w):
    return np.sum(np.flip(x, axis=0) * w)


def copy(x, w):
    return np.sum(np.copy(x) * w)


def copy_copy(x, w):
    return np.sum(copylib.copy(x) * w)


def copy_deepcopy(x, w):
    return np.sum(copylib.deepcopy(x) * w)


def copy_copy_number(x, w):
    y = copylib.copy(np.sum(x))  # a NumPy float: a number, as it was
    y += 0.5
    return np.sum(y * x * w)


def asarray(x, w):
    return np.sum(np.asarray(x) * w)


def array(x, w):
    return np.sum(np.array(x, ndmin=3) * w)


def concatenate(a, b, w):
    return np.sum(np.concatenate([a, b], axis=1) * w)


def stack(a, b, w):
    return np.sum(np.stack([a, b], axis=-1) * w)


# --- array creation and non-differentiable functions ---------------------------------------


def full(x, w):
    return np.sum(np.full((3, 4), x) * w)


def full_like(x, s, w):
    return np.sum(np.full_like(x, s) * x * w)


def linspace(a, b, w):
    return np.sum(np.linspace(a, b, 5) * w)


def linspace_arrays(a, b, w):
    return np.sum(np.linspace(a, b, 4, endpoint=False, axis=-1) * w)


def piecewise_constant(x, w):
    y = x * (np.floor(x) + np.ceil(x) + np.round(x) + np.rint(x) + np.trunc(x) + np.sign(x))
    return np.sum(y * w)


def creation(x, w):
    n = np.shape(x)[0]
    z = (
        np.zeros_like(x)
        + np.ones_like(x)
        + np.full_like(x, 2.0)
        + np.zeros((n, 4))
        + np.ones(4)
        + np.eye(n, 4)
        + np.arange(4)
        + np.linspace(0.0, 1.0, 4)
    )
    return np.sum(x * z * w)


def argmax_pick(x, w):
    i = np.argmax(x)
    j = np.argmin(x)
    return (x[i] - 2.0 * x[j] + np.size(x) * np.ndim(x) * np.sum(x)) * w


# --- composite programs --------------------------------------------------------------------


def mlp(x, W1, b1, W2, w):
    h = np.tanh(np.dot(x, W1) + b1)
    return np.sum(np.matmul(h, W2) * w)


def softmax_cross_entropy(logits, w):
    m = np.max(logits, axis=-1, keepdims=True)
    z = logits - m
    logp = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
    return -np.mean(np.sum(logp * w, axis=-1))


def array_loop(x, w):
    for i in range(3):
        x = np.tanh(x * 1.5 + 0.1)
    return np.sum(x * w)


def array_loop_carried(x, A, w):
    y = x
    for i in range(4):
        y = np.sin(np.dot(A, y)) + x
    return np.sum(y * w)


def fill_by_index(x, w):
    n = np.shape(x)[0]
    y = np.zeros(n)
    for i in range(n):
        y[i] = np.sum(np.exp(x[i]) * x[i])
    return np.sum(y * w)


def normalise_rows(x, w):
    mu = np.mean(x, axis=1, keepdims=True)
    sd = np.std(x, axis=1, keepdims=True)
    return np.sum(((x - mu) / sd) * w)


# --- issue 13: more elementwise, shape and bilinear functions ---------------------------------


def logaddexp2(x, y, w):
    return np.sum(np.logaddexp2(x, y) * w)


def mod(x, y, w):
    return np.sum(np.mod(x, y) * w)


def remainder(x, y, w):
    return np.sum(np.remainder(x, y) * w)


def fmod(x, y, w):
    return np.sum(np.fmod(x, y) * w)


def degrees_radians(x, w):
    return np.sum((np.degrees(x) + np.radians(x)) * w)


def real_conjugate(x, w):
    return np.sum((np.real(x) * np.conjugate(x) + np.imag(x) + np.angle(x)) * w)


def real_if_close_int_cast(x, w):
    # np.int64(x) is an integer (no derivative), as int(x) is
    return np.sum(np.real_if_close(x) ** 2 * np.int64(x * 3.0) * w)


def tril_triu(x, w):
    return np.sum((np.tril(x) * 2.0 + np.triu(x, 1) ** 2) * w)


def flips_rolls(x, w):
    y = np.flipud(x) * 2.0 + np.fliplr(x) ** 2 + np.roll(x, 1, axis=0) * x
    return np.sum(y * w) + np.sum(np.rot90(x) ** 3) + np.sum(np.roll(x, (1, -2), (0, 1)) * x)


def atleast(x, w):
    return np.sum(np.atleast_1d(x) * w) + np.sum(np.atleast_2d(x) ** 2) + np.sum(np.atleast_3d(x))


def diff(x, w):
    return np.sum(np.diff(x) * w) + np.sum(np.diff(x, 2, axis=0) ** 2)


def diag_diagonal(x, w):
    d = np.diag(x)
    return np.sum(np.diag(d * d, 1) * w) + np.sum(np.diagonal(x, -1) ** 3)


def sort(x, w):
    return np.sum(np.sort(x) * w) + np.sum(np.sort(x, axis=None) ** 3)


def take_along(x, w):
    i = np.argsort(x, axis=0)
    return np.sum(np.take_along_axis(x, i, axis=0) * w)


def column_stack(a, b, w):
    return np.sum(np.column_stack([a, b]) * w)


def trapezoid(y, x, w):
    return np.sum(np.trapezoid(y**2, x) * w) + np.trapezoid(np.sin(y[0]), dx=0.5)


def polyval(p, x, w):
    return np.sum(np.polyval(p, x) * w)


def vdot(a, b, w):
    return np.vdot(a, b) * w


def cross(a, b, w):
    return np.sum(np.cross(a, b) * w)


def kron(a, b, w):
    return np.sum(np.kron(a, b) * w)


def convolve(a, v, w):
    return np.sum(np.convolve(a, v) * w) + np.sum(np.convolve(a, v, "same") ** 2)


def cholesky(a, w):
    return np.sum(np.linalg.cholesky(a) * w)


def matrix_power(a, w):
    return np.sum(np.linalg.matrix_power(a, 3) * w) + np.sum(np.linalg.matrix_power(a, -2))


def pinv(a, w):
    return np.sum(np.linalg.pinv(a) * w)


def cumprod(x, w):
    """Named like np.cumprod: its jvp function is `cumprod_jvp`, a runtime helper's name."""
    return np.sum(np.cumprod(x) * w)


def sinc(x, w):
    return np.sum(np.sinc(x) * w)


def nan_to_num(x, w):
    return np.sum(np.nan_to_num(x) * w)


def sum_mean_where(x, w):
    keep = x > -0.5
    s = np.sum(x, axis=0, where=keep, initial=1.0) * np.mean(
        x**2, axis=1, keepdims=True, where=keep
    )
    return np.sum(s * w)


def pad_rollaxis(x, w):
    return np.sum(np.pad(x, ((1, 0), (0, 2), (1, 1))) * w) + np.sum(np.rollaxis(x, 2) ** 3)


def interp(x, xp, fp, w):
    return np.sum(np.interp(x, xp, fp) * w)


def interp_joint(z, xp, w):
    """np.interp of z's first four entries as points, its last three as the samples' values."""
    return np.sum(np.interp(z[:4], xp, z[4:]) * w)


def append(a, b, w):
    return np.sum(np.append(a, b) * w) + np.sum(np.append(a, a**2, axis=0) ** 2)


def select(x, y, d, w):
    return np.sum(np.select([x > 0, y > 0], [x, y**2], d) * w)


def cov_corrcoef(x, w):
    return np.sum(np.cov(x) * w) + np.sum(np.corrcoef(x, rowvar=False) ** 2) + np.cov(x[0])


def partition(x, w):
    return np.sum(np.partition(x, 2) * w) + np.sum(np.partition(x, (1, 3), axis=None) ** 2)


def astype_casts(x, w):
    # issue 13: x.astype(...) of a float32 x gave a float64 gradient in reverse mode
    y = x.astype(np.float64) * 2.0 + x.astype(np.float32) + np.sin(x.astype(float))
    return np.sum(y * w)


def ptp(x, w):
    return (
        np.sum(np.ptp(x, axis=-1, keepdims=True) * w)
        + np.ptp(x) ** 2
        + np.sum(np.ptp(x, axis=0) ** 2)
    )


def trapezoid_x(y, x, w):
    return np.sum(np.trapezoid(y, x**2, axis=0) * w) + np.trapezoid(y[:, 0], np.cumsum(x[:, 0]))


def median(x, w):
    return np.sum(np.median(x, axis=-1) * w) + np.median(x) ** 2


def median_keepdims(x, w):
    return np.sum(np.median(x, axis=0, keepdims=True) * w) + np.median(x, keepdims=True)[0, 0]


def quantile_percentile(x, w):
    q = np.quantile(x, [0.1, 0.5, 0.95], axis=0)
    p = np.percentile(x, 30.0, axis=-1, keepdims=True)
    return np.sum(q * w) + np.sum(p**2) + np.quantile(x, 0.25) + np.percentile(x, [10.0, 100.0])[0]


def reductions_initial_where(x, w):
    """np.max / np.prod with initial=, np.var / np.std / np.prod / np.min with where=."""
    mask = np.array([[True, False, True], [True, True, False]])
    v = np.max(x, axis=1, initial=0.2) + np.prod(x, axis=1, initial=1.5)
    v = v + np.var(x, axis=1, where=mask) + np.std(x, axis=1, where=mask, ddof=1)
    v = v * np.prod(x, where=mask) + np.min(x, where=mask, initial=3.0)
    return np.sum(v * w)


def astype_to_integers(x, w):
    # x.astype(int) and .astype(bool) were refused ("no derivative rule for x.astype"):
    # piecewise constant, as int(x) and np.trunc(x) are, so no derivative through them
    k = (x * 3.0).astype(np.int64)
    on = x.astype(dtype=bool)
    return np.sum(np.sin(x) * k * w) + np.sum(on * x**2) + np.sum(x.astype("int32") * w)


def predicates(x, xp):
    """Tests and lookups that carry no derivative, in conditions and in values: the
    Hessian's second pass reads them from the gradient code as assignments."""
    scale = 1.0 if np.isscalar(x) else 2.0
    if np.iscomplexobj(x) or not np.all(np.isreal(x)) or np.any(np.signbit(xp)):
        scale = scale * 3.0
    k = np.searchsorted(xp, x[0])
    bins = np.digitize(x, xp)
    hits = np.flatnonzero(x > 0.5)
    first = np.argwhere(x > 0.0)[0, 0]
    same = np.array_equal(x, x) and np.array_equiv(x, x)
    edge = np.sum(np.isneginf(x) | np.isposinf(x))
    return scale * np.sum(x**2 * bins) + x[k] * x[first] + np.sum(x[hits]) * same + edge


def index_tuples_of_a_differentiated_array(x):
    """(np.diag_indices_from(a) of a differentiated `a` had no rule: refused, though its
    indices carry no derivative, as np.argpartition's, np.lexsort's and np.isin's)"""
    a = np.outer(x, x) + 1.0
    a[np.diag_indices_from(a)] = 2.0
    upper = a[np.triu_indices_from(a, k=1)]
    lower = a[np.tril_indices_from(a)]
    k = np.argpartition(x, 1)[:2]
    order = np.lexsort((x, -x))
    return (
        np.sum(1.0 / a)
        + np.sum(upper**2)
        + np.sum(lower)
        + np.sum(x[k] ** 3)
        + np.sum(x[order] * np.arange(x.size))
        + np.sum(np.isin(x, x[:1]) * x)
    )

"""Forward mode with a batch axis on tangents (compiler/batch.py, api/forward.py).

Every construct of the batched subset, on inputs and outputs of every rank, is checked
three ways: the batched tangents equal the per-element passes' (to rounding), and
grad/jacobian(mode="forward") equal central finite differences.  Functions outside the
subset must fall back to per-element passes (batched_columns gives None) and still be
right.  A seeded random-program check covers combinations of the subset.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from fdiff import assert_close, fd_jacobian, scale_of

import srcdiff
from srcdiff.api import forward
from srcdiff.api.forward import batched_columns, chunk_size, columns

RNG = np.random.default_rng(11)
V = RNG.uniform(0.5, 1.5, 5)  # positive: log, sqrt, ** of it are defined
M = RNG.uniform(0.5, 1.5, (3, 5))
C = RNG.normal(size=(4, 5))
S = np.array(0.7)


# -- the subset, construct by construct ----------------------------------------------------
def sin_(x):
    return np.sin(x)


def cos_(x):
    return np.cos(x) * 2.0


def exp_(x):
    return np.exp(x) - 1.0


def log_(x):
    return np.log(x) / 3.0


def tanh_(x):
    return np.tanh(x)


def sqrt_(x):
    return np.sqrt(x)


def arith(x):
    return (x * x - 2.0 * x + 1.0 / x) ** 2 + -x + (+x)


def pow_const(x):
    return x**3.0 + 2.0**x + x**0.5


def pow_both(x):
    return x**x


def wide_const(x, c):  # an inactive operand wider than x: x's tangent gets an axis
    return x * c


def scalar_times_array(x, c):  # x[0] is a number: its tangent (k,) meets a matrix
    return x[0] * c + x[1]


def add_only(x, c):  # only the narrow operand varies: the tangent is broadcast
    return c + x


def column_plus_row(x, c):
    return x[:, :1] + c[0]


def sums(x):
    return np.sum(x) + np.mean(x) * 2.0


def sum_axis0(x):
    return np.sum(x, axis=0)


def sum_axis1(x):
    return np.sum(x * x, axis=1)


def sum_axis_neg(x):
    return np.mean(x, axis=-1)


def sum_keepdims(x):
    return np.sum(x, axis=0, keepdims=True) * x


def sum_none_keepdims(x):
    return x / np.sum(x, keepdims=True)


def sum_axes(x):
    return np.mean(np.sin(x), axis=(0, 1))


def method_sum(x):
    return x.sum(axis=1) + x.mean()


def matvec(x, w):
    return w @ x


def vecmat(x, w):
    return x @ w.T


def dot_self(x):
    return x @ x


def matmat(x, w):
    return w @ x @ w


def matmul_fn(x, w):
    return np.matmul(x, w)


def transposed(x):
    return x.T * 2.0 + np.transpose(x)


def active_transpose(x, w):
    return x @ w.T


def transposed_3d(x):
    return np.transpose(x[:, :, None] * x[:, None, :])


def indexing(x):
    return x[1:] * x[:-1] + x[0] - x[-1]


def indexing_2d(x):
    return x[:, 0] + x[1, :3] * 2.0 + x[..., 1] * (x[0, 1:4] @ x[0, 1:4])


def index_none(x):
    return x[None, :] * x[:, None]


def index_len(x):
    n = len(x)
    return x[: n - 1] - x[1:n]


def steps(x):
    return x[::2] + x[1::2][0]


def copies(x):
    y = x
    z = y.copy()
    return z * y


def rebinding(x):
    x = x * 2.0
    x = np.sin(x)
    return x + 1.0


def rank3(x, c):
    return x[:, None, None] * c


def constant_output(x):
    return np.ones(3) * 2.0


def tanh_layer(x, w, b):
    return np.tanh(w @ x + b)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


#        function           arguments          differentiated argument
CASES = [
    (sin_, (V,), 0),
    (cos_, (M,), 0),
    (exp_, (V,), 0),
    (log_, (M,), 0),
    (tanh_, (V,), 0),
    (sqrt_, (V,), 0),
    (arith, (V,), 0),
    (pow_const, (V,), 0),
    (pow_both, (V,), 0),
    (wide_const, (V, C), 0),
    (scalar_times_array, (V, C), 0),
    (add_only, (V, C), 0),
    (add_only, (V, C), 1),
    (column_plus_row, (M, C), 0),
    (column_plus_row, (M, C), 1),
    (sums, (M,), 0),
    (sums, (S,), 0),
    (sum_axis0, (M,), 0),
    (sum_axis1, (M,), 0),
    (sum_axis_neg, (M,), 0),
    (sum_keepdims, (M,), 0),
    (sum_none_keepdims, (M,), 0),
    (sum_axes, (M,), 0),
    (method_sum, (M,), 0),
    (matvec, (V, C), 0),
    (matvec, (V, C), 1),
    (vecmat, (V, C), 0),
    (vecmat, (M, C), 0),
    (dot_self, (V,), 0),
    (matmat, (M.T.copy(), M), 0),
    (matmat, (M.T.copy(), M), 1),
    (matmul_fn, (M, C.T.copy()), 0),
    (matmul_fn, (M, C.T.copy()), 1),
    (matmul_fn, (V, C.T.copy()), 0),
    (transposed, (M,), 0),
    (transposed, (V,), 0),
    (active_transpose, (V, C), 1),
    (active_transpose, (C, M), 1),
    (transposed_3d, (M,), 0),
    (indexing, (V,), 0),
    (indexing_2d, (M,), 0),
    (index_none, (V,), 0),
    (index_len, (V,), 0),
    (steps, (V,), 0),
    (copies, (M,), 0),
    (rebinding, (V,), 0),
    (rebinding, (S,), 0),
    (rank3, (V, C[:2, :3].copy()), 0),
    (constant_output, (V,), 0),
    (tanh_layer, (V, C, C[:, 0].copy()), 0),
    (tanh_layer, (V, C, C[:, 0].copy()), 1),
    (tanh_layer, (V, C, C[:, 0].copy()), 2),
    (rosenbrock, (V,), 0),
]


def _ids():
    return [f"{f.__name__}-{i}-{np.ndim(a[i])}d" for f, a, i in CASES]


def per_element(func, args, i):
    """The per-element passes' tangents, stacked: shape (n,) + out.shape."""
    value, tangents = columns(func, args, i)
    shape = np.shape(value)
    return np.array([np.broadcast_to(np.asarray(t, dtype=float), shape) for t in tangents])


def _copies(args):
    return tuple(np.array(a, copy=True) for a in args)


@pytest.mark.parametrize("func, args, i", CASES, ids=_ids())
def test_batched_equals_per_element_and_fd(func, args, i):
    before = _copies(args)
    batched = batched_columns(func, args, i)
    assert batched is not None, f"{func.__name__} should be in the batched subset"
    value, tangents = batched
    assert_close(value, func(*args), 1e-15, what="value")
    want = per_element(func, args, i)
    assert tangents.shape == want.shape == (np.size(args[i]),) + np.shape(value)
    assert_close(tangents, want, 1e-12, 1e-14 * scale_of(want), "batched vs per-element")
    jac = srcdiff.jacobian(func, wrt=i, mode="forward")(*args)
    fd = fd_jacobian(func, args, i)
    assert_close(jac, fd, 1e-6, 1e-8 * scale_of(fd), "jacobian(mode='forward') vs FD")
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)  # inputs untouched


SCALAR_CASES = [(f, a, i) for f, a, i in CASES if np.ndim(f(*a)) == 0]


@pytest.mark.parametrize(
    "func, args, i", SCALAR_CASES, ids=[f.__name__ for f, _, _ in SCALAR_CASES]
)
def test_grad_forward_batched(func, args, i):
    g = srcdiff.grad(func, wrt=i, mode="forward")(*args)
    assert g.shape == np.shape(args[i]) and g.dtype == args[i].dtype
    assert_close(g, fd_jacobian(func, args, i), 1e-6, 1e-8, "grad(mode='forward') vs FD")
    assert_close(g, srcdiff.grad(func, wrt=i)(*args), 1e-12, 1e-14, "forward vs reverse")


def test_float32_input_keeps_its_dtype():
    x = V.astype(np.float32)
    g = srcdiff.grad(rosenbrock, mode="forward")(x)
    assert g.dtype == np.float32
    assert_close(g, srcdiff.grad(rosenbrock)(x), 1e-5, 1e-5, "float32")


# -- chunks ------------------------------------------------------------------------------------
def test_chunk_size_bounds():
    assert chunk_size(10) == 256 and chunk_size(200) == 163 and chunk_size(1000) == 32
    assert chunk_size(10**6) == 8 and chunk_size(0) == 256


@pytest.mark.parametrize("chunk", [1, 3, 4, 7])
def test_chunk_boundaries(monkeypatch, chunk):
    """n not a multiple of the chunk: the last pass takes the rest."""
    monkeypatch.setattr(forward, "chunk_size", lambda n: chunk)
    for func, args, i in [(rosenbrock, (V,), 0), (tanh_layer, (V, C, C[:, 0].copy()), 1)]:
        _, tangents = batched_columns(func, args, i)
        want = per_element(func, args, i)
        assert_close(tangents, want, 1e-12, 1e-14 * scale_of(want), f"chunk {chunk}")


def test_many_inputs_several_chunks():
    x = np.linspace(-1.0, 1.0, 4099)  # chunk_size 8: 513 passes, the last of 3
    g = srcdiff.grad(rosenbrock, mode="forward")(x)
    assert_close(g, srcdiff.grad(rosenbrock)(x), 1e-12, 1e-10, "n = 2051")


# -- outside the subset: per-element passes, right all the same ---------------------------------
def with_branch(x):
    if x[0] > 0:
        return np.sum(x * 2.0)
    return np.sum(x)


def with_loop(x):
    s = 0.0
    for i in range(3):
        s = s + x[i] * x[i]
    return s


def helper(v):
    return v * 3.0


def with_helper(x):
    return np.sum(helper(x))


def with_setitem(x):
    y = np.zeros(3)
    y[0] = x[0]
    return y * 2.0


def with_max(x):
    return np.max(x) + np.sum(x)


def with_dot(x, w):
    return np.dot(w, x)


def with_fancy_index(x):
    return x[np.array([0, 2, 2])]


def with_stack(x):
    return np.stack([x, x * 2.0])


def with_axes_transpose(x):
    return np.transpose(x, (1, 0))


def with_reshape(x):
    return np.reshape(x, (5,)) * 2.0


def with_dtype(x):
    return np.sum(x, dtype=np.float64)


def with_list_arg(x):
    return np.sum(np.concatenate([x, x * x]))


def with_abs(x):
    return np.abs(x) * x


def two_outputs(x):
    return x * 2.0, x * 3.0


FALLBACKS = [
    (with_branch, (V,), 0),
    (with_loop, (V,), 0),
    (with_helper, (V,), 0),
    (with_setitem, (V,), 0),
    (with_max, (V,), 0),
    (with_dot, (V, C), 0),
    (with_fancy_index, (V,), 0),
    (with_stack, (V,), 0),
    (with_reshape, (V,), 0),
    (with_axes_transpose, (M,), 0),
    (with_dtype, (V,), 0),
    (with_list_arg, (V,), 0),
    (with_abs, (V,), 0),
]


@pytest.mark.parametrize("func, args, i", FALLBACKS, ids=[f.__name__ for f, _, _ in FALLBACKS])
def test_outside_the_subset_falls_back(func, args, i):
    assert batched_columns(func, args, i) is None
    jac = srcdiff.jacobian(func, wrt=i, mode="forward")(*args)
    fd = fd_jacobian(func, args, i)
    assert_close(jac, fd, 1e-6, 1e-8 * scale_of(fd), "fallback vs FD")


def test_tuple_output_falls_back():
    assert batched_columns(two_outputs, (V,), 0) is None
    jac = srcdiff.jacobian(two_outputs, mode="forward")(V)
    assert_close(jac[0], 2.0 * np.eye(5), 1e-15, 0.0, "first result")


def test_lists_and_scalars_take_the_old_path():
    assert batched_columns(sums, ([0.1, 0.2],), 0) is None  # a list: per element
    assert batched_columns(sums, (0.5,), 0) is None  # a float: one pass
    assert batched_columns(sums, (np.zeros(0),), 0) is None  # nothing to batch
    g = srcdiff.grad(lambda x: sums(x), mode="forward")(np.zeros(0))
    assert g.shape == (0,)


def with_defaults(x, c=2.0, *, scale=3.0):
    return np.sum(np.sin(x)) * c * scale


def test_defaults_and_keyword_only_parameters():
    assert batched_columns(with_defaults, (V, 2.0, 3.0), 0) is not None
    g = srcdiff.grad(with_defaults, mode="forward")(V, scale=0.5)
    assert_close(g, np.cos(V), 1e-15, 0.0, "defaults")


def test_integer_and_complex_arrays_take_the_old_path():
    xi = np.arange(1, 4)
    assert batched_columns(sin_, (xi,), 0) is None
    with pytest.raises(srcdiff.SrcDiffError, match="integer array"):
        srcdiff.jacobian(sin_, mode="forward")(xi)
    assert batched_columns(sin_, (xi + 0j,), 0) is None


WIDE = np.full(5, 2.0)


def times_global(x):
    return x * WIDE


def test_a_global_rebound_to_another_rank_is_not_trusted(monkeypatch):
    """The batched code reads WIDE live, as the function does; its ranks assumed WIDE's
    rank when the code was made, so a pass with WIDE of another rank is refused at run
    time (batch_rank) and the per-element passes give the right Jacobian."""
    jac = srcdiff.jacobian(times_global, mode="forward")
    assert batched_columns(times_global, (V,), 0) is not None
    assert_close(jac(V), np.diag(WIDE), 1e-15, 0.0, "as made")
    wider = np.arange(15.0).reshape(3, 5)
    monkeypatch.setattr(sys.modules[__name__], "WIDE", wider)
    assert batched_columns(times_global, (V,), 0) is None
    want = np.einsum("ij,jk->ijk", wider, np.eye(5))
    assert_close(jac(V), want, 1e-15, 0.0, "rebound")


def sqrt_at_zero(x):
    return np.sum(np.sqrt(x))


def test_non_finite_tangent_is_refused_as_before():
    """A non-finite batched tangent falls back, so the refusal is the per-element path's."""
    with pytest.raises(srcdiff.SrcDiffError):
        srcdiff.grad(sqrt_at_zero, mode="forward")(np.array([0.0, 1.0]))


def test_mode_auto_jacobian_uses_forward_batched():
    jac = srcdiff.jacobian(tanh_layer, wrt=0)(V[:2], C[:, :2].copy(), C[:, 0].copy())
    want = fd_jacobian(tanh_layer, (V[:2], C[:, :2].copy(), C[:, 0].copy()), 0)
    assert_close(jac, want, 1e-6, 1e-8, "auto")


def test_generated_code_reads_like_the_math():
    from srcdiff.api.forward import specializer

    spec = specializer(rosenbrock, ("x",), "jvp_batch")
    text = spec.generate(spec.kinds_of((V,)), spec.ranks_of((V,))).text
    assert "dx[:, 1:] - dx[:, :-1] * 2 * t2" in text and "axis=1)" in text


# -- random programs over the subset ----------------------------------------------------------
_UNARY = ["np.sin({})", "np.cos({})", "np.tanh({})", "np.exp(0.3 * np.sin({}))", "-{}"]
_UNARY += ["np.sqrt(1.5 + np.cos({}))", "np.log(2.0 + np.sin({}))", "({}) ** 2"]
_BINARY = ["({} + {})", "({} - {})", "({} * {})", "({} / (2.0 + np.cos({})))"]


def _program(rng, args):
    """A straight-line function of (x, c, v, w) over the subset: values of ranks 0, 1
    and 2 mixed by broadcasting, a result of a random rank.  Each candidate statement
    is run on the arguments and kept only if NumPy accepts its shapes."""
    env = dict(zip("xcvw", args))
    lines = []

    def pick(ndim=None):
        names = [n for n, a in env.items() if n != "w" and (ndim is None or np.ndim(a) == ndim)]
        return str(rng.choice(names)) if names else None

    while len(lines) < rng.integers(4, 9):
        kind = rng.integers(0, 6)
        a, b = pick(), pick()
        m = pick(2)
        if kind == 0:
            expr = str(rng.choice(_UNARY)).format(a)
        elif kind == 1:
            expr = str(rng.choice(_BINARY)).format(a, b)
        elif kind == 2 and m:
            axis = rng.choice(["axis=0", "axis=1", "axis=-1", "axis=0, keepdims=True"])
            expr = f"np.{rng.choice(['sum', 'mean'])}({m}, {axis})"
        elif kind == 3:
            expr = f"np.sum({a})"
        elif kind == 4 and m:
            expr = str(rng.choice([f"{m}[1:, :3] * 2.0", f"{m}[0]", f"{m}[:, -1]"]))
        elif kind == 5:
            expr = f"{a} @ w" if rng.integers(2) or not m else f"{m}.T @ {b}"
        else:
            continue
        try:
            value = eval(expr, {"np": np}, env)  # noqa: S307 (the test's own text)
        except ValueError:  # shapes that don't broadcast or multiply
            continue
        name = f"u{len(lines)}"
        env[name] = value
        lines.append(f"    {name} = {expr}")
    lines.append(f"    return {name}")
    return "import numpy as np\n\n\ndef f(x, c, v, w):\n" + "\n".join(lines) + "\n"


def _load(tmp_path, source, tag):
    path = tmp_path / f"batch_{tag}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"batch_{tag}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.f


def test_random_programs(tmp_path):
    """25 seeded programs, each differentiated w.r.t. x, c and v: batched = per-element =
    FD.  A program may fall back where a value's rank is unknown to the analysis (an
    undifferentiated `np.mean(c, axis=-1)`); most must batch."""
    batched_count = total = 0
    for seed in range(25):
        rng = np.random.default_rng(seed)
        args = (
            rng.uniform(-1, 1, (3, 4)),
            rng.uniform(-1, 1, (3, 4)),
            rng.uniform(-1, 1, 4),
            rng.uniform(-1, 1, 4),
        )
        source = _program(rng, args)
        f = _load(tmp_path, source, seed)
        out = f(*args)
        for i in range(3):
            total += 1
            batched = batched_columns(f, args, i)
            want = per_element(f, args, i)
            if batched is not None:
                batched_count += 1
                what = f"{source}\nbatched vs per-element, argument {i}"
                assert_close(batched[1], want, 1e-11, 1e-13 * scale_of(want), what)
            jac = srcdiff.jacobian(f, wrt=i, mode="forward")(*args)
            fd = fd_jacobian(f, args, i)
            assert jac.shape == np.shape(out) + args[i].shape
            assert_close(jac, fd, 1e-6, 1e-7 * scale_of(fd), f"{source}\nvs FD, argument {i}")
    assert batched_count >= 0.6 * total, f"only {batched_count} of {total} batched"

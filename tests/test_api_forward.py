"""srcdiff/api/forward.py: forward-mode gradients and Jacobians, one pass per direction.

* `grad(f, wrt, mode="forward")` equals reverse mode and central differences for
  scalar inputs (straight-line code, a loop, a helper), several `wrt`, keyword-only
  parameters, integers (differentiated as floats, passed unchanged), NumPy scalars,
  and array and list inputs (dtype kept);
* the code it runs is the tangent code of one parameter at a time, of the arguments'
  kinds: for floats, plain float arithmetic (no NumPy, the other tangents absent);
* a non-scalar output, an arithmetic error and a derivative that is not finite are
  refused with srcdiff errors, on the number path and the array path;
* `jvp` of floats (its cached path) equals finite differences and stays right when the
  tangents given change, and `jacobian(mode="forward"/"auto")` equals reverse mode.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from fdiff import assert_close, fd_directional, fd_grad, fd_jacobian

import srcdiff
from srcdiff.api.forward import number_gradient
from srcdiff.errors import DomainError, NonScalarOutputError

RTOL = 1e-10  # forward against reverse: the same derivative, rounded differently
FD_RTOL, FD_ATOL = 1e-6, 1e-8


def seed(x, y):
    return x**2 * y + y + 2


def pendulum(theta0, damping, n):
    th, om = theta0, 0.0
    for _ in range(n):
        acc = -9.81 * math.sin(th) - damping * om
        th = th + 0.01 * om
        om = om + 0.01 * acc
    return 0.5 * om * om + 9.81 * (1.0 - math.cos(th))


def step(a, b, c):
    return a + c * math.sin(b), b - c * a


def stepped(a, b, c):
    for _ in range(3):
        a, b = step(a, b, c)
    return a * b + math.exp(-b * b)


def powered(x, k):
    return x**k + k * x  # k: an integer, differentiated as the float it equals


def scaled(x, *, s=2.0):
    return s * x**3


def kw_loop(x, y=0.5, *, s=2.0, n=3):
    for _ in range(n):
        x = x * s + math.sin(y)
    return x * y


def unused(x, y, flag):
    return x * x if flag else -x


def np_scalar(x, y):
    return np.sin(x) * np.exp(y)


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def mixed(x, w):
    return np.tanh(w * x).sum() * w


def listy(x, w):
    s = 0.0
    for v in x:
        s = s + math.tanh(w * v) * v
    return s * w


def layer(W, b, x):
    return np.tanh(W @ x + b)


def vector_out(x):
    return np.array([x, 2.0 * x])


def sqrt_at(x):
    return math.sqrt(x)


def np_sqrt_at(x):
    return np.sqrt(x)


def over_pair(x, y):
    s = 0.0
    for v in (x, y):
        s = s + v * v * x
    return s


SCALAR_CASES = [
    (seed, (3.0, 4.0), (0, 1)),
    (seed, (3.0, 4.0), 1),
    (seed, (3, 4), (0, 1)),  # ints promoted
    (seed, (3.0, 4), ("y", "x")),
    (pendulum, (1.2, 0.3, 50), (0, 1)),
    (stepped, (0.4, -0.2, 0.7), (0, 1, 2)),
    (powered, (1.5, 3), (0, 1)),
    (np_scalar, (0.3, -0.5), (0, 1)),
    (kw_loop, (0.3, -0.5, 1.5, 4), ("x", "y", "s")),  # keyword-only parameters in wrt
    (unused, (0.3, -0.5, True), (0, 1)),  # y carries no derivative; a bool argument
    (over_pair, (0.3, -0.5), (0, 1)),
]


def _flat(g):
    return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in g])


@pytest.mark.parametrize("func, args, wrt", SCALAR_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_number_gradient_matches_reverse_and_fd(func, args, wrt):
    fwd = srcdiff.grad(func, wrt=wrt, mode="forward")
    rev = srcdiff.grad(func, wrt=wrt)
    params = list(inspect.signature(func).parameters)
    pos = [a for a, p in zip(args, params) if p not in ("s", "n")]
    kw = {p: a for a, p in zip(args, params) if p in ("s", "n")}
    for _ in range(2):  # the first call takes the slow path, the second the dispatcher's
        got, want = fwd(*pos, **kw), rev(*pos, **kw)
        tup = isinstance(wrt, tuple)
        assert isinstance(got, tuple) == tup
        got_t, want_t = (got, want) if tup else ((got,), (want,))
        assert all(type(g) is float for g in got_t), got_t
        assert_close(_flat(got_t), _flat(want_t), RTOL, what="forward vs reverse")
        index = [params.index(w) if isinstance(w, str) else w for w in (wrt if tup else (wrt,))]
        fd = [
            fd_grad(lambda *a: func(*a[: len(pos)], **dict(zip(kw, a[len(pos) :]))), args, i)
            for i in index
        ]
        assert_close(_flat(got_t), _flat(fd), FD_RTOL, FD_ATOL, what="forward vs fd")


def test_reverse_mode_gives_floats_through_a_tuple_of_floats():
    # the adjoint of (x, y) is an array: its items were NumPy scalars, not the floats given
    got = srcdiff.grad(over_pair, wrt=(0, 1))(0.3, -0.5)
    assert [type(g) for g in got] == [float, float]
    assert got == pytest.approx((3 * 0.3**2 + 0.25, 2 * -0.5 * 0.3))


def test_value_and_grad_forward_numbers():
    vg = srcdiff.value_and_grad(seed, wrt=(0, 1), mode="forward")
    for args in [(3.0, 4.0), (3, 4)]:
        value, (gx, gy) = vg(*args)
        assert value == 42.0 and type(value) is float  # ints in wrt: the value as a float
        assert (gx, gy) == (24.0, 10.0)
    value, g = srcdiff.value_and_grad(np_scalar, wrt=0, mode="forward")(0.3, -0.5)
    assert type(g) is float and value == pytest.approx(np_scalar(0.3, -0.5))


def test_keyword_only_and_ints_passed_unchanged():
    g = srcdiff.grad(scaled, mode="forward")
    assert g(2.0) == pytest.approx(24.0) and g(2.0, s=1.0) == pytest.approx(12.0)
    # n in range(n) is an integer and stays one: wrt it, its derivative is 0
    dth, dn = srcdiff.grad(pendulum, wrt=(0, 2), mode="forward")(1.2, 0.3, 20)
    assert dn == 0.0 and dth == pytest.approx(srcdiff.grad(pendulum)(1.2, 0.3, 20), rel=RTOL)


def test_number_path_runs_float_tangent_code_per_parameter():
    """The number path calls one tangent function per parameter, of float kinds: its
    code has the one tangent parameter and no NumPy call."""
    fn = number_gradient(seed, ("x", "y"), (3.0, 4.0), "grad")
    assert fn(3.0, 4.0) == (24.0, 10.0)
    text = srcdiff.source(seed, wrt="x", mode="forward", at=(3.0, 4.0))
    assert "def seed_jvp(x, y, dx):" in text and "np." not in text and "dy" not in text
    assert "like" not in text and "import numpy" not in text


@pytest.mark.parametrize(
    "func, args, wrt",
    [
        (rosen, (np.linspace(-1.0, 1.0, 7),), 0),
        (rosen, (np.linspace(-1.0, 1.0, 6).reshape(6),), (0,)),
        (mixed, (np.array([[0.1, -0.4], [0.3, 0.9]]), 0.7), (0, 1)),
        (listy, ([0.1, -0.4, 0.3], 0.7), (0, 1)),  # a list of floats
    ],
    ids=["rosen", "rosen-tuple", "matrix-and-float", "list"],
)
def test_array_gradient_matches_reverse_and_fd(func, args, wrt):
    got = srcdiff.grad(func, wrt=wrt, mode="forward")(*args)
    want = srcdiff.grad(func, wrt=wrt)(*args)
    got_t, want_t = (got, want) if isinstance(wrt, tuple) else ((got,), (want,))
    index = wrt if isinstance(wrt, tuple) else (wrt,)
    for g, w, i in zip(got_t, want_t, index):
        assert type(g) is type(w) and np.shape(g) == np.shape(w)
        assert_close(np.asarray(g, float), np.asarray(w, float), RTOL)
        assert_close(np.asarray(g, float), fd_grad(func, args, i), FD_RTOL, FD_ATOL)


def test_float32_array_keeps_its_dtype():
    x = np.linspace(-1.0, 1.0, 5).astype(np.float32)
    g = srcdiff.grad(rosen, mode="forward")(x)
    assert g.dtype == np.float32
    assert_close(g.astype(float), srcdiff.grad(rosen)(x).astype(float), 1e-6)


def test_refusals_on_both_paths():
    with pytest.raises(NonScalarOutputError):
        srcdiff.grad(vector_out, mode="forward")(1.5)
    with pytest.raises(NonScalarOutputError):
        srcdiff.grad(layer, wrt=2, mode="forward")(np.ones((2, 3)), np.ones(2), np.ones(3))
    with pytest.raises(DomainError):
        srcdiff.grad(sqrt_at, mode="forward")(0.0)  # math.sqrt: 1 / (2 * 0)
    with pytest.raises(DomainError):
        srcdiff.grad(np_sqrt_at, mode="forward")(np.zeros(2))  # NumPy: inf, refused
    assert srcdiff.grad(sqrt_at, mode="forward")(4.0) == pytest.approx(0.25)


def test_jvp_of_floats_cached_path():
    for tangents in [(1.0, 0.0), (0.5, -2.0), (1.0, None), (None, 3.0), (1.0, 0.0)]:
        value, t = srcdiff.jvp(seed, (3.0, 4.0), tangents)
        dx, dy = (0.0 if v is None else v for v in tangents)
        assert value == 42.0 and t == pytest.approx(24.0 * dx + 10.0 * dy, rel=1e-14)
    primals, tangents = (0.4, -0.2, 0.7), (0.3, 1.0, -0.5)
    for _ in range(2):
        _, t = srcdiff.jvp(stepped, primals, tangents)
        assert_close(t, fd_directional(stepped, primals, tangents), FD_RTOL, FD_ATOL)
    with pytest.raises(DomainError):  # the cached path hands errors to the general one
        for _ in range(2):
            srcdiff.jvp(sqrt_at, (0.0,), (1.0,))


@pytest.mark.parametrize("mode", ["forward", "auto", "reverse"])
def test_jacobian_forward_matches_reverse_and_fd(mode):
    rng = np.random.default_rng(1)
    args = (rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3))
    for i in range(3):
        got = srcdiff.jacobian(layer, wrt=i, mode=mode)(*args)
        want = srcdiff.jacobian(layer, wrt=i, mode="reverse")(*args)
        assert got.shape == (5,) + np.shape(args[i])
        assert_close(got, want, RTOL)
        assert_close(got, fd_jacobian(layer, args, i), FD_RTOL, FD_ATOL)

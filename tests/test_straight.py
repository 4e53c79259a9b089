"""straight.py: folds across both sweeps of a gradient without loops or branches --
forward temporaries into their one backward reader, a first contribution into the
second, values into augmented and element assignments, array gradients into the
`return`, constant slices of parameters read as written, and a value kept only for
the shape of zeros taken from another of its shape.  Each is refused where a store or
an in-place change between could change what the moved expression reads; gradients
agree with central differences in both modes, and Hessians with differences of the
gradient."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler.straight import fold_straight_line

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "samples"))

from logistic import loss as logistic_loss  # noqa: E402
from mlp import mlp_loss  # noqa: E402
from rosenbrock import rosenbrock  # noqa: E402


def _folded(text, candidates, returned=(), params=()):
    body = ast.parse(text).body
    out = fold_straight_line(body, set(candidates), {"np"}, returned=set(returned), params=params)
    return "\n".join(ast.unparse(s) for s in out)


def test_first_contribution_folds_into_the_second():
    assert _folded("dp = a / b\ndp = dp - c\nreturn dp", {"dp"}) == "dp = a / b - c\nreturn dp"


def test_forward_temporary_folds_into_its_reader_across_plain_assignments():
    text = "t9 = 1.0 - p\ndw = 2 * w\ndp = g / t9\nreturn (dp, dw)"
    assert _folded(text, {"t9", "dp", "dw"}) == "dw = 2 * w\ndp = g / (1.0 - p)\nreturn (dp, dw)"


def test_no_fold_across_an_element_assignment():
    text = "t = y * 2.0\ndx[0] = 5.0\ndz = t + 1.0\nreturn dz"
    assert _folded(text, {"t", "dz"}) == text


def test_no_fold_across_a_store_of_what_it_reads():
    text = "t = a * 2.0\na = b\ndz = t + a\nreturn dz"
    assert _folded(text, {"t", "dz"}) == text


def test_a_folded_value_carries_what_it_reads_into_the_next_fold():
    # t1 goes into t2, which then reads a: t2 may not move past the store to a (what a
    # reader reads after a fold is made from the two statements' facts, not walked)
    text = "t1 = a * 2.0\nt2 = t1 + b\na = 5.0\ndx = t2 * c\nreturn dx"
    want = "t2 = a * 2.0 + b\na = 5.0\ndx = t2 * c\nreturn dx"
    assert _folded(text, {"t1", "t2", "dx"}) == want
    values = {}
    for code in (text, want):
        scope = {"a": 1.5, "b": 0.25, "c": 3.0}
        exec(code.rsplit("\n", 1)[0], {}, scope)  # (without the return)
        values[code] = scope["dx"]
    assert values[text] == values[want] == (1.5 * 2.0 + 0.25) * 3.0


def test_a_fold_that_makes_a_simplifiable_reader_simplifies_it():
    # `t = 1.0`, moved into `dz = g * t`, makes `g * 1.0`: its operation folds
    assert _folded("t = 1.0\ndz = g * t\nreturn dz", {"t", "dz"}) == "dz = g\nreturn dz"
    # `-1.0 * x` (the negation holds the read, the product above it folds)
    assert _folded("t = 1.0\ndz = -t * x\nreturn dz", {"t", "dz"}) == "dz = -x\nreturn dz"


def test_value_goes_into_an_augmented_assignment_but_not_its_target():
    text = "dt = -2.0 * t8\ndx = np.zeros_like(x)\ndx[:-1] += dt\nreturn dx"
    want = "dx = np.zeros_like(x)\ndx[:-1] += -2.0 * t8\nreturn dx"
    assert _folded(text, {"dt", "dx"}) == want
    kept = "i = k + 1\ndx = np.zeros_like(x)\ndx[i] += g\nreturn dx"
    assert _folded(kept, {"i", "dx"}) == kept


def test_return_takes_one_operation_of_a_returned_array_only():
    text = "dW = h.T @ g\ndb = g.sum(axis=0)\nreturn (dW, db)"
    assert (
        _folded(text, {"dW", "db"}, returned={"dW"}) == "db = g.sum(axis=0)\nreturn (h.T @ g, db)"
    )
    long = "dW = h.T @ (g * 2.0)\nreturn dW"
    assert _folded(long, {"dW"}, returned={"dW"}) == long


def test_code_with_a_branch_is_left_alone():
    text = "t = a * 2.0\nif c:\n    a = b\ndz = t\nreturn dz"
    assert _folded(text, {"t", "dz"}) == text


def test_constant_slices_of_unchanged_parameters_are_read_as_written():
    text = "t2 = x[:-1]\nt4 = x[1:] - t2 ** 2\ndt = t4 * t2\nreturn dt"
    want = "t4 = x[1:] - x[:-1] ** 2\ndt = t4 * x[:-1]\nreturn dt"
    assert _folded(text, {"t2", "dt"}, params={"x"}) == want
    changed = "x[0] = 1.0\nt2 = x[:-1]\ndt = t2 * t2\nreturn dt"
    assert "t2 = x[:-1]" in _folded(changed, {"t2", "dt"}, params={"x"})


RNG = np.random.default_rng(11)


def _mlp_args(batch):
    d, hidden, k = 4, 5, 3
    return (
        RNG.normal(size=(d, hidden)),
        RNG.normal(size=hidden) * 0.1,
        RNG.normal(size=(hidden, k)),
        RNG.normal(size=k) * 0.1,
        RNG.normal(size=(batch, d)),
        RNG.integers(0, k, size=batch),
    )


def _check_gradient(func, args, wrt):
    want = tuple(fd_grad(func, args, i) for i in wrt)
    for mode in ("reverse", "forward"):
        got = srcdiff.grad(func, wrt=wrt, mode=mode)(*args)
        got = got if isinstance(got, tuple) else (got,)
        assert_close(got, want, rtol=1e-6, atol=1e-8)


def test_mlp_gradient_reads_like_the_hand_written_one():
    args = _mlp_args(6)
    text = srcdiff.source(mlp_loss, wrt=(0, 1, 2, 3), at=args)
    assert "\n    log_probs =" not in text and "np.zeros_like(logits)" in text
    assert "return X.T @ dt2, dt2.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)" in text
    _check_gradient(mlp_loss, args, (0, 1, 2, 3))
    value, grads = srcdiff.value_and_grad(mlp_loss, wrt=(0, 1, 2, 3))(*args)
    assert value == mlp_loss(*args)
    assert_close(grads, srcdiff.grad(mlp_loss, wrt=(0, 1, 2, 3))(*args), rtol=0)


def test_mlp_hessian_in_the_bias():
    args = _mlp_args(5)
    h = srcdiff.hessian(mlp_loss, wrt=3)(*args)
    g = srcdiff.grad(mlp_loss, wrt=3)
    eps = 1e-5
    cols = []
    for e in np.eye(args[3].size):
        plus, minus = list(args), list(args)
        plus[3], minus[3] = args[3] + eps * e, args[3] - eps * e
        cols.append((g(*plus) - g(*minus)) / (2 * eps))
    assert_close(h, np.array(cols), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("n", [2, 3, 7])
def test_rosenbrock(n):
    x = RNG.normal(size=n)
    text = srcdiff.source(rosenbrock, at=(x,))
    assert "t2 = x[:-1]" not in text and "np.full_like" not in text
    _check_gradient(rosenbrock, (x,), (0,))
    h = srcdiff.hessian(rosenbrock)(x)
    g = srcdiff.grad(rosenbrock)
    cols = [(g(x + 1e-5 * e) - g(x - 1e-5 * e)) / 2e-5 for e in np.eye(n)]
    assert_close(h, np.array(cols), rtol=1e-5, atol=1e-5)


def test_logistic():
    args = (RNG.normal(size=3), 0.2, RNG.normal(size=(5, 3)), RNG.integers(0, 2, 5) * 1.0, 0.1)
    text = srcdiff.source(logistic_loss, wrt=(0, 1), at=args)
    assert "dp =" not in text and "dw = 2 * (lam * w) + X.T @ dz" in text
    _check_gradient(logistic_loss, args, (0, 1))


def test_scalar_results_keep_their_names():
    def f(x, y):
        return x**2 * y + y + 2

    assert srcdiff.source(f, wrt=(0, 1)).rstrip().endswith("return dx, dy")


# Straight-line bodies as the tidying passes hand them over: the facts those passes found
# (namefacts.py) are read instead of a walk of each statement, so the folds must come
# out as they do from walks of their own.
_BODIES = [
    "t1 = a * b\nt2 = np.sin(t1)\ndy = t2 * g\ndy = dy + t1\nreturn dy",
    "t1 = np.zeros_like(a)\nt2 = t1 + b\ns.append(t2)\nreturn t2",
    "t3 = a * b\nt2 = np.zeros_like(t3) + c\nreturn t2",
    "t1 = [v * 2.0 for v in xs]\nt2 = t1[0] + c\nreturn t2",
    "t1 = (w := a + 1.0)\nt2 = t1 * w\nreturn t2",
    "t1 = lambda v: v * a\nt2 = t1(b)\nreturn t2",
    "t1 = xs.pop()\nt2 = t1 * 2.0\nreturn t2",
    "t1 = a * 2.0\nnp.sum(t1)\nt2 = -t1\nd[0] += t2\nreturn d",
    "t1 = a * b\nt2 = t1 * 1.0\nt3 = t2 + 0.0\nt4 = np.sum(t3)\nreturn t4",
    "t1 = a[0] * b\nt2, t3 = t1, c\nt4 = t2 * t3\nreturn t4",
    "dt1 = g * x\nda = dt1 * 2.0\nda = da - g\nreturn da",
]
_CANDIDATES = {"t1", "t2", "t3", "t4", "dt1", "da", "dy"}


@pytest.mark.parametrize("text", _BODIES)
def test_folds_read_the_facts_the_passes_before_found(text):
    """fold_straight_line given remembered namefacts.Facts (walked, and made by a fold of
    optimize.fold_single_use without a walk) folds as it does walking each statement,
    and leaves no fact remembered for a statement it changed."""
    from srcdiff.compiler.namefacts import NameFacts, facts_of
    from srcdiff.compiler.optimize import fold_single_use

    walked = fold_straight_line(ast.parse(text).body, _CANDIDATES, {"np"})
    body = ast.parse(text).body
    names = NameFacts()
    body = fold_single_use(body, {"t1"}, {"np"}, facts=names)  # (some facts without a walk)
    for stmt in body:
        names.of(stmt)
    given = fold_straight_line(body, _CANDIDATES, {"np"}, names=names)
    again = fold_straight_line(
        fold_single_use(ast.parse(text).body, {"t1"}, {"np"}), _CANDIDATES, {"np"}
    )
    assert [ast.unparse(s) for s in given] == [ast.unparse(s) for s in again]
    assert walked  # (the body without single-use folding first still folds)
    for stmt in given:
        remembered = names.remembered(stmt)
        if remembered is not None:
            assert remembered[:5] == facts_of(stmt)[:5]


@pytest.mark.parametrize("shape", ["local", "far"])
def test_long_straight_line_gradient_agrees_with_differences(shape):
    """The benchmark's functions (benchmarks/bench_codegen.py), whose tidying reads the
    shared facts throughout: gradients agree with central differences."""
    from benchmarks.bench_codegen import make_function

    func = make_function(60, shape)
    _check_gradient(func, (0.3, 0.2), (0, 1))

"""signs.py: negations pulled out of products, quotients and np.sum, cancelled, and
the one left put on a constant or turned into a subtraction; `e + e` as `2 * e`.
Each rewrite gives the same bits (checked on values with zeros, infinities and both
signs), never negates a possible boolean, and the gradients of functions that make
such code agree with central differences in both modes and in the Hessian."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from fdiff import assert_close, fd_directional, fd_grad

import srcdiff
from srcdiff.compiler.signs import same_tree, tidy_signs

REWRITES = [
    ("-(-a / b)", "a / b"),
    ("x + -1.0 / b * y / a", "x - 1.0 / b * y / a"),
    ("-(g * (-a / b) * y)", "g * (a / b) * y"),
    ("-a * -b", "a * b"),
    ("x + -y", "x - y"),
    ("x - -y", "x + y"),
    ("-(2.0 * a)", "-2.0 * a"),
    ("-g * 2 * a", "g * -2 * a"),
    ("x + np.sum(-g, axis=1, keepdims=True) / a", "x - np.sum(g, axis=1, keepdims=True) / a"),
    ("lam * w + lam * w", "2 * (lam * w)"),
    ("x - -x", "2 * x"),
    ("-(g * m)", "-g * m"),
]

KEPT = [
    "-(a == b) * g",  # (a boolean factor is never negated: the negation stays outside)
    "np.sum(-g, dtype=float)",  # (a dtype could make the sum's sign differ)
    "f(a) + f(a)",  # (a call may not be pure)
    "m + m",  # (m may be a boolean: int_names)
    "-a + b",
]


def _tidied(text, int_names=frozenset({"m"})):
    stmt = ast.parse(f"dz = {text}").body[0]
    tidy_signs([stmt], {"dz"}, {"np"}, int_names)
    return ast.unparse(stmt.value)


@pytest.mark.parametrize(("before", "after"), REWRITES, ids=[r[0] for r in REWRITES])
def test_rewrites(before, after):
    assert _tidied(before) == after


@pytest.mark.parametrize("text", KEPT)
def test_kept(text):
    if text.startswith("-(a == b)"):
        assert _tidied(text) == "-((a == b) * g)"
    else:
        assert _tidied(text) == ast.unparse(ast.parse(text).body[0].value)


def test_boolean_leftmost_factor_keeps_the_negation_outside():
    assert _tidied("-(m * g)") == "-(m * g)"


def test_operations_without_a_sign_to_move_are_kept_as_they_are():
    # (rebuilt only where a negation moves: the product and the sum here are the nodes
    # they were, and the subtraction whose negated operand cancels is new)
    stmt = ast.parse("dz = da * math.cos(a) + da * 0.5 - -g").body[0]
    total = stmt.value.left
    product = total.left
    tidy_signs([stmt], {"dz"}, {"np"})
    assert ast.unparse(stmt.value) == "da * math.cos(a) + da * 0.5 + g"
    assert stmt.value.left is total and stmt.value.left.left is product


def test_user_statements_are_left_alone():
    stmt = ast.parse("y = -(-a / b)").body[0]
    tidy_signs([stmt], {"dz"}, {"np"})
    assert ast.unparse(stmt) == "y = -(-a / b)"


VALUES = np.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, 1e-310, -3e300])


@pytest.mark.parametrize(("before", "after"), REWRITES[:-1], ids=[r[0] for r in REWRITES[:-1]])
def test_same_bits(before, after):
    rng = np.random.default_rng(0)
    env = {"np": np}
    for name in ("a", "b", "g", "x", "y", "w", "lam"):
        env[name] = rng.permutation(VALUES)
    env["m"] = rng.permutation(VALUES)
    if "axis=1" in before:
        for name in ("a", "g", "x"):
            env[name] = env[name].reshape(2, 4)
    with np.errstate(all="ignore"):
        old, new = (_evaluated(text, env) for text in (before, _tidied(before)))
    assert old.dtype == new.dtype
    same = (old == new) | (np.isnan(old) & np.isnan(new))
    if "np.sum" not in before:  # (a zero sum's sign may differ: the docstring says why)
        same &= (np.signbit(old) == np.signbit(new)) | np.isnan(old)
    assert same.all(), (old, new)


def _evaluated(text, env):
    return eval(compile(ast.Expression(ast.parse(text).body[0].value), "<tidy>", "eval"), env)


def logistic_like(w, X, lam):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(np.log(p + 1e-12)) + lam * np.sum(w * w)


def signs_in_branches(x, y):
    t = -x * -y
    if x > 0.0:
        t = t - -(x / -y)
    return t + -(2.0 * x) * y + x * x


RNG = np.random.default_rng(5)
W = RNG.normal(size=3)
XS = RNG.normal(size=(6, 3))


def test_array_gradient_both_modes_and_hessian():
    args = (W, XS, 0.3)
    want = fd_grad(logistic_like, args, 0)
    for mode in ("reverse", "forward"):
        assert_close(srcdiff.grad(logistic_like, mode=mode)(*args), want, rtol=1e-6, atol=1e-9)
    backward = srcdiff.source(logistic_like, at=args).split("# backward sweep")[1]
    backward = "\n".join(ln for ln in backward.splitlines() if not ln.lstrip().startswith("#"))
    assert "2 * (lam * w)" in backward and "-(" not in backward
    h = srcdiff.hessian(logistic_like)(*args)
    g = srcdiff.grad(logistic_like)
    eps = 1e-5
    cols = [(g(W + eps * e, XS, 0.3) - g(W - eps * e, XS, 0.3)) / (2 * eps) for e in np.eye(3)]
    assert_close(h, np.array(cols), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("point", [(0.7, -1.3), (-0.4, 2.0)])
def test_scalar_gradient_both_modes_and_hessian(point):
    want = tuple(fd_grad(signs_in_branches, point, i) for i in (0, 1))
    for mode in ("reverse", "forward"):
        got = srcdiff.grad(signs_in_branches, wrt=(0, 1), mode=mode)(*point)
        assert_close(got, want, rtol=1e-7, atol=1e-9)
    for i in range(2):  # d2f/dp_i^2 against differences of the i-th gradient
        h = srcdiff.hessian(signs_in_branches, wrt=i)(*point)
        g = srcdiff.grad(signs_in_branches, wrt=i)
        plus, minus = list(point), list(point)
        plus[i] += 1e-5
        minus[i] -= 1e-5
        assert_close(h, (g(*plus) - g(*minus)) / 2e-5, rtol=1e-5, atol=1e-7)
    _, tangent = srcdiff.jvp(signs_in_branches, point, (1.0, 0.5))
    assert_close(tangent, fd_directional(signs_in_branches, point, (1.0, 0.5)), rtol=1e-7)


@pytest.mark.parametrize(
    "a, b",
    [
        ("x * y", "x * y"),
        ("x * y", "x * z"),
        ("f(x, k=1)", "f(x, k=1)"),
        ("f(x, k=1)", "f(x, k=1.0)"),
        ("x[1:]", "x[1:]"),
        ("x[1:]", "x[:1]"),
        ("-0.0 * x", "0.0 * x"),
        ("a.T", "a.T"),
        ("a.T", "a.real"),
        ("np.sum(a, axis=0)", "np.sum(a, axis=0)"),
        ("True + x", "1 + x"),
    ],
)
def testsame_tree_is_ast_dump_equality(a, b):
    left, right = ast.parse(a, mode="eval").body, ast.parse(b, mode="eval").body
    assert same_tree(left, right) == (ast.dump(left) == ast.dump(right))

"""templates.simplify's precheck (`_may_fold`): simplify returns a tree untouched
where `_may_fold` says no fold starts, so it must say yes wherever the transformer
would change something -- checked on every small expression over names and the
constants the folds look for -- and the gradients of code where it says no stay right."""

from __future__ import annotations

import ast
import itertools
import math

from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler.astutil import copy_tree
from srcdiff.compiler.templates import _may_fold, _Simplifier, simplify

ATOMS = ["x", "1", "-1", "1.0", "-1.0", "2.0", "-2.0", "0.5", "(-x)", "NEG"]
OPS = ["+", "-", "*", "/", "**"]


def _expressions():
    """Every `a op b` and `(a op b) op c` (both groupings) over ATOMS and OPS."""
    pairs = [f"{a} {op} {b}" for a, op, b in itertools.product(ATOMS, OPS, ATOMS)]
    yield from pairs
    for inner, op, atom in itertools.product(pairs[::7], OPS, ATOMS):
        yield f"({inner}) {op} {atom}"
        yield f"{atom} {op} ({inner})"


def _parsed(text):
    """`text` as an expression, each `NEG` a negative constant as generated code may hold
    one (`ast.Constant(-2.0)`; the parser makes `-2.0` a negation)."""
    tree = ast.parse(text, mode="eval").body
    for node in ast.walk(tree):
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.Name) and value.id == "NEG":
                setattr(node, field, ast.Constant(-2.0))
    return ast.Constant(-2.0) if isinstance(tree, ast.Name) and tree.id == "NEG" else tree


def test_no_fold_where_the_precheck_says_none():
    said_no = 0
    for text in _expressions():
        tree = _parsed(text)
        if _may_fold(tree):
            continue
        said_no += 1
        before = ast.dump(tree)
        assert ast.dump(_Simplifier(frozenset({"x"})).visit(copy_tree(tree))) == before, text
        assert simplify(tree) is tree
    assert said_no > 500  # (most of these expressions cannot fold)


def test_the_precheck_passes_what_folds():
    folding = [
        "g * 1.0",
        "-1 * g",
        "g * (a * b)",
        "x ** 1",
        "x + -2.0",
        "x + NEG",
        "(g * 2.0) * 3.0",
    ]
    for text in folding:
        tree = _parsed(text)
        assert _may_fold(tree), text
        assert ast.dump(simplify(copy_tree(tree))) != ast.dump(tree), text


def test_gradient_of_code_with_constants_that_do_not_fold():
    def f(x, y):
        a = x * 0.5 + math.sin(x * y) - y
        b = a * 0.25 - 2.0 * y + a / 3.0
        return b * a * 0.5 - y

    args = (0.3, 0.7)
    got = srcdiff.grad(f, wrt=("x", "y"))(*args)
    assert_close(got, (fd_grad(f, args, 0), fd_grad(f, args, 1)), rtol=1e-7)
    forward = srcdiff.grad(f, wrt=("x", "y"), mode="forward")(*args)
    assert_close(got, forward, rtol=1e-12)

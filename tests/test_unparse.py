"""compiler/unparse.py writes what `ast.unparse` writes, node for node."""

import ast
import pathlib
import sys

import pytest

from srcdiff.compiler.unparse import unparse

ROOT = pathlib.Path(__file__).resolve().parent.parent

TRICKY = [
    "x = a * b + c",
    "x = (a + b) * c",
    "x = a - (b - c)",
    "x = a - b - c",
    "x = a ** b ** c",
    "x = (a ** b) ** c",
    "x = -a ** 2",
    "x = (-a) ** 2",
    "x = -(a * b)",
    "x = -(-a)",
    "x = not a",
    "x = not a == b",
    "x = ~a & b | c ^ d",
    "x = a << 1 >> 2",
    "x = a // b % c @ d",
    "x = a < b <= c",
    "x = (a < b) + 1",
    "x = f(a, b=c)(d)",
    "x = (a + b).T",
    "x = (a + b)[1]",
    "x = 1 .real",
    "x = 1.0.real",
    "x = True .real",
    "x = a[1:2, ::3]",
    "x = a[1:, 0]",
    "x = a[:-1]",
    "x = a[i,]",
    "x = a[()]",
    "x = a[(1, 2), 3]",
    *(["x = a[*b]"] if sys.version_info >= (3, 11) else []),  # (new syntax in 3.11)
    "x = f((a, b))",
    "x = f(*a, **b)",
    "x = (a, b)",
    "a, b = f(x)",
    "x = -1.0",
    "x = 1e300 * 10.0",
    "x = 1e309",
    "x = 'text'",
    "x = None",
    "x = a if b else c",
    "x = lambda: a",
    "x = [a for a in b]",
    "x += a * b",
    "x[i] -= -a",
    "f(a)",
    "(a, b)",
    "return",
    "return a + b",
    "return a, b",
    "x = 123456789012345678901234567890",
    "x = a.b.c(d)[e].f",
    "x = (not a).b",
    "x = a + -b",
    "x = a * (b / c)",
    "x = f(a < b, c == d)",
    "x = -2 ** -1.5",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky(text):
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.expr)):
            assert unparse(node) == ast.unparse(node)


def test_generated_code_and_samples():
    files = sorted((ROOT / "tests" / "golden").glob("*.py")) + sorted(
        (ROOT / "samples").glob("*.py")
    )
    assert len(files) > 20
    checked = 0
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.stmt, ast.expr)):
                assert unparse(node) == ast.unparse(node), (path.name, ast.dump(node))
                checked += 1
    assert checked > 5000


def test_a_shared_subtree_is_written_as_ast_writes_it():
    """ast.unparse reads back the precedence it last gave a node where it gives none (a
    call's argument): a subtree in two places is written with it."""
    shared = ast.BinOp(left=ast.Name("a"), op=ast.Add(), right=ast.Name("b"))
    call = ast.Call(func=ast.Name("f"), args=[shared], keywords=[])
    product = ast.BinOp(left=shared, op=ast.Mult(), right=call)
    assign = ast.Assign(targets=[ast.Name("x", ast.Store())], value=product, lineno=1)
    for node in (product, assign):
        expected = "x = " * (node is assign) + "(a + b) * f((a + b))"  # (sic)
        assert unparse(node) == ast.unparse(node) == expected

"""compiler/astutil.py: the tree helpers every stage uses, checked against the standard
library's own (`ast.walk`, `ast.fix_missing_locations`, `ast.NodeTransformer`,
`copy.deepcopy`) on real code -- srcdiff's compiler sources."""

import ast
import copy
import pathlib
import random

import pytest

from srcdiff.compiler import astutil
from srcdiff.compiler.astutil import (
    Transformer,
    copy_tree,
    fix_missing_locations,
    statements,
    walk,
    walk_outside,
)

SOURCES = [
    p for p in sorted(pathlib.Path(astutil.__file__).parent.glob("*.py")) if p.stat().st_size
][:12]
LEAVES = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)


def _trees():
    return [ast.parse(path.read_text()) for path in SOURCES]


@pytest.mark.parametrize("tree", _trees(), ids=[p.name for p in SOURCES])
def test_walk_is_ast_walk_without_context_and_operator_leaves(tree):
    expected = [n for n in ast.walk(tree) if not isinstance(n, LEAVES)]
    assert walk(tree) == expected
    assert len(walk(tree)) < len(list(ast.walk(tree)))  # (there are leaves to skip)


@pytest.mark.parametrize("tree", _trees(), ids=[p.name for p in SOURCES])
def test_walk_outside_is_a_depth_first_walk_not_entering_the_opaque(tree):
    opaque = (ast.Lambda, ast.IfExp, ast.ListComp, ast.FunctionDef)

    def reference(node, opaque):  # (what result_reads.py's walk was)
        todo = [node]
        while todo:
            n = todo.pop()
            yield n
            if not isinstance(n, opaque):
                todo.extend(ast.iter_child_nodes(n))

    for kinds in (opaque, ()):
        expected = [n for n in reference(tree, kinds) if not isinstance(n, LEAVES)]
        assert walk_outside(tree, kinds) == expected


@pytest.mark.parametrize("tree", _trees(), ids=[p.name for p in SOURCES])
def test_fix_missing_locations_matches_the_standard_library(tree):
    rng = random.Random(7)
    for node in ast.walk(tree):  # drop about half the locations, at random
        for attr in getattr(node, "_attributes", ()):
            if hasattr(node, attr) and rng.random() < 0.5:
                delattr(node, attr)
    ours, theirs = copy.deepcopy(tree), copy.deepcopy(tree)
    fix_missing_locations(ours)
    ast.fix_missing_locations(theirs)
    assert ast.dump(ours, include_attributes=True) == ast.dump(theirs, include_attributes=True)


@pytest.mark.parametrize("tree", _trees(), ids=[p.name for p in SOURCES])
def test_copy_tree_copies_nodes_and_shares_only_leaves(tree):
    copied = copy_tree(tree)
    assert ast.dump(copied, include_attributes=True) == ast.dump(tree, include_attributes=True)
    originals = {id(n) for n in ast.walk(tree)}
    for node in ast.walk(copied):
        assert (id(node) in originals) == isinstance(node, LEAVES)


def test_statements_are_every_nested_statement_and_no_expression():
    tree = ast.parse(
        "for i in r:\n"
        "    if c:\n"
        "        x = 1\n"
        "    else:\n"
        "        y = [z for z in w]\n"
        "try:\n"
        "    pass\n"
        "except E:\n"
        "    break\n"
        "finally:\n"
        "    return f(lambda: 0)\n"
    )
    expected = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    found = statements(tree.body)
    assert sorted(map(id, found)) == sorted(map(id, expected))
    assert len(found) == 8


def test_transformer_matches_node_transformer():
    class Upper(Transformer):
        def visit_Name(self, node):
            return ast.copy_location(ast.Name(id=node.id.upper(), ctx=node.ctx), node)

        def visit_Pass(self, node):
            return None  # removed from its block

    class StdUpper(ast.NodeTransformer):
        visit_Name = Upper.visit_Name
        visit_Pass = Upper.visit_Pass

    for tree in _trees()[:4]:
        ours, theirs = Upper().visit(copy.deepcopy(tree)), StdUpper().visit(copy.deepcopy(tree))
        assert ast.dump(ours) == ast.dump(theirs)


def test_transformer_with_its_own_visit_sees_every_child():
    class Renamed(Transformer):
        def visit(self, node):
            if isinstance(node, ast.Name):
                return ast.Name(id="z", ctx=node.ctx)
            return super().visit(node)

    assert ast.unparse(Renamed().visit(ast.parse("a + b * f(c)"))) == "z + z * z(z)"

"""compiler/namefacts.py: one walk gives what the tidying passes each found with a walk
of their own, checked against those definitions on real code (srcdiff's compiler
sources and generated gradients); remembered facts are forgotten when asked to."""

import ast
import pathlib

import pytest

import srcdiff
from samples.seed import f as seed
from srcdiff.compiler import astutil
from srcdiff.compiler.namefacts import MUTATORS, NameFacts, facts_of

SOURCES = sorted(pathlib.Path(astutil.__file__).parent.glob("*.py"))[:10]


def _reads(node):  # optimize.py's definition
    names = {
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        names.add(node.target.id)
    return names


def _mentioned_and_stored(node):  # optimize.py's definition
    mentioned, names = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            mentioned.add(n.id)
            if isinstance(n.ctx, ast.Store):
                names.add(n.id)
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in MUTATORS
            and isinstance(n.func.value, ast.Name)
        ):
            names.add(n.func.value.id)
        elif isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return mentioned, names


def _counts(stmts):  # optimize.name_counts's definition
    loads, stores = {}, {}
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                counted = loads if isinstance(node.ctx, ast.Load) else stores
                counted[node.id] = counted.get(node.id, 0) + 1
    return loads, stores


def _trees():
    trees = [ast.parse(path.read_text()) for path in SOURCES]
    trees.append(ast.parse(srcdiff.source(seed)))
    trees.append(ast.parse("s.append(x)\ny[i].a = v\ndel z\nw += 1\nq.b.c[0] = t\n"))
    return trees


@pytest.mark.parametrize("tree", _trees())
def test_facts_are_what_each_pass_found(tree):
    shared = NameFacts()
    stmts = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    for stmt in stmts:
        facts = facts_of(stmt)
        assert facts.reads == _reads(stmt)
        assert (facts.mentioned, facts.changed) == _mentioned_and_stored(stmt)
        assert shared.of(stmt) == facts
    assert shared.counts(tree.body) == _counts(tree.body)
    assert shared.counts(tree.body) == _counts(tree.body)  # (remembered: the same)


def test_a_compound_statement_is_found_afresh_and_a_forgotten_one_again():
    tree = ast.parse("if c:\n    a = b\nd = e\n")
    shared = NameFacts()
    compound, simple = tree.body
    assert shared.of(compound).reads == {"c", "b"}
    compound.body[0].value = ast.Name(id="z", ctx=ast.Load())  # a pass rewrote its block
    assert shared.of(compound).reads == {"c", "z"}
    assert shared.of(simple).reads == {"e"}
    simple.value = ast.Name(id="f", ctx=ast.Load())
    assert shared.of(simple).reads == {"e"}  # (remembered until forgotten)
    shared.forget(simple)
    assert shared.of(simple).reads == {"f"}

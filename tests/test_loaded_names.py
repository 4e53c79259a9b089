"""astutil.loaded_names (what the save analysis and aliasing ask of each statement) and
stored_names (the check for clashes, of each generated function) find the names a walk
finds, on the shapes they enter directly and on the ones they walk."""

import ast
import inspect

import srcdiff
import tests.golden_inputs as golden_inputs
from samples import seed
from srcdiff.compiler.astutil import loaded_names, stored_names, walk


def _walked(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _every_node(tree):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.stmt, ast.expr))]


SNIPPETS = [
    "y[i] = a * f(b, k=c)[j].T - (-d)",
    "return",
    "return (lambda q: q + r)(s)",
    "t = [u for u in v if u > w]",
    "x.attr = np.sum(z, axis=0) ** 2",
    "a, *b = c",
]


def test_loaded_names_are_the_walks():
    trees = [ast.parse(text) for text in SNIPPETS]
    trees.append(ast.parse(inspect.getsource(golden_inputs)))
    trees.append(ast.parse(srcdiff.source(seed.f, wrt=("x", "y"))))
    for tree in trees:
        for node in _every_node(tree):
            assert loaded_names(node) == _walked(node), ast.unparse(node)


def _walked_stores(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def test_stored_names_are_the_walks():
    """(the check for clashes asks it of each generated function)"""
    trees = [ast.parse(text) for text in SNIPPETS]
    trees.append(ast.parse(inspect.getsource(golden_inputs)))
    trees.append(ast.parse(srcdiff.source(seed.f, wrt=("x", "y"), output="value_and_grad")))
    for tree in trees:
        for node in _every_node(tree):
            assert stored_names(node) == _walked_stores(node), ast.unparse(node)

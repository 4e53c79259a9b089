"""naming.tree_names: one walk of a parse answers what the unit, normalization's
allocator and its trigger check each walked the parse for."""

import ast
import inspect

from srcdiff.compiler.astutil import walk
from srcdiff.compiler.naming import Names, source_names, tree_names
from srcdiff.compiler.source import FunctionSource


def sample(x, y, *args, k=2, **kw):
    def inner(z):
        return z * k

    class Box:
        pass

    total = sum(v * x for v in args)
    return inner(total) + y + len(kw) + (w := 3) + Box.__name__.count("B") + w


def test_tree_names_equal_the_walks_they_replace():
    tree = ast.parse(inspect.getsource(sample)).body[0]
    found = tree_names(tree)
    assert found.taken == Names.for_tree(tree).taken
    assert found.classes == {node.__class__ for node in walk(tree)}
    assert found.names == {n.id for n in walk(tree) if isinstance(n, ast.Name)}
    assert found.params == {"x", "y", "args", "k", "kw", "z"}
    assert found.defined == {"sample", "inner", "Box"}


def test_source_names_are_kept_with_the_parse():
    first, second = FunctionSource(sample), FunctionSource(sample)
    assert source_names(first) is source_names(second)  # (one walk per parse)
    assert source_names(first) == tree_names(first.tree)

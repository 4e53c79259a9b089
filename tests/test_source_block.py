"""source.parsed finds the end of a `def` with the parser, not inspect's tokenizer: the
lines and the tree must be what inspect.getsourcelines and a parse of its text give."""

import ast
import inspect
import textwrap
import types

import pytest

import srcdiff.compiler.astutil
import srcdiff.compiler.normalize
import srcdiff.compiler.optimize
from srcdiff.compiler.source import parsed


def trailing_comments(x):
    y = x * 2
    # a comment at the body's indentation: inspect keeps it
    return y
    # after the last statement, kept too


# at column 0: not kept


# fmt: off
def docstring_at_column_zero(x):
    """A docstring whose second line
starts at column zero."""
    return x
# fmt: on


def continuation_at_column_zero(x):
    return (x +
1.0)  # fmt: skip


def one_line(x): return x * 3  # fmt: skip


def decorated(f):
    return f


@decorated
def with_decorator(x):
    return x - 1


def nested_def(x):
    def inner(z):
        return z * z

    return inner(x)


EDGES = [
    trailing_comments,
    docstring_at_column_zero,
    continuation_at_column_zero,
    one_line,
    with_decorator,
    nested_def,
]


def _inspect_tree(func):
    lines, first = inspect.getsourcelines(func)
    tree = ast.parse(textwrap.dedent("".join(lines))).body[0]
    tree.decorator_list = []
    return tree, first


def _functions(module):
    for value in vars(module).values():
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            yield value
        elif isinstance(value, type) and value.__module__ == module.__name__:
            yield from (v for v in vars(value).values() if isinstance(v, types.FunctionType))


@pytest.mark.parametrize("func", EDGES, ids=lambda f: f.__name__)
def test_edge_cases_parse_as_inspect_reads_them(func):
    want, first = _inspect_tree(func)
    got = parsed(func)
    assert got.first_line == first
    assert ast.dump(got.tree, include_attributes=True) == ast.dump(want, include_attributes=True)


@pytest.mark.parametrize(
    "module", [srcdiff.compiler.astutil, srcdiff.compiler.normalize, srcdiff.compiler.optimize]
)
def test_srcdiffs_own_functions_parse_as_inspect_reads_them(module):
    for func in _functions(module):
        try:
            want, first = _inspect_tree(func)
        except (OSError, TypeError):  # (made by exec: a dataclass's __init__)
            continue
        got = parsed(func)
        assert got.first_line == first, func.__qualname__
        assert ast.dump(got.tree, include_attributes=True) == ast.dump(
            want, include_attributes=True
        ), func.__qualname__

"""templates.instantiate's cache: a template is substituted and simplified once per
pattern of operands (names by whether they may hold ints, numbers by type and value)
and filled with each use's operands.  The tree must be the one substituting and
simplifying per use gives, attributes (source locations) included -- checked for every
rule template of the table with operands of every class, uses of one pattern after
another with different operands, and the branch-narrowing path -- and gradients made
through it stay right."""

from __future__ import annotations

import ast
import itertools
import math

from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler import templates
from srcdiff.compiler.astutil import substituted, walk
from srcdiff.compiler.templates import instantiate, narrowed, simplify
from srcdiff.rules import RULES


def _located(node, line):
    for n in walk(node):
        n.lineno, n.col_offset, n.end_lineno, n.end_col_offset = line, 1, line, 2
    return node


def _operand(kind, line):
    """An operand of a class `simplify` tells apart, at its own source line."""
    if kind == "name":
        return _located(ast.Name(id=f"v{line}", ctx=ast.Load()), line)
    if kind == "int name":
        return _located(ast.Name(id="k", ctx=ast.Load()), line)
    if kind == "-2":
        return _located(ast.UnaryOp(op=ast.USub(), operand=ast.Constant(2)), line)
    return _located(ast.Constant(kind), line)


KINDS = ["name", "int name", 1, 1.0, -1.0, 0.5, 2, 0, "-2", None, True]
INTS = frozenset({"k"})


def _dump(node):
    return ast.dump(node, include_attributes=True)


def _direct(template, mapping):
    return simplify(substituted(template, mapping), INTS)


def _templates():
    for rule in RULES.all():
        for mode, table in (("jvp", rule.jvp), ("vjp", rule.vjp)):
            for param in table:
                yield rule, rule.template(mode, param)


def test_every_rule_template_as_direct_instantiation():
    checked = 0
    for rule, template in _templates():
        names = sorted({n.id for n in walk(template) if isinstance(n, ast.Name)})
        params = [n for n in names if n in rule.params or n in ("g", "t", "out")]
        for i, kinds in enumerate(itertools.islice(itertools.cycle(KINDS), 0, 33, 3)):
            # the same pattern twice, at different lines: the second is filled, not made
            for line in (10 + i, 100 + i):
                mapping = {
                    p: _operand(KINDS[(KINDS.index(kinds) + j) % len(KINDS)], line)
                    for j, p in enumerate(params)
                }
                got = instantiate(template, mapping, INTS)
                assert _dump(got) == _dump(_direct(template, mapping)), ast.unparse(template)
                checked += 1
    assert checked > 1000


def test_branch_narrowing_as_direct():
    """`narrowed` (constants first, a branch folded) then `instantiate` of what it gives:
    as the two direct steps, with each use's constants in the result."""
    template = ast.parse("g * (x if b is None else x * b) * 1.0", mode="eval").body
    for line, b in ((3, None), (4, None), (5, 2.0), (6, 2.0)):
        given = {"b": _operand(b, line)}
        step = narrowed(template, given, INTS)
        mapping = {"g": _operand("name", line), "x": _operand("name", line + 1), **given}
        want = _direct(_direct(template, given), mapping)
        assert _dump(instantiate(step, mapping, INTS)) == _dump(want)


def test_complex_operands_are_not_cached():
    template = ast.parse("g * x * 1.0", mode="eval").body
    before = len(templates._SHAPED)
    mapping = {"g": ast.parse("a + 1", mode="eval").body, "x": _operand("name", 2)}
    got = instantiate(template, mapping, INTS)
    assert _dump(got) == _dump(_direct(template, mapping))
    assert len(templates._SHAPED) == before


def scaled(x, y):
    a = x * 0.5 + math.sin(x) - y
    b = a * 0.5 + math.sin(a) - y
    c = b * 2.0 + math.sin(b) * 1.0 - y
    return c * c + a * b


def test_gradient_through_cached_templates():
    args = (0.3, 0.7)
    got = srcdiff.grad(scaled, wrt=("x", "y"))(*args)
    for k in range(2):
        assert_close(got[k], fd_grad(scaled, args, k), rtol=1e-7)

"""`ast.unparse`, the same text, a few times faster for what generated code is mostly made of.

Printing calls `ast.unparse` for every generated statement, and its unparser -- an object
per call, a context manager per parenthesis, a dictionary of precedences -- is a good
part of the printing stage (issue 11).  `unparse` writes the statements and expressions
generated code is mostly made of (assignments, augmented assignments, expression
statements and returns of names, numbers, arithmetic, comparisons, calls, attributes and
subscripts) itself, with the parentheses `ast.unparse` puts (the same precedence table:
an operand is parenthesized where its operator binds less tightly than its context
requires), and hands anything else -- strings, f-strings, lambdas, conditionals,
comprehensions, starred arguments, tuples outside an index, special floats -- to
`ast.unparse` whole.  tests/test_unparse.py checks the two agree.
"""

from __future__ import annotations

import ast
import math

# ast._Precedence's order (the values only need to compare as it does)
_TUPLE, _YIELD, _TEST, _NOT, _CMP, _BOR, _BXOR, _BAND, _SHIFT = 2, 3, 4, 7, 8, 9, 10, 11, 12
_ARITH, _TERM, _FACTOR, _POWER, _ATOM = 13, 14, 15, 16, 18

_BINOPS = {
    ast.Add: (" + ", _ARITH),
    ast.Sub: (" - ", _ARITH),
    ast.Mult: (" * ", _TERM),
    ast.MatMult: (" @ ", _TERM),
    ast.Div: (" / ", _TERM),
    ast.Mod: (" % ", _TERM),
    ast.FloorDiv: (" // ", _TERM),
    ast.LShift: (" << ", _SHIFT),
    ast.RShift: (" >> ", _SHIFT),
    ast.BitOr: (" | ", _BOR),
    ast.BitXor: (" ^ ", _BXOR),
    ast.BitAnd: (" & ", _BAND),
    ast.Pow: (" ** ", _POWER),
}
_UNARY = {ast.USub: ("-", _FACTOR), ast.UAdd: ("+", _FACTOR), ast.Invert: ("~", _FACTOR)}
_UNARY[ast.Not] = ("not ", _NOT)
_CMPOPS = {
    ast.Eq: " == ",
    ast.NotEq: " != ",
    ast.Lt: " < ",
    ast.LtE: " <= ",
    ast.Gt: " > ",
    ast.GtE: " >= ",
    ast.Is: " is ",
    ast.IsNot: " is not ",
    ast.In: " in ",
    ast.NotIn: " not in ",
}


class _Other(Exception):
    """A node `unparse` leaves to `ast.unparse`."""


def unparse(node: ast.AST) -> str:
    """`ast.unparse(node)`."""
    try:
        return _Writer().statement(node) if isinstance(node, ast.stmt) else _Writer().top(node)
    except _Other:
        return ast.unparse(node)


# what reads the precedence its context gave it (the others print the same anywhere)
_RANKED = (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Tuple)


class _Writer:
    """One statement's text.  `ast.unparse` remembers the precedence it gave each node
    (by the node) and reads it back where it gives none (a call's arguments, an index, a
    statement's value): a subtree generated code shares between two places is written
    as it would be, so the precedence given to each ranked node is remembered here too."""

    def __init__(self):
        self.given = {}

    def top(self, node):
        if node.__class__ is ast.Tuple:  # (parenthesized or not, by Python version)
            raise _Other
        return self.expr(node, None)

    def statement(self, node):
        kind = node.__class__
        if kind is ast.Assign:
            if len(node.targets) != 1 or getattr(node, "type_comment", None):
                raise _Other
            target = node.targets[0]
            if target.__class__ is ast.Tuple:
                raise _Other
            return self.expr(target, _TUPLE) + " = " + self.expr(node.value, None)
        if kind is ast.AugAssign:
            symbol = _BINOPS[node.op.__class__][0]
            return self.top(node.target) + symbol[:-1] + "= " + self.top(node.value)
        if kind is ast.Expr:
            value = node.value
            if value.__class__ in (ast.Tuple, ast.Constant):
                raise _Other  # (a docstring)
            return self.expr(value, _YIELD)
        if kind is ast.Return:
            return "return" if node.value is None else "return " + self.top(node.value)
        raise _Other

    def expr(self, node, context):
        """`node` written where its context gives it precedence `context` (None: what
        was given it before, else that of a test)."""
        kind = node.__class__
        if kind is ast.Name:
            return node.id
        if kind is ast.Constant:
            return _constant(node)
        if kind in _RANKED:
            if context is None:
                context = self.given.get(node, _TEST)
            else:
                self.given[node] = context
        if kind is ast.BinOp:
            symbol, own = _BINOPS[node.op.__class__]
            if own == _POWER:  # right-associative
                left, right = own + 1, own
            else:
                left, right = own, own + 1
            text = self.expr(node.left, left) + symbol + self.expr(node.right, right)
            return "(" + text + ")" if context > own else text
        if kind is ast.Call:
            parts = [self.arg(a) for a in node.args]
            parts += [self.keyword(k) for k in node.keywords]
            return self.expr(node.func, _ATOM) + "(" + ", ".join(parts) + ")"
        if kind is ast.Attribute:
            value = node.value
            text = self.expr(value, _ATOM)
            if value.__class__ is ast.Constant and isinstance(value.value, int):
                text += " "  # `1 .real`
            return text + "." + node.attr
        if kind is ast.Subscript:
            return self.expr(node.value, _ATOM) + "[" + self.index(node.slice) + "]"
        if kind is ast.UnaryOp:
            symbol, own = _UNARY[node.op.__class__]
            text = symbol + self.expr(node.operand, own)
            return "(" + text + ")" if context > own else text
        if kind is ast.Compare:
            operands = [node.left, *node.comparators]
            for operand in operands:  # (all given before any is written, as ast does)
                if operand.__class__ in _RANKED:
                    self.given[operand] = _CMP + 1
            parts = [self.expr(node.left, None)]
            for op, right in zip(node.ops, node.comparators):
                parts.append(_CMPOPS[op.__class__])
                parts.append(self.expr(right, None))
            text = "".join(parts)
            return "(" + text + ")" if context > _CMP else text
        if kind is ast.Tuple:
            if not node.elts or any(e.__class__ is ast.Starred for e in node.elts):
                raise _Other
            text = self.items(node.elts)
            return "(" + text + ")" if context > _TUPLE else text
        if kind is ast.Slice:
            text = self.expr(node.lower, None) if node.lower is not None else ""
            text += ":"
            if node.upper is not None:
                text += self.expr(node.upper, None)
            if node.step is not None:
                text += ":" + self.expr(node.step, None)
            return text
        raise _Other

    def arg(self, node):
        if node.__class__ is ast.Starred:
            raise _Other
        return self.expr(node, None)

    def keyword(self, node):
        if node.arg is None:
            raise _Other
        return node.arg + "=" + self.expr(node.value, None)

    def index(self, node):
        if node.__class__ is ast.Tuple:
            if not node.elts or any(e.__class__ is ast.Starred for e in node.elts):
                raise _Other
            return self.items(node.elts)
        return self.expr(node, None)

    def items(self, elts):
        if len(elts) == 1:
            return self.expr(elts[0], None) + ","
        return ", ".join([self.expr(e, None) for e in elts])


def _constant(node):
    value = node.value
    kind = value.__class__
    if getattr(node, "kind", None) is not None:
        raise _Other
    if kind is float and math.isfinite(value):
        return repr(value)
    if (kind is int and -(10**15) < value < 10**15) or kind is bool or value is None:
        return repr(value)
    raise _Other

"""Signs and doubled terms in derivative code, tidied where that is exact.

Rules and the accumulation of contributions leave negations where a person would not
write them: `-(-a / b)`, `x + -1.0 / n * y`, `-(g * (-p / q) * r)`, `np.sum(-g)`, and a
doubled term `lam * w + lam * w` (the two operands of `w * w`).  IEEE arithmetic
rounds symmetrically, so a product's or quotient's sign is the exclusive or of its
operands' signs and its magnitude is the same, a sum of negated terms is the negated
sum, and `x + -y` is `x - y`: the negations can be pulled out of every product,
quotient and `np.sum`, cancelled in pairs, and the one left put on a constant factor
(free: Python folds `-2.0`) or turned into a subtraction.  `e + e` is `2 * e` exactly.
Nothing is reassociated, so every rewrite gives the same bits -- but for the sign of a
zero sum: `np.sum(-g)` of `[0.0, -0.0]` is `0.0` where `-np.sum(g)` is `-0.0`, the
same value, as when the first contribution to an adjoint assigns instead of adding to
`0.0` (a sum of two terms is never negated as a whole for that reason).

Only derivative assignments are rewritten (the user's statements stay as written),
and a negation is never moved onto something that may be a boolean (NumPy has no `-`
for them) nor onto an integer zero (which has no sign).
"""

from __future__ import annotations

import ast
import numbers

from .astutil import node_fields, statements, walk

_PRODUCTS = (ast.Mult, ast.Div)
_SUM_KEYWORDS = frozenset({"axis", "keepdims"})


def tidy_signs(stmts, derivs, numpy_names, int_names=frozenset()):
    """`stmts` with the values of assignments to names in `derivs` (plain, augmented
    or into an element) tidied; changed in place, returned for convenience."""
    tidy = _Signs(frozenset(numpy_names), int_names)
    changed = None
    for stmt in statements(stmts):
        if isinstance(stmt, (ast.Assign, ast.AugAssign)) and _assigns_to(stmt, derivs):
            value = stmt.value
            stmt.value = tidy.expr(value)
            if value.__class__ is ast.UnaryOp and _root(stmt.value) is not None:
                # `dv = --dw` is a new array; `dv = dw` would be dw's memory, which an
                # assignment into dw (`dw[0] = 0.0`) changes later: `+dw` is a new one
                changed = _changed_in_place(stmts) if changed is None else changed
                if _root(stmt.value) in changed:
                    stmt.value = ast.UnaryOp(op=ast.UAdd(), operand=stmt.value)
    return stmts


def _root(node):
    """The name a reference (`d`, `d.T`, `d[1:]`) is the memory of; None for others."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _changed_in_place(stmts):
    """Names the statements assign into (`d[i] = v`, `d[i] += v`) or update (`d += v`)."""
    found = set()
    for stmt in statements(stmts):
        if isinstance(stmt, (ast.Assign, ast.AugAssign)):
            for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                if isinstance(target, ast.Subscript) or isinstance(stmt, ast.AugAssign):
                    found.add(_root(target))
    return found


def _assigns_to(stmt, derivs):
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    for target in targets:
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        if not (isinstance(target, ast.Name) and target.id in derivs):
            return False
    return True


def same_tree(a, b):
    """`ast.dump(a) == ast.dump(b)` (the same classes, fields and reprs of values), field
    by field, stopping at the first difference: every sum in a derivative asks it, and
    most differ at once (`da * math.cos(a) + da * 0.5`)."""
    if a.__class__ is not b.__class__:
        return False
    if isinstance(a, ast.AST):
        return all(same_tree(getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
    if a.__class__ is list:
        return len(a) == len(b) and all(same_tree(x, y) for x, y in zip(a, b))
    return a is b or repr(a) == repr(b)


def _number(node):
    """The value of a plain int or float constant (not a bool, not complex), else None."""
    if not isinstance(node, ast.Constant):
        return None
    kind = node.value.__class__
    if kind is float or kind is int:  # (most: the ABC check below is slow)
        return node.value
    if isinstance(node.value, (int, float)):
        if not isinstance(node.value, bool) and isinstance(node.value, numbers.Real):
            return node.value
    return None


def _may_be_bool(node):
    """Comparisons, `and`/`or`, `np.logical_*` calls: values NumPy has no `-` for."""
    for n in walk(node):
        if isinstance(n, (ast.Compare, ast.BoolOp)):
            return True
        func = getattr(n, "func", None)
        if isinstance(func, ast.Attribute) and func.attr.startswith("logical_"):
            return True
    return False


def _binop(node, left, op, right):
    """`left op right`: `node` itself where that is what it is (most operations in a
    derivative have no sign to move: rebuilding each was most of the pass)."""
    if left is node.left and right is node.right and op is node.op:
        return node
    return ast.BinOp(left=left, op=op, right=right)


def _neg(node):
    return ast.UnaryOp(op=ast.USub(), operand=node)


class _Signs:
    def __init__(self, numpy_names, int_names):
        self.numpy_names = numpy_names
        self.int_names = int_names

    def expr(self, node):
        """`node` with its negations pulled out, cancelled and the rest put back."""
        negative, magnitude = self.signed(node)
        return self.with_sign(negative, magnitude)

    def signed(self, node):
        """(negative, magnitude): `node` is `-magnitude` if negative, else `magnitude`,
        bit for bit; the magnitude's own subexpressions are tidied."""
        kind = node.__class__
        if kind is ast.UnaryOp and node.op.__class__ is ast.USub:
            if _number(node.operand) == 0:  # (-0 is 0 for an int: keep it as written)
                return False, node
            negative, magnitude = self.signed(node.operand)
            return not negative, magnitude
        if kind is ast.Constant:
            value = _number(node)
            if value is not None and value < 0:
                return True, ast.Constant(-value)
            return False, node
        if kind is ast.BinOp:
            return self.signed_binop(node)
        if kind is ast.Call and self.is_plain_sum(node):
            negative, magnitude = self.signed(node.args[0])
            node.args = [magnitude, *node.args[1:]]
            return negative, node
        return False, self.children(node)

    def signed_binop(self, node):
        op = node.op.__class__
        if op not in (ast.Mult, ast.Div, ast.Add, ast.Sub):
            return False, self.children(node)
        left_negative, left = self.signed(node.left)
        right_negative, right = self.signed(node.right)
        if op in _PRODUCTS:
            return left_negative ^ right_negative, _binop(node, left, node.op, right)
        subtracts = op is ast.Sub
        if subtracts:  # a - b is a + -b
            op, right_negative = ast.Add, not right_negative
        if left_negative:
            left = self.with_sign(True, left)
        if right_negative:
            return False, _binop(node, left, node.op if subtracts else ast.Sub(), right)
        if same_tree(left, right) and self.doubles(left):
            return False, ast.BinOp(left=ast.Constant(2), op=ast.Mult(), right=left)
        return False, _binop(node, left, ast.Add() if subtracts else node.op, right)

    def is_plain_sum(self, node):
        """`np.sum(a)` or `np.sum(a, axis, keepdims=...)`: no dtype, out, where or
        initial, which could make the sum's sign differ from its terms'."""
        func = node.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "sum"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.numpy_names
            and 1 <= len(node.args) <= 2
            and not any(isinstance(a, ast.Starred) for a in node.args)
            and all(k.arg in _SUM_KEYWORDS for k in node.keywords)
        )

    def doubles(self, node):
        """May `e + e` become `2 * e`?  For numbers of every dtype but bool (where `+` is
        `or`); so no call (it might not be pure), comparison or possibly-boolean name."""
        for n in walk(node):
            if isinstance(n, (ast.Call, ast.Compare, ast.BoolOp, ast.NamedExpr)):
                return False
            if isinstance(n, ast.Name) and n.id in self.int_names:
                return False
        return True

    def children(self, node):
        """`node` with its expression children tidied in place (its own operation, and
        any attribute the compiler put on it, stay as they are)."""
        for field in node_fields(node.__class__):  # (no context, operator or name field)
            value = getattr(node, field, None)
            if isinstance(value, ast.expr):
                setattr(node, field, self.expr(value))
            elif isinstance(value, list):
                setattr(
                    node, field, [self.expr(v) if isinstance(v, ast.expr) else v for v in value]
                )
        return node

    def with_sign(self, negative, node):
        """`-node`, with the negation on a constant factor of a product where there is
        one, else on its leftmost factor, else around it."""
        if not negative:
            return node
        if isinstance(node, ast.BinOp) and node.op.__class__ in _PRODUCTS:
            placed = self.absorb(node)
            if placed is not None:
                return placed
        return _neg(node)

    def absorb(self, node):
        """The product `node` negated through one of its factors: a nonzero number, else
        the leftmost factor if it can't be a boolean; None where neither is there."""
        factor = self.factor_path(node, lambda f: _number(f) not in (None, 0))
        if factor is None:
            leftmost = node
            while isinstance(leftmost, ast.BinOp) and leftmost.op.__class__ in _PRODUCTS:
                leftmost = leftmost.left
            if _may_be_bool(leftmost) or any(
                isinstance(n, ast.Name) and n.id in self.int_names for n in walk(leftmost)
            ):
                return None
            factor = self.factor_path(node, lambda f: f is leftmost)
        return self.replaced(node, factor)

    def factor_path(self, node, wanted):
        """The fields leading from the product `node` to the first factor `wanted`
        accepts, leftmost first (a list of 'left'/'right'), or None."""
        if wanted(node):
            return []
        if isinstance(node, ast.BinOp) and node.op.__class__ in _PRODUCTS:
            for field in ("left", "right"):
                path = self.factor_path(getattr(node, field), wanted)
                if path is not None:
                    return [field, *path]
        return None

    def replaced(self, node, path):
        if not path:
            return _neg(node)
        field, rest = path[0], path[1:]
        parts = {"left": node.left, "right": node.right}
        parts[field] = self.replaced(parts[field], rest)
        return ast.BinOp(left=parts["left"], op=node.op, right=parts["right"])

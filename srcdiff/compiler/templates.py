"""Instantiate rule templates into generated code, and keep the result tidy.

A template is an expression over parameter names, `out`, `g`/`t` and
bound objects (`math`, `np`, helpers).  `instantiate` substitutes each
name; `simplify` folds the arithmetic a careful person would not write
(`g * 1`, `x ** (2 - 1)`, `-(-g)`), so `dx = dy * 2 * x` rather than
`dx = dy * (2 * x ** (2 - 1))`.
"""

from __future__ import annotations

import ast
import functools
import numbers

from .astutil import Transformer, copy_tree, filled, substituted, walk
from .tangent_views import shared_names


def instantiate(template, mapping, int_names=frozenset()):
    """Copy of `template` with each Name in `mapping` replaced by a copy of its AST,
    simplified.  `template` must not change (a rule's parsed template, or what
    `narrowed` returns).  Where every operand is a name or a number, the result is
    `shaped(template, ...)` (substituted and simplified once per pattern of operands)
    filled with these operands: the same tree, for one copy instead of a copy and a
    simplification per use of a rule."""
    form = shaped(template, mapping, int_names)
    operand = functools.partial(_part, mapping)
    if form is None:  # (placeholders `narrowed` left are filled all the same)
        return simplify(filled(template, mapping, _SLOT, operand), int_names)
    slots = {}
    for n in _names_of(template):
        atom = mapping.get(n)
        if atom.__class__ is ast.Name:
            slots[_SLOT_PREFIX + n] = atom
    return filled(form, slots, _SLOT, operand)


def narrowed(template, given, int_names=frozenset()):
    """`template` with the constant operands `given` put in and simplified (a branch on
    one folded away), as `instantiate(template, given)` gives it but kept, unfilled, so
    instantiating the result hits the cache too: its constants are placeholders for
    `given`'s, filled by the `instantiate` of it with a mapping holding them."""
    form = shaped(template, given, int_names)
    return simplify(substituted(template, given), int_names) if form is None else form


# Operands as `shaped` puts them in a template before simplifying it once: a name as a
# placeholder name (`_SLOT_PREFIX` + the template's name, which no source can spell),
# standing for any name of the same class (`_operand_class`); a number, as itself, tagged
# with the attribute `_SLOT` = (template name, part), so the operand's own node (its
# source location) replaces what survives of it.
_SLOT = "srcdiff_slot"
_SLOT_PREFIX = "\0"
_SHAPED: dict = {}  # (id(template), pattern) -> (template, its simplified form)
_NAMES: dict = {}  # id(template) -> (template, the names it reads, sorted)


def shaped(template, mapping, int_names):
    """The simplified form of `template` for operands of `mapping`'s pattern, with
    placeholders for them; None where an operand is more than a name or a number."""
    names = _names_of(template)
    pattern = []
    for n in names:
        atom = mapping.get(n)
        found = ("free", n in int_names) if atom is None else _operand_class(atom, int_names)
        if found is None:
            return None
        pattern.append(found)
    key = (id(template), tuple(pattern))
    entry = _SHAPED.get(key)
    if entry is None or entry[0] is not template:
        if len(_SHAPED) > 20000:  # (patterns of constants are many in a long session;
            _SHAPED.clear()  # the names of the forms `narrowed` gave go with them)
            _NAMES.clear()
        form = _simplified_form(template, names, mapping, int_names)
        entry = _SHAPED[key] = (template, form)
    return entry[1]


def _names_of(template):
    entry = _NAMES.get(id(template))
    if entry is None or entry[0] is not template:
        found = sorted({n.id for n in walk(template) if n.__class__ is ast.Name})
        entry = _NAMES[id(template)] = (template, tuple(found))
    return entry[1]


def _operand_class(atom, int_names):
    """What `simplify` reads of an operand: of a name, whether it may hold an int (and
    `pow_dbase`, whose call folds, is not cached); of a number, its type and value;
    None for anything else (not cached)."""
    kind = atom.__class__
    if kind is ast.Name:
        return None if atom.id == "pow_dbase" else ("name", atom.id in int_names)
    if kind is ast.Constant:
        return ("constant", type(atom.value), repr(atom.value))
    if (
        kind is ast.UnaryOp
        and atom.op.__class__ is ast.USub
        and atom.operand.__class__ is ast.Constant
    ):
        return ("negated", type(atom.operand.value), repr(atom.operand.value))
    return None


def _simplified_form(template, names, mapping, int_names):
    placeholders = {}
    ints = {n for n in names if n not in mapping and n in int_names}
    for n in names:
        atom = mapping.get(n)
        if atom is None:
            continue
        if atom.__class__ is ast.Name:
            placeholders[n] = ast.Name(id=_SLOT_PREFIX + n, ctx=ast.Load())
            if atom.id in int_names:
                ints.add(_SLOT_PREFIX + n)
            continue
        tagged = copy_tree(atom)
        setattr(tagged, _SLOT, (n, None))
        if tagged.__class__ is ast.UnaryOp:  # (`g * -2.0` keeps only the operand)
            setattr(tagged.operand, _SLOT, (n, "operand"))
        placeholders[n] = tagged
    return simplify(substituted(template, placeholders), frozenset(ints))


def _part(mapping, where):
    name, part = where
    atom = mapping[name]
    return atom if part is None else getattr(atom, part)


def _num(node):
    """The number a constant or a negated one spells, else None (not a bool).  Called for
    every operand `simplify` and `_may_fold` look at: the exact classes of the numbers
    the parser makes are tried before the abstract `numbers.Number`'s slower check."""
    kind = node.__class__
    if kind is ast.Constant:
        value = node.value
        if value.__class__ in _PLAIN_NUMBERS:
            return value
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            return value
        return None
    if kind is ast.UnaryOp and node.op.__class__ is ast.USub:
        inner = _num(node.operand)
        if inner is not None:
            return -inner
    return None


_PLAIN_NUMBERS = frozenset((int, float, complex))


def _const(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = float(value)
    if not isinstance(value, complex) and value < 0:  # (a complex constant prints as (a-bj))
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-value))
    return ast.Constant(value)


_FOLD = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}


def _may_be_int(node, int_names):
    for n in walk(node):
        if isinstance(n, ast.Name) and n.id in int_names:
            return True
        if isinstance(n, (ast.Compare, ast.BoolOp)) or (
            isinstance(n, ast.Constant) and isinstance(n.value, (int, bool))
        ):
            return True
    return False


def _may_be_bool(node):
    """Comparisons and np.where-style partials (`condition`, np.logical_not(...))."""
    for n in walk(node):
        if isinstance(n, (ast.Compare, ast.BoolOp)):
            return True
        if (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr.startswith("logical_")
        ):
            return True
    return False


class _Simplifier(Transformer):
    def __init__(self, int_names=frozenset()):
        self.int_names = int_names

    def _boolish(self, node):
        """May `node` be a boolean (a comparison, a mask variable)?  `-` doesn't apply."""
        return _may_be_bool(node) or any(
            isinstance(n, ast.Name) and n.id in self.int_names for n in walk(node)
        )

    def _unit(self, value, other):
        """Can `value * other` become `other`?  Not if that turns a float into an int."""
        return value == 1 and (
            not isinstance(value, float) or not _may_be_int(other, self.int_names)
        )

    def visit_BinOp(self, node):
        self.generic_visit(node)
        a, b = _num(node.left), _num(node.right)
        op = type(node.op)
        if a is not None and b is not None and op in _FOLD:
            return _const(_FOLD[op](a, b))
        if op is ast.Mult:
            if self._unit(b, node.left):
                return node.left
            if self._unit(a, node.right):
                return node.right
            # -1 * p -> -p, but not for a comparison: NumPy has no `-` for booleans
            if b == -1 and not self._boolish(node.left):
                return self.visit(ast.UnaryOp(op=ast.USub(), operand=node.left))
            if a == -1 and not self._boolish(node.right):
                return self.visit(ast.UnaryOp(op=ast.USub(), operand=node.right))
            # g * (-p)  ->  -(g * p)
            if isinstance(node.right, ast.UnaryOp) and isinstance(node.right.op, ast.USub):
                inner = ast.BinOp(left=node.left, op=ast.Mult(), right=node.right.operand)
                return self.visit(ast.UnaryOp(op=ast.USub(), operand=inner))
            # g * (a * b) -> g * a * b  (same value, reads like hand-written code)
            if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Mult):
                left = ast.BinOp(left=node.left, op=ast.Mult(), right=node.right.left)
                return self.visit(ast.BinOp(left=left, op=ast.Mult(), right=node.right.right))
        # (e * c1) * c2 -> e * (c1 * c2): one pass over an array instead of two
        if (
            op is ast.Mult
            and b is not None
            and isinstance(node.left, ast.BinOp)
            and isinstance(node.left.op, ast.Mult)
            and _num(node.left.right) is not None
            and not isinstance(b, bool)
            and not isinstance(_num(node.left.right), bool)
        ):
            folded = _const(_num(node.left.right) * b)
            return self.visit(ast.BinOp(left=node.left.left, op=ast.Mult(), right=folded))
        if op is ast.Pow and b == 1:
            return node.left
        if op is ast.Div and b == 1:
            return node.left
        if (
            op is ast.Mult
            and isinstance(node.right, ast.BinOp)
            and isinstance(node.right.op, ast.Div)
            and _num(node.right.left) == 1
        ):
            return ast.BinOp(left=node.left, op=ast.Div(), right=node.right.right)
        if (
            op is ast.Add
            and isinstance(node.right, ast.UnaryOp)
            and isinstance(node.right.op, ast.USub)
        ):
            return ast.BinOp(left=node.left, op=ast.Sub(), right=node.right.operand)
        if op is ast.Add and b is not None and b < 0:
            return ast.BinOp(left=node.left, op=ast.Sub(), right=_const(-b))
        return node

    def visit_IfExp(self, node):
        """`a if 2 else b` -> `a`: a template's test on a constant (the exponent of x ** 2,
        a flag such as `lower=False`, `None is None` for an optional argument not given)."""
        self.generic_visit(node)
        test = node.test
        if isinstance(test, ast.Constant):
            return node.body if test.value else node.orelse
        value = _num(test)
        if value is None and _is_none_test(test):
            value = (test.left.value is None) == isinstance(test.ops[0], ast.Is)
        if value is not None:
            return node.body if value else node.orelse
        return node

    def visit_Call(self, node):
        """pow_dbase(x, c) for a constant c is c * x ** (c - 1), or 0 for c == 0."""
        self.generic_visit(node)
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "pow_dbase"
            and len(node.args) == 2
            and not node.keywords
        ):
            c = _num(node.args[1])
            if c is not None and not isinstance(c, bool):
                x = node.args[0]
                if c == 0:
                    return ast.BinOp(left=ast.Constant(0.0), op=ast.Mult(), right=x)
                return self.visit(
                    ast.BinOp(
                        left=_const(c),
                        op=ast.Mult(),
                        right=ast.BinOp(left=copy_tree(x), op=ast.Pow(), right=_const(c - 1)),
                    )
                )
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.USub):
            inner = node.operand
            if isinstance(inner, ast.UnaryOp) and isinstance(inner.op, ast.USub):
                return inner.operand
            value = _num(inner)
            if value is not None and not isinstance(inner, ast.Constant):
                return _const(-value)
        return node


def _is_none_test(node):
    """`c is None` or `c is not None` with `c` a constant (an argument's default)."""
    return (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], (ast.Is, ast.IsNot))
        and isinstance(node.left, ast.Constant)
        and isinstance(node.comparators[0], ast.Constant)
        and node.comparators[0].value is None
    )


def simplify(node, int_names=frozenset()):
    """Fold trivial arithmetic; `int_names` are variables that may hold ints."""
    if not _may_fold(node):
        return node
    return _Simplifier(int_names).visit(node)


def _may_fold(node):
    """Whether `_Simplifier` could change anything in `node`.  The transformer folds
    bottom-up, so its first fold is made at a node of the tree as given, whose children
    are as given: where no node has the shape some fold starts from (below, each fold's
    own test, loosened where it asks more than the node's own fields), it returns the
    tree as it is.  One walk, cheaper than the transformer's visit: code generation
    simplifies every statement several times, and a number beside an operator
    (`da * 0.5`), which folds only as `1`, `-1`, a sum's negative term or beside another
    number, is in most of them."""
    for n in walk(node):
        if n.__class__ in FOLD_STARTS and may_fold_at(n):
            return True
    return False


# the classes of node a fold of `simplify` starts at
FOLD_STARTS = frozenset({ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Call})


def may_fold_at(n):
    """Whether a fold of `simplify` may start at `n` itself, as its own fields and its
    children's (and a product's left operand's) are: `_may_fold` asks it of every node,
    a caller that changed one operand of a simplified tree of the nodes above it."""
    kind = n.__class__
    if kind is ast.BinOp:
        return _may_fold_binop(n.op.__class__, n.left, n.right)
    if kind is ast.UnaryOp:
        return n.operand.__class__ is ast.UnaryOp
    if kind is ast.IfExp:
        return True
    if kind is ast.Call:
        return n.func.__class__ is ast.Name and n.func.id == "pow_dbase"
    return False


def _may_fold_binop(op, left, right):
    """Whether some fold of `_Simplifier.visit_BinOp` starts at `left op right`."""
    a, b = _num(left), _num(right)
    if a is not None and b is not None:
        return True  # (constants folded, or `1 * 2`'s unit)
    right_kind = right.__class__
    if op is ast.Mult:
        if a in (1, -1) or b in (1, -1) or right_kind in (ast.UnaryOp, ast.BinOp):
            return True  # (units, `-1 *`, `g * -p`, `g * (a * b)`, `g * (1 / q)`)
        return (
            b is not None and left.__class__ is ast.BinOp and left.op.__class__ is ast.Mult
        )  # ((e * c1) * c2)
    if op is ast.Pow or op is ast.Div:
        return b == 1
    if op is ast.Add:
        return right_kind is ast.UnaryOp or b is not None  # (`a + -b`, `a + -2.0`)
    return False


def simplify_value(node, int_names=frozenset(), changed=None):
    """`simplify` for the whole right-hand side of a user variable's assignment.  Where
    folding would make the value the memory of a name it was not (``y = x * 1.0`` to
    ``y = x``, ``v = (w * 1.0).T`` to the view ``v = w.T``), the variable would become
    an alias or view of the array the user's code copied, and an in-place change of
    either (``w[0] = v``) would change the other too -- the caller's argument, if it is
    one: that fold is not made (a copy is simplified: the fold may change the tree).
    `changed`: only names in it count (the names changed in place: a derivative `dv =
    --dw` folds to `dw` unless dw[0] = ... follows); None, every name."""
    if not _may_fold(node):
        return node
    shared = shared_names(node)
    out = simplify(copy_tree(node), int_names)
    new = shared_names(out) - shared
    return node if (new if changed is None else new & changed) else out

"""List and tuple displays the rest of the pipeline doesn't take, rewritten into ones it does.

Run by normalize before it looks for lists the function grows, so the appends written here
count as growing the list:

- `(a, b) + (c,)` and `[a] + [b, c]`: two displays of the same type joined by `+` are one
  display (`(a, b, c)`), as Python builds it; other operands of `+` may be arrays, for which
  `+` adds, so they are left alone.
- `ys = [a, *xs, b]`: a list display with starred items is built in order by appends and
  extends (`ys = []; ys.append(a); ys.extend(xs); ys.append(b)`), which evaluates each item
  where the display would; into a fresh name first when the display reads `ys` itself.
- `s.extend([a, *xs])`: the display is built first (as Python evaluates it before extending),
  then `s.extend` of it, so `s.extend([*s])` doubles s once.
"""

from __future__ import annotations

import ast

from .astutil import located
from .naming import Names


def rewrite_displays(tree: ast.FunctionDef, names: Names) -> ast.FunctionDef:
    """`tree` with joined displays merged and starred list displays built by appends."""
    return _Displays(names).visit(tree)


def extended_by(call):
    """`e` of `s.extend(e)` for a name s and one argument, else None."""
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "extend"
        and isinstance(call.func.value, ast.Name)
        and len(call.args) == 1
        and not call.keywords
        and not isinstance(call.args[0], ast.Starred)
    ):
        return call.args[0]
    return None


def _joined(node: ast.expr) -> ast.expr:
    """`A + B` of two displays of one type as one display, folding nested joins first."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
        return node
    left, right = _joined(node.left), _joined(node.right)
    for kind in (ast.List, ast.Tuple):
        if isinstance(left, kind) and isinstance(right, kind):
            return located(kind(elts=[*left.elts, *right.elts], ctx=ast.Load()), node)
    return node


def _starred(node) -> bool:
    return isinstance(node, ast.List) and any(isinstance(e, ast.Starred) for e in node.elts)


def _method(receiver: str, attr: str, arg: ast.expr, like: ast.AST) -> ast.stmt:
    func = located(
        ast.Attribute(value=ast.Name(receiver, ast.Load()), attr=attr, ctx=ast.Load()), like
    )
    call = located(ast.Call(func=func, args=[arg], keywords=[]), like)
    return located(ast.Expr(value=call), like)


def _assign(target: str, value: ast.expr, like: ast.AST) -> ast.stmt:
    return located(ast.Assign(targets=[ast.Name(target, ast.Store())], value=value), like)


class _Displays(ast.NodeTransformer):
    def __init__(self, names: Names):
        self.names = names

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return _joined(node)

    def visit_FunctionDef(self, node):
        if getattr(self, "_entered", False):
            return node  # a nested def is inlined later, with its own normalisation
        self._entered = True
        self.generic_visit(node)
        return node

    visit_Lambda = visit_FunctionDef

    def visit_Assign(self, node):
        self.generic_visit(node)
        target = node.targets[0]
        if len(node.targets) != 1 or not isinstance(target, ast.Name) or not _starred(node.value):
            return node
        reads_target = any(
            isinstance(n, ast.Name) and n.id == target.id for n in ast.walk(node.value)
        )
        built = self.names.numbered("joined") if reads_target else target.id
        out = self._build(built, node.value, node)
        if reads_target:
            out.append(_assign(target.id, ast.Name(built, ast.Load()), node))
        return out

    def visit_Expr(self, node):
        self.generic_visit(node)
        call = node.value
        if not _starred(extended_by(call)):
            return node
        built = self.names.numbered("joined")
        out = self._build(built, call.args[0], node)
        out.append(_method(call.func.value.id, "extend", ast.Name(built, ast.Load()), node))
        return out

    def _build(self, target: str, display: ast.List, like: ast.AST) -> list[ast.stmt]:
        """`target = []` then one append or extend per item, in the display's order."""
        out = [_assign(target, located(ast.List(elts=[], ctx=ast.Load()), like), like)]
        for item in display.elts:
            if isinstance(item, ast.Starred):
                out.append(_method(target, "extend", item.value, like))
            else:
                out.append(_method(target, "append", item, like))
        return out

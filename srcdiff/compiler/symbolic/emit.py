"""Symbolic mode, stage 3: SymPy expressions -> a Python function, as srcdiff prints code.

Common subexpressions become named lines (`sympy.cse`, temporaries `t1`, `t2`, ... that
clash with no parameter), each expression is printed by SymPy's Python printer (`math.`
calls, floats printed exactly as `repr` does) and parsed back with `ast`, so the code
goes through srcdiff's own statement printer (emit.Printer): the same spacing as the
other modes, deterministic, and checked to be Python.  A SymPy function without a Python
spelling (`DiracDelta`, an unevaluated `Derivative`) is a NotSymbolicError.
"""

from __future__ import annotations

import ast
import math
import types
from collections.abc import Sequence
from typing import Any

from ...errors import NotSymbolicError
from ..astutil import copy_tree
from ..derive import Generated
from ..emit import Printer, import_lines
from ..naming import Names
from ..source import FunctionSource

_PRINTER: list[Any] = []


def _printer():
    if not _PRINTER:
        from sympy.printing.pycode import PythonCodePrinter

        class Printer(PythonCodePrinter):
            """SymPy's Python printer, with floats as Python spells them (all digits)."""

            def _print_Float(self, expr):
                return repr(float(expr))

            def _print_Rational(self, expr):  # 9.81 as 9.81, 1/3 as 1 / 3
                q = expr.q
                while q % 10 == 0:
                    q //= 10
                while q % 2 == 0:
                    q //= 2
                while q % 5 == 0:
                    q //= 5
                if q == 1:  # a decimal fraction: the float of the user's code
                    return repr(float(expr))
                return super()._print_Rational(expr)

        _PRINTER.append(Printer({"fully_qualified_modules": True, "standard": "python3"}))
    return _PRINTER[0]


def expression(expr: Any, where: FunctionSource, math_name: str = "math") -> ast.expr:
    """`expr` as a Python expression tree."""
    import sympy as sp

    if expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise where.error(
            NotSymbolicError,
            f"the symbolic derivative of {where.name} is not a finite real expression ({expr})",
            where.tree,
            hint="use mode='reverse', and check the point you differentiate at",
        )
    if isinstance(expr, sp.Number):  # a constant derivative: a float, as the other modes
        return ast.Constant(float(expr))
    try:
        text = _printer().doprint(expr)
    except Exception as exc:  # noqa: BLE001 - SymPy's "not supported by the printer"
        raise where.error(
            NotSymbolicError,
            f"the symbolic derivative of {where.name} has no Python spelling "
            f"({type(exc).__name__}: {str(exc).splitlines()[0]})",
            where.tree,
            hint="use mode='reverse'",
        ) from None
    tree = ast.parse(text, mode="eval").body
    for node in ast.walk(tree):  # `1.0 if x > 0 else -1.0`: floats, as the other modes give
        if isinstance(node, ast.IfExp):
            node.body, node.orelse = _float(node.body), _float(node.orelse)
    if math_name != "math":
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "math"
            ):
                node.value.id = math_name
    return tree


def function(
    source: FunctionSource,
    entry: str,
    doc: str,
    outputs: Sequence[tuple[str, Any]],
    result: Any,
) -> Generated:
    """A Generated unit: `def entry(<the function's parameters>)`, computing each
    `(base name, expression)` of `outputs` on a named line (their common subexpressions
    first) and returning `result` (the output names, nested in tuples as given: an int
    is the index of an output)."""
    import sympy as sp

    tree = source.tree
    args = copy_tree(tree.args)
    names = Names.for_tree(args)
    names.reserve(entry)
    math_name = names.exact_or_suffixed("math")
    bindings: dict[str, object] = {}
    _bind_defaults(source.func, args, names, bindings)

    def temporaries():
        while True:
            yield sp.Symbol(names.numbered("t"))

    exprs = [e for _, e in outputs]
    replacements, reduced = sp.cse(exprs, symbols=temporaries(), order="canonical")
    body: list[ast.stmt] = [ast.Expr(value=ast.Constant(doc))]
    for symbol, expr in replacements:
        body.append(_assign(symbol.name, expression(expr, source, math_name)))
    out_names = []
    for (base, _), expr in zip(outputs, reduced):
        name = names.exact_or_suffixed(base)
        out_names.append(name)
        body.append(_assign(name, expression(expr, source, math_name)))
    body.append(ast.Return(value=_result(result, out_names)))
    fdef = ast.FunctionDef(name=entry, args=args, body=body, decorator_list=[], returns=None)
    fdef = ast.fix_missing_locations(fdef)
    if any(isinstance(n, ast.Name) and n.id == math_name for n in ast.walk(fdef)):
        bindings[math_name] = math
    text = Printer({}).function(fdef)
    return Generated(
        text=text,
        imports=import_lines({k: v for k, v in bindings.items() if k == math_name}),
        bindings=bindings,
        entry=entry,
        globals=source.func.__globals__,
        label=entry,
    )


def _float(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return ast.Constant(float(node.value))
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return ast.Constant(-float(node.operand.value))
    return node


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value)


def _result(shape: Any, names: list[str]) -> ast.expr:
    if isinstance(shape, int):
        return ast.Name(id=names[shape], ctx=ast.Load())
    return ast.Tuple(elts=[_result(s, names) for s in shape], ctx=ast.Load())


def _bind_defaults(func: types.FunctionType, args: ast.arguments, names: Names, bindings) -> None:
    """Defaults that aren't literals become bound names (evaluated once, as Python does)."""
    values = list(func.__defaults__ or ())
    offset = len(args.defaults) - len(values)
    for i, node in enumerate(args.defaults):
        if not isinstance(node, ast.Constant) and i - offset >= 0:
            name = names.exact_or_suffixed("default")
            bindings[name] = values[i - offset]
            args.defaults[i] = ast.Name(id=name, ctx=ast.Load())
    kw = func.__kwdefaults__ or {}
    for i, (a, kw_node) in enumerate(zip(args.kwonlyargs, args.kw_defaults)):
        if kw_node is not None and not isinstance(kw_node, ast.Constant):
            name = names.exact_or_suffixed("default")
            bindings[name] = kw[a.arg]
            args.kw_defaults[i] = ast.Name(id=name, ctx=ast.Load())

"""Normalization of local functions: a lambda or nested `def` defined in the function
and called there is inlined at each call.

    sq = lambda v: v * v          def scaled(v):
    y = sq(x) + sq(x + 1)             u = v * c
                                      return u * u
                                  y = scaled(x)

become `y = x * x + t1 * t1` (after `t1 = x + 1`: an argument that is not a plain
name is evaluated once) and `u1 = x * c; scaled1 = u1 * u1; y = scaled1`.  Python
reads a closure's free variables when it is called, which is when the inlined code
reads them; the nested function's own locals are renamed, so they can't overwrite
the caller's.  `Normalizer` (normalize.py) mixes `Inlining` in.

Sound only where every use is a call that runs the function's code then and there,
so a local function is inlined only if it is defined once, at the top level of the
function body, with plain positional parameters (defaults are evaluated when the
function is defined), its name is used only to call it, after the definition, and a
`def` returns once, at its end.  Anything else stays refused (a lambda passed as
`key=`, a recursive local function) with a message saying why.
"""

from __future__ import annotations

import ast

from ..errors import UnsupportedSyntaxError
from .astutil import Transformer, copy_tree, walk
from .astutil import located as _located

_HINT = "define it with `def` at module level (srcdiff differentiates calls to it)"


class _Local:
    """A local function that can be inlined: parameters, and either an expression
    (a lambda's) or statements and the returned expression (a def's)."""

    def __init__(self, name, node, params, body, result):
        self.name, self.node, self.params = name, node, params
        self.body, self.result = body, result


def _definition(stmt):
    """(name, lambda or def node) if `stmt` defines a local function, else None."""
    if (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Lambda)
    ):
        return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.FunctionDef):
        return stmt.name, stmt
    return None


def _plain_params(args):
    plain = not (args.vararg or args.kwarg or args.kwonlyargs or args.defaults)
    return plain and not args.posonlyargs


class Inlining:
    """Mixed into Normalizer: finds inlinable local functions and inlines their calls."""

    # (set by Normalizer: names, source, _block, _stmt_Assign)

    def _collect_locals(self, tree):
        """Take the definitions of local functions out of `tree`'s body, into
        self.local_functions; refuse, saying why, those that can't be inlined."""
        self.local_functions = {}
        self.inlining = []
        body = []
        for stmt in tree.body:
            found = _definition(stmt)
            if found is None:
                body.append(stmt)
                continue
            name, node = found
            self._check_local(tree, stmt, name, node)
            self.local_functions[name] = self._local(name, node)
        tree.body = body

    def _check_local(self, tree, stmt, name, node):
        def refuse(why, where=node, hint=_HINT):
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff cannot differentiate the local function {name!r}: {why}",
                where,
                hint,
            )

        changed = next((n for n in walk(node) if isinstance(n, (ast.Nonlocal, ast.Global))), None)
        if changed is not None:  # (the advice to move it to module level can't keep that)
            var, how = changed.names[0], changed.__class__.__name__.lower()
            refuse(
                f"it changes {var!r} of the enclosing function ({how})",
                changed,
                f"return the new value and assign it: `{var} = {name}({var}, ...)`, "
                f"with `{name}` taking {var!r} as a parameter and returning its new value",
            )

        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            refuse("it is decorated")
        if not _plain_params(node.args):
            refuse("it has default, keyword-only or * parameters (srcdiff inlines it)")
        for other in walk(tree):
            if other is stmt or other is node or other is getattr(stmt, "targets", [None])[0]:
                continue
            if isinstance(other, ast.FunctionDef) and other.name == name:
                refuse("it is defined twice", other)
            if isinstance(other, ast.arg) and other.arg == name:
                refuse("its name is also a parameter", other)
            if isinstance(other, ast.Name) and other.id == name:
                if not isinstance(other.ctx, ast.Load):
                    refuse("its name is assigned again", other)
        callee = {
            id(c.func)
            for c in walk(tree)
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
        }
        for other in walk(tree):
            if isinstance(other, ast.Name) and other.id == name and isinstance(other.ctx, ast.Load):
                if any(n is other for n in walk(node)):
                    refuse("it calls itself (recursion); srcdiff inlines local functions", other)
                if id(other) not in callee:
                    refuse("it is used as a value, not only called", other)
                if (other.lineno, other.col_offset) < (stmt.lineno, stmt.col_offset):
                    refuse("it is called before it is defined", other)
        if isinstance(node, ast.Lambda) and any(isinstance(n, ast.NamedExpr) for n in walk(node)):
            refuse("`:=` in a lambda binds a name of the lambda's own")
        if isinstance(node, ast.FunctionDef):
            if any(  # first: an inner def's return would be counted as its own below
                isinstance(n, (ast.FunctionDef, ast.Lambda)) for n in walk(node) if n is not node
            ):
                refuse("it defines functions of its own")
            returns = [n for n in walk(node) if isinstance(n, ast.Return)]
            last = node.body[-1]
            if len(returns) != 1 or last is not returns[0] or last.value is None:
                refuse("it does not return one value, once, at its end")

    def _local(self, name, node):
        params = [a.arg for a in node.args.args]
        if isinstance(node, ast.Lambda):
            return _Local(name, node, params, [], node.body)
        body = [s for s in node.body[:-1] if not _docstring(s)]
        return _Local(name, node, params, body, node.body[-1].value)

    def _inline_calls(self, expr, stmt):
        """(statements the inlined calls need first, `expr` with the calls replaced)."""
        if not self.local_functions:
            return [], expr
        pre = []
        owner = self
        lazy = [0]  # inside a part of `and`/`or` or a conditional expression that may not run

        class Inline(Transformer):
            def visit_Call(inner, node):  # noqa: N805 - closure over the normalizer
                inner.generic_visit(node)
                func = node.func
                if isinstance(func, ast.Name) and func.id in owner.local_functions:
                    local = owner.local_functions[func.id]
                    before = len(pre)
                    result = owner._inline_call(local, node, pre)
                    if lazy[0] and len(pre) > before:
                        raise owner.source.error(
                            UnsupportedSyntaxError,
                            f"srcdiff cannot inline this call to the local function "
                            f"{local.name!r}: it may not run here (`and`/`or`, `... if ... "
                            "else ...`), and inlining would run part of it first",
                            node,
                            "call it in a statement of its own before the condition",
                        )
                    return result
                return node

            def visit_BoolOp(inner, node):  # noqa: N805
                node.values[0] = inner.visit(node.values[0])
                lazy[0] += 1
                node.values[1:] = [inner.visit(v) for v in node.values[1:]]
                lazy[0] -= 1
                return node

            def visit_GeneratorExp(inner, node):  # noqa: N805
                return node  # (inlined in the loop a reduction becomes, or refused)

            visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp

            def visit_IfExp(inner, node):  # noqa: N805
                node.test = inner.visit(node.test)
                lazy[0] += 1
                node.body, node.orelse = inner.visit(node.body), inner.visit(node.orelse)
                lazy[0] -= 1
                return node

        expr = Inline().visit(expr)
        return pre, expr

    def _inline_call(self, local, call, pre):
        if local.name in self.inlining:
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff cannot differentiate the local function {local.name!r}: local "
                "functions calling each other in a circle (recursion) can't be inlined",
                call,
                _HINT,
            )
        self.inlining.append(local.name)
        try:
            return self._inline_body(local, call, pre)
        finally:
            self.inlining.pop()

    def _inline_body(self, local, call, pre):
        if (
            call.keywords
            or len(call.args) != len(local.params)
            or any(isinstance(a, ast.Starred) for a in call.args)
        ):
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff inlines the local function {local.name!r}: call it with its "
                f"{len(local.params)} argument(s) by position",
                call,
                _HINT,
            )
        mapping = {}
        assigned = _assigned(local.body)
        for param, arg in zip(local.params, call.args):
            # (nothing the inlined code runs can change a name the caller passes)
            if isinstance(arg, (ast.Name, ast.Constant)) and param not in assigned:
                mapping[param] = arg
            else:  # evaluated once, as the call would
                tmp = self.names.numbered(param)
                pre.extend(self._stmt_Assign(_located(_assign(tmp, arg), call)))
                mapping[param] = ast.Name(id=tmp, ctx=ast.Load())
        if local.body:  # a def's own locals get fresh names
            for name in sorted(assigned - set(mapping)):
                mapping[name] = ast.Name(id=self.names.numbered(name), ctx=ast.Load())
            body = [_Substitute(mapping).visit(copy_tree(s)) for s in local.body]
            pre.extend(self._block(body))  # (located at the def's lines, where they are)
        result = _Substitute(mapping).visit(copy_tree(local.result))
        more, result = self._inline_calls(result, call)
        pre.extend(more)
        if local.body:
            name = self.names.numbered(local.name)
            pre.extend(self._stmt_Assign(_located(_assign(name, result), call)))
            return _located(ast.Name(id=name, ctx=ast.Load()), call)
        return result


class _Substitute(Transformer):
    """Parameters and locals -> the expressions (names) standing for them."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        new = self.mapping.get(node.id)
        if new is None:
            return node
        if isinstance(node.ctx, ast.Load):
            return copy_tree(new)
        return ast.Name(id=new.id, ctx=node.ctx)


def _assigned(stmts):
    return {
        n.id
        for s in stmts
        for n in walk(s)
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))
    }


def _docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _assign(name, value):
    return ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value)

"""Normalization of reductions: `sum`, `max`, `min`, `any`, `all` of generators,
list comprehensions and sequences, rewritten into plain loops (`math.fsum` of a
generator into a list built by a loop, then `math.fsum` of it: its rule takes the list,
so the value keeps fsum's single rounding).

`sum(w[i] * x[i] for i in range(n) if m[i])` becomes

    sum1 = 0
    for i in range(n):
        if m[i]:
            sum1 = sum1 + w[i] * x[i]

before the statement that used it, which then reads `sum1`.  The loops are core
form once normalized, so reverse mode, forward mode and Hessians need nothing
new, and the user sees the loop they could have written.  `Normalizer` (in
normalize.py) mixes `Reductions` in; every new node takes the location of the
user's call, so errors and `# line N` comments point at it.

Comprehension variables are local to the comprehension in Python.  A loop
variable is a local of the function, so one whose name the function uses
elsewhere (or an enclosing comprehension binds) is renamed (`k` -> `k1`).
"""

from __future__ import annotations

import ast
import math

from .astutil import Transformer, copy_tree, walk
from .astutil import located as _located

COMPREHENSIONS = (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)

# the builtins rewritten, by the object their name denotes
REDUCTIONS = {
    sum: "sum",
    math.prod: "prod",
    math.fsum: "fsum",
    max: "max",
    min: "min",
    any: "any",
    all: "all",
}


def reduction_of(obj):
    """ "sum", "max", ... for the callables `Reductions` rewrites, else None."""
    try:
        return REDUCTIONS.get(obj)
    except TypeError:  # unhashable
        return None


def comprehension_only_names(tree):
    """Names every use of which is inside a comprehension binding them: these keep
    their names as loop variables, since nothing else in the function reads them."""
    if not any(isinstance(n, COMPREHENSIONS) for n in walk(tree)):
        return set()  # (none: one walk, not a visit of every node with its scope)
    bound, free = set(), set()

    def visit(node, scope):
        if isinstance(node, COMPREHENSIONS):
            inner = scope
            for gen in node.generators:
                visit(gen.iter, inner)
                names = {n.id for n in walk(gen.target) if isinstance(n, ast.Name)}
                bound.update(names)
                inner = inner | names
                for cond in gen.ifs:
                    visit(cond, inner)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for part in parts:
                visit(part, inner)
            return
        if isinstance(node, ast.Name) and node.id not in scope:
            free.add(node.id)
        elif isinstance(node, ast.arg):
            free.add(node.arg)
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(tree, frozenset())
    return bound - free


class _Rename(Transformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node

    def visit_Lambda(self, node):  # a parameter of the same name shadows the variable
        if {a.arg for a in node.args.args} & set(self.mapping):
            return node
        self.generic_visit(node)
        return node


def _load(id_):
    return ast.Name(id=id_, ctx=ast.Load())


def _set(name, value, like):
    return _located(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value), like)


class _LiftReductions(Transformer):
    """Reductions of `expr` lowered by `owner` (the normalizer) into statements put on
    `pre`; one class, not one per statement."""

    def __init__(self, owner, pre):
        self.owner, self.pre = owner, pre

    def visit_Call(self, node):
        listed = self.owner._listed(node)
        if listed is not None:
            return self.visit_ListComp(listed)
        kind = self.owner._reduction(node)
        if kind is None:
            self.generic_visit(node)
            return node
        return self.owner._lower_reduction(kind, node, self.pre)

    def visit_BoolOp(self, node):
        return node

    def visit_Lambda(self, node):
        return node

    def visit_GeneratorExp(self, node):
        return node

    def visit_ListComp(self, node):  # a list as a value
        return self.owner._lower_list(node, self.pre)

    visit_SetComp = visit_DictComp = visit_GeneratorExp


class Reductions:
    """Mixed into Normalizer: lifts reductions out of assigned expressions."""

    # (set by Normalizer: names, ask, _stmt_Assign, _block; comp_only, comp_scope)

    def _lift_reductions(self, expr, stmt):
        """(statements computing each reduction in `expr`, `expr` reading their results).
        Not into `and`/`or`, lambdas or other comprehensions: what they contain may not
        run, or runs once per item."""
        pre: list[ast.stmt] = []
        expr = _LiftReductions(self, pre).visit(expr)
        return pre, expr

    def _listed(self, call):
        """`list(xs)` of an array, list or tuple as the comprehension `[v for v in xs]`
        it equals (Python's list() walks its argument as the comprehension does), so it
        is a list value built by appends; None for any other call.  Not of a dict's
        view (`list(d.values())`: decided by the keys before this, or refused there)."""
        if not (
            isinstance(call.func, ast.Name)
            and call.func.id == "list"  # (asked only of that name: answers key the cache)
            and len(call.args) == 1
            and not call.keywords
            and not isinstance(call.args[0], ast.Starred)
            and self.ask(call.func, "identity") is list
        ):
            return None
        arg = call.args[0]
        if (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Attribute)
            and arg.func.attr in ("values", "items", "keys")
        ):
            return None
        item = self.names.numbered("item")
        gen = ast.comprehension(
            target=ast.Name(id=item, ctx=ast.Store()), iter=arg, ifs=[], is_async=0
        )
        comp = ast.ListComp(elt=ast.Name(id=item, ctx=ast.Load()), generators=[gen])
        return ast.fix_missing_locations(ast.copy_location(comp, call))

    def _reduction(self, call):
        """The kind of reduction `call` is, if it is one srcdiff rewrites."""
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return None
        kind = self.ask(call.func, "reduction")
        keywords = {k.arg for k in call.keywords}
        if kind == "prod":  # math.prod(items, *, start=1)
            return kind if len(call.args) == 1 and keywords <= {"start"} else None
        if kind == "fsum":  # fsum of a generator: its items built into a list (rules/scalar.py)
            comp = (ast.GeneratorExp, ast.ListComp)
            return (
                kind
                if len(call.args) == 1 and not keywords and isinstance(call.args[0], comp)
                else None
            )
        if kind == "sum":  # sum(items), sum(items, start), sum(items, start=...)
            return (
                kind if len(call.args) + len(keywords) in (1, 2) and keywords <= {"start"} else None
            )
        if kind in ("max", "min"):  # (max(a, b) of separate values has its own rule)
            return kind if len(call.args) == 1 and keywords <= {"default"} else None
        return kind if kind and len(call.args) == 1 and not keywords else None

    def _lower_reduction(self, kind, call, pre, result=None):
        """Append the loop computing `call` to `pre`; the name holding its result
        (`result` if given: `s = sum(...)` accumulates in `s` when the call doesn't
        read it)."""
        result = result or self.names.numbered(kind)
        items = call.args[0]
        keywords = {k.arg: k.value for k in call.keywords}
        if kind == "fsum":  # items1 = [...]; math.fsum(items1): one rounding, as the user's
            listed = ast.Call(func=call.func, args=[self._lower_list(items, pre)], keywords=[])
            if result is None:
                return _located(listed, call)
            pre += self._stmt_Assign(_set(result, _located(listed, call), call))
        elif kind in ("sum", "prod"):  # start + items[0] + items[1] + ..., in sum's order
            start = call.args[1] if len(call.args) > 1 else keywords.get("start")
            unit, op = (0, ast.Add()) if kind == "sum" else (1, ast.Mult())
            pre += self._stmt_Assign(_set(result, start or ast.Constant(unit), call))

            def add(v):
                plus = ast.BinOp(left=_load(result), op=op, right=v)
                return [_set(result, plus, call)]

            pre += self._for_each(items, call, add)
        elif kind in ("max", "min"):
            pre += self._extremum(kind, result, items, call, keywords.get("default"))
        else:
            found = kind == "any"  # any: stop at the first true; all: at the first false
            pre.append(_set(result, ast.Constant(not found), call))

            def body(v):
                test = v if found else ast.UnaryOp(op=ast.Not(), operand=v)
                hit = [_set(result, ast.Constant(found), call), _located(ast.Break(), call)]
                return [_located(ast.If(test=test, body=hit, orelse=[]), call)]

            pre += self._for_each(items, call, body)
        return _located(_load(result), call)

    def _lower_list(self, comp, pre, result=None):
        """`[f(v) for v in xs if c]` as a value: `items = []` (or the variable `result`
        it is assigned to), then a loop appending to it (lists built by append are
        differentiated in both modes)."""
        result = result or self.names.numbered("items")
        pre.append(_set(result, _located(ast.List(elts=[], ctx=ast.Load()), comp), comp))

        def body(v):
            append = ast.Call(
                func=ast.Attribute(value=_load(result), attr="append", ctx=ast.Load()),
                args=[v],
                keywords=[],
            )
            return [_located(ast.Expr(value=_located(append, comp)), comp)]

        pre += self._for_each(comp, comp, body)
        return _located(_load(result), comp)

    def _extremum(self, kind, result, items, call, default):
        """max/min: the first item, then max(m, item) (which keeps the first of equal
        items, as max of an iterable does); ValueError or `default` when empty."""
        first = self.names.numbered("first")
        out = [_set(first, ast.Constant(True), call)]

        def body(v):
            item = self.names.numbered("item")
            pair = ast.Call(func=_load(kind), args=[_load(result), _load(item)], keywords=[])
            return [
                _set(item, v, call),
                _located(
                    ast.If(
                        test=_load(first),
                        body=[
                            _set(result, _load(item), call),
                            _set(first, ast.Constant(False), call),
                        ],
                        orelse=[_set(result, pair, call)],
                    ),
                    call,
                ),
            ]

        out += self._for_each(items, call, body)
        if default is not None:
            empty = [_set(result, default, call)]
        else:
            message = ast.Constant(f"{kind}() iterable argument is empty")
            error = ast.Call(func=_load("ValueError"), args=[message], keywords=[])
            empty = [ast.Raise(exc=error, cause=None)]
        out.append(_located(ast.If(test=_load(first), body=empty, orelse=[]), call))
        return self._block(out)

    def _for_each(self, items, call, body):
        """Normalized loops running `body(item expression)` for each item of `items`
        (a comprehension, with its `for`s and `if`s, or any iterable)."""
        if not isinstance(items, (ast.GeneratorExp, ast.ListComp)):
            item = self.names.numbered("item")
            loop = ast.For(
                target=ast.Name(id=item, ctx=ast.Store()), iter=items, body=[], orelse=[]
            )
            loop.body = body(_load(item))
            return self._block([_located(loop, call)])
        items = copy_tree(items)
        renamed = []
        for k, gen in enumerate(items.generators):
            names = [n.id for n in walk(gen.target) if isinstance(n, ast.Name)]
            mapping = {
                n: self.names.numbered(n)
                for n in names
                if n not in self.comp_only or n in self.comp_scope
            }
            if mapping:  # (the first iterable is evaluated outside the comprehension)
                rename = _Rename(mapping)
                gen.target = rename.visit(gen.target)
                gen.ifs = [rename.visit(c) for c in gen.ifs]
                for later in items.generators[k + 1 :]:
                    rename.visit(later)
                items.elt = rename.visit(items.elt)
            renamed += [mapping.get(n, n) for n in names]
        saved = self.comp_scope
        self.comp_scope = saved | set(renamed)
        try:
            stmts = body(items.elt)
            for gen in reversed(items.generators):
                if gen.ifs:
                    test = (
                        gen.ifs[0]
                        if len(gen.ifs) == 1
                        else ast.BoolOp(op=ast.And(), values=gen.ifs)
                    )
                    stmts = [_located(ast.If(test=test, body=stmts, orelse=[]), call)]
                stmts = [
                    _located(ast.For(target=gen.target, iter=gen.iter, body=stmts, orelse=[]), call)
                ]
            return self._block(stmts)
        finally:
            self.comp_scope = saved

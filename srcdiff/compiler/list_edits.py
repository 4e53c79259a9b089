"""Lists changed in place, as values: a normalize pass (run before `grown` is collected).

For a list the function builds itself (bound only to displays, comprehensions and
`list(...)` calls), and that no other name, container or helper can hold while it
changes, an in-place change is the same as binding the name to a changed copy:

    xs[i] = v           ->  xs = list_set(xs, i, v)      (`xs[i] += v` too)
    xs.insert(i, v)     ->  xs = list_insert(xs, i, v)
    xs.sort()           ->  xs = list_sorted(xs)          (`reverse=True` too)
    xs.reverse()        ->  xs = list_reversed(xs)
    xs.clear()          ->  xs = []
    del xs[i]           ->  xs.pop(i)

The helpers (runtime/lists.py) have rules (rules/list_rules.py), so both modes and
Hessians follow from them, and the backward sweep saves the old list like any value a
name loses.  `np.add.at(a, i, v)` (`np.subtract.at`) becomes `a[...] = added_at(a, i,
v)`, and `np.fill_diagonal(a, v)` `a[...] = filled_diagonal(a, v, False)`: index
assignments, whose views and aliases aliasing.py already checks.

Soundness rests on the copy being unobservable.  A list a parameter holds is the
caller's (a helper's caller would see the change), so it is left to the refusal whose
hint copies it; and a list that may be held elsewhere -- under another name (`ys = xs`),
inside a container, by a user function it was passed to, or by a `for` loop walking it
-- at the point where it changes is left refused too (`unshared_edit` says why).
"""

from __future__ import annotations

import ast
import os

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..runtime import lists as rl
from .astutil import BLOCK_FIELDS, copy_tree, named, walk

_LIST_MAKERS = (ast.List, ast.ListComp)
_METHODS = frozenset({"insert", "sort", "reverse", "clear"})
_TRIGGERS = _METHODS | {"at", "copy", "fill_diagonal"}  # (has_list_edits: calls it may change)
# methods of a list that neither keep it nor hand it out
_SAFE_METHODS = frozenset(
    {"append", "extend", "pop", "insert", "sort", "reverse", "clear", "index", "count", "copy"}
)


def has_list_edits(nodes, resolve) -> bool:
    """Whether the nodes of a function (one walk of it) hold anything rewrite_list_edits
    rewrites: a store into or deletion of an item, a list's in-place method or `.copy()`,
    `np.add.at`-style `.at`, `sorted(...)`.  Most functions hold none, and the rewrite
    walks the tree several times (a tenth of normalizing 1,000 statements)."""
    for node in nodes:
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _TRIGGERS:
                return True
            if isinstance(func, ast.Name) and resolve(func) is sorted:
                return True
    return False


def rewrite_list_edits(source, tree, bind, closures=()):
    """`tree` with the changes above made (in place; returns the names of the lists
    changed).  `bind(obj, preferred)`: a name generated code reads `obj` under.
    `closures`: the local functions taken out of the body (inlined where called later),
    whose reads of a list count as made where they are defined."""
    resolve = source.resolver.resolve
    owned = _owned_lists(tree, resolve)
    changed: set[str] = set()
    rewriter = _Rewriter(source, owned, _edited(tree), changed, bind)
    rewriter.escapes = _escapes(tree, owned, resolve)
    for closure in closures:
        for name, found in _escapes(closure, owned, resolve, closure=True).items():
            rewriter.escapes.setdefault(name, []).extend((closure, ()) for _ in found[:1])
    rewriter.visit(tree)
    ast.fix_missing_locations(tree)
    return changed


def _owned_lists(tree, resolve):
    """Names bound only to new lists this function makes (not parameters): displays,
    comprehensions, `list(...)`, `[c] * n`, and slices and `.copy()`s of such lists."""
    params = {a.arg for a in (*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs)}
    for extra in (tree.args.vararg, tree.args.kwarg):
        if extra is not None:
            params.add(extra.arg)
    made, other = set(), set(params)
    copies = []  # (name, the list it copies: `ys = xs[:]`, `ys = xs.copy()`)
    assigned = {id(t) for n in walk(tree) if isinstance(n, ast.Assign) for t in n.targets}
    for node in walk(tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            other.update(node.names)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    continue
                if _makes_list(node.value, resolve):
                    made.add(target.id)
                elif _copied(node.value) is not None:
                    copies.append((target.id, _copied(node.value)))
                else:
                    other.add(target.id)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if id(node) not in assigned:
                other.add(node.id)
    owned = (made | {name for name, _ in copies}) - other
    changed = True
    while changed:  # a copy of a list that is one is a new list too
        changed = False
        for name, of in copies:
            if name in owned and of not in owned:
                owned.discard(name)
                changed = True
    return owned


def _copied(value):
    """The name `xs` of `xs[a:b]` or `xs.copy()`: a new list where xs is one."""
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
        base = value.value
    elif (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "copy"
        and not value.args
        and not value.keywords
    ):
        base = value.func.value
    else:
        return None
    return base.id if isinstance(base, ast.Name) else ""


def _edited(tree):
    """Names whose items are assigned or deleted, or whose in-place methods are called."""
    out = set()
    for node in walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            out.update(t.value.id for t in targets if _item_of(t))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _METHODS
            and isinstance(node.func.value, ast.Name)
        ):
            out.add(node.func.value.id)
    return out


def _makes_list(value, resolve):
    if isinstance(value, _LIST_MAKERS) or _repeated(value) is not None:
        return True
    return isinstance(value, ast.Call) and resolve(value.func) is list and not value.keywords


def _order(node):
    return (node.lineno, node.col_offset)


class Helper:
    """A runtime helper the rewritten tree calls, under a name the resolver is told
    (`Resolver.introduce`); derive binds the name to it (`runtime` says so)."""

    runtime = True
    result = None

    def __init__(self, func):
        self.func = func


class _Rewriter(ast.NodeTransformer):
    """Rewrites each change it may; leaves the others to normalize's refusals."""

    def __init__(self, source, owned, edited, changed, bind):
        self.source, self.owned, self.changed, self.bind = source, owned, changed, bind
        self.edited = edited
        self.resolve = source.resolver.resolve
        self.tree = None
        self.loops: list[ast.AST] = []
        self.escapes: dict[str, list] = {}

    def visit_FunctionDef(self, node):
        if self.tree is None:
            self.tree = node
            self.generic_visit(node)
        return node

    def visit_For(self, node):
        self.loops.append(node)
        self.generic_visit(node)
        self.loops.pop()
        return node

    visit_While = visit_For

    def _may(self, name, stmt):
        """Can `name`'s change at `stmt` be a new list under the name?  Not where another
        holder may see the list: an escape before it, or in a loop around both."""
        if name not in self.owned:
            return False
        for escape, loops in self.escapes.get(name, ()):
            if _order(escape) <= _order(stmt) or any(loop in self.loops for loop in loops):
                line = self.source.locate(escape)[1]
                held = _short(escape, self.source)
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate changing the list {name!r} in place "
                    f"where something else may hold it too (`{held}`, line {line}): "
                    "the change would show there",
                    stmt,
                    f"hand that a copy, list({name}) in place of {name} at line {line}, if "
                    "it should not see the change; if it should, change the list through "
                    "one name",
                )
        for loop in self.loops:  # a `for` walking the list would see the change
            if isinstance(loop, ast.For) and _walks(loop.iter, name, self.resolve):
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate changing the list {name!r} inside a "
                    f"`for` loop over {name!r} itself",
                    stmt,
                    f"loop over a copy: for ... in list({name}): (or over "
                    f"range(len({name})) with the length the loop should see)",
                )
        return True

    def _rebind(self, name, value, stmt):
        self.changed.add(name)
        out = ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value)
        return ast.copy_location(out, stmt)

    def _call(self, func, *args, keywords=()):
        fname = ast.Name(id=self.bind(func, func.__name__), ctx=ast.Load())
        return ast.Call(func=fname, args=list(args), keywords=list(keywords))

    def visit_Call(self, node):
        """`sorted(xs)` (`reverse=`; not `key=`): `list_sorted(xs)`, a permutation; and
        `xs.copy()` of a list built here: `list(xs)` (a list's method has no rule)."""
        self.generic_visit(node)
        of = _copied(node)
        if of in self.owned and self.resolve(named("list")) is list:
            return ast.copy_location(
                ast.Call(func=named("list"), args=[named(of)], keywords=[]), node
            )
        if (
            self.resolve(node.func) is sorted
            and len(node.args) == 1
            and isinstance(node.args[0], (ast.Name, ast.List, ast.Tuple, ast.ListComp))
            and all(k.arg == "reverse" for k in node.keywords)
        ):
            rev = [k.value for k in node.keywords]
            return ast.copy_location(self._call(rl.list_sorted, node.args[0], *rev), node)
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        target = node.targets[0] if len(node.targets) == 1 else None
        repeated = _repeated(node.value)
        if (
            isinstance(target, ast.Name)
            and target.id in self.owned
            and target.id in self.edited
            and repeated is not None
            and all(isinstance(e, (ast.Constant, ast.Name)) for e in repeated[0].elts)
        ):  # xs = [0.0] * n, then xs[i] = v: built by appends (a comprehension)
            node.value = ast.copy_location(_as_comprehension(*repeated), node.value)
            return node
        if (
            isinstance(target, ast.Name)
            and target.id in self.owned
            and target.id in self.edited
            and _copied(node.value) is not None
            and self.resolve(named("list")) is list
        ):  # ys = xs[1:] of a list, then ys[i] = v: list(xs[1:]), built by appends
            node.value = ast.copy_location(
                ast.Call(func=named("list"), args=[node.value], keywords=[]), node.value
            )
            return node
        if _item_of(target) and self._may(target.value.id, node):
            name = target.value.id
            value = self._call(rl.list_set, named(name), copy_tree(target.slice), node.value)
            return self._rebind(name, value, node)
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        target = node.target
        if _item_of(target) and self._may(target.value.id, node) and _plain(target.slice):
            name = target.value.id
            read = ast.Subscript(value=named(name), slice=copy_tree(target.slice), ctx=ast.Load())
            new = ast.BinOp(left=read, op=node.op, right=node.value)
            value = self._call(rl.list_set, named(name), copy_tree(target.slice), new)
            # (`+=` of an array item would change the array in place: refused when run)
            check = self._call(rl.check_number_item, copy_tree(read), *self._place(node))
            return [ast.copy_location(ast.Expr(value=check), node), self._rebind(name, value, node)]
        return node

    def _place(self, node):
        """`file.py:line:column` and the line's text, constants (as check_distinct's)."""
        filename, line, col, text = self.source.locate(node)
        where = ast.Constant(f"{os.path.basename(filename)}:{line}:{col + 1}")
        return [where] if text is None else [where, ast.Constant(text)]

    def visit_Delete(self, node):
        target = node.targets[0] if len(node.targets) == 1 else None
        if _item_of(target) and self._may(target.value.id, node):
            pop = ast.Attribute(value=named(target.value.id), attr="pop", ctx=ast.Load())
            call = ast.Call(func=pop, args=[copy_tree(target.slice)], keywords=[])
            self.changed.add(target.value.id)
            return ast.copy_location(ast.Expr(value=call), node)
        return node

    def visit_Expr(self, node):
        self.generic_visit(node)
        call = node.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return node
        at = self._at(call) or self._fill_diagonal(call)
        if at is not None:
            return ast.copy_location(at, node)
        base, attr = call.func.value, call.func.attr
        if not (isinstance(base, ast.Name) and attr in _METHODS and self._may(base.id, node)):
            return node
        value = self._method(base.id, attr, call)
        return node if value is None else self._rebind(base.id, value, node)

    def _method(self, name, attr, call):
        args, kws = call.args, call.keywords
        if attr == "insert" and len(args) == 2 and not kws:
            return self._call(rl.list_insert, named(name), *args)
        if attr == "sort" and not args and all(k.arg == "reverse" for k in kws):
            rev = [k.value for k in kws]
            return self._call(rl.list_sorted, named(name), *rev)
        if attr == "reverse" and not args and not kws:
            return self._call(rl.list_reversed, named(name))
        if attr == "clear" and not args and not kws:
            return ast.List(elts=[], ctx=ast.Load())
        return None

    def _at(self, call):
        """`np.add.at(a, i, v)` -> `a[...] = added_at(a, i, v)` (a name `a` only)."""
        if call.func.attr != "at" or call.keywords or len(call.args) != 3:
            return None
        ufunc = self.resolve(call.func.value)
        helper = (
            rl.added_at if ufunc is np.add else rl.subtracted_at if ufunc is np.subtract else None
        )
        a = call.args[0]
        if helper is None or not isinstance(a, ast.Name):
            return None
        store = ast.Subscript(value=named(a.id), slice=ast.Constant(...), ctx=ast.Store())
        return ast.Assign(targets=[store], value=self._call(helper, named(a.id), *call.args[1:]))

    def _fill_diagonal(self, call):
        """`np.fill_diagonal(a, v)` (`wrap=`) -> `a[...] = filled_diagonal(a, v, wrap)`."""
        if self.resolve(call.func) is not np.fill_diagonal or len(call.args) not in (2, 3):
            return None
        wraps = [k.value for k in call.keywords if k.arg == "wrap"]
        if len(wraps) != len(call.keywords) or len(call.args) + len(wraps) > 3:
            return None
        a = call.args[0]
        if not isinstance(a, ast.Name):
            return None
        wrap = (call.args[2:] + wraps) or [ast.Constant(False)]
        store = ast.Subscript(value=named(a.id), slice=ast.Constant(...), ctx=ast.Store())
        value = self._call(rl.filled_diagonal, named(a.id), call.args[1], *wrap)
        return ast.Assign(targets=[store], value=value)


def drop_number_checks(tree, analysis, resolve, numbers):
    """Drop `check_number_item(xs[i], ...)` (before `xs[i] += v`) where the analysis
    proves the items numbers (of the kinds `numbers`: analysis.py's, which imports this
    module): the check can't fail there, and reads as noise."""

    def proven(stmt):
        call = getattr(stmt, "value", None)
        return (
            isinstance(stmt, ast.Expr)
            and isinstance(call, ast.Call)
            and call.args
            and resolve(call.func) is rl.check_number_item
            and analysis.expr(call.args[0])[0] in numbers
        )

    holders = [tree]  # (what holds a block: statements, handlers and cases only, so
    for node in holders:  # no expression is entered)
        for field in BLOCK_FIELDS:
            block = getattr(node, field, None)
            if block.__class__ is list:
                holders.extend(block)
    for node in holders:
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and any(proven(s) for s in stmts):
                setattr(node, field, [s for s in stmts if not proven(s)] or [ast.Pass()])


def edited_item(value, resolve, name):
    """For `name = value` of a change this module wrote (`xs = list_set(xs, i, v)`): the
    item it puts in (`v`), or True where it only reorders the items; else None.  The
    list keeps the kinds of its items (analysis.list_items) rather than becoming one
    whose items are unseen, taken for arrays."""
    if not (
        isinstance(value, ast.Call)
        and value.args
        and isinstance(value.args[0], ast.Name)
        and value.args[0].id == name
    ):
        return None
    func = resolve(value.func)
    if func in (rl.list_set, rl.list_insert) and len(value.args) == 3:
        return value.args[2]
    if func in (rl.list_sorted, rl.list_reversed):
        return True
    return None


def _repeated(value):
    """(display, count) of `[a, b] * n` or `n * [a, b]`, else None."""
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult)):
        return None
    for display, count in ((value.left, value.right), (value.right, value.left)):
        if isinstance(display, ast.List) and not isinstance(count, ast.List):
            return display, count
    return None


def _as_comprehension(display, count):
    """`[a, b] * n` as `[v for _ in range(n) for v in [a, b]]` (one item: `[a for _ in
    range(n)]`), a list srcdiff builds by appends; its items are constants or names,
    so evaluating them once per pass is Python's value."""
    loop = ast.comprehension(
        target=ast.Name(id="_", ctx=ast.Store()),
        iter=ast.Call(func=named("range"), args=[count], keywords=[]),
        ifs=[],
        is_async=0,
    )
    if len(display.elts) == 1:
        return ast.ListComp(elt=display.elts[0], generators=[loop])
    inner = ast.comprehension(
        target=ast.Name(id="v", ctx=ast.Store()), iter=display, ifs=[], is_async=0
    )
    return ast.ListComp(elt=named("v"), generators=[loop, inner])


def _short(node, source=None):
    """The code of `node` for a message, cut at 40 characters: as the user wrote it where
    it is on one line (ast.unparse spells `lambda: xs` `lambda : xs` on Python 3.10)."""
    text = ast.unparse(node).splitlines()[0]
    if source is not None and getattr(node, "end_lineno", None) == getattr(node, "lineno", 0):
        _, _, col, line = source.locate(node)
        if line is not None:
            text = line[col : col + node.end_col_offset - node.col_offset] or text
    return text if len(text) <= 40 else text[:37] + "..."


def _item_of(target):
    """`xs[i]` (not a slice) of a plain name."""
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and not isinstance(target.slice, (ast.Slice, ast.Tuple))
    )


def _plain(index):
    """An index read twice by `xs[i] += v` -> `list_set(xs, i, xs[i] + v)`: no calls."""
    return not any(isinstance(n, (ast.Call, ast.NamedExpr)) for n in walk(index))


def _walks(it, name, resolve):
    """Does a `for` over `it` walk list `name` itself, seeing its changes (`xs`,
    `enumerate(xs)`, `zip(xs, ys)`, `reversed(xs)`; not `list(xs)`, `xs[:]`)?"""
    if isinstance(it, ast.Name):
        return it.id == name
    if isinstance(it, ast.Call) and resolve(it.func) in (enumerate, zip, reversed):
        return any(_walks(a, name, resolve) for a in it.args)
    return False


def _escapes(tree, owned, resolve, closure=False):
    """name -> [(node, loops around it)]: where another holder may get list `name`
    (in a `closure`, a local function, `return xs` hands it to the caller too)."""
    out: dict[str, list] = {}
    _find_escapes(tree, None, [], owned, (resolve, closure), out)
    return out


def _find_escapes(node, parent, loops, owned, how, out):
    inner = [*loops, node] if isinstance(node, (ast.For, ast.While)) else loops
    for child in ast.iter_child_nodes(node):
        if (
            isinstance(child, ast.Name)
            and child.id in owned
            and isinstance(child.ctx, ast.Load)
            and (_escaping(node, child, parent, how[0]) or (how[1] and _returned(node)))
        ):
            out.setdefault(child.id, []).append((node, tuple(loops)))
        _find_escapes(child, node, inner, owned, how, out)


def _returned(node):
    return isinstance(node, (ast.Return, ast.Lambda))


def _escaping(parent, name, grand, resolve):
    """Is this read of a list one through which something else may hold it?"""
    if isinstance(parent, ast.Subscript) and parent.value is name:
        return False  # xs[i], xs[a:b]: an item or a new list
    if isinstance(parent, ast.Attribute):
        return parent.attr not in _SAFE_METHODS
    if isinstance(parent, (ast.Starred, ast.Compare, ast.UnaryOp, ast.Return)):
        return False  # [*xs] copies it; the others read it there and then
    if isinstance(parent, ast.BoolOp):  # `ys = xs or zs` is xs itself; `if xs and c:` not
        return not (isinstance(grand, (ast.If, ast.While, ast.IfExp)) and grand.test is parent)
    if isinstance(parent, (ast.If, ast.While, ast.IfExp)) and parent.test is name:
        return False
    if isinstance(parent, ast.comprehension) and parent.iter is name:
        return False
    if isinstance(parent, ast.Call) and name is not parent.func:
        func = resolve(parent.func)
        if func in (enumerate, zip, reversed) and _iterated(parent, grand):
            return False  # a loop walking it (_Rewriter._may looks at the loop)
        return not _reads_only(func)
    if isinstance(parent, ast.For) and parent.iter is name:
        return False
    return True  # ys = xs, [xs], a loop over it (`for` checks itself), ...


def _iterated(call, grand):
    return isinstance(grand, (ast.For, ast.comprehension)) and grand.iter is call


def _reads_only(func):
    """Library functions that read a list and give back something new (NumPy's, math's,
    the builtins that don't hand out an iterator over it)."""
    if func in (len, sum, min, max, list, tuple, sorted, any, all, print, float, abs):
        return True
    module = getattr(func, "__module__", None) or getattr(type(func), "__module__", "")
    return isinstance(module, str) and module.split(".")[0] in ("numpy", "math")

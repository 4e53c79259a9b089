"""Stage 2: rewrite a function into the small structured core srcdiff transforms.

After normalization a function body contains only:

* `name = expr` and `name[index] = expr` (one target; tuple targets only
  for `a, b = call(...)`), bare expression statements, `pass`, `assert`,
  `raise`;
* `if test: ... else: ...` (no conditional expressions inside assignments);
* `for name in range(...)` and `while test:` loops with no `else`, whose
  only jump is a final `if flag: break`;
* exactly one `return name` at the very end.

Augmented assignment, `for` over sequences, `enumerate`, `zip`, tuple swaps,
`break`, `continue` and early `return` are all rewritten into that core, so
the reverse and forward transformers only ever see a handful of shapes.
Every new node copies the location of the user code it came from, so
errors and comments still point at the user's line.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import UnsupportedSyntaxError
from .astutil import copy_tree, hashable, walk
from .gcpause import gc_paused
from .inlining import Inlining
from .naming import Names
from .reductions import Reductions, comprehension_only_names, reduction_of
from .source import MISSING, FunctionSource, Resolver, dotted_name

_UNSUPPORTED_STMTS = {
    ast.Try: ("a `try` statement", "move the try/except outside the differentiated function"),
    ast.With: ("a `with` statement", "move the `with` block outside the differentiated function"),
    ast.ClassDef: ("a class definition", "define the class at module level"),
    ast.FunctionDef: (
        "a nested function defined inside a block",
        "define it at the top of the function body (srcdiff inlines its calls there), or "
        "at module level (srcdiff differentiates calls to it)",
    ),
    ast.AsyncFunctionDef: ("an async function", "use a plain `def`"),
    ast.AsyncFor: ("`async for`", "use a plain `for` loop"),
    ast.AsyncWith: ("`async with`", "use plain code"),
    ast.Global: (
        "a `global` statement",
        "pass the value in as an argument and return the new value",
    ),
    ast.Nonlocal: (
        "a `nonlocal` statement",
        "pass the value in as an argument and return the new value",
    ),
    ast.Delete: ("a `del` statement", "drop the `del`; locals are freed when the function returns"),
    ast.Import: ("an import inside the function", "import at module level"),
    ast.ImportFrom: ("an import inside the function", "import at module level"),
}
if hasattr(ast, "TryStar"):
    _UNSUPPORTED_STMTS[ast.TryStar] = _UNSUPPORTED_STMTS[ast.Try]
if hasattr(ast, "Match"):
    _UNSUPPORTED_STMTS[ast.Match] = ("a `match` statement", "rewrite it with `if`/`elif`")
if hasattr(ast, "TypeAlias"):
    _UNSUPPORTED_STMTS[ast.TypeAlias] = ("a `type` statement", "define the alias at module level")

_UNSUPPORTED_EXPRS = {
    ast.Yield: ("`yield`", "return a value (srcdiff differentiates functions, not generators)"),
    ast.YieldFrom: (
        "`yield from`",
        "return a value (srcdiff differentiates functions, not generators)",
    ),
    ast.Await: ("`await`", "differentiate a synchronous function"),
    ast.Lambda: (
        "a lambda other than `f = lambda ...: ...` at the top of the function, then called",
        "assign it to a name at the top of the function body and call it, or define the "
        "function with `def` at module level",
    ),
}
_LEFT_OVER = {  # refused only where normalization could not rewrite them
    ast.NamedExpr: (
        "an assignment expression (`:=`) here (in a `while` test, `and`/`or`, a "
        "comprehension or an `assert`)",
        "assign in a separate statement",
    ),
}


_RUNS_CODE = (
    "run code (or read variables) srcdiff can't see, so derivatives would be silently missing"
)
_OPAQUE_CALLS = {
    eval: ("a call to eval(), which would " + _RUNS_CODE, "write the expression itself"),
    exec: ("a call to exec(), which would " + _RUNS_CODE, "write the statements themselves"),
    compile: ("a call to compile(), which would " + _RUNS_CODE, "write the code itself"),
    locals: (
        "a call to locals(), which reads variables srcdiff can't follow",
        "use the variables by name",
    ),
    vars: (
        "a call to vars(), which reads variables srcdiff can't follow",
        "use the variables or attributes by name",
    ),
    globals: (
        "a call to globals(), which reads variables srcdiff can't follow",
        "use the module-level names directly",
    ),
    getattr: ("getattr(), whose attribute name srcdiff can't follow", "write obj.attr"),
    setattr: (
        "setattr(), which changes an object srcdiff can't follow",
        "return the new value instead",
    ),
    delattr: ("delattr(), which changes an object srcdiff can't follow", "drop it"),
    __import__: ("__import__() inside the function", "import at module level"),
}


_LOOP_BUILTINS = (range, enumerate, zip, reversed)

# What normalization asks of the object a callee denotes.  Its output depends on the
# resolver only through these answers, so they are recorded (see Normalizer.ask) and a
# cached result is reused while they stay the same.
_QUESTIONS = {
    "opaque": lambda obj: _OPAQUE_CALLS.get(obj) if hashable(obj) else None,
    "function": lambda obj: isinstance(obj, types.FunctionType),
    "loop": lambda obj: obj if obj is not MISSING and obj in _LOOP_BUILTINS else None,
    "reduction": reduction_of,
}


def _located(new, old):
    """Give `new` (and its children) the location of `old`."""
    for node in walk(new):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if hasattr(old, attr) and not getattr(node, attr, None):
                setattr(node, attr, getattr(old, attr))
    return new


def _name(id_, ctx=None):
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _assign(target, value, like):
    tgt = _name(target, ast.Store()) if isinstance(target, str) else target
    return _located(ast.Assign(targets=[tgt], value=value), like)


def _call(func_name, *args):
    return ast.Call(func=_name(func_name), args=list(args), keywords=[])


class Normalizer(Reductions, Inlining):
    """Rewrites one FunctionDef into the core form (see module docstring)."""

    def __init__(self, source, names):
        self.source = source
        self.names = names
        self.loop_stack = []  # per enclosing loop: dict(brk=name|None, cont=name|None)
        self.ret_flag = None
        self.ret_value = None
        self.loop_assigned = set()  # names the body of the loop being lowered assigns
        self.answers = {}  # (dotted name, question) -> answer (see `ask`)
        self.comp_only = comprehension_only_names(source.tree)  # (reductions.py)
        self.comp_scope = frozenset()  # comprehension variables of the loops being built

    def ask(self, node, question):
        """The answer to one of _QUESTIONS about the object `node` denotes, noted."""
        answer = _QUESTIONS[question](self.source.resolver.resolve(node))
        parts = dotted_name(node)
        if parts is not None:  # (anything else denotes nothing, whatever the resolver)
            self.answers[parts, question] = answer
        return answer

    # -- entry point -----------------------------------------------------
    def run(self):
        tree = copy_tree(self.source.tree)
        self._collect_locals(tree)  # lambdas and defs inlined where called (inlining.py)
        self._reject_unsupported(tree)
        for local in self.local_functions.values():
            self._reject_unsupported(local.node)
        body = list(tree.body)
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body = body[1:]
        body = _returns_to_else(body)
        early = self._has_nonfinal_return(body)
        needs_flag = early and not _tail_ok(body)
        if needs_flag:
            self.ret_flag = self.names.numbered("_returned")
        body = self._jumps_block(self._block(body))
        if needs_flag:
            first = tree.body[0]
            body = [
                _assign(self.ret_flag, ast.Constant(False), first),
                *[_assign(n, ast.Constant(None), first) for n in self._ret_names(None)],
                *body,
            ]
            body.append(_located(ast.Return(value=self._ret_value()), tree))
        elif early:  # every return is the last thing on its path: assign, return once
            body = self._tail_assign(body, tree)
            body.append(_located(ast.Return(value=self._ret_value()), tree))
        else:
            body = self._final_return(body, tree)
        tree.body = body or [ast.Pass()]
        self._reject_left_over(tree)
        return ast.fix_missing_locations(tree)

    def _reject_left_over(self, tree):
        for node in walk(tree):
            if isinstance(node, ast.Name) and node.id in self.local_functions:
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot inline this call to the local function {node.id!r} "
                    "(in a `while` test, a comprehension or an `assert`)",
                    node,
                    "call it in a statement of its own",
                )
            entry = _LEFT_OVER.get(type(node))
            if entry is not None:
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate {entry[0]}",
                    node,
                    entry[1],
                )

    # -- returns -------------------------------------------------------------
    def _ret_names(self, value):
        """Names the return value is assigned to: `out`, or `out1, out2` for tuples."""
        if self.ret_value is None:
            arity = len(value.elts) if isinstance(value, ast.Tuple) else 1
            self.ret_value = (
                [self.names.exact_or_suffixed("out")]
                if arity == 1
                else [self.names.numbered("out") for _ in range(arity)]
            )
        return self.ret_value

    def _ret_value(self):
        names = self._ret_names(None)
        if len(names) == 1:
            return _name(names[0])
        return ast.Tuple(elts=[_name(n) for n in names], ctx=ast.Load())

    def _return_assign(self, ret):
        value = ret.value if ret.value is not None else ast.Constant(None)
        names = self._ret_names(value)
        if len(names) == 1:
            return self._stmt_Assign(_assign(names[0], value, ret))
        if not isinstance(value, ast.Tuple) or len(value.elts) != len(names):
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff needs every `return` of this function to return {len(names)} values",
                ret,
                "return the same number of values everywhere",
            )
        out = []
        for n, v in zip(names, value.elts):
            out += self._stmt_Assign(_assign(n, v, ret))
        return out

    def _tail_assign(self, stmts, tree):
        if not stmts:
            return [_assign(n, ast.Constant(None), tree) for n in self._ret_names(None)]
        last = stmts[-1]
        if isinstance(last, ast.Return):
            return stmts[:-1] + self._return_assign(last)
        if isinstance(last, ast.If):
            last.body = self._tail_assign(last.body, last)
            last.orelse = self._tail_assign(last.orelse, last)
            return stmts
        return stmts + [_assign(n, ast.Constant(None), last) for n in self._ret_names(None)]

    # -- checks ----------------------------------------------------------
    def _reject_unsupported(self, tree):
        for node in walk(tree):
            if node is tree:
                continue
            entry = _UNSUPPORTED_STMTS.get(type(node)) or _UNSUPPORTED_EXPRS.get(type(node))
            if entry is None and isinstance(node, (ast.For, ast.While)) and node.orelse:
                entry = ("a loop with an `else` clause", "use a flag variable instead of `else`")
            if entry is not None:
                what, hint = entry
                raise self.source.error(
                    UnsupportedSyntaxError, f"srcdiff cannot differentiate {what}", node, hint
                )
        for node in walk(tree):
            if isinstance(node, ast.Call):
                entry = self.ask(node.func, "opaque")
                if entry is not None:
                    raise self.source.error(
                        UnsupportedSyntaxError,
                        f"srcdiff cannot differentiate {entry[0]}",
                        node,
                        entry[1],
                    )
        for arg in (tree.args.vararg, tree.args.kwarg):
            if arg is not None:
                raise self.source.error(
                    UnsupportedSyntaxError,
                    "srcdiff cannot differentiate a function with "
                    f"*{arg.arg} or **{arg.arg} parameters",
                    arg,
                    "list the parameters by name",
                )

    def _has_nonfinal_return(self, body):
        for i, stmt in enumerate(body):
            final = i == len(body) - 1 and isinstance(stmt, ast.Return)
            if not final and any(isinstance(n, ast.Return) for n in walk(stmt)):
                return True
        return False

    def _final_return(self, body, tree):
        """Ensure the body ends in `return name` (or `return` of a tuple of names)."""
        if body and isinstance(body[-1], ast.Return):
            ret = body[-1]
            value = ret.value if ret.value is not None else ast.Constant(None)
            if not isinstance(value, ast.Name):
                if (
                    isinstance(value, ast.Tuple)
                    and all(isinstance(e, ast.Name) for e in value.elts)
                    and len({e.id for e in value.elts}) == len(value.elts)
                ):
                    return body
                return (
                    body[:-1]
                    + self._return_assign(ret)
                    + [_located(ast.Return(value=self._ret_value()), ret)]
                )
            return body
        return (
            body
            + [_assign(n, ast.Constant(None), tree) for n in self._ret_names(None)]
            + [_located(ast.Return(value=self._ret_value()), tree)]
        )

    # -- statements --------------------------------------------------------
    def _block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self._stmt(stmt))
        return out

    def _stmt(self, stmt):
        method = getattr(self, "_stmt_" + type(stmt).__name__, None)
        if method is None:
            return [stmt]
        return method(stmt)

    def _stmt_Expr(self, stmt):
        if isinstance(stmt.value, ast.Constant):  # stray string or docstring
            return []
        pre, value = self._lift_walrus(stmt.value, stmt)
        more, value = self._inline_calls(value, stmt)
        pre += more
        more, value = self._lift_ifexp(value, stmt)
        pre += more
        more, value = self._lift_reductions(value, stmt)
        pre += more
        stmt.value = value
        call = stmt.value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "pop"
            and not call.args
            and isinstance(call.func.value, ast.Name)
        ):
            # `s.pop()` dropping the value: keep it in a name, so derivatives of a list used as
            # a stack (generated code differentiated again) pop in step too
            return pre + self._stmt_Assign(_assign(self.names.numbered("popped"), call, stmt))
        if isinstance(call, ast.Call) and self._is_user_function(call.func):
            # `h(x)` for its effects (a generated helper pushing on a stack): keep the call
            # an assignment, so it is differentiated like any other
            tmp = self.names.numbered("t")
            return pre + self._stmt_Assign(_assign(tmp, call, stmt))
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "append"
            and len(call.args) == 1
            and not call.keywords
            and not _simple(call.args[0])
        ):
            # `s.append(expr)` -> `t = expr; s.append(t)`: what is pushed is a plain name
            tmp = self.names.numbered("t")
            pre += self._stmt_Assign(_assign(tmp, call.args[0], stmt))
            call.args[0] = _located(_name(tmp), stmt)
        return pre + [stmt]

    def _stmt_AnnAssign(self, stmt):
        if stmt.value is None:
            return []
        return self._stmt_Assign(_assign(stmt.target, stmt.value, stmt))

    def _stmt_AugAssign(self, stmt):
        target = stmt.target
        load = copy_tree(target)
        for node in walk(load):
            if hasattr(node, "ctx"):
                node.ctx = ast.Load()
        value = _located(ast.BinOp(left=load, op=stmt.op, right=stmt.value), stmt)
        out = self._stmt_Assign(_assign(target, value, stmt))
        out[-1].srcdiff_inplace = True  # `y += v` changes an array in place (aliasing.py)
        return out

    def _stmt_Assign(self, stmt):
        if len(stmt.targets) > 1:  # a = b = expr  ->  b = expr; a = b
            *rest, last = stmt.targets
            first = self._stmt_Assign(_assign(last, stmt.value, stmt))
            src = copy_tree(last)
            for node in walk(src):
                if hasattr(node, "ctx"):
                    node.ctx = ast.Load()
            tail = []
            for tgt in rest:
                tail += self._stmt_Assign(_assign(tgt, copy_tree(src), stmt))
            return first + tail
        target = stmt.targets[0]
        walrus, stmt.value = self._lift_walrus(stmt.value, stmt)
        inlined, stmt.value = self._inline_calls(stmt.value, stmt)  # (inlining.py)
        if walrus or inlined:  # `y = (t := a) * t` -> `t = a; y = t * t`
            return walrus + inlined + self._stmt_Assign(stmt)
        if isinstance(target, (ast.Tuple, ast.List)):
            return self._tuple_assign(target, stmt.value, stmt)
        if isinstance(stmt.value, ast.IfExp) and isinstance(target, ast.Name):
            test_pre, test = self._lift_ifexp(stmt.value.test, stmt)
            node = _located(
                ast.If(
                    test=test,
                    body=self._stmt_Assign(_assign(copy_tree(target), stmt.value.body, stmt)),
                    orelse=self._stmt_Assign(_assign(copy_tree(target), stmt.value.orelse, stmt)),
                ),
                stmt,
            )
            return test_pre + [node]
        if (
            isinstance(target, ast.Name)
            and isinstance(stmt.value, ast.Call)
            and self._reduction(stmt.value)
            and target.id not in {n.id for n in walk(stmt.value) if isinstance(n, ast.Name)}
        ):  # s = sum(...): accumulate in s itself (reductions.py)
            pre = []
            self._lower_reduction(self._reduction(stmt.value), stmt.value, pre, target.id)
            return pre
        pre, value = self._lift_ifexp(stmt.value, stmt)
        more, value = self._lift_reductions(value, stmt)
        pre += more
        stmt.value = value
        if isinstance(target, ast.Subscript) and not _plain_index(target.slice):
            # `y[y < 0] = v` -> `idx = y < 0; y[idx] = v`: the index is computed once, from
            # y before the assignment (derivative code indexes with it again afterwards)
            index = self.names.numbered("index")
            pre += self._stmt_Assign(_assign(index, target.slice, stmt))
            target.slice = _located(_name(index), stmt)
        if (
            isinstance(target, ast.Subscript)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "pop"
        ):
            # `y[i] = s.pop()` -> `t = s.pop(); y[i] = t` (a pop is an assignment of its own)
            tmp = self.names.numbered("t")
            return pre + [_assign(tmp, value, stmt), _assign(target, _name(tmp), stmt)]
        return pre + [stmt]

    def _tuple_assign(self, target, value, stmt):
        elts = target.elts
        if any(isinstance(e, ast.Starred) for e in elts):
            elts, value = self._starred(elts, value, stmt)
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) != len(elts):
            if not any(isinstance(v, ast.Starred) for v in value.elts):
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"this unpacks {len(value.elts)} values into {len(elts)} names",
                    stmt,
                    "give as many names as values",
                )
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(elts):
            written = {n.id for e in elts for n in walk(e) if isinstance(n, ast.Name)}
            read = {n.id for v in value.elts for n in walk(v) if isinstance(n, ast.Name)}
            if not written & read:
                out = []
                for tgt, val in zip(elts, value.elts):
                    out += self._stmt_Assign(_assign(tgt, val, stmt))
                return out
            temps = [self.names.numbered("t") for _ in elts]
            out = []
            for tmp, val in zip(temps, value.elts):
                out += self._stmt_Assign(_assign(tmp, val, stmt))
            for tgt, tmp in zip(elts, temps):
                out += self._stmt_Assign(_assign(tgt, _name(tmp), stmt))
            return out
        if isinstance(value, ast.Call) and all(isinstance(e, ast.Name) for e in elts):
            pre, value = self._lift_ifexp(value, stmt)
            more, value = self._lift_reductions(value, stmt)
            pre += more
            return pre + [_assign(ast.Tuple(elts=elts, ctx=ast.Store()), value, stmt)]
        # a, b = seq  ->  t = seq; a = t[0]; b = t[1]
        pre = []
        if not isinstance(value, ast.Name):
            tmp = self.names.numbered("t")
            pre = self._stmt_Assign(_assign(tmp, value, stmt))
            value = _name(tmp)
        out = pre
        for i, tgt in enumerate(elts):
            item = _located(
                ast.Subscript(value=_name(value.id), slice=ast.Constant(i), ctx=ast.Load()), stmt
            )
            out += self._stmt_Assign(_assign(tgt, item, stmt))
        return out

    def _starred(self, elts, value, stmt):
        """`a, *b, c = x, y, z, w` -> `a, b, c = x, [y, z], w` (a starred name gets a list).
        Only of values written out: of a list or array, `b` would be a list of its items,
        which srcdiff can't build from an array."""
        stars = [i for i, e in enumerate(elts) if isinstance(e, ast.Starred)]
        displayed = isinstance(value, (ast.Tuple, ast.List)) and not any(
            isinstance(v, ast.Starred) for v in value.elts
        )
        if not displayed or len(value.elts) < len(elts) - 1:
            raise self.source.error(
                UnsupportedSyntaxError,
                "srcdiff cannot differentiate starred unpacking of a sequence "
                "(only of values written out, as in `a, *b = x, y, z`)",
                stmt,
                "index it instead: first, rest = xs[0], xs[1:]",
            )
        i = stars[0]
        after = len(elts) - i - 1
        middle = value.elts[i : len(value.elts) - after]
        grouped = ast.List(elts=middle, ctx=ast.Load())
        values = value.elts[:i] + [_located(grouped, stmt)] + value.elts[len(value.elts) - after :]
        return (
            elts[:i] + [elts[i].value] + elts[i + 1 :],
            _located(ast.Tuple(elts=values, ctx=ast.Load()), stmt),
        )

    def _stmt_If(self, stmt):
        pre, test = self._lift_walrus(stmt.test, stmt)
        more, test = self._inline_calls(test, stmt)
        pre += more
        more, test = self._lift_ifexp(test, stmt)
        pre += more
        stmt.test = test
        stmt.body = self._block(stmt.body) or [ast.Pass()]
        stmt.orelse = self._block(stmt.orelse)
        return pre + [stmt]

    def _stmt_While(self, stmt):
        self.loop_stack.append({})
        stmt.body = self._block(stmt.body) or [ast.Pass()]
        self.loop_stack.pop()
        return [stmt]

    def _stmt_For(self, stmt):
        self.loop_assigned = {
            n.id
            for s in stmt.body
            for n in walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        walrus, stmt.iter = self._lift_walrus(stmt.iter, stmt)
        inlined, stmt.iter = self._inline_calls(stmt.iter, stmt)
        pre, header, body = self._lower_for_header(stmt)
        pre = walrus + inlined + pre
        for node in pre + body:  # written by srcdiff, not the user (for messages)
            node.srcdiff_synth = True
        stmt.body = self._block(body + stmt.body) or [ast.Pass()]
        stmt.target, stmt.iter = header
        return pre + [stmt]

    def _lower_for_header(self, stmt):
        """Turn `for` over sequences, enumerate and zip into `for i in range(...)`."""
        it, target = stmt.iter, stmt.target
        callee = self._builtin_call(it)
        if callee is range and isinstance(target, ast.Name):
            return [], (target, it), []
        if callee is reversed and len(it.args) == 1 and not it.keywords:
            pre, seq = self._as_name(it.args[0], stmt)
            index = self.names.numbered("i")
            backwards = _call(
                "range",
                ast.BinOp(left=_call("len", seq), op=ast.Sub(), right=ast.Constant(1)),
                ast.Constant(-1),
                ast.Constant(-1),
            )
            body = [_assign(target, self._item(seq, index, stmt), stmt)]
            return pre, (_name(index, ast.Store()), _located(backwards, it)), body
        if callee is enumerate and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            start = _enumerate_start(it)
            if start is not False:
                return self._lower_enumerate(stmt, target.elts, it.args[0], start)
        if callee is zip and not it.keywords and _plain_args(it):
            index = self.names.numbered("i")
            pre, length, items = self._zip_items(it.args, index, stmt)
            body = self._unpack_items(target, items, stmt)
            return pre, (_name(index, ast.Store()), _located(_call("range", length), it)), body
        pre, seq = self._as_name(it, stmt)
        index = self.names.numbered("i")
        body = [_assign(target, self._item(seq, index, stmt), stmt)]
        return (
            pre,
            (_name(index, ast.Store()), _located(_call("range", _call("len", seq)), it)),
            body,
        )

    def _lower_enumerate(self, stmt, targets, inner, start):
        """`for i, v in enumerate(xs, start=s)` -> `for i1 in range(len(xs)): i = i1 + s;
        v = xs[i1]`; `enumerate(zip(a, b))` walks a and b by index together."""
        idx, item = targets
        pre = []
        if start is not None and not _simple(start):
            name = self.names.numbered("start")
            pre += self._stmt_Assign(_assign(name, start, stmt))
            start = _name(name)
        plain = isinstance(idx, ast.Name) and start is None
        index = idx.id if plain else self.names.numbered("i")
        if self._builtin_call(inner) is zip and not inner.keywords and _plain_args(inner):
            more, length, items = self._zip_items(inner.args, index, stmt)
            pre += more
            body = self._unpack_items(item, items, stmt)
        else:
            more, seq = self._as_name(inner, stmt)
            pre += more
            length = _call("len", seq)
            body = [_assign(item, self._item(seq, index, stmt), stmt)]
        if not plain:
            count = _name(index)
            if start is not None:
                count = ast.BinOp(left=count, op=ast.Add(), right=start)
            body.insert(0, _assign(idx, _located(count, stmt), stmt))
        header = (_name(index, ast.Store()), _located(_call("range", length), stmt.iter))
        return pre, header, body

    def _zip_items(self, args, index, stmt):
        """(statements naming the sequences, their common length, `seq[index]` for each)."""
        pre, seqs = [], []
        for arg in args:
            p, seq = self._as_name(arg, stmt)
            pre += p
            seqs.append(seq)
        length = (
            _call("len", seqs[0])
            if len(seqs) == 1
            else _call("min", *[_call("len", seq) for seq in seqs])
        )
        return pre, length, [self._item(seq, index, stmt) for seq in seqs]

    def _unpack_items(self, target, items, stmt):
        """`a, b = x[i], y[i]` one by one, or `pair = (x[i], y[i])` for one name."""
        if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(items):
            return [_assign(t, item, stmt) for t, item in zip(target.elts, items)]
        return [_assign(target, _located(ast.Tuple(elts=items, ctx=ast.Load()), stmt), stmt)]

    def _item(self, seq, index, like):
        return _located(
            ast.Subscript(value=_name(seq.id), slice=_name(index), ctx=ast.Load()), like
        )

    def _as_name(self, expr, stmt):
        """The sequence a loop iterates over, as a name bound once before the loop: Python
        evaluates it once, so `for v in x: x = ...` still walks the first x."""
        if isinstance(expr, ast.Name) and expr.id not in self.loop_assigned:
            return [], expr
        tmp = self.names.numbered("seq")
        return self._stmt_Assign(_assign(tmp, expr, stmt)), _name(tmp)

    def _is_user_function(self, func_node):
        return self.ask(func_node, "function")

    def _builtin_call(self, node):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            return None
        return self.ask(node.func, "loop")

    # -- assignment expressions ----------------------------------------------
    def _lift_walrus(self, expr, stmt):
        """Move each `(name := value)` out of `expr` into `name = value` before it, where
        that runs it at the same point: not out of `and`/`or` (after their first
        operand), a conditional expression's branches (lifted into an `if` later, with
        what they contain), comprehensions or lambdas.  Refused where `expr` reads the
        name before the assignment expression (the rest see the value it assigns)."""
        pre = []
        found = []

        class Lift(ast.NodeTransformer):
            def visit_NamedExpr(inner, node):  # noqa: N805 - closure over self
                node.value = inner.visit(node.value)
                found.append(node)
                pre.extend(self._stmt_Assign(_assign(node.target.id, node.value, node)))
                return _located(_name(node.target.id), node)

            def visit_BoolOp(inner, node):  # noqa: N805
                node.values[0] = inner.visit(node.values[0])
                return node

            def visit_IfExp(inner, node):  # noqa: N805
                node.test = inner.visit(node.test)
                return node

            def visit_Lambda(inner, node):  # noqa: N805
                return node

            def visit_GeneratorExp(inner, node):  # noqa: N805
                return node

            visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp

        if not any(isinstance(n, ast.NamedExpr) for n in walk(expr)):
            return [], expr
        before = {
            (n.id, n.lineno, n.col_offset)
            for n in walk(expr)
            if isinstance(n, ast.Name) and hasattr(n, "lineno")
        }
        expr = Lift().visit(expr)
        for node in found:
            name = node.target.id
            if any(
                n == name and (ln, col) < (node.lineno, node.col_offset) for n, ln, col in before
            ):
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate `{name} :=` in an expression that reads "
                    f"{name} before it",
                    node,
                    "assign in a separate statement",
                )
        return pre, expr

    # -- conditional expressions -------------------------------------------
    def _lift_ifexp(self, expr, stmt):
        """Move each `a if c else b` out of `expr` into an if statement before it."""
        pre = []

        class Lift(ast.NodeTransformer):
            def visit_IfExp(inner, node):  # noqa: N805 - closure over self
                test = inner.visit(node.test)
                tmp = self.names.numbered("t")
                pre.append(
                    _located(
                        ast.If(
                            test=test,
                            body=self._stmt_Assign(_assign(tmp, inner.visit(node.body), node)),
                            orelse=self._stmt_Assign(_assign(tmp, inner.visit(node.orelse), node)),
                        ),
                        node,
                    )
                )
                return _located(_name(tmp), node)

            def visit_BoolOp(inner, node):  # keep short-circuit: don't lift out of and/or
                return node

        expr = Lift().visit(expr)
        return pre, expr

    # -- break / continue / return -------------------------------------------
    def _jumps_block(self, stmts):
        out = []
        for i, stmt in enumerate(stmts):
            out.extend(self._jumps_stmt(stmt))
            flags = self._escaping_flags(stmt)
            rest = stmts[i + 1 :]
            if flags and rest:
                guard = _located(ast.UnaryOp(op=ast.Not(), operand=self._any_flag(flags)), stmt)
                out.append(
                    _located(ast.If(test=guard, body=self._jumps_block(rest), orelse=[]), rest[0])
                )
                return out
        return out

    def _jumps_stmt(self, stmt):
        if isinstance(stmt, ast.Return) and self.ret_flag:
            return [*self._return_assign(stmt), _assign(self.ret_flag, ast.Constant(True), stmt)]
        if isinstance(stmt, ast.Break):
            return [_assign(self._loop_flag("brk"), ast.Constant(True), stmt)]
        if isinstance(stmt, ast.Continue):
            return [_assign(self._loop_flag("cont"), ast.Constant(True), stmt)]
        if isinstance(stmt, ast.If):
            stmt.body = self._jumps_block(stmt.body) or [ast.Pass()]
            stmt.orelse = self._jumps_block(stmt.orelse)
            return [stmt]
        if isinstance(stmt, (ast.For, ast.While)):
            return self._jumps_loop(stmt)
        return [stmt]

    def _jumps_loop(self, loop):
        has_break = _contains_jump(loop.body, ast.Break)
        has_cont = _contains_jump(loop.body, ast.Continue)
        has_ret = any(isinstance(n, ast.Return) for s in loop.body for n in walk(s))
        flags = {
            "brk": self.names.numbered("_break") if has_break else None,
            "cont": self.names.numbered("_continue") if has_cont else None,
        }
        self.loop_stack.append(flags)
        body = self._jumps_block(loop.body)
        self.loop_stack.pop()
        pre = []
        if flags["brk"]:
            pre.append(_assign(flags["brk"], ast.Constant(False), loop))
        if flags["cont"]:
            body.insert(0, _assign(flags["cont"], ast.Constant(False), loop))
        exits = [f for f in (flags["brk"], self.ret_flag if has_ret else None) if f]
        if exits:
            body.append(
                _located(ast.If(test=self._any_flag(exits), body=[ast.Break()], orelse=[]), loop)
            )
        loop.body = body or [ast.Pass()]
        return pre + [loop]

    def _loop_flag(self, kind):
        return self.loop_stack[-1][kind]

    def _escaping_flags(self, stmt):
        """Flags a statement may set that must skip the statements after it."""
        flags = []
        nodes = [] if isinstance(stmt, (ast.For, ast.While)) else list(_walk_no_loops(stmt))
        if self.ret_flag is None:
            pass
        elif any(isinstance(n, ast.Return) for n in walk(stmt)) or any(
            isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Name)
            and n.targets[0].id == self.ret_flag
            for n in walk(stmt)
        ):
            flags.append(self.ret_flag)
        if self.loop_stack:
            loop = self.loop_stack[-1]
            for kind, cls in (("brk", ast.Break), ("cont", ast.Continue)):
                if loop.get(kind) and (
                    any(isinstance(n, cls) for n in nodes)
                    or any(
                        isinstance(n, ast.Assign)
                        and isinstance(n.targets[0], ast.Name)
                        and n.targets[0].id == loop[kind]
                        for n in nodes
                    )
                ):
                    flags.append(loop[kind])
        return [f for f in flags if f]

    def _any_flag(self, flags):
        if len(flags) == 1:
            return _name(flags[0])
        return ast.BoolOp(op=ast.Or(), values=[_name(f) for f in flags])


def _enumerate_start(call):
    """The `start` of `enumerate(xs)`, `enumerate(xs, s)` or `enumerate(xs, start=s)`:
    None when not given, False when the call is not one of these."""
    if not _plain_args(call) or not call.args:
        return False
    keywords = {k.arg: k.value for k in call.keywords}
    if len(call.args) == 1 and set(keywords) <= {"start"}:
        return keywords.get("start")
    if len(call.args) == 2 and not keywords:
        return call.args[1]
    return False


def _plain_args(call):
    """No `*args` or `**kwargs` in the call."""
    return not any(isinstance(a, ast.Starred) for a in call.args) and all(
        k.arg is not None for k in call.keywords
    )


def _plain_index(node):
    """An index made only of names, constants, slices and +/- between them."""
    return all(
        isinstance(
            n,
            (
                ast.Name,
                ast.Constant,
                ast.Slice,
                ast.Tuple,
                ast.UnaryOp,
                ast.BinOp,
                ast.Load,
                ast.USub,
                ast.UAdd,
                ast.Add,
                ast.Sub,
            ),
        )
        for n in walk(node)
    )


def _simple(node):
    """A name, a constant, or a tuple of them."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    return isinstance(node, ast.Tuple) and all(_simple(e) for e in node.elts)


def _always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ast.Return):
        return True
    return isinstance(last, ast.If) and _always_returns(last.body) and _always_returns(last.orelse)


def _returns_to_else(stmts):
    """`if c: ...; return a` followed by more code: move that code into the `else`.

    Equivalent (the code after the `if` only runs when the branch did not
    return), and it turns most early returns into returns at the end of a
    path, which need no flags.
    """
    out = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.If):
            stmt.body = _returns_to_else(stmt.body)
            stmt.orelse = _returns_to_else(stmt.orelse)
            rest = stmts[i + 1 :]
            if rest and _always_returns(stmt.body) and not _always_returns(stmt.orelse):
                stmt.orelse = _returns_to_else(stmt.orelse + rest)
                return out + [stmt]
            if rest and _always_returns(stmt.orelse) and not _always_returns(stmt.body):
                stmt.body = _returns_to_else(stmt.body + rest)
                return out + [stmt]
        out.append(stmt)
    return out


def _tail_ok(stmts):
    """Is every `return` in `stmts` the last statement on its path?"""
    for i, stmt in enumerate(stmts):
        last = i == len(stmts) - 1
        if isinstance(stmt, ast.If) and last:
            if not (_tail_ok(stmt.body) and _tail_ok(stmt.orelse)):
                return False
        elif isinstance(stmt, ast.Return):
            if not last:
                return False
        elif any(isinstance(n, ast.Return) for n in walk(stmt)):
            return False
    return True


def _walk_no_loops(stmt):
    """Nodes of `stmt`, not descending into nested loops (their jumps are their own)."""
    todo = [stmt]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.For, ast.While)):
                todo.append(child)


def _contains_jump(body, cls):
    return any(isinstance(n, cls) for s in body for n in _walk_no_loops(s))


def normalize(source: FunctionSource, names: Names) -> ast.FunctionDef:
    """The core-form FunctionDef for `source` (see the module docstring), allocating
    new names from `names`.  Uncached: see `normalized`."""
    return Normalizer(source, names).run()


@dataclass(frozen=True, eq=False)
class Normalized:
    """A function in core form.  Shared by every caller: `tree` must not be changed
    (take `copy_tree()` to rewrite it), and `names()` gives each its own allocator."""

    tree: ast.FunctionDef
    _names: Names  # the allocator's state after normalization

    def copy_tree(self) -> ast.FunctionDef:
        return copy_tree(self.tree)

    def names(self) -> Names:
        """An allocator that knows every name in the function and continues numbering
        where normalization stopped (`t3` after normalization's `t1`, `t2`)."""
        return self._names.copy()


@gc_paused
def normalized(source: FunctionSource, reserved: Iterable[str] = ()) -> Normalized:
    """`normalize` as a pure function, run once per (parse, reserved names, answers).

    The result depends on the parsed tree, on the names new ones must avoid (the
    function's own and `reserved`) and on what the callees' names denote (`_QUESTIONS`).
    It is kept with the parse (shared by every function object of that code object)
    and reused while the names it asked about still denote the same kind of thing
    here: a global rebound from a helper to a builtin is normalized again.
    """
    variants = source.memo.setdefault(("normalized", frozenset(reserved)), [])
    for answers, result in variants:
        if _still_true(answers, source.resolver):
            return result
    names = Names.for_tree(source.tree, extra=reserved)
    normalizer = Normalizer(source, names)
    tree = normalizer.run()
    names.taken |= Names.for_tree(tree).taken
    result = Normalized(tree, names)
    variants.append((normalizer.answers, result))
    return result


def _still_true(answers: dict, resolver: Resolver) -> bool:
    return all(
        _QUESTIONS[question](resolver.resolve_dotted(parts)) == answer
        for (parts, question), answer in answers.items()
    )

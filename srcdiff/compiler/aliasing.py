"""Which names may share memory, and where an in-place change would be seen through them.

NumPy arrays are mutable and views share memory: after ``z = y[1]`` (or
``z = y``, ``z = y.T``, ``z = y.reshape(...)``) a change to ``y`` in place
(``y *= 3``, ``y[0] = v``) changes ``z`` too.  srcdiff's generated code
differs from NumPy at exactly two points, and both are exact unless another
name that shares the changed memory is read afterwards:

* augmented assignment rebinds (``y += v`` is differentiated as ``y = y + v``);
* a derivative through a view follows the values the view had when it was taken.

So for every in-place change -- augmented assignment to an array or list,
index assignment, a call to a helper that changes an argument in place -- this
module asks whether any *other* name that may share the changed memory is live
(read later, before being rebound).  If so the program is refused with an error
naming both; otherwise rebinding is exactly NumPy's semantics.  Index assignment
into an argument (or into a module global) is refused outright: it would change
the caller's data.

The analysis is a flow-sensitive may-points-to over the core form (see
normalize.py): each name maps to the abstract memory objects it may refer to --
a parameter's or global's own memory, or what one statement allocates.  Views,
aliases and containers carry their base's objects; operators, ufuncs and most
NumPy functions allocate (a rule says which of its parameters its result may
share: `Rule.shares`).  Allocation sites use the recency abstraction (the most
recent allocation of a site is distinct from older ones), so ``prev = y`` in a
loop that allocates ``y`` afresh each pass is not mistaken for an alias.
Liveness is the standard backward data flow.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..rules import RULES
from .analysis import INT, LIST, REDUCTIONS, SCALAR, SEQ, SEQ2, Analysis
from .astutil import base_name, hashable, loaded_names, walk
from .source import MISSING, FunctionSource, is_user_function

_FRESH_METHODS = {
    *REDUCTIONS,
    "copy",
    "astype",
    "flatten",
    "cumsum",
    "cumprod",
    "dot",
    "clip",
    "round",
    "trace",
    "repeat",
    "take",
    "argmax",
    "argmin",
    "tolist",
    "item",
    "any",
    "all",
    "nonzero",
    "argsort",
    "conj",
    "conjugate",
    "index",
    "count",
}
_VIEW_METHODS = {
    "reshape",
    "ravel",
    "transpose",
    "squeeze",
    "swapaxes",
    "view",
    "T",
    "real",
    "imag",
    "diagonal",
    "flat",
}
# Methods of arrays and lists that change nothing (everything else may: sort, fill, append).
PURE_METHODS = frozenset(_FRESH_METHODS | _VIEW_METHODS)
_BUILTINS_NO_MEMORY = {len, int, float, bool, range, abs, round, min, max, pow, sum}


class InPlaceSummary:
    """What calling a helper does to memory: which parameters it changes in place
    (differentiated as rebinding inside it), and which its results may share."""

    def __init__(self, mutated=(), shares=None):
        self.mutated = set(mutated)
        self.shares = shares  # per result: set of parameter names, or None (unknown)
        self.copies = []  # (call, argument) where a helper changes the argument


class MemoryAnalysis:
    """See module docstring.  `check()` raises on the first unsafe in-place change."""

    def __init__(self, tree, analysis, source, helper_summary=None, role="main"):
        self.tree = tree
        self.an = analysis
        self.source = source
        self.resolver = source.resolver
        self.helper_summary = helper_summary or (lambda func, call: None)
        self.role = role
        self.params = [
            a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]
        ]
        self.sites = []  # (statement, kind, env before, what it changes)
        self.sites_at = {}
        self.bindings = {}  # name -> statements binding it (for messages)
        self.live_out = {}  # id(statement) -> names live after it
        self.live_after_test = {}  # id(if / loop) -> names live after its test or iterable
        self.mutated_params = set()
        self.result_shares = None
        self.copies = []  # (call, argument) a helper changes in place: pass a copy
        self._allocated: set[int] = set()  # sites whose objects the environment may hold
        self._held: set = set()  # every object an environment was given for a name

    # -- memory objects ---------------------------------------------------------------
    def _has_memory(self, name):
        """Numbers have none; an integer array has memory like any array (only an int
        known to be one number, rank 0, is a number)."""
        kind = self.an.kinds.get(name)
        if kind == INT:
            return self.an.ranks.get(name) != 0
        return kind != SCALAR

    def objects(self, node, env, site):
        """Abstract objects the value of expression `node` may refer to."""
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            if self.resolver.is_local(node.id):
                return frozenset()
            value = self.resolver.lookup(node.id)
            if isinstance(value, (np.ndarray, list)):
                return frozenset({("global", node.id)})
            return frozenset()
        if isinstance(node, ast.Constant):
            return frozenset()
        if isinstance(node, ast.Subscript):
            base = self.objects(node.value, env, site)
            if self._advanced(node.slice):
                return frozenset({("site", id(site), "new")})
            if self.an.rank(node) == 0:
                return frozenset()  # an array indexed down to one element: a NumPy scalar
            return base
        if isinstance(node, ast.Attribute):
            if node.attr in _VIEW_METHODS:
                return self.objects(node.value, env, site)
            if self.resolver.resolve(node) is not MISSING:
                value = self.resolver.resolve(node)
                return (
                    frozenset({("global", ast.unparse(node))})
                    if isinstance(value, (np.ndarray, list))
                    else frozenset()
                )
            return frozenset()  # .shape, .ndim, .size, .dtype
        if isinstance(node, (ast.Tuple, ast.List)):
            inner = (
                frozenset().union(*(self.objects(e, env, site) for e in node.elts))
                if node.elts
                else frozenset()
            )
            return inner | {("site", id(site), "new")}
        if isinstance(node, ast.BoolOp):
            return frozenset().union(*(self.objects(v, env, site) for v in node.values))
        if isinstance(node, ast.Call):
            return self._call_objects(node, env, site)
        return frozenset({("site", id(site), "new")})  # arithmetic: a new array

    def _call_objects(self, call, env, site):
        fresh = frozenset({("site", id(site), "new")})
        args = list(call.args) + [k.value for k in call.keywords]

        def union(nodes):
            return (
                frozenset().union(*(self.objects(a, env, site) for a in nodes))
                if nodes
                else frozenset()
            )

        if isinstance(call.func, ast.Attribute) and self.resolver.resolve(call.func) is MISSING:
            name = call.func.attr
            base = self.objects(call.func.value, env, site)
            if name in ("pop",):  # an element of a list: what was pushed
                return base
            if name in _VIEW_METHODS:
                return base
            if name in _FRESH_METHODS:
                return fresh
            return fresh | base | union(args)
        func = self.resolver.resolve(call.func)
        if func is MISSING:
            return fresh | union(args)
        if func is np.array:
            copy_kw = [k for k in call.keywords if k.arg == "copy"]
            if not copy_kw or (
                isinstance(copy_kw[0].value, ast.Constant) and copy_kw[0].value.value is True
            ):
                return fresh
            return fresh | union(args)
        if hashable(func) and func in _BUILTINS_NO_MEMORY:
            return union(args) if func in (min, max) else frozenset()
        rules = RULES.lookup(func)
        if rules:
            rule = max(rules, key=lambda r: len(r.params))
            shares = rule.shares
            if shares is None:  # unknown: the result may be any argument
                return fresh | union(args)
            bound = dict(zip(rule.params, call.args))
            bound.update({k.arg: k.value for k in call.keywords if k.arg in rule.params})
            return fresh | union([bound[p] for p in shares if p in bound])
        if is_user_function(func):
            summary = self.helper_summary(func, call)
            if summary is None or summary.shares is None:
                return fresh | union(args)
            params = list(_signature_params(func))
            bound = dict(zip(params, call.args))
            bound.update({k.arg: k.value for k in call.keywords})
            shared = set().union(*summary.shares) if summary.shares else set()
            return fresh | union([bound[p] for p in shared if p in bound])
        return fresh | union(args)

    def _advanced(self, index):
        """Integer-array or boolean indexing (a copy), as far as we can tell; anything
        else may be basic indexing (a view: the safe assumption)."""
        parts = index.elts if isinstance(index, ast.Tuple) else [index]
        for part in parts:
            if isinstance(part, (ast.List, ast.Compare, ast.Call, ast.BoolOp)):
                return True
            if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Invert):
                return True
            if (
                isinstance(part, ast.Name)
                and self.an.kinds.get(part.id) not in (INT, None)
                and self.resolver.is_local(part.id)
            ):
                return True
        return False

    # -- points-to, forward over the structured code --------------------------------------
    def _allocate(self, env, site):
        """A statement that allocates runs again: older objects of its site become 'old'."""
        if id(site) not in self._allocated:  # first visit: no object of the site exists yet
            self._allocated.add(id(site))
            return env
        new, old = ("site", id(site), "new"), ("site", id(site), "old")
        if new not in self._held:  # no name was ever given one (a number's site): each
            return env  # statement of a loop body rebuilt the whole environment
        return {k: (v - {new}) | {old} if new in v else v for k, v in env.items()}

    def _block(self, stmts, env):
        """The environment after `stmts`, from `env`, which the block owns: a statement
        updates it in place (copied at every assignment, it made this quadratic), and a
        branch or loop hands each of its blocks a copy."""
        for stmt in stmts:
            env = self._stmt(stmt, env)
        return env

    def _stmt(self, stmt, env):
        if isinstance(stmt, ast.Assign):
            return self._assign(stmt, env)
        if isinstance(stmt, ast.Expr):
            self._expr_stmt(stmt, env)
            call = stmt.value
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("append", "extend", "insert")
                and isinstance(call.func.value, ast.Name)
            ):
                name = call.func.value.id
                added = frozenset().union(*(self.objects(a, env, stmt) for a in call.args))
                self._held |= added
                env[name] = env.get(name, frozenset()) | added
            return env
        if isinstance(stmt, ast.If):
            self._helper_mutations(stmt.test, env, stmt)
            return _join(self._block(stmt.body, dict(env)), self._block(stmt.orelse, dict(env)))
        if isinstance(stmt, (ast.For, ast.While)):
            if isinstance(stmt, ast.For):
                self._helper_mutations(stmt.iter, env, stmt)
            head = dict(env)
            for _ in range(50):
                if isinstance(stmt, ast.While):  # the test runs before every pass
                    self._helper_mutations(stmt.test, head, stmt)
                end = self._block(stmt.body, dict(head))
                new = _join(head, end)
                if new == head:
                    break
                head = new
            return head
        return env

    def _site(self, stmt, kind, env, detail):
        """Record an in-place change; in loops the environments of all passes are joined."""
        key = (id(stmt), kind, str(detail))
        if key in self.sites_at:
            index = self.sites_at[key]
            old = self.sites[index]
            self.sites[index] = (stmt, kind, _join(old[2], env), detail)
        else:
            self.sites_at[key] = len(self.sites)
            self.sites.append((stmt, kind, dict(env), detail))

    def _assign(self, stmt, env):
        target = stmt.targets[0]
        if isinstance(target, ast.Subscript):
            self._helper_mutations(stmt.value, env, stmt)  # (the value runs first)
            base = base_name(target)
            if base is not None and self._has_memory(base):
                self._site(stmt, "setitem", env, base)
            return env
        if (
            getattr(stmt, "srcdiff_inplace", False)
            and isinstance(target, ast.Name)
            and self._has_memory(target.id)
        ):
            self._site(stmt, "augassign", env, target.id)
        self._helper_mutations(stmt.value, env, stmt)
        value_objs = self.objects(stmt.value, env, stmt)
        if ("site", id(stmt), "new") in value_objs:
            env = self._allocate(env, stmt)
            value_objs = self.objects(stmt.value, env, stmt)
        if isinstance(target, ast.Attribute):  # o.w = v: a change to an object
            raise self.source.error(
                UnsupportedSyntaxError,
                f"srcdiff cannot differentiate an assignment to an attribute "
                f"({ast.unparse(target)} = ...), which changes an object in place",
                target,
                "keep the value in a variable and build the object where it is returned "
                "(return Result(a=..., b=...)); a dataclass bound once to a variable with "
                "all its fields and returned may have them assigned",
            )
        names = (
            [target.id]
            if isinstance(target, ast.Name)
            else [e.id for e in target.elts if isinstance(e, ast.Name)]
        )
        memory = [name for name in names if self._has_memory(name)]
        if memory:
            self._held |= value_objs
        for name in names:
            self.bindings.setdefault(name, []).append(stmt)
            env[name] = value_objs if name in memory else frozenset()
        return env

    def _expr_stmt(self, stmt, env):
        self._helper_mutations(stmt.value, env, stmt)

    def _helper_mutations(self, value, env, stmt):
        """A call to a helper that changes some of its array arguments in place."""
        for node in walk(value):
            if not isinstance(node, ast.Call):
                continue
            func = self.resolver.resolve(node.func)
            rules = RULES.lookup(func) if func is not MISSING else []
            if rules:  # a primitive: only runtime.add_at adds in place
                bound = dict(zip(rules[0].params, node.args))
                bound.update({k.arg: k.value for k in node.keywords})
                for p in rules[0].mutates:
                    if p in bound:
                        self._site(stmt, "helper", env, (func, p, bound[p], node))
                continue
            if not is_user_function(func):
                continue
            summary = self.helper_summary(func, node)
            if summary is None or not summary.mutated:
                continue
            params = list(_signature_params(func))
            bound = dict(zip(params, node.args))
            bound.update({k.arg: k.value for k in node.keywords})
            for p in sorted(summary.mutated):
                if p in bound:
                    self._shared_with_other_argument(func, p, bound, env, stmt, node)
                    self._site(stmt, "helper", env, (func, p, bound[p], node))

    def _shared_with_other_argument(self, func, param, bound, env, stmt, call):
        """A helper changing argument `param` in place while another of its arguments is
        the same array (h(w, w)): NumPy changes both, and the copy srcdiff passes (so the
        caller's array is left alone) would change only one."""
        # arrays this statement makes (h(np.ones(3), np.ones(3))) are one abstract object
        # per statement, but a new array per call: they can't be the same array
        fresh = {("site", id(stmt), "new")}
        mine = self.objects(bound[param], env, stmt) - fresh
        if not mine:
            return
        for other, arg in bound.items():
            if other != param and mine & self.objects(arg, env, stmt):
                shown = ast.unparse(bound[param])
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"{func.__name__} changes its argument {param!r} in place, and "
                    f"`{shown}` is also its argument {other!r}: NumPy would change both",
                    call,
                    f"pass a copy to one of them, e.g. {param}=np.copy({shown})",
                )

    # -- liveness, backward -----------------------------------------------------------------
    def _live_block(self, stmts, live):
        for stmt in reversed(stmts):
            live = self._live_stmt(stmt, live)
        return live

    def _live_stmt(self, stmt, live):
        self.live_out[id(stmt)] = self.live_out.get(id(stmt), set()) | set(live)
        if isinstance(stmt, ast.If):
            after_test = self._live_block(stmt.body, set(live)) | self._live_block(
                stmt.orelse, set(live)
            )
            self.live_after_test[id(stmt)] = self.live_after_test.get(id(stmt), set()) | after_test
            return _loads(stmt.test) | after_test
        if isinstance(stmt, (ast.For, ast.While)):
            head = set(live)
            if isinstance(stmt, ast.While):
                head |= _loads(stmt.test)
            for _ in range(50):
                body_in = self._live_block(stmt.body, set(head))
                if isinstance(stmt, ast.For):
                    body_in -= {stmt.target.id}
                new = head | body_in
                if new == head:
                    break
                head = new
            self.live_after_test[id(stmt)] = self.live_after_test.get(id(stmt), set()) | head
            return head | (_loads(stmt.iter) if isinstance(stmt, ast.For) else set())
        if isinstance(stmt, ast.Assign):
            target = stmt.targets[0]
            defined = set()
            if isinstance(target, ast.Name):
                defined = {target.id}
            elif isinstance(target, ast.Tuple):
                defined = {e.id for e in target.elts if isinstance(e, ast.Name)}
            return (set(live) - defined) | _loads(stmt)
        return set(live) | _loads(stmt)

    # -- the check -------------------------------------------------------------------------
    def run(self):
        env = {
            p: frozenset({("param", p)}) if self._has_memory(p) else frozenset()
            for p in self.params
        }
        end = self._block(self.tree.body, env)
        self._live_block(self.tree.body, set())
        for stmt, kind, before, detail in self.sites:
            self._check_site(stmt, kind, before, detail)
        ret = self.tree.body[-1]
        if isinstance(ret, ast.Return):
            outs = ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]
            self.result_shares = [
                {
                    p
                    for kind, *rest in self.objects(o, end, ret)
                    if kind == "param"
                    for p in rest[:1]
                }
                for o in outs
            ]
        summary = InPlaceSummary(self.mutated_params, self.result_shares)
        summary.copies = self.copies
        return summary

    def _check_site(self, stmt, kind, before, detail):
        if kind == "helper":
            func, param, arg, call = detail
            changed = self.objects(arg, before, stmt)
            rebound = (  # `y = h(y)` binds y anew; `y[:2] = h(y)` changes the array h changed
                {
                    t.id
                    for t in walk(stmt.targets[0])
                    if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)
                }
                if isinstance(stmt, ast.Assign)
                else set()
            )
            inside = {id(n) for n in walk(call)}
            # read later, or elsewhere in this statement (`h(a=g(x), b=np.mean(x))`)
            elsewhere = {
                n.id
                for n in walk(_evaluated(stmt))
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and id(n) not in inside
            }
            later = (
                self.live_after_test[id(stmt)]
                if id(stmt) in self.live_after_test
                else self.live_out.get(id(stmt), set())
            )
            live = (later - rebound) | elsewhere
            for other in sorted(live):
                if before.get(other, frozenset()) & changed or (
                    other not in before and self._global_objects(other) & changed
                ):
                    raise self.source.error(
                        UnsupportedSyntaxError,
                        f"{func.__name__} changes its argument {param!r} in place "
                        f"({param} op= ...), so NumPy changes `{ast.unparse(arg)}` here, and "
                        f"{other!r} is read afterwards; srcdiff differentiates {func.__name__}'s "
                        "change as a new array",
                        call,
                        f"in {func.__name__}, write {param} = {param} + ... (a new array), or "
                        f"pass a copy: {ast.unparse(arg)}.copy()",
                    )
            self._note_param_change(changed)
            if is_user_function(func) and changed:
                self.copies.append((call, arg))
            return
        name = detail
        changed = before.get(name, frozenset())
        if kind == "setitem":
            for obj in sorted(changed):
                if obj[0] in ("param", "global"):
                    what = "its argument" if obj[0] == "param" else "the module-level array"
                    via = "" if obj[1] == name else f" ({name!r} shares its memory)"
                    floats = (
                        ""
                        if self.an.kinds.get(obj[1]) == INT
                        else f" (or np.array({obj[1]}, float))"
                    )  # not for an index array
                    copy = f"{name} = {obj[1]}.copy(){floats}"
                    held = "array"
                    kind_of = self.an.param_kinds if obj[0] == "param" else self.an.kinds
                    if kind_of.get(obj[1]) in (SEQ, SEQ2, LIST):
                        # a list of numbers: `ys = xs.copy()` has no rule, and srcdiff
                        # assigns into arrays only (the advice was that `.copy()`)
                        copy, held = f"{name} = np.array({obj[1]}, float)", "list"
                    raise self.source.error(
                        UnsupportedSyntaxError,
                        f"{self.source.name} changes {what} {obj[1]!r} in place{via}; srcdiff "
                        f"would have to change the caller's {held} too",
                        stmt,
                        f"work on a copy: {copy} before assigning into it"
                        + self._return_it(name, obj),
                    )
        if kind == "augassign":
            self._note_param_change(changed)
        live = self.live_out.get(id(stmt), set())
        for other in sorted(live):
            if other == name:
                continue
            shared = (
                before.get(other, frozenset()) & changed
                if other in before
                else self._global_objects(other) & changed
            )
            if shared:
                self._refuse_alias(stmt, kind, name, other, shared)

    def _return_it(self, name, obj):
        """A helper changing its argument may do it for its caller to see: then the
        copy is the result (the hint says so; a copy alone would drop the change)."""
        if self.role == "main" or obj[0] != "param":
            return ""
        return (
            f"; if the caller is meant to see the change, return {name} "
            f"(`return {name}`) and assign it where you call {self.source.name}: "
            f"`y = {self.source.name}(y, ...)`"
        )

    def _global_objects(self, name):
        if self.resolver.is_local(name):
            return frozenset()
        value = self.resolver.lookup(name)
        return (
            frozenset({("global", name)}) if isinstance(value, (np.ndarray, list)) else frozenset()
        )

    def _note_param_change(self, changed):
        for obj in changed:
            if obj[0] == "param":
                self.mutated_params.add(obj[1])

    def _refuse_alias(self, stmt, kind, name, other, shared=frozenset()):
        origin = self._origin(other, stmt)
        synthetic = origin is not None and getattr(origin, "srcdiff_synth", False)
        through = None
        if origin is None:  # an argument (or a name bound before the function runs)
            other_text = f"{other!r}, which shares memory with it (an argument),"
            copy_hint = f"; or copy the argument first: {name} = {other}.copy()"
            fix = f"assign into a copy ({name} = {name}.copy() first)"
        elif synthetic:  # a name srcdiff made for a `for` loop
            line = self.source.locate(origin)
            who = f"the `for` loop at line {line[1]}" + (
                f" (`{line[3].strip()}`)" if line[3] else ""
            )
            other_text = f"{who}, which walks memory it shares,"
            copy_hint = fix = through = self._walk_hint(origin, name)
        else:
            where = f" (`{ast.unparse(origin)}`, line {self.source.locate(origin)[1]})"
            other_text = f"{other!r}, which shares memory with it{where},"
            make_copy = f"{ast.unparse(origin.targets[0])} = {ast.unparse(origin.value)}.copy()"
            copy_hint, fix = (
                f"; or make {other} a copy: {make_copy}",
                f"make {other} a copy: {make_copy}",
            )
            through = self._through_base(stmt, kind, name, other)
            if through is None and any(obj[:2] == ("site", id(origin)) for obj in shared):
                # `other` made the memory (`y = x.copy()`) and `name` views it through a
                # chain srcdiff doesn't spell (`z = y.reshape(2, 3)`): copying `other`'s
                # value again would change nothing (the advice was `y = x.copy().copy()`)
                through = self._view_of(stmt, name, other)
            if through is not None:  # `name` is a view of `other`: change `other` itself
                copy_hint, fix = through, through[2:]
        if kind == "augassign":
            seen = "" if synthetic else self._seen_hint(stmt, name, other, origin)
            raise self.source.error(
                UnsupportedSyntaxError,
                f"this changes {name!r} in place, and {other_text} is read afterwards; "
                f"srcdiff differentiates `{name} op= ...` as a new array, which would not "
                "be seen there",
                stmt,
                seen
                + (
                    fix
                    if through
                    else f"write `{name} = {ast.unparse(stmt.value)}` (a new array){copy_hint}"
                ),
            )
        raise self.source.error(
            UnsupportedSyntaxError,
            f"`{ast.unparse(stmt)}` changes {name!r} in place, and {other_text} is read "
            "afterwards; derivatives through memory that changes under another name are "
            "not supported",
            stmt,
            fix,
        )

    def _seen_hint(self, stmt, name, other, origin):
        """Advice that keeps Python's meaning where `other` is `name` under another
        spelling -- an argument `name = other` was bound to, or `other = name` /
        `other = name[0]` (constant indices) -- so that `other` sees the change: change
        or read the one name.  The rest of the hint (a new array, a copy) is for where
        `other` is not meant to see it.  "" where `other` is no such spelling."""
        if origin is None:  # `other` an argument: is `name` bound as `name = other`?
            bound = self._bound_before(name, stmt)
            if not (
                isinstance(bound, ast.Assign)
                and isinstance(bound.value, ast.Name)
                and bound.value.id == other
            ):
                return ""
            return (
                f"if {other} is meant to see the change (it does: {name} is {other}), change "
                f"{other} itself (`{other} {_spelled_op(stmt.value)}= ...`) and read {other} "
                f"where you read {name}; if not, "
            )
        spelled = ast.unparse(origin.value)
        if not _constant_spelling(origin.value, name):
            return ""
        return (
            f"if {other} is meant to see the change (it does: {other} is {spelled}), read "
            f"{spelled} where you read {other} after line {self.source.locate(stmt)[1]}; "
            "if not, "
        )

    def _walk_hint(self, origin, name):
        """Advice where a `for` loop walks memory `name` changes in place: Python's loop
        sees each change (it walks the one array by index), which `name = name * ...`
        would not (the loop would walk the old array), so: walk it by index, reading the
        changed array, or walk a copy if the values before the loop are meant."""
        target, iterable = _for_header(self.source.locate(origin)[3])
        walked = origin.value if isinstance(origin, ast.Assign) else None
        seq = ast.unparse(walked) if walked is not None else name
        taken = {n.id for n in walk(self.tree) if isinstance(n, ast.Name)}
        k = next(c for c in ("k", "j", "idx", "k_walk") if c not in taken)
        header = copy = None
        if iterable is not None and isinstance(walked, ast.Name):
            spelled = ast.unparse(iterable)
            if spelled == seq:
                header = f"for {k} in range(len({seq})): {ast.unparse(target)} = {seq}[{k}]"
                copy = f"for {ast.unparse(target)} in {seq}.copy():"
            elif spelled == f"enumerate({seq})" and isinstance(target, ast.Tuple):
                i, item = (ast.unparse(e) for e in target.elts)
                header = f"for {i} in range(len({seq})): {item} = {seq}[{i}]"
                copy = f"for {i}, {item} in enumerate({seq}.copy()):"
        by_index = (
            f"`{header}`"
            if header
            else f"a loop over its indices (`for {k} in range(len({seq})):`) reading {seq}[{k}]"
        )
        before = f"`{copy}`" if copy else f"walk a copy ({seq}.copy())"
        return (
            f"to walk {seq} as it changes, as this loop does, write {by_index} (and keep "
            f"the change as it is); to walk the values {seq} had before the loop, {before}"
        )

    def _bound_before(self, name, stmt):
        """The last statement before `stmt` (not `stmt` itself) binding `name`, or None."""
        line = getattr(stmt, "lineno", 0)
        earlier = [
            s
            for s in self.bindings.get(name, [])
            if s is not stmt and getattr(s, "lineno", 0) <= line
        ]
        return earlier[-1] if earlier else None

    def _through_base(self, stmt, kind, name, other):
        """Advice where `name` is a view `other[...]` (`v = y[1:3]`, then `v *= 3.0`): change
        `other` through that index (`y[1:3] *= 3.0`), which srcdiff differentiates, or copy
        the view if `other` is not meant to change.  None where `name` is no such view."""
        view = self._bound_before(name, stmt)
        if not (
            isinstance(view, ast.Assign)
            and isinstance(view.value, ast.Subscript)
            and isinstance(view.value.value, ast.Name)
            and view.value.value.id == other
        ):
            return None
        spelled = ast.unparse(view.value)
        copy = f"or, if {other} is not meant to change, copy the view: {name} = {spelled}.copy()"
        if kind == "augassign":  # normalized: `v = v * 3.0`
            change = stmt.value
            if isinstance(change, ast.BinOp) and type(change.op) in _OP_SPELLING:
                op, operand = _OP_SPELLING[type(change.op)], ast.unparse(change.right)
                return f"; change {other} itself: `{spelled} {op}= {operand}`; {copy}"
            return f"; change {other} itself, at the positions {name} views; {copy}"
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else None
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Slice)
            and target.slice.lower is target.slice.upper is target.slice.step is None
        ):
            return f"; assign into {other} itself: `{spelled} = {ast.unparse(stmt.value)}`; {copy}"
        return f"; assign into {other} itself, at the positions {name} views; {copy}"

    def _view_of(self, stmt, name, other):
        """Advice where `other` allocated the memory `name` views (`z = y.reshape(2, 3)`,
        `z = y.T`, or a view of a view): change `other` at the positions `name` views, or copy
        the view where `name` was bound."""
        view = self._bound_before(name, stmt)
        change = f"; change {other} itself, at the positions {name} views"
        if isinstance(view, ast.Assign) and len(view.targets) == 1:
            spelled = f"{ast.unparse(view.targets[0])} = {ast.unparse(view.value)}.copy()"
            return f"{change}; or, if {other} is not meant to change, copy the view: {spelled}"
        return f"{change}; or, if {other} is not meant to change, copy {name} before changing it"

    def _origin(self, name, stmt):
        """The statement that bound `name`, for messages: the last one before `stmt`."""
        candidates = self.bindings.get(name, [])
        line = getattr(stmt, "lineno", 0)
        before = [s for s in candidates if getattr(s, "lineno", 0) <= line]
        chosen = (before or candidates or [None])[-1]
        return chosen


_OP_SPELLING = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
}


def _evaluated(stmt):
    """The expression a statement evaluates before anything else it does: an assignment's
    value, an `if` or `while` test (a helper called there may change an argument too), a
    loop's iterable."""
    if isinstance(stmt, (ast.If, ast.While)):
        return stmt.test
    if isinstance(stmt, ast.For):
        return stmt.iter
    return stmt.value


def _join(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, frozenset()) | v
    return out


def _loads(node):
    return loaded_names(node)


def _signature_params(func):
    import inspect

    return list(inspect.signature(func).parameters)


def check_memory(
    tree: ast.FunctionDef,
    analysis: Analysis,
    source: FunctionSource,
    helper_summary: Callable | None = None,
    role: str = "main",
) -> InPlaceSummary:
    """Refuse in-place changes whose effect generated code could not reproduce;
    returns the function's `InPlaceSummary` (for its callers).

    Code srcdiff generated (differentiated again for higher order) is not checked: the
    user's code it came from was, and its own in-place changes -- adjoint arrays it owns,
    arrays restored in place before the values saved from them are popped -- are safe by
    construction (views on its stacks see memory restored to what it was when pushed)."""
    if str(getattr(source, "filename", "")).startswith("<srcdiff"):
        return InPlaceSummary()
    return MemoryAnalysis(tree, analysis, source, helper_summary, role).run()


def _for_header(line):
    """(target, iterable) of the `for` statement written on `line`, or (None, None) where
    it is not one line's `for ... in ...:`."""
    text = (line or "").strip()
    if not text.startswith("for ") or not text.endswith(":"):
        return None, None
    try:
        loop = ast.parse(text + " pass").body[0]
    except SyntaxError:
        return None, None
    return (loop.target, loop.iter) if isinstance(loop, ast.For) else (None, None)


def _spelled_op(change):
    """The operator of a normalized `y op= e` (`y = y op e`), as `op=` spells it."""
    if isinstance(change, ast.BinOp) and type(change.op) in _OP_SPELLING:
        return _OP_SPELLING[type(change.op)]
    return "op"


def _constant_spelling(node, name):
    """Is `node` `name`, or `name[...]` with constant indices (which spell the same
    memory wherever they are read)?"""
    if isinstance(node, ast.Name):
        return node.id == name
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
        return False
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    for part in parts:
        bounds = (part.lower, part.upper, part.step) if isinstance(part, ast.Slice) else (part,)
        for b in bounds:
            if isinstance(b, ast.UnaryOp) and isinstance(b.op, ast.USub):
                b = b.operand
            if b is not None and not (isinstance(b, ast.Constant) and type(b.value) is int):
                return False
    return node.value.id == name

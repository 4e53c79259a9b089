"""What the forward and reverse transformers share about one function.

A `FunctionTransform` holds one specialisation of one user function:
its normalized tree, the analysis (kinds, activity, reaching
definitions), the three-address splitter, and the names of its
derivative variables (`dx` is x's adjoint in reverse mode, its tangent in
forward mode: one function is never both).  The tree and its analysis are
made by the caller (`Unit.prepare`); a transformer only reads the analysis
and rewrites its own copy of the tree.
"""

from __future__ import annotations

import ast
import copy
import logging
import os
import types

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..rules import RULES
from .aliasing import PURE_METHODS, check_memory
from .analysis import ARRAY, INT, LIST, SAME_VALUE, SCALAR, SEQ
from .astutil import copy_tree, each_statement, walk
from .astutil import named as name
from .helper_refusals import helper_refusal
from .ir import FunctionIR
from .source import MISSING
from .split import Flattener
from .templates import instantiate, narrowed
from .unit import Prepared, Unit


class TransformBase:
    mode: str | None = None  # "reverse" or "forward"

    def __init__(self, unit: Unit, prepared: Prepared, role: str):
        self.unit = unit
        self.source = source = prepared.source
        self.role = role  # "main" or "helper"
        self.names = prepared.names
        self.tree = prepared.tree
        self.params = [
            a.arg
            for a in [*self.tree.args.posonlyargs, *self.tree.args.args, *self.tree.args.kwonlyargs]
        ]
        self.wrt = list(prepared.wrt)
        self.an = prepared.analysis
        self.defs = prepared.definitions
        self.ir = FunctionIR(self.tree, self.an, self.defs)
        self._deny_unfollowed_dicts()
        self.int_names = (
            frozenset(n for n, k in self.an.kinds.items() if k not in (SCALAR, ARRAY, SEQ))
            | self.an.maybe_int
        )
        self.memory = check_memory(self.tree, self.an, source, unit.memory_summary(self.an), role)
        self._copy_changed_arguments()
        self.flat = Flattener(source, self.tree, self.an, self.names, unit, self.mode or "")
        self._refuse_lists_rebound()
        self._deny_effects()
        for var, node in self.an.lost.items():
            if isinstance(node, ast.Assign):
                self.flat.assign(node)  # raises the precise error (e.g. no rule) if there is one
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
                if self._holds_dict(var):
                    raise source.error(
                        UnsupportedSyntaxError,
                        f"srcdiff cannot follow the derivative of a value stored into the "
                        f"dict {var!r} here",
                        node,
                        f"use constant keys, adding each new key in the block that builds "
                        f'{var} ({var}["a"] = ...), and return {var}: jacobian, jvp and vjp '
                        "then keep its structure; else keep the values in variables",
                    )
                raise source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot follow the derivative of a value stored into {var!r}: "
                    "it is not a NumPy array",
                    node,
                    f"make {var} a float array, e.g. {var} = np.zeros(n), and assign into it",
                )
            joined = _list_concatenation(node, self.an)
            if joined is not None:
                raise source.error(
                    UnsupportedSyntaxError,
                    "srcdiff cannot differentiate joining lists or tuples with `+`",
                    joined,
                    "write the result as one display: [*xs, *ys, c] for lists, (t[0], t[1], c) "
                    "for a tuple t; in a loop, ys.append(y) or ys.extend(zs); for arrays, "
                    "np.concatenate([...])",
                )
            repeated = _list_repetition(node, self.an)
            if repeated is not None:
                raise source.error(
                    UnsupportedSyntaxError,
                    "srcdiff cannot differentiate repeating a list with `*`",
                    repeated,
                    "build the repeated list by appends: ys = [] and, in a loop over "
                    "range(n), for item in xs: ys.append(item)",
                )
            if var in _returned_names(self.tree) and var not in _user_names(source.tree):
                raise source.error(  # the name normalize gives what the returns return
                    UnsupportedSyntaxError,
                    f"srcdiff cannot follow the derivative of what {source.name} returns: it "
                    "returns a differentiated value here, and something that is not a number "
                    "or array at another `return`",
                    node,
                    "return numbers or arrays only (move other results to another function, "
                    "or use has_aux=True for a second result)",
                )
            inner = helper_refusal(unit, source, self.an, node, self.mode or "reverse")
            if inner is not None:  # (the helper's own reason: what it calls, not `var`)
                raise inner
            raise source.error(
                UnsupportedSyntaxError,
                f"srcdiff cannot follow the derivative through {var!r}: "
                "it is given a differentiated value here but is not a number, array or list of "
                "floats elsewhere",
                node,
                "keep differentiated values in variables that only ever hold numbers or arrays",
            )
        self.adjoints: dict[str, str] = {}
        self.outputs = _returned_names(self.tree)

    def _refuse_lists_rebound(self):
        """A differentiated name holding a list and, elsewhere, an array or a number
        (`ys = np.array(ys, float)`): its adjoint would be a list of cotangents in one
        place and an array in the other (a crash: `.pop()` of an array; or a refusal of
        `ys.append` whose hint was to build the list with append).  Refused where it
        gets the other value, asking for a name of its own.  Not in generated code (a
        gradient differentiated again), whose list adjoints become arrays by design."""
        if str(getattr(self.source, "filename", "")).startswith("<srcdiff"):
            return
        for var in sorted(self.an.ever_list):
            if self.an.kinds.get(var) == LIST or not self.an.active.get(var):
                continue
            for node in walk(self.tree):
                if not (
                    isinstance(node, ast.Assign)
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id == var
                    and self.an.expr(node.value)[0] in (ARRAY, SCALAR, INT)
                ):
                    continue
                what = "an array" if self.an.expr(node.value)[0] == ARRAY else "a number"
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"{var!r} holds a list elsewhere and {what} here: srcdiff keeps one kind "
                    "of value per differentiated name",
                    node,
                    f"give it a name of its own: {var}_{what.split()[-1]} = "
                    f"{ast.unparse(node.value)}, and read that name from here on",
                )
            self._refuse_list_rebound_to_a_list(var)

    def _refuse_list_rebound_to_a_list(self, var):
        """`xs = [a, b]`, then `xs = [v * x for v in xs]`: a list written out and a new
        list built by appends under one name, whose kinds join to no list (a crash:
        `.pop()` of the array adjoint the written-out one has).  Refused where the new
        list is bound."""
        for node in walk(self.tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == var
                and self.an.expr(node.value)[0] == LIST
            ):
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"{var!r} is bound here to a new list and elsewhere to another list or "
                    "tuple: srcdiff follows one list per differentiated name",
                    node,
                    f"give the new list a name of its own ({var}_new = ...), and read that "
                    "name from here on",
                )

    def _holds_dict(self, var) -> bool:
        """Whether the function binds `var` to a dict display somewhere."""
        return any(
            isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Name)
            and n.targets[0].id == var
            and isinstance(n.value, ast.Dict)
            for n in ast.walk(self.tree)
        )

    def _copy_changed_arguments(self):
        """A helper that changes an argument in place (`a *= 2`) gets a copy of it: nothing
        reads the changed array afterwards (aliasing.py refused that), so a copy is NumPy's
        semantics too -- and generated code never changes its caller's arrays.  (Where the
        helper is differentiated its own code rebinds; where it runs as it is, it would not.)"""
        for call, arg in self.memory.copies:
            for field in ("args", "keywords"):
                items = getattr(call, field)
                for i, item in enumerate(items):
                    value = item.value if field == "keywords" else item
                    if value is arg:
                        copied = ast.copy_location(self._copy_of(arg, call), arg)
                        if field == "keywords":
                            item.value = copied
                        else:
                            items[i] = copied

    def _copy_of(self, arg, call):
        """`np.copy(arg)` for an array, and where the helper is differentiated (its code
        rebinds `a += ...`).  A helper run as it is gets `copy.copy(arg)` for a value that
        may be a number: np.copy would make a Python int a 0-d int64 array, whose
        `a += 0.5` fails NumPy's casting rule.  The copy keeps arg's kind and rank."""
        module, preferred = np, "np"
        if self.an.expr(arg)[0] != ARRAY and not self.an.expr(call)[1]:
            module, preferred = copy, "copy"
        func = ast.Attribute(value=name(self.bind(module, preferred)), attr="copy", ctx=ast.Load())
        made = ast.Call(func=func, args=[arg], keywords=[])
        setattr(made, SAME_VALUE, arg)
        return made

    def _deny_unfollowed_dicts(self):
        """A dict of differentiated values built in the function that local_dicts.py
        could not turn into a variable per key: refused at the use that stopped it,
        before a later stage (aliasing, split) refuses it with a hint about something
        else.  A dict nothing differentiates (has_aux's metrics) is left alone."""
        for stmt in each_statement(self.tree.body):  # (in the order of a walk, less its cost)
            refusal = getattr(getattr(stmt, "value", None), "srcdiff_refusal", None)
            if (
                refusal is not None
                and isinstance(stmt, ast.Assign)
                and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id not in self.an.not_differentiated
                and self.an.expr(stmt.value)[1]
            ):
                message, where, hint = refusal
                raise self.source.error(UnsupportedSyntaxError, message, where, hint)

    def _deny_effects(self):
        """Refuse calls whose effect on differentiated values srcdiff can't see: a call
        made for its side effects (`np.copyto(y, x)`, `y.sort()`), or one writing into
        an `out=` array.  Pure primitives (the rule table), print() and logging's calls
        (they read values to report them) are harmless."""
        for stmt in each_statement(self.tree.body):  # (in the order of a walk, less its cost)
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                self._check_effect_call(stmt.value, stmt)
            for node in walk(stmt) if isinstance(stmt, (ast.Assign, ast.Expr)) else ():
                if (
                    isinstance(node, ast.Call)
                    and any(k.arg == "out" for k in node.keywords)
                    and self._touches_active(node)
                ):
                    raise self.source.error(
                        UnsupportedSyntaxError,
                        "srcdiff cannot differentiate a call that writes into an `out=` array",
                        node,
                        "assign the result instead: y = np.add(a, b)",
                    )

    def _logs(self, call, func):
        """`logging.info(...)`, or `log.debug(...)` of a Logger (or LoggerAdapter) a module
        or closure holds: like print(), it formats the values it is given and changes none."""
        if func is not MISSING:
            return (
                getattr(func, "__module__", None) == "logging"
                and getattr(func, "__name__", None) in _LOG_CALLS
            )
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in _LOG_CALLS):
            return False
        holder = self.source.resolver.resolve(call.func.value)
        return isinstance(holder, (logging.Logger, logging.LoggerAdapter))

    def _touches_active(self, call):
        parts = list(call.args) + [k.value for k in call.keywords]
        if isinstance(call.func, ast.Attribute):
            parts.append(call.func.value)
        return any(self.an.expr(p)[1] for p in parts)

    def _check_effect_call(self, call, stmt):
        from .analysis import LIST, list_append

        stack, _ = list_append(stmt)
        if stack is not None and self.an.kinds.get(stack) == LIST:
            return  # pushing onto a list used as a stack (generated code)
        func = self.source.resolver.resolve(call.func)
        if func is print or (func is not MISSING and RULES.lookup(func)) or self._logs(call, func):
            return
        if (
            isinstance(call.func, ast.Attribute)
            and func is MISSING
            and call.func.attr in PURE_METHODS
        ):
            return  # x.sum() for nothing: harmless
        if not self._touches_active(call):
            return
        if isinstance(call.func, ast.Attribute) and func is MISSING:
            base = ast.unparse(call.func.value)
            refusal = getattr(self.tree, "srcdiff_refusals", {}).get(base)
            if refusal is not None:  # d.setdefault(...) of a dict built here (local_dicts.py)
                message, where, hint = refusal
                raise self.source.error(UnsupportedSyntaxError, message, where, hint)
            if self.an.expr(call.func.value)[1]:  # a differentiated value's own method
                raise self.source.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate through "
                    f".{call.func.attr}(), which may change {base} in place",
                    stmt,
                    _method_hint(call, base),
                )
        raise self.source.error(
            UnsupportedSyntaxError,
            f"srcdiff cannot differentiate a call to "
            f"{ast.unparse(call.func)} made for its side effects: it may change a "
            "differentiated value in place",
            stmt,
            self._only_reads_hint(call),
        )

    def _only_reads_hint(self, call):
        """A call for its effects given differentiated values (`ax.plot(y)`,
        `callback(y)`): srcdiff can't know it leaves them alone.  Where it only reads
        them, stop_gradient says so; where it changes them, a returned value is
        differentiated."""
        parts = list(call.args) + [k.value for k in call.keywords]
        active = next((p for p in parts if self.an.expr(p)[1]), None)
        shown = ast.unparse(active) if active is not None else "y"
        func = self.source.resolver.resolve(call.func)
        named = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if named in _CHANGERS or (func is not MISSING and not isinstance(func, types.FunctionType)):
            changed = ast.unparse(call.args[0]) if call.args else shown  # (the destination)
            return (  # np.copyto, rng.shuffle: they change it; stop_gradient would lose that
                f"{ast.unparse(call.func)} may change {changed} in place: compute the new "
                f"value and assign it (an index assignment {changed}[i] = v, np.where, a "
                "permuted copy)"
            )
        return (
            f"if {ast.unparse(call.func)} only reads {shown} (plotting, logging, a callback), "
            f"pass srcdiff.stop_gradient({shown}); if it changes it, use a function that "
            "returns the new value and assign it"
        )

    def adj(self, var):
        """Name of the derivative variable of `var` (its adjoint or tangent)."""
        if var not in self.adjoints:
            self.adjoints[var] = self.names.exact_or_suffixed("d" + var.lstrip("_"))
        return self.adjoints[var]

    def bind(self, obj, preferred):
        return self.unit.bind(obj, preferred, self)

    def rule_expression(self, op, which, param, seed, self_ref):
        """The rule's `which` ("jvp" along tangent `seed`, or "vjp" of cotangent `seed`)
        template for `param`, instantiated with op's atoms, defaults, `out` and the rule's
        namespace bound: the one place both modes turn a rule into code."""
        rule = op.rule
        mapping = {p: a for p, a in op.bound.items() if p in rule.params}
        for p in rule.params:
            if p not in mapping:
                mapping[p] = ast.Constant(rule.defaults[p])
        mapping["t" if which == "jvp" else "g"] = seed
        mapping["out"] = copy_tree(op.primal) if self_ref else op.target_node()
        if op.unpacked and rule.elementwise:  # `a, b = np.exp(theta)`: one array's rows
            self._as_one_array(mapping, "out", "g")
        ranks = (  # (only a rule spelled by rank or by constants reads them)
            tuple(self._rank(op.bound[p]) if p in op.bound else None for p in rule.params)
            if rule.by_rank or rule.by_constants is not None
            else None
        )
        constants = constant_arguments(mapping) if rule.by_constants else None
        template, uses = _template_and_uses(rule, which, param, ranks, constants)
        given = {p: a for p, a in mapping.items() if isinstance(a, ast.Constant)}
        if uses and given and _branches(template):
            # a branch on a constant argument (`... if b is None else ...`) folds away:
            # bind only the names the branch kept, so the code imports nothing unused
            template = narrowed(template, given, self.int_names)
            uses &= {n.id for n in walk(template) if isinstance(n, ast.Name)}
        for n in uses:
            mapping[n] = name(self.bind(rule.namespace[n], n))
        return instantiate(template, mapping, self.int_names)

    def _as_one_array(self, mapping, *keys):
        """An elementwise rule's result unpacked into rows (`a, b = np.exp(theta)`) is
        one array: its template's `out` (the targets `(a, b)`) and `g` (their cotangents,
        a list) are made one again, since `g * out` of a list and a tuple is a TypeError
        and `g * 2` repeats a list."""
        for key in keys:
            value = mapping.get(key)
            if isinstance(value, (ast.Tuple, ast.List)):
                as_array = ast.Attribute(
                    value=name(self.bind(np, "np")), attr="asarray", ctx=ast.Load()
                )
                mapping[key] = ast.Call(func=as_array, args=[value], keywords=[])

    def _rank(self, atom):
        """ndim of an operand where certain: the analysis's, else (temporaries) shapes'."""
        rank = self.an.rank(atom)
        if rank is None and isinstance(atom, ast.Name) and hasattr(self, "shapes"):
            rank = self.shapes.rank(atom.id)
        return rank

    def _ops(self, stmt):
        """Three-address ops of an Assign (computed once, shared by both sweeps)."""
        return self.ir.ops(stmt, self.flat.assign)

    def _basic_index(self, index):
        """Constants, slices of them, and counters of `for ... in range` loops: an index
        that can't select an element twice (unlike integer arrays)."""
        counters = self._range_counters()
        parts = index.elts if isinstance(index, ast.Tuple) else [index]
        if all(isinstance(part, ast.Slice) for part in parts):
            return True  # `a:b` selects each element once, whatever a and b are
        for node in ast.walk(index):  # (every node: `i // 2` repeats, `i + 1` doesn't)
            if isinstance(node, ast.Name):
                if node.id not in counters:
                    return False
            elif isinstance(node, ast.Constant):
                if not (
                    node.value is None
                    or node.value is Ellipsis
                    or (isinstance(node.value, int) and not isinstance(node.value, bool))
                ):
                    return False
            elif not isinstance(
                node,
                (
                    ast.Slice,
                    ast.Tuple,
                    ast.UnaryOp,
                    ast.USub,
                    ast.Load,
                    ast.BinOp,
                    ast.Add,
                    ast.Sub,
                ),
            ):
                return False
        return True

    def _range_counters(self):
        if not hasattr(self, "_counters"):
            stores = {}
            for n in walk(self.tree):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    stores[n.id] = stores.get(n.id, 0) + 1
            self._counters = {
                loop.target.id
                for loop in walk(self.tree)
                if isinstance(loop, ast.For)
                and isinstance(loop.iter, ast.Call)
                and isinstance(loop.iter.func, ast.Name)
                and loop.iter.func.id == "range"
                and self.source.resolver.lookup("range") is range
                and stores.get(loop.target.id) == 1
            }
        return self._counters

    def distinct_check(self, index, origin, at=None):
        """`check_distinct(index)` before `y[index] = v` when the index might repeat an
        element: NumPy keeps one of the values, and the derivative would be wrong."""
        if self._basic_index(index):
            return []
        from ..runtime import core as runtime

        node = ast.Expr(
            value=ast.Call(
                func=ast.Name(
                    id=self.bind(runtime.check_distinct, "check_distinct"), ctx=ast.Load()
                ),
                args=[_without_slices(copy_tree(index)), *self._place(at or origin)],
                keywords=[],
            )
        )
        node.srcline = origin
        return [node]

    def _place(self, node):
        """`file.py:line:column` of the user's index assignment (the file's name only:
        built modules stay the same wherever they are built) and the line's text, for
        the message's caret: constants, so the check needs no source at run time."""
        filename, line, col, text = self.source.locate(node)
        where = ast.Constant(f"{os.path.basename(filename)}:{line}:{col + 1}")
        return [where] if text is None else [where, ast.Constant(text)]


def _without_slices(index: ast.expr) -> ast.expr:
    """The index with each `a:b` of a tuple as None: a slice is no expression (it can't be
    an argument), and it never makes an element repeat, so check_distinct ignores it."""
    if isinstance(index, ast.Slice):
        return ast.Constant(value=None)
    if isinstance(index, ast.Tuple):
        index.elts = [
            ast.Constant(value=None) if isinstance(e, ast.Slice) else e for e in index.elts
        ]
    return index


def _user_names(tree: ast.FunctionDef) -> set[str]:
    """The names the user's own code (before normalization) mentions."""
    return {n.id for n in walk(tree) if isinstance(n, ast.Name)}


def _returned_names(tree: ast.FunctionDef) -> list[str]:
    """The names the core form's final `return a` or `return a, b` gives back."""
    ret = tree.body[-1]
    assert isinstance(ret, ast.Return) and ret.value is not None
    elts = ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]
    names = [e.id for e in elts if isinstance(e, ast.Name)]
    assert len(names) == len(elts), "normalize returns names only"
    return names


def constant_arguments(mapping):
    """{parameter: value} for the atoms that are constants (ints, negated ints, tuples of
    them, None, booleans): what a rule's `by_constants` spelling may depend on."""
    found = {}
    for p, atom in mapping.items():
        value = _constant_value(atom)
        if value is not _NOT_CONSTANT:
            found[p] = value
    return found


_NOT_CONSTANT = object()
_LOG_CALLS = frozenset(("debug", "info", "warning", "error", "critical", "exception", "log"))


def _constant_value(node):
    if isinstance(node, ast.Constant):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    if isinstance(node, ast.Tuple):
        values = tuple(_constant_value(e) for e in node.elts)
        return _NOT_CONSTANT if _NOT_CONSTANT in values else values
    return _NOT_CONSTANT


def _list_concatenation(node, an):
    """The `a + b` of lists in the value of assignment `node`, if there is one (not
    `x + [1.0, 2.0]` of an array x, which NumPy adds elementwise)."""
    for part in walk(getattr(node, "value", None) or ast.Constant(None)):
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            sides = (part.left, part.right)
            kinds = [an.expr(e)[0] for e in sides]
            if ARRAY not in kinds and (
                any(isinstance(e, ast.List) for e in sides) or all(k in (SEQ, LIST) for k in kinds)
            ):
                return part
    return None


def _list_repetition(node, an):
    """The `xs * n` of a list in the value of assignment `node`, if there is one."""
    for part in walk(getattr(node, "value", None) or ast.Constant(None)):
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Mult):
            kinds = {an.expr(part.left)[0], an.expr(part.right)[0]}
            if ARRAY not in kinds and kinds & {SEQ, LIST}:  # (not an array times [a, b])
                return part
    return None


_BRANCHING: dict[int, tuple[ast.expr, bool]] = {}


_PLAIN_TEMPLATES: dict = {}  # (id(rule), which, param) -> (rule, template, names bound)


def _template_and_uses(rule, which, param, ranks, constants):
    """The rule's template for `param` and the names of its namespace it reads (a new
    set: the caller narrows it); remembered for a rule with one spelling, asked for each
    application of it (its spellings chosen by rank or constants are found each time)."""
    if rule.by_rank or rule.by_constants is not None:
        template = rule.template(which, param, ranks, constants)
        return template, rule.uses(which, param, ranks, constants) & set(rule.namespace)
    key = (id(rule), which, param)
    found = _PLAIN_TEMPLATES.get(key)
    if found is None or found[0] is not rule:
        template = rule.template(which, param)
        uses = frozenset(rule.uses(which, param) & set(rule.namespace))
        found = _PLAIN_TEMPLATES[key] = (rule, template, uses)
    return found[1], set(found[2])


def _branches(template):
    """Whether a rule template holds a conditional expression; asked of each rule
    application, and a template (parsed once, rules/core.py) never changes: walked once."""
    found = _BRANCHING.get(id(template))
    if found is None or found[0] is not template:
        found = _BRANCHING[id(template)] = (
            template,
            any(isinstance(n, ast.IfExp) for n in walk(template)),
        )
    return found[1]


# names of NumPy functions and methods that change an argument in place
_CHANGERS = frozenset(
    {"shuffle", "sort", "fill", "put", "resize", "partition", "copyto", "place", "putmask"}
)


def _method_hint(call, base):
    """What to write instead of a method changing `base` in place: a new list (or array
    update) with the same values, which srcdiff differentiates."""
    attr = call.func.attr
    if attr == "at":
        return "accumulate one index at a time instead: for k in range(len(i)): y[i[k]] += v[k]"
    if attr == "reverse" and not call.args:
        return f"use a reversed copy: {base}_new = list({base}[::-1]), and read {base}_new after"
    if attr == "clear" and not call.args:
        return f"rebind it to a new empty list: {base} = []"
    if attr == "insert" and len(call.args) == 2:
        i, v = (ast.unparse(a) for a in call.args)
        return (
            f"build a new list with the item in place (for an index that is not negative): "
            f"{base}_new = [*{base}[:{i}], {v}, *{base}[{i}:]], and read {base}_new from there"
        )
    return (
        "build the list in order with ys.append(y) (or a comprehension), or fill "
        "a NumPy array with index assignment"
    )

"""Stage 3: what each variable holds, and what the backward sweep must keep.

* **Kinds**: every local gets a kind -- ``int`` (ints and bools, which carry
  no derivative), ``scalar`` (a float), ``array`` (an ndarray, or a value
  whose shape we can't know: the safe assumption), ``seq`` (a list or tuple
  of floats) or ``other``.  Kinds come from the argument values the
  function is specialised for, and flow through the code; a variable's kind
  is the join of everything assigned to it.
* **Activity**: a variable is active if its value depends on a `wrt`
  input and its kind can carry a derivative.  Inactive code is copied into
  the forward sweep unchanged and produces no adjoint code.
* **Reaching definitions** (per assignment site): whether the variable may
  already hold a value there, and whether it certainly does.  The reverse
  transformer saves the old value at a site only if it may exist and the
  backward sweep reads it.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import numbers
from collections.abc import Callable, Collection

import numpy as np

from ..rules import RULES
from .astutil import BLOCK_FIELDS, base_name, each_statement, node_fields, walk
from .derivative_calls import code_of_derivative
from .list_edits import edited_item
from .source import MISSING, Resolver, is_user_function, parsed

INT, SCALAR, ARRAY, SEQ, SEQ2, OTHER = "int", "scalar", "array", "seq", "seq2", "other"
LIST = "list"  # a list the code appends to and pops from (the stack of generated code)
NUMERIC = (INT, SCALAR, ARRAY)
# attribute of a call srcdiff made that denotes the same value as the node it holds
# (`copy.copy(a)`): its kind and rank are that node's, whatever the call resolves to
SAME_VALUE = "srcdiff_same_value"
DIFFERENTIABLE = (SCALAR, ARRAY, SEQ, LIST)


def kind_of_value(value):
    """The kind of a runtime value (used for arguments and globals)."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Integral):
        return INT
    if isinstance(value, (float, np.floating)):
        return SCALAR
    if isinstance(value, np.ndarray):
        return ARRAY if np.issubdtype(value.dtype, np.inexact) else INT
    if isinstance(value, (list, tuple)):
        if not value:
            return SEQ
        if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in value):
            return SEQ
        if value and all(kind_of_value(v) == SEQ for v in value):
            return SEQ2  # e.g. a list of (x, y, label) tuples: data, never differentiated
        return OTHER
    if isinstance(value, numbers.Real):
        return SCALAR
    return OTHER


def rank_of_value(value):
    """ndim of a runtime value: arrays by their ndim, numbers 0, anything else unknown."""
    if isinstance(value, np.ndarray):
        return value.ndim
    if isinstance(value, (bool, np.bool_, numbers.Number)):
        return 0
    return None


def join(a, b):
    """Least upper bound of two kinds; unknown numeric values become arrays (safe)."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    pair = {a, b}
    if pair == {INT, SCALAR}:
        return SCALAR
    if SEQ2 in pair:
        return OTHER
    if OTHER in pair:
        return OTHER
    return ARRAY


# statements that hold no block (the core form's others: if, for, while)
_STRAIGHT_STATEMENTS = frozenset((ast.Assign, ast.Expr, ast.Return, ast.Pass))


def _header(stmt):
    """The nodes of a compound statement outside its blocks (a loop's target and
    iterable, a test)."""
    nodes = []
    for field in node_fields(stmt.__class__):
        value = getattr(stmt, field, None)
        if field in BLOCK_FIELDS:
            continue
        for part in value if value.__class__ is list else (value,):
            if isinstance(part, ast.AST):
                nodes += walk(part)
    return nodes


def _zeros_like():
    from ..runtime import core

    return core.zeros_like


def _join_numeric(kinds):
    result = None
    for k in kinds:
        if k == OTHER:
            k = ARRAY
        result = join(result, k)
    return result or SCALAR


class Analysis:
    """Kinds and activity of every local of a normalized function."""

    def __init__(
        self,
        tree: ast.FunctionDef,
        resolver: Resolver,
        param_kinds: dict[str, str | None],
        wrt: Collection[str],
        helper_kinds: Callable | None = None,
        param_ranks: dict[str, int | None] | None = None,
        param_items: dict[str, str] | None = None,
    ):
        self.tree = tree
        self.resolver = resolver
        # integers generated code declares where it pops them (normalize._declared_ints)
        self.declared_ints: frozenset[str] = getattr(tree, "srcdiff_ints", frozenset())
        # and the other values it pops without a derivative (`c: float = _stack.pop()`)
        self.declared_constants: frozenset[str] = getattr(tree, "srcdiff_constants", frozenset())
        self.kinds = dict(param_kinds)
        self.param_kinds = dict(param_kinds)  # the arguments' kinds, as called
        self._lists_seen = LIST in self.kinds.values()  # has any name been a list?
        # Ranks (ndim), where certain: from the arguments the code is specialised for.
        # An array indexed by as many integers as it has axes is a scalar (w[2] of a 1-D w).
        self.ranks = {p: r for p, r in (param_ranks or {}).items() if r is not None}
        self.no_rank = {p for p in param_kinds if p not in self.ranks}
        self.active = {p: p in wrt and param_kinds[p] in DIFFERENTIABLE for p in param_kinds}
        self.helper_kinds = helper_kinds or (lambda func, call, analysis: None)
        # name -> node: a differentiated value stored where we lose track of it
        self.lost: dict[str, ast.AST] = {}
        # names computed but not differentiated (has_aux's aux: derive.py), set after analysis
        self.not_differentiated: set[str] = set()
        self.maybe_int = {p for p, k in param_kinds.items() if k == INT}
        self.ever_list: set[str] = {p for p, k in param_kinds.items() if k == LIST}
        # names of sequences (lists, tuples) that may hold arrays, not only numbers: an
        # element of one is an array (`[x, y][i]`), of any other sequence a number; a
        # helper's parameters are among them where its caller passes such a sequence
        self.array_seqs: set[str] = set(param_items or ())
        # what the lists built by appends hold: list name -> the join of the kinds (and
        # ranks) of the values put in it (appends, index stores, `[x0]` turned into an
        # append), so a number read back (`xs[-1]`, `xs.pop()`) stays a number; a list
        # whose items are not all seen (a parameter, one handed to a helper, which may
        # push anything onto it) holds unknown values, taken for arrays (list_item_kind)
        self.list_items: dict[str, str] = {}
        self.list_item_ranks: dict[str, int | None] = {}
        self.unseen_items: set[str] = {p for p, k in param_kinds.items() if k == LIST}
        self.restored = _restores(tree)
        self.popped_objects: set[str] = set()
        initial = dict(self.active)
        self._fixpoint(record=True)
        unknown = {name for name, kind in self.kinds.items() if kind is None}
        self.popped = unknown  # (their kinds are guesses, _note_mixed_values)
        if unknown:
            control = _only_control_uses(tree, unknown)
            # An object's attribute read (`self.w`: no number, array or list has one): an
            # object a helper saved for its backward sweep (a model held in a variable),
            # which carries no derivative -- taken for an array, its attribute was refused
            self.popped_objects = _object_uses(tree, unknown, resolver)
            for name in unknown:
                # Popped off a stack, so of unknown kind.  Used only to steer control flow or
                # to index (a decision, a range, a trip count): an integer.  Else an array.
                self.kinds[name] = (
                    OTHER if name in self.popped_objects else INT if name in control else ARRAY
                )
            # activity found while those kinds were unknown may not hold: find it again
            self.active = dict(initial)
            self.lost = {}
            self.changed()
            self._fixpoint()
        self._note_mixed_values()
        for name, active in self.active.items():
            if active and self.kinds.get(name) not in DIFFERENTIABLE:
                self.active[name] = False
                self.changed()

    def _note_mixed_values(self):
        """A variable given a differentiated value in one place and an object in another
        (`out = a0` ... `out = self`, `y = x` or `y = "text"`) is of no kind srcdiff
        differentiates: its derivative would silently be dropped, so it is `lost` (a
        refusal at the assignment of the differentiated value)."""
        mixed = {name for name, kind in self.kinds.items() if kind in (OTHER, SEQ2)}
        if not mixed:
            return
        for node in walk(self.tree):
            if not (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in mixed
                and node.targets[0].id not in self.lost
            ):
                continue
            name = node.targets[0].id
            kind, active = self.expr(node.value)
            # (a name that was an object before its first differentiated value never
            # became active: `y = "start"` first, `y = x * 2.0` later -- not where the
            # value's kind is a guess about values popped off a stack)
            guessed = any(isinstance(n, ast.Name) and n.id in self.popped for n in walk(node.value))
            if active and (self.active.get(name) or (kind in (SCALAR, ARRAY) and not guessed)):
                self.lost[name] = node

    def _fixpoint(self, record=False):
        for round_ in range(20):
            before = self._facts()
            if record and round_ == 0 and self._straight():  # (else nothing is kept)
                self._recording, self._rank_recording = {}, {}
            if round_ == 0:
                self._loaded, self._unsettled = set(), False
            try:
                self._block(self.tree.body)
            finally:
                recorded = (self._recording, self._rank_recording)
                self._recording = self._rank_recording = None
                self._loaded = None
            if round_ == 0 and self._settled_in_one_pass():
                if record and recorded[0] is not None:
                    self._settled = recorded
                break
            if self._facts() == before:
                break

    def changed(self):
        """Facts changed after the pass that made them (derive.py's has_aux marks names
        not differentiated): the kinds and ranks remembered from a settled pass
        (`memoized`) no longer hold."""
        self._settled = None

    # While the first pass runs: the names the statements passed so far read (None
    # after it), and whether a fact of one of them changed after it was read.
    _loaded: set[str] | None = None
    _unsettled = False

    def _settled_in_one_pass(self):
        """Whether a second pass over the body would change nothing, known without
        making it (it was half of the analysis of a loop, a third of straight-line
        code's): no fact of a name changed once a statement had read the name (the
        first pass notes it: `_note_reads`, `_changed_fact`), no name is a list and no
        call is of a user function (whose kinds come from the unit).  Every fact a
        statement reads was then final when the first pass read it -- a name's facts
        are set only by statements storing it -- so the second pass would join each
        fact with itself."""
        return not (self._unsettled or self._lists_seen)

    def _note_reads(self, stmt):
        """The first pass reaches `stmt`: the names it reads (of a compound statement,
        its header's) join `_loaded`.  A call of a user function, or of a copy srcdiff
        made (whose value is another node's), unsettles the pass."""
        loaded = self._loaded
        for node in walk(stmt) if stmt.__class__ in _STRAIGHT_STATEMENTS else _header(stmt):
            kind = node.__class__
            if kind is ast.Name:
                if node.ctx.__class__ is ast.Load:
                    loaded.add(node.id)
            elif kind is ast.Call and (
                hasattr(node, SAME_VALUE) or is_user_function(self.resolver.resolve(node.func))
            ):
                self._unsettled = True

    def _changed_fact(self, name):
        """A fact of `name` changed: after a statement read it, the first pass did not
        settle the analysis."""
        if self._loaded is not None and name in self._loaded:
            self._unsettled = True

    def _straight(self):
        """Is the body straight-line code (no block: `_settled_in_one_pass`)?"""
        return all(stmt.__class__ in _STRAIGHT_STATEMENTS for stmt in self.tree.body)

    def _facts(self):
        """What one pass over the body may grow (the fixpoint stops when it doesn't)."""
        return (
            dict(self.kinds),
            dict(self.active),
            len(self.array_seqs),
            dict(self.list_items),
            dict(self.list_item_ranks),
            len(self.unseen_items),
        )

    # -- statements ---------------------------------------------------------------
    def _block(self, stmts):
        for stmt in stmts:
            self._stmt(stmt)

    def _stmt(self, stmt):
        if self._loaded is not None:
            self._note_reads(stmt)
        if isinstance(stmt, (ast.Assign, ast.Expr)):
            self._lists_passed_to_helpers(stmt.value)
        if isinstance(stmt, ast.Assign):
            kind, active = self.expr(stmt.value)
            target = stmt.targets[0]
            if stmt in self.restored:
                # `v = s.pop()` taking back what `s.append(v)` saved: v's own values
                # (an index saved in a loop stays an index), not any value on the stack
                kind, active = None, False
            elif (
                isinstance(target, ast.Name)
                and target.id in self.popped_objects
                and _is_pop(stmt.value)
            ):
                kind, active = OTHER, False
            elif active and kind is None and self._pops_user_list(stmt):
                # any value of a differentiated list: joined with an int the name had
                # (`y = 0` ... `y = xs.pop()`), unknown would stay int and drop the
                # derivative; the array kind (safe, as join says) keeps it
                kind = ARRAY if self.kinds.get(target.id) == INT else None
            if active and kind == OTHER:
                self.lost.setdefault(base_name(target) or "?", stmt)
            if isinstance(target, ast.Name):
                self._set_rank(target.id, self.rank(stmt.value))
            if isinstance(target, ast.Tuple):
                for i, elt in enumerate(target.elts):
                    self._set_rank(elt.id, None)
                    if isinstance(kind, tuple) and len(kind) == len(target.elts):
                        self._set(elt.id, kind[i], active)
                    else:
                        # (the items of a list unpacked: unknown values, so arrays; a
                        # helper's tuple of another length is refused by split.py)
                        unknown = kind in (SEQ, OTHER, LIST) or isinstance(kind, tuple)
                        self._set(elt.id, ARRAY if unknown else kind, active)
            elif isinstance(target, ast.Name):
                self._set(target.id, kind, active)
                if kind == LIST and isinstance(stmt.value, ast.Name):
                    # `l6 = items1`: one list under two names; a differentiated value
                    # appended through either name is in both
                    self._set(stmt.value.id, LIST, self.active.get(target.id, False))
                    self._share_items(target.id, stmt.value.id)
                elif kind == LIST and (
                    item := edited_item(stmt.value, self.resolver.resolve, target.id)
                ):  # xs = list_set(xs, i, v): v is an item (list_edits.py)
                    if item is not True:
                        self._put_item(target.id, self.expr(item)[0], self.rank(item))
                elif kind == LIST and not _empty_list(stmt.value):
                    self.unseen_items.add(target.id)  # a helper's list result, ...
                if kind in (SEQ, SEQ2) and self._may_hold_arrays(stmt.value):
                    self._add_array_seq(target.id)
                if isinstance(kind, tuple) and not all(k in (SCALAR, INT) for k in kind):
                    # a helper's tuple result kept whole (a sequence from here on): its
                    # elements read by index may be arrays
                    self._add_array_seq(target.id)
            elif isinstance(target, ast.Subscript):
                base = base_name(target)
                if base is not None and kind not in (SCALAR, INT, None):
                    self._add_array_seq(base)  # s[i] = an array
                if base is not None and self.kinds.get(base) == LIST:
                    if isinstance(target.value, ast.Name):  # xs[i] = v: v is an item
                        self._put_item(base, kind, self.rank(stmt.value))
                    else:  # xs[i][j] = v changes an item in place
                        self.unseen_items.add(base)
                if base is not None:
                    container = self.kinds.get(base, kind)
                    if active and container not in DIFFERENTIABLE and container is not None:
                        # a differentiated value stored into a list of floats made with
                        # [0.0] * n (or any other container): its derivative would be lost
                        self.lost.setdefault(base, stmt)
                    self._set(base, container, active)
        elif isinstance(stmt, ast.If):
            self._block(stmt.body)
            self._block(stmt.orelse)
        elif isinstance(stmt, ast.For):
            self._set(stmt.target.id, INT, False)
            self._set_rank(stmt.target.id, 0)  # the core form loops over ranges
            self._block(stmt.body)
        elif isinstance(stmt, ast.While):
            self._block(stmt.body)
        elif isinstance(stmt, ast.Expr):
            stack, value = list_append(stmt)
            if stack is not None and self.kinds.get(stack) == LIST:
                kind, active = self.expr(value)
                self._set(stack, LIST, active)
                self._put_item(stack, kind, self.rank(value))

    # -- the items of lists built by appends ------------------------------------------
    def _put_item(self, name, kind, rank):
        """`name` (a list) gets a value of this kind and rank among its items."""
        if isinstance(kind, tuple):
            kind = SEQ
        if kind is not None:
            self.list_items[name] = join(self.list_items.get(name), kind)
        if name not in self.list_item_ranks:
            self.list_item_ranks[name] = rank
        elif self.list_item_ranks[name] != rank:
            self.list_item_ranks[name] = None

    def _share_items(self, a, b):
        """`a = b` of two lists: one list under two names, so one set of items."""
        for name, other in ((a, b), (b, a)):
            if other in self.unseen_items:
                self.unseen_items.add(name)
            if other in self.list_items:
                self._put_item(name, self.list_items[other], self.list_item_ranks.get(other))

    def list_item_kind(self, name):
        """The kind of a value read out of the list `name` (`xs[i]`, `xs.pop()`):
        a number where every item put in it is one, else the array kind (safe)."""
        kind = self.list_items.get(name)
        if name in self.unseen_items or kind not in (SCALAR, INT):
            return ARRAY
        return kind

    def _list_item_rank(self, name):
        if name in self.unseen_items or self.list_items.get(name) not in (SCALAR, INT, ARRAY):
            return None
        return self.list_item_ranks.get(name)

    def _pops_user_list(self, stmt):
        """Is `stmt` `name = xs.pop()` of a list other than generated code's tape (whose
        pops are restores or a helper's saved values: _restores, _only_control_uses)?"""
        value = stmt.value
        return (
            isinstance(stmt.targets[0], ast.Name)
            and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "pop"
            and isinstance(value.func.value, ast.Name)
            and not value.func.value.id.startswith("_stack")
        )

    def _lists_passed_to_helpers(self, expr):
        """A list handed to a helper together with a differentiated value may get
        differentiated values pushed onto it (the stacks of generated code).  Nothing
        to do, and no walk, while no name has been a list."""
        if not self._lists_seen:
            return
        for node in walk(expr):
            if not isinstance(node, ast.Call):
                continue
            func = self.resolver.resolve(node.func)
            if not is_user_function(func):
                continue
            args = list(node.args) + [k.value for k in node.keywords]
            active = any(self.expr(a)[1] for a in args)
            for a in args:
                if isinstance(a, ast.Name) and self.kinds.get(a.id) == LIST:
                    self.unseen_items.add(a.id)  # the helper may push anything onto it
                    if active:
                        self._set(a.id, LIST, True)

    def _add_array_seq(self, name):
        if name not in self.array_seqs:
            self._changed_fact(name)
            self.array_seqs.add(name)

    def _set(self, name, kind, active):
        if self._loaded is not None and name in self._loaded:  # (else no change matters)
            facts = (self.kinds.get(name), self.active.get(name), name in self.maybe_int)
            self._set_facts(name, kind, active)
            if facts != (self.kinds.get(name), self.active.get(name), name in self.maybe_int):
                self._unsettled = True
            return
        self._set_facts(name, kind, active)

    def _set_facts(self, name, kind, active):
        if name in self.declared_ints:  # (generated code's `k: int = _stack.pop()`)
            kind, active = INT, False
        elif name in self.declared_constants:  # (`c: float = _stack.pop()`)
            active = False
        if isinstance(kind, tuple):  # a helper's tuple result kept whole: treat as a sequence
            kind = SEQ
        if kind == INT:
            self.maybe_int.add(name)
        self.kinds[name] = join(self.kinds.get(name), kind)
        if self.kinds[name] == LIST:
            self._lists_seen = True
        if kind == LIST:
            self.ever_list.add(name)  # (a list here, whatever it holds elsewhere)
        # A value of unknown kind (popped off a stack) may still be differentiated.
        self.active[name] = self.active.get(name, False) or (
            active and self.kinds[name] in DIFFERENTIABLE + (None,)
        )

    # -- ranks ----------------------------------------------------------------------
    def _set_rank(self, name, rank):
        if name in self.no_rank:
            return
        if rank is None or self.ranks.get(name, rank) != rank:
            self._changed_fact(name)
            self.no_rank.add(name)
            self.ranks.pop(name, None)
        elif name not in self.ranks:
            self._changed_fact(name)
            self.ranks[name] = rank

    # Kinds and ranks remembered by node while `memoized` (None: computed every time).
    _memo: dict[int, tuple[ast.AST, object]] | None = None
    _rank_memo: dict[int, tuple[ast.AST, int | None]] | None = None
    # ... noted (never read) while the first pass runs, and kept where that pass
    # settled the analysis (`_settled_in_one_pass`): every fact an expression of it read
    # was final when read, so what it gave is what asking again would give
    _recording: dict[int, tuple[ast.AST, object]] | None = None
    _rank_recording: dict[int, tuple[ast.AST, int | None]] | None = None
    _settled: tuple[dict, dict] | None = None

    @contextlib.contextmanager
    def memoized(self):
        """Remember each expression's kind and rank for a while the analysis does not
        change (split.py, splitting one statement): splitting asks them of every
        subexpression at every level of nesting, each asking of its operands again --
        quadratic in the depth of an expression."""
        if self._memo is not None:  # (already remembering)
            yield
            return
        # (what the settled pass found, and what is asked now, are kept for the next
        # statement: splitting asked again of every expression the pass had asked of)
        self._memo, self._rank_memo = self._settled or ({}, {})
        try:
            yield
        finally:
            self._memo = self._rank_memo = None

    def rank(self, node):
        """ndim of an expression's value where it is certain, else None."""
        memo = self._rank_memo
        if memo is None:
            rank = self._rank(node)
            if self._rank_recording is not None:
                self._rank_recording[id(node)] = (node, rank)
            return rank
        found = memo.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        rank = self._rank(node)
        memo[id(node)] = (node, rank)  # (the node kept alive: its id is not reused)
        return rank

    def _rank(self, node):
        copied = getattr(node, SAME_VALUE, None)
        if copied is not None:
            return self.rank(copied)
        if isinstance(node, ast.Constant):
            return 0 if isinstance(node.value, (int, float)) else None
        if isinstance(node, ast.Name):
            if node.id in self.kinds or self.resolver.is_local(node.id):
                return self.ranks.get(node.id)
            value = self.resolver.lookup(node.id)
            return None if value is MISSING else rank_of_value(value)
        if isinstance(node, (ast.BinOp, ast.Compare)):
            parts = (
                [node.left, node.right]
                if isinstance(node, ast.BinOp)
                else [node.left, *node.comparators]
            )
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                return _matmul_rank(*(self.rank(p) for p in parts))
            return _max_rank(self.rank(p) for p in parts)
        if isinstance(node, ast.UnaryOp):
            return self.rank(node.operand)
        if isinstance(node, ast.Subscript):
            return self._subscript_rank(node)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return self.rank(node.value)
        if isinstance(node, ast.Call):
            return self._call_rank(node)
        return None

    def _subscript_rank(self, node):
        if (
            isinstance(node.value, ast.Name)
            and self.kinds.get(node.value.id) == LIST
            and not isinstance(node.slice, ast.Slice)
        ):
            return self._list_item_rank(node.value.id)  # one item of a list
        base = self.rank(node.value)
        if base is None or self.expr(node.value)[0] not in (ARRAY, SCALAR):
            return None
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        rank = base
        for part in parts:
            if isinstance(part, ast.Slice):
                continue
            if isinstance(part, ast.Constant) and part.value is None:
                rank += 1
            elif self._scalar_int(part):
                rank -= 1
            else:
                return None  # integer arrays, masks, Ellipsis: not worked out here
        return rank if rank >= 0 else None

    def _shape_rank(self, shape):
        """The rank of an array made of `shape` (np.zeros(shape), ...): one int, or a
        tuple written out (its length); else None."""
        if isinstance(shape, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in shape.elts):
            return len(shape.elts) or None  # (np.zeros(()): a 0-d array, not a number)
        return 1 if self._scalar_int(shape) else None

    def _scalar_int(self, node):
        """An expression certainly holding one int (a constant, a loop counter, i - 1)."""
        if isinstance(node, ast.Constant):
            return type(node.value) is int
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self._scalar_int(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)
        ):
            return self._scalar_int(node.left) and self._scalar_int(node.right)
        if isinstance(node, ast.Name):
            return self.kinds.get(node.id) == INT and self.ranks.get(node.id) == 0
        if isinstance(node, ast.Call):
            func = self.resolver.resolve(node.func)
            return func is len or (
                func is int and len(node.args) == 1 and self.rank(node.args[0]) == 0
            )
        return False

    def _call_rank(self, node):
        func = self.resolver.resolve(node.func)
        if func is MISSING:
            if isinstance(node.func, ast.Attribute) and node.func.attr in _REDUCTIONS:
                return _reduced_rank(self.rank(node.func.value), node.args[:1], node.keywords)
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("ravel", "flatten"):
                return 1 if self.expr(node.func.value)[0] == ARRAY else None
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "reshape"
                and node.args
                and not node.keywords
                and self.expr(node.func.value)[0] == ARRAY
            ):  # x.reshape((4, 3)), x.reshape(4, 3), x.reshape(n)
                return self._shape_rank(
                    node.args[0] if len(node.args) == 1 else ast.Tuple(elts=node.args)
                )
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "copy"
                and not node.args
                and self.expr(node.func.value)[0] == ARRAY
            ):
                rank = self.rank(node.func.value)  # (an array's copy: its rank; a 0-d
                return rank or None  # array's copy is one too, not a number: z[()] = v)
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "pop"
                and isinstance(node.func.value, ast.Name)
                and self.kinds.get(node.func.value.id) == LIST
            ):
                return self._list_item_rank(node.func.value.id)  # one item of a list
            return None
        if func in (len, int, float, bool, round):
            return 0
        if func is np.ravel:
            return 1  # (whatever its argument: x[0] of it is one element)
        if any(func is made for made in _MADE_OF_SHAPE) and node.args:
            return self._shape_rank(node.args[0])
        if func is np.arange or (
            func is np.linspace and [self.rank(a) for a in node.args[:2]] == [0, 0]
        ):
            return 1  # (linspace of array end points is 2-D)
        rules = RULES.lookup(func)
        if not rules:
            return None
        rule = rules[0]
        args = [self.rank(a) for a in node.args]
        if rule.result == "reduce" or func is np.linalg.norm:
            return _reduced_rank(
                args[0] if args else None,
                node.args[1:2] if rule.result == "reduce" else node.args[2:3],
                node.keywords,
            )
        if rule.elementwise or func in (abs, max, min):
            return _max_rank(args)
        if func in (np.dot, np.inner) and len(args) == 2 and None not in args:
            return args[0] + args[1] - (2 if 0 not in args else 0)
        if func is np.matmul and len(args) == 2:
            return _matmul_rank(*args)
        if func in (np.linalg.det, np.trace) and args and args[0] is not None:
            return args[0] - 2 if args[0] >= 2 else None
        if (
            func is np.einsum
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and "->" in node.args[0].value
            and "." not in node.args[0].value
        ):
            return len(node.args[0].value.split("->")[1].strip())
        return None

    # -- expressions ---------------------------------------------------------------
    def expr(self, node):
        """(kind, active) of an expression."""
        memo = self._memo
        if memo is None:
            result = self._expr(node)
            if self._recording is not None:
                self._recording[id(node)] = (node, result)
            return result
        found = memo.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        result = self._expr(node)
        memo[id(node)] = (node, result)
        return result

    def _expr(self, node):
        method = getattr(self, "_expr_" + type(node).__name__, None)
        if method is None:
            names = [n for n in walk(node) if isinstance(n, ast.Name)]
            return OTHER, any(self.active.get(n.id, False) for n in names)
        kind, active = method(node)
        if kind == ARRAY and not isinstance(node, ast.Name) and self.rank(node) == 0:
            kind = SCALAR  # x.sum(), np.mean(x) * v of rank 0: one number
        return kind, active

    def _expr_JoinedStr(self, node):
        """An f-string: active where a formatted value is (`f"{stop_gradient(x)}"` is not)."""
        values = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        return OTHER, any(
            self.expr(v.value)[1] or (v.format_spec is not None and self.expr(v.format_spec)[1])
            for v in values
        )

    def _expr_Constant(self, node):
        if node.value is None:  # `y = None` placeholders say nothing about y's kind
            return None, False
        return kind_of_value(node.value), False

    def _expr_Name(self, node):
        if node.id in self.kinds:
            return self.kinds[node.id], self.active.get(node.id, False)
        if self.resolver.is_local(node.id):  # assigned later, not seen yet
            return None, False
        value = self.resolver.lookup(node.id)
        return (OTHER if value is MISSING else kind_of_value(value)), False

    def _expr_BinOp(self, node):
        (lk, la), (rk, ra) = self.expr(node.left), self.expr(node.right)
        if isinstance(node.op, ast.FloorDiv):
            return _join_numeric([lk or INT, rk or INT]), False
        if isinstance(node.op, ast.Mult) and LIST in (lk, rk):
            return OTHER, la or ra  # a list repeated: no product (transform says so)
        if (la and lk in (SEQ, OTHER)) or (ra and rk in (SEQ, OTHER)):
            return OTHER, True  # arithmetic on a differentiated list or unknown object
        if (lk in (SEQ, OTHER) or rk in (SEQ, OTHER)) and not (la or ra):
            return OTHER, False
        # An inactive operand of unknown kind may be an array: assume so (always safe).
        kind = _join_numeric([k for k in (lk, rk) if k])
        if kind == INT and ((la and lk is None) or (ra and rk is None)):
            # a differentiated operand of unknown kind beside an int (a list's item popped
            # inside the expression, `s.pop(0) ** 2`): the int made the result an int, and
            # the derivative through it was dropped -- 0 in forward mode, a crash in
            # reverse mode.  It may be an array: so the result may be (safe)
            kind = ARRAY
        if isinstance(node.op, ast.Div) and kind == INT:
            kind = SCALAR
        if kind == SCALAR and self._int_array_among([(lk, node.left), (rk, node.right)]):
            kind = ARRAY  # a float times a mask (`s * (x > 0)`): an array, summed back
        return kind, (la or ra) and kind in DIFFERENTIABLE

    def _int_array_among(self, operands):
        """Whether an int-kind operand (kind, node) may be an array (a mask, an index
        array): the int kind covers both, and a float combined with one is an array."""
        return any(k == INT and self.rank(node) != 0 for k, node in operands)

    def _expr_UnaryOp(self, node):
        kind, active = self.expr(node.operand)
        if isinstance(node.op, (ast.Not, ast.Invert)):
            return INT, False
        return kind, active

    def _expr_Compare(self, node):
        return INT, False

    def _expr_BoolOp(self, node):
        infos = [self.expr(v) for v in node.values]
        kinds = {k for k, _ in infos}
        if kinds <= {INT, None}:
            return INT, False
        return _join_numeric([k for k in kinds if k]), any(a for _, a in infos)

    def _expr_Subscript(self, node):
        kind, active = self.expr(node.value)
        if self.expr(node.slice)[1]:
            obj = self.resolver.resolve(node.value)
            if obj is np.r_ or obj is np.c_:
                return ARRAY, True  # the splitter joins the items (runtime.gathers)
            # a differentiated value inside [...]: np.r_[x, y], or an index computed from
            # one -- never silently a constant (the splitter says what to write instead)
            return OTHER, True
        if isinstance(kind, tuple):  # a helper's tuple result, indexed by a constant
            index = node.slice
            if (
                isinstance(index, ast.Constant)
                and isinstance(index.value, int)
                and -len(kind) <= index.value < len(kind)
            ):
                return kind[index.value], active
            return _join_numeric(kind), active
        if kind == ARRAY and self._subscript_rank(node) == 0:
            return SCALAR, active  # w[2] of a 1-D array: one element
        if isinstance(node.slice, ast.Slice) and kind in (SEQ, SEQ2, LIST):
            return (SEQ2 if kind == SEQ2 else SEQ), active  # xs[1:]: a list of the items
        if kind == LIST:
            base = node.value.id if isinstance(node.value, ast.Name) else None
            return (self.list_item_kind(base) if base else ARRAY), active
        if kind == SEQ:
            return (ARRAY if self._may_hold_arrays(node.value) else SCALAR), active
        if kind == SEQ2:
            return SEQ, active
        if kind == INT:
            return INT, False
        if kind == OTHER:
            return (self._table_item_kind(node.value) or OTHER), active
        return ARRAY, active

    def _table_item_kind(self, node):
        """INT or SCALAR for an item of a module's dict of numbers (`D[k]`, D = {0: 2,
        1: 0.5}): arithmetic with it is arithmetic of numbers -- as OTHER, a tangent
        `ds = ds + dx[k] * D[k]` was no number and forward over forward refused it; else
        None."""
        if not isinstance(node, ast.Name) or node.id in self.kinds:
            return None
        if self.resolver.is_local(node.id):
            return None
        table = self.resolver.lookup(node.id)
        if not isinstance(table, dict) or not table:
            return None
        kinds = {kind_of_value(v) for v in table.values()}
        return INT if kinds == {INT} else SCALAR if kinds <= {INT, SCALAR} else None

    def may_hold_arrays(self, node):
        """May the sequence `node` evaluates to hold arrays (unit.py asks, for the lists a
        call passes to a helper)?"""
        return self._may_hold_arrays(node)

    def _may_hold_arrays(self, node):
        """May the sequence `node` evaluates to hold arrays?  Sequence arguments and
        globals hold numbers (kind_of_value), unless a caller passed a helper's such a
        sequence (`param_items`); displays hold what their elements are."""
        if isinstance(node, ast.Name):
            if self.kinds.get(node.id) == LIST:  # a list built by appends: its items
                return node.id in self.array_seqs or self.list_item_kind(node.id) == ARRAY
            return node.id in self.array_seqs
        if isinstance(node, (ast.List, ast.Tuple)):
            return any(
                self._may_hold_arrays(e)
                if self.expr(e)[0] in (SEQ, SEQ2)
                else self.expr(e)[0] not in (SCALAR, INT)
                for e in node.elts
            )
        if isinstance(node, ast.Subscript) and self.expr(node.value)[0] == SEQ2:
            return self._may_hold_arrays(node.value)  # a row of a table of numbers
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self._may_hold_arrays(node.value)  # xs[1:] holds what xs holds
        return True

    def _expr_Tuple(self, node):
        if isinstance(node, ast.List) and not node.elts:
            return LIST, False
        infos = [self.expr(e) for e in node.elts]
        active = any(a for _, a in infos)
        if infos and all(k in NUMERIC for k, _ in infos):
            return SEQ, active
        if infos and all(k == SEQ for k, _ in infos):
            return SEQ2, active
        return OTHER, active

    _expr_List = _expr_Tuple

    def _expr_Slice(self, node):
        """`a:b:c` in an index: active where a bound is, by the same rules as any
        expression (`: y.shape[0]` reads y's shape, an int, not y's values)."""
        parts = [p for p in (node.lower, node.upper, node.step) if p is not None]
        return OTHER, any(self.expr(p)[1] for p in parts)

    def _expr_Attribute(self, node):
        obj = self.resolver.resolve(node)
        if obj is not MISSING:
            return kind_of_value(obj), False
        kind, active = self.expr(node.value)
        if node.attr in ("shape", "ndim", "size", "dtype"):
            return INT if node.attr in ("ndim", "size") else OTHER, False
        if node.attr in ("T", "real", "flat"):
            return kind, active
        if kind == OTHER and not active:
            # `self.scale` of an object (a held object, passed to a method): a value of
            # unknown kind, as a popped one is -- arithmetic with it is arithmetic
            return None, False
        return OTHER, active

    def _expr_Call(self, node):
        copied = getattr(node, SAME_VALUE, None)
        if copied is not None:  # a copy srcdiff made (transform._copy_of): its value's kind
            return self.expr(copied)
        func = self.resolver.resolve(node.func)
        # df(x) of df = srcdiff.grad(f): the code it runs for these kinds, a helper
        func = code_of_derivative(
            func, node, lambda arg: self.expr(arg)[0], kind_of_value, _PLAIN_KINDS
        )
        infos = [self.expr(a) for a in node.args] + [self.expr(k.value) for k in node.keywords]
        kinds = [k for k, _ in infos if k]
        any_active = any(a for _, a in infos)
        if func is MISSING:  # a method call on a local value, or an unknown name
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "pop"
                and isinstance(node.func.value, ast.Name)
                and self.kinds.get(node.func.value.id) == LIST
            ):
                # an item of the list: a number where all are (else unknown, decided
                # by its uses once the fixpoint is reached: see __init__)
                name = node.func.value.id
                kind = self.list_item_kind(name)
                return (kind if kind != ARRAY else None), self.active.get(name, False)
            if isinstance(node.func, ast.Attribute):
                base_kind, base_active = self.expr(node.func.value)
                # a method of a number or an array (a mask's `.astype(int)`, `.reshape`):
                # a number or an array, so the array kind (safe); of anything else, unknown
                numeric = base_kind in (ARRAY, SCALAR, INT)
                return (ARRAY if numeric else OTHER), base_active or any_active
            return OTHER, any_active
        if func in (np.array, np.asarray) and not node.keywords and _int_literal(node.args):
            return INT, False  # np.array([0, 2]): an index (pushed and popped in a loop)
        rules = RULES.lookup(func)
        if rules:
            rule = rules[0]
            if not rule.differentiable:
                result = rule.result if rule.result != "same" else _join_numeric(kinds or [INT])
                if result in (SEQ, SEQ2, LIST) and func is _zeros_like():
                    result = ARRAY  # a sequence's zero adjoint is an array indexed like it
                return result, False
            if rule.result == "reduce":  # np.sum(x) is a scalar; np.sum(x, axis=0) isn't
                kind = ARRAY if _reduces_partially(node) else SCALAR
            elif rule.result == "same":
                kind = _join_numeric(kinds or [SCALAR])
                if func in (max, min, abs):
                    kind = _join_numeric(kinds or [SCALAR])
                elif kind in (INT, SCALAR):
                    # elementwise: np.maximum(s, x > 0) and np.sin(mask) are arrays
                    operands = [*node.args, *(k.value for k in node.keywords)]
                    pairs = [(info[0], arg) for info, arg in zip(infos, operands)]
                    kind = ARRAY if self._int_array_among(pairs) else SCALAR
                elif kind in (SEQ, SEQ2, LIST):
                    # a rule of a list's items (a user's `mean(data)`) gives a number or
                    # an array, not another list: the array kind covers both
                    kind = ARRAY
            else:
                kind = rule.result
            return kind, any_active and kind in DIFFERENTIABLE
        if is_user_function(func):
            result = self.helper_kinds(func, node, self)
            return result, any_active
        if isinstance(func, type) and func in (float,):
            return SCALAR, any_active
        return ARRAY if kinds else OTHER, any_active


_PLAIN_KINDS = (SCALAR, ARRAY, INT)  # what a derivative srcdiff made is called with

#: Array methods that reduce (`x.sum(axis=0)`): shared by the stages that read methods.
REDUCTIONS = ("sum", "mean", "prod", "max", "min", "std", "var")
_REDUCTIONS = set(REDUCTIONS)
#: NumPy functions making an array of the shape their first argument gives
_MADE_OF_SHAPE = (np.zeros, np.ones, np.empty, np.full)


def _int_literal(args):
    """One argument (no dtype), a list or tuple display of int constants (nested or not)."""

    def ints(node):
        if isinstance(node, (ast.List, ast.Tuple)):
            return bool(node.elts) and all(ints(e) for e in node.elts)
        return isinstance(node, ast.Constant) and type(node.value) is int

    return len(args) == 1 and isinstance(args[0], (ast.List, ast.Tuple)) and ints(args[0])


def _max_rank(ranks):
    ranks = list(ranks)
    return max(ranks) if ranks and None not in ranks else None


def _matmul_rank(a, b):
    if a is None or b is None or a == 0 or b == 0:
        return None
    if a == 1 and b == 1:
        return 0
    if a == 1 or b == 1:
        return max(a, b) - 1
    return max(a, b)


def _reduced_rank(rank, axis_args, keywords):
    """Rank after a reduction: 0 without an axis, one less per axis (unless keepdims)."""
    if rank is None:
        return None
    axis = axis_args[0] if axis_args else next((k.value for k in keywords if k.arg == "axis"), None)
    keep = next((k.value for k in keywords if k.arg == "keepdims"), None)
    if keep is not None and not (isinstance(keep, ast.Constant) and keep.value in (True, False)):
        return None
    keepdims = keep is not None and keep.value is True
    if axis is None or (isinstance(axis, ast.Constant) and axis.value is None):
        return rank if keepdims else 0
    if isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub):
        axis = axis.operand  # (axis=-1: one axis, as axis=1 is)
    if isinstance(axis, ast.Constant) and type(axis.value) is int:
        return rank if keepdims else max(rank - 1, 0)  # (a number's axis 0: itself)
    if isinstance(axis, ast.Tuple) and all(isinstance(e, ast.Constant) for e in axis.elts):
        return rank if keepdims else max(rank - len(axis.elts), 0)
    return None


_INT_FUNCS = {"range", "reversed", "len", "int", "bool"}


# what a value of a kind srcdiff differentiates may have as an attribute
_VALUE_ATTRIBUTES = frozenset(dir(np.ndarray)) | frozenset(dir(float)) | frozenset(dir(list))


def _object_uses(tree, names, resolver=None):
    """Names among `names` read somewhere as the base of an attribute that no number,
    array or list has (`self.w`): objects.  With `resolver`, also those passed to a
    function of the user's (generated code's helpers) whose parameter is read so
    (`predict_bwd(_stack, dt1, self)`, where predict_bwd reads self.w)."""
    found = {
        node.value.id
        for node in walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in names
        and node.attr not in _VALUE_ATTRIBUTES
    }
    if resolver is None:
        return found
    for node in walk(tree):
        if not isinstance(node, ast.Call):
            continue
        given = [(i, a.id) for i, a in enumerate(node.args) if isinstance(a, ast.Name)]
        given += [(k.arg, k.value.id) for k in node.keywords if isinstance(k.value, ast.Name)]
        given = [(where, n) for where, n in given if n in names and n not in found]
        if not given:
            continue
        func = resolver.resolve(node.func)
        if not is_user_function(func):
            continue
        try:
            helper = parsed(func).tree
        except Exception:  # noqa: BLE001 - no source: judged by this function's uses alone
            continue
        params = [a.arg for a in helper.args.posonlyargs + helper.args.args]
        by_param = {
            (params[w] if isinstance(w, int) and w < len(params) else w): n for w, n in given
        }
        found |= {by_param[p] for p in _object_uses(helper, set(by_param) - {None})}
    return found


def _is_pop(node):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "pop"
        and not node.args
    )


def _only_control_uses(tree, names):
    """Names among `names` every read of which is a test, a loop range or an index."""
    parents = {}
    for node in walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    bad = set()

    def control_context(node):
        parent = parents.get(node)
        if parent is None:
            return False
        if isinstance(parent, (ast.Compare, ast.BoolOp, ast.Slice)):
            return True
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            return True
        if isinstance(parent, (ast.If, ast.While)) and parent.test is node:
            return True
        if isinstance(parent, ast.For) and parent.iter is node:
            return True
        if isinstance(parent, ast.Subscript):
            if parent.slice is node:
                return True
            return control_context(parent)  # iters[:n] used as a range
        if (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Name)
            and parent.func.id in _INT_FUNCS
        ):
            return True
        if isinstance(parent, ast.Tuple) and isinstance(parents.get(parent), ast.Subscript):
            return parents[parent].slice is parent
        if isinstance(parent, ast.Expr) and isinstance(parent.value, ast.Call):
            return False
        return False

    for node in walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
            if not control_context(node):
                bad.add(node.id)
    # pushed onto a stack again (helpers re-push what they pop): judged by other uses
    return {n for n in names if n not in bad}


def useful_names(tree, outputs, kinds):
    """Names whose value may flow into an output (the other half of activity: an active
    name that is not useful -- a loop variable nothing reads -- has a zero adjoint
    everywhere, and the backward sweep need not make that zero explicit, where it would
    meet a rule's partial that is not finite: 0 * nan).

    Flow-insensitive, so it over-approximates: an assignment or expression statement
    that may change a useful name makes everything it reads useful, and so does one
    that reads a list (a stack: pushes and pops pass adjoints both ways)."""
    useful = set(outputs) | {n for n, k in kinds.items() if k == LIST}
    facts = []  # (reads, writes, reads a list) of each statement, found once
    for stmt in each_statement(tree.body):  # (the least closed set: any order does)
        if not isinstance(stmt, (ast.Assign, ast.Expr)):
            continue
        reads = {
            n.id for n in walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        writes = (
            reads
            if isinstance(stmt, ast.Expr)
            else {
                base_name(t)
                for t in walk(stmt.targets[0])
                if isinstance(t, (ast.Name, ast.Subscript))
            }
        )
        facts.append((reads, writes, any(kinds.get(n) == LIST for n in reads)))
    # The least set closed under the rule, reached in any order; last statements first,
    # since usefulness flows back from the outputs (in source order, a chain of n
    # assignments took n rounds over every statement).
    facts.reverse()
    changed = True
    while changed:
        changed = False
        for reads, writes, reads_list in facts:
            if (reads_list or not writes.isdisjoint(useful)) and not reads <= useful:
                useful |= reads
                changed = True
    return useful


def _restores(tree):
    """The statements `v = _stack.pop()` of a function that also pushes v itself,
    `_stack.append(v)`: the save/restore pairs of generated code (a gradient
    differentiated again), where the value popped is the one v had when it was pushed --
    the backward sweep mirrors the forward sweep, each restore its save.  Only on the
    generated tape (named `_stack`, suffixed on a clash, as backward_sweep.py reads it):
    a user's own list may be popped into any name, in any order."""
    pushed = set()
    pops = []
    for node in walk(tree):
        if isinstance(node, ast.Expr):
            stack, value = list_append(node)
            if stack is not None and stack.startswith("_stack") and isinstance(value, ast.Name):
                pushed.add((stack, value.id))
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "pop"
            and isinstance(node.value.func.value, ast.Name)
            and not node.value.args
        ):
            pops.append((node, (node.value.func.value.id, node.targets[0].id)))
    return {node for node, pair in pops if pair in pushed}


def _empty_list(node):
    return isinstance(node, ast.List) and not node.elts


def list_append(stmt):
    """(list name, appended value) for a statement `name.append(value)`, else (None, None)."""
    call = stmt.value
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "append"
        and isinstance(call.func.value, ast.Name)
        and len(call.args) == 1
        and not call.keywords
    ):
        return call.func.value.id, call.args[0]
    return None, None


def _reduces_partially(call):
    """Does a reduction call pass an axis (or keepdims=True), so it may return an array?"""
    if len(call.args) > 1:
        return not (isinstance(call.args[1], ast.Constant) and call.args[1].value is None)
    for kw in call.keywords:
        if kw.arg == "axis" and not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
            return True
        if kw.arg == "keepdims" and not (
            isinstance(kw.value, ast.Constant) and kw.value.value is False
        ):
            return True
    return False


def call_items(kinds, bound, caller):
    """The sequence arguments of a call that may hold arrays (`h([x, y])`), as
    `{parameter: "array"}`: the helper's analysis must not take `s[0]` for a float."""
    return {
        p: ARRAY
        for p, node in bound.items()
        if kinds.get(p) == SEQ and caller.may_hold_arrays(node)
    }


# -- reaching definitions --------------------------------------------------------
class Definitions:
    """For each assignment site: names that may / must be bound just before it.

    Standard structured dataflow: at a branch join, "must" is the
    intersection and "may" the union; a loop body may be entered from
    before the loop or from its own end (so its "may" includes everything
    the body assigns), and may run zero times.

    Straight-line code only adds names, so a block grows one insertion-ordered dict in
    place and a statement records (that dict, its length): the names bound before it are
    the dict's first entries, made a set when asked for (`maybe.get`, `must.get`).
    Copying the set at every statement made this quadratic in the statement count.
    """

    def __init__(self, tree: ast.FunctionDef):
        self.maybe = _Snapshots()  # id(site) -> set of names possibly bound before it
        self.must = _Snapshots()  # id(site) -> set of names certainly bound before it
        # (id(compound), "body" | "orelse") -> names certainly bound at its end
        self.must_end: dict[tuple[int, str], set[str]] = {}
        params = {a.arg for a in [*tree.args.posonlyargs, *tree.args.args, *tree.args.kwonlyargs]}
        self.at_end_must, self.at_end_maybe = self._block(tree.body, set(params), set(params))

    def _block(self, stmts, must, maybe):
        """(must, maybe) at the end of `stmts`, entered with the sets `must`, `maybe`."""
        must_d, maybe_d = _positions(must), _positions(maybe)
        for stmt in stmts:
            self.maybe.record(stmt, maybe_d)
            self.must.record(stmt, must_d)
            if isinstance(stmt, ast.Assign):
                for name in assigned_names(stmt):
                    if name not in must_d:
                        must_d[name] = len(must_d)
                    if name not in maybe_d:
                        maybe_d[name] = len(maybe_d)
            elif isinstance(stmt, (ast.If, ast.For, ast.While)):
                new_must, new_maybe = self._compound(stmt, set(must_d), set(maybe_d))
                must_d, maybe_d = _positions(new_must), _positions(new_maybe)
        return set(must_d), set(maybe_d)

    def _compound(self, stmt, must, maybe):
        if isinstance(stmt, ast.If):
            a_must, a_maybe = self._block(stmt.body, must, maybe)
            b_must, b_maybe = self._block(stmt.orelse, must, maybe)
            self.must_end[id(stmt), "body"] = a_must
            self.must_end[id(stmt), "orelse"] = b_must
            return a_must & b_must, a_maybe | b_maybe
        assigned = _all_assigned(stmt)
        entry_maybe = maybe | assigned
        entry_must = set(must)
        if isinstance(stmt, ast.For):
            entry_must.add(stmt.target.id)
        self.must_end[id(stmt), "body"], _ = self._block(stmt.body, entry_must, entry_maybe)
        return must, entry_maybe


def _positions(names):
    """name -> its position in an insertion-ordered dict that only grows."""
    return {name: i for i, name in enumerate(names)}


class _Snapshots:
    """id(statement) -> the set of names (of a growing dict, its first entries) before it.
    The dict maps each name to its position, so `has` answers without making the set:
    made at every query, the sets made the save analysis quadratic in the statement count."""

    def __init__(self):
        self._at: dict[int, tuple[dict, int]] = {}
        self._sets: dict[int, set[str]] = {}

    def record(self, stmt, names: dict) -> None:
        self._at[id(stmt)] = (names, len(names))

    def get(self, key: int, default=None):
        found = self._sets.get(key)
        if found is None:
            if key not in self._at:
                return default
            names, count = self._at[key]
            found = self._sets[key] = set(itertools.islice(names, count))
        return found

    def has(self, key: int, name: str) -> bool:
        """Is `name` in the set of statement `key` (False for an unknown statement)?"""
        at = self._at.get(key)
        if at is None:
            return False
        names, count = at
        position = names.get(name)
        return position is not None and position < count

    def __getitem__(self, key: int) -> set[str]:
        if key not in self._at:
            raise KeyError(key)
        return self.get(key)

    def __contains__(self, key: int) -> bool:
        return key in self._at


def assigned_names(stmt):
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple):
        return {e.id for e in target.elts}
    return set()


def _all_assigned(stmt):
    names = set()
    for node in walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names

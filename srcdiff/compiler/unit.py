"""One code-generation request: a main function, the helpers it calls, their bindings.

A *unit* is what one `srcdiff.grad(f)` specialisation (or one `srcdiff show`)
generates: the main derivative function plus a fwd/bwd pair per helper
specialisation, all compiled together.  The unit owns:

* names shared by every function in it (the stack, helper function names);
* bindings: objects that rule templates and helpers refer to (``math``,
  ``np``, runtime helpers), each given one readable name;
* the worklist of helper specialisations (function, which parameters are
  active, argument kinds), so a helper called twice the same way is
  generated once and recursion terminates.
"""

from __future__ import annotations

import ast
import inspect
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SrcDiffError, UnsupportedSyntaxError
from .analysis import (
    INT,
    SCALAR,
    SEQ,
    Analysis,
    Definitions,
    call_items,
    kind_of_value,
    rank_of_value,
)
from .astutil import walk
from .list_edits import drop_number_checks
from .naming import Names, source_names, stem_of
from .normalize import normalized
from .source import MISSING, FunctionSource


@dataclass(frozen=True, eq=False)
class Prepared:
    """What a transformer (transform.py) works on, made by `Unit.prepare`: one
    specialisation of one function, normalized and analysed."""

    source: FunctionSource
    tree: ast.FunctionDef  # the transformer's own copy of the normalized tree
    names: Names  # allocator continuing from normalization's names
    wrt: tuple[str, ...]  # the active parameters, in order
    analysis: Analysis  # kinds and activity, of `tree`
    definitions: Definitions  # reaching definitions, of `tree`


class HelperSpec:
    """A user function called from differentiated code, and how it is called."""

    def __init__(self, func, source):
        self.func = func
        self.source = source
        self.signature = inspect.signature(func)
        self.params = list(self.signature.parameters)
        self.active = ()
        self.kinds = {}
        self.ranks = {}
        self.items = {}  # seq parameters that may hold arrays -> "array" (Analysis.array_seqs)
        self.fwd_name = self.bwd_name = None
        self.passed = ()  # parameters whose values the caller passes to the backward sweep

    @property
    def variadic(self):
        return any(
            p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in self.signature.parameters.values()
        )

    def number_default(self, param):
        """The int or float `param` defaults to, else None: a call that leaves it out
        passes it to the backward sweep as a constant (split.Flattener._passed), so
        nothing is saved -- a saved value would be a number of unknown kind to a Hessian's
        second pass, differentiated (`x ** power`'s log(x) at a negative x)."""
        default = self.signature.parameters[param].default
        return default if type(default) in (int, float) else None

    def bind(self, args, keywords):
        bound = self.signature.bind_partial(*args, **{k.arg: k.value for k in keywords})
        return dict(bound.arguments)


class Unit:
    """See module docstring."""

    def __init__(self, seed=None, reserved=()):
        self.reserved = set(reserved)
        self.names = Names(self.reserved)
        self._stack_name = None
        self.mutates = False  # does generated code assign into arrays (y[i] = ...)?
        self.checkpoint = None  # snapshots per checkpointed loop (reverse/checkpoint.py)
        self.backend = "python"  # or "numba": derive rewrites the functions (njit.py)
        self.numba_cache = False  # @numba.njit(cache=True) (srcdiff build)
        # arguments of another dtype than float64 (fills.py folds dtype-exactly only without)
        self.wide_args: frozenset[str] = frozenset()
        self.narrow_args: frozenset[str] | None = None
        self.seed = seed if seed is not None else ast.Constant(1.0)
        self.bindings = {}  # id(obj) -> (name, obj)
        self.binding_names = {}  # name -> obj
        self.sources = {}
        # func -> (the names its tree mentions, its functions' parameters), from the walk
        # `source` makes anyway (derive._check_clashes asks them again)
        self.source_names: dict = {}
        self.specs = {}  # (func, active, kinds) -> HelperSpec
        self.pending = []
        self._kind_cache = {}
        self._in_progress = {}
        self._guessed = set()  # output-kind keys a recursive call was given a guess for

    @property
    def stack_name(self):
        """`_stack`, or `_stack_1` when the code being differentiated has its own
        (generated code differentiated again).  Chosen once the main source is read."""
        if self._stack_name is None:
            self._stack_name = self.names.exact_or_suffixed("_stack")
        return self._stack_name

    # -- sources ---------------------------------------------------------------------
    def source(self, func):
        if func not in self.sources:
            self.sources[func] = FunctionSource(func)
            found = source_names(self.sources[func])
            self.names.taken |= found.names
            self.source_names[func] = (found.names, found.params)
        return self.sources[func]

    def prepare(
        self,
        source: FunctionSource,
        wrt: Sequence[str],
        kinds: dict,
        ranks: dict | None = None,
        items: dict | None = None,
    ) -> Prepared:
        """`source` normalized (once per function: the tree is shared, so the
        transformer gets a copy it may rewrite) and analysed for these active
        parameters, argument kinds and ranks."""
        core = normalized(source, self.reserved)
        tree = core.copy_tree()
        analysis = Analysis(tree, source.resolver, kinds, set(wrt), self.output_kinds, ranks, items)
        drop_number_checks(tree, analysis, source.resolver.resolve, (SCALAR, INT))
        names = core.names()
        names.reserve(self.stack_name)  # the unit's: a saved `_stack` must not be called so
        return Prepared(
            source=source,
            tree=tree,
            names=names,
            wrt=tuple(wrt),
            analysis=analysis,
            definitions=Definitions(tree),
        )

    # -- bindings ----------------------------------------------------------------------
    def bind(self, obj, preferred, fn=None):
        """A name generated code can use for `obj` (a module, a helper, a constant)."""
        key = id(obj)
        if key in self.bindings:
            return self.bindings[key][0]
        name = preferred
        taken = self.names.taken | set(self.binding_names)
        if fn is not None:
            taken |= fn.names.taken
        if name in taken and name not in self.binding_names and self._means(name, obj):
            taken = set()  # the user's code already calls this object by this name
        if name in taken and self.binding_names.get(name) is not obj:
            n = 1
            while f"{preferred}_{n}" in taken:
                n += 1
            name = f"{preferred}_{n}"
        self.bindings[key] = (name, obj)
        self.binding_names[name] = obj
        self.names.taken.add(name)
        return name

    def _means(self, name, obj):
        """Does `name` denote `obj` in some function of the unit, and nothing else (never
        a local) in any?  A taken name no function reads is a generated one (`cumprod_jvp`
        for a user's `cumprod`), so a binding of the same spelling must not reuse it."""
        found = False
        for src in self.sources.values():
            if src.resolver.is_local(name):
                return False
            value = src.resolver.lookup(name)
            if value is MISSING:
                continue
            if value is not obj:
                return False
            found = True
        return found

    # -- helpers -----------------------------------------------------------------------
    def helper_spec(self, caller: FunctionSource, func, call, args, keywords) -> HelperSpec:
        """The helper `func` called at `call` (in `caller`), checked against its signature."""
        spec = HelperSpec(func, self.source(func))
        for p in spec.signature.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):  # (variadic: see `variadic`)
                raise caller.error(
                    UnsupportedSyntaxError,
                    f"srcdiff cannot differentiate a call to {func.__name__}, "
                    "which takes *args or **kwargs",
                    call,
                    "give the helper named parameters",
                )
        try:
            spec.bind(args, keywords)
        except TypeError as exc:
            raise caller.error(
                SrcDiffError,
                f"this call to {func.__name__} does not match its signature: {exc}",
                call,
                None,
            ) from None
        return spec

    def assigned_names(self, source: FunctionSource) -> set[str]:
        """Names the (normalized) function assigns anywhere."""
        tree = normalized(source, self.reserved).tree
        return {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }

    def specialize(self, spec, active, kinds, mode="reverse", ranks=None, passed=(), items=None):
        """The helper specialisation for these active parameters, kinds and ranks (made
        once: a helper called twice the same way is generated once).  `passed`: the
        parameters whose values the caller passes to the backward sweep (reverse mode)."""
        ranks = dict(ranks or {})
        for p in spec.params:
            if p not in kinds:
                default = spec.signature.parameters[p].default
                kinds[p] = kind_of_value(default)
                ranks[p] = rank_of_value(default)
        key = (
            spec.func,
            tuple(active),
            tuple(sorted(kinds.items())),
            tuple(sorted((p, ranks.get(p)) for p in kinds)),
            tuple(sorted((items or {}).items())),
            mode,
            tuple(passed),
        )
        if key not in self.specs:
            spec.passed = tuple(passed)
            spec.active = tuple(active)
            spec.kinds = dict(kinds)
            spec.ranks = ranks
            spec.items = dict(items or {})
            spec.mode = mode
            base = stem_of(spec.func.__name__)
            same = sum(1 for k in self.specs if k[0] is spec.func and k[-2] == mode)
            suffix = "" if not same else f"_{same + 1}"
            if mode == "reverse":
                spec.fwd_name = self.names.exact_or_suffixed(f"{base}_fwd{suffix}")
                spec.bwd_name = self.names.exact_or_suffixed(f"{base}_bwd{suffix}")
            else:
                spec.jvp_name = self.names.exact_or_suffixed(f"{base}_jvp{suffix}")
                own = Names(source_names(spec.source).taken)
                spec.tangent_names = {p: own.exact_or_suffixed("d" + p.lstrip("_")) for p in active}
            self.specs[key] = spec
            self.pending.append(spec)
        return self.specs[key]

    @staticmethod
    def variadic(func, call):
        """(func, call) for a helper taking *args / **kwargs: its flat view for this call,
        the call's arguments by the view's names (compiler/trees.py `variadic_call`)."""
        from .trees import variadic_call

        found = variadic_call(func, call) if isinstance(func, types.FunctionType) else None
        return found if found is not None else (func, call)

    def output_kinds(self, func, call, caller):
        """Kind of what helper `func` returns when called as `call` from code analysed by
        `caller` (an Analysis), or None if unknown yet."""
        func, call = self.variadic(func, call)
        try:
            spec = HelperSpec(func, self.source(func))
            bound = spec.bind(call.args, call.keywords)
        except (TypeError, SrcDiffError):
            return None
        if spec.variadic:
            return None  # refused with a clear error when the call is split
        kinds, ranks, items = self.call_kinds(spec, bound, caller)
        key = (
            func,
            tuple(sorted(kinds.items())),
            tuple(sorted(ranks.items())),
            tuple(sorted(items.items())),
        )
        if key in self._kind_cache:
            return self._kind_cache[key]
        if key in self._in_progress:  # recursion: the current guess (bottom at first)
            self._guessed.add(key)
            return self._in_progress[key]
        self._in_progress[key] = None
        try:
            source = spec.source
            tree = normalized(source).tree  # (shared: analysis only reads it)
            for _ in range(6):  # iterate recursive calls to a fixpoint
                an = Analysis(
                    tree, source.resolver, kinds, set(kinds), self.output_kinds, ranks, items
                )
                ret = tree.body[-1].value
                if isinstance(ret, ast.Tuple):
                    result = tuple(an.kinds.get(e.id) or SCALAR for e in ret.elts)
                else:
                    result = an.kinds.get(ret.id)
                if result == self._in_progress[key] or key not in self._guessed:
                    break  # a fixpoint, or no recursive call asked for a guess: one pass
                self._in_progress[key] = result
        finally:
            del self._in_progress[key]
        self._kind_cache[key] = result
        return result

    def call_kinds(self, spec, bound, caller):
        """Kinds, ranks and element kinds (of sequences that may hold arrays) of a
        helper's parameters in one call (defaults included)."""
        kinds, ranks = {}, {}
        for p in spec.params:
            if p in bound:
                kinds[p] = caller.expr(bound[p])[0] or SCALAR
                ranks[p] = caller.rank(bound[p])
            else:
                default = spec.signature.parameters[p].default
                kinds[p], ranks[p] = kind_of_value(default), rank_of_value(default)
            if isinstance(kinds[p], tuple):
                kinds[p] = SEQ
        return kinds, ranks, call_items(kinds, bound, caller)

    def memory_summary(self, caller):
        """`(func, call) -> InPlaceSummary` for calls in code analysed by `caller`
        (aliasing.py): which arguments the helper changes in place, which its results
        may share."""

        def summary(func, call):
            func, call = self.variadic(func, call)
            try:
                spec = HelperSpec(func, self.source(func))
                bound = spec.bind(call.args, call.keywords)
            except (TypeError, SrcDiffError):
                return None
            if spec.variadic:
                return None
            return self._memory_summary(func, *self.call_kinds(spec, bound, caller))

        return summary

    def _memory_summary(self, func, kinds, ranks, items):
        from .aliasing import InPlaceSummary, check_memory

        key = (
            "memory",
            func,
            tuple(sorted((k, str(v)) for k, v in kinds.items())),
            tuple(sorted(ranks.items())),
            tuple(sorted(items.items())),
        )
        if key in self._kind_cache:
            return self._kind_cache[key]
        source = self.source(func)
        if key in self._in_progress:  # recursion: what the body changes, shares unknown
            stores = {
                n.id
                for n in walk(source.tree)
                if isinstance(n, ast.AugAssign)
                for n in [n.target]
                if isinstance(n, ast.Name)
            }
            return InPlaceSummary(stores & set(kinds), None)
        self._in_progress[key] = None
        try:
            tree = normalized(source).tree  # (shared: these only read it)
            an = Analysis(tree, source.resolver, kinds, set(), self.output_kinds, ranks, items)
            result = check_memory(tree, an, source, self.memory_summary(an), role="helper")
        except SrcDiffError:
            result = None  # reported when the helper itself is differentiated
        finally:
            del self._in_progress[key]
        self._kind_cache[key] = result
        return result

    def module_of(self, func):
        return sys.modules.get(func.__module__)

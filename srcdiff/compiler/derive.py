"""The pipeline driver: function + options -> generated source and compiled code.

parse -> normalize -> analyze -> transform -> resolve saves -> print -> compile.
Each derivative request is one `Unit` (see unit.py); this module assembles
the unit's functions into `def` statements, prints them and compiles them.
"""

from __future__ import annotations

import ast
import functools
import re
import types
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import BackendError, NonScalarOutputError, NotBatchable, NotUnrollable, SrcDiffError
from . import njit
from .analysis import ARRAY, INT, LIST, SCALAR, SEQ, SEQ2, useful_names
from .astutil import (
    Transformer,
    copy_tree,
    each_statement,
    fix_missing_locations,
    fix_statement_locations,
    stored_names,
    tuple_of,
    walk,
)
from .astutil import assign as _assign
from .astutil import attr_call as _attr_call
from .astutil import call as _call
from .astutil import named as _name
from .batch import BatchTransform
from .emit import Printer, compile_unit, import_lines
from .fills import facts_for, fold_fills
from .forward import ForwardTransform
from .gcpause import gc_paused
from .guards import HOLDS
from .namefacts import NameFacts
from .optimize import eliminate_dead, fold_single_use, propagate
from .repeats import share_repeats
from .returns_none import check_returns_a_value
from .reverse import FunctionTransform
from .reverse.checkpoint import parse_option
from .reverse.float_tape import route_floats, sized_at
from .reverse.frees import free_dead_arrays
from .reverse.int_pops import declarations, declare_int_pops
from .reverse.invariants import hoist_negations
from .reverse.packed import pack_saves
from .signs import tidy_signs
from .source import MISSING
from .straight import fold_straight_line
from .unit import Unit
from .unroll import merge, share_partials


@dataclass
class Generated:
    """Source text of one unit and how to get the entry function from it."""

    text: str  # the functions, as a user reads them
    imports: list  # import lines a reader (or `srcdiff build`) needs
    bindings: dict  # name -> object, bound as closure variables
    entry: str  # name of the main generated function
    globals: dict  # the user's module globals
    label: str
    # (function, its __code__ when this was generated) for the function and every helper:
    # code replaced since (IPython's autoreload does that) makes this stale
    depends_on: tuple = ()
    backend: str = "python"  # or "numba" (compiler/njit.py rewrote the functions)
    tape: tuple = ()  # the Numba backend's: what a fwd/bwd pair takes (njit.rewrite)

    def is_current(self) -> bool:
        return all(f.__code__ is code for f, code in self.depends_on)

    def source(self) -> str:
        head = "\n".join(self.imports)
        return (head + "\n\n\n" if head else "") + self.text + "\n"

    def compile(self) -> Callable:
        fn = compile_unit(self.text, self.bindings, self.globals, self.entry, self.label)
        if not isinstance(fn, tuple) and self.backend == "python":  # (a "split" unit
            # compiles to a fwd/bwd pair; api/backends.py wraps Numba's dispatchers)
            fn.srcdiff_depends_on = self.depends_on  # type: ignore[attr-defined]
        return fn


@gc_paused
def generate(
    func: types.FunctionType,
    wrt: Sequence[str],
    kinds: dict[str, str],
    *,
    output: str = "grad",
    ranks: dict[str, int | None] | None = None,
    narrow: Collection[str] = (),
    dense: Collection[str] = (),
    python_numbers: Collection[str] = (),
    wide: Collection[str] = (),
    checkpoint: object = None,
    backend: str = "python",
    cache: bool = False,
) -> Generated:
    """Generated code for `func`, the compiler's entry point.  `wrt`: parameter names;
    `kinds`: parameter -> kind; `output`: "grad" (returns the gradients), "value_and_grad"
    (value, gradients), either with "_aux" (the function returns (output, aux):
    (gradients, aux) and ((value, aux), gradients), as JAX's has_aux), "vjp" (takes a
    cotangent `g` for the output, returns one cotangent per `wrt` parameter), "split" (a
    fwd/bwd pair; the entry names both) -- reverse mode -- or "jvp" (forward mode), "jvps"
    (forward mode, each `wrt` parameter's direction separately, in one function:
    unroll.py; numbers only).  `ranks`: parameter -> ndim where known (code specialised
    to them indexes arrays down to scalars as such); `narrow`: array parameters of a float
    dtype other than float64, whose gradients are cast back (float32 stays float32 where
    the function computes in float64); `dense`: array parameters with no axis of length 1
    (shapes.py: broadcasting against them stretches no axis); `python_numbers`: parameters
    given Python floats or ints (their gradient is a Python float); `wide`: parameters of
    a complex or long-double dtype (fills.py folds nothing that could change a dtype);
    `checkpoint`: how to
    checkpoint the main function's outermost loops (reverse mode): a number of snapshots
    or "binomial:S" / "uniform:S" (reverse/checkpoint.py `parse_option`); `backend`:
    "python", or "numba" (the functions rewritten by njit.py, each decorated
    `@numba.njit`, or with `cache` `@numba.njit(cache=True)`: for modules on disk,
    `srcdiff build`)."""
    option = parse_option(checkpoint)
    if backend not in ("python", "numba"):
        raise SrcDiffError(f"backend must be 'python', 'numba' or 'auto', not {backend!r}")
    if backend == "numba" and option is not None:
        raise BackendError(
            "the Numba backend does not checkpoint loops",
            hint='use backend="python" with checkpoint=, or the Numba backend without it',
        )
    reserved: set[str] = set()
    for _ in range(3):
        unit = Unit(reserved=reserved)
        unit.checkpoint = option
        unit.backend = backend
        unit.numba_cache = cache
        unit.wide_args = frozenset(wide)
        try:
            return _generate(
                unit,
                func,
                wrt,
                kinds,
                output,
                dict(ranks or {}),
                set(narrow),
                set(dense),
                set(python_numbers),
            )
        except _NameClash as clash:
            reserved |= clash.names
    raise SrcDiffError(f"could not choose non-clashing names for {func.__name__}")


class _NameClash(Exception):
    def __init__(self, names):
        self.names = names


def _generate(
    unit,
    func,
    wrt,
    kinds,
    output,
    ranks,
    narrow=frozenset(),
    dense=frozenset(),
    python_numbers=frozenset(),
):
    source = unit.source(func)
    if isinstance(source.tree, ast.FunctionDef):  # (None has no derivative, on any path)
        check_returns_a_value(source.tree, source)
    if output in ("jvp", "jvp_aux"):
        return _generate_forward(unit, func, wrt, kinds, ranks, aux=output == "jvp_aux")
    if output == "jvps":
        return _generate_unrolled(unit, func, wrt, kinds, ranks)
    if output == "jvp_batch":
        return _generate_batched(unit, func, wrt, kinds, ranks)
    if output == "split":
        return _generate_split(unit, func, wrt, kinds, ranks)
    source = unit.source(func)
    prepared = unit.prepare(source, wrt, kinds, ranks)
    if output.endswith("_aux"):
        _aux_is_not_differentiated(prepared)
    main = FunctionTransform(unit, prepared, "main")
    main.narrow = narrow
    unit.narrow_args = frozenset(narrow) | unit.wide_args  # fills.py: not float64
    main.shapes.dense_params = frozenset(dense)
    main.python_numbers = frozenset(python_numbers)
    entry = unit.names.exact_or_suffixed(f"{func.__name__}_{_suffix(output)}")
    cot = None
    if output == "vjp":
        cot = main.adj(main.outputs[0]) if len(main.outputs) == 1 else None
    fwd, seeds, bwd, state = main.build()
    if output == "vjp":
        seeds = []
        if len(main.outputs) == 1:
            if main.an.active.get(main.outputs[0]):
                state.add(main.outputs[0])
                seeds = main.owned_adjoints(state, main.outputs)  # (the caller's cotangent)
        else:
            raise NonScalarOutputError(
                f"{func.__name__} returns {len(main.outputs)} results; a vjp function takes "
                "the cotangent of one",
                node=main.source.tree,
                source=main.source,
                hint="hold them in one tuple (`t = (a, b)`, then `return t`): its vjp takes "
                "one cotangent, a tuple; or use srcdiff.vjp, which takes one per result",
            )
    functions = [_main_function(main, entry, fwd, seeds, bwd, state, output, cot)]
    return _finish(unit, func, functions, entry)


def _aux_is_not_differentiated(prepared):
    """has_aux: values that reach only the auxiliary output (`metrics = {"loss": loss}`)
    are computed, not differentiated -- no derivative of them is asked for, so they may be
    anything (a dict of results, a string)."""
    ret = prepared.tree.body[-1] if prepared.tree.body else None
    if not (
        isinstance(ret, ast.Return)
        and isinstance(ret.value, ast.Tuple)
        and len(ret.value.elts) == 2
        and isinstance(ret.value.elts[0], ast.Name)
    ):
        return
    an = prepared.analysis
    useful = useful_names(prepared.tree, [ret.value.elts[0].id], an.kinds)
    for name in list(an.active):
        if name not in useful and name not in prepared.wrt:
            an.active[name] = False
            an.not_differentiated.add(name)
            an.changed()
    for name in list(an.lost):  # (a derivative lost in a dict nobody differentiates)
        if name not in useful:
            del an.lost[name]


def _name_guards(unit):
    """(guard, HOLDS) for every name the unit's sources looked up that denoted a function,
    a class or a held object (compiler/guards.py): reuse checks these like code objects."""
    guards = {}
    for src in unit.sources.values():
        for guard in src.resolver.guards.values():
            guards.setdefault((id(guard.holder), guard.name), guard)
    return tuple((g, HOLDS) for _, g in sorted(guards.items(), key=lambda kv: kv[0][1]))


def _finish(unit, func, functions, entry):
    """Generate pending helpers, check names, print: the unit's Generated."""
    done = set()
    while unit.pending:
        spec = unit.pending.pop(0)
        if id(spec) in done:
            continue
        done.add(id(spec))
        if spec.mode == "reverse":
            functions += _helper_functions(unit, spec)
        else:
            functions.append(_jvp_function(unit, spec, role="helper"))
    _check_clashes(unit, functions)
    tape: tuple = ()
    if unit.backend == "numba":
        taken = set(unit.names.taken) | set(unit.binding_names)
        tape = njit.rewrite(
            functions,
            unit.stack_name,
            taken,
            unit.bind,
            cache=unit.numba_cache,
            bindings=unit.binding_names,
            globals_=func.__globals__,
        )
    printer = Printer(_LineText(unit))
    texts = [
        printer.function(f, comments_from=getattr(f, "comments_from", None)) for f in functions
    ]
    text = "\n\n\n".join(texts)
    words = set(re.findall(r"[A-Za-z_]\w*", text))  # a binding optimised away is not shown
    generated = Generated(
        text=text,
        imports=import_lines({k: v for k, v in unit.binding_names.items() if k in words}),
        bindings=dict(unit.binding_names),
        entry=entry,
        globals=func.__globals__,
        label=f"{func.__name__}",
        depends_on=tuple((f, f.__code__) for f in unit.sources) + _name_guards(unit),
    )
    generated.mutates = unit.mutates
    generated.backend = unit.backend
    generated.tape = tuple(tape)
    return generated


def _generate_split(unit, func, wrt, kinds, ranks):
    """A fwd/bwd pair for `func` itself: vjp runs the forward sweep once."""
    from .unit import HelperSpec

    spec = HelperSpec(func, unit.source(func))
    spec = unit.specialize(spec, list(wrt), dict(kinds), "reverse", ranks)
    return _finish(unit, func, [], f"{spec.fwd_name}, {spec.bwd_name}")


def _generate_forward(unit, func, wrt, kinds, ranks, aux=False):
    from .unit import HelperSpec

    spec = HelperSpec(func, unit.source(func))
    spec.active, spec.kinds, spec.mode = tuple(wrt), dict(kinds), "forward"
    spec.ranks = ranks
    spec.jvp_name = unit.names.exact_or_suffixed(f"{func.__name__}_jvp")
    spec.tangent_names = None
    fdef = _jvp_function(unit, spec, role="main", aux=aux)
    return _finish(unit, func, [fdef], spec.jvp_name)


def _generate_unrolled(unit, func, wrt, kinds, ranks):
    """`f_jvps(params..., dp1, dp2, ...) -> (value, (tangent along p1, along p2, ...))`:
    the tangent code of each parameter's direction in one function, the primal code once
    (unroll.py).  Raises NotUnrollable where the directions' code doesn't line up."""
    if any(k not in (SCALAR, INT) for k in kinds.values()):  # numbers only: no shapes
        raise NotUnrollable(f"{func.__name__} takes arrays or lists here")
    fn = ForwardTransform(unit, unit.prepare(unit.source(func), wrt, kinds, ranks), "main")
    bodies, names, seeds, outs = [], [], [], []
    for p in wrt:
        body, state = fn.build(seeded=p)
        seeds.append(fn.adj(p))
        outs.append(tuple_of([fn.output_tangent(o, state) for o in fn.outputs]))
        names.append(set(fn.adjoints.values()))
        bodies.append(body)
    _tag_lines(fn, [s for body in bodies for s in body])
    merged = merge(bodies, names)
    if merged is None or unit.pending:  # (a helper's h_jvp computes values and tangents)
        raise NotUnrollable(f"the directions of {func.__name__} can't share one function")
    values = tuple_of([_name(o) for o in fn.outputs])
    result = ast.Tuple(elts=[values, ast.Tuple(elts=outs, ctx=ast.Load())], ctx=ast.Load())
    every = set().union(*names)
    pure = {n for n, obj in unit.binding_names.items() if isinstance(obj, types.ModuleType)}
    body = propagate(merged + [ast.Return(value=result)], every, int_names=fn.int_names)
    body = eliminate_dead([body], every, pure)[0]
    body = _fold_tangent_code(fn, body, every)
    body = share_partials(body, every, pure, lambda: unit.names.numbered("p"))
    args = copy_tree(fn.tree.args)
    _bind_defaults(fn, func, args)
    args.args += [ast.arg(arg=s) for s in seeds]
    args.defaults = []  # every argument is passed (forward.number_gradient)
    doc = ast.Expr(
        value=ast.Constant(
            f"Value and tangents of {func.__name__} along each of {', '.join(wrt)} (forward mode)."
        )
    )
    entry = unit.names.exact_or_suffixed(f"{func.__name__}_jvps")
    fdef = ast.FunctionDef(name=entry, args=args, body=[doc] + body, decorator_list=[])
    fdef.comments_from = body[0] if body else None
    fdef.value_kinds = _value_kinds(fn)
    fdef.value_rank = _value_rank(fn)
    fdef.float64_params = _float64_params(fn)
    _qualify_free_names(fn, fdef)
    return _finish(unit, func, [fix_missing_locations(fdef)], entry)


def _generate_batched(unit, func, wrt, kinds, ranks):
    """`f_jvp_batch(params..., dx) -> (value, tangent)` with k directions of the one
    parameter `wrt` at once: `dx` and every tangent carry a leading batch axis
    (batch.py).  Raises NotBatchable outside its subset; the output's tangent is 0.0
    where it doesn't depend on the parameter (the caller knows k and makes the zeros)."""
    (param,) = wrt
    if kinds.get(param) != ARRAY:
        raise NotBatchable(f"{param} is not an array here")
    fn = BatchTransform(unit, unit.prepare(unit.source(func), wrt, kinds, ranks), "main")
    body, state = fn.build()
    guards = fn.rank_guards()
    if len(fn.outputs) != 1 or unit.pending:
        raise NotBatchable(f"{func.__name__} returns several values or calls a helper")
    _tag_lines(fn, body)
    (out,) = fn.outputs
    result = ast.Tuple(elts=[_name(out), fn.output_tangent(out, state)], ctx=ast.Load())
    tangents = set(fn.adjoints.values())
    pure = {n for n, obj in unit.binding_names.items() if isinstance(obj, types.ModuleType)}
    # (no fills.py folds: they read shapes of values, and a tangent's shape is not its value's)
    body = propagate(body + [ast.Return(value=result)], tangents, int_names=fn.int_names)
    body = eliminate_dead([body], tangents, pure)[0]
    body = guards + _fold_tangent_code(fn, body, tangents)
    args = copy_tree(fn.tree.args)
    _bind_defaults(fn, func, args)
    args.args.append(ast.arg(arg=fn.adj(param)))
    args.defaults = []  # every argument is passed (forward.batched_columns)
    doc = ast.Expr(
        value=ast.Constant(
            f"Value and tangents of {func.__name__} along the directions on the first axis "
            f"of {fn.adj(param)} (forward mode, batched)."
        )
    )
    entry = unit.names.exact_or_suffixed(f"{func.__name__}_jvp_batch")
    fdef = ast.FunctionDef(name=entry, args=args, body=[doc] + body, decorator_list=[])
    fdef.comments_from = body[0] if body else None
    _qualify_free_names(fn, fdef)
    return _finish(unit, func, [fix_missing_locations(fdef)], entry)


def _jvp_function(unit, spec, role, aux=False):
    """`def h_jvp(params..., dparams...)` returning (value, tangent); with `aux` (has_aux:
    the function returns (output, aux)), the tangent of the output and None for aux."""
    prepared = unit.prepare(spec.source, spec.active, spec.kinds, spec.ranks, spec.items)
    if aux:
        _aux_is_not_differentiated(prepared)
    fn = ForwardTransform(unit, prepared, role)
    body, state = fn.build(spec.tangent_names)
    _tag_lines(fn, body)
    outs = fn.outputs
    values = [_name(o) for o in outs]
    tangents = [fn.output_tangent(o, state) for o in outs]
    if aux and len(tangents) == 2:
        tangents[1] = ast.Constant(None)
    if role == "main":  # (value, tangent), as jvp returns them
        result = ast.Tuple(elts=[tuple_of(values), tuple_of(tangents)], ctx=ast.Load())
    else:  # flat, so callers unpack one level: a, b, da, db = h_jvp(...)
        result = ast.Tuple(elts=values + tangents, ctx=ast.Load())
    body = _tidy(fn, body + [ast.Return(value=result)])
    body = _fold_tangent_code(fn, body, set(fn.adjoints.values()))
    args = copy_tree(fn.tree.args)
    _bind_defaults(fn, spec.func, args)
    tangent_args = [ast.arg(arg=fn.adj(p)) for p in spec.active]
    if role == "main":
        args.args += tangent_args
        args.defaults = (
            list(args.defaults) + [ast.Constant(0.0)] * len(tangent_args) if args.defaults else []
        )
    else:
        args.kwonlyargs += tangent_args
        args.kw_defaults += [ast.Constant(0.0)] * len(tangent_args)
    doc = ast.Expr(
        value=ast.Constant(
            f"Value and tangent of {spec.func.__name__} along {', '.join(spec.active)} "
            "(forward mode)."
        )
    )
    fdef = ast.FunctionDef(
        name=spec.jvp_name, args=args, body=[doc] + body, decorator_list=[], returns=None
    )
    fdef.comments_from = body[0] if body else None
    fdef.value_kinds = _value_kinds(fn)
    fdef.value_rank = _value_rank(fn)
    fdef.float64_params = _float64_params(fn)
    _qualify_free_names(fn, fdef)
    return fix_missing_locations(fdef)


class _LineText:
    """srcline (a `(source, relative line)` tag) -> (file line number, text)."""

    def __init__(self, unit):
        self.unit = unit

    def __contains__(self, tag):
        return isinstance(tag, tuple)

    def __getitem__(self, tag):
        source, rel = tag
        number = source.first_line + rel - 1
        text = source.file_lines[number - 1].strip() if 0 < number <= len(source.file_lines) else ""
        return number, text


def _suffix(output):
    return output.removesuffix("_aux")  # (has_aux changes what it returns, not its name)


def _tag_lines(fn, stmts):
    for node in each_statement(stmts):  # (only statements are tagged)
        if isinstance(getattr(node, "srcline", None), int):
            node.srcline = (fn.source, node.srcline)


def _resolve(fn, fwd, bwd, tail=()):
    """Decide saves; `tail`: expressions evaluated after the backward sweep (the
    returned gradients), whose reads count as reads of the backward sweep."""
    needed = fn.needed(list(bwd) + [ast.Expr(value=e) for e in tail])
    fwd = fn.resolve_markers(fwd, needed)
    bwd = fn.resolve_markers(bwd, needed)
    _tag_lines(fn, bwd)
    for node in each_statement(fwd):  # comments only in the backward sweep
        if hasattr(node, "srcline"):
            del node.srcline
    return fwd, bwd, needed


def _prologue(fn):
    inits = [_assign(v, ast.Constant(None)) for v in sorted(fn.none_init)]
    if fn.uses_stack and fn.role == "main":
        inits.append(_assign(fn.stack, ast.List(elts=[], ctx=ast.Load())))
    return inits


def _main_function(fn, entry, fwd, seeds, bwd, state, output, cot):
    fwd, bwd, _ = _resolve(
        fn, fwd, bwd, [_in_dtype_of(fn, p, fn.final_adjoint(p, set(state))) for p in fn.wrt]
    )
    numbers = _number_names(fn)
    fwd, bwd = share_repeats(fwd, numbers), share_repeats(bwd, numbers)
    out = fn.outputs[0]
    has_aux = output.endswith("_aux")
    output = output.removesuffix("_aux")
    _check_outputs(fn, output, has_aux)
    checks = []
    if output != "vjp" and fn.an.active.get(out) and fn.an.kinds.get(out) != SCALAR:
        checks.append(
            ast.Expr(
                value=_call(
                    fn.bind(_runtime().check_scalar, "check_scalar"),
                    _name(out),
                    ast.Constant(fn.source.name),
                )
            )
        )
    grads = [_in_dtype_of(fn, p, fn.final_adjoint(p, state)) for p in fn.wrt]
    result = grads[0] if len(grads) == 1 else ast.Tuple(elts=grads, ctx=ast.Load())
    kept = []  # results read before the backward sweep, which restores overwritten names
    if output == "value_and_grad":
        kept.append(_keep(fn, out, "value"))
    if has_aux:
        kept.append(_keep(fn, fn.outputs[1], "aux"))
    checks[:0] = [keep for keep, _ in kept]
    values = [name for _, name in kept]
    if output == "value_and_grad" and has_aux:  # JAX's conventions
        result = ast.Tuple(elts=[ast.Tuple(elts=values, ctx=ast.Load()), result], ctx=ast.Load())
    elif output == "value_and_grad":
        result = ast.Tuple(elts=[values[0], result], ctx=ast.Load())
    elif has_aux:
        result = ast.Tuple(elts=[result, values[0]], ctx=ast.Load())
    body = _prologue(fn) + fwd
    facts = NameFacts()  # (what each statement reads and stores: one walk, shared below)
    tail = _tidy(fn, checks + seeds + bwd + [ast.Return(value=result)], facts)
    backward = {id(stmt) for stmt in tail}  # the return at least survives dead-code removal
    body += tail
    removable = (
        set(fn.adjoints.values())
        | set(fn.flat.temp_kinds)
        | (fn.source.resolver.locals - set(fn.params))
        | set(fn.outputs)
    )
    pure = {
        name for name, obj in fn.unit.binding_names.items() if isinstance(obj, types.ModuleType)
    }
    body = eliminate_dead(
        [body],
        removable - set(fn.params),
        pure | _user_modules(fn) | _pure_helpers(fn.unit),
        facts=facts,
    )[0]
    fwd_part, bwd_part = _fold(fn, body, backward, pure | _user_modules(fn), facts)
    fwd_part, bwd_part = _fold_straight(fn, fwd_part, bwd_part, pure | _user_modules(fn), facts)
    _tidy_signs(fn, bwd_part, set(fn.adjoints.values()))
    body = free_dead_arrays(fwd_part + bwd_part, _array_locals(fn))
    body = _hoist_negations(fn, body)
    body, tape = _float_tape(fn, body)
    body = _declare_int_pops(fn, body, tape)
    first_bwd = bwd_part[0]
    first_bwd.section = "backward sweep"
    if body[0] is not first_bwd:
        body[0].section = "forward sweep"
    args = copy_tree(fn.tree.args)
    if output == "vjp":
        args.args.append(ast.arg(arg=cot))
        if args.defaults:  # (after parameters with defaults: one of its own, as jvp's
            # tangents get 0.0; 1.0 pulls back the output itself, or its sum for an array --
            # without it the last default moved onto the cotangent: g_vjp(x, n, ds=3))
            args.defaults.append(ast.Constant(1.0))
    what = {
        "grad": "Gradient",
        "value_and_grad": "Value and gradient",
        "vjp": "Vector-Jacobian product",
    }[output]
    doc = ast.Expr(
        value=ast.Constant(
            f"{what} of {fn.source.name} with respect to {', '.join(fn.wrt)} (reverse mode)."
        )
    )
    fdef = ast.FunctionDef(
        name=entry, args=args, body=[doc] + body, decorator_list=[], returns=None
    )
    fdef.comments_from = first_bwd
    fdef.value_kinds = _value_kinds(fn)
    fdef.value_rank = _value_rank(fn)
    fdef.float64_params = _float64_params(fn)
    _qualify_free_names(fn, fdef)
    return fix_statement_locations(fdef)


def _number_names(fn):
    """The names that hold numbers (kind int or scalar): primal values, temporaries, and
    the adjoints of scalars (repeats.py shares their repeated arithmetic)."""
    kinds = {**fn.an.kinds, **fn.flat.temp_kinds}
    numbers = {name for name, kind in kinds.items() if kind in (INT, SCALAR)}
    return numbers | {adj for var, adj in fn.adjoints.items() if kinds.get(var) == SCALAR}


def _hoist_negations(fn, body):
    """Loops' negations of number parameters the function never assigns, computed once
    before the loop (reverse/invariants.py), in Python code that is not checkpointed."""
    unit = fn.unit
    if unit.backend != "python" or unit.checkpoint is not None:
        return body
    params = [p for p in fn.params if fn.an.kinds.get(p) in (INT, SCALAR)]
    return hoist_negations(body, params, fn.names.numbered) if params else body


def _float_tape(fn, body):
    """The pushes of proven floats on an `array('d')` made by `float_stack`
    (reverse/float_tape.py), in Python code that is not checkpointed; `_stack = []`
    goes where nothing else is left on it.  Returns the body and the tape's name (None
    where no tape is made)."""
    unit = fn.unit
    if unit.backend != "python" or unit.checkpoint is not None or not fn.uses_stack:
        return body, None
    made = [
        i
        for i, stmt in enumerate(body)
        if isinstance(stmt, ast.Assign)
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id == fn.stack
    ]
    if len(made) != 1:
        return body, None
    params = [p for p in fn.params if fn.an.kinds.get(p) == SCALAR]
    floats = fn.names.exact_or_suffixed("_floats")
    resolve = functools.partial(_resolve_call, fn)
    others = {a.arg for a in walk(fn.tree.args) if isinstance(a, ast.arg)} - set(params)
    guard = route_floats(body, fn.stack, floats, params, resolve, others)
    if guard is None:
        return body, None
    call = _call(fn.bind(_runtime().float_stack, "float_stack"), *map(_name, guard))
    at = made[0]
    others = body[:at] + body[at + 1 :]
    kept = any(isinstance(n, ast.Name) and n.id == fn.stack for s in others for n in walk(s))
    body = body if kept else others
    sized = sized_at(body, floats, guard, resolve)
    if sized is None:  # made where `_stack` was
        where = at + 1 if kept else at
    else:  # made before the one loop that pushes, knowing how many floats it will hold
        where, size = sized
        call.keywords.append(ast.keyword(arg="size", value=size))
    return body[:where] + [_assign(floats, call)] + body[where:], floats


def _declare_int_pops(fn, body, tape=None):
    """Pops of values the first pass does not differentiate declared (`k: int =
    _stack.pop()`, `c: float = _stack.pop()`) in Python code, for the Hessian's pass over
    it (reverse/int_pops.py); `tape`: the float tape's name, if the function has one."""
    if fn.unit.backend != "python":
        return body
    kinds = {**fn.an.kinds, **fn.flat.temp_kinds}
    temps, inactive = fn.flat.temp_kinds, fn.flat.inactive_temps
    constant = {n for n in kinds if (n in inactive if n in temps else fn.an.active.get(n) is False)}
    declared = declarations(
        kinds, constant, fn.an.maybe_int, fn.ir.header_kinds(), lambda: fn.bind(np, "np")
    )
    stacks = (fn.stack,) if tape is None else (fn.stack, tape)
    return declare_int_pops(body, stacks, declared)


def _resolve_call(fn, node):
    """The object a call's function (`math.sin`, `float`) denotes, or None: a binding of
    the generated code, else a name of the user's code that the function does not assign."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id in fn.source.resolver.locals:
        return None
    obj = fn.unit.binding_names.get(node.id, MISSING)
    if obj is MISSING:
        obj = fn.source.resolver.resolve(ast.Name(id=node.id, ctx=ast.Load()))
    for attr in reversed(parts):
        if not isinstance(obj, types.ModuleType):
            return None
        obj = getattr(obj, attr, MISSING)
    return None if obj is MISSING else obj


def _value_kinds(fn):
    """Name -> kind of what the function's variables, temporaries and control-flow
    headers hold: the Numba backend types the values it saves by it (njit.py)."""
    kinds = {**fn.an.kinds, **fn.flat.temp_kinds}
    ir = getattr(fn, "ir", None)  # (forward mode keeps no headers)
    if ir is not None:
        kinds.update(ir.header_kinds())
    return kinds


def _value_rank(fn):
    """Name -> ndim of the array it holds where certain, else None (the Numba backend
    saves arrays on a list per rank: njit.py)."""
    if getattr(fn, "shapes", None) is None:
        return lambda name: None
    # (through the transformer, which this keeps alive: its ShapeTokens holds it weakly)
    return functools.partial(_rank_in, fn)


def _float64_params(fn):
    """The array parameters that are float64 for certain: those differentiated (integer
    arrays are refused there, float32 by the Numba backend), less narrow and wide ones
    (compiler/fuse.py needs no run-time dtype check for them)."""
    unit = fn.unit
    skip = (unit.narrow_args or frozenset()) | unit.wide_args
    return frozenset(p for p in fn.wrt if fn.an.kinds.get(p) == ARRAY and p not in skip)


def _rank_in(fn, name):
    return fn.shapes.rank(name)


def _array_locals(fn):
    """Temporaries, variables and cotangents that hold arrays (freed once dead)."""
    kinds = {**fn.an.kinds, **fn.flat.temp_kinds}
    names = {v for v, kind in kinds.items() if kind == ARRAY}
    names |= {fn.adjoints[v] for v in fn.adjoints if kinds.get(v) == ARRAY}
    return names - set(fn.params)


def _check_outputs(fn, output, has_aux):
    """grad needs one output, a number or an array (checked to be a scalar when the code
    runs); with has_aux, a pair (output, auxiliary data)."""
    if output == "vjp":
        return
    if len(fn.outputs) == (2 if has_aux else 1):
        _check_output_kind(fn)
        return
    if has_aux:
        raise NonScalarOutputError(
            f"{fn.source.name} must return a pair (output, aux) for has_aux=True",
            node=fn.source.tree,
            source=fn.source,
            hint="return the scalar output and the auxiliary data as `return loss, aux`",
        )
    raise NonScalarOutputError(
        f"{fn.source.name} returns a tuple; grad needs a scalar output",
        node=fn.source.tree,
        source=fn.source,
        hint="use srcdiff.jacobian or srcdiff.vjp for functions with several outputs, "
        "or has_aux=True if it returns (output, auxiliary data)",
    )


def _check_output_kind(fn):
    """A list, a string or None has no gradient: refused by name, not a gradient of 0.0
    (or code indexing the seed 1.0 like the list)."""
    out = fn.outputs[0]
    kind = fn.an.kinds.get(out)
    if kind in (SCALAR, ARRAY, INT) or (kind is None and fn.an.active.get(out)):
        return
    what = {SEQ: "a list or tuple", SEQ2: "a list of tuples", LIST: "a list"}.get(kind)
    if what is None and kind is not None and fn.an.active.get(out):
        return  # (a differentiated value of no kind srcdiff follows: refused where made)
    raise NonScalarOutputError(
        f"{fn.source.name} returns {what or 'something other than a number'}; grad needs "
        "a scalar output",
        node=fn.source.tree,
        source=fn.source,
        hint="return a number (np.sum(...) of a list of terms), or use srcdiff.jacobian "
        "or srcdiff.vjp for several outputs",
    )


def _keep(fn, out, base):
    """(`base = out`, `base`): a result read before the backward sweep, which restores
    overwritten variables (an array restored in place is copied)."""
    name = fn.names.exact_or_suffixed(base)
    copied = _name(out)
    if out in fn.scatter:
        copied = _call(_attr_np(fn, "copy"), _name(out))
    return _assign(name, copied), _name(name)


def _in_dtype_of(fn, param, grad):
    """The gradient of a float32 (or other narrow) array in that array's dtype."""
    if param not in getattr(fn, "narrow", ()):
        return grad
    import numpy

    return _call(
        ast.Attribute(value=_name(fn.bind(numpy, "np")), attr="asarray", ctx=ast.Load()),
        grad,
        ast.Attribute(value=_name(param), attr="dtype", ctx=ast.Load()),
    )


def _helper_functions(unit, spec):
    fn = FunctionTransform(
        unit, unit.prepare(spec.source, spec.active, spec.kinds, spec.ranks, spec.items), "helper"
    )
    fn.passed = spec.passed
    fwd, _, bwd, state = fn.build()
    lists = [p for p in spec.active if fn.an.kinds.get(p) == "list"]
    grads = [fn.final_adjoint(p, state) for p in spec.active if p not in lists]
    fwd, bwd, needed = _resolve(fn, fwd, bwd, grads)
    header_vars = fn.ir.header_names()
    # what the backward sweep reads before restoring it, unless the caller passes it
    keep = sorted(
        (needed & fn.live_at_start) - set(fn.flat.temp_kinds) - header_vars - set(fn.passed)
    )
    for v in keep:
        if v not in fn.defs.at_end_must:
            fn.none_init.add(v)
    save = [ast.Expr(value=_attr_call(fn.stack, "append", _name(v))) for v in keep]
    restore = [_assign(v, _attr_call(fn.stack, "pop")) for v in reversed(keep)]
    if keep:
        fn.uses_stack = True
    outs = fn.outputs
    ret = (
        _name(outs[0])
        if len(outs) == 1
        else ast.Tuple(elts=[_name(o) for o in outs], ctx=ast.Load())
    )
    # single-use temporaries back into expressions, as in the main function's forward sweep
    pure = {n for n, obj in unit.binding_names.items() if isinstance(obj, types.ModuleType)}
    context = [*save, ast.Return(value=ret), *restore, *bwd]
    fwd = fold_single_use(
        fwd, set(fn.flat.temp_kinds), pure | _user_modules(fn), context, fn.int_names
    )
    fwd = share_repeats(fwd, _number_names(fn))
    fwd_body = _prologue(fn) + fwd + save + [ast.Return(value=ret)]
    args = copy_tree(fn.tree.args)
    _bind_defaults(fn, spec.func, args)
    args.posonlyargs, args.args = [], [ast.arg(arg=fn.stack)] + args.posonlyargs + args.args
    fwd_def = ast.FunctionDef(
        name=spec.fwd_name,
        args=args,
        body=[
            ast.Expr(
                value=ast.Constant(
                    f"Forward sweep of {spec.func.__name__}: its value, "
                    "saving what the backward sweep needs."
                )
            )
        ],
        decorator_list=[],
        returns=None,
    )
    couts = [fn.adj(o) for o in outs]
    if len(set(couts)) != len(couts):
        raise SrcDiffError(
            f"{spec.func.__name__} returns the same variable twice; srcdiff needs distinct outputs"
        )
    result = (
        None
        if not grads
        else grads[0]
        if len(grads) == 1
        else ast.Tuple(elts=grads, ctx=ast.Load())
    )
    bwd_args = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=fn.stack)]
        + [ast.arg(arg=c) for c in couts]
        + [ast.arg(arg=fn.adj(p)) for p in lists]
        + [ast.arg(arg=p) for p in spec.passed],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    bwd_body = _tidy(fn, restore + bwd + [ast.Return(value=result)], alive=set(spec.passed))
    bwd_body = share_repeats(bwd_body, _number_names(fn))
    if unit.backend == "python":  # (njit.py keeps a list per kind of value it saves)
        fwd_body, bwd_body = pack_saves(
            fwd_body, bwd_body, fn.stack, {a.arg for a in bwd_args.args}
        )
        bwd_body = _declare_int_pops(fn, bwd_body)
    fwd_def.body += fwd_body
    bwd_def = ast.FunctionDef(
        name=spec.bwd_name,
        args=bwd_args,
        body=[
            ast.Expr(
                value=ast.Constant(
                    f"Backward sweep of {spec.func.__name__}: adjoints of {', '.join(spec.active)}."
                )
            )
        ]
        + bwd_body,
        decorator_list=[],
        returns=None,
    )
    bwd_def.comments_from = bwd_body[0]
    for fdef in (fwd_def, bwd_def):
        fdef.value_kinds = _value_kinds(fn)
        fdef.value_rank = _value_rank(fn)
        fdef.float64_params = _float64_params(fn)
        _qualify_free_names(fn, fdef)
    return [fix_missing_locations(fwd_def), fix_missing_locations(bwd_def)]


def _attr_np(fn, attr_name):
    import numpy

    return ast.Attribute(value=_name(fn.bind(numpy, "np")), attr=attr_name, ctx=ast.Load())


def _user_modules(fn):
    """Names of modules (math, numpy) the user's code calls into: their calls are pure."""
    names = set()
    for name in fn.source.resolver.globals:
        value = fn.source.resolver.globals[name]
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in (
            "math",
            "numpy",
        ):
            names.add(name)
    return names


def _fold(fn, body, backward, pure, facts=None):
    """Single-use temporaries back into expressions, separately in each sweep (the
    backward sweep starts at the first statement whose id is in `backward`); `facts`:
    the statements' names where dead-code elimination found them (namefacts.py)."""
    split = next(i for i, stmt in enumerate(body) if id(stmt) in backward)
    fwd, bwd = body[:split], body[split:]
    temps = set(fn.flat.temp_kinds)
    derivs = set(fn.adjoints.values())
    facts = facts if facts is not None else NameFacts()
    counted = facts.counts(bwd)  # (the first fold changes the forward sweep only)
    fwd = fold_single_use(fwd, temps, pure, bwd, fn.int_names, context_counts=counted, facts=facts)
    bwd = fold_single_use(bwd, derivs, pure, fwd, fn.int_names, counts=counted, facts=facts)
    if fn.checkpoint_plans:  # (reverse/checkpoint.py)
        visit = fn.fold_checkpointed(
            lambda stmts, names: fold_single_use(stmts, names, pure, int_names=fn.int_names)
        )
        visit(fwd)
        visit(bwd)
    return fwd, bwd


def _fold_straight(fn, fwd, bwd, pure, facts=None):
    """straight.py's folds over both sweeps of a gradient without loops or branches:
    (forward part, backward part) again, the backward part starting at the first
    statement left of `bwd` (folding only removes statements); `facts`: the statements'
    names as `_fold` left them (namefacts.py), unless checkpointed loops were folded
    without them."""
    derivs = set(fn.adjoints.values())
    body = fold_straight_line(
        fwd + bwd,
        derivs | set(fn.flat.temp_kinds),
        pure,
        fn.int_names,
        returned=_array_locals(fn) & derivs,
        params=fn.params,
        prototypes=_prototype_facts(fn),
        names=None if fn.checkpoint_plans else facts,
    )
    if len(body) == len(fwd) + len(bwd):
        return fwd, bwd
    backward = {id(stmt) for stmt in bwd}
    split = next(i for i, stmt in enumerate(body) if id(stmt) in backward)
    return body[:split], body[split:]


def _prototype_facts(fn):
    """straight.py's (same_shape, numpy names, removable names) where every floating
    value is float64 (so two float arrays of one shape token have one dtype), else None.
    Without a floating array `same_shape` holds of no two names: None, without asking
    whether every value is float64 (a walk of every source)."""
    if ARRAY not in fn.an.kinds.values() and ARRAY not in fn.flat.temp_kinds.values():
        return None
    facts = facts_for(fn)
    if facts is None or not facts.exact_dtypes:
        return None

    def same_shape(a, b):
        token = facts.token(a)
        return (
            token is not None
            and facts.float_array(a)
            and facts.float_array(b)
            and (facts.token(b) == token)
        )

    removable = set(fn.flat.temp_kinds) | (fn.source.resolver.locals - set(fn.params))
    return same_shape, facts.numpy_names, removable


def _fold_tangent_code(fn, body, tangents):
    """Single-use temporaries and tangents back into expressions: the tangent code then
    runs with fewer stores and loads (a pass is ~10% cheaper on RK4).  Tangents of user
    variables are candidates too (read once, they are a temporary's tangent)."""
    candidates = set(fn.flat.temp_kinds) | (set(tangents) - set(fn.params))
    pure = {
        name for name, obj in fn.unit.binding_names.items() if isinstance(obj, types.ModuleType)
    }
    pure |= _user_modules(fn) | _pure_helpers(fn.unit)
    body = fold_single_use(body, candidates, pure, int_names=fn.int_names)
    return _tidy_signs(fn, body, set(tangents) | set(fn.adjoints.values()))


def _tidy_signs(fn, stmts, derivs):
    """Negations and doubled terms of derivative assignments tidied (signs.py)."""
    import numpy

    numpy_names = {name for name, obj in fn.unit.binding_names.items() if obj is numpy}
    return tidy_signs(stmts, derivs, numpy_names, fn.int_names)


# Runtime helpers that change none of their arguments and read nothing else: a
# single-use `dt = broadcast_like(e, t)` folds into its reader like `np.exp(e)` does,
# and a dead `da = unbroadcast(g, a)` goes, not left as a bare call (each returns a new
# array or one of its arguments; runtime/core.py).
_PURE_HELPERS = (
    "add_each",
    "broadcast_like",
    "expand_reduced",
    "like",
    "matmul_da",
    "matmul_db",
    "owned",
    "reduced_size",
    "scalar_like",
    "stored_in",
    "unbroadcast",
    "zeros_like",
)


def _pure_helpers(unit):
    """Names generated code calls the pure runtime helpers by (bound to those objects):
    those above, and the decompositions' (runtime/linalg.py: each returns new arrays; a
    dead `eigh_jvp(...)` goes with the check it makes of values nothing reads)."""
    from .. import runtime
    from ..runtime import linalg

    helpers = {id(getattr(runtime, h)) for h in _PURE_HELPERS}
    helpers |= {id(getattr(linalg, h)) for h in linalg.__all__}
    return {name for name, obj in unit.binding_names.items() if id(obj) in helpers}


def _tidy(fn, stmts, names=None, alive=None):
    """Propagation, fills and dead code over one sweep; `names`: what its statements read
    and store, shared with the passes after (namefacts.py); `alive`: the parameters
    `stmts` can read, where not all (a backward sweep's)."""
    adjoints = set(fn.adjoints.values())
    stmts = propagate(stmts, adjoints, int_names=fn.int_names, names=names)
    facts = _fill_facts(fn, stmts, alive)
    if facts is not None:
        stmts = fold_fills(stmts, facts, fn.int_names)  # np.full_like(t, c) * w -> c * w
        if names is not None:
            names.forget_all()  # (the folds change statements in place)
    pure = {
        name for name, obj in fn.unit.binding_names.items() if isinstance(obj, types.ModuleType)
    }
    return eliminate_dead([stmts], adjoints, pure | _pure_helpers(fn.unit), facts=names)[0]


def _fill_facts(fn, stmts, alive):
    """fills.py's facts of `fn` where its folds may apply to `stmts`, else None: asked
    only then, since making them asks whether every floating value is float64 (a walk
    of every source of the unit, a tenth of the backward tidying of scalar code)."""
    if getattr(fn, "shapes", None) is None or not _may_fold_fills(fn, stmts):
        return None  # (forward mode has no shape tokens: facts_for gives None)
    return facts_for(fn, alive)


def _may_fold_fills(fn, stmts):
    """Whether fills.py may fold anything here: its folds start from `np.full_like(A, G)`
    of a floating array A, or from `A.size` and `A.shape` of an array whose shape is
    known (a float or an integer one) -- so none without an array value, nor without
    such an attribute (scalar code: the pass was a visit of every node)."""
    kinds = {*fn.an.kinds.values(), *fn.flat.temp_kinds.values()}
    if ARRAY in kinds:
        return True
    if INT not in kinds:  # (no integer array either)
        return False
    return any(
        isinstance(node, ast.Attribute) and node.attr in ("size", "shape", "full_like")
        for stmt in stmts
        for node in walk(stmt)
    )


def _bind_defaults(fn, func, args):
    """Defaults that aren't literals become bound names (evaluated once, like Python does)."""
    values = list(func.__defaults__ or ())
    offset = len(args.defaults) - len(values)
    for i, node in enumerate(args.defaults):
        if not isinstance(node, ast.Constant) and i - offset >= 0:
            args.defaults[i] = _name(fn.bind(values[i - offset], "default"))
    kw = func.__kwdefaults__ or {}
    for i, (a, node) in enumerate(zip(args.kwonlyargs, args.kw_defaults)):
        if node is not None and not isinstance(node, ast.Constant):
            args.kw_defaults[i] = _name(fn.bind(kw[a.arg], "default"))


def _qualify_free_names(fn, fdef):
    """Make names the user's code reads from elsewhere resolvable in generated code.

    Globals of the main function's module are read live (generated code runs
    with those globals).  Closure variables are bound by value; globals of a
    helper from another module are read as attributes of that module, except the
    modules it imports, bound themselves (`np.tanh`, not `othermod.np.tanh`).  A call of
    a helper's flat view the code runs for its value only is the user's call again
    (flatcalls.FlatCall.restore).
    """
    _restore_flat_calls(fn, fdef)
    unit = fn.unit
    main_globals = next(iter(unit.sources.values())).func.__globals__
    if not fn.source.resolver.cells and fn.source.resolver.globals is main_globals:
        return  # (nothing to qualify: no closure cells, and the main module's globals)
    local = {a.arg for a in walk(fdef.args) if isinstance(a, ast.arg)}
    local |= {n.id for n in walk(fdef) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    skip = local | set(unit.binding_names) | unit.names.taken - fn.source.resolver.locals
    resolver = fn.source.resolver

    class Qualify(Transformer):
        def visit_Name(self, node):
            if not isinstance(node.ctx, ast.Load) or node.id in local:
                return node
            if node.id in resolver.cells:
                value = resolver.lookup(node.id)
                if value is MISSING:
                    return node
                name = unit.bind(value, node.id, fn)
                return ast.copy_location(_name(name), node)
            if resolver.globals is not main_globals and node.id in resolver.globals:
                module = unit.module_of(fn.source.func)
                if module is None or isinstance(resolver.globals[node.id], types.ModuleType):
                    # (a module the helper's module imports, `np`: itself, as the main
                    # function's `np` is -- not `othermod.np`, which reads another
                    # module's attribute and needs that module importable as printed)
                    return ast.copy_location(
                        _name(unit.bind(resolver.globals[node.id], node.id, fn)), node
                    )
                mod_name = unit.bind(module, module.__name__.split(".")[-1], fn)
                return ast.copy_location(
                    ast.Attribute(value=_name(mod_name), attr=node.id, ctx=ast.Load()), node
                )
            return node

    _ = skip
    Qualify().visit(fdef)


def _restore_flat_calls(fn, fdef):
    """Calls of flat views (compiler/flatcalls.py) the code runs for their value only
    are the user's calls again: `saxpy_flat(d_a=a, ...)` -> `saxpy({"a": a, ...})`; a
    view returning a container result's leaves, `t1, t2 = step_flat(...)`, becomes
    `result = step(...)` and `t1, t2 = result["x"], result["v"]`."""
    flat_calls = fn.source.resolver.introduced
    if not flat_calls:
        return
    taken = {n.id for n in walk(fdef) if isinstance(n, ast.Name)}

    def restored(call):
        while isinstance(call.func, ast.Name) and call.func.id in flat_calls:
            flat = flat_calls[call.func.id]
            if getattr(flat, "runtime", False):  # a runtime helper (list_edits.py): bound
                call.func = _name(fn.unit.bind(flat.func, call.func.id, fn))
                return call, None
            if flat.result is not None:
                return call, flat  # (its leaves are read out of the result by the caller)
            call = flat.restore(call)
        return call, None

    def result_name():
        name, n = "result", 1
        while name in taken:
            n += 1
            name = f"result{n}"
        taken.add(name)
        return name

    class Restore(Transformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            call, flat = restored(node)
            if flat is None:
                return call
            # a result read inside an expression: (its leaves) of the user's call
            body = flat.leaves_of(ast.Name(id="r", ctx=ast.Load()))
            params = ast.arguments(
                posonlyargs=[], args=[ast.arg(arg="r")], kwonlyargs=[], kw_defaults=[], defaults=[]
            )
            return ast.Call(
                func=ast.Lambda(args=params, body=body), args=[flat.restore(call)], keywords=[]
            )

        def block(self, stmts):
            out = []
            for stmt in stmts:
                value = getattr(stmt, "value", None)
                if isinstance(stmt, ast.Assign) and isinstance(value, ast.Call):
                    value.args = [self.visit(a) for a in value.args]
                    for k in value.keywords:
                        k.value = self.visit(k.value)
                    call, flat = restored(value)
                    if flat is not None:
                        # (the statement itself stays first: it keeps its place and comments)
                        name = result_name()
                        leaves = flat.leaves_of(ast.Name(id=name, ctx=ast.Load()))
                        split = ast.copy_location(ast.Assign(stmt.targets, leaves), stmt)
                        stmt.targets = [ast.Name(id=name, ctx=ast.Store())]
                        stmt.value = flat.restore(call)
                        out += [stmt, split]
                        continue
                    stmt.value = call
                    out.append(stmt)
                    continue
                out.append(self.visit(stmt))
            return out

        def generic_visit(self, node):
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(node, field, None), list) and not isinstance(
                    node, ast.Lambda
                ):
                    setattr(node, field, self.block(getattr(node, field)))
            for name, value in ast.iter_fields(node):
                if name in ("body", "orelse", "finalbody") and isinstance(value, list):
                    continue
                if isinstance(value, list):
                    setattr(
                        node, name, [self.visit(v) if isinstance(v, ast.AST) else v for v in value]
                    )
                elif isinstance(value, ast.AST):
                    setattr(node, name, self.visit(value))
            return node

    fdef.body = Restore().block(fdef.body)


def _check_clashes(unit, functions):
    """Unit-level names must not shadow anything a generated function reads or binds."""
    unit_level = {f.name for f in functions} | set(unit.binding_names)
    clashes = set()
    for f in functions:
        stored = stored_names(f) | {a.arg for a in walk(f.args) if isinstance(a, ast.arg)}
        clashes |= stored & unit_level
    functions_or_stack = (unit_level - set(unit.binding_names)) | {unit._stack_name}
    for func, src in unit.sources.items():
        names, params = unit.source_names.get(func) or _names_and_params(src.tree)
        clashes |= names & functions_or_stack
        if unit._stack_name in params:
            clashes.add(unit._stack_name)
    if clashes:
        raise _NameClash(clashes)


def _names_and_params(tree):
    """(the names `tree` mentions, the parameters of its functions)."""
    nodes = walk(tree)
    return (
        {n.id for n in nodes if isinstance(n, ast.Name)},
        {n.arg for n in nodes if isinstance(n, ast.arg)},
    )


def _runtime():
    from ..runtime import core as runtime

    return runtime

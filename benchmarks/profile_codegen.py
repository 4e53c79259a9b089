"""Where code generation spends its time: exclusive CPU time per compiler stage.

Run from the repo root:  python benchmarks/profile_codegen.py [SHAPE] [N] [--reps R]
                         [module:function ...]

SHAPE is one of bench_codegen's (`local`, `far`, `loop body`; default `local`), N the
number of statements (default 1000).  Each stage below (and each extra
`module:function` or `module:Class.method` named on the command line) is wrapped with a
timer that counts the CPU time spent in it less the time spent in the other wrapped
stages it calls, so the rows add up to the whole; the best of R runs (default 3) of each
row is shown.  cProfile's per-call overhead distorts a profile made of millions of
small calls (it roughly triples this one); a timer around each stage does not.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import srcdiff  # noqa: E402
from benchmarks.bench_codegen import make_function  # noqa: E402

# (label, module, function or Class.method), in pipeline order
STAGES = [
    ("parse", "srcdiff.compiler.source", "parsed"),
    ("normalize", "srcdiff.compiler.normalize", "Normalizer.run"),
    ("normalize: container results", "srcdiff.compiler.flatcalls", "flatten_container_results"),
    ("normalize: local dicts", "srcdiff.compiler.local_dicts", "hoist_local_dicts"),
    ("normalize: literal loops", "srcdiff.compiler.literal_loops", "unroll_literal_loops"),
    ("held results (grad's check)", "srcdiff.compiler.held", "hoist_held_results"),
    ("copy of the normalized tree", "srcdiff.compiler.normalize", "Normalized.copy_tree"),
    ("analysis", "srcdiff.compiler.analysis", "Analysis.__init__"),
    ("aliasing", "srcdiff.compiler.aliasing", "check_memory"),
    ("transformer setup", "srcdiff.compiler.transform", "TransformBase.__init__"),
    ("split (three-address ops)", "srcdiff.compiler.split", "Flattener.assign"),
    ("forward sweep", "srcdiff.compiler.reverse.forward_sweep", "ForwardSweep.fwd_block"),
    ("backward sweep", "srcdiff.compiler.reverse.backward_sweep", "BackwardSweep.bwd_block"),
    ("rule templates", "srcdiff.compiler.templates", "instantiate"),
    ("simplify", "srcdiff.compiler.templates", "simplify"),
    ("saves: needed", "srcdiff.compiler.reverse.saves", "SaveResolution.needed"),
    ("saves: markers", "srcdiff.compiler.reverse.saves", "SaveResolution.resolve_markers"),
    ("copy propagation", "srcdiff.compiler.optimize", "propagate"),
    ("fills", "srcdiff.compiler.fills", "fold_fills"),
    ("dead code", "srcdiff.compiler.optimize", "eliminate_dead"),
    ("single-use folding", "srcdiff.compiler.optimize", "fold_single_use"),
    ("repeated subexpressions", "srcdiff.compiler.repeats", "share_repeats"),
    ("straight-line folding", "srcdiff.compiler.straight", "fold_straight_line"),
    ("sign tidying", "srcdiff.compiler.signs", "tidy_signs"),
    ("float tape", "srcdiff.compiler.reverse.float_tape", "route_floats"),
    ("source text (getsource)", "srcdiff.compiler.source", "FunctionSource.__init__"),
    ("unit: prepare", "srcdiff.compiler.unit", "Unit.prepare"),
    ("reverse: build", "srcdiff.compiler.reverse.function", "FunctionTransform.build"),
    ("generate (derive)", "srcdiff.compiler.derive", "generate"),
    ("frees", "srcdiff.compiler.reverse.frees", "free_dead_arrays"),
    ("name clashes", "srcdiff.compiler.derive", "_check_clashes"),
    ("print", "srcdiff.compiler.emit", "Printer.function"),
    ("compile()", "srcdiff.compiler.emit", "compile_unit"),
]

_totals: dict[str, float] = {}
_stack: list[float] = []


def _timed(label, func):
    @functools.wraps(func)
    def timed(*args, **kwargs):
        start = time.process_time()
        _stack.append(0.0)
        try:
            return func(*args, **kwargs)
        finally:
            spent = time.process_time() - start
            inner = _stack.pop()
            _totals[label] = _totals.get(label, 0.0) + spent - inner
            if _stack:
                _stack[-1] += spent

    return timed


def _install(label, module_name, qualname):
    """Wrap the function wherever srcdiff's modules hold it (`from x import f` copies)."""
    module = importlib.import_module(module_name)
    if "." in qualname:
        cls_name, attr = qualname.split(".")
        cls = getattr(module, cls_name)
        setattr(cls, attr, _timed(label, getattr(cls, attr)))
        return
    original = getattr(module, qualname)
    wrapped = _timed(label, original)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("srcdiff"):
            for key, value in list(vars(mod).items()):
                if value is original:
                    setattr(mod, key, wrapped)


def main(argv):
    reps = 3
    if "--reps" in argv:
        i = argv.index("--reps")
        reps = int(argv[i + 1])
        del argv[i : i + 2]
    extra = [a for a in argv if ":" in a]
    plain = [a for a in argv if ":" not in a]
    shape = plain[0] if plain else "local"
    n = int(plain[1]) if len(plain) > 1 else 1000
    for label, module_name, qualname in STAGES:
        _install(label, module_name, qualname)
    for spec in extra:
        module_name, qualname = spec.split(":")
        _install(qualname, module_name, qualname)
    srcdiff.grad(make_function(20, shape), wrt=("x", "y"))(0.3, 0.2)  # (imports, rules)
    best: dict[str, float] = {}
    best_total = float("inf")
    for _ in range(reps):
        _totals.clear()
        f = make_function(n, shape)
        run = _timed("other", lambda f=f: srcdiff.grad(f, wrt=("x", "y"))(0.3, 0.2))
        start = time.process_time()
        run()
        best_total = min(best_total, time.process_time() - start)
        for label, spent in _totals.items():
            best[label] = min(best.get(label, float("inf")), spent)
    print(f"{shape}, {n} statements: {best_total * 1e3:.0f} ms CPU (best of {reps})")
    print()
    print("| stage | ms | share |")
    print("|---|---|---|")
    for label, spent in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {spent * 1e3:.1f} | {spent / best_total * 100:.1f}% |")


if __name__ == "__main__":
    main(sys.argv[1:])

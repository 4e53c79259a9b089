"""Generate a corpus of derivative sources, to check that a compiler change leaves
generated code byte-identical.

    python tools/codegen_corpus.py write OUT.json      # every generation, from this checkout
    python tools/codegen_corpus.py compare A.json B.json

Run `write` once with the checkout before a change on `PYTHONPATH` and once with the
one after, then `compare` the two files.  A generation is keyed by what was asked
(module, function, mode, output, backend, ...) and holds the text `srcdiff.source`
returned, or the error it raised (its type and message, addresses masked): a change
that turns a refusal into code, or a message into another, shows too.

What is generated:

* every function defined in tests/*_cases.py, tests/golden_inputs.py and samples/*.py,
  with respect to all its parameters, without example arguments (kinds assumed): reverse
  mode (grad, value_and_grad, checkpoint=10 for functions with a loop), forward mode
  (jvp, and every direction in one function), and the Numba backend's reverse and
  forward code;
* every fuzz regression (tests/fuzz_regressions/) at its arguments: the same outputs,
  and its Hessian where it asks for one -- every text `compile()` is given while
  making it (helpers and the second derivative's code included);
* every golden case and stage file, rendered as tests/regen_golden.py and
  tests/regen_stages.py render them;
* bench_codegen's functions (local, far, loop body) at 10, 100 and 300 statements.
"""

from __future__ import annotations

import glob
import importlib.util
import inspect
import json
import os
import re
import sys
import traceback
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")

# (label, keywords of srcdiff.source)
VARIANTS = [
    ("reverse grad", {"mode": "reverse"}),
    ("reverse value_and_grad", {"mode": "reverse", "output": "value_and_grad"}),
    ("forward jvp", {"mode": "forward"}),
    ("reverse jvps", {"mode": "reverse", "output": "jvps"}),
    ("numba reverse grad", {"mode": "reverse", "backend": "numba"}),
    ("numba forward jvp", {"mode": "forward", "backend": "numba"}),
]
LOOP_VARIANTS = [("reverse grad checkpoint=10", {"mode": "reverse", "checkpoint": 10})]


def _error(exc: BaseException) -> str:
    """An exception as a comparable line: its type and message, addresses masked."""
    text = f"{type(exc).__name__}: {exc}"
    return "!error " + _ADDRESS.sub(" at 0x?", text)


def _load(path: str, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _functions(module: types.ModuleType):
    """The functions `module` defines itself, in source order."""
    found = [
        f
        for f in vars(module).values()
        if isinstance(f, types.FunctionType) and f.__module__ == module.__name__
    ]
    return sorted(found, key=lambda f: f.__code__.co_firstlineno)


def _has_loop(func) -> bool:
    try:
        text = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    return re.search(r"^\s*(for|while)\b", text, re.M) is not None


class Corpus:
    """The generations made so far, by key."""

    def __init__(self):
        self.texts: dict[str, str] = {}

    def add(self, key: str, make) -> None:
        try:
            text = make()
        except Exception as exc:  # a refusal is a result too
            text = _error(exc)
        base, k = key, 1
        while key in self.texts:  # (a module may define a name twice)
            k += 1
            key = f"{base} #{k}"
        self.texts[key] = text

    def sources(self, prefix: str, func, wrt, variants) -> None:
        import srcdiff

        for label, options in variants:
            self.add(f"{prefix} | {label}", lambda o=options: srcdiff.source(func, wrt, **o))


def _params(func):
    try:
        return tuple(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return ()


def case_functions(corpus: Corpus) -> None:
    paths = sorted(glob.glob(os.path.join(ROOT, "tests", "*_cases.py")))
    paths += [os.path.join(ROOT, "tests", "golden_inputs.py")]
    paths += sorted(glob.glob(os.path.join(ROOT, "samples", "*.py")))
    for path in paths:
        rel = os.path.relpath(path, ROOT)
        name = "corpus_" + re.sub(r"\W", "_", rel[:-3])
        try:
            module = _load(path, name)
        except Exception as exc:
            corpus.add(f"{rel} | import", lambda exc=exc: _error(exc))
            continue
        for func in _functions(module):
            wrt = _params(func) or 0
            variants = VARIANTS + (LOOP_VARIANTS if _has_loop(func) else [])
            line = func.__code__.co_firstlineno
            corpus.sources(f"{rel}:{line}:{func.__qualname__}", func, wrt, variants)


def _compiled_texts(run):
    """Every text emit.compile_unit compiles while `run()` runs, joined."""
    from srcdiff.compiler import emit

    seen: list[str] = []
    original = emit.compile_unit

    def recording(text, bindings, globals_, entry, label):
        seen.append(f"# --- {label}: {entry}({', '.join(sorted(bindings))})\n{text}")
        return original(text, bindings, globals_, entry, label)

    modules = list(sys.modules.values())
    patched = [m for m in modules if getattr(m, "compile_unit", None) is original]
    for m in patched:
        m.compile_unit = recording
    try:
        run()
    finally:
        for m in patched:
            m.compile_unit = original
    return "\n".join(seen)


def _hessian_texts(func, wrt, args):
    """A maker of the texts compiled while making `func`'s Hessian at `args`."""
    import srcdiff

    return lambda: _compiled_texts(lambda: srcdiff.hessian(func, wrt)(**args))


def fuzz_regressions(corpus: Corpus) -> None:

    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fuzz_regressions", "*.py"))):
        rel = os.path.relpath(path, ROOT)
        name = "corpus_fuzz_" + os.path.basename(path)[:-3]
        try:
            module = _load(path, name)
        except Exception as exc:
            corpus.add(f"{rel} | import", lambda exc=exc: _error(exc))
            continue
        func = getattr(module, "f", None)
        args = getattr(module, "ARGS", None)
        wrt = getattr(module, "WRT", None)
        if func is None or args is None or wrt is None:
            continue
        at = dict(args)
        variants = [(label, dict(options, at=at)) for label, options in VARIANTS]
        if _has_loop(func):
            variants += [(label, dict(options, at=at)) for label, options in LOOP_VARIANTS]
        corpus.sources(rel, func, wrt, variants)
        if getattr(module, "HESSIAN", False):
            corpus.add(f"{rel} | hessian compiled", _hessian_texts(func, wrt, args))


def goldens(corpus: Corpus) -> None:
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import golden_cases
    import stage_cases

    for case in golden_cases.CASES:
        corpus.add(f"golden {case.stem}", lambda case=case: golden_cases.render(case))
    for filename in stage_cases.case_files():
        corpus.add(f"stage {filename}", lambda f=filename: stage_cases.render(f))


def bench_functions(corpus: Corpus) -> None:
    sys.path.insert(0, ROOT)
    from benchmarks.bench_codegen import make_function

    for shape in ("local", "far", "loop body"):
        for n in (10, 100, 300):
            func = make_function(n, shape)
            corpus.sources(f"bench_codegen {shape} {n}", func, ("x", "y"), VARIANTS[:3])


def write(out: str) -> None:
    import srcdiff

    print("srcdiff from", os.path.dirname(srcdiff.__file__), file=sys.stderr)
    corpus = Corpus()
    for part in (goldens, case_functions, fuzz_regressions, bench_functions):
        try:
            part(corpus)
        except Exception:
            traceback.print_exc()
            raise
        print(f"{part.__name__}: {len(corpus.texts)} generations so far", file=sys.stderr)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(corpus.texts, fh, indent=0, sort_keys=True)
    errors = sum(t.startswith("!error") for t in corpus.texts.values())
    print(f"wrote {out}: {len(corpus.texts)} generations ({errors} refusals)", file=sys.stderr)


def compare(a: str, b: str) -> int:
    with open(a, encoding="utf-8") as fh:
        left = json.load(fh)
    with open(b, encoding="utf-8") as fh:
        right = json.load(fh)
    keys = sorted(set(left) | set(right))
    differ = [k for k in keys if left.get(k) != right.get(k)]
    for k in differ[:20]:
        print("differs:", k)
    code = sum(not t.startswith("!error") for t in left.values())
    refused = len(keys) - code
    print(f"{len(keys)} generations ({code} code, {refused} refusals), {len(differ)} differ")
    return 1 if differ else 0


def main(argv):
    if len(argv) == 2 and argv[0] == "write":
        write(argv[1])
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(argv[1], argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

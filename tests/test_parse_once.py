"""Each function is read, parsed and normalized once, and later stages never change the
shared trees (they rewrite copies): generating twice gives the same code, and the cached
trees are exactly as they were."""

import ast
import collections
import copy
import functools
import importlib.util
import inspect
import itertools
import sys
import textwrap

import cf_cases
import numpy as np
import pytest

import srcdiff
from srcdiff.compiler import source as source_module
from srcdiff.compiler.astutil import copy_tree
from srcdiff.compiler.normalize import Normalizer, normalized
from srcdiff.compiler.source import FunctionSource

MODULE = '''
import math
import numpy as np


def inner(z):
    return math.exp(-z * z)


def middle(a, b):
    s = 0.0
    for k in range(3):
        s += inner(a * k) * b
    return s


def main(x, y):
    """Calls a helper that calls a helper."""
    t = middle(x, y) if x > 0 else middle(y, x)
    u = x
    u *= 2.0
    return t + u * y + other.smooth(x) + other.nested(y)


def arr(w):
    v = np.tanh(w)
    v = v * inner(v[0])
    return np.sum(v ** 2) + other.smooth(w[1])
'''

# A helper in another module: generated code reads its globals as attributes of that
# module, a rewrite that would change a shared tree if stages did not work on copies.
OTHER = """
import math


def smooth(x):
    return math.tanh(x) * x


def nested(x):
    return smooth(x) * 2.0
"""

_counter = itertools.count()


def _load(tmp_path, text=MODULE, stem="parse_once_mod", **env):
    """A freshly imported module (its functions never parsed), with `env` in its globals;
    MODULE gets OTHER as `other`."""
    name = f"{stem}_{next(_counter)}"
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    if text is MODULE:
        env["other"] = _load(tmp_path, OTHER, "parse_once_other")
    vars(module).update(env)
    sys.modules[name] = module  # (generated code reads OTHER's globals through it)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def counts(monkeypatch):
    """Counters of source reads (inspect.findsource, which source.py and
    inspect.getsourcelines call once per read) and normalizations, by function."""
    reads, norms = collections.Counter(), collections.Counter()
    real_read = inspect.findsource
    real_run = Normalizer.run

    def read(obj):
        reads[obj] += 1
        return real_read(obj)

    def run(self):
        norms[self.source.func] += 1
        return real_run(self)

    monkeypatch.setattr(source_module.inspect, "findsource", read)
    monkeypatch.setattr(Normalizer, "run", run)
    return reads, norms


def _names(counter):
    return sorted(f.__name__ for f in counter)


def test_grad_reads_and_normalizes_each_function_once(tmp_path, counts):
    mod = _load(tmp_path)
    reads, norms = counts
    g = srcdiff.grad(mod.main, wrt=(0, 1))
    g(0.5, 1.5)
    g(-0.5, 1.5)
    srcdiff.value_and_grad(mod.main)(0.3, 2.0)
    srcdiff.source(mod.main, wrt="y")
    assert _names(reads) == ["inner", "main", "middle", "nested", "smooth"]
    assert _names(norms) == ["inner", "main", "middle", "nested", "smooth"]
    assert set(reads.values()) == {1} and set(norms.values()) == {1}


def test_hessian_reads_and_normalizes_each_function_once(tmp_path, counts):
    """Generated code is differentiated again: each generated function is read once too."""
    mod = _load(tmp_path)
    reads, norms = counts
    h = srcdiff.hessian(mod.arr)(np.array([0.3, -0.2, 0.5]))
    assert h.shape == (3, 3)
    assert {"arr", "inner", "smooth", "arr_grad", "inner_fwd", "smooth_bwd"} <= set(_names(reads))
    assert set(reads.values()) == {1}, reads
    assert set(norms.values()) == {1}, norms
    assert set(norms) <= set(reads)


def _deep_dump(node):
    """Everything in an AST, including the attributes stages attach (srcline, ...)."""
    if isinstance(node, ast.AST):
        items = sorted(vars(node).items())
        return (type(node).__name__, tuple((k, _deep_dump(v)) for k, v in items))
    if isinstance(node, list):
        return tuple(_deep_dump(v) for v in node)
    return repr(node)


def _generate_all(f, params):
    texts = []
    for output in ("grad", "value_and_grad", "vjp", "split", "jvp"):
        texts.append(
            srcdiff.source(f, wrt=params, output=output)
            if output != "jvp"
            else srcdiff.source(f, wrt=params, mode="forward")
        )
    return texts


def test_generation_leaves_cached_trees_unchanged(tmp_path):
    mod = _load(tmp_path)
    funcs = [mod.main, mod.middle, mod.inner, mod.arr, mod.other.smooth, mod.other.nested]
    srcdiff.source(mod.main)  # parse and normalize everything once
    srcdiff.source(mod.arr, at=(np.ones(3),))
    cached = {f: (FunctionSource(f).tree, normalized(FunctionSource(f))) for f in funcs}
    before = {f: (_deep_dump(tree), _deep_dump(core.tree)) for f, (tree, core) in cached.items()}
    first = _generate_all(mod.main, ("x", "y"))
    srcdiff.grad(mod.main)(0.4, 1.1)
    srcdiff.hessian(mod.arr)(np.array([0.3, -0.2, 0.5]))
    second = _generate_all(mod.main, ("x", "y"))
    assert first == second
    for f, (tree, core) in cached.items():
        assert FunctionSource(f).tree is tree  # still the cached parse
        assert normalized(FunctionSource(f)) is core  # still the cached result
        assert (_deep_dump(tree), _deep_dump(core.tree)) == before[f], f.__name__


def test_each_caller_gets_its_own_names():
    def f(x):
        y = x if x > 0 else -x
        return y * y

    core = normalized(FunctionSource(f))
    a, b = core.names(), core.names()
    assert a.numbered("t") == b.numbered("t")  # both continue after normalization's t1
    assert a.taken == b.taken and a.taken is not b.taken
    assert core.copy_tree() is not core.tree
    assert ast.dump(core.copy_tree()) == ast.dump(core.tree)


def test_replaced_code_is_read_again(tmp_path):
    mod = _load(
        tmp_path,
        textwrap.dedent("""
        def f(x):
            return x * x


        def g(x):
            return x * x * x
    """),
    )
    assert srcdiff.grad(mod.f)(2.0) == 4.0
    mod.f.__code__ = mod.g.__code__
    assert "x * x * x" in ast.unparse(FunctionSource(mod.f).tree)
    expected = srcdiff.source(mod.g).replace("g_grad", "f_grad").replace("of g ", "of f ")
    assert srcdiff.source(mod.f) == expected


def test_equal_code_in_two_files_is_two_sources(tmp_path):
    """Code objects compare equal across files: the cache goes by identity."""
    text = "def f(x):\n    return x * x\n"
    one, two = _load(tmp_path, text, "twin"), _load(tmp_path, text, "twin")
    assert one.f.__code__ == two.f.__code__
    assert FunctionSource(one.f).filename != FunctionSource(two.f).filename


def test_decorated_functions_are_read_through_wrapped(tmp_path):
    """inspect reads the wrapped function's source: one decorator's wrappers share their
    code object but not their source."""
    mod = _load(
        tmp_path,
        textwrap.dedent("""
        import functools


        def deco(fn):
            @functools.wraps(fn)
            def wrapper(x):
                return fn(x)
            return wrapper


        @deco
        def square(x):
            return x * x


        @deco
        def cube(x):
            return x * x * x
    """),
    )
    assert mod.square.__code__ is mod.cube.__code__
    assert "x * x * x" not in ast.unparse(FunctionSource(mod.square).tree)
    assert "x * x * x" in ast.unparse(FunctionSource(mod.cube).tree)


def test_normalization_follows_what_names_denote(tmp_path):
    """A call made for its effect becomes an assignment when it calls a user function;
    rebinding that global to a builtin normalizes the function again."""
    mod = _load(
        tmp_path,
        textwrap.dedent("""
        def helper(x):
            return x


        def f(x):
            helper(x)
            return x * x
    """),
    )
    first = normalized(FunctionSource(mod.f))
    assert isinstance(first.tree.body[0], ast.Assign)
    assert normalized(FunctionSource(mod.f)) is first
    mod.helper = print
    again = normalized(FunctionSource(mod.f))
    assert again is not first and isinstance(again.tree.body[0], ast.Expr)
    mod.helper = functools.partial(print)
    assert normalized(FunctionSource(mod.f)) is again  # not a function either: reused


def test_reserved_names_are_part_of_the_key():
    def f(x):
        y = 2.0 * (x if x > 0 else -x)
        return y

    plain = normalized(FunctionSource(f))
    reserved = normalized(FunctionSource(f), {"t1"})
    assert reserved is not plain
    assert "t1" in ast.unparse(plain.tree) and "t1" not in ast.unparse(reserved.tree)
    assert normalized(FunctionSource(f), {"t1"}) is reserved


def test_copy_tree_is_deepcopy():
    """The transformers' copies: every attribute kept, shared nodes shared once."""
    checked = 0
    for f in vars(cf_cases).values():
        if inspect.isfunction(f) and f.__module__ == cf_cases.__name__:
            try:
                core = normalized(FunctionSource(f))
            except srcdiff.SrcDiffError:
                continue
            copied = copy_tree(core.tree)
            assert (
                _deep_dump(copied) == _deep_dump(copy.deepcopy(core.tree)) == _deep_dump(core.tree)
            )
            # every node is new but the fieldless context and operator leaves (`Load`,
            # `Add`), which are shared, as the parser shares them
            leaves = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
            originals = {id(n) for n in ast.walk(core.tree) if not isinstance(n, leaves)}
            assert not originals & {id(n) for n in ast.walk(copied)}
            checked += 1
    assert checked > 50
    shared = ast.Name(id="x", ctx=ast.Load())
    tree = ast.BinOp(left=shared, op=ast.Add(), right=shared)
    tree.srcdiff_note = ("kept", 1)
    copied = copy_tree(tree)
    assert copied.left is copied.right and copied.left is not shared
    assert copied.srcdiff_note == ("kept", 1)

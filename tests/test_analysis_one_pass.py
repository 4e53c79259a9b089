"""analysis.Analysis stops after one pass over the body where no fact of a name changed
after a statement read the name (`_settled_in_one_pass`; straight-line code, or loops
whose later statements leave the facts the body's earlier ones read as they were): the
facts it leaves must be those of the full fixpoint -- checked on functions meeting the
condition and on ones just outside it (a kind or activity that changes after it is read,
in straight-line code or around a loop, a store into an element, a helper's call) -- and
gradients stay right."""

from __future__ import annotations

import ast
import math

import numpy as np
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.compiler.analysis import Analysis
from srcdiff.compiler.normalize import normalized
from srcdiff.compiler.source import FunctionSource


def chain(x, y):
    a = x * y
    b = a * 0.5 + math.sin(a) - y
    c, d = b * 2.0, b - x
    return c * d


def read_then_activated(x, y):
    k = 3.0
    c = k * k  # k is inactive here; the pass over the next line makes it active
    k = x * 2.0
    n = 1
    e = y * n  # an int here, a float after the next line
    n = 0.5
    return c + k + e * n


def stored_into(x, y):
    v = np.zeros(2)
    w = v * x
    v[0] = y
    return np.sum(w) + np.sum(v)


def _helper(u):
    return u * u


def helped(x, y):
    a = _helper(x)
    return a * y


def loop_settled(x, y):
    a = x * y
    for _ in range(3):
        b = a * 0.5 + math.sin(a) - y
        a = b  # (a stays an active float: what the body's first line read holds)
    return a


def loop_carried_change(x, y):
    acc = 0
    for i in range(3):
        b = acc * 2.0 + i  # acc is an inactive int on the first pass, read here ...
        acc = x * b  # ... and an active float from here on
    return acc * y


def loop_target_read_later(x, y):
    s = x * y
    for i in range(2):
        s = s + y  # (s was an active float before the loop: no fact of it changes)
    t = i * x  # (the loop's int: set by the loop header before this read)
    return s * t


def _facts(func, kinds, one_pass):
    source = FunctionSource(func)
    tree = normalized(source, set()).copy_tree()
    original = Analysis._settled_in_one_pass
    if not one_pass:
        Analysis._settled_in_one_pass = lambda self: False
    try:
        an = Analysis(tree, source.resolver, kinds, {"x", "y"})
    finally:
        Analysis._settled_in_one_pass = original
    return an.kinds, an.active, an.ranks, an.maybe_int, an.lost


CASES = [
    (chain, {"x": "scalar", "y": "scalar"}, True),
    (read_then_activated, {"x": "scalar", "y": "scalar"}, False),
    (stored_into, {"x": "scalar", "y": "scalar"}, False),
    (helped, {"x": "scalar", "y": "scalar"}, False),
    (loop_settled, {"x": "scalar", "y": "scalar"}, True),
    (loop_carried_change, {"x": "scalar", "y": "scalar"}, False),
    (loop_target_read_later, {"x": "scalar", "y": "scalar"}, True),
]


def test_one_pass_leaves_the_fixpoints_facts():
    for func, kinds, settles in CASES:
        assert _facts(func, kinds, True) == _facts(func, kinds, False), func.__name__
        source = FunctionSource(func)
        tree = normalized(source, set()).copy_tree()
        an = Analysis(tree, source.resolver, kinds, {"x", "y"})
        assert an._settled_in_one_pass() is settles, func.__name__


def test_gradients():
    for func, _, _ in CASES:
        args = (0.3, 0.7)
        got = srcdiff.grad(func, wrt=("x", "y"))(*args)
        for k in range(2):
            assert_close(got[k], fd_grad(func, args, k), rtol=1e-7)


def arrays(x, w):
    s = x * w[0]
    t = np.sin(s) @ w.T + np.sum(x)
    return t * s.mean()


def _analysed(func, kinds, ranks=None):
    source = FunctionSource(func)
    tree = normalized(source, set()).copy_tree()
    return tree, Analysis(tree, source.resolver, kinds, set(kinds), param_ranks=ranks)


def _expressions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.expr)]


def test_kinds_kept_from_the_settled_pass_are_those_asked_afresh():
    """Splitting reads the kinds and ranks the one pass found (`memoized`): each must be
    what the final analysis gives when asked again."""
    for func, kinds, ranks in [
        (chain, {"x": "scalar", "y": "scalar"}, None),
        (arrays, {"x": "array", "w": "array"}, {"x": 1, "w": 2}),
    ]:
        tree, an = _analysed(func, kinds, ranks)
        assert an._settled is not None, func.__name__  # (else nothing is kept)
        fresh = [(an.expr(n), an.rank(n)) for n in _expressions(tree)]
        with an.memoized():
            kept = [(an.expr(n), an.rank(n)) for n in _expressions(tree)]
        assert kept == fresh, func.__name__


def test_a_change_after_the_analysis_drops_what_was_kept():
    """has_aux marks names not differentiated after the analysis (derive.py): the
    kinds the pass kept said they were."""
    tree, an = _analysed(chain, {"x": "scalar", "y": "scalar"})
    value = tree.body[1].value  # b = a * 0.5 + math.sin(a) - y
    an.active["a"] = an.active["y"] = False
    an.changed()
    with an.memoized():
        assert an.expr(value)[1] is False

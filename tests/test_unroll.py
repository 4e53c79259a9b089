"""srcdiff/compiler/unroll.py: several forward-mode directions in one function.

* the merged function ("jvps") gives, per direction, the tangent the one-direction
  function gives, through branches, loops with `break`, `while` and early returns, and
  at points taking either branch; ints stay ints;
* its primal code appears once (as many `math.sin(` as in the one-direction code);
* a helper call (values and tangents computed together) or an array argument is
  NotUnrollable, and `merge` returns None for bodies that don't line up.
"""

from __future__ import annotations

import ast
import math

import pytest

from srcdiff.compiler.derive import generate
from srcdiff.compiler.unroll import merge
from srcdiff.errors import NotUnrollable


def branches(x, y, z):
    if x > y:
        s = math.sin(x) * y
    else:
        s = math.cos(y) + z * x
    t = 0.0
    for i in range(4):
        t = t + s * z
        if t > 2.0:
            break
        s = s * math.tanh(y)
    return t + x * z


def looping(a, b, n):
    k = 0
    v = a
    while v < 5.0 and k < n:
        v = v * 1.5 + b
        k = k + 1
    if v > 4.0:
        return v * a
    return math.exp(-v) + b


def helper(u, w):
    return u * math.sin(w)


def uses_helper(x, y):
    return helper(x, y) + helper(y, x)


CASES = [
    (branches, ("x", "y", "z"), [(1.3, 0.4, 0.7), (0.2, 0.9, -0.4), (2.0, 1.0, 3.0)]),
    (looping, ("a", "b"), [(0.5, 0.3, 10), (3.0, 0.1, 2), (6.0, 1.0, 3)]),
]


def _kinds(func, point):
    names = func.__code__.co_varnames[: func.__code__.co_argcount]
    return {p: "int" if isinstance(v, int) else "scalar" for p, v in zip(names, point)}


@pytest.mark.parametrize("func, wrt, points", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_merged_directions_equal_separate_ones(func, wrt, points):
    for point in points:
        kinds = _kinds(func, point)
        jvps = generate(func, wrt, kinds, output="jvps").compile()
        value, tangents = jvps(*point, *[1.0] * len(wrt))
        assert value == func(*point)
        assert len(tangents) == len(wrt)
        for w, t in zip(wrt, tangents):
            single = generate(func, (w,), kinds, output="jvp").compile()
            v1, t1 = single(*point, 1.0)
            assert v1 == value and t1 == t, (w, point)  # the same operations: bit for bit


def test_primal_code_appears_once():
    kinds = _kinds(branches, (1.0, 1.0, 1.0))
    merged = generate(branches, ("x", "y", "z"), kinds, output="jvps").source()
    single = generate(branches, ("x",), kinds, output="jvp").source()
    code = ast.unparse(ast.parse(merged))  # without the `# line N:` comments
    assert code.count("math.sin(x)") == ast.unparse(ast.parse(single)).count("math.sin(x)") == 1
    assert code.count("math.cos(y) + z * x") == code.count("for i in range(4)") == 1
    assert "def branches_jvps(x, y, z, dx, dy, dz):" in merged


def test_not_unrollable():
    with pytest.raises(NotUnrollable):
        generate(uses_helper, ("x", "y"), {"x": "scalar", "y": "scalar"}, output="jvps")
    with pytest.raises(NotUnrollable):
        generate(branches, ("x", "y"), {"x": "array", "y": "scalar", "z": "scalar"}, output="jvps")


def test_merge_refuses_bodies_that_do_not_line_up():
    a = ast.parse("t = x * 2\ndt = dx * 2\ny = t + 1").body
    b = ast.parse("t = x * 2\ndt_1 = 0.0\ny = t - 1").body  # another primal statement
    assert merge([a, b], [{"dt", "dx"}, {"dt_1"}]) is None
    mixed = ast.parse("t, dt = h(x, dx)").body  # a value and a tangent together
    assert merge([mixed, mixed], [{"dt", "dx"}, {"dt"}]) is None
    c = ast.parse("t = x * 2\ndt_1 = dy\ny = t + 1").body
    out = merge([a, c], [{"dt", "dx"}, {"dt_1", "dy"}])
    assert [ast.unparse(s) for s in out] == ["t = x * 2", "dt = dx * 2", "dt_1 = dy", "y = t + 1"]


def test_merge_compares_primal_statements_as_their_dumps():
    """Primal statements line up only where `ast.dump` says they are the same: 1 and 1.0,
    0.0 and -0.0 are equal numbers but different code (and True is not 1)."""
    tangents = [{"dt", "dx"}, {"dt_1", "dy"}]

    def body(value, tangent="dt = dx"):
        return [ast.parse("t = x * 2").body[0], ast.parse(tangent).body[0], value]

    def assign(constant):
        tree = ast.parse("y = t + 0").body[0]
        tree.value.right = ast.Constant(constant)
        return tree

    for a, b in [(1, 1.0), (0.0, -0.0), (True, 1), ("a", "b")]:
        assert merge([body(assign(a)), body(assign(b), "dt_1 = dy")], tangents) is None
    for c in [1, 1.0, -0.0, float("nan"), "a", None]:
        first = body(assign(c))
        out = merge([first, body(assign(c), "dt_1 = dy")], tangents)
        assert out is not None and out[-1] is first[-1]  # one primal statement
    called = ast.parse("y = f(t, k=1)").body[0]
    uncalled = ast.parse("y = f(t)").body[0]
    assert merge([body(called), body(uncalled, "dt_1 = dy")], tangents) is None
    annotated = ast.parse("y = f(t)").body[0]
    annotated.type_comment = None  # (left out of a dump, as a missing one is)
    del uncalled.type_comment
    assert merge([body(annotated), body(uncalled, "dt_1 = dy")], tangents) is not None


def test_shared_partials_are_computed_once():
    """Both directions' tangents of sin(th) need cos(th): one call, before them."""
    from srcdiff.compiler.unroll import share_partials

    body = ast.parse("a = dx * math.cos(th)\nb = dy * math.cos(th) + math.cos(w)\nth = 1.0").body
    names = iter(["p1", "p2"])
    out = share_partials(body, {"a", "b", "dx", "dy"}, {"math"}, lambda: next(names))
    assert [ast.unparse(ast.fix_missing_locations(s)) for s in out] == [
        "p1 = math.cos(th)",
        "a = dx * p1",
        "b = dy * p1 + math.cos(w)",
        "th = 1.0",
    ]
    kinds = _kinds(looping, (0.5, 0.3, 10))
    text = generate(looping, ("a", "b"), kinds, output="jvps").source()
    assert ast.unparse(ast.parse(text)).count("math.exp(") == 1

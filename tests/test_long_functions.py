"""Gradients of long straight-line functions (bench_codegen's shapes): generated without
hitting Python's recursion limit, and right.

Each statement reads the one before (or the first) and `y`, so the cotangent of `y`
gathers a contribution from every statement; folded into one expression it was a sum
a thousand operators deep (straight.py caps the size of a folded statement).
"""

import math

import pytest

import srcdiff


def _source(n, far):
    lines = ["import math", "", "", "def f(x, y):", "    a0 = x * y"]
    for k in range(1, n):
        reads = "a0" if far else f"a{k - 1}"
        lines.append(f"    a{k} = {reads} * 0.5 + math.sin(a{k - 1}) - y")
    lines.append(f"    return a{n - 1}")
    return "\n".join(lines) + "\n"


def _expected(n, far, x, y):
    """f and its gradient by dual numbers: each value carries (d/dx, d/dy)."""
    a0 = (x * y, y, x)
    prev = a0
    for _ in range(1, n):
        first = a0 if far else prev
        c = math.cos(prev[0])
        prev = (
            first[0] * 0.5 + math.sin(prev[0]) - y,
            first[1] * 0.5 + c * prev[1],
            first[2] * 0.5 + c * prev[2] - 1.0,
        )
    return prev[1], prev[2]


@pytest.mark.slow
@pytest.mark.parametrize("far", [False, True])
def test_thousand_statements(far, tmp_path, monkeypatch):
    n = 1000
    module = tmp_path / f"long_{int(far)}.py"
    module.write_text(_source(n, far))
    monkeypatch.syspath_prepend(str(tmp_path))
    f = __import__(module.stem).f
    dx, dy = srcdiff.grad(f, wrt=("x", "y"))(0.3, 0.2)
    ex, ey = _expected(n, far, 0.3, 0.2)
    assert dx == pytest.approx(ex, rel=1e-12, abs=1e-12)
    assert dy == pytest.approx(ey, rel=1e-12, abs=1e-12)
    text = srcdiff.source(f, wrt=("x", "y"))
    assert max(len(line) for line in text.splitlines()) < 1000

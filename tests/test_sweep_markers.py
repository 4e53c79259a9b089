"""The sweeps place only the save markers saves.py can turn into code
(reverse/function.py `temps_marked`, `may_restore`): none in straight-line code whose
names are each assigned once, the saves and restores of a name assigned again -- each
gradient checked against finite differences."""

from __future__ import annotations

import math

import srcdiff
from srcdiff.compiler.ir import MarkerKind
from srcdiff.compiler.reverse import FunctionTransform
from srcdiff.compiler.unit import Unit


def _once(x, y):
    a = x * y
    b = a * 0.5 + math.sin(a) - y
    return b * b


def _again(x, y):
    a = x * y
    a = a * 0.5 + math.sin(a) - y
    return a * a


def _looped(x, n):
    for _ in range(n):
        x = math.sin(x) * 0.5 + x
    return x


def _markers(f, wrt, kinds):
    unit = Unit()
    main = FunctionTransform(unit, unit.prepare(unit.source(f), wrt, kinds, {}), "main")
    fwd, _, bwd, _ = main.build()
    return [m.kind for m in map(main.marker_of, fwd + bwd) if m is not None]


def test_straight_line_code_with_names_assigned_once_has_no_markers():
    assert _markers(_once, ("x", "y"), {"x": "scalar", "y": "scalar"}) == []
    srcdiff.check_grad(_once, 0.3, 0.7, wrt=(0, 1), rtol=1e-6)


def test_a_name_assigned_again_keeps_its_save_and_restore():
    kinds = _markers(_again, ("x", "y"), {"x": "scalar", "y": "scalar"})
    assert kinds.count(MarkerKind.SAVE) == 1 and kinds.count(MarkerKind.RESTORE) == 1
    assert MarkerKind.PUSH not in kinds and MarkerKind.POP not in kinds
    srcdiff.check_grad(_again, 0.3, 0.7, wrt=(0, 1), rtol=1e-6)


def test_temporaries_in_a_loop_are_still_pushed_and_popped():
    kinds = _markers(_looped, ("x",), {"x": "scalar", "n": "int"})
    assert MarkerKind.PUSH in kinds and MarkerKind.POP in kinds
    srcdiff.check_grad(_looped, 0.3, 5, wrt=(0,), rtol=1e-6)

"""Programs the random-program tester found wrong or crashing, minimised (delta
debugging, tools/fuzz/minimize.py) and kept: each file holds the program, its arguments,
and what the oracle must now say (`EXPECT`: "ok", or "refused" where srcdiff now
refuses with a clear error); optionally `CONTAINERS` (parameters passed in a dict or
NamedTuple, `Case.containers`) and `MODES` (the oracle's checks, where the failure was
in an optional one: symbolic mode, the Numba backend)."""

import ast
import pathlib

import numpy as np
import pytest

from tools.fuzz.oracle import Case, check

FOLDER = pathlib.Path(__file__).parent / "fuzz_regressions"
FILES = sorted(FOLDER.glob("*.py"))


def _constants(text):
    """ARGS, WRT, HESSIAN, EXPECT from a regression file (module-level assignments)."""
    tree = ast.parse(text)
    names = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ("ARGS", "WRT", "HESSIAN", "EXPECT", "CONTAINERS", "MODES")
        ):
            names[node.targets[0].id] = eval(
                compile(ast.Expression(node.value), "<regression>", "eval"), {"np": np}
            )
    return names


def test_there_are_regression_files():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_minimised_failure_stays_fixed(path):
    text = path.read_text()
    c = _constants(text)
    case = Case(
        source=text,
        args=c["ARGS"],
        wrt=tuple(c["WRT"]),
        hessian=c.get("HESSIAN", False),
        containers=c.get("CONTAINERS", {}),
    )
    verdict = check(case, c["MODES"]) if "MODES" in c else check(case)
    assert verdict.status == c["EXPECT"], f"{verdict.status} ({verdict.check}): {verdict.detail}"

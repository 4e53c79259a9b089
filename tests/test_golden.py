"""Generated source for each case of golden_cases.py, compared byte for byte with
tests/golden/, and the golden code run against central differences.

Every change to generated code shows up in review as a diff of these files.
Regenerate with `python tests/regen_golden.py` after an intended change.
"""

import ast
import os
import subprocess
import sys

import numpy as np
import pytest
from fdiff import assert_close, fd_directional, fd_grad, scale_of
from golden_cases import (
    CASES,
    GOLDEN,
    ROOT,
    generate,
    load,
    render,
    results,
    sections,
    tangents,
)

REGEN = "generated code changed; review it and run `python tests/regen_golden.py`"
FD_RTOL, FD_ATOL = 1e-6, 1e-8  # relative to the size of the values compared
IDS = [c.stem for c in CASES]


def _golden(case):
    with open(os.path.join(GOLDEN, case.stem + ".py"), encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_generated_source_matches_golden(case):
    _, _, expected = sections(_golden(case))
    assert generate(case) == expected, REGEN


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_generating_twice_gives_the_same_bytes(case):
    assert generate(case) == generate(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_header_matches(case):
    """The input listing and the check points are those of the case (the `->` values are
    compared as numbers, in test_golden_code_runs_to_its_recorded_values)."""
    assert sections(render(case))[0] == sections(_golden(case))[0], REGEN


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_is_valid_python(case):
    ast.parse(_golden(case))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_code_runs_to_its_recorded_values(case):
    _, recorded, generated = sections(_golden(case))
    assert len(recorded) == len(case.points)
    for point, want in zip(case.points, recorded):
        got = results(case, generated, point)
        assert [label for label, _ in got] == [label for label, _ in want], REGEN
        for (label, value), (_, numbers) in zip(got, want):
            flat = np.ravel(np.asarray(value, dtype=float))
            assert_close(
                flat,
                np.array(numbers),
                1e-5,
                1e-12 * scale_of(flat),
                f"{case.stem}: {label} (recorded with 6 digits)",
            )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden_code_matches_finite_differences(case):
    func = load(case)
    _, _, generated = sections(_golden(case))
    params = list(func.__code__.co_varnames[: func.__code__.co_argcount])
    for point in case.points:
        got = dict(results(case, generated, point))
        if case.mode == "forward":
            assert_close(
                got["value"],
                func(*point),
                1e-12,
                1e-12 * scale_of(got["value"]),
                f"{case.stem}: value",
            )
            want = fd_directional(func, point, tangents(case, point))
            assert_close(
                got["tangent"],
                want,
                FD_RTOL,
                FD_ATOL * scale_of(want),
                f"{case.stem}: tangent vs central differences",
            )
            continue
        for w in case.wrt:
            want = fd_grad(func, point, params.index(w))
            assert_close(
                got["d" + w],
                want,
                FD_RTOL,
                FD_ATOL * scale_of(want),
                f"{case.stem}: d{w} vs central differences",
            )


def test_generation_is_deterministic_across_hash_seeds():
    script = (
        f"import sys; sys.path[:0] = [{ROOT!r}, {os.path.join(ROOT, 'tests')!r}]\n"
        "from golden_cases import CASES, generate\n"
        "print(''.join(generate(c) for c in CASES))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_every_golden_file_has_a_case():
    stems = {os.path.splitext(f)[0] for f in os.listdir(GOLDEN) if f.endswith(".py")}
    assert stems == set(IDS), "remove stale golden files, or add their cases"

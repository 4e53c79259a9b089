"""Golden files of single compiler stages: normalize, split, optimize and emit, one small
file per case in tests/stages/ (the input, then the expected output; see stage_cases.py).

A change to a stage shows up in review as a diff of these files.  After an intended
change, rewrite the expected parts with

    python tests/regen_stages.py
"""

import os
import subprocess
import sys

import pytest
from stage_cases import ROOT, STAGES, case_files, run, split_file, stage_of

FILES = case_files()
REGEN = "the stage's output changed; review it and run `python tests/regen_stages.py`"


@pytest.mark.parametrize("filename", FILES, ids=[f[:-3] for f in FILES])
def test_stage_output_matches_expected(filename):
    with open(os.path.join(STAGES, filename), encoding="utf-8") as fh:
        _, expected = split_file(fh.read())
    assert expected is not None, f"{filename} has no expected part yet: {REGEN}"
    assert run(filename) == expected, REGEN


@pytest.mark.parametrize("filename", FILES, ids=[f[:-3] for f in FILES])
def test_stage_output_is_deterministic(filename):
    assert run(filename) == run(filename)


def test_every_stage_has_cases():
    stages = {stage_of(f) for f in FILES}
    assert stages == {"normalize", "split", "optimize", "emit"}, stages


def test_stage_output_is_the_same_across_hash_seeds():
    script = (
        f"import sys; sys.path[:0] = [{ROOT!r}, {os.path.join(ROOT, 'tests')!r}]\n"
        "from stage_cases import case_files, run\n"
        "print(''.join(run(f) for f in case_files()))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1

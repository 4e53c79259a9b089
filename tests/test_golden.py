"""Generated source for each sample, compared byte for byte with tests/golden/.

Every change to generated code shows up in review as a diff of these files.
Regenerate with `python tests/regen_golden.py` after an intended change.
"""

import ast
import os
import subprocess
import sys

import pytest

from golden_cases import CASES, GOLDEN, ROOT, generate


@pytest.mark.parametrize("stem,sample,function,wrt,at", CASES, ids=[c[0] for c in CASES])
def test_generated_source_matches_golden(stem, sample, function, wrt, at):
    with open(os.path.join(GOLDEN, stem + ".py"), encoding="utf-8") as fh:
        expected = fh.read()
    assert generate(sample, function, wrt, at) == expected, \
        "generated code changed; review it and run `python tests/regen_golden.py`"


@pytest.mark.parametrize("stem", [c[0] for c in CASES])
def test_golden_is_valid_python(stem):
    with open(os.path.join(GOLDEN, stem + ".py"), encoding="utf-8") as fh:
        ast.parse(fh.read())


def test_generation_is_deterministic_across_hash_seeds():
    script = ("import sys; sys.path[:0] = [%r, %r]\n"
              "from golden_cases import CASES, generate\n"
              "print(''.join(generate(*c[1:]) for c in CASES))") % (ROOT, os.path.join(ROOT, "tests"))
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             env=env, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1

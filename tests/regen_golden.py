"""Rewrite tests/golden/*.py from the current generator (see golden_cases.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden_cases import CASES, GOLDEN, generate  # noqa: E402

os.makedirs(GOLDEN, exist_ok=True)
for stem, sample, function, wrt, at in CASES:
    path = os.path.join(GOLDEN, stem + ".py")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(generate(sample, function, wrt, at))
    print("wrote", os.path.relpath(path))

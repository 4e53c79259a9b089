"""Rewrite tests/golden/*.py from the current generator (see golden_cases.py).

python tests/regen_golden.py            # every golden file
python tests/regen_golden.py seed_f     # only these stems
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden_cases import CASES, GOLDEN, render


def main(stems):
    os.makedirs(GOLDEN, exist_ok=True)
    unknown = set(stems) - {c.stem for c in CASES}
    if unknown:
        sys.exit(f"no golden case named {', '.join(sorted(unknown))}")
    for case in CASES:
        if stems and case.stem not in stems:
            continue
        path = os.path.join(GOLDEN, case.stem + ".py")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(render(case))
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Rewrite the expected parts of tests/stages/*.py from the current compiler stages
(see stage_cases.py).

    python tests/regen_stages.py                 # every stage file
    python tests/regen_stages.py split_numpy     # only these cases
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stage_cases import STAGES, case_files, render


def main(stems):
    files = case_files()
    unknown = set(stems) - {os.path.splitext(f)[0] for f in files}
    if unknown:
        sys.exit(f"no stage case named {', '.join(sorted(unknown))}")
    for filename in files:
        if stems and os.path.splitext(filename)[0] not in stems:
            continue
        text = render(filename)
        path = os.path.join(STAGES, filename)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main(sys.argv[1:])

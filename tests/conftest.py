import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "samples"))


@pytest.fixture(autouse=True)
def _no_progress_lines(monkeypatch):
    """Commands report a step taking over a second on stderr ("srcdiff: differentiating
    ... "); on a loaded machine any step may, so tests that compare stderr exactly would
    depend on the load. Tests of the progress line set their own threshold."""
    from srcdiff.build import progress

    monkeypatch.setattr(progress, "THRESHOLD", 1e9)

"""srcdiff/api/compare_plot.py: `report.plot(path)` writes a PNG (matplotlib, a test
extra), and a clear error says how to install it where it is missing."""

import math
import struct
import sys

import numpy as np
import pytest

import srcdiff
from srcdiff.api.compare_plot import error_plot

PNG = b"\x89PNG\r\n\x1a\n"


def wiggle(x):
    return math.exp(x) * math.sin(1 / x)


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 1000
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_report_plot_writes_a_png(tmp_path):
    report = srcdiff.compare(wiggle, 0.3, time_budget=0.02)
    out = tmp_path / "v.png"
    assert report.plot(str(out)) == str(out)
    assert _png_size(out) == (700, 450)


def test_zero_errors_are_drawn_at_the_floor(tmp_path):
    """Errors of 0 (the seed's forward and reverse mode) can't go on a log axis."""
    scales = (1e-1, 1e-2, 1e-3)
    errors = {"forward": np.array([1e-2, 0.0, 1e-3]), "central": np.array([1e-4, 1e-8, 1e-6])}
    out = tmp_path / "floor.png"
    error_plot(str(out), scales, errors, {"forward mode": 0.0, "reverse mode": 2e-16}, "t")
    assert _png_size(out) == (700, 450)


def test_missing_matplotlib_is_a_clear_error(tmp_path, monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    report = srcdiff.compare(wiggle, 0.3, time_budget=0.02)
    with pytest.raises(srcdiff.MissingDependencyError) as info:
        report.plot(str(tmp_path / "v.png"))
    assert isinstance(info.value, srcdiff.SrcDiffError) and isinstance(info.value, ImportError)
    assert "needs matplotlib" in str(info.value)
    assert 'pip install "srcdiff[plot]"' in str(info.value)
    assert not (tmp_path / "v.png").exists()

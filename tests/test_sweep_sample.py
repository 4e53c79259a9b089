"""samples/sweep: a parameter sweep of a built gradient module (`srcdiff build`) over a
Dask LocalCluster whose workers import NumPy and that module only.  The built module is
current, its emitted finite-difference tests pass, and the sweep runs as README shows it
and gives the serial numbers."""

import os
import subprocess
import sys

import pytest
from test_readme import README_COMMANDS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "samples", "sweep")


def _sweep(*argv):
    pytest.importorskip("dask.distributed")  # test-only (pyproject's test extra)
    done = subprocess.run(
        [sys.executable, os.path.join(SAMPLE, "run_sweep.py"), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "same numbers as serial: yes" in done.stdout
    assert "workers imported srcdiff: no" in done.stdout
    return done.stdout


def test_sweep_sample_on_a_small_grid():
    out = _sweep("--grid", "3")
    assert "3 x 3 = 9 points" in out


SWEEP = [c for c, how in README_COMMANDS.items() if how == "sweep"]


@pytest.mark.slow
@pytest.mark.parametrize("command", SWEEP)
def test_readme_sweep_command(command):
    """README's command, as shown (a 16 x 16 grid: several seconds)."""
    argv = command.split()
    assert argv[:2] == ["python", "samples/sweep/run_sweep.py"]
    assert "256 points" in _sweep(*argv[2:])


def test_sweep_sample_built_module_is_current():
    done = subprocess.run(
        [sys.executable, "-m", "srcdiff", "build", "--check"],
        cwd=SAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_sweep_sample_emitted_tests_pass():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "tests"],
        cwd=SAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]

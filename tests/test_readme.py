"""The generated code README shows is what srcdiff prints today (README stays true)."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOWN = [
    ("samples/seed.py:f", "--wrt", "x,y"),
    ("samples/physics.py:pendulum", "--wrt", "theta0,damping"),
    ("samples/activations.py:softplus",),
    ("samples/seed.py:f", "--wrt", "x,y", "--mode", "forward"),
]


@pytest.mark.parametrize("args", SHOWN, ids=[" ".join(a) for a in SHOWN])
def test_readme_shows_current_output(args):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "srcdiff", "show", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.rstrip()
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    assert out in readme, f"README's output of `srcdiff show {' '.join(args)}` is stale"


def test_readme_quickstart_matches_ci():
    """The two Quickstart commands are the ones .ci/run runs."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as fh:
        ci = fh.read()
    quick = readme.split("## Quickstart", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in quick.splitlines() if line.strip()]
    assert len(commands) == 2
    for command in commands:
        assert command in ci

"""The command line: `srcdiff show`, `srcdiff check`, options, colors and messages."""

from __future__ import annotations

import os
import subprocess
import sys

from srcdiff import cli
from srcdiff.version import __version__

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _srcdiff(*argv, cwd=ROOT, env=None):
    """`python -m srcdiff ARGV` in a subprocess (srcdiff importable): the CompletedProcess."""
    full_env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "srcdiff", *argv], cwd=cwd, env=full_env,
                          capture_output=True, text=True, check=False)


def test_version_prints_the_package_version(capsys):
    try:
        cli.main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    else:
        raise AssertionError("--version did not exit")
    assert capsys.readouterr().out == f"srcdiff {__version__}\n"
    assert __version__ == "0.1.0"

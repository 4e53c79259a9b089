"""`srcdiff compare` (srcdiff/cli.py): its output, --plot, bad input, README's example of
it, and samples/four_methods.py.

Timings differ from run to run, so README's output is compared without them; and the
symbolic row depends on whether srcdiff has a symbolic mode, so README's symbolic row,
the reference it names and the lines about the reference are compared only where they
can't depend on it (see `_stable`)."""

import os
import re
import shlex
import subprocess
import sys

import pytest

from srcdiff.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "samples", "seed.py")
PNG = b"\x89PNG\r\n\x1a\n"
TIME = re.compile(r"\s+[\d.]+ [num]?s$")  # the time column, at the end of a row


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_prints_the_table_and_lessons(capsys):
    code, out, err = _run(capsys, "compare", SEED + ":f", "--at", "x=3, y=4")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("the four ways to a derivative of f at x=3, y=4 (n = 2;")
    assert lines[1].split() == [
        "method",
        "x",
        "y",
        "abs",
        "error",
        "rel",
        "error",
        "evaluations",
        "time",
    ]
    rows = {ln.split("  ")[0].strip().replace(" (reference)", ""): ln for ln in lines[3:10]}
    assert TIME.sub("", rows["reverse mode"]).split()[-7:] == [
        "24",
        "10",
        "0",
        "0",
        "1+1",
        "=",
        "2",
    ]
    assert TIME.sub("", rows["forward mode"]).split()[-7:] == ["24", "10", "0", "0", "n", "=", "2"]
    assert TIME.search(rows["reverse mode"])
    assert "n+1 = 3" in rows["forward diff., h=sqrt(eps)"]
    assert "2n = 4" in rows["central diff., h=cbrt(eps)"]
    assert "n = 2" in rows["forward mode"]
    assert "forward differences: best relative error" in out
    assert "time per derivative:" in out


def test_wrt_chooses_the_inputs(capsys):
    code, out, err = _run(capsys, "compare", SEED + ":f", "--at", "x=3, y=4", "--wrt", "y")
    assert code == 0, err
    assert "(n = 1;" in out and "n+1 = 2" in out and "2n = 2" in out
    assert out.splitlines()[1].split()[:2] == ["method", "y"]


def test_plot_writes_a_png(capsys, tmp_path):
    path = tmp_path / "v.png"
    code, out, err = _run(capsys, "compare", SEED + ":f", "--at", "x=3, y=4", "--plot", str(path))
    assert code == 0, err
    assert out.rstrip().endswith(f"wrote {path}")
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 1000


def test_plot_without_matplotlib_is_a_usage_error(capsys, tmp_path, monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = _run(
        capsys, "compare", SEED + ":f", "--at", "x=3, y=4", "--plot", str(tmp_path / "v.png")
    )
    assert code == 2
    assert err == (
        "srcdiff: plotting the comparison needs matplotlib, which is not installed\n"
        'hint: pip install "srcdiff[plot]" (or pip install matplotlib)\n'
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["samples/seed.py:g", "--at", "x=3, y=4"],
            "srcdiff: error: samples/seed.py has no function 'g'; functions defined there: f\n",
        ),
        (
            ["samples/seed.py:f", "--at", "x=3, y=4", "--wrt", "z"],
            "srcdiff: f has no parameter 'z'; its parameters are: x, y\n",
        ),
        (
            ["samples/seed.py:f", "--at", "x=3"],
            "srcdiff: error: --at does not match f(x, y): missing a required argument: 'y'\n",
        ),
        (
            ["samples/missing.py:f", "--at", "x=3"],
            "srcdiff: error: no such file: samples/missing.py\n",
        ),
    ],
)
def test_bad_input_is_the_usual_clear_error(capsys, monkeypatch, argv, message):
    monkeypatch.chdir(ROOT)
    code, out, err = _run(capsys, "compare", *argv)
    assert code == 2 and out == ""
    assert err == message


def test_at_is_required(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compare", SEED + ":f"])
    assert info.value.code == 2
    assert "the following arguments are required: --at" in capsys.readouterr().err


def _readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        return fh.read()


def _stable(text):
    """What doesn't vary between runs, nor with whether srcdiff has a symbolic mode: the
    rows without their time, and the lessons without the timing line, leaving out the
    symbolic row and lesson and the reverse-mode lesson (which say which is the
    reference), and naming no reference in the heading and labels."""
    keep = []
    for line in text.rstrip().splitlines():
        if line.startswith(("symbolic", "time per derivative", "reverse mode: ", "-----")):
            continue
        line = re.sub(r"errors against [\w ]+\)", "errors against REF)", line)
        line = line.replace(" (reference)", "")
        keep.append(TIME.sub("", line).split())
    return keep


README_COMPARE = ("samples/seed.py:f", "--at", "x=3, y=4")


def test_readme_compare_output_is_current():
    """README's `srcdiff compare samples/seed.py:f --at "x=3, y=4"` and its output."""
    intro = f'`srcdiff compare {" ".join(README_COMPARE[:2])} "{README_COMPARE[2]}"`:\n\n```\n'
    assert intro in _readme()
    shown = _readme().split(intro, 1)[1].split("```", 1)[0]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(
        [sys.executable, "-m", "srcdiff", "compare", *README_COMPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert _stable(done.stdout) == _stable(shown), "README's `srcdiff compare` output is stale"
    assert len(_stable(shown)) >= 14  # heading, header, 6 rows, footnote, lessons


def test_readme_plot_is_real_output(capsys, tmp_path, monkeypatch):
    """README's --plot command, writing elsewhere; the picture it shows is a PNG."""
    command = re.search(r"`srcdiff compare (samples/four_methods.py:wiggle [^`]*)`", _readme())
    assert command
    argv = shlex.split(command.group(1))  # (the line breaks inside it are spaces)
    assert argv == [
        "samples/four_methods.py:wiggle",
        "--at",
        "x=0.3",
        "--plot",
        "docs/four_methods.png",
    ]
    target, at = argv[0], argv[2]
    monkeypatch.chdir(ROOT)
    code, out, err = _run(capsys, "compare", target, "--at", at, "--plot", str(tmp_path / "w.png"))
    assert code == 0, err
    assert "central differences' V" in out and "forward differences' V" in out
    for path in (tmp_path / "w.png", os.path.join(ROOT, "docs", "four_methods.png")):
        with open(path, "rb") as fh:
            data = fh.read()
        assert data[:8] == PNG and len(data) > 1000
    assert "![finite-difference error against step size](docs/four_methods.png)" in _readme()


def test_four_methods_sample_runs():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(
        [sys.executable, os.path.join("samples", "four_methods.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("the four ways to a derivative of") == 3
    assert "sum_of_squares at w=<array of shape (100,)> (n = 100;" in out
    assert "n+1 = 101" in out and "2n = 200" in out and "n = 100" in out

"""The command line: `srcdiff show`, `srcdiff check`, options, colors and messages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from srcdiff import cli
from srcdiff.version import __version__

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _srcdiff(*argv, cwd=ROOT, env=None):
    """`python -m srcdiff ARGV` in a subprocess (srcdiff importable): the CompletedProcess."""
    full_env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "srcdiff", *argv],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_version_prints_the_package_version(capsys):
    try:
        cli.main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    else:
        raise AssertionError("--version did not exit")
    assert capsys.readouterr().out == f"srcdiff {__version__}\n"
    assert __version__ == "0.1.0"


# -- srcdiff build --help and docs/build.md ------------------------------------------------


def _subparser(name):
    import argparse

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def _documented_build_options():
    """{option string: the table row} of docs/build.md's command-line option table."""
    import re

    with open(os.path.join(ROOT, "docs", "build.md"), encoding="utf-8") as fh:
        text = fh.read()
    section = text.split("## From the command line", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split(" | ", 1)[0]
        for option in re.findall(r"`(-{1,2}[a-z][a-z-]*)", first):
            rows[option] = line
    return rows


def test_build_options_in_docs_are_the_parsers():
    parser = _subparser("build")
    actual = {s for a in parser._actions for s in a.option_strings} - {"-h", "--help"}
    documented = _documented_build_options()
    assert set(documented) == actual
    assert "-o" in actual and "--out" in actual and "--mode" in actual


def test_build_mode_and_output_choices_agree_with_docs():
    from srcdiff.build.config import OUTPUT_KINDS

    parser = _subparser("build")
    by_option = {s: a for a in parser._actions for s in a.option_strings}
    documented = _documented_build_options()
    assert by_option["--mode"].choices == ["reverse", "forward", "symbolic"]
    for mode in by_option["--mode"].choices:
        assert f"`{mode}`" in documented["--mode"]
        assert mode in by_option["--mode"].help
    for kind in OUTPUT_KINDS:
        assert f"`{kind}`" in documented["--output"]
        assert kind in by_option["--output"].help
    assert "only mode" not in documented["--mode"]


def test_build_forward_mode_alone_means_jvp_and_refuses_grad(tmp_path):
    (tmp_path / "m.py").write_text("def f(x):\n    return x * x\n")
    done = _srcdiff("build", "m.py:f", "--mode", "forward", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "def f_jvp(x, dx):" in (tmp_path / "m_grad.py").read_text()
    done = _srcdiff("build", "m.py:f", "--mode", "forward", "--output", "grad", cwd=tmp_path)
    assert done.returncode == 2
    assert "forward mode generates jvp functions only" in done.stderr


# -- colors ------------------------------------------------------------------------------------


class _Terminal:
    """A stand-in for sys.stdout that says whether it is a terminal."""

    def __init__(self, tty):
        self.tty, self.parts = tty, []

    def isatty(self):
        return self.tty

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass


def _show_output(monkeypatch, *, tty, no_color, color=None):
    stream = _Terminal(tty)
    monkeypatch.setattr(sys, "stdout", stream)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    argv = ["show", os.path.join(ROOT, "samples", "seed.py") + ":f"]
    assert cli.main(argv + (["--color", color] if color else [])) == 0
    return "".join(stream.parts)


def test_color_auto_colors_a_terminal_only(monkeypatch):
    import pygments  # noqa: F401 - the `color` extra (the test extra has it too)

    assert "\x1b[" in _show_output(monkeypatch, tty=True, no_color=None)
    plain = _show_output(monkeypatch, tty=False, no_color=None)
    assert "\x1b[" not in plain and "\ndef f_grad(x, y):\n" in plain


def test_no_color_turns_auto_off(monkeypatch):
    text = _show_output(monkeypatch, tty=True, no_color="1")
    assert "\x1b[" not in text and "def f_grad(x, y):" in text
    # an empty NO_COLOR is not set (no-color.org)
    assert "\x1b[" in _show_output(monkeypatch, tty=True, no_color="")


def test_color_option_always_and_never(monkeypatch):
    assert "\x1b[" not in _show_output(monkeypatch, tty=True, no_color=None, color="never")
    assert "\x1b[" in _show_output(monkeypatch, tty=False, no_color=None, color="always")
    # an explicit --color always is a per-invocation choice: it wins over NO_COLOR
    assert "\x1b[" in _show_output(monkeypatch, tty=False, no_color="1", color="always")


def test_color_always_without_pygments_prints_plain_code_and_says_why(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pygments", None)  # `import pygments` fails
    stream = _Terminal(True)
    monkeypatch.setattr(sys, "stdout", stream)
    assert (
        cli.main(["show", os.path.join(ROOT, "samples", "seed.py") + ":f", "--color", "always"])
        == 0
    )
    assert "\ndef f_grad(x, y):\n" in "".join(stream.parts)
    assert "needs Pygments" in capsys.readouterr().err


# -- srcdiff check: integers are numbers, counts are not differentiated -------------------


def _rows(stdout):
    """{parameter: (analytic, numeric)} of a check table."""
    rows = {}
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("parameter")) + 2
    for line in lines[start:]:
        parts = line.split()
        if len(parts) < 6 or parts[-1] not in ("ok", "FAIL"):
            break
        rows[" ".join(parts[:-5])] = (float(parts[-5]), float(parts[-4]))
    return rows


def test_check_at_integers_is_the_float_point(capsys):
    assert (
        cli.main(["check", os.path.join(ROOT, "samples", "seed.py") + ":f", "--at", "x=3, y=4"])
        == 0
    )
    out = capsys.readouterr().out
    rows = _rows(out)
    assert set(rows) == {"x", "y"}
    assert rows["x"][0] == 24.0 and rows["y"][0] == 10.0
    assert abs(rows["x"][1] - 24.0) < 1e-6 and abs(rows["y"][1] - 10.0) < 1e-6
    assert "OK: srcdiff agrees with finite differences" in out


def test_repeated_at_options_are_one_point(capsys):
    seed = os.path.join(ROOT, "samples", "seed.py") + ":f"
    assert cli.main(["check", seed, "--at", "x=3", "--at", "y=4"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows["x"][0] == 24.0 and rows["y"][0] == 10.0
    assert cli.main(["show", seed, "--at", "x=3", "--at", "y=4"]) == 0
    assert "def f_grad(x, y):" in capsys.readouterr().out
    assert cli.main(["check", seed, "--at", "x=3, y=4", "--at", "x=5"]) == 2
    assert "--at gives x twice" in capsys.readouterr().err


def test_check_leaves_counts_alone(capsys):
    target = os.path.join(ROOT, "samples", "physics.py") + ":pendulum"
    assert cli.main(["check", target, "--at", "theta0=1, damping=0.25, steps=20"]) == 0
    assert set(_rows(capsys.readouterr().out)) == {"theta0", "damping"}
    assert (
        cli.main(["check", target, "--at", "theta0=1, damping=0.25, steps=20", "--wrt", "theta0"])
        == 0
    )
    assert set(_rows(capsys.readouterr().out)) == {"theta0"}


def test_check_refuses_integer_arrays_clearly(capsys):
    target = os.path.join(ROOT, "samples", "rosenbrock.py") + ":rosenbrock"
    assert cli.main(["check", target, "--at", "x=np.array([1, 2, 3])"]) == 2
    err = capsys.readouterr().err
    assert "integer arrays carry no derivative" in err and "x" in err
    assert cli.main(["check", target, "--at", "x=np.array([1, 2, 3])", "--wrt", "x"]) == 2
    err = capsys.readouterr().err
    assert "integer array" in err and "astype(float)" in err
    assert cli.main(["check", target, "--at", "x=[1, 2, 3]"]) == 0  # lists are floats
    assert set(_rows(capsys.readouterr().out)) == {"x[0]", "x[1]", "x[2]"}


STATE_MODULE = """
from typing import NamedTuple
import numpy as np


class State(NamedTuple):
    pos: np.ndarray
    vel: float


def energy(s, k):
    return k * np.sum(s.pos ** 2) + s.vel ** 2


def layers(ws, x):
    *init, last = ws
    h = x
    for w in init:
        h = np.tanh(w @ h)
    return np.sum(last * h)
"""


def test_check_takes_a_namedtuple_and_a_list_of_arrays_of_two_shapes(tmp_path, capsys):
    """(--at "s=State(np.ones(3), 0.5)" and "ws=[np.eye(2), np.ones(2)]" were made one float
    array, which NumPy can't: a ValueError traceback from inside srcdiff)"""
    (tmp_path / "model.py").write_text(STATE_MODULE)
    target = str(tmp_path / "model.py")
    at = "s=State(np.array([0.5, -1.0, 2.0]), 0.5), k=1.5"
    assert cli.main(["check", target + ":energy", "--at", at]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows["s.pos[2]"][0] == pytest.approx(2 * 1.5 * 2.0) and rows["s.vel"][0] == 1.0
    at = "ws=[np.eye(2) * 0.5, np.array([1.0, -2.0])], x=np.array([0.3, 0.7])"
    assert cli.main(["check", target + ":layers", "--at", at, "--wrt", "ws"]) == 0
    assert "OK: srcdiff agrees with finite differences" in capsys.readouterr().out


KEYWORD_ONLY_MODULE = """
import numpy as np


def energy(q, p, k=2.0, *, mass=1.0):
    return 0.5 * np.sum(p ** 2) / mass + 0.5 * k * np.sum(np.diff(q) ** 2)
"""


def test_check_and_compare_pass_keyword_only_parameters_by_name(tmp_path, capsys):
    """(check called the function with every --at value by position: a TypeError
    traceback from inside srcdiff for a keyword-only parameter)"""
    (tmp_path / "chain.py").write_text(KEYWORD_ONLY_MODULE)
    target = str(tmp_path / "chain.py") + ":energy"
    at = "q=[0.1, 0.5, -0.3], p=[1.0, 2.0, 0.5], mass=2.0"
    assert cli.main(["check", target, "--at", at, "--wrt", "p,mass"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows["p[1]"][0] == pytest.approx(2.0 / 2.0)
    assert rows["mass"][0] == pytest.approx(-0.5 * (1 + 4 + 0.25) / 4)
    assert cli.main(["compare", target, "--at", at, "--wrt", "mass"]) == 0


def test_check_help_states_the_rule():
    done = _srcdiff("check", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert '"x=3, y=4" is the point (3.0, 4.0)' in text
    assert "except integers the function uses as counts" in text


# -- modules inside packages -------------------------------------------------------------


def _package(tmp_path):
    pkg = tmp_path / "proj" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text("SCALE = 3.0\n\n\ndef h(x):\n    return SCALE * x * x\n")
    (pkg / "mod.py").write_text(
        "from .helpers import SCALE, h\n\n\ndef f(x, y):\n    return h(x) * y + SCALE * y\n"
    )
    return tmp_path / "proj"


def test_show_and_check_import_a_module_with_relative_imports(tmp_path):
    project = _package(tmp_path)
    done = _srcdiff("show", "pkg/mod.py:f", "--wrt", "x,y", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "def f_grad(x, y):" in done.stdout and "def h_fwd(" in done.stdout
    assert "from pkg.mod import SCALE" in done.stdout
    # the shown code runs from the project folder, as its comment says
    (project / "shown.py").write_text(done.stdout)
    run = subprocess.run(
        [sys.executable, "-c", "import shown; print(shown.f_grad(2.0, 5.0))"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(60.0, 15.0)"  # (6 x y, 3 x**2 + 3)
    assert "(imported as pkg.mod: run this in the current folder)" in done.stdout
    done = _srcdiff("check", "pkg/mod.py:f", "--at", "x=2, y=5", cwd=project)
    assert done.returncode == 0, done.stderr
    assert set(_rows(done.stdout)) == {"x", "y"}
    assert _rows(done.stdout)["x"][0] == 60.0 and _rows(done.stdout)["y"][0] == 15.0
    # from another folder, by a longer path
    done = _srcdiff("check", "proj/pkg/mod.py:f", "--at", "x=2, y=5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_show_check_and_build_share_the_loader(tmp_path, monkeypatch):
    """The same import function for all three: a package module by its dotted name."""
    from srcdiff.api import loading
    from srcdiff.build import command as build

    project = _package(tmp_path)
    seen = []
    real = loading.import_file

    def spy(path, root, dotted, hint=""):
        seen.append((os.path.relpath(path, project), dotted))
        return real(path, root, dotted, hint)

    monkeypatch.setattr(loading, "import_file", spy)
    monkeypatch.setattr("srcdiff.build.target.import_file", spy)
    monkeypatch.chdir(project)
    assert cli.main(["check", "pkg/mod.py:f", "--at", "x=2, y=5"]) == 0
    assert build.main(["build", "pkg/mod.py:f", "--wrt", "x,y"]) == 0
    assert seen == [(os.path.join("pkg", "mod.py"), "pkg.mod")] * 2
    assert (project / "pkg" / "mod_grad.py").is_file()


def test_import_errors_name_the_file(tmp_path):
    project = _package(tmp_path)
    (project / "pkg" / "broken.py").write_text(
        "from .nowhere import g\n\n\ndef f(x):\n    return x\n"
    )
    done = _srcdiff("show", "pkg/broken.py:f", cwd=project)
    assert done.returncode == 2
    assert "importing pkg/broken.py (as pkg.broken) failed: ModuleNotFoundError" in done.stderr
    (project / "pkg" / "bad.py").write_text("def f(x):\n    return x +\n")
    done = _srcdiff("check", "pkg/bad.py:f", "--at", "x=1.0", cwd=project)
    assert done.returncode == 2 and "pkg/bad.py:2: syntax error" in done.stderr


# -- progress on stderr for slow code generation -------------------------------------------


def _slow_clock(monkeypatch, seconds):
    """Each progress step appears to take `seconds` (start, end, start, end, ...)."""
    from srcdiff.build import progress

    ticks = iter(range(10**6))
    monkeypatch.setattr(progress, "clock", lambda: seconds * (next(ticks) % 2))
    monkeypatch.setattr(progress, "THRESHOLD", 1.0)  # conftest raises it for other tests


def test_progress_reports_a_slow_step_only(monkeypatch):
    import io

    from srcdiff.build.progress import progress

    _slow_clock(monkeypatch, 1.8)
    out = io.StringIO()
    with progress("differentiating model.loss (reverse)", out):
        pass
    assert out.getvalue() == "srcdiff: differentiating model.loss (reverse) ... done in 1.8 s\n"
    _slow_clock(monkeypatch, 0.4)
    out = io.StringIO()
    with progress("differentiating model.loss (reverse)", out):
        pass
    assert out.getvalue() == ""
    _slow_clock(monkeypatch, 2.5)
    out = io.StringIO()
    with pytest.raises(ValueError), progress("differentiating f (forward)", out):
        raise ValueError("boom")
    assert out.getvalue() == "srcdiff: differentiating f (forward) ... failed after 2.5 s\n"


def test_progress_line_starts_while_the_step_runs(monkeypatch):
    """The first half of the line appears once THRESHOLD has passed, before the end."""
    import io
    import time

    from srcdiff.build import progress

    monkeypatch.setattr(progress, "THRESHOLD", 0.05)
    out = io.StringIO()
    with progress.progress("differentiating f (reverse)", out):
        deadline = time.monotonic() + 5
        while not out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert out.getvalue() == "srcdiff: differentiating f (reverse) ... "
    assert out.getvalue().startswith("srcdiff: differentiating f (reverse) ... done in ")


@pytest.mark.parametrize(
    "argv, line",
    [
        (
            ["show", "samples/seed.py:f"],
            "srcdiff: differentiating seed.f (reverse) ... done in 1.8 s",
        ),
        (
            ["show", "samples/seed.py:f", "--mode", "forward"],
            "srcdiff: differentiating seed.f (forward) ... done in 1.8 s",
        ),
        (
            ["check", "samples/seed.py:f", "--at", "x=3, y=4"],
            "srcdiff: differentiating seed.f (reverse) ... done in 1.8 s",
        ),
    ],
    ids=["show", "show-forward", "check"],
)
def test_show_and_check_report_slow_generation(argv, line, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    _slow_clock(monkeypatch, 1.8)
    assert cli.main(argv) == 0
    assert capsys.readouterr().err.splitlines() == [line]
    _slow_clock(monkeypatch, 0.2)
    assert cli.main(argv) == 0
    assert capsys.readouterr().err == ""


def test_build_reports_slow_generation(tmp_path, monkeypatch, capsys):
    (tmp_path / "m.py").write_text("def f(x):\n    return x * x\n\n\ndef g(x):\n    return -x\n")
    monkeypatch.chdir(tmp_path)
    _slow_clock(monkeypatch, 1.8)
    assert cli.main(["build", "m.py:f", "m.py:g", "-o", "m_grad.py"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "srcdiff: differentiating m.py:f (reverse) ... done in 1.8 s",
        "srcdiff: differentiating m.py:g (reverse) ... done in 1.8 s",
    ]


def test_the_library_prints_no_progress(monkeypatch, capsys):
    import seed

    import srcdiff

    _slow_clock(monkeypatch, 5.0)
    assert srcdiff.grad(seed.f, wrt=(0, 1))(3.0, 4.0) == (24.0, 10.0)
    assert "def f_grad" in srcdiff.source(seed.f)
    assert capsys.readouterr() == ("", "")


def test_a_file_without_a_function_name_means_its_one_function(capsys):
    seed = os.path.join(ROOT, "samples", "seed.py")
    assert cli.main(["show", seed, "--at", "x=3, y=4"]) == 0
    assert "def f_grad(x, y):" in capsys.readouterr().out
    physics = os.path.join(ROOT, "samples", "physics.py")
    assert cli.main(["show", physics]) == 2
    err = capsys.readouterr().err
    assert "functions defined there: pendulum, projectile_range" in err
    assert "(e.g. " in err and "physics.py:pendulum)" in err
    assert cli.main(["show", os.path.join(ROOT, "samples", "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err


METHOD_MODEL = """\
import numpy as np


class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x):
        return (self.w * x) ** 2 + np.sin(x)
"""


def test_show_and_check_take_class_method_with_an_instance_in_at(tmp_path):
    """`FILE.py:Class.method` (README): the instance comes from --at, which may use the
    file's names; without one, the error says how to give it, and that works."""
    (tmp_path / "model.py").write_text(METHOD_MODEL)
    target = str(tmp_path / "model.py") + ":Model.loss"
    proc = _srcdiff("show", target)
    assert proc.returncode == 2
    assert '--at "self=Model(...), x=..."' in proc.stderr
    at = "self=Model(0.5), x=1.0"
    proc = _srcdiff("show", target, "--at", at, "--wrt", "x")
    assert proc.returncode == 0, proc.stderr
    assert "def loss_grad(self, x):" in proc.stdout and "loss_grad_leaves(self.w, x)" in proc.stdout
    namespace = {}
    exec(compile(proc.stdout, "shown", "exec"), namespace)  # runnable as printed
    import math
    import types

    got = namespace["loss_grad"](types.SimpleNamespace(w=0.5), 1.0)
    assert got == pytest.approx(2 * 0.5**2 * 1.0 + math.cos(1.0), rel=1e-12)
    proc = _srcdiff("check", target, "--at", at)
    assert proc.returncode == 0, proc.stderr
    assert "OK: srcdiff agrees with finite differences" in proc.stdout
    proc = _srcdiff("show", target, "--at", at)  # (default: the first parameter, self)
    assert proc.returncode == 0 and "dself_w = " in proc.stdout, proc.stderr


ODD_TARGETS = """\
import numpy as np

pi = 3.14


def outer(x):
    def inner(y):
        return y * x

    return inner(x)


def other(x):
    return x
"""


@pytest.mark.parametrize(
    "name, says",
    [
        ("pi", "{path}:pi is a float, not a function"),  # (was an AttributeError)
        ("np", "{path}:np is a module, not a function"),
        ("outer.inner", "'inner' is defined inside the function outer"),
        ("", "(e.g. {path}:other)"),  # (the example had the colon twice)
    ],
)
def test_show_names_what_a_target_is_when_it_is_no_function(tmp_path, capsys, name, says):
    path = tmp_path / "odd.py"
    path.write_text(ODD_TARGETS)
    for command in ("show", "check"):
        assert cli.main([command, f"{path}:{name}", "--at", "x=1.0"]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert says.format(path=path) in err.replace("\n", " "), err


def test_a_folder_is_not_a_target(tmp_path, capsys):
    assert cli.main(["show", f"{tmp_path}:f"]) == 2
    assert "is a folder; name a file" in capsys.readouterr().err

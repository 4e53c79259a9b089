"""README stays true: the code it shows is what srcdiff prints today, and every command in
its ```bash blocks runs as shown (README_COMMANDS says how each one is tested, so a new
command without a test fails `test_every_readme_command_has_a_test`)."""

import os
import re
import shlex
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOWN = [
    ("samples/seed.py:f", "--wrt", "x,y"),
    ("samples/physics.py:pendulum", "--wrt", "theta0,damping"),
    ("samples/activations.py:softplus",),
    ("samples/options.py:fit_loss",),
    ("samples/seed.py:f", "--wrt", "x,y", "--mode", "forward"),
    ("samples/seed.py:f", "--wrt", "x,y", "--mode", "symbolic"),
    ("samples/nested_params.py:unit_loss", "--at", "params={'w': 2.0, 'b': 0.5}, x=1.5, y=3.0"),
    ("samples/comprehensions.py:poly", "--wrt", "x", "--at", "c=[1.0, 2.0, 3.0], x=0.5"),
    (
        "samples/mlp.py:mlp_loss",
        "--wrt",
        "W1,b1,W2,b2",
        "--at",
        "W1=np.zeros((2, 3)), b1=np.zeros(3), W2=np.zeros((3, 2)), b2=np.zeros(2), "
        "X=np.zeros((4, 2)), labels=np.array([0, 1, 1, 0])",
    ),
]
CHECKED = [("samples/seed.py:f", "--at", "x=3, y=4")]

# every command of README's ```bash blocks -> how it is tested:
#   "ci": .ci/run runs it (the Quickstart); "build": test_readme_build_commands, in a
#   temporary project; "run": test_readme_tool_command runs it exactly as shown;
#   "sweep": test_pickling_dask.py runs it (a Dask LocalCluster)
README_COMMANDS = {
    'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && '
    ".venv/bin/srcdiff show samples/seed.py:f --wrt x,y": "ci",
    ".venv/bin/python -m pytest -q": "ci",
    "srcdiff build pkg/model.py:loss --wrt w,b -o pkg/model_grad.py": "build",
    "srcdiff build --check": "build",
    "python -m tools.fuzz --seed 100000 -n 50": "run",
    "python -m tools.fuzz --seed 100000 -n 50 --minimize --out failures/": "run",
    "python -m tools.suites --limit 100": "run",
    "python samples/sweep/run_sweep.py": "sweep",
    "srcdiff build samples/physics.py:pendulum --wrt theta0,damping --backend numba "
    "-o pendulum_grad.py": "numba",
    "srcdiff build samples/physics.py:pendulum --wrt theta0,damping --backend numba --aot "
    "-o pendulum_grad.py": "aot",
}


def _readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        return fh.read()


def _bash_commands(text):
    """The commands of every ```bash block, without trailing `# comments`."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def _env():
    return dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _srcdiff(args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "srcdiff", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_readme_command_has_a_test():
    commands = _bash_commands(_readme())
    assert len(commands) == len(set(commands))
    assert set(commands) == set(README_COMMANDS)


def test_every_readme_show_and_check_example_is_tested():
    """`srcdiff show ...`: / `srcdiff check ...`: followed by its output in the text."""
    shown = re.findall(r"`srcdiff (show|check) ([^`]+)`(?: \([^)]*\))?:\n\n```", _readme())
    tested = {("show", " ".join(a)) for a in SHOWN} | {("check", " ".join(a)) for a in CHECKED}
    quoted = {(cmd, " ".join(shlex.split(rest))) for cmd, rest in shown}
    assert quoted and quoted <= tested


@pytest.mark.parametrize("args", SHOWN, ids=[" ".join(a) for a in SHOWN])
def test_readme_shows_current_output(args):
    done = _srcdiff(["show", *args])
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip() in _readme(), (
        f"README's output of `srcdiff show {' '.join(args)}` is stale"
    )


@pytest.mark.parametrize("args", CHECKED, ids=[" ".join(a) for a in CHECKED])
def test_readme_check_output_is_current(args):
    done = _srcdiff(["check", *args])
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip() in _readme(), (
        f"README's output of `srcdiff check {' '.join(args)}` is stale"
    )


def test_readme_error_example(tmp_path):
    """`$ srcdiff show model.py:f` on a function with a `try`: the message README shows."""
    block = _readme().split("$ srcdiff show model.py:f\n", 1)[1].split("```", 1)[0]
    (tmp_path / "model.py").write_text(
        textwrap.dedent("""\
        def f(x):
            try:
                return x * 2.0
            except ValueError:
                return 0.0
        """)
    )
    done = _srcdiff(["show", "model.py:f"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == block


def test_readme_quickstart_matches_ci():
    """The two Quickstart commands are the ones .ci/run runs."""
    readme = _readme()
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as fh:
        ci = fh.read()
    quick = readme.split("## Quickstart", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in quick.splitlines() if line.strip()]
    assert commands == [c for c, how in README_COMMANDS.items() if how == "ci"]
    for command in commands:
        assert command in ci


def test_readme_build_commands(tmp_path):
    """README's `srcdiff build` line in a project like the one it describes, then
    `srcdiff build --check` (configured in pyproject.toml, as docs/build.md says)."""
    build, check = [c for c, how in README_COMMANDS.items() if how == "build"]
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    model = tmp_path / "pkg" / "model.py"
    model.write_text(
        "import numpy as np\n\n\ndef loss(w, b, x):\n    return np.sum((x @ w + b) ** 2)\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent("""\
        [[tool.srcdiff.targets]]
        function = "pkg/model.py:loss"
        wrt = ["w", "b"]
        output = "pkg/model_grad.py"
        """)
    )
    done = _srcdiff(shlex.split(build)[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "wrote pkg/model_grad.py\n"
    assert "def loss_grad(w, b, x):" in (tmp_path / "pkg" / "model_grad.py").read_text()
    done = _srcdiff(shlex.split(check)[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 generated file(s) up to date" in done.stdout
    model.write_text(model.read_text().replace("** 2", "** 4"))
    done = _srcdiff(shlex.split(check)[1:], cwd=tmp_path)
    assert done.returncode == 1  # "in CI: exit 1 if a generated module is stale"
    assert "stale: pkg/model_grad.py: source changed" in done.stdout


@pytest.mark.parametrize("command", [c for c, how in README_COMMANDS.items() if how == "run"])
def test_readme_tool_command(command, tmp_path):
    """Run from a clone (the repository on the path), exactly as README shows it."""
    argv = shlex.split(command)
    assert argv[0] == "python"
    done = subprocess.run(
        [sys.executable, *argv[1:]],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    if "tools.fuzz" in command:
        assert "50 programs from seed 100000" in done.stdout
        # none wrong or crashing (ok, refused, wrong, crash, invalid, skipped)
        assert re.search(r"\nall\s+\d+\s+\d+\s+0\s+0\s+\d+\s+\d+\n", done.stdout)
    else:
        assert "\n100 cases in " in done.stdout
    assert not (tmp_path / "failures").exists()  # nothing to minimise


def test_readme_numba_build_command(tmp_path):
    """The Compiled backend section's `srcdiff build --backend numba`, run from a copy of
    the samples; the module it writes runs and gives the Python backend's gradient."""
    pytest.importorskip("numba")
    import shutil

    (command,) = [c for c, how in README_COMMANDS.items() if how == "numba"]
    (tmp_path / "samples").mkdir()
    shutil.copy(os.path.join(ROOT, "samples", "physics.py"), tmp_path / "samples")
    done = _srcdiff(shlex.split(command)[1:], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "pendulum_grad.py").read_text()
    assert "@numba.njit(cache=True)\ndef _pendulum_grad(theta0, damping, steps=1000):" in text
    assert "\ndef pendulum_grad(theta0, damping, steps=1000):" in text  # (checks, calls it)
    run = subprocess.run(
        [sys.executable, "-c", "from pendulum_grad import pendulum_grad as g; print(g(0.5, 0.3))"],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(tmp_path / "samples")),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    sys.path.insert(0, os.path.join(ROOT, "samples"))
    try:
        import physics

        import srcdiff
    finally:
        sys.path.remove(os.path.join(ROOT, "samples"))
    want = srcdiff.grad(physics.pendulum, wrt=(0, 1))(0.5, 0.3)
    got = [float(v) for v in run.stdout.strip().strip("()").split(",")]
    assert got == pytest.approx(list(want), rel=1e-12)


def test_readme_aot_build_command(tmp_path, monkeypatch, capsys):
    """The Compiled backend section's `srcdiff build ... --aot`, run in-process from a copy
    of the samples up to numba.pycc's compile, which is recorded instead of run
    (tests/test_aot_build.py compiles the pendulum and runs the extension without Numba)."""
    pytest.importorskip("numba")
    import shutil

    from srcdiff.build import aot
    from srcdiff.build import command as build

    (command,) = [c for c, how in README_COMMANDS.items() if how == "aot"]
    (tmp_path / "samples").mkdir()
    shutil.copy(os.path.join(ROOT, "samples", "physics.py"), tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    compiled = []
    monkeypatch.setattr(aot, "compile_extension", lambda project, planned: compiled.append(planned))
    assert build.main(shlex.split(command)[1:]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "wrote pendulum_grad.py",
        "wrote pendulum_grad_aot.py",
        f"wrote _pendulum_grad_aot{aot.SUFFIX}",
    ]
    (planned,) = compiled
    assert [(e.name, e.types) for e in planned.exports] == [("pendulum_grad", ("f8", "f8", "i8"))]
    wrapper = (tmp_path / "pendulum_grad_aot.py").read_text()
    assert "def pendulum_grad(theta0, damping, steps=1000):" in wrapper
    assert "@numba.njit(cache=True)" in (tmp_path / "pendulum_grad.py").read_text()

"""`srcdiff build --backend numba --aot` (build/aot.py): the Numba module compiled ahead
of time with numba.pycc into a C extension, behind a wrapper module.

One build compiles the pendulum sample, a loop through a helper and an array function
into one extension (pycc's
fixed cost, a few seconds, paid once); one `python -I` process, in which `import numba`
fails, imports the wrapper and checks its values against the Python backend's gradients,
its conversions and refusals, and that a stale extension is refused at import.  The
error cases stop before anything is compiled.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import srcdiff
from srcdiff.build import aot
from srcdiff.build import command as build
from srcdiff.errors import AotError

pytest.importorskip("numba", reason="--aot needs numba (pip install srcdiff[numba])")

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

ARRAYS = """
import math


def step(th, om, dt):
    return th + dt * om, om - dt * math.sin(th)


def orbit(th0, om0, n):
    th = th0
    om = om0
    for i in range(n):
        th, om = step(th, om, 0.01)
    return th * om


def energy(x, k):
    s = 0.0
    for i in range(x.shape[0] - 1):
        d = x[i + 1] - x[i]
        s = s + k * d * d
    return s
"""

PYPROJECT = """
[[tool.srcdiff.targets]]
function = "physics.py:pendulum"
wrt = ["theta0", "damping"]
output = "grads.py"
backend = "numba"
aot = true

[[tool.srcdiff.targets]]
function = "arrays.py:energy"
wrt = ["x", "k"]
output = "grads.py"
generate = ["grad", "value_and_grad"]
at = {x = [0.3, 1.0, -0.5, 2.0], k = 1.5}
backend = "numba"
aot = true

[[tool.srcdiff.targets]]
function = "arrays.py:orbit"
wrt = ["th0", "om0"]
output = "grads.py"
at = {th0 = 0.3, om0 = 0.1, n = 50}
backend = "numba"
aot = true
"""

_RUN = """
import json, sys
sys.modules["numba"] = None  # `import numba` raises ImportError here
sys.path.insert(0, sys.argv[1])
import numpy as np
import grads_aot as m

def plain(out):
    return [plain(o) for o in out] if isinstance(out, tuple) else np.asarray(out).tolist()

def outcome(call):
    try:
        return plain(call())
    except Exception as exc:
        return [type(exc).__name__, str(exc)]

x = np.array([0.3, 1.0, -0.5, 2.0])
report = {
    "pendulum": outcome(lambda: m.pendulum_grad(0.5, 0.1)),
    "pendulum_steps": outcome(lambda: m.pendulum_grad(0.5, 0.1, steps=10)),
    "orbit": outcome(lambda: m.orbit_grad(0.3, 0.1, 50)),
    "energy": outcome(lambda: m.energy_grad(x, 1.5)),
    "energy_value": outcome(lambda: m.energy_value_and_grad(x, 1.5)),
    "energy_list": outcome(lambda: m.energy_grad(x.tolist(), 1.5)),
    "energy_strided": outcome(lambda: m.energy_grad(np.repeat(x, 2)[::2], 1.5)),
    "energy_ints": outcome(lambda: m.energy_grad(np.array([0, 1, 3]), 1)),
    "float_steps": outcome(lambda: m.pendulum_grad(0.5, 0.1, 10.5)),
    "rank2": outcome(lambda: m.energy_grad(np.ones((2, 2)), 1.5)),
    "loaded": sorted(k for k, v in sys.modules.items()
                     if k.split(".")[0] in ("numba", "srcdiff") and v is not None),
}
sys.modules.pop("grads_aot")
sys.modules.pop("_grads_aot")
with open(sys.argv[2]) as fh:  # the wrapper, its hash changed: another module text
    text = fh.read().replace("_MODULE_HASH = ", "_MODULE_HASH = 1 + ")
with open(sys.argv[1] + "/grads_aot.py", "w") as fh:
    fh.write(text)
try:
    import grads_aot
    report["stale"] = None
except ImportError as exc:
    report["stale"] = str(exc)
print(json.dumps(report))
"""


def _needs_pycc():
    try:
        _, compiler_works, _ = aot._pycc()
    except AotError as exc:
        pytest.skip(str(exc).splitlines()[0])
    if not compiler_works():
        pytest.skip("--aot needs a C and C++ compiler; numba.pycc found none")


def _project(tmp_path):
    shutil.copy(SAMPLES / "physics.py", tmp_path / "physics.py")
    (tmp_path / "arrays.py").write_text(textwrap.dedent(ARRAYS))
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)


@pytest.mark.slow
def test_aot_module_runs_without_numba(tmp_path, monkeypatch, capsys):
    _needs_pycc()
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRCDIFF_CACHE_DIR", str(tmp_path / "cache"))
    assert build.main(["build"]) == 0, capsys.readouterr()
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "cache" / "pycc").iterdir())
    assert "nrt.cpp" in cached and "modulemixin.c" in cached  # Numba's C runtime, kept
    out = capsys.readouterr().out
    ext = f"_grads_aot{aot.SUFFIX}"
    assert out.splitlines() == ["wrote grads.py", "wrote grads_aot.py", f"wrote {ext}"]
    wrapper = (tmp_path / "grads_aot.py").read_text()
    assert "backend=numba aot" in wrapper and "    import _grads_aot as _compiled" in wrapper
    assert "def pendulum_grad(theta0, damping, steps=1000):" in wrapper

    # a second build compiles nothing; --check finds everything up to date
    assert build.main(["build"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"up to date: {ext}"
    assert build.main(["build", "--check"]) == 0
    capsys.readouterr()

    # --check without the extension (another checkout): stale, missing
    other = tmp_path / "other"
    other.mkdir()
    for name in ("physics.py", "arrays.py", "pyproject.toml", "grads.py", "grads_aot.py"):
        shutil.copy(tmp_path / name, other / name)
    monkeypatch.chdir(other)
    assert build.main(["build", "--check"]) == 1
    assert f"stale: {ext}: missing" in capsys.readouterr().out

    run = tmp_path / "run"  # the extension and wrapper alone, without the user's modules
    run.mkdir()
    shutil.copy(tmp_path / ext, run / ext)
    shutil.copy(tmp_path / "grads_aot.py", run / "grads_aot.py")
    proc = subprocess.run(
        [sys.executable, "-I", "-c", _RUN, str(run), str(tmp_path / "grads_aot.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.splitlines()[-1])
    assert got["loaded"] == []

    sys.path.insert(0, str(tmp_path))
    try:
        import arrays
        import physics

        pendulum = srcdiff.grad(physics.pendulum, wrt=("theta0", "damping"))
        energy = srcdiff.grad(arrays.energy, wrt=("x", "k"))
        orbit = srcdiff.grad(arrays.orbit, wrt=("th0", "om0"))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("arrays", None)
        sys.modules.pop("physics", None)
    x = np.array([0.3, 1.0, -0.5, 2.0])
    np.testing.assert_allclose(got["pendulum"], pendulum(0.5, 0.1), rtol=1e-12)
    np.testing.assert_allclose(got["pendulum_steps"], pendulum(0.5, 0.1, steps=10), rtol=1e-12)
    np.testing.assert_allclose(got["orbit"], orbit(0.3, 0.1, 50), rtol=1e-12)
    assert "def step_fwd(" in (tmp_path / "grads.py").read_text()  # a helper, compiled in
    want = energy(x, 1.5)
    for key in ("energy", "energy_list", "energy_strided"):
        np.testing.assert_allclose(got[key][0], want[0], rtol=1e-12)
        assert got[key][1] == pytest.approx(want[1], rel=1e-12)
    assert got["energy_value"][1][0] == pytest.approx(want[0], rel=1e-12)
    assert got["energy_value"][0] == pytest.approx(arrays.energy(x, 1.5), rel=1e-12)
    ints = energy(np.array([0.0, 1.0, 3.0]), 1.0)
    np.testing.assert_allclose(got["energy_ints"][0], ints[0], rtol=1e-12)
    assert got["float_steps"][0] == "TypeError"
    assert got["rank2"] == ["TypeError", "x must be a float array of rank 1, not of rank 2"]
    assert "compiled from another version of grads.py" in got["stale"]
    assert "srcdiff build" in got["stale"]


def _cli(tmp_path, monkeypatch, capsys, *argv):
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    code = build.main(["build", *argv])
    return code, capsys.readouterr().err


def test_aot_needs_the_numba_backend(tmp_path, monkeypatch, capsys):
    code, err = _cli(tmp_path, monkeypatch, capsys, "physics.py:pendulum", "--aot")
    assert code == 2 and "--backend numba" in err
    assert not (tmp_path / "physics_grad.py").exists()


def test_an_array_of_unknown_rank_is_refused(tmp_path, monkeypatch, capsys):
    code, err = _cli(
        tmp_path, monkeypatch, capsys, "arrays.py:energy", "--wrt", "x,k", "--backend", "numba"
    )
    assert code == 0
    code, err = _cli(
        tmp_path, monkeypatch, capsys, "arrays.py:energy", "--wrt", "x,k", "--backend", "numba",
        "--aot", "-o", "e.py",
    )  # fmt: skip
    assert code == 2
    assert "the rank of the array 'x' is unknown" in err and "build without --aot" in err
    assert not (tmp_path / "e.py").exists()


def test_a_list_argument_is_refused(tmp_path, monkeypatch, capsys):
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lists.py").write_text("def total(xs):\n    return xs[0] * xs[1]\n")
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.srcdiff.targets]]\nfunction = "lists.py:total"\nbackend = "numba"\n'
        'aot = true\nkinds = {xs = "seq"}\n'
    )
    code = build.main(["build"])
    err = capsys.readouterr().err
    assert code == 2 and "'xs' is a list of floats" in err and "NumPy array" in err


def test_no_compiler_and_no_pycc_are_refused(tmp_path, monkeypatch, capsys):
    pytest.importorskip("numba")
    from numba.core.errors import NumbaPendingDeprecationWarning

    monkeypatch.setattr(aot, "_pycc", lambda: (None, lambda: False, NumbaPendingDeprecationWarning))
    argv = ["physics.py:pendulum", "--wrt", "theta0", "--backend", "numba", "--aot"]
    code, err = _cli(tmp_path, monkeypatch, capsys, *argv)
    assert code == 2 and "C and C++ compiler" in err and "build without --aot" in err
    assert not list(tmp_path.glob(f"*{aot.SUFFIX}"))
    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, "numba.pycc", None)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AotError, match="numba.pycc, which --aot compiles with, can't be"):
        aot._pycc()
    assert os.path.exists(tmp_path / "physics_grad_aot.py")

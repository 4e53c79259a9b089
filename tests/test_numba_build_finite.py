"""A `--backend numba` built module refuses a derivative that is not finite, as the
Python backend's modules do (build/finite.py): its compiled entry is renamed
`_power_grad` and a Python `power_grad` of the same parameters calls it and returns the
derivatives through the copied `finite_derivative`.  Before, `power_grad(-1.0, 0.5)`
returned (nan, nan) and `roots_grad` at x = 0 an infinite gradient.  Checked in-process
(srcdiff importable: DomainError) and under ``python -I`` with srcdiff blocked (the
copied helper's fallback: FloatingPointError, the hint in its message)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.build import command as build
from srcdiff.errors import DomainError

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")

SOURCE = """
import numpy as np


def power(a, b):
    return a**b


def roots(x, w):
    return np.sum(np.sqrt(x) * w)
"""

_RUN = """
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if sys.argv[1] == "blocked":
    sys.modules["srcdiff"] = None  # (import srcdiff raises ImportError)
import numpy as np
import built, roots_built
report = {"finite": list(built.power_grad(1.7, 0.6))}
calls = {
    "grad": lambda: built.power_grad(-1.0, 0.5),
    "value_and_grad": lambda: built.power_value_and_grad(-1.0, 0.5),
    "vjp": lambda: built.power_vjp(-1.0, 0.5, 2.0),
    "roots": lambda: roots_built.roots_grad(np.array([0.0, 1.0]), np.array([1.0, 2.0])),
}
for name, call in calls.items():
    try:
        call()
        report[name] = None
    except ArithmeticError as exc:
        report[name] = [type(exc).__name__, str(exc)]
report["srcdiff"] = sorted(m for m, v in sys.modules.items() if m.split(".")[0] == "srcdiff" and v)
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def built_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numba_finite")
    (folder / "model.py").write_text(textwrap.dedent(SOURCE))
    import os

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        common = ["--backend", "numba", "-o", "built.py"]
        outputs = ["--output", "grad,value_and_grad,vjp"]
        assert build.main(["build", "model.py:power", "--wrt", "a,b", *common, *outputs]) == 0
        at = ["--at", "x=[0.5, 1.0], w=[1.0, 2.0]"]
        common = ["--backend", "numba", "-o", "roots_built.py", *at]
        assert build.main(["build", "model.py:roots", "--wrt", "x", *common]) == 0
    finally:
        os.chdir(cwd)
    (folder / "run.py").write_text(_RUN)
    return folder


def _import(folder, name):
    """The built module, imported in this process from a copy of its own: Numba's cache
    of a module run without a name in sys.modules is not one another process can load."""
    here = folder / f"{name}_in_process.py"
    if not here.exists():
        here.write_text((folder / f"{name}.py").read_text())
    spec = importlib.util.spec_from_file_location(here.stem, here)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def power(a, b):
    return a**b


def test_the_entry_is_python_and_checks_what_the_compiled_function_returns(built_dir):
    text = (built_dir / "built.py").read_text()
    assert "@numba.njit(cache=True)\ndef _power_grad(a, b):" in text
    assert 'return finite_derivative(_power_grad(a, b), "power", ("a", "b"))' in text
    assert 'return result[0], finite_derivative(result[1], "power", ("a", "b"))' in text
    module = _import(built_dir, "built")
    assert type(module._power_grad).__name__ == "CPUDispatcher"
    args = (1.7, 0.6)
    want = [fd_grad(lambda a, b: a**b, args, i) for i in (0, 1)]
    assert_close(np.array(module.power_grad(*args)), np.array(want), rtol=1e-6)
    assert module.power_grad(*args) == srcdiff.grad(power, wrt=(0, 1))(*args)
    value, grads = module.power_value_and_grad(*args)
    assert value == 1.7**0.6 and grads == module.power_grad(*args)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda m: m.power_grad(-1.0, 0.5), "a"),
        (lambda m: m.power_value_and_grad(-1.0, 0.5), "a"),
        (lambda m: m.power_vjp(-1.0, 0.5, 2.0), "a"),
    ],
)
def test_with_srcdiff_a_nan_derivative_is_a_domain_error(built_dir, call, name):
    module = _import(built_dir, "built")
    with pytest.raises(DomainError, match=f"power with respect to {name} is not finite"):
        call(module)


def _run(folder, mode):
    proc = subprocess.run(
        [sys.executable, "-I", str(folder / "run.py"), mode],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("mode, error", [("blocked", "FloatingPointError"), ("", "DomainError")])
def test_under_python_isolated(built_dir, mode, error):
    report = _run(built_dir, mode or "installed")
    assert report["finite"] == list(srcdiff.grad(power, wrt=(0, 1))(1.7, 0.6))
    for call in ("grad", "value_and_grad", "vjp"):
        kind, message = report[call]
        assert kind == error and "power with respect to a is not finite" in message
    kind, message = report["roots"]
    assert kind == error and "roots with respect to x is not finite" in message
    if mode == "blocked":
        assert report["srcdiff"] == [] and "hint: " in message


_RUN_AOT = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.modules["numba"] = None  # (the wrapper and extension import neither)
sys.modules["srcdiff"] = None
import power_aot
report = {"finite": list(power_aot.power_grad(1.7, 0.6))}
for name, call in (("grad", lambda: power_aot.power_grad(-1.0, 0.5)),
                   ("vjp", lambda: power_aot.power_vjp(-1.0, 0.5, 2.0))):
    try:
        call()
        report[name] = None
    except ArithmeticError as exc:
        report[name] = [type(exc).__name__, str(exc)]
print(json.dumps(report))
"""


def test_the_aot_wrapper_checks_what_the_extension_returns(tmp_path, monkeypatch):
    """`--aot`: the wrapper in front of the extension takes the Numba entry's checks over
    (build/aot_checks.py), with its own copies of the helpers."""
    from srcdiff.build import aot

    if not aot._pycc()[1]():
        pytest.fail("--aot needs a C and C++ compiler; numba.pycc found none")
    (tmp_path / "model.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SRCDIFF_CACHE_DIR", str(tmp_path / "cache"))
    argv = ["build", "model.py:power", "--wrt", "a,b", "--output", "grad,vjp", "-o", "power.py"]
    assert build.main([*argv, "--backend", "numba", "--aot"]) == 0
    wrapper = (tmp_path / "power_aot.py").read_text()
    assert "return finite_derivative(_compiled.power_grad(float(a), float(b))," in wrapper
    proc = subprocess.run(
        [sys.executable, "-I", "-c", _RUN_AOT, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["finite"] == list(srcdiff.grad(power, wrt=(0, 1))(1.7, 0.6))
    for name in ("grad", "vjp"):
        kind, message = report[name]
        assert kind == "FloatingPointError" and "power with respect to a is not finite" in message

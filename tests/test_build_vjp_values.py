"""Built vjp functions of functions whose value is not a number (one tuple, a 1-tuple,
an array), in both backends: `k_vjp(a, b, dt)` takes one cotangent in the value's form
and agrees with finite differences of sum(ct * k).  The emitted tests passed the
cotangent 1.25 and took finite differences of k itself, so they failed for every such
target ("finite differences need a scalar function").  Several results (`return a, b`)
are refused with a hint that works."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.build import command as build

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")

SOURCE = """
import numpy as np


def pair(a, b):
    t = (a * b, a + np.sin(b))
    return t


def single(a, b):
    return (a * np.cos(b),)


def scaled(x, s):
    return x * s


def two(a, b):
    return a * b, a + b
"""

#: function, its arguments, the cotangent (in the value's form)
CASES = [
    ("pair", (0.7, 0.4), (1.0, -0.5)),
    ("single", (0.7, 0.4), (1.5,)),
    ("scaled", (np.array([0.3, -1.2]), 1.7), np.array([0.5, 2.0])),
]


def _module(tmp_path, name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "model.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _build(project, backend):
    out = f"model_{backend}.py"
    argv = ["build", "model.py:pair", "model.py:single", "--wrt", "a,b", "--output", "vjp"]
    argv += ["--backend", backend, "-o", out, "--at", "a=0.7, b=0.4"]
    argv += ["--emit-tests", f"test_model_{backend}.py"]
    assert build.main(argv) == 0
    scaled = ["build", "model.py:scaled", "--wrt", "x,s", "--output", "vjp", "--backend"]
    scaled += [backend, "-o", f"scaled_{backend}.py", "--at", "x=[0.3, -1.2], s=1.7"]
    assert build.main([*scaled, "--emit-tests", f"test_scaled_{backend}.py"]) == 0
    return {
        "pair": _module(project, out[:-3], project / out),
        "scaled": _module(project, f"scaled_{backend}", project / f"scaled_{backend}.py"),
    }


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_built_vjps_of_values_that_are_not_numbers(project, backend):
    modules = _build(project, backend)
    model = _module(project, "model", project / "model.py")
    for name, args, ct in CASES:
        func = getattr(model, name)
        vjp = getattr(modules["scaled" if name == "scaled" else "pair"], f"{name}_vjp")
        got = vjp(*args, ct)

        def weighted(*xs, func=func, ct=ct):
            out = func(*xs)
            items = out if isinstance(out, tuple) else (out,)
            cts = ct if isinstance(out, tuple) else (ct,)
            return sum(np.sum(np.asarray(c) * np.asarray(o)) for c, o in zip(cts, items))

        for i, g in enumerate(got):
            assert_close(np.asarray(g), fd_grad(weighted, args, i), 1e-6, 1e-8, f"{name} {i}")
        want = srcdiff.vjp(func, *args)[1](ct)
        for g, w in zip(got, want):
            assert_close(np.asarray(g), np.asarray(w), 1e-12, 1e-12, f"{name} vs srcdiff.vjp")


@pytest.mark.parametrize("backend", ["python", "numba"])
def test_the_emitted_tests_pass(project, backend):
    _build(project, backend)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    files = [f"test_model_{backend}.py", f"test_scaled_{backend}.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *files],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


def test_several_results_are_refused_with_a_hint_that_works(project, capsys):
    argv = ["build", "model.py:two", "--wrt", "a,b", "--output", "vjp", "-o", "two_grad.py"]
    assert build.main(argv) != 0
    err = capsys.readouterr().err
    assert "model.py:" in err and "two returns 2 results" in err
    assert "`t = (a, b)`, then `return t`" in err
    (project / "model.py").write_text(
        textwrap.dedent(SOURCE).replace("return a * b, a + b", "t = (a * b, a + b)\n    return t")
    )
    assert build.main(argv) == 0
    module = _module(project, "two_grad", project / "two_grad.py")
    assert module.two_vjp(2.0, 3.0, (1.0, 0.5)) == (3.5, 2.5)

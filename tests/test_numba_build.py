"""`srcdiff build --backend numba` of array functions whose code calls runtime helpers
(build/numba_copy.py): the built module copies the helpers' Numba forms, so it runs
compiled under ``python -I`` from a folder of its own, importing nothing from srcdiff,
and its gradients and tangents agree with finite differences and the Python backend.

One subprocess runs every built module (Numba compiles each function once in it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numba_samples as ns
import numpy as np
import pytest
from fdiff import assert_close, fd_directional, fd_grad

import srcdiff
from srcdiff.build import command as build

pytest.importorskip("numba", reason="the Numba backend needs numba (pip install srcdiff[numba])")

_RNG = np.random.default_rng(11)
X = _RNG.normal(size=5)
M = _RNG.normal(size=(3, 4))

#: function, its arguments, wrt (names), --at (the kinds: arrays and floats, no ranks)
TARGETS = [
    (ns.mlp, (M, X[:3], M[:2, :3], X[:4]), "W1,b1,W2", "W1=A,b1=A,W2=A,x=A"),
    (ns.logistic, (X[:4], M, np.array([1.0, 0.0, 1.0])), "w", "w=A,X=A,y=A"),
    (ns.rosenbrock, (X,), "x", "x=A"),
    (ns.vector_products, (X[:4], X[1:], M.T), "v,w,A", "v=A,w=A,A=A"),
    (ns.whole_reductions, (X,), "x", "x=A"),
    (ns.clipped, (X, -0.5, np.full(5, 0.45)), "x,lo,hi", "x=A,lo=0.0,hi=A"),
    (ns.axis_reductions, (M,), "M", "M=A"),
]
#: forward mode (jvp functions) of these
FORWARD = ["clipped", "axis_reductions", "vector_products"]

_RUN = """
import json, os, sys
import numpy as np
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
args = np.load(os.path.join(here, "args.npz"))
report = {}
for name in json.loads(sys.argv[1]):
    module = __import__(name + "_built")
    fn = getattr(module, name.split("_fwd")[0] + ("_jvp" if "_fwd" in name else "_grad"))
    given = [args[f"{name.split('_fwd')[0]}_{k}"] for k in range(int(args[name + "_n"]))]
    given = [float(a) if a.ndim == 0 else a for a in given]
    if "_fwd" in name:
        tangents = [args[f"{name}_t{k}"] for k in range(len(given))]
        tangents = [float(t) if t.ndim == 0 else t for t in tangents]
        out = fn(*given, *tangents)
    else:
        out = fn(*given)
    out = out if isinstance(out, tuple) else (out,)
    report[name] = {"out": [np.asarray(o).tolist() for o in out],
                    "entry": type(fn).__name__,
                    "compiled": type(getattr(module, "_" + fn.__name__)).__name__}
report["srcdiff"] = sorted(m for m in sys.modules if m.split(".")[0] == "srcdiff")
print(json.dumps(report))
"""


def _tangents(args):
    rng = np.random.default_rng(5)
    return tuple(rng.normal(size=np.shape(a)) if np.ndim(a) else 0.3 for a in args)


def _build(tmp_path, capsys):
    """Each target built into <name>_built.py (and <name>_fwd_built.py), in tmp_path."""
    shutil.copy(Path(ns.__file__), tmp_path / "numba_samples.py")
    saved = {}
    for func, args, wrt, at in TARGETS:
        name = func.__name__
        at = at.replace("=A", "=np.ones(2)")
        base = ["build", f"numba_samples.py:{name}", "--wrt", wrt, "--at", at, "--backend", "numba"]
        assert build.main([*base, "-o", f"{name}_built.py"]) == 0, capsys.readouterr()
        if name in FORWARD:
            forward = [*base, "--mode", "forward", "-o", f"{name}_fwd_built.py"]
            assert build.main(forward) == 0, capsys.readouterr()
            for k, t in enumerate(_tangents(args)):
                saved[f"{name}_fwd_t{k}"] = np.asarray(t)
        saved[f"{name}_n"] = np.asarray(len(args))
        saved[f"{name}_fwd_n"] = np.asarray(len(args))
        for k, a in enumerate(args):
            saved[f"{name}_{k}"] = np.asarray(a)
    np.savez(tmp_path / "args.npz", **saved)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The built modules' results, from one `python -I` process in a folder without
    srcdiff (and again with Numba's cache warm: the second process loads the code)."""
    tmp_path = tmp_path_factory.mktemp("numba_build")
    capsys = _NoCapture()
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        _build(tmp_path, capsys)
    finally:
        os.chdir(cwd)
    (tmp_path / "run.py").write_text(_RUN)
    names = [f.__name__ for f, *_ in TARGETS] + [f"{n}_fwd" for n in FORWARD]
    reports = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-I", str(tmp_path / "run.py"), json.dumps(names)],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        reports.append(json.loads(proc.stdout.splitlines()[-1]))
    assert reports[0] == reports[1]
    return reports[0], {p.name: p.read_text() for p in tmp_path.glob("*_built.py")}


class _NoCapture:
    def readouterr(self):
        return ""


def test_built_modules_import_nothing_from_srcdiff(report):
    results, texts = report
    assert results["srcdiff"] == []
    # (the entry is Python, checking the derivatives of the compiled function it calls)
    assert all(r["compiled"] == "CPUDispatcher" for k, r in results.items() if k != "srcdiff")
    assert all(r["entry"] == "function" for k, r in results.items() if k != "srcdiff")
    text = texts["mlp_built.py"]
    assert "@overload(matmul_da)" in text and "@overload(unbroadcast)" in text
    assert "srcdiff" not in "".join(
        ln for ln in text.splitlines() if ln.startswith(("import", "from"))
    )


@pytest.mark.parametrize(
    ("func", "args", "wrt", "at"), TARGETS, ids=lambda c: getattr(c, "__name__", "")
)
def test_built_gradient_agrees_with_finite_differences(report, func, args, wrt, at):
    results, _ = report
    got = results[func.__name__]["out"]
    names = list(func.__code__.co_varnames[: func.__code__.co_argcount])
    positions = tuple(names.index(n) for n in wrt.split(","))
    want = srcdiff.grad(func, wrt=positions)(*args)
    want = want if isinstance(want, tuple) else (want,)
    assert len(got) == len(positions)
    for g, w, i in zip(got, want, positions):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
        assert_close(np.asarray(g), fd_grad(func, args, i), 1e-6)


@pytest.mark.parametrize("name", FORWARD)
def test_built_jvp_agrees_with_finite_differences(report, name):
    results, _ = report
    func, args, wrt, _ = next(t for t in TARGETS if t[0].__name__ == name)
    tangents = _tangents(args)
    value, tangent = results[f"{name}_fwd"]["out"][:2]
    names = list(func.__code__.co_varnames[: func.__code__.co_argcount])
    seeded = tuple(
        t if n in wrt.split(",") else 0.0 * np.asarray(t) for n, t in zip(names, tangents)
    )
    assert value == pytest.approx(func(*args), rel=1e-12)
    assert_close(np.asarray(tangent), fd_directional(func, args, seeded), 1e-6)


def test_a_helper_without_a_numba_form_is_refused_when_building(tmp_path, monkeypatch, capsys):
    shutil.copy(Path(ns.__file__), tmp_path / "numba_samples.py")
    monkeypatch.chdir(tmp_path)
    argv = ["build", "numba_samples.py:cumulative", "--at", "x=np.ones(2)"]
    assert build.main([*argv, "--backend", "numba", "-o", "out.py"]) == 2
    err = capsys.readouterr().err
    assert "cumsum_vjp" in err and "Numba form" in err
    assert not (tmp_path / "out.py").exists()

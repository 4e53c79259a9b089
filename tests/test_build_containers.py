"""`srcdiff build` with containers of parameters (build/target.py's tree targets): the built
function takes the dict (nested, with lists of dicts) and returns the gradient in its
structure, runs without srcdiff, checks the structure it is called with, and its emitted
tests (at the `at` values) pass -- and fail on a wrong derivative."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import srcdiff
from srcdiff.build import command as build

MODEL = '''\
import numpy as np

DATA = ((0.0, 0.1), (0.5, 0.6), (1.0, 0.8))


def fit_loss(params, x, y):
    """A linear model whose parameters are a dict."""
    pred = x @ params["w"] + params["b"]
    return np.mean((pred - y) ** 2) + 0.01 * np.sum(params["w"] ** 2)


def mlp(params, x):
    h = np.tanh(x @ params["layers"][0]["w"] + params["layers"][0]["b"])
    return np.sum((h @ params["layers"][1]["w"]) ** 2) * params["scale"]


def line_loss(p, data=DATA):
    total = 0.0
    for x, y in data:
        total = total + (p["a"] * x + p["c"] - y) ** 2
    return total
'''

CONFIG = """\
[project]
name = "nets"
version = "0"

[tool.srcdiff]
emit-tests = "tests/test_net_grad.py"

[[tool.srcdiff.targets]]
function = "pkg/net.py:fit_loss"
wrt = "params"
output = "pkg/net_grad.py"
generate = ["grad", "value_and_grad"]
at = {params = {w = [0.5, -0.3], b = 0.1}, x = [[1.0, 2.0], [0.5, -1.0], [0.0, 1.5]], \
y = [1.0, 0.0, 2.0]}

[[tool.srcdiff.targets]]
function = "pkg/net.py:mlp"
wrt = ["params", "x"]
output = "pkg/net_grad.py"
at = {params = {layers = [{w = [[0.1, 0.2], [0.3, -0.4]], b = [0.0, 0.1]}, \
{w = [0.5, 0.6]}], scale = 2.0}, x = [[1.0, 2.0], [0.5, -1.0]]}

[[tool.srcdiff.targets]]
function = "pkg/net.py:line_loss"
wrt = "p"
output = "pkg/net_grad.py"
at = {p = {a = 0.7, c = -0.2}}
"""

USE = """\
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from pkg import net_grad
p = {"w": np.array([0.2, 0.4]), "b": -0.3}
x = np.array([[1.0, 0.5], [2.0, -1.0], [0.3, 0.3], [1.0, 1.0]])
y = np.array([0.5, 1.0, -1.0, 0.0])
g = net_grad.fit_loss_grad(p, x, y)
value, g2 = net_grad.fit_loss_value_and_grad(p, x, y)
longer = ((0.0, 0.1), (0.5, 0.6), (1.0, 0.8), (2.0, 1.0))
gl = net_grad.line_loss_grad({"a": 0.7, "c": -0.2}, longer)
try:
    net_grad.fit_loss_grad({"w": p["w"], "b": p["b"], "extra": 1.0}, x, y)
    wrong = None
except ValueError as exc:
    wrong = str(exc)
print(json.dumps({
    "srcdiff_loaded": any(m.split(".")[0] == "srcdiff" for m in sys.modules),
    "keys": list(g), "w": g["w"].tolist(), "b": float(g["b"]), "value": float(value),
    "same": bool(np.all(g2["w"] == g["w"])), "line": [gl["a"], gl["c"]], "wrong": wrong,
}))
"""


def _project(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "net.py").write_text(MODEL)
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    return tmp_path


def _build(project, *argv, monkeypatch, capsys):
    monkeypatch.chdir(project)
    code = build.main(["build", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def _load(project):
    sys.path.insert(0, str(project))
    try:
        import importlib

        for name in ("pkg.net_grad", "pkg.net", "pkg"):
            sys.modules.pop(name, None)
        return importlib.import_module("pkg.net"), importlib.import_module("pkg.net_grad")
    finally:
        sys.path.remove(str(project))


@pytest.fixture
def built(tmp_path, monkeypatch, capsys):
    project = _project(tmp_path)
    code, out = _build(project, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    yield project
    for name in ("pkg.net_grad", "pkg.net", "pkg"):
        sys.modules.pop(name, None)


def test_the_built_function_takes_the_container_and_returns_its_structure(built):
    text = (built / "pkg" / "net_grad.py").read_text()
    assert "def fit_loss_grad(params, x, y):" in text
    assert 'dparams = {"w": dparams_w, "b": dparams_b}' in text
    assert 'params["w"], params["b"], x, y' in text
    assert "def line_loss_grad(p, data=DATA):" in text  # data stays one argument
    net, net_grad = _load(built)
    p = {"layers": [{"w": np.array([[0.3, -0.1], [0.2, 0.5]]), "b": np.array([0.1, 0.0])},
                    {"w": np.array([0.4, -0.6])}], "scale": 1.5}  # fmt: skip
    x = np.array([[0.5, 1.0], [-0.5, 2.0]])
    got_p, got_x = net_grad.mlp_grad(p, x)
    want_p, want_x = srcdiff.grad(net.mlp, wrt=(0, 1))(p, x)
    assert type(got_p["layers"]) is list and list(got_p["layers"][1]) == ["w"]
    for a, b in zip(srcdiff.tree_leaves(got_p), srcdiff.tree_leaves(want_p)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-12)


def test_the_built_module_runs_without_srcdiff_and_checks_the_structure(built, tmp_path):
    script = tmp_path / "use.py"
    script.write_text(USE)
    proc = subprocess.run(
        [sys.executable, "-I", str(script), str(built)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["srcdiff_loaded"] is False and out["keys"] == ["w", "b"] and out["same"]
    net, _ = _load(built)
    p = {"w": np.array([0.2, 0.4]), "b": -0.3}
    x = np.array([[1.0, 0.5], [2.0, -1.0], [0.3, 0.3], [1.0, 1.0]])
    y = np.array([0.5, 1.0, -1.0, 0.0])
    want = srcdiff.grad(net.fit_loss)(p, x, y)
    np.testing.assert_allclose(out["w"], want["w"], rtol=1e-12)
    assert out["b"] == pytest.approx(want["b"], rel=1e-12)
    assert out["value"] == pytest.approx(net.fit_loss(p, x, y), rel=1e-12)
    longer = ((0.0, 0.1), (0.5, 0.6), (1.0, 0.8), (2.0, 1.0))  # another length of data
    want_line = srcdiff.grad(net.line_loss)({"a": 0.7, "c": -0.2}, longer)
    assert out["line"] == pytest.approx([want_line["a"], want_line["c"]], rel=1e-12)
    assert "built for another structure of params" in out["wrong"]


def _pytest(project):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_net_grad.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def test_emitted_tests_pass_and_catch_a_wrong_derivative(built):
    proc = _pytest(built)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 passed" in proc.stdout
    tests = (built / "tests" / "test_net_grad.py").read_text()
    assert "{'params': {'w': np.array([0.5, -0.3]), 'b': 0.1}" in tests  # the `at` point
    grad = built / "pkg" / "net_grad.py"
    text = grad.read_text()
    assert text.count("    dparams_b = np.sum(dpred)\n") == 2
    grad.write_text(
        text.replace("    dparams_b = np.sum(dpred)\n", "    dparams_b = 1.01 * np.sum(dpred)\n")
    )
    proc = _pytest(built)
    assert "2 failed, 2 passed" in proc.stdout, proc.stdout


def test_check_no_import_and_ruff(built, monkeypatch, capsys):
    code, out = _build(built, "--check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "up to date" in out, out
    code, out = _build(built, "--check", "--no-import", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    files = [str(built / "pkg" / "net_grad.py"), str(built / "tests" / "test_net_grad.py")]
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["pkg/net.py:fit_loss", "--wrt", "params", "-o", "pkg/g.py"],
            "reads params as a container of parameters; its structure comes from example",
        ),
        (
            [
                "pkg/net.py:fit_loss",
                "--wrt",
                "params",
                "-o",
                "pkg/g.py",
                "--output",
                "vjp",
                "--at",
                "params={'w': [0.5], 'b': 0.1}, x=[[1.0]], y=[1.0]",
            ],
            "generates grad and value_and_grad in reverse mode",
        ),
        (
            [
                "pkg/net.py:fit_loss",
                "--wrt",
                "params",
                "-o",
                "pkg/g.py",
                "--at",
                "params={'w': [0.5], 'b': 0.1}",
            ],  # fmt: skip
            "`at` needs every argument",
        ),
    ],
)
def test_what_build_refuses_for_containers(tmp_path, monkeypatch, capsys, argv, message):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[project]\nname = "n"\nversion = "0"\n')
    code, out = _build(project, *argv, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and message in out, out


def test_the_missing_at_hint_works_when_followed(tmp_path, monkeypatch, capsys):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[project]\nname = "n"\nversion = "0"\n')
    argv = ["pkg/net.py:fit_loss", "--wrt", "params", "-o", "pkg/g.py"]
    code, out = _build(project, *argv, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "--at \"params={'w': [0.1, 0.2], 'b': 0.0}, ...\"" in out
    at = "params={'w': [0.1, 0.2], 'b': 0.0}, x=[[1.0, 2.0]], y=[1.0]"
    code, out = _build(project, *argv, "--at", at, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    assert "def fit_loss_grad(params, x, y):" in (project / "pkg" / "g.py").read_text()


# -- NamedTuple and dataclass arguments: `types` names the class of a table in `at` ----------
RECORDS = """\
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Params(NamedTuple):
    w: np.ndarray
    b: float


@dataclass
class Layer:
    w: np.ndarray
    b: np.ndarray


@dataclass
class Model:
    hidden: Layer
    scale: float


def fit_loss(params, x, y):
    pred = x @ params.w + params.b
    return np.mean((pred - y) ** 2)


def mlp(model, x):
    h = np.tanh(x @ model.hidden.w + model.hidden.b)
    return np.sum(h**2) * model.scale
"""

RECORDS_CONFIG = """\
[project]
name = "recs"
version = "0"

[tool.srcdiff]
emit-tests = "tests/test_rec_grad.py"

[[tool.srcdiff.targets]]
function = "pkg/rec.py:fit_loss"
wrt = "params"
output = "pkg/rec_grad.py"
generate = ["grad", "value_and_grad"]
at = {params = {w = [0.5, -0.3], b = 0.1}, x = [[1.0, 2.0], [0.5, -1.0], [0.0, 1.5]], \
y = [1.0, 0.0, 2.0]}
types = {params = "Params"}

[[tool.srcdiff.targets]]
function = "pkg/rec.py:mlp"
wrt = "model"
output = "pkg/rec_grad.py"
at = {model = {hidden = {w = [[0.1, 0.2], [0.3, -0.4]], b = [0.0, 0.1]}, scale = 2.0}, \
x = [[1.0, 2.0], [0.5, -1.0]]}
types = {model = "Model", "model.hidden" = "pkg.rec:Layer"}
"""

USE_RECORDS = """\
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from pkg import rec, rec_grad
p = rec.Params(np.array([0.2, 0.4]), -0.3)
x = np.array([[1.0, 0.5], [2.0, -1.0], [0.3, 0.3], [1.0, 1.0]])
y = np.array([0.5, 1.0, -1.0, 0.0])
g = rec_grad.fit_loss_grad(p, x, y)
m = rec.Model(rec.Layer(np.array([[0.3, -0.1], [0.2, 0.5]]), np.array([0.1, 0.0])), 1.5)
gm = rec_grad.mlp_grad(m, x[:2])
try:
    rec_grad.fit_loss_grad({"w": p.w, "b": p.b}, x, y)
    wrong = None
except ValueError as exc:
    wrong = str(exc)
print(json.dumps({
    "srcdiff_loaded": any(m.split(".")[0] == "srcdiff" for m in sys.modules),
    "type": type(g).__name__, "w": g.w.tolist(), "b": float(g.b),
    "mtype": [type(gm).__name__, type(gm.hidden).__name__], "mw": gm.hidden.w.tolist(),
    "mb": gm.hidden.b.tolist(), "scale": float(gm.scale), "wrong": wrong,
}))
"""


@pytest.fixture
def records(tmp_path, monkeypatch, capsys):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "rec.py").write_text(RECORDS)
    (tmp_path / "pyproject.toml").write_text(RECORDS_CONFIG)
    code, out = _build(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out
    yield tmp_path
    for name in ("pkg.rec_grad", "pkg.rec", "pkg"):
        sys.modules.pop(name, None)


def test_namedtuple_and_dataclass_arguments_build_and_run_without_srcdiff(records, tmp_path):
    text = (records / "pkg" / "rec_grad.py").read_text()
    assert "from pkg.rec import Layer, Model, Params" in text
    assert "def fit_loss_grad(params, x, y):" in text
    assert "fit_loss_grad_leaves(params.w, params.b, x, y)" in text
    assert "dparams = Params(dparams_w, dparams_b)" in text
    assert 'if structure_of(params) != (Params, {"w": None, "b": None}):' in text
    script = tmp_path / "use_records.py"
    script.write_text(USE_RECORDS)
    proc = subprocess.run(
        [sys.executable, "-I", str(script), str(records)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["srcdiff_loaded"] is False
    assert out["type"] == "Params" and out["mtype"] == ["Model", "Layer"]
    sys.path.insert(0, str(records))
    try:
        import importlib

        rec = importlib.import_module("pkg.rec")
    finally:
        sys.path.remove(str(records))
    p = rec.Params(np.array([0.2, 0.4]), -0.3)
    x = np.array([[1.0, 0.5], [2.0, -1.0], [0.3, 0.3], [1.0, 1.0]])
    y = np.array([0.5, 1.0, -1.0, 0.0])
    want = srcdiff.grad(rec.fit_loss)(p, x, y)
    np.testing.assert_allclose(out["w"], want.w, rtol=1e-12)
    assert out["b"] == pytest.approx(want.b, rel=1e-12)
    m = rec.Model(rec.Layer(np.array([[0.3, -0.1], [0.2, 0.5]]), np.array([0.1, 0.0])), 1.5)
    want_m = srcdiff.grad(rec.mlp)(m, x[:2])
    np.testing.assert_allclose(out["mw"], want_m.hidden.w, rtol=1e-12)
    np.testing.assert_allclose(out["mb"], want_m.hidden.b, rtol=1e-12)
    assert out["scale"] == pytest.approx(want_m.scale, rel=1e-12)
    assert "built for another structure of params" in out["wrong"]  # a dict is no Params


def test_records_emitted_tests_pass_and_catch_a_wrong_derivative(records, monkeypatch, capsys):
    def run():
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/test_rec_grad.py",
            ],
            cwd=records,
            capture_output=True,
            text=True,
            check=False,
        )

    proc = run()
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout + proc.stderr
    tests = (records / "tests" / "test_rec_grad.py").read_text()
    assert "'params': pkg_rec.Params(w=np.array([0.5, -0.3]), b=0.1)" in tests
    assert "pkg_rec.Model(hidden=pkg_rec.Layer(w=np.array(" in tests
    code, out = _build(records, "--check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "up to date" in out, out
    code, out = _build(records, "--check", "--no-import", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "build without --no-import" in out, out
    files = [str(records / "pkg" / "rec_grad.py"), str(records / "tests" / "test_rec_grad.py")]
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    grad = records / "pkg" / "rec_grad.py"
    text = grad.read_text()
    assert text.count("    dmodel_scale = np.sum(t3)\n") == 1
    wrong = "    dmodel_scale = 1.01 * np.sum(t3)\n"
    grad.write_text(text.replace("    dmodel_scale = np.sum(t3)\n", wrong))
    proc = run()
    assert "1 failed, 2 passed" in proc.stdout, proc.stdout


@pytest.mark.parametrize(
    "types, message",
    [
        ('{params = "Nope"}', "types: Nope is not defined in pkg/rec.py"),
        ('{params = "np:ndarray"}', "No module named 'np'"),
        ('{params = "numpy:ndarray"}', "is not a NamedTuple or dataclass"),
        ('{x = "Params"}', "types names x, which `at` does not give as a table"),
        ('{params = "Model"}', "at.params does not build a Model"),
        ('{params = "a b"}', "takes a class name"),
    ],
)
def test_what_build_refuses_for_types(tmp_path, monkeypatch, capsys, types, message):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "rec.py").write_text(RECORDS)
    config = RECORDS_CONFIG.split("[[tool.srcdiff.targets]]")[:2]
    text = "[[tool.srcdiff.targets]]".join(config).replace('{params = "Params"}', types)
    (tmp_path / "pyproject.toml").write_text(text)
    code, out = _build(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    for name in ("pkg.rec_grad", "pkg.rec", "pkg"):
        sys.modules.pop(name, None)
    assert code == 2 and message in out, out

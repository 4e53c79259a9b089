"""Second derivatives of a module `srcdiff build` wrote: its try/except is refused (as
in any function), and the hint says what works -- the Hessian of the function it was
built from -- where it said to move the try/except out of a file marked DO NOT EDIT.
The built module's pops of integers are declared (`k: int = _stack.pop()`) and its
gradient equals srcdiff.grad's."""

import importlib.util
import sys

import numpy as np
import pytest
from fdiff import fd_jacobian

import srcdiff
from srcdiff.build import command as build
from srcdiff.errors import UnsupportedSyntaxError

MODEL = """import numpy as np


def power(x, k):
    return x ** k


def loss(w, n=3):
    s = 0.0
    for i in range(1, n + 1):
        s = s + np.sum(power(w, i)) * 0.5
    return s
"""


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_hessian_of_built_gradient_names_the_source_function(tmp_path, monkeypatch, capsys):
    (tmp_path / "hess_model.py").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    argv = ["build", "hess_model.py:loss", "--wrt", "w", "-o", "hess_model_grad.py"]
    assert build.main(argv) == 0
    capsys.readouterr()
    assert "k: int = _stack.pop()" in (tmp_path / "hess_model_grad.py").read_text()
    model = _load(tmp_path / "hess_model.py", "hess_model")
    built = _load(tmp_path / "hess_model_grad.py", "hess_model_grad")
    w = np.array([-1.5, 0.4])
    np.testing.assert_allclose(built.loss_grad(w), srcdiff.grad(model.loss)(w), rtol=1e-14)
    with pytest.raises(UnsupportedSyntaxError, match=r"srcdiff\.hessian\(loss\)") as err:
        srcdiff.hessian(built.loss_grad)(w)
    assert "hess_model.py:loss" in str(err.value)
    got = srcdiff.hessian(model.loss)(w)  # the hint, followed
    np.testing.assert_allclose(got, fd_jacobian(built.loss_grad, (w,), 0), rtol=1e-6, atol=1e-8)

"""A built module refuses a derivative that is not a finite real number, as srcdiff.grad
does (build/finite.py, runtime/core.finite_derivative): `a ** b` at a = -1, b = 0.5 is
complex in Python and came back as `(3e-17-0.5j, nan)`; `np.sqrt` at 0 has an infinite
derivative. Where the derivative is finite the module returns what it did before
(checked against finite differences)."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import sys
import textwrap

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.build import command as build
from srcdiff.errors import DomainError
from srcdiff.runtime.core import check_distinct, finite_derivative

SOURCE = """
import numpy as np


def power(a, b):
    return a**b


def roots(x, w):
    return np.sum(np.sqrt(x) * w)
"""

OUTPUTS = "grad,value_and_grad,vjp"


def _built(tmp_path, monkeypatch, spec, *options):
    (tmp_path / "model.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.chdir(tmp_path)
    name = spec.split(":")[1]
    out = f"{name}_{abs(hash(options)) % 1000}_grad.py"
    assert build.main(["build", spec, "-o", out, *options]) == 0
    module_spec = importlib.util.spec_from_file_location(out[:-3], tmp_path / out)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module, (tmp_path / out).read_text()


@pytest.fixture
def power_module(tmp_path, monkeypatch):
    return _built(tmp_path, monkeypatch, "model.py:power", "--wrt", "a,b", "--output", OUTPUTS)


def test_a_complex_gradient_is_refused_naming_the_parameter(power_module):
    module, _ = power_module
    for call in (
        lambda: module.power_grad(-1.0, 0.5),
        lambda: module.power_value_and_grad(-1.0, 0.5),
        lambda: module.power_vjp(-1.0, 0.5, 1.0),
    ):
        with pytest.raises(DomainError, match="with respect to a is complex") as info:
            call()
        assert "abs(a) ** b" in str(info.value)


def test_the_hint_followed_differentiates(tmp_path, monkeypatch):
    """abs(a) ** b, as the hint says: finite, and equal to finite differences."""
    (tmp_path / "fixed.py").write_text("def power(a, b):\n    return abs(a) ** b\n")
    monkeypatch.chdir(tmp_path)
    assert build.main(["build", "fixed.py:power", "--wrt", "a,b"]) == 0
    spec = importlib.util.spec_from_file_location("fixed_grad", tmp_path / "fixed_grad.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = (-1.0, 0.5)
    got = module.power_grad(*args)
    want = [fd_grad(lambda a, b: abs(a) ** b, args, i) for i in (0, 1)]
    assert_close(np.array(got), np.array(want), rtol=1e-6)


def test_where_the_derivative_is_finite_the_values_are_unchanged(power_module):
    module, text = power_module
    args = (1.7, 0.6)
    want = [fd_grad(lambda a, b: a**b, args, i) for i in (0, 1)]
    assert_close(np.array(module.power_grad(*args)), np.array(want), rtol=1e-6)
    value, grads = module.power_value_and_grad(*args)
    assert value == 1.7**0.6 and grads == module.power_grad(*args)
    assert module.power_vjp(*args, 2.0) == tuple(2.0 * g for g in module.power_grad(*args))
    assert module.power_grad(*args) == srcdiff.grad(lambda a, b: a**b, wrt=(0, 1))(*args)
    assert 'return finite_derivative((da, db), "power", ("a", "b"))' in text
    top = [n for n in ast.parse(text).body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not [n for n in top if "srcdiff" in ast.unparse(n)]  # (runs without srcdiff)


def test_forward_mode_modules_check_the_tangent(tmp_path, monkeypatch):
    module, _ = _built(tmp_path, monkeypatch, "model.py:power", "--wrt", "a,b", "--mode", "forward")
    value, tangent = module.power_jvp(1.7, 0.6, 1.0, 0.0)
    assert_close(tangent, fd_grad(lambda a, b: a**b, (1.7, 0.6), 0), rtol=1e-6)
    with pytest.raises(DomainError, match="with respect to a, b is complex"):
        module.power_jvp(-1.0, 0.5, 1.0, 0.0)


def test_an_infinite_array_gradient_is_refused(tmp_path, monkeypatch):
    module, _ = _built(
        tmp_path, monkeypatch, "model.py:roots", "--wrt", "x", "--at", "x=[0.5, 1.0], w=[1.0, 2.0]"
    )
    x, w = np.array([0.5, 1.0]), np.array([1.0, 2.0])
    assert_close(
        module.roots_grad(x, w), fd_grad(lambda x, w: np.sum(np.sqrt(x) * w), (x, w), 0), rtol=1e-6
    )
    with pytest.raises(DomainError, match="with respect to x is not finite"):
        module.roots_grad(np.array([0.0, 1.0]), w)


def test_without_srcdiff_the_error_is_a_floating_point_error(monkeypatch):
    """A built module imports srcdiff's DomainError only where srcdiff is installed."""
    monkeypatch.setitem(sys.modules, "srcdiff", None)  # (import raises ImportError)
    with pytest.raises(FloatingPointError, match="with respect to b is not finite") as info:
        finite_derivative((1.0, float("nan")), "f", ("a", "b"))
    assert "hint: " in str(info.value)
    with pytest.raises(ValueError, match="writes some element more than once"):
        check_distinct(np.array([1, 1]))  # (the other helper raising srcdiff's errors)


@dataclasses.dataclass
class Pair:
    u: object
    v: object


@pytest.mark.parametrize(
    "value, names, bad",
    [
        (2.5, ("a",), None),
        ((1.0, 2), ("a", "b"), None),
        (np.float64(np.inf), ("a",), "a"),
        ((1.0, 1j), ("a", "b"), "b"),
        ([1.0, np.array([0.0, np.nan])], ("a",), "a"),
        ({"w": np.ones(2), "b": complex(1.0, 0.0)}, ("params",), "params"),
        (Pair(1.0, np.array([1.0 + 0j])), ("p",), "p"),
        (np.arange(3), ("k",), None),
        ((np.ones(2), np.float32(3.0)), ("x", "y"), None),
    ],
    ids=[
        "float",
        "int",
        "np-inf",
        "complex",
        "list-nan",
        "dict-complex",
        "dataclass",
        "ints",
        "f32",
    ],
)
def test_finite_derivative_reads_every_kind_of_value(value, names, bad):
    if bad is None:
        assert finite_derivative(value, "f", names) is value
    else:
        with pytest.raises(DomainError, match=f"with respect to {bad} is"):
            finite_derivative(value, "f", names)

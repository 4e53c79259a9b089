"""A built module's arithmetic errors are those in-process srcdiff raises (build/arithmetic.py,
runtime/core.derivative_error): a DomainError naming the function where the derivative
code fails (`0.0 ** -0.5`, `0.5 / sqrt(0.0)`, symbolic `math.sqrt` of a negative number
where f's own `x ** 0.5` is complex), the function's own error where it fails itself
(`y / x` at 0, `math.log` at 0).  Built modules raised Python's ZeroDivisionError and
ValueError in every case.  Without srcdiff the DomainError is a FloatingPointError (an
ArithmeticError) with the same message."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from fdiff import assert_close, fd_grad

import srcdiff
from srcdiff.build import command as build

SOURCE = """
import math


def root(x, y):
    return math.sqrt(x) * y


def logs(x, y):
    return math.log(x) * y


def power(x, y):
    return x ** 0.5 * y


def ratio(x, y):
    return y / x
"""

NAMES = ("root", "logs", "power", "ratio")
POINTS = (0.0, -1.0)
MODES = ("reverse", "forward", "symbolic", "numba")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("arith")
    (folder / "arith_model.py").write_text(textwrap.dedent(SOURCE))
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for mode in MODES:
            how = ["--backend", "numba"] if mode == "numba" else ["--mode", mode]
            targets = [f"arith_model.py:{n}" for n in NAMES]
            out = ["-o", f"arith_{mode}.py"]
            assert build.main(["build", *targets, "--wrt", "x,y", *how, *out]) == 0
    finally:
        os.chdir(cwd)
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))
    for name in ["arith_model", *(f"arith_{m}" for m in MODES)]:
        sys.modules.pop(name, None)


def _outcome(func, x):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (numba's fallback warnings, NumPy's)
            return "OK", func(x)
    except (ArithmeticError, ValueError) as exc:
        return type(exc).__name__, str(exc)


def _built_call(module, mode, name):
    if mode == "forward":
        jvp = getattr(module, f"{name}_jvp")
        return lambda x: jvp(x, 2.0, 1.0, 0.0)[1]
    return lambda x: getattr(module, f"{name}_grad")(x, 2.0)


def _in_process_call(model, mode, name):
    func = getattr(model, name)
    options = {"backend": "numba"} if mode == "numba" else {"mode": mode}
    grad = srcdiff.grad(func, wrt=(0, 1), **options)
    if mode == "forward":
        return lambda x: grad(x, 2.0)[0]
    return lambda x: grad(x, 2.0)


@pytest.mark.parametrize("mode", MODES)
def test_built_modules_raise_what_srcdiff_raises_in_process(project, mode):
    if mode == "numba":
        pytest.importorskip("numba")
    model = importlib.import_module("arith_model")
    module = importlib.import_module(f"arith_{mode}")
    seen = set()
    for name in NAMES:
        built, here = _built_call(module, mode, name), _in_process_call(model, mode, name)
        for x in POINTS:
            want, got = _outcome(here, x), _outcome(built, x)
            assert got[0] == want[0], (name, x, want, got)
            if got[0] == "DomainError" and "raised" in want[1]:
                assert f"the derivative code of {name} raised" in got[1]
            seen.add(got[0])
        point = (0.7, 2.0)
        want = fd_grad(getattr(model, name), point, 0)
        g = built(point[0])
        assert_close(np.asarray(g if mode == "forward" else g[0]), want, 1e-6, 1e-8, name)
    assert "DomainError" in seen and seen & {"ZeroDivisionError", "ValueError"}


def test_the_failing_line_and_the_users_line_are_named(project):
    module = importlib.import_module("arith_reverse")
    with pytest.raises(srcdiff.DomainError) as info:
        module.power_grad(0.0, 2.0)
    message = str(info.value)
    assert "the derivative code of power raised ZeroDivisionError" in message
    assert "at `dx = y * 0.5 * x ** (-0.5)`" in message
    line = SOURCE.splitlines().index("    return x ** 0.5 * y") + 1
    assert f"(for line {line}: return x ** 0.5 * y)" in message


_RUN = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.modules["srcdiff"] = None  # (import srcdiff raises ImportError)
import arith_reverse, arith_symbolic
report = {}
for label, call in (("reverse", lambda: arith_reverse.power_grad(0.0, 2.0)),
                    ("symbolic", lambda: arith_symbolic.power_grad(-1.0, 2.0)),
                    ("own", lambda: arith_reverse.ratio_grad(0.0, 2.0))):
    try:
        call()
    except ArithmeticError as exc:
        report[label] = [type(exc).__name__, str(exc)]
print(json.dumps(report))
"""


def test_without_srcdiff_an_arithmetic_error_with_the_same_message(project):
    proc = subprocess.run(
        [sys.executable, "-I", "-c", _RUN, str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    for label in ("reverse", "symbolic"):
        kind, message = report[label]
        assert kind == "FloatingPointError" and "\nhint: " in message
        with pytest.raises(srcdiff.DomainError) as info:
            module = importlib.import_module(f"arith_{label}")
            module.power_grad(0.0 if label == "reverse" else -1.0, 2.0)
        assert message.split("\nhint: ")[0] == str(info.value).split("\nhint: ")[0]
    assert report["own"][0] == "ZeroDivisionError"
